/*
 * labelmask.c - a label raster as a palette PNG for the dataset's masks/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "errbuf.h"
#include "labelmask.h"
#include "pngenc.h"
#include "rec.h"

/* uint16 values to table indices through a lookup table: one lookup per pixel. */
static int
index_by_table(const struct raster *lab, const json_t *classes, long nod, unsigned char *idx)
{
	size_t n = raster_plane(lab), i;
	unsigned char *lut = malloc(65536);

	if (lut == NULL)
		return -1;
	memset(lut, 254, 65536);
	for (i = json_array_size(classes); i-- > 0; ) {
		json_int_t id = json_integer_value(json_object_get(json_array_get(classes, i),
		    "id"));
		if (id >= 0 && id < 65536)
			lut[id] = (unsigned char)i;	/* the first entry of an id wins */
	}
	if (nod >= 0 && nod < 65536)
		lut[nod] = 255;
	for (i = 0; i < n; i++)
		idx[i] = lut[((const uint16_t *)lab->data)[i]];
	free(lut);
	return 0;
}

int
labelmask_png(const struct raster *lab, const json_t *classes, unsigned char **png,
    size_t *len, json_t **mask_classes, char *err, size_t errlen)
{
	size_t n = raster_plane(lab), i;
	unsigned char pal[256][3], *idx;
	long nod = lab->has_nodata ? (long)lab->nodata : -1;
	int identity = 1, rc;
	json_t *cl;

	*mask_classes = NULL;
	if (lab->dtype == DT_UINT16)
		json_array_foreach(classes, i, cl)
			if (json_integer_value(json_object_get(cl, "id")) >= 255)
				identity = 0;
	if (!identity && json_array_size(classes) > 254) {
		/* Too many classes for a palette: the raw ids as 16-bit gray. */
		struct pngenc_image gray = { lab->width, lab->height, PNGENC_GRAY, 16, lab->data,
		    NULL, 0 };
		return pngenc_encode(&gray, png, len, err, errlen);
	}
	if ((idx = malloc(n ? n : 1)) == NULL)
		return errf(err, errlen, "out of memory");
	memset(pal, 0, sizeof pal);
	if (identity) {
		for (i = 0; i < n; i++) {
			long v = (long)raster_get(lab, 0, i);
			idx[i] = v == nod ? (lab->dtype == DT_UINT8 ? (unsigned char)v : 255) :
			    v > 254 && lab->dtype == DT_UINT16 ? 254 : (unsigned char)v;
		}
		for (int v = 0; v < 256; v++)
			if (v != (lab->dtype == DT_UINT8 ? nod : 255))
				draw_class_color(classes, v, NULL, pal[v]);
	} else {
		*mask_classes = json_array();
		json_array_foreach(classes, i, cl) {
			json_array_append(*mask_classes, json_object_get(cl, "id"));
			draw_class_color(classes, (long)json_integer_value(json_object_get(cl, "id")),
			    NULL, pal[i]);
		}
		draw_class_color(NULL, -1, "other", pal[254]);
		if (index_by_table(lab, classes, nod, idx) == -1) {
			free(idx);
			json_decref(*mask_classes);
			*mask_classes = NULL;
			return errf(err, errlen, "out of memory");
		}
	}
	struct pngenc_image im = { lab->width, lab->height, PNGENC_PALETTE, 8, idx,
	    (const unsigned char (*)[3])pal, 256 };
	if ((rc = pngenc_encode(&im, png, len, err, errlen)) != 0) {
		json_decref(*mask_classes);
		*mask_classes = NULL;
	}
	free(idx);
	return rc;
}
