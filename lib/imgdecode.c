/*
 * imgdecode.c - PNG (libpng) and JPEG (libjpeg) bytes in memory to 8-bit RGB
 * planes.
 *
 * PNG goes through libpng's low-level reader rather than the simplified
 * png_image API: the simplified API converts through sRGB/linear light for
 * gAMA chunks, 16-bit data and alpha, so its samples would differ from what
 * GDAL and every other reader returns.  Here samples are taken as stored.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "imgdecode.h"

enum img_format
img_sniff(const void *buf, size_t len)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *b = buf;

	if (len >= 8 && memcmp(b, png_sig, 8) == 0)
		return IMG_PNG;
	if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return IMG_JPEG;
	return IMG_UNKNOWN;
}

const char *
img_format_name(enum img_format f)
{
	switch (f) {
	case IMG_PNG:	return "png";
	case IMG_JPEG:	return "jpeg";
	default:	return "unknown";
	}
}

void
img_free(struct img *im)
{
	free(im->rgb);
	im->rgb = NULL;
	im->width = im->height = 0;
}

/* Refuse sizes that are zero, over the limit, or would overflow size_t. */
static int
size_ok(uint64_t w, uint64_t h, uint64_t max_pixels, char *err, size_t errlen,
    const char *fmt)
{
	if (w == 0 || h == 0) {
		snprintf(err, errlen, "%s: empty image (%llux%llu)", fmt,
		    (unsigned long long)w, (unsigned long long)h);
		return 0;
	}
	if (w * h > max_pixels || w * h > SIZE_MAX / 4) {
		snprintf(err, errlen, "%s: image of %llux%llu pixels is over the limit of %llu",
		    fmt, (unsigned long long)w, (unsigned long long)h,
		    (unsigned long long)max_pixels);
		return 0;
	}
	return 1;
}

/* Interleaved RGB row into the three planes. */
static void
scatter_row(uint8_t *planes, size_t plane, size_t y, int width, const uint8_t *row)
{
	uint8_t *r = planes + y * (size_t)width, *g = r + plane, *b = g + plane;
	int x;

	for (x = 0; x < width; x++) {
		r[x] = row[3 * x];
		g[x] = row[3 * x + 1];
		b[x] = row[3 * x + 2];
	}
}

/* ---- PNG ---- */

struct png_src {
	const uint8_t *p;
	size_t left;
	char *err;
	size_t errlen;
};

static void
png_read_mem(png_structp png, png_bytep out, size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->left)
		png_error(png, "truncated data");
	memcpy(out, s->p, n);
	s->p += n;
	s->left -= n;
}

static void
png_on_error(png_structp png, png_const_charp msg)
{
	struct png_src *s = png_get_error_ptr(png);

	snprintf(s->err, s->errlen, "PNG: %s", msg);
	png_longjmp(png, 1);
}

static void
png_on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;	/* e.g. a bad iCCP profile: the pixels are still right */
}

static int
decode_png(const uint8_t *buf, size_t len, uint64_t max_pixels, struct img *out,
    char *err, size_t errlen)
{
	struct png_src src = { buf, len, err, errlen };
	png_structp png;
	png_infop info = NULL;
	png_uint_32 w, h;
	int depth, ctype, npass, pass;
	/* volatile: changed between setjmp and a possible longjmp. */
	uint8_t *volatile rows = NULL;
	uint8_t *volatile planes = NULL;
	size_t y, plane;

	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error,
	    png_on_warning);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		png_destroy_read_struct(&png, NULL, NULL);
		snprintf(err, errlen, "PNG: out of memory");
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(rows);
		free(planes);
		return -1;
	}
	png_set_read_fn(png, &src, png_read_mem);
	/* Our own limit decides; libpng's default of 1,000,000 columns is beside it. */
	png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
	if (!size_ok(w, h, max_pixels, err, errlen, "PNG")) {
		png_destroy_read_struct(&png, &info, NULL);
		return -1;
	}
	/* Samples as stored: no gamma, no colour management. */
	png_set_expand(png);		/* palette -> RGB, grey < 8 bits -> 8, tRNS -> alpha */
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	npass = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 3)
		png_error(png, "unexpected row layout after conversion to RGB");

	plane = (size_t)w * h;
	/* Interlaced images need every row at hand; others go row by row. */
	rows = malloc(npass > 1 ? plane * 3 : (size_t)w * 3);
	planes = malloc(plane * 3);
	if (rows == NULL || planes == NULL)
		png_error(png, "out of memory");
	if (npass > 1) {
		for (pass = 0; pass < npass; pass++)
			for (y = 0; y < h; y++)
				png_read_row(png, rows + y * (size_t)w * 3, NULL);
		for (y = 0; y < h; y++)
			scatter_row(planes, plane, y, (int)w, rows + y * (size_t)w * 3);
	} else {
		for (y = 0; y < h; y++) {
			png_read_row(png, rows, NULL);
			scatter_row(planes, plane, y, (int)w, rows);
		}
	}
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	out->width = (int)w;
	out->height = (int)h;
	out->format = IMG_PNG;
	out->rgb = planes;
	return 0;
}

/* ---- JPEG ---- */

struct jpeg_err {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
	int warned;
};

static void
jpeg_on_error(j_common_ptr c)
{
	struct jpeg_err *e = (struct jpeg_err *)c->err;

	c->err->format_message(c, e->msg);
	longjmp(e->jb, 1);
}

static void
jpeg_on_message(j_common_ptr c, int level)
{
	struct jpeg_err *e = (struct jpeg_err *)c->err;

	/* level -1 is a warning: corrupt or truncated data, filled in with grey. */
	if (level == -1 && !e->warned) {
		c->err->format_message(c, e->msg);
		e->warned = 1;
	}
}

static int
decode_jpeg(const uint8_t *buf, size_t len, uint64_t max_pixels, struct img *out,
    char *err, size_t errlen)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err je;
	uint8_t *volatile row = NULL;
	uint8_t *volatile planes = NULL;
	JSAMPROW rp;
	size_t plane;

	memset(&je, 0, sizeof je);
	cinfo.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jpeg_on_error;
	je.mgr.emit_message = jpeg_on_message;
	if (setjmp(je.jb)) {
		snprintf(err, errlen, "JPEG: %s", je.msg);
		jpeg_destroy_decompress(&cinfo);
		free(row);
		free(planes);
		return -1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, buf, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	if (!size_ok(cinfo.image_width, cinfo.image_height, max_pixels, err, errlen, "JPEG")) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
		snprintf(err, errlen, "JPEG: CMYK images are not supported");
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	cinfo.out_color_space = JCS_RGB;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 3) {
		snprintf(err, errlen, "JPEG: %d components after conversion to RGB",
		    cinfo.output_components);
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	plane = (size_t)cinfo.output_width * cinfo.output_height;
	row = malloc((size_t)cinfo.output_width * 3);
	planes = malloc(plane * 3);
	if (row == NULL || planes == NULL) {
		snprintf(je.msg, sizeof je.msg, "out of memory");
		longjmp(je.jb, 1);
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		size_t y = cinfo.output_scanline;

		rp = row;
		if (jpeg_read_scanlines(&cinfo, &rp, 1) != 1)
			break;
		scatter_row(planes, plane, y, (int)cinfo.output_width, row);
	}
	if (cinfo.output_scanline == cinfo.output_height)
		jpeg_finish_decompress(&cinfo);
	/* A truncated or corrupt body decodes "fine" with grey blocks: refuse it. */
	if (je.warned || cinfo.output_scanline != cinfo.output_height) {
		snprintf(err, errlen, "JPEG: %s", je.warned ? je.msg : "short read");
		jpeg_destroy_decompress(&cinfo);
		free(row);
		free(planes);
		return -1;
	}
	out->width = (int)cinfo.output_width;
	out->height = (int)cinfo.output_height;
	out->format = IMG_JPEG;
	out->rgb = planes;
	jpeg_destroy_decompress(&cinfo);
	free(row);
	return 0;
}

int
img_decode(const void *buf, size_t len, uint64_t max_pixels, struct img *out,
    char *err, size_t errlen)
{
	const unsigned char *b = buf;

	memset(out, 0, sizeof *out);
	switch (img_sniff(buf, len)) {
	case IMG_PNG:
		return decode_png(buf, len, max_pixels, out, err, errlen);
	case IMG_JPEG:
		return decode_jpeg(buf, len, max_pixels, out, err, errlen);
	default:
		break;
	}
	if (len == 0)
		snprintf(err, errlen, "not a PNG or JPEG image (empty body)");
	else
		snprintf(err, errlen, "not a PNG or JPEG image (starts with %02x %02x %02x %02x)",
		    b[0], len > 1 ? b[1] : 0, len > 2 ? b[2] : 0, len > 3 ? b[3] : 0);
	return -1;
}
