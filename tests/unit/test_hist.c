/*
 * test_hist.c - percentiles by histogram and by selection agree with each
 * other and with a plain sort-and-interpolate reference (numpy's formula),
 * on seeded random data with heavy ties, and on hand-checked cases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "unit.h"

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The reference: full sort, then numpy's linear rule written out longhand. */
static double
ref_percentile(const double *v, size_t n, double p)
{
	double *s = malloc(n * sizeof *s), vi, g, r;
	size_t k;

	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmpd);
	vi = (double)(n - 1) * (p / 100.0);
	k = (size_t)vi;
	if (k >= n - 1) {
		r = s[n - 1];
	} else {
		g = vi - (double)k;
		r = g >= 0.5 ? s[k + 1] - (s[k + 1] - s[k]) * (1 - g) :
		    s[k] + (s[k + 1] - s[k]) * g;
	}
	free(s);
	return r;
}

static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

int
main(void)
{
	static const double ps[] = { 0, 2, 25, 50, 98, 99.9, 100 };
	const size_t nps = sizeof ps / sizeof ps[0];
	uint64_t cnt[10] = { 0 }, k;
	double out[7], t;
	size_t i, j, n;
	uint32_t seed = 12345;
	int trial, bad;

	/* 1..10: rank (10-1)*0.02 = 0.18, so 1.18; 98 -> 8.82 + 1 = 9.82. */
	for (i = 0; i < 10; i++)
		cnt[i] = 1;
	CHECK(hist_percentiles(cnt, 10, 1.0, (double[]){ 2, 98 }, 2, out) == 0,
	    "histogram of 1..10");
	CHECK_NEAR(out[0], 1.18, 1e-12, "p2 of 1..10 is 1.18 (got %.17g)", out[0]);
	CHECK_NEAR(out[1], 9.82, 1e-12, "p98 of 1..10 is 9.82 (got %.17g)", out[1]);
	hist_rank(1, 50, &k, &t);
	CHECK(k == 0 && t == 0, "one sample: rank 0");
	hist_rank(101, 100, &k, &t);
	CHECK(k == 100 && t == 0, "p100 is the last sample");
	CHECK(hist_lerp(3, 7, 1.0) == 7 && hist_lerp(3, 7, 0) == 3, "lerp ends exact");
	memset(cnt, 0, sizeof cnt);
	CHECK(hist_percentiles(cnt, 10, 0, ps, nps, out) == -1, "empty histogram is -1");
	CHECK(hist_select_percentiles(NULL, 0, ps, nps, out) == -1, "no floats is -1");

	/* Random uint16-like samples with ties: histogram == sort reference. */
	bad = 0;
	for (trial = 0; trial < 40; trial++) {
		static uint64_t h[65536];
		double *v;
		int range = trial % 2 ? 65536 : 37;

		n = 1 + xorshift(&seed) % 5000;
		v = malloc(n * sizeof *v);
		memset(h, 0, sizeof h);
		for (i = 0; i < n; i++) {
			int x = xorshift(&seed) % range;
			v[i] = x;
			h[x]++;
		}
		hist_percentiles(h, 65536, 0, ps, nps, out);
		for (j = 0; j < nps; j++)
			if (out[j] != ref_percentile(v, n, ps[j]))
				bad++;
		free(v);
	}
	CHECK(bad == 0, "histogram percentiles equal the sort reference (%d differ)", bad);

	/* Floats: radix selection == sort reference, bit for bit. */
	bad = 0;
	for (trial = 0; trial < 40; trial++) {
		double *v;
		float *f;

		n = 1 + xorshift(&seed) % 20000;
		v = malloc(n * sizeof *v);
		f = malloc(n * sizeof *f);
		for (i = 0; i < n; i++) {
			/* Some trials all ties, some continuous. */
			/* Ties; continuous positives; both signs, zeros of both signs. */
			f[i] = trial % 3 == 0 ? (float)(xorshift(&seed) % 4) :
			    trial % 3 == 1 ? (float)(xorshift(&seed) / 4294967296.0 * 3000.0) :
			    (float)((int)(xorshift(&seed) % 2001) - 1000) * 0.37f;
			if (trial % 3 == 2 && i % 97 == 0)
				f[i] = i % 2 ? -0.0f : 0.0f;
			v[i] = f[i];
		}
		hist_select_percentiles(f, n, ps, nps, out);
		for (j = 0; j < nps; j++)
			if (out[j] != ref_percentile(v, n, ps[j]))
				bad++;
		free(v);
		free(f);
	}
	CHECK(bad == 0, "selection percentiles equal the sort reference (%d differ)", bad);

	/* Already sorted and reversed input must not degrade or break selection. */
	{
		size_t m = 200000;
		float *f = malloc(m * sizeof *f);
		double r[2];

		for (i = 0; i < m; i++)
			f[i] = (float)(m - i);
		hist_select_percentiles(f, m, (double[]){ 2, 98 }, 2, r);
		CHECK_NEAR(r[0], 1 + (m - 1) * 0.02, 1e-6, "p2 of a reversed ramp (%.17g)", r[0]);
		CHECK_NEAR(r[1], 1 + (m - 1) * 0.98, 1e-6, "p98 of a reversed ramp (%.17g)", r[1]);
		free(f);
	}
	UNIT_DONE();
}
