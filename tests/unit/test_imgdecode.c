/*
 * test_imgdecode.c - lib/imgdecode.c on images written here with libpng and
 * libjpeg: every PNG colour type and depth, interlacing, transparency, JPEG
 * in colour and grey, and the failures (garbage, truncation, size limit, CMYK).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "imgdecode.h"
#include "unit.h"

struct mem {
	unsigned char *p;
	size_t len, cap;
};

static void
mem_write(png_structp png, png_bytep data, size_t n)
{
	struct mem *m = png_get_io_ptr(png);

	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->p = realloc(m->p, m->cap);
	}
	memcpy(m->p + m->len, data, n);
	m->len += n;
}

static void
mem_flush(png_structp png)
{
	(void)png;
}

/* A PNG of w x h: ctype/depth as libpng names them, rows given packed. */
static struct mem
make_png(int w, int h, int ctype, int depth, int interlace, const unsigned char *rows,
    size_t rowbytes, const png_color *pal, int npal, const png_byte *trns, int ntrns)
{
	struct mem m = { NULL, 0, 0 };
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	int y;

	if (setjmp(png_jmpbuf(png))) {
		fprintf(stderr, "png write failed\n");
		exit(1);
	}
	png_set_write_fn(png, &m, mem_write, mem_flush);
	png_set_IHDR(png, info, w, h, depth, ctype,
	    interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (pal != NULL)
		png_set_PLTE(png, info, pal, npal);
	if (trns != NULL)
		png_set_tRNS(png, info, trns, ntrns, NULL);
	/* A gAMA chunk must not change the samples we get. */
	png_set_gAMA(png, info, 1.0);
	png_write_info(png, info);
	if (interlace) {
		int passes = png_set_interlace_handling(png), p;

		for (p = 0; p < passes; p++)
			for (y = 0; y < h; y++)
				png_write_row(png, rows + (size_t)y * rowbytes);
	} else
		for (y = 0; y < h; y++)
			png_write_row(png, rows + (size_t)y * rowbytes);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return m;
}

static int progressive;	/* make_jpeg writes progressive JPEGs when set */

static struct mem
make_jpeg(int w, int h, int comps, J_COLOR_SPACE cs, int quality, const unsigned char *px)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *out = NULL;
	unsigned long outlen = 0;
	struct mem m;
	JSAMPROW row;

	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &outlen);
	c.image_width = w;
	c.image_height = h;
	c.input_components = comps;
	c.in_color_space = cs;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = (JSAMPROW)(px + (size_t)c.next_scanline * w * comps);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	m.p = out;
	m.len = outlen;
	m.cap = outlen;
	return m;
}

/* A smooth but non-trivial test pattern, so JPEG stays close. */
static unsigned char
pat(int x, int y, int b)
{
	return (unsigned char)(40 + x * 3 + y * 2 + b * 20);	/* at most 232: no wrap */
}

/* Does im hold rgb[i] = f(x, y, b) for every pixel?  Returns the largest difference. */
static int
maxdiff_rgb(const struct img *im, int w, int h, const unsigned char *interleaved)
{
	int x, y, b, d, m = 0;
	size_t plane = (size_t)w * h;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			for (b = 0; b < 3; b++) {
				d = abs((int)im->rgb[b * plane + (size_t)y * w + x] -
				    (int)interleaved[((size_t)y * w + x) * 3 + b]);
				if (d > m)
					m = d;
			}
	return m;
}

int
main(void)
{
	enum { W = 37, H = 23 };	/* odd sizes catch stride mistakes */
	unsigned char rgb[W * H * 3], rgba[W * H * 4], rgb16[W * H * 6], grey[W * H];
	unsigned char idx[W * H], bits[H * ((W + 7) / 8)], want[W * H * 3];
	png_color pal[4] = { { 10, 20, 30 }, { 200, 100, 0 }, { 0, 255, 1 }, { 7, 8, 9 } };
	png_byte trns[4] = { 0, 128, 255, 255 };
	struct img im;
	struct mem m;
	char err[256];
	int x, y, b, rc;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			size_t i = (size_t)y * W + x;

			for (b = 0; b < 3; b++) {
				rgb[i * 3 + b] = pat(x, y, b);
				rgba[i * 4 + b] = pat(x, y, b);
				rgb16[i * 6 + b * 2] = pat(x, y, b);		/* high byte */
				rgb16[i * 6 + b * 2 + 1] = (unsigned char)(x * 17);	/* low byte */
			}
			rgba[i * 4 + 3] = (unsigned char)(x * 7);	/* partly transparent */
			grey[i] = pat(x, y, 1);
			idx[i] = (unsigned char)((x + y) % 4);
		}

	CHECK(img_sniff("\x89PNG\r\n\x1a\n", 8) == IMG_PNG && img_sniff("\xff\xd8\xff\xe0", 4) ==
	    IMG_JPEG && img_sniff("GIF89a", 6) == IMG_UNKNOWN && img_sniff("", 0) == IMG_UNKNOWN,
	    "img_sniff");

	m = make_png(W, H, PNG_COLOR_TYPE_RGB, 8, 0, rgb, W * 3, NULL, 0, NULL, 0);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && im.format == IMG_PNG && im.width == W && im.height == H &&
	    maxdiff_rgb(&im, W, H, rgb) == 0, "PNG RGB 8-bit exact (gAMA ignored)");
	img_free(&im);
	CHECK(img_decode(m.p, m.len, W * H - 1, &im, err, sizeof err) == -1 &&
	    strstr(err, "PNG: image of 37x23 pixels is over the limit of 850") != NULL,
	    "PNG over max_pixels refused before decoding: %s", err);
	CHECK(img_decode(m.p, m.len / 2, 1 << 20, &im, err, sizeof err) == -1 &&
	    strstr(err, "PNG: ") == err, "truncated PNG: %s", err);
	m.p[m.len / 2] ^= 0x55;		/* a corrupt byte in the compressed data */
	CHECK(img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err) == -1,
	    "corrupt PNG: %s", err);
	free(m.p);

	m = make_png(W, H, PNG_COLOR_TYPE_RGB, 8, 1, rgb, W * 3, NULL, 0, NULL, 0);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, rgb) == 0, "PNG RGB Adam7 interlaced exact");
	img_free(&im);
	free(m.p);

	m = make_png(W, H, PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, rgba, W * 4, NULL, 0, NULL, 0);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, rgb) == 0,
	    "PNG RGBA: alpha dropped, colour samples untouched");
	img_free(&im);
	free(m.p);

	m = make_png(W, H, PNG_COLOR_TYPE_RGB, 16, 0, rgb16, W * 6, NULL, 0, NULL, 0);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, rgb) == 0, "PNG RGB 16-bit: the high byte");
	img_free(&im);
	free(m.p);

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			for (b = 0; b < 3; b++)
				want[((size_t)y * W + x) * 3 + b] = grey[(size_t)y * W + x];
	m = make_png(W, H, PNG_COLOR_TYPE_GRAY, 8, 0, grey, W, NULL, 0, NULL, 0);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, want) == 0, "PNG grey: R = G = B");
	img_free(&im);
	free(m.p);

	memset(bits, 0, sizeof bits);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			if ((x ^ y) & 1) {
				bits[y * ((W + 7) / 8) + x / 8] |= (unsigned char)(0x80 >> (x % 8));
				for (b = 0; b < 3; b++)
					want[((size_t)y * W + x) * 3 + b] = 255;
			} else
				for (b = 0; b < 3; b++)
					want[((size_t)y * W + x) * 3 + b] = 0;
	m = make_png(W, H, PNG_COLOR_TYPE_GRAY, 1, 0, bits, (W + 7) / 8, NULL, 0, NULL, 0);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, want) == 0, "PNG 1-bit grey: 0 and 255");
	img_free(&im);
	free(m.p);

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			const png_color *c = &pal[idx[(size_t)y * W + x]];

			want[((size_t)y * W + x) * 3] = c->red;
			want[((size_t)y * W + x) * 3 + 1] = c->green;
			want[((size_t)y * W + x) * 3 + 2] = c->blue;
		}
	m = make_png(W, H, PNG_COLOR_TYPE_PALETTE, 8, 0, idx, W, pal, 4, trns, 4);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, want) == 0,
	    "PNG palette with tRNS: the palette colours");
	img_free(&im);
	free(m.p);

	m = make_jpeg(W, H, 3, JCS_RGB, 100, rgb);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && im.format == IMG_JPEG && im.width == W && im.height == H &&
	    maxdiff_rgb(&im, W, H, rgb) <= 8, "JPEG RGB quality 100 within 8 (%d)",
	    rc == 0 ? maxdiff_rgb(&im, W, H, rgb) : -1);
	img_free(&im);
	CHECK(img_decode(m.p, m.len - 40, 1 << 20, &im, err, sizeof err) == -1 &&
	    strcmp(err, "JPEG: Premature end of JPEG file") == 0, "truncated JPEG: %s", err);
	CHECK(img_decode(m.p, 200, 1 << 20, &im, err, sizeof err) == -1, "JPEG cut in the header: %s",
	    err);
	CHECK(img_decode(m.p, m.len, 100, &im, err, sizeof err) == -1 &&
	    strstr(err, "JPEG: image of 37x23 pixels is over the limit of 100") != NULL,
	    "JPEG over max_pixels: %s", err);
	free(m.p);

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			for (b = 0; b < 3; b++)
				want[((size_t)y * W + x) * 3 + b] = grey[(size_t)y * W + x];
	m = make_jpeg(W, H, 1, JCS_GRAYSCALE, 100, grey);
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, want) <= 4, "JPEG grey: R = G = B, close");
	img_free(&im);
	free(m.p);

	progressive = 1;
	m = make_jpeg(W, H, 3, JCS_RGB, 100, rgb);
	progressive = 0;
	rc = img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err);
	CHECK(rc == 0 && maxdiff_rgb(&im, W, H, rgb) <= 8, "progressive JPEG within 8");
	img_free(&im);
	free(m.p);

	/* Damaged bodies: each decodes or fails with a message, never crashes (ASan run). */
	{
		struct mem src[2];
		unsigned char *buf;
		uint32_t seed = 12345;
		int k, ok = 0, bad = 0, f;

		src[0] = make_png(W, H, PNG_COLOR_TYPE_RGB, 8, 1, rgb, W * 3, NULL, 0, NULL, 0);
		src[1] = make_jpeg(W, H, 3, JCS_RGB, 90, rgb);
		for (f = 0; f < 2; f++) {
			buf = malloc(src[f].len);
			for (k = 0; k < 300; k++) {
				size_t len = src[f].len, j;

				memcpy(buf, src[f].p, len);
				for (j = 0; j < 1 + (size_t)(k % 4); j++) {
					seed = seed * 1103515245u + 12345u;
					buf[(seed >> 8) % len] ^= (unsigned char)(1u << ((seed >> 4) % 8));
				}
				seed = seed * 1103515245u + 12345u;
				if (k % 3 == 0)
					len = (seed >> 8) % len;
				err[0] = '\0';
				if (img_decode(buf, len, 1 << 20, &im, err, sizeof err) == 0) {
					ok += im.width == W && im.height == H;
					img_free(&im);
				} else
					bad += err[0] != '\0';
			}
			free(buf);
			free(src[f].p);
		}
		CHECK(ok + bad == 600, "600 damaged PNG/JPEG bodies: %d decoded, %d refused with a "
		    "message", ok, bad);
	}

	m = make_jpeg(W, H, 4, JCS_CMYK, 90, rgba);
	CHECK(img_decode(m.p, m.len, 1 << 20, &im, err, sizeof err) == -1 &&
	    strcmp(err, "JPEG: CMYK images are not supported") == 0, "CMYK JPEG refused: %s", err);
	free(m.p);

	CHECK(img_decode("<html>", 6, 1 << 20, &im, err, sizeof err) == -1 &&
	    strcmp(err, "not a PNG or JPEG image (starts with 3c 68 74 6d)") == 0, "HTML: %s", err);
	CHECK(img_decode("", 0, 1 << 20, &im, err, sizeof err) == -1 &&
	    strcmp(err, "not a PNG or JPEG image (empty body)") == 0, "empty: %s", err);
	CHECK(img_decode("\x89PNG\r\n\x1a\n", 8, 1 << 20, &im, err, sizeof err) == -1 &&
	    strncmp(err, "PNG: ", 5) == 0, "PNG signature alone: %s", err);
	CHECK(strcmp(img_format_name(IMG_PNG), "png") == 0 &&
	    strcmp(img_format_name(IMG_JPEG), "jpeg") == 0, "img_format_name");
	UNIT_DONE();
}
