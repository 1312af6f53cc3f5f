/*
 * grounding.h - a tile's regions as boxes in 0..1 of the tile: the record's
 * "regions" array, the regions a row grounds, and the answer text of a
 * grounding row.  Coordinates are rounded to 4 decimals (round4.h), the
 * right and bottom edges exclusive: [x0/w, y0/h, (x1+1)/w, (y1+1)/h].
 *
 *	regions = grounding_regions(reg, nreg, classes, nclasses, w, h);
 *	boxes = grounding_boxes(reg, nreg, GROUNDING_ALL);	region indexes
 *	answer = grounding_answer(reg, nreg, classes, nclasses, GROUNDING_ALL, w, h);
 */
#ifndef GROUNDING_H
#define GROUNDING_H

#include <stddef.h>
#include <jansson.h>

#include "labelclasses.h"
#include "regions.h"

#define GROUNDING_ALL (-1L)	/* every region, not those of one class id */

/*
 * [{"label": name, "class_id": id, "bbox": [x0, y0, x1, y1], "area_px": n}, ...]
 * in the order of reg.  NULL on OOM or if a region's class is not in cl.
 */
json_t *grounding_regions(const struct region *reg, size_t nreg,
    const struct labelclass *cl, size_t ncl, int w, int h);

/* The indexes into reg of the regions of class_id (or all): [0, 3, 4]; NULL on OOM. */
json_t *grounding_boxes(const struct region *reg, size_t nreg, long class_id);

/*
 * The answer of a grounding row as the original's json.dumps wrote it:
 * [{"label": "water", "bbox": [0.0, 0.125, 0.5, 1.0]}, ...], the regions of
 * class_id (or all) in the order of reg.  Malloc'd; NULL on OOM.
 */
char *grounding_answer(const struct region *reg, size_t nreg, const struct labelclass *cl,
    size_t ncl, long class_id, int w, int h);

#endif
