/* unitpng.h - PNGs read back in unit tests with libpng's simplified API, as a viewer would. */
#ifndef UNITPNG_H
#define UNITPNG_H
#include <stdlib.h>
#include <string.h>

#include <png.h>

/* Decode buf into 8-bit RGB (*out malloc'd), or -1. */
static inline int
unit_png_rgb(const unsigned char *buf, size_t len, int *w, int *h, unsigned char **out)
{
	png_image im;

	*out = NULL;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, buf, len))
		return -1;
	im.format = PNG_FORMAT_RGB;
	*w = (int)im.width;
	*h = (int)im.height;
	*out = malloc(PNG_IMAGE_SIZE(im));
	if (*out == NULL || !png_image_finish_read(&im, NULL, *out, 0, NULL)) {
		png_image_free(&im);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

#endif
