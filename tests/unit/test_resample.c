/*
 * test_resample.c - reduction filters: block means, Pillow's bilinear
 * weights, constant images staying constant, nodata taps carrying no
 * weight, and nearest-at-centre index mapping.
 */
#include <stdlib.h>
#include "resample.h"
#include "unit.h"

int
main(void)
{
	struct rs_coeffs c;
	static double img[512 * 512], out[224 * 224];
	double src[16], dst[4];
	unsigned char valid[16], dvalid[4];
	int i, bad;

	/* 4x4 -> 2x2 area: plain 2x2 block means. */
	for (i = 0; i < 16; i++)
		src[i] = i;
	CHECK(rs_plane(src, NULL, 4, 4, dst, NULL, 2, 2, RS_AREA) == 0, "area 4x4 -> 2x2");
	CHECK(dst[0] == 2.5 && dst[1] == 4.5 && dst[2] == 10.5 && dst[3] == 12.5,
	    "area gives block means (%g %g %g %g)", dst[0], dst[1], dst[2], dst[3]);

	/* Pillow's BILINEAR at factor 2: taps 1/8 3/8 3/8 1/8 inside the image. */
	rs_coeffs_make(&c, 8, 4, RS_BILINEAR);
	CHECK(c.first[1] == 1 && c.len[1] == 4, "bilinear x2 output 1 reads inputs 1..4");
	CHECK_NEAR(c.w[c.ksize + 0], 0.125, 1e-15, "weight 1/8");
	CHECK_NEAR(c.w[c.ksize + 1], 0.375, 1e-15, "weight 3/8");
	/* At the border Pillow clips the taps and renormalises: 3/7 3/7 1/7. */
	CHECK(c.first[0] == 0 && c.len[0] == 3, "bilinear x2 output 0 reads inputs 0..2");
	CHECK_NEAR(c.w[0], 3.0 / 7, 1e-15, "border weight 3/7");
	rs_coeffs_free(&c);

	/* Area at 512 -> 224 (factor 16/7): weights are overlaps, summing to 1. */
	rs_coeffs_make(&c, 512, 224, RS_AREA);
	CHECK(c.first[0] == 0 && c.len[0] == 3, "area 16/7: output 0 covers inputs 0..2");
	CHECK_NEAR(c.w[2], (16.0 / 7 - 2) / (16.0 / 7), 1e-15, "partial pixel weight");
	rs_coeffs_free(&c);

	/* A constant image stays constant with either filter. */
	for (i = 0; i < 512 * 512; i++)
		img[i] = 1234.5;
	bad = 0;
	rs_plane(img, NULL, 512, 512, out, NULL, 224, 224, RS_BILINEAR);
	for (i = 0; i < 224 * 224; i++)
		bad += fabs(out[i] - 1234.5) > 1e-9;
	rs_plane(img, NULL, 512, 512, out, NULL, 224, 224, RS_AREA);
	for (i = 0; i < 224 * 224; i++)
		bad += fabs(out[i] - 1234.5) > 1e-9;
	CHECK(bad == 0, "constant stays constant at 512 -> 224 (%d off)", bad);

	/* Nodata taps carry no weight; an all-nodata block stays nodata. */
	for (i = 0; i < 16; i++) {
		src[i] = (i % 4) < 2 ? 100 : 0;
		valid[i] = (i % 4) < 2 && i < 8;
	}
	rs_plane(src, valid, 4, 4, dst, dvalid, 2, 2, RS_AREA);
	CHECK(dvalid[0] && dst[0] == 100, "valid taps only: 100 (got %g)", dst[0]);
	CHECK(!dvalid[1] && !dvalid[3], "all-nodata blocks are nodata");
	CHECK(!dvalid[2], "lower-left block had no valid pixel");

	/* Pillow's 8-bit path: a constant stays constant, and an edge at factor
	 * 2 takes the 1/8 3/8 3/8 1/8 weights with rounding half up. */
	{
		static unsigned char u[8 * 8], d[4 * 4];

		for (i = 0; i < 64; i++)
			u[i] = 200;
		CHECK(rs_plane_u8(u, 8, 8, d, 4, 4) == 0 && d[0] == 200 && d[15] == 200,
		    "u8 constant 200 stays 200 (%d, %d)", d[0], d[15]);
		for (i = 0; i < 64; i++)
			u[i] = (i % 8) < 4 ? 0 : 100;
		rs_plane_u8(u, 8, 8, d, 4, 4);
		/* Output column 1 reads inputs 1..4 = 0,0,0,100: 100/8 = 12.5 -> 13. */
		CHECK(d[1] == 13 && d[2] == 88, "u8 edge: 13 and 88 (got %d, %d)", d[1], d[2]);
	}

	/* Nearest at centres: 512 -> 224 picks floor((i + 0.5) * 16/7). */
	CHECK(rs_nearest(0, 512, 224) == 1 && rs_nearest(223, 512, 224) == 510,
	    "nearest 512 -> 224 ends (%d, %d)", rs_nearest(0, 512, 224), rs_nearest(223, 512, 224));
	CHECK(rs_nearest(5, 8, 8) == 5, "nearest identity");
	CHECK(rs_nearest(1, 8, 4) == 3, "nearest x2 takes the lower-right of the centre");
	UNIT_DONE();
}
