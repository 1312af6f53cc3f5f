/*
 * overlay.h - the overlays/ images of a tile, one per row: the tile with the
 * row's boxes outlined 2 px wide, each in its class's colour
 * (draw_class_color), so a reader sees what a grounding row points at.
 *
 *	unsigned char *png; size_t len;
 *	if (overlay_png(rgb, w, h, row, regions, classes, &png, &len, err, sizeof err)) ...
 *	free(png);
 */
#ifndef OVERLAY_H
#define OVERLAY_H

#include <stddef.h>
#include <jansson.h>

/*
 * rgb: the tile, w x h interleaved RGB (left untouched).  row: an object
 * whose "boxes" index regions ([{"bbox": [x0,y0,x1,y1] in 0..1, "class_id",
 * "label"}, ...]); classes: [{"id","name","color"}] or NULL.  *png is a
 * malloc'd RGB PNG.  0 ok, -1 with err set (a box that is not one in 0..1).
 */
int overlay_png(const unsigned char *rgb, int w, int h, const json_t *row,
    const json_t *regions, const json_t *classes, unsigned char **png, size_t *len,
    char *err, size_t errlen);

#endif
