/*
 * sidecar.h - the metadata/{stem}.json of a tile in the dataset folder: the
 * original builder's fields (ids, split, place, scene, label facts, tile
 * geometry, caption, regions, rows) and ours (grid, stretch, augmentation),
 * built from the tile record.  Nothing in it carries a query string: hrefs
 * and sources are cut at '?', so signed URLs never reach the dataset.
 *
 * Calling sequence:
 *
 *	struct sidecar *sc = sidecar_new();		NULL: out of memory
 *	for each tile record r:
 *		px = sidecar_class_pixels(sc, label);	also what the card counts
 *		side = sidecar_tile(sc, r, image, label, px, mask_classes, base);
 *		...ds_commit() fills in "image", "mask" and each row's "overlay"...
 *	sidecar_free(sc);
 *
 * struct sidecar keeps what tiles share: the transform of the last grid's
 * CRS to WGS 84 and the counters of label values.
 */
#ifndef SIDECAR_H
#define SIDECAR_H

#include <jansson.h>

struct raster;
struct rec;
struct sidecar;

struct sidecar *sidecar_new(void);
void sidecar_free(struct sidecar *sc);

/* {"class id": valid pixels} of a one-band label, keys in increasing order. */
json_t *sidecar_class_pixels(struct sidecar *sc, const struct raster *label);

/*
 * The sidecar object of the tile record r (its "tile", "scene", "landcover",
 * "regions", "rows" and the like), image its image raster, label its label or
 * NULL, class_pixels from sidecar_class_pixels, mask_classes from
 * labelmask_png or NULL (both borrowed), base its base POI id (which picks
 * the split).  "image", "mask" and rows[].overlay are null, for ds_commit.
 */
json_t *sidecar_tile(struct sidecar *sc, const struct rec *r, const struct raster *image,
    const struct raster *label, json_t *class_pixels, json_t *mask_classes,
    const char *base);

#endif
