/*
 * overlay.c - a row's boxes drawn on a copy of its tile.
 */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "errbuf.h"
#include "overlay.h"
#include "pngenc.h"

int
overlay_png(const unsigned char *rgb, int w, int h, const json_t *row,
    const json_t *regions, const json_t *classes, unsigned char **png, size_t *len,
    char *err, size_t errlen)
{
	unsigned char *im = malloc((size_t)w * (size_t)h * 3), col[3];
	json_t *b;
	size_t j;
	int rc;

	if (im == NULL)
		return errf(err, errlen, "out of memory");
	memcpy(im, rgb, (size_t)w * (size_t)h * 3);
	json_array_foreach(json_object_get(row, "boxes"), j, b) {
		json_t *reg = json_array_get(regions, (size_t)json_integer_value(b));
		json_t *bb = json_object_get(reg, "bbox");
		double nb[4];
		int px[4];
		for (int k = 0; k < 4; k++)
			nb[k] = json_number_value(json_array_get(bb, (size_t)k));
		if (json_array_size(bb) != 4 || draw_box_pixels(nb, w, h, px)) {
			free(im);
			return errf(err, errlen, "regions[%lld].bbox: not a box in 0..1",
			    (long long)json_integer_value(b));
		}
		draw_class_color(classes, (long)json_integer_value(json_object_get(reg, "class_id")),
		    json_string_value(json_object_get(reg, "label")), col);
		draw_box(im, w, h, px[0], px[1], px[2], px[3], 2, col);
	}
	struct pngenc_image pi = { w, h, PNGENC_RGB, 8, im, NULL, 0 };
	rc = pngenc_encode(&pi, png, len, err, errlen);
	free(im);
	return rc;
}
