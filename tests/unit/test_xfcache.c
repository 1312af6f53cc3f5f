/*
 * test_xfcache.c - lib/xfcache: a pair asked twice is made once, the least
 * recently used pair gives way (not the oldest), the transformations are
 * PROJ's own, and a CRS PROJ does not know comes back as a message.
 */
#include <math.h>
#include <string.h>

#include "geo.h"
#include "xfcache.h"
#include "unit.h"

int
main(void)
{
	struct xfcache *xc = xfcache_new(2);
	struct geo_xform *a, *b, *c, *x;
	double e = -9, n = 0;
	char err[256] = "";

	CHECK(xc != NULL, "a cache of two");
	a = xfcache_get(xc, "EPSG:4326", "EPSG:32629", err, sizeof err);
	CHECK(a != NULL, "lon/lat -> UTM 29N made (%s)", err);
	CHECK(xfcache_get(xc, "EPSG:4326", "EPSG:32629", err, sizeof err) == a,
	    "asked again: the same transformation");
	CHECK(geo_xform_points(a, &e, &n, 1, err, sizeof err) == 0 &&
	    fabs(e - 500000) < 1e-6 && fabs(n) < 1e-6,
	    "it is PROJ's: (-9, 0) is the zone's false origin (%.6f, %.6f)", e, n);
	b = xfcache_get(xc, "EPSG:4326", "EPSG:32633", err, sizeof err);
	CHECK(b != NULL && b != a, "a second pair has its own");
	/* a used after b: a third pair must push b out, not a (the older one). */
	CHECK(xfcache_get(xc, "EPSG:4326", "EPSG:32629", err, sizeof err) == a, "a used again");
	c = xfcache_get(xc, "EPSG:32633", "EPSG:4326", err, sizeof err);
	CHECK(c != NULL, "a third pair, the direction counts (%s)", err);
	CHECK(xfcache_get(xc, "EPSG:4326", "EPSG:32629", err, sizeof err) == a,
	    "the most recently used pair is kept when the cache is full");
	e = 500000, n = 0;
	CHECK(geo_xform_points(c, &e, &n, 1, err, sizeof err) == 0 && fabs(e - 15) < 1e-9 &&
	    fabs(n) < 1e-9, "UTM 33N (500000, 0) is (15, 0) (%.9f, %.9f)", e, n);

	err[0] = '\0';
	x = xfcache_get(xc, "EPSG:4326", "EPSG:999999", err, sizeof err);
	CHECK(x == NULL && strstr(err, "EPSG:999999") != NULL, "unknown CRS: '%s'", err);
	CHECK(xfcache_get(xc, "EPSG:4326", "EPSG:32629", err, sizeof err) != NULL,
	    "the cache still works after a failure");
	xfcache_free(xc);
	xfcache_free(NULL);

	/* A bound of 0 still keeps one. */
	xc = xfcache_new(0);
	a = xfcache_get(xc, "EPSG:4326", "EPSG:3857", err, sizeof err);
	CHECK(a != NULL && xfcache_get(xc, "EPSG:4326", "EPSG:3857", err, sizeof err) == a,
	    "max 0 is taken as 1");
	xfcache_free(xc);
	UNIT_DONE();
}
