/*
 * labelmask.h - the masks/ image of a tile: its label as an 8-bit palette
 * PNG, each class in its colour (draw_class_color), so that a mask opens in
 * any viewer and still holds the class of every pixel.
 *
 * Palette indices: a uint8 label keeps its values; a uint16 one too when
 * every class id of the table is below 255 (nodata becomes 255, other values
 * above 254 become 254).  Otherwise index k is the k-th class of the table,
 * 254 a value not in it, 255 nodata, and *mask_classes lists the table's ids
 * so the indices can be read back; a table of more than 254 such classes
 * gives the raw ids as 16-bit gray instead.
 *
 *	unsigned char *png; size_t len; json_t *mask_classes;
 *	if (labelmask_png(label, classes, &png, &len, &mask_classes, err, sizeof err)) ...
 *	free(png); json_decref(mask_classes);
 */
#ifndef LABELMASK_H
#define LABELMASK_H

#include <stddef.h>
#include <jansson.h>

struct raster;

/*
 * label: one band of uint8 or uint16; classes: [{"id","name","color"}] or
 * NULL.  *png is malloc'd; *mask_classes is a new array of ids or NULL (see
 * above).  0 ok, -1 with err set.
 */
int labelmask_png(const struct raster *label, const json_t *classes, unsigned char **png,
    size_t *len, json_t **mask_classes, char *err, size_t errlen);

#endif
