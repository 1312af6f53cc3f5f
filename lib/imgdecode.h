/*
 * imgdecode.h - decode a PNG or JPEG held in memory into 8-bit RGB planes.
 *
 * The format is told by the magic bytes, never by a URL or a content type:
 * web APIs (Mapbox Static Images among them) answer JPEG or PNG depending on
 * the style, whatever the request said.
 *
 *	struct img im;
 *	if (img_decode(buf, len, 8192 * 8192, &im, err, sizeof err) == -1) ...err...
 *	// im.rgb: 3 planes (R, G, B) of im.width * im.height bytes, band-sequential
 *	img_free(&im);
 *
 * Grey and palette images are expanded to RGB, 16-bit samples are cut to 8
 * bits, and alpha is dropped (Static Images are opaque).
 */
#ifndef IMGDECODE_H
#define IMGDECODE_H

#include <stddef.h>
#include <stdint.h>

enum img_format { IMG_UNKNOWN, IMG_PNG, IMG_JPEG };

struct img {
	int width, height;
	enum img_format format;
	uint8_t *rgb;		/* 3 * width * height bytes, band-sequential, malloc'd */
};

/* What the bytes are, from their first few. */
enum img_format img_sniff(const void *buf, size_t len);
/* "png", "jpeg" or "unknown". */
const char *img_format_name(enum img_format f);

/*
 * Decode buf.  Images of more than max_pixels pixels are refused before any
 * pixel memory is taken (a small body can claim a huge size).  0 ok, -1 with
 * err set ("not a PNG or JPEG image (starts with 3c 3f 78 6d)", "PNG: ...").
 */
int img_decode(const void *buf, size_t len, uint64_t max_pixels, struct img *out,
    char *err, size_t errlen);
void img_free(struct img *im);

#endif
