/*
 * test_regions.c - lib/regions against hand-made cases and a naive flood
 * fill on random class rasters (8-connectivity).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regions.h"
#include "rng.h"
#include "unit.h"

/* Flood fill oracle: every component with area, box and first pixel. */
static size_t
naive(const uint16_t *c, int w, int h, int has_nd, uint16_t nd, struct region *out)
{
	int *seen = calloc((size_t)w * h, sizeof *seen), *stack = malloc((size_t)w * h * sizeof *stack);
	size_t n = 0;
	int i;

	for (i = 0; i < w * h; i++) {
		int sp = 0;
		struct region g;

		if (seen[i] || (has_nd && c[i] == nd))
			continue;
		g = (struct region){ c[i], i % w, i / w, i % w, i / w, 0, i };
		seen[i] = 1;
		stack[sp++] = i;
		while (sp > 0) {
			int p = stack[--sp], x = p % w, y = p / w, dx, dy;

			g.area++;
			if (x < g.x0) g.x0 = x;
			if (x > g.x1) g.x1 = x;
			if (y < g.y0) g.y0 = y;
			if (y > g.y1) g.y1 = y;
			for (dy = -1; dy <= 1; dy++)
				for (dx = -1; dx <= 1; dx++) {
					int nx = x + dx, ny = y + dy, q = ny * w + nx;

					if (nx < 0 || ny < 0 || nx >= w || ny >= h || seen[q] ||
					    c[q] != c[i])
						continue;
					seen[q] = 1;
					stack[sp++] = q;
				}
		}
		out[n++] = g;
	}
	free(seen);
	free(stack);
	return n;
}

static int
same(const struct region *a, const struct region *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i].class_id != b[i].class_id || a[i].area != b[i].area ||
		    a[i].x0 != b[i].x0 || a[i].y0 != b[i].y0 || a[i].x1 != b[i].x1 ||
		    a[i].y1 != b[i].y1 || a[i].first != b[i].first)
			return 0;
	return 1;
}

static void
fill(uint16_t *c, int n, uint16_t v)
{
	for (int i = 0; i < n; i++)
		c[i] = v;
}

int
main(void)
{
	uint16_t c[64];
	struct region *v = NULL;
	size_t n;
	int rc;	/* CHECK evaluates its condition twice: no calls inside it */

	/* One pixel of class 3 in nodata. */
	fill(c, 25, 255);
	c[2 * 5 + 3] = 3;
	rc = regions_find(c, 5, 5, 1, 255, &v, &n);
	CHECK(rc == 0 && n == 1 && v[0].class_id == 3 &&
	    v[0].area == 1 && v[0].x0 == 3 && v[0].x1 == 3 && v[0].y0 == 2 && v[0].y1 == 2,
	    "single pixel: one region, box (3,2)-(3,2)");
	free(v);

	/* Diagonal neighbours join under 8-connectivity; an anti-diagonal too. */
	fill(c, 16, 255);
	c[0] = c[5] = c[10] = c[15] = 1;	/* main diagonal */
	c[3] = c[6] = 2;			/* (3,0) and (2,1): anti-diagonal */
	rc = regions_find(c, 4, 4, 1, 255, &v, &n);
	CHECK(rc == 0 && n == 2, "diagonals: two regions");
	regions_sort(v, n);
	CHECK(n == 2 && v[0].class_id == 1 && v[0].area == 4 && v[0].x0 == 0 && v[0].y1 == 3 &&
	    v[1].class_id == 2 && v[1].area == 2 && v[1].x0 == 2 && v[1].x1 == 3,
	    "diagonal chain of 4 and anti-diagonal pair");
	free(v);

	/* A class touching every edge: the whole-tile box. */
	fill(c, 36, 7);
	c[2 * 6 + 2] = c[3 * 6 + 3] = 4;
	rc = regions_find(c, 6, 6, 1, 255, &v, &n);
	CHECK(rc == 0 && n == 2, "frame: two regions");
	regions_sort(v, n);
	CHECK(v[0].class_id == 7 && v[0].area == 34 && v[0].x0 == 0 && v[0].y0 == 0 &&
	    v[0].x1 == 5 && v[0].y1 == 5, "frame class spans 0..5 both ways");
	free(v);

	/* All nodata: nothing, and no allocation. */
	fill(c, 16, 255);
	rc = regions_find(c, 4, 4, 1, 255, &v, &n);
	CHECK(rc == 0 && n == 0 && v == NULL,
	    "all nodata: no region");
	/* Without nodata, 255 is a class like any other. */
	rc = regions_find(c, 4, 4, 0, 0, &v, &n);
	CHECK(rc == 0 && n == 1 && v[0].area == 16,
	    "no nodata: 255 is a class");
	free(v);

	/* A U shape: two arms meet only at the bottom row (the union comes late). */
	{
		static const char *u[] = { "1.1.1", "1.1.1", "1.1.1", "11111" };
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 5; x++)
				c[y * 5 + x] = u[y][x] == '1' ? 1 : 0;
		rc = regions_find(c, 5, 4, 1, 0, &v, &n);
		CHECK(rc == 0 && n == 1 && v[0].area == 14,
		    "U shape: one region of 14");
		free(v);
	}

	/* Selection: area threshold, then at most k per class, largest first. */
	{
		struct region s[] = {
			{ 1, 0, 0, 0, 0, 50, 0 }, { 2, 0, 0, 0, 0, 40, 1 }, { 1, 0, 0, 0, 0, 30, 2 },
			{ 1, 0, 0, 0, 0, 20, 3 }, { 2, 0, 0, 0, 0, 5, 4 },
		};
		size_t k = 5;

		rc = regions_select(s, &k, 10, 2);
		CHECK(rc == 0 && k == 3 && s[0].area == 50 &&
		    s[1].area == 40 && s[2].area == 30, "select: min area 10, 2 per class");
	}

	/* Random rasters against the flood fill. */
	{
		struct rng g;
		int trial, bad = 0, w, h, ncls;
		size_t total = 0;

		rng_seed(&g, 20261126);
		for (trial = 0; trial < 2000 && !bad; trial++) {
			uint16_t *r;
			struct region *o;
			size_t m;

			w = 1 + (int)(rng_next(&g) % 40);
			h = 1 + (int)(rng_next(&g) % 40);
			ncls = 2 + (int)(rng_next(&g) % 4);
			r = malloc((size_t)w * h * sizeof *r);
			o = malloc((size_t)w * h * sizeof *o);
			for (int i = 0; i < w * h; i++)
				r[i] = (uint16_t)(rng_next(&g) % ncls);
			if (regions_find(r, w, h, 1, 0, &v, &n) != 0)
				bad = 1;
			m = naive(r, w, h, 1, 0, o);
			regions_sort(v, n);
			regions_sort(o, m);
			if (n != m || !same(v, o, n))
				bad = 1;
			total += n;
			free(v);
			free(r);
			free(o);
		}
		CHECK(!bad, "2000 random rasters agree with a flood fill (%zu regions)", total);
	}
	UNIT_DONE();
}
