/*
 * geo.c - geo math: affine transforms, windows and bounds, UTM zones,
 * great-circle distances, and a thin PROJ wrapper (see geo.h).
 *
 * Every geo_xform owns its own PJ_CONTEXT, so two threads may each use their
 * own transformation without sharing PROJ state.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proj.h>

#include "geo.h"
#include "errbuf.h"

#define DEG2RAD(d)	((d) * M_PI / 180.0)
#define RAD2DEG(r)	((r) * 180.0 / M_PI)

void
geo_apply(const double t[6], double col, double row, double *x, double *y)
{
	*x = t[0] * col + t[1] * row + t[2];
	*y = t[3] * col + t[4] * row + t[5];
}

int
geo_invert(const double t[6], double inv[6])
{
	double det = t[0] * t[4] - t[1] * t[3];

	if (det == 0 || !isfinite(det))
		return -1;
	/* North-up: the same arithmetic as GDALInvGeoTransform, so pixel lookups
	 * tie-break exactly as GDAL's do. */
	if (t[1] == 0 && t[3] == 0) {
		inv[0] = 1.0 / t[0];
		inv[1] = 0;
		inv[2] = -t[2] / t[0];
		inv[3] = 0;
		inv[4] = 1.0 / t[4];
		inv[5] = -t[5] / t[4];
		return 0;
	}
	/* col = ( e*(x-c) - b*(y-f)) / det, row = (-d*(x-c) + a*(y-f)) / det */
	inv[0] = t[4] / det;
	inv[1] = -t[1] / det;
	inv[2] = (t[1] * t[5] - t[4] * t[2]) / det;
	inv[3] = -t[3] / det;
	inv[4] = t[0] / det;
	inv[5] = (t[3] * t[2] - t[0] * t[5]) / det;
	return 0;
}

void
geo_window_transform(const double t[6], double col0, double row0, double factor,
    double out[6])
{
	double x, y;

	geo_apply(t, col0, row0, &x, &y);
	out[0] = t[0] * factor;
	out[1] = t[1] * factor;
	out[2] = x;
	out[3] = t[3] * factor;
	out[4] = t[4] * factor;
	out[5] = y;
}

void
geo_window_bounds(const double t[6], int width, int height, double b[4])
{
	static const int cc[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
	double x, y;
	int i;

	for (i = 0; i < 4; i++) {
		geo_apply(t, cc[i][0] * (double)width, cc[i][1] * (double)height, &x, &y);
		if (i == 0 || x < b[0])
			b[0] = x;
		if (i == 0 || y < b[1])
			b[1] = y;
		if (i == 0 || x > b[2])
			b[2] = x;
		if (i == 0 || y > b[3])
			b[3] = y;
	}
}

int
geo_utm_zone(double lon, double lat)
{
	int z;

	/* Bring any longitude into [-180, 180]; 180 itself stays (zone 60). */
	if (isfinite(lon) && (lon < -180 || lon > 180)) {
		lon = fmod(lon + 180.0, 360.0);
		if (lon < 0)
			lon += 360.0;
		lon -= 180.0;
	}
	/* Norway: south-west Norway is in 32V, widened to 3E. */
	if (lat >= 56 && lat < 64 && lon >= 3 && lon < 12)
		return 32;
	/* Svalbard: zones 32, 34 and 36 are not used; 31, 33, 35, 37 widened. */
	if (lat >= 72 && lat < 84 && lon >= 0 && lon < 42) {
		if (lon < 9)
			return 31;
		if (lon < 21)
			return 33;
		if (lon < 33)
			return 35;
		return 37;
	}
	z = (int)floor((lon + 180.0) / 6.0) + 1;
	if (z < 1)
		z = 1;
	if (z > 60)
		z = 60;
	return z;
}

int
geo_utm_epsg(double lon, double lat)
{
	return (lat >= 0 ? 32600 : 32700) + geo_utm_zone(lon, lat);
}

double
geo_haversine_km(double lon1, double lat1, double lon2, double lat2)
{
	double p1 = DEG2RAD(lat1), p2 = DEG2RAD(lat2);
	double dp = p2 - p1, dl = DEG2RAD(lon2 - lon1);
	double a = sin(dp / 2) * sin(dp / 2) +
	    cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);

	if (a > 1)
		a = 1;
	return 2.0 * GEO_EARTH_RADIUS_KM * asin(sqrt(a));
}

void
geo_offset_m(double lon, double lat, double east_m, double north_m,
    double *olon, double *olat)
{
	double clat = lat;

	if (clat > 89)
		clat = 89;
	if (clat < -89)
		clat = -89;
	*olat = lat + north_m / GEO_M_PER_DEG_LAT;
	*olon = lon + east_m / (GEO_M_PER_DEG_LAT * cos(DEG2RAD(clat)));
}

void
geo_bbox_km(double lon, double lat, double side_km, double bbox[4])
{
	double dlat = RAD2DEG((side_km / 2.0) / GEO_EARTH_RADIUS_KM);
	double dlon = dlat / cos(DEG2RAD(lat));

	bbox[0] = lon - dlon;
	bbox[1] = lat - dlat;
	bbox[2] = lon + dlon;
	bbox[3] = lat + dlat;
}

struct geo_xform {
	PJ_CONTEXT *ctx;
	PJ *pj;
	char src[64], dst[64];	/* for messages, cut short */
};

static const char *
proj_why(PJ_CONTEXT *ctx)
{
	int e = proj_context_errno(ctx);
	const char *s;

	if (e == 0)
		return "unknown PROJ error";
	s = proj_context_errno_string(ctx, e);
	return s != NULL ? s : "unknown PROJ error";
}

static void
short_name(char *dst, size_t len, const char *s)
{
	/* A WKT string is too long for a message; its start is enough. */
	snprintf(dst, len, "%s", s);
	if (strlen(s) >= len && len > 4)
		memcpy(dst + len - 4, "...", 4);
}

static int
is_crs(PJ_CONTEXT *ctx, const char *def)
{
	PJ *p = proj_create(ctx, def);
	int ok = p != NULL && proj_is_crs(p);

	if (p != NULL)
		proj_destroy(p);
	return ok;
}

struct geo_xform *
geo_xform_new(const char *src, const char *dst, char *err, size_t errlen)
{
	struct geo_xform *x;
	PJ *raw;

	if (src == NULL || dst == NULL || *src == '\0' || *dst == '\0') {
		errf(err, errlen, "empty CRS");
		return NULL;
	}
	if ((x = calloc(1, sizeof *x)) == NULL) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	short_name(x->src, sizeof x->src, src);
	short_name(x->dst, sizeof x->dst, dst);
	if ((x->ctx = proj_context_create()) == NULL) {
		errf(err, errlen, "cannot create a PROJ context");
		free(x);
		return NULL;
	}
	/* Errors come back to the caller as messages, not PROJ's own stderr lines. */
	proj_log_level(x->ctx, PJ_LOG_NONE);
	raw = proj_create_crs_to_crs(x->ctx, src, dst, NULL);
	if (raw == NULL) {
		/* Name the CRS that PROJ does not know, if it is one of them. */
		if (!is_crs(x->ctx, src))
			errf(err, errlen, "%s: not a CRS that PROJ knows", x->src);
		else if (!is_crs(x->ctx, dst))
			errf(err, errlen, "%s: not a CRS that PROJ knows", x->dst);
		else
			errf(err, errlen, "%s -> %s: no transformation: %s", x->src,
			    x->dst, proj_why(x->ctx));
		geo_xform_free(x);
		return NULL;
	}
	/* x = lon/easting, y = lat/northing, whatever the CRS's official axis order. */
	x->pj = proj_normalize_for_visualization(x->ctx, raw);
	proj_destroy(raw);
	if (x->pj == NULL) {
		errf(err, errlen, "%s -> %s: %s", x->src, x->dst, proj_why(x->ctx));
		geo_xform_free(x);
		return NULL;
	}
	return x;
}

void
geo_xform_free(struct geo_xform *x)
{
	if (x == NULL)
		return;
	if (x->pj != NULL)
		proj_destroy(x->pj);
	if (x->ctx != NULL)
		proj_context_destroy(x->ctx);
	free(x);
}

int
geo_xform_points(struct geo_xform *x, double *xs, double *ys, size_t n,
    char *err, size_t errlen)
{
	size_t i, done;

	if (n == 0)
		return 0;
	proj_errno_reset(x->pj);
	done = proj_trans_generic(x->pj, PJ_FWD, xs, sizeof *xs, n, ys, sizeof *ys, n,
	    NULL, 0, 0, NULL, 0, 0);
	if (done != n) {
		errf(err, errlen, "%s -> %s: transformed %zu of %zu points: %s",
		    x->src, x->dst, done, n, proj_why(x->ctx));
		return -1;
	}
	/* PROJ marks a point it cannot transform with HUGE_VAL (inf). */
	for (i = 0; i < n; i++) {
		if (!isfinite(xs[i]) || !isfinite(ys[i])) {
			errf(err, errlen, "%s -> %s: point %zu of %zu cannot be "
			    "transformed (%s)", x->src, x->dst, i + 1, n,
			    proj_errno(x->pj) != 0 ? proj_why(x->ctx) :
			    "outside the domain of the transformation");
			return -1;
		}
	}
	return 0;
}

int
geo_epsg_of(const char *crs)
{
	const char *p;
	char *end;
	long v;

	if (crs == NULL || strncasecmp(crs, "EPSG:", 5) != 0)
		return 0;
	p = crs + 5;
	if (*p < '0' || *p > '9')
		return 0;
	v = strtol(p, &end, 10);
	if (*end != '\0' || v <= 0 || v > 2147483647L)
		return 0;
	return (int)v;
}
