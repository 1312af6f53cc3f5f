/*
 * test_augview.c - lib/augview: names, the four permutations against numpy's
 * (fliplr, rot90 k=1..3) written out by hand, and every view's transform
 * putting every pixel on the ground its source pixel was on, for a north-up
 * grid and a rotated one.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "augview.h"
#include "geo.h"
#include "unit.h"

/* The source pixel (sc, sr) of view pixel (c, r): found by permuting an
 * image of pixel indexes, so the check of the transform does not reuse it. */
static int
ground_kept(const double t[6], int w, int h, enum augview v)
{
	uint32_t idx[6 * 4], out[6 * 4];
	double vt[6], x0, y0, x1, y1;
	int ow = augview_swaps_sides(v) ? h : w, oh = augview_swaps_sides(v) ? w : h;

	for (int i = 0; i < w * h; i++)
		idx[i] = (uint32_t)i;
	augview_plane(idx, out, w, h, sizeof *idx, v);
	augview_transform(t, w, h, v, vt);
	for (int r = 0; r < oh; r++)
		for (int c = 0; c < ow; c++) {
			uint32_t s = out[r * ow + c];

			geo_apply(vt, c + 0.5, r + 0.5, &x0, &y0);
			geo_apply(t, s % (uint32_t)w + 0.5, s / (uint32_t)w + 0.5, &x1, &y1);
			if (fabs(x0 - x1) > 1e-6 || fabs(y0 - y1) > 1e-6)
				return 0;
		}
	return 1;
}

int
main(void)
{
	/* numpy: a = [[0,1,2],[3,4,5]] (w 3, h 2). */
	const uint16_t a[6] = { 0, 1, 2, 3, 4, 5 };
	const uint16_t flip[6] = { 2, 1, 0, 5, 4, 3 };		/* fliplr */
	const uint16_t r90[6] = { 2, 5, 1, 4, 0, 3 };		/* rot90(a, 1): 3 x 2 */
	const uint16_t r180[6] = { 5, 4, 3, 2, 1, 0 };		/* rot90(a, 2) */
	const uint16_t r270[6] = { 3, 0, 4, 1, 5, 2 };		/* rot90(a, 3) */
	const double north_up[6] = { 100, 0, 199980, 0, -100, 2800020 };
	const double rotated[6] = { 8.66, 5, 1000, 5, -8.66, 2000 };
	uint16_t o[6];
	enum augview v;
	double t[6];

	CHECK(augview_parse("flip", &v) == 0 && v == AUGVIEW_FLIP &&
	    augview_parse("r270", &v) == 0 && v == AUGVIEW_R270, "names parse");
	CHECK(augview_parse("r45", &v) < 0 && augview_parse("", &v) < 0 &&
	    augview_parse("FLIP", &v) < 0, "unknown names do not");
	CHECK(augview_name(AUGVIEW_NONE) == NULL && strcmp(augview_name(AUGVIEW_R90), "r90") == 0 &&
	    augview_name(AUGVIEW_COUNT) == NULL, "names of views, none for the tile itself");
	CHECK(augview_swaps_sides(AUGVIEW_R90) && augview_swaps_sides(AUGVIEW_R270) &&
	    !augview_swaps_sides(AUGVIEW_FLIP) && !augview_swaps_sides(AUGVIEW_R180),
	    "quarter turns swap width and height");

	augview_plane(a, o, 3, 2, sizeof *a, AUGVIEW_FLIP);
	CHECK(memcmp(o, flip, sizeof o) == 0, "flip is numpy.fliplr");
	augview_plane(a, o, 3, 2, sizeof *a, AUGVIEW_R90);
	CHECK(memcmp(o, r90, sizeof o) == 0, "r90 is numpy.rot90(a, 1), counter-clockwise");
	augview_plane(a, o, 3, 2, sizeof *a, AUGVIEW_R180);
	CHECK(memcmp(o, r180, sizeof o) == 0, "r180 is numpy.rot90(a, 2)");
	augview_plane(a, o, 3, 2, sizeof *a, AUGVIEW_R270);
	CHECK(memcmp(o, r270, sizeof o) == 0, "r270 is numpy.rot90(a, 3)");
	augview_plane(a, o, 3, 2, sizeof *a, AUGVIEW_NONE);
	CHECK(memcmp(o, a, sizeof o) == 0, "no view: a copy");

	for (int k = AUGVIEW_NONE; k < AUGVIEW_COUNT; k++) {
		CHECK(ground_kept(north_up, 6, 4, (enum augview)k),
		    "view %d: every pixel keeps its ground (north-up grid)", k);
		CHECK(ground_kept(rotated, 6, 4, (enum augview)k),
		    "view %d: every pixel keeps its ground (rotated grid)", k);
	}
	augview_transform(north_up, 6, 4, AUGVIEW_FLIP, t);
	CHECK(t[0] == -100 && t[2] == 199980 + 600 && !signbit(t[1]) && !signbit(t[3]),
	    "flip: x runs backwards from the right edge, no negative zero");
	augview_transform(north_up, 6, 4, AUGVIEW_R90, t);
	CHECK(t[0] == 0 && !signbit(t[0]) && t[1] == -100 && t[3] == -100 && !signbit(t[4]),
	    "r90: a rotated transform, no negative zero");
	UNIT_DONE();
}
