/*
 * hist.c - exact numpy-compatible percentiles by histogram (integers) or by
 * selection (floats).  See hist.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"

double
hist_lerp(double a, double b, double t)
{
	double d = b - a;

	/* numpy computes from the nearer end, so t = 1 gives exactly b. */
	if (t >= 0.5)
		return b - d * (1.0 - t);
	return a + d * t;
}

void
hist_rank(uint64_t n, double p, uint64_t *k, double *t)
{
	/* As numpy: q = p/100 first, then the virtual index (n-1)*q. */
	double q = p / 100.0;
	double vi = (double)(n - 1) * q;
	double fl;

	if (vi >= (double)(n - 1)) {
		*k = n - 1;
		*t = 0.0;
		return;
	}
	if (vi < 0) {
		*k = 0;
		*t = 0.0;
		return;
	}
	fl = floor(vi);
	*k = (uint64_t)fl;
	*t = vi - fl;
}

/* The value of sorted sample k, walking the histogram from bin *bi with
 * *below samples in the bins before it (ranks asked in increasing order). */
static double
hist_at(const uint64_t *count, size_t nbins, double base, uint64_t k,
    size_t *bi, uint64_t *below)
{
	while (*bi < nbins && *below + count[*bi] <= k) {
		*below += count[*bi];
		(*bi)++;
	}
	return base + (double)*bi;
}

int
hist_percentiles(const uint64_t *count, size_t nbins, double base,
    const double *p, size_t np, double *out)
{
	uint64_t n = 0, k;
	size_t i, j;
	double t;

	for (i = 0; i < nbins; i++)
		n += count[i];
	if (n == 0)
		return -1;
	for (j = 0; j < np; j++) {
		size_t bi = 0;
		uint64_t below = 0;
		double a, b;

		/* A fresh walk per percentile: np is tiny and nbins at most 65536. */
		hist_rank(n, p[j], &k, &t);
		a = hist_at(count, nbins, base, k, &bi, &below);
		b = k + 1 < n ? hist_at(count, nbins, base, k + 1, &bi, &below) : a;
		out[j] = hist_lerp(a, b, t);
	}
	return 0;
}

/* Float bits as an unsigned key that sorts as the floats do (NaN excluded). */
static uint32_t
fkey(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof u);
	return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

static float
funkey(uint32_t k)
{
	uint32_t u = (k & 0x80000000u) ? k & 0x7fffffffu : ~k;
	float f;

	memcpy(&f, &u, sizeof f);
	return f;
}

/* Bucket (high 16 bits of the key) holding sorted rank r, and r within it. */
static uint32_t
bucket_of(const uint64_t *h, uint64_t r, uint64_t *within)
{
	uint32_t b = 0;

	while (r >= h[b]) {
		r -= h[b];
		b++;
	}
	*within = r;
	return b;
}

/*
 * Radix selection: one pass counts the high 16 bits of every key, a second
 * counts the low 16 bits inside the few buckets that hold the wanted ranks,
 * and the two counts name each order statistic exactly.  Two linear passes,
 * no comparison sort and no reordering.
 */
int
hist_select_percentiles(float *v, size_t n, const double *p, size_t np,
    double *out)
{
	uint64_t *h1 = NULL, *h2 = NULL, rank[2], within[2];
	uint32_t bkt[2];
	size_t i, j;
	int rc = -1;

	if (n == 0)
		return -1;
	h1 = calloc(65536, sizeof *h1);
	h2 = malloc(2 * 65536 * sizeof *h2);
	if (h1 == NULL || h2 == NULL)
		goto out;
	for (i = 0; i < n; i++)
		h1[fkey(v[i]) >> 16]++;
	for (j = 0; j < np; j++) {
		uint64_t k, c;
		double t, val[2];
		int q;

		hist_rank(n, p[j], &k, &t);
		rank[0] = k;
		rank[1] = k + 1 < n ? k + 1 : k;
		for (q = 0; q < 2; q++)
			bkt[q] = bucket_of(h1, rank[q], &within[q]);
		memset(h2, 0, 2 * 65536 * sizeof *h2);
		for (i = 0; i < n; i++) {
			uint32_t key = fkey(v[i]);

			if ((key >> 16) == bkt[0])
				h2[key & 0xffff]++;
			else if ((key >> 16) == bkt[1])
				h2[65536 + (key & 0xffff)]++;
		}
		for (q = 0; q < 2; q++) {
			const uint64_t *h = h2 + (bkt[q] == bkt[0] ? 0 : 65536);
			uint32_t lo = 0;

			c = within[q];
			while (c >= h[lo]) {
				c -= h[lo];
				lo++;
			}
			val[q] = funkey(bkt[q] << 16 | lo);
		}
		out[j] = hist_lerp(val[0], val[1], t);
	}
	rc = 0;
out:
	free(h1);
	free(h2);
	return rc;
}
