/*
 * test_tilecut.c - lib/tilecut on small rasters worked out by hand: labels by
 * nearest at centres and padded with 255 or their nodata, a window not reduced
 * copied, area means rounded half up, nodata and padding carrying no weight,
 * an output pixel without valid input set to the pad value, and whole 8-bit
 * windows under bilinear equal to Pillow's path (rs_plane_u8).
 */
#include <stdint.h>
#include <string.h>

#include "tilecut.h"
#include "unit.h"

int
main(void)
{
	uint8_t lab[8 * 8], lo[4 * 4], u8[8 * 8], o8[4 * 4], want8[4 * 4];
	uint16_t img[4 * 4], o16[2 * 2], cp[4 * 4];
	struct raster label = { .role = "label", .width = 8, .height = 8, .nbands = 1,
	    .dtype = DT_UINT8, .data = lab };
	struct raster lout = { .role = "label", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_UINT8, .data = lo };
	struct raster image = { .role = "image", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_UINT16, .has_nodata = 1, .nodata = 0, .data = img };
	struct raster iout = { .role = "image", .width = 2, .height = 2, .nbands = 1,
	    .dtype = DT_UINT16, .data = o16 };
	struct raster icopy = { .role = "image", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_UINT16, .data = cp };
	struct raster byte = { .role = "image", .width = 8, .height = 8, .nbands = 1,
	    .dtype = DT_UINT8, .data = u8 };
	struct raster bout = { .role = "image", .width = 4, .height = 4, .nbands = 1,
	    .dtype = DT_UINT8, .data = o8 };
	int bad;

	CHECK(tilecut_pad_value(&label) == 255 && tilecut_pad_value(&image) == 0,
	    "pad: 255 for a label without nodata, the nodata otherwise");
	image.nodata = 7;
	CHECK(tilecut_pad_value(&image) == 7, "pad: a declared nodata");
	image.nodata = 0;
	icopy.has_nodata = 0;
	CHECK(tilecut_pad_value(&icopy) == 0, "pad: 0 for imagery without nodata");

	/* Label 8 x 8 (value = 10 * row + col) to 4 x 4: input 2i+1 under output i. */
	for (int i = 0; i < 64; i++)
		lab[i] = (uint8_t)(10 * (i / 8) + i % 8);
	CHECK(tilecut_window(&label, &lout, 0, 0, 8, RS_AREA) == 0 && lo[0] == 11 &&
	    lo[1] == 13 && lo[5] == 33 && lo[15] == 77, "label: nearest at centres (%d %d %d %d)",
	    lo[0], lo[1], lo[5], lo[15]);
	CHECK(tilecut_window(&label, &lout, 4, 4, 8, RS_BILINEAR) == 0 && lo[0] == 55 &&
	    lo[1] == 57 && lo[2] == 255 && lo[15] == 255, "label past the edge: padded with 255");

	/* Imagery 4 x 4 to 2 x 2 by area: block means, half up. */
	for (int i = 0; i < 16; i++)
		img[i] = (uint16_t)(i + 1);
	img[0] = 1, img[1] = 2, img[4] = 2, img[5] = 2;	/* mean 1.75 -> 2 */
	img[2] = 10, img[3] = 11, img[6] = 10, img[7] = 11;	/* mean 10.5 -> 11 */
	CHECK(tilecut_window(&image, &iout, 0, 0, 4, RS_AREA) == 0 && o16[0] == 2 &&
	    o16[1] == 11 && o16[2] == 12 && o16[3] == 14,
	    "area: block means rounded half up (%d %d %d %d)", o16[0], o16[1], o16[2], o16[3]);
	/* Nodata carries no weight; a block of nodata only is nodata. */
	img[0] = 0, img[1] = 0, img[4] = 0, img[5] = 6;
	img[10] = img[11] = img[14] = img[15] = 0;
	CHECK(tilecut_window(&image, &iout, 0, 0, 4, RS_AREA) == 0 && o16[0] == 6 &&
	    o16[3] == 0 && o16[2] == 12, "area: nodata out of the mean, all-nodata block is nodata");
	/* Padding carries no weight either: the window at (2, 2) has one
	 * block on the raster (pixels 10, 11, 14, 15 set again). */
	img[10] = 100, img[11] = 101, img[14] = 102, img[15] = 103;
	CHECK(tilecut_window(&image, &iout, 2, 2, 4, RS_AREA) == 0 && o16[0] == 102 &&
	    o16[1] == 0 && o16[2] == 0 && o16[3] == 0, "area: padding is nodata (%d)", o16[0]);
	/* Not reduced: a copy, padded. */
	CHECK(tilecut_window(&image, &icopy, 1, 0, 4, RS_AREA) == 0 && cp[0] == img[1] &&
	    cp[2] == img[3] && cp[3] == 0, "a window not reduced is copied");

	/* 8-bit, no nodata, bilinear: Pillow's path exactly. */
	for (int i = 0; i < 64; i++)
		u8[i] = (uint8_t)((i * 37 + (i / 8) * 11) % 251);
	rs_plane_u8(u8, 8, 8, want8, 4, 4);
	CHECK(tilecut_window(&byte, &bout, 0, 0, 8, RS_BILINEAR) == 0 &&
	    memcmp(o8, want8, sizeof o8) == 0, "whole 8-bit window: rs_plane_u8 byte for byte");
	/* A declared nodata no pixel has: still Pillow's path. */
	byte.has_nodata = 1;
	byte.nodata = 252;
	CHECK(tilecut_window(&byte, &bout, 0, 0, 8, RS_BILINEAR) == 0 &&
	    memcmp(o8, want8, sizeof o8) == 0, "nodata declared, none present: Pillow's path");
	/* A constant 200 with a hole: the hole carries no weight, 200 everywhere. */
	memset(u8, 200, sizeof u8);
	u8[9] = 252;
	bad = 0;
	CHECK(tilecut_window(&byte, &bout, 0, 0, 8, RS_BILINEAR) == 0, "with a hole");
	for (int i = 0; i < 16; i++)
		bad += o8[i] != 200;
	CHECK(bad == 0, "a nodata pixel carries no weight: 200 everywhere (%d off)", bad);
	UNIT_DONE();
}
