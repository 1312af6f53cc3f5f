/*
 * hist.c - exact numpy-compatible percentiles by histogram (integers) or by
 * selection (floats).  See hist.h.
 */
#include <math.h>
#include <stdlib.h>
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

static void
swapf(float *a, float *b)
{
	float t = *a;

	*a = *b;
	*b = t;
}

static int
cmpf(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/*
 * Put the k-th smallest of v[lo..hi) at v[k], smaller ones before it and
 * larger ones after (three-way partition, so runs of equal values, common in
 * rasters, cost nothing).  Deterministic median-of-three pivots; after too
 * many rounds the rest is sorted, so the worst case stays O(n log n).
 */
static void
select_k(float *v, size_t lo, size_t hi, size_t k)
{
	int rounds = 0;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2, lt, gt, i;
		float a = v[lo], b = v[mid], c = v[hi - 1], piv;

		if (++rounds > 64) {
			qsort(v + lo, hi - lo, sizeof *v, cmpf);
			return;
		}
		piv = (a < b) ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		/* [lo,lt) < piv, [lt,i) == piv, (gt,hi) > piv */
		lt = lo;
		i = lo;
		gt = hi;
		while (i < gt) {
			if (v[i] < piv)
				swapf(&v[lt++], &v[i++]);
			else if (v[i] > piv)
				swapf(&v[i], &v[--gt]);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return;
	}
}

int
hist_select_percentiles(float *v, size_t n, const double *p, size_t np,
    double *out)
{
	size_t j, i;

	if (n == 0)
		return -1;
	for (j = 0; j < np; j++) {
		uint64_t k;
		double t, a, b;

		hist_rank(n, p[j], &k, &t);
		select_k(v, 0, n, k);
		a = v[k];
		b = a;
		if (k + 1 < n) {
			/* The next order statistic is the least of what lies above k. */
			b = v[k + 1];
			for (i = k + 2; i < n; i++)
				if (v[i] < b)
					b = v[i];
		}
		out[j] = hist_lerp(a, b, t);
	}
	return 0;
}
