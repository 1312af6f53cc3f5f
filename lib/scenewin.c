/* scenewin.c - a point's window on a scene's asset grids (see scenewin.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "geo.h"
#include "scenewin.h"
#include "xformcache.h"

/* The SCL window's side, at most: a sane window never comes near it. */
#define SCL_MAX_SIDE 32768

static int
same_transform(const double *a, const double *b)
{
	for (int i = 0; i < 6; i++)
		if (fabs(a[i] - b[i]) > 1e-6 * (fabs(a[i]) + fabs(b[i]) + 1e-3))
			return 0;
	return 1;
}

int
scenewin_scene_epsg(const json_t *scene)
{
	const json_t *v;

	if ((v = json_object_get(scene, "crs")) && json_is_string(v))
		return geo_epsg_of(json_string_value(v));
	if ((v = json_object_get(scene, "proj:epsg")) && json_is_integer(v))
		return (int)json_integer_value(v);
	if ((v = json_object_get(scene, "proj:code")) && json_is_string(v))
		return geo_epsg_of(json_string_value(v));
	return 0;
}

int
scenewin_place(struct scenewin *w, const struct scenewin_opts *o,
    const struct scenewin_asset *first, int declared_epsg, struct xformcache *xforms,
    double lon, double lat, char *err, size_t errlen)
{
	const struct cog *c0 = first->cog;
	const struct cog_level *l;
	struct geo_xform *xf;
	double x = lon, y = lat, inv[6], px;
	char dst[32], why[256];
	long n;

	memset(w, 0, sizeof *w);
	if (!c0->has_georef || c0->epsg == 0)
		return errf(err, errlen, "asset %s: no georeference or no EPSG code in the "
		    "GeoTIFF keys", first->name);
	if (declared_epsg && declared_epsg != c0->epsg)
		return errf(err, errlen, "scene: crs EPSG:%d disagrees with asset %s (EPSG:%d)",
		    declared_epsg, first->name, c0->epsg);
	w->epsg = c0->epsg;
	if (o->resolution > 0 && (w->level = cog_level_for_res(c0, o->resolution)) < 0)
		return errf(err, errlen, "asset %s: no overview with %g m pixels", first->name,
		    o->resolution);
	l = &c0->level[w->level];
	snprintf(dst, sizeof dst, "EPSG:%d", c0->epsg);
	if (xformcache_get(xforms, "EPSG:4326", dst, &xf, why, sizeof why) ||
	    (xf && geo_xform_points(xf, &x, &y, 1, why, sizeof why) < 0))
		return errf(err, errlen, "point to EPSG:%d: %s", c0->epsg, why);
	if (geo_invert(l->t, inv) < 0)
		return errf(err, errlen, "asset %s: singular transform", first->name);
	w->col = inv[0] * x + inv[1] * y + inv[2];
	w->row = inv[3] * x + inv[4] * y + inv[5];
	if (!(w->col >= 0 && w->row >= 0 && w->col < l->width && w->row < l->height))
		return errf(err, errlen, "window: point (%.6f, %.6f) lies outside the scene",
		    lon, lat);
	px = hypot(l->t[0], l->t[3]);
	n = o->size;
	if (o->size_m > 0) {
		n = lround(o->size_m / px);
		if (n < 1 || n > 16384)
			return errf(err, errlen, "--size-m %g: %ld pixels of %g m", o->size_m, n, px);
	}
	memcpy(w->level_t, l->t, sizeof w->level_t);
	w->level_width = l->width;
	w->level_height = l->height;
	w->size = (int)n;
	snprintf(w->grid.crs, sizeof w->grid.crs, "EPSG:%d", c0->epsg);
	w->grid.width = w->grid.height = w->size;
	w->nodata = c0->has_nodata ? c0->nodata : first->has_nodata ? first->nodata : 0;
	/* Whole pixels nearest to centring the window on the point. */
	scenewin_move(w, (long)floor(w->col - n / 2.0 + 0.5), (long)floor(w->row - n / 2.0 + 0.5));
	return 0;
}

void
scenewin_move(struct scenewin *w, long col0, long row0)
{
	w->col0 = col0;
	w->row0 = row0;
	geo_window_transform(w->level_t, (double)col0, (double)row0, 1, w->grid.t);
}

/* The SCL pixels under the window (pixel centres), a pixel of margin around. */
static int
fit_scl(struct scenewin *w, const struct cog *c0, const struct scenewin_asset *scl,
    struct cog_win *win, char *err, size_t errlen)
{
	const struct cog *c = scl->cog;
	const double *si = w->scl_inv;
	double b[4], xs[2], ys[2];
	long sc0, sr0, sc1, sr1;

	if (c->epsg != c0->epsg)
		return errf(err, errlen, "asset %s: EPSG:%d, image EPSG:%d", scl->name, c->epsg,
		    c0->epsg);
	if (c->dtype != DT_UINT8 || c->spp != 1)
		return errf(err, errlen, "asset %s: expected one uint8 band", scl->name);
	if (geo_invert(c->level[0].t, w->scl_inv) < 0)
		return errf(err, errlen, "asset %s: singular transform", scl->name);
	geo_window_bounds(w->grid.t, w->size, w->size, b);
	xs[0] = si[0] * b[0] + si[1] * b[3] + si[2];
	ys[0] = si[3] * b[0] + si[4] * b[3] + si[5];
	xs[1] = si[0] * b[2] + si[1] * b[1] + si[2];
	ys[1] = si[3] * b[2] + si[4] * b[1] + si[5];
	sc0 = (long)floor(fmin(xs[0], xs[1])) - 1;
	sr0 = (long)floor(fmin(ys[0], ys[1])) - 1;
	sc1 = (long)ceil(fmax(xs[0], xs[1])) + 1;
	sr1 = (long)ceil(fmax(ys[0], ys[1])) + 1;
	if (sc1 - sc0 > SCL_MAX_SIDE || sr1 - sr0 > SCL_MAX_SIDE)
		return errf(err, errlen, "asset %s: window of %ldx%ld pixels", scl->name,
		    sc1 - sc0, sr1 - sr0);
	w->scl_col0 = sc0;
	w->scl_row0 = sr0;
	w->scl_width = (int)(sc1 - sc0);
	w->scl_height = (int)(sr1 - sr0);
	win->cog = scl->cog;
	win->level = 0;
	win->col0 = sc0;
	win->row0 = sr0;
	win->width = w->scl_width;
	win->height = w->scl_height;
	win->fill = 0;
	return 0;
}

int
scenewin_fit(struct scenewin *w, const struct scenewin_opts *o,
    const struct scenewin_asset *img, size_t nimg, const struct scenewin_asset *scl,
    struct cog_win *win, char *err, size_t errlen)
{
	const struct cog *c0 = img[0].cog;

	for (size_t i = 0; i < nimg; i++) {
		struct cog *c = img[i].cog;
		int lv = w->level;

		if (i > 0) {
			lv = o->resolution > 0 ? cog_level_for_res(c, o->resolution) : 0;
			if (c->epsg != c0->epsg || lv < 0 ||
			    !same_transform(c->level[lv].t, w->level_t) ||
			    c->level[lv].width != w->level_width ||
			    c->level[lv].height != w->level_height)
				return errf(err, errlen, "asset %s: grid differs from asset %s",
				    img[i].name, img[0].name);
			if (c->dtype != c0->dtype)
				return errf(err, errlen, "asset %s: %s, asset %s: %s", img[i].name,
				    dtype_name(c->dtype), img[0].name, dtype_name(c0->dtype));
		}
		win[i].cog = c;
		win[i].level = lv;
		win[i].col0 = w->col0;
		win[i].row0 = w->row0;
		win[i].width = w->size;
		win[i].height = w->size;
		win[i].fill = w->nodata;
	}
	return scl != NULL ? fit_scl(w, c0, scl, &win[nimg], err, errlen) : 0;
}

void
scenewin_scl_sample(const struct scenewin *w, const uint8_t *scl, uint8_t *out)
{
	const double *si = w->scl_inv;

	for (long r = 0; r < w->size; r++)
		for (long c = 0; c < w->size; c++) {
			double x, y;
			long sc, sr;

			geo_apply(w->grid.t, c + 0.5, r + 0.5, &x, &y);
			sc = (long)floor(si[0] * x + si[1] * y + si[2]) - w->scl_col0;
			sr = (long)floor(si[3] * x + si[4] * y + si[5]) - w->scl_row0;
			out[(size_t)r * w->size + c] =
			    sc >= 0 && sr >= 0 && sc < w->scl_width && sr < w->scl_height ?
			    scl[(size_t)sr * w->scl_width + sc] : 0;
		}
}

static int
is_nodata(const void *data, enum dtype dt, size_t i, double nd)
{
	switch (dt) {
	case DT_UINT8: return ((const uint8_t *)data)[i] == nd;
	case DT_UINT16: return ((const uint16_t *)data)[i] == nd;
	case DT_INT16: return ((const int16_t *)data)[i] == nd;
	default: {
		float v = ((const float *)data)[i];
		return isnan(nd) ? isnan(v) : v == (float)nd;
	}
	}
}

size_t
scenewin_count_valid(const struct scenewin *w, const void *planes, int nbands,
    enum dtype dt)
{
	size_t plane = (size_t)w->size * w->size, bsz = dtype_size(dt), valid = 0;

	for (long r = 0; r < w->size; r++) {
		long R = w->row0 + r;

		if (R < 0 || R >= (long)w->level_height)
			continue;
		for (long c = 0; c < w->size; c++) {
			long C = w->col0 + c;
			size_t k = (size_t)r * w->size + c;
			int b;

			if (C < 0 || C >= (long)w->level_width)
				continue;
			for (b = 0; b < nbands; b++)
				if (!is_nodata((const char *)planes + (size_t)b * plane * bsz, dt, k,
				    w->nodata))
					break;
			valid += b < nbands;
		}
	}
	return valid;
}
