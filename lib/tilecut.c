/* tilecut.c - a raster's window padded and reduced to a tile (see tilecut.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tilecut.h"
#include "tilestat.h"

static int
is_categorical(const struct raster *ra)
{
	return strcmp(ra->role, "label") == 0 || strcmp(ra->role, "scl") == 0;
}

double
tilecut_pad_value(const struct raster *ra)
{
	if (ra->has_nodata)
		return ra->nodata;
	return strcmp(ra->role, "label") == 0 ? 255 : 0;
}

static void
put_sample(void *data, enum dtype dt, size_t k, double v)
{
	switch (dt) {
	case DT_UINT8:	((uint8_t *)data)[k] = (uint8_t)v; break;
	case DT_UINT16:	((uint16_t *)data)[k] = (uint16_t)v; break;
	case DT_INT16:	((int16_t *)data)[k] = (int16_t)v; break;
	case DT_FLOAT32: ((float *)data)[k] = (float)v; break;
	default:	break;
	}
}

/* A filtered value back into the dtype: rounded half up and clamped for integers. */
static double
to_dtype(enum dtype dt, double v)
{
	double lo, hi;

	switch (dt) {
	case DT_UINT8:	lo = 0; hi = 255; break;
	case DT_UINT16:	lo = 0; hi = 65535; break;
	case DT_INT16:	lo = -32768; hi = 32767; break;
	default:	return v;
	}
	/* Half up; the epsilon makes exact ties (common: weights are k/16 at
	 * 512 -> 224) independent of the order of summation. */
	v = floor(v + 0.5 + 1e-7);
	return v < lo ? lo : v > hi ? hi : v;
}

/* Nearest at pixel centres; when the window is not reduced, a plain copy. */
static void
cut_nearest(const struct raster *src, struct raster *dst, int col0, int row0, int size)
{
	size_t S = (size_t)size, N = (size_t)dst->width, splane = raster_plane(src);
	size_t dplane = N * N, esz = dtype_size(src->dtype);
	double pad = tilecut_pad_value(src);

	for (int b = 0; b < src->nbands; b++)
		for (size_t i = 0; i < N; i++)
			for (size_t j = 0; j < N; j++) {
				long y = row0 + rs_nearest((int)i, (int)S, (int)N);
				long x = col0 + rs_nearest((int)j, (int)S, (int)N);
				size_t k = (size_t)b * dplane + i * N + j;

				if (x < src->width && y < src->height)
					memcpy((char *)dst->data + k * esz, (const char *)src->data +
					    ((size_t)b * splane + (size_t)y * src->width + x) * esz, esz);
				else
					put_sample(dst->data, dst->dtype, k, pad);
			}
}

int
tilecut_window(const struct raster *src, struct raster *dst, int col0, int row0, int size,
    enum rs_filter filter)
{
	size_t S = (size_t)size, N = (size_t)dst->width, splane = raster_plane(src);
	size_t dplane = N * N;
	double pad = tilecut_pad_value(src);
	double *v = NULL, *res = NULL;
	unsigned char *m = NULL, *dm = NULL, *w8 = NULL;
	size_t bad;
	int b, rc = -1;

	if (is_categorical(src) || N == S) {
		cut_nearest(src, dst, col0, row0, size);
		return 0;
	}
	v = malloc(S * S * sizeof *v);
	m = malloc(S * S);
	res = malloc(dplane * sizeof *res);
	dm = malloc(dplane);
	if (v == NULL || m == NULL || res == NULL || dm == NULL)
		goto out;
	/*
	 * One mask for all bands: a pixel is nodata when every band is (so a
	 * stretched pixel that is 0 in one band only still counts), or padding.
	 */
	bad = tilestat_mask(src, col0, row0, size, m);
	for (b = 0; b < src->nbands; b++) {
		if (bad == 0 && filter == RS_BILINEAR && src->dtype == DT_UINT8) {
			/* Whole 8-bit windows go through Pillow's own fixed-point path. */
			if (w8 == NULL && (w8 = malloc(S * S)) == NULL)
				goto out;
			for (size_t y = 0; y < S; y++)
				memcpy(w8 + y * S, (const uint8_t *)src->data + (size_t)b * splane +
				    ((size_t)row0 + y) * src->width + col0, S);
			if (rs_plane_u8(w8, (int)S, (int)S, (uint8_t *)dst->data +
			    (size_t)b * dplane, (int)N, (int)N) == -1)
				goto out;
			continue;
		}
		for (size_t y = 0; y < S; y++)
			for (size_t x = 0; x < S; x++) {
				size_t sx = (size_t)col0 + x, sy = (size_t)row0 + y;

				v[y * S + x] = m[y * S + x] ?
				    raster_get(src, b, sy * src->width + sx) : 0;
			}
		/* Without nodata in the window the plain (unmasked) filter runs. */
		if (rs_plane(v, bad ? m : NULL, (int)S, (int)S, res, dm, (int)N, (int)N,
		    filter) == -1)
			goto out;
		for (size_t k = 0; k < dplane; k++)
			put_sample(dst->data, dst->dtype, (size_t)b * dplane + k,
			    dm[k] ? to_dtype(dst->dtype, res[k]) : pad);
	}
	rc = 0;
out:
	free(w8);
	free(v);
	free(m);
	free(res);
	free(dm);
	return rc;
}
