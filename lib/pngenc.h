/*
 * pngenc.h - deterministic PNG encoding with libpng: 8-bit RGB, 8- or 16-bit
 * gray and 8-bit palette images, to memory, and to a file by temp + rename.
 *
 * Deterministic: no time, text or gamma chunks, fixed zlib settings, so the
 * same pixels give the same bytes on every run (the dataset folder is
 * compared byte for byte after a resumed run).  Named pngenc, not png, because
 * lib/ comes first on the include path and would shadow libpng's <png.h>.
 *
 *	struct pngenc_image im = { w, h, PNGENC_RGB, 8, rgb, NULL, 0 };
 *	unsigned char *buf; size_t len;
 *	if (pngenc_encode(&im, &buf, &len, err, sizeof err)) ...
 *	free(buf);
 */
#ifndef PNGENC_H
#define PNGENC_H

#include <stddef.h>

enum pngenc_kind { PNGENC_GRAY, PNGENC_RGB, PNGENC_PALETTE };

struct pngenc_image {
	int width, height;
	enum pngenc_kind kind;
	int depth;			/* 8; or 16 for PNGENC_GRAY */
	/*
	 * Rows top to bottom, no padding: RGB 3 bytes per pixel (r,g,b), gray and
	 * palette 1 byte per pixel, 16-bit gray one host-order uint16_t per pixel.
	 */
	const void *pixels;
	const unsigned char (*palette)[3];	/* PNGENC_PALETTE: npalette colours */
	int npalette;			/* 1..256 */
};

/* Encode im into a malloc'ed buffer.  0 ok, -1 with err set. */
int pngenc_encode(const struct pngenc_image *im, unsigned char **out, size_t *outlen,
    char *err, size_t errlen);

/*
 * Band-sequential planes (as in the record stream) to interleaved RGB:
 * out[3*i+k] = planes[k*n + i], n = width*height.
 */
void pngenc_interleave3(const unsigned char *planes, size_t n, unsigned char *out);

#endif
