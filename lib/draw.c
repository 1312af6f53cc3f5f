/*
 * draw.c - 2 px box outlines for the overlay images, and stable class colours.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "sha256.h"

static void
fill(unsigned char *rgb, int w, int x0, int y0, int x1, int y1, const unsigned char c[3])
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			memcpy(rgb + 3 * ((size_t)y * (size_t)w + (size_t)x), c, 3);
}

static int
clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
draw_box(unsigned char *rgb, int w, int h, int x0, int y0, int x1, int y1, int thick,
    const unsigned char c[3])
{
	int t;

	x0 = clamp(x0, 0, w);
	x1 = clamp(x1, 0, w);
	y0 = clamp(y0, 0, h);
	y1 = clamp(y1, 0, h);
	if (x0 >= x1 || y0 >= y1 || thick < 1)
		return;
	t = thick;
	/* Top and bottom rows, then the sides between them; a small box is filled. */
	fill(rgb, w, x0, y0, x1, y0 + t < y1 ? y0 + t : y1, c);
	fill(rgb, w, x0, y1 - t > y0 ? y1 - t : y0, x1, y1, c);
	fill(rgb, w, x0, y0, x0 + t < x1 ? x0 + t : x1, y1, c);
	fill(rgb, w, x1 - t > x0 ? x1 - t : x0, y0, x1, y1, c);
}

int
draw_box_pixels(const double nb[4], int w, int h, int px[4])
{
	for (int i = 0; i < 4; i++)
		if (!isfinite(nb[i]) || nb[i] < -1e-9 || nb[i] > 1 + 1e-9)
			return -1;
	if (nb[2] <= nb[0] || nb[3] <= nb[1])
		return -1;
	/* Boxes carry 4 decimals: round back to the pixel edge they came from. */
	px[0] = clamp((int)lround(nb[0] * w), 0, w - 1);
	px[1] = clamp((int)lround(nb[1] * h), 0, h - 1);
	px[2] = clamp((int)lround(nb[2] * w), px[0] + 1, w);
	px[3] = clamp((int)lround(nb[3] * h), px[1] + 1, h);
	return 0;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
draw_color_hex(const char *hex, unsigned char c[3])
{
	if (hex == NULL)
		return -1;
	if (*hex == '#')
		hex++;
	if (strlen(hex) != 6)
		return -1;
	for (int i = 0; i < 3; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		c[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

void
draw_color_hash(const char *name, unsigned char c[3])
{
	unsigned char d[32];

	sha256(name, strlen(name), d);
	for (int i = 0; i < 3; i++)
		c[i] = (unsigned char)(64 + d[i] * 192 / 256);
}

void
draw_class_color(const json_t *classes, long id, const char *name, unsigned char c[3])
{
	json_t *cl;
	size_t i;
	char buf[64];

	json_array_foreach(classes, i, cl)
		if (json_integer_value(json_object_get(cl, "id")) == id &&
		    json_is_integer(json_object_get(cl, "id"))) {
			if (draw_color_hex(json_string_value(json_object_get(cl, "color")), c) == 0)
				return;
			if (name == NULL)
				name = json_string_value(json_object_get(cl, "name"));
			break;
		}
	if (name == NULL) {
		snprintf(buf, sizeof buf, "class %ld", id);
		name = buf;
	}
	draw_color_hash(name, c);
}
