/*
 * resample.c - antialiased reduction (area mean, Pillow-like bilinear) and
 * nearest-at-centre index mapping.  See resample.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "resample.h"

int
rs_filter_parse(const char *name, enum rs_filter *f)
{
	if (strcmp(name, "area") == 0)
		*f = RS_AREA;
	else if (strcmp(name, "bilinear") == 0)
		*f = RS_BILINEAR;
	else
		return -1;
	return 0;
}

int
rs_nearest(int i, int n_in, int n_out)
{
	return (int)(((2 * (long long)i + 1) * n_in) / (2 * (long long)n_out));
}

static double
triangle(double x)
{
	if (x < 0)
		x = -x;
	return x < 1.0 ? 1.0 - x : 0.0;
}

void
rs_coeffs_free(struct rs_coeffs *c)
{
	free(c->first);
	free(c->len);
	free(c->w);
	memset(c, 0, sizeof *c);
}

int
rs_coeffs_make(struct rs_coeffs *c, int n_in, int n_out, enum rs_filter f)
{
	double scale = (double)n_in / n_out, fscale, support;
	int i, x;

	memset(c, 0, sizeof *c);
	if (n_in <= 0 || n_out <= 0)
		return -1;
	fscale = scale < 1.0 ? 1.0 : scale;
	/* Area: a box of width scale; bilinear: triangle of half-width fscale. */
	support = f == RS_AREA ? scale / 2 : fscale;
	c->ksize = (int)ceil(support) * 2 + 2;
	c->n_out = n_out;
	c->first = calloc(n_out, sizeof *c->first);
	c->len = calloc(n_out, sizeof *c->len);
	c->w = calloc((size_t)n_out * c->ksize, sizeof *c->w);
	if (c->first == NULL || c->len == NULL || c->w == NULL) {
		rs_coeffs_free(c);
		return -1;
	}
	for (i = 0; i < n_out; i++) {
		double *k = c->w + (size_t)i * c->ksize, sum = 0;
		int lo, hi;

		if (f == RS_AREA) {
			/* Output i covers [i*scale, (i+1)*scale); rationals kept exact
			 * where they are integers. */
			double a = (double)i * n_in / n_out;
			double b = (double)(i + 1) * n_in / n_out;

			lo = (int)floor(a);
			hi = (int)ceil(b);
			if (hi > n_in)
				hi = n_in;
			for (x = lo; x < hi; x++) {
				double l = x > a ? x : a, r = x + 1 < b ? x + 1 : b;

				k[x - lo] = r > l ? r - l : 0;
				sum += k[x - lo];
			}
		} else {
			/* Pillow precompute_coeffs, in double, operation for operation
			 * (it multiplies by 1/fscale), so the 8-bit path matches it. */
			double center = (i + 0.5) * scale, ss = 1.0 / fscale;

			lo = (int)(center - support + 0.5);
			if (lo < 0)
				lo = 0;
			hi = (int)(center + support + 0.5);
			if (hi > n_in)
				hi = n_in;
			for (x = lo; x < hi; x++) {
				k[x - lo] = triangle((x - center + 0.5) * ss);
				sum += k[x - lo];
			}
		}
		c->first[i] = lo;
		c->len[i] = hi - lo;
		if (sum != 0)
			for (x = 0; x < hi - lo; x++)
				k[x] /= sum;
	}
	return 0;
}

int
rs_plane(const double *src, const unsigned char *valid, int win, int hin,
    double *dst, unsigned char *dvalid, int wout, int hout, enum rs_filter f)
{
	struct rs_coeffs cx, cy;
	double *num = NULL, *den = NULL;
	int x, y, j, rc = -1;

	if (rs_coeffs_make(&cx, win, wout, f) == -1)
		return -1;
	if (rs_coeffs_make(&cy, hin, hout, f) == -1) {
		rs_coeffs_free(&cx);
		return -1;
	}
	/* Horizontal pass into hin x wout sums; the vertical pass finishes. */
	num = malloc((size_t)hin * wout * sizeof *num);
	den = valid ? malloc((size_t)hin * wout * sizeof *den) : NULL;
	if (num == NULL || (valid && den == NULL))
		goto out;
	for (y = 0; y < hin; y++) {
		const double *row = src + (size_t)y * win;
		const unsigned char *vrow = valid ? valid + (size_t)y * win : NULL;

		for (x = 0; x < wout; x++) {
			const double *k = cx.w + (size_t)x * cx.ksize;
			double s = 0, d = 0;
			int x0 = cx.first[x];

			if (vrow) {
				for (j = 0; j < cx.len[x]; j++)
					if (vrow[x0 + j]) {
						s += k[j] * row[x0 + j];
						d += k[j];
					}
				den[(size_t)y * wout + x] = d;
			} else {
				for (j = 0; j < cx.len[x]; j++)
					s += k[j] * row[x0 + j];
			}
			num[(size_t)y * wout + x] = s;
		}
	}
	for (y = 0; y < hout; y++) {
		const double *k = cy.w + (size_t)y * cy.ksize;
		int y0 = cy.first[y];

		for (x = 0; x < wout; x++) {
			double s = 0, d = 0;

			for (j = 0; j < cy.len[y]; j++) {
				s += k[j] * num[(size_t)(y0 + j) * wout + x];
				if (den)
					d += k[j] * den[(size_t)(y0 + j) * wout + x];
			}
			if (den) {
				/* Renormalise over the valid taps only. */
				int ok = d > 1e-12;

				dst[(size_t)y * wout + x] = ok ? s / d : 0;
				if (dvalid)
					dvalid[(size_t)y * wout + x] = ok;
			} else {
				dst[(size_t)y * wout + x] = s;
				if (dvalid)
					dvalid[(size_t)y * wout + x] = 1;
			}
		}
	}
	rc = 0;
out:
	free(num);
	free(den);
	rs_coeffs_free(&cx);
	rs_coeffs_free(&cy);
	return rc;
}

/* Pillow's fixed point for 8-bit images: 32 - 8 - 2 bits of fraction. */
#define RS_PRECISION_BITS 22

static unsigned char
clip8(long long v)
{
	if (v >= ((long long)1 << RS_PRECISION_BITS << 8))
		return 255;
	if (v <= 0)
		return 0;
	return (unsigned char)(v >> RS_PRECISION_BITS);
}

/* Weights as Pillow's normalize_coeffs_8bpc rounds them. */
static int *
fixed_coeffs(const struct rs_coeffs *c)
{
	size_t n = (size_t)c->n_out * c->ksize, i;
	int *k = malloc(n * sizeof *k);

	if (k == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		k[i] = c->w[i] < 0 ? (int)(-0.5 + c->w[i] * (1 << RS_PRECISION_BITS)) :
		    (int)(0.5 + c->w[i] * (1 << RS_PRECISION_BITS));
	return k;
}

int
rs_plane_u8(const unsigned char *src, int win, int hin, unsigned char *dst, int wout,
    int hout)
{
	struct rs_coeffs cx, cy;
	int *kx = NULL, *ky = NULL, x, y, j, rc = -1;
	unsigned char *tmp = NULL;

	if (rs_coeffs_make(&cx, win, wout, RS_BILINEAR) == -1)
		return -1;
	if (rs_coeffs_make(&cy, hin, hout, RS_BILINEAR) == -1) {
		rs_coeffs_free(&cx);
		return -1;
	}
	kx = fixed_coeffs(&cx);
	ky = fixed_coeffs(&cy);
	tmp = malloc((size_t)hin * wout);
	if (kx == NULL || ky == NULL || tmp == NULL)
		goto out;
	/* Horizontal pass, rounded to 8 bits, then vertical: as Pillow does. */
	for (y = 0; y < hin; y++)
		for (x = 0; x < wout; x++) {
			const int *k = kx + (size_t)x * cx.ksize;
			const unsigned char *row = src + (size_t)y * win + cx.first[x];
			long long ss = 1 << (RS_PRECISION_BITS - 1);

			for (j = 0; j < cx.len[x]; j++)
				ss += (long long)row[j] * k[j];
			tmp[(size_t)y * wout + x] = clip8(ss);
		}
	for (y = 0; y < hout; y++)
		for (x = 0; x < wout; x++) {
			const int *k = ky + (size_t)y * cy.ksize;
			long long ss = 1 << (RS_PRECISION_BITS - 1);

			for (j = 0; j < cy.len[y]; j++)
				ss += (long long)tmp[(size_t)(cy.first[y] + j) * wout + x] * k[j];
			dst[(size_t)y * wout + x] = clip8(ss);
		}
	rc = 0;
out:
	free(kx);
	free(ky);
	free(tmp);
	rs_coeffs_free(&cx);
	rs_coeffs_free(&cy);
	return rc;
}
