/*
 * test_xformcache.c - lib/xformcache.c: the same CRS needs no transformation,
 * a pair is made once and reused, the least recently used pair is the one
 * dropped, an unknown CRS is an error; the transformations it gives put the
 * corners of the real Havelland land-cover raster where GDAL puts them.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geo.h"
#include "xformcache.h"
#include "unit.h"

int
main(void)
{
	struct xformcache *xc = xformcache_new(2);
	struct geo_xform *a, *b, *again;
	char err[300];
	/* osm_landuse_10m.tif: its upper left and lower right corners, and where
	 * gdalinfo puts them: 12d29'39.27"E 52d31'18.88"N, 12d43'26.42"E 52d27'26.98"N */
	double x[2] = { 330000, 345360 }, y[2] = { 5822040, 5814360 };

	CHECK(xformcache_get(xc, "EPSG:32633", "EPSG:32633", &a, err, sizeof err) == 0 &&
	    a == NULL, "the same string: no transformation");
	CHECK(xformcache_get(xc, "epsg:4326", "EPSG:4326", &a, err, sizeof err) == 0 &&
	    a == NULL && xformcache_made(xc) == 0, "the same EPSG code: none either");

	CHECK(xformcache_get(xc, "EPSG:32633", "EPSG:4326", &a, err, sizeof err) == 0 &&
	    a != NULL && xformcache_made(xc) == 1, "UTM 33N -> lon/lat made (%s)", err);
	CHECK(geo_xform_points(a, x, y, 2, err, sizeof err) == 0 &&
	    fabs(x[0] - (12 + 29 / 60.0 + 39.27 / 3600)) < 1e-5 &&
	    fabs(y[0] - (52 + 31 / 60.0 + 18.88 / 3600)) < 1e-5 &&
	    fabs(x[1] - (12 + 43 / 60.0 + 26.42 / 3600)) < 1e-5 &&
	    fabs(y[1] - (52 + 27 / 60.0 + 26.98 / 3600)) < 1e-5,
	    "the raster's corners land where gdalinfo says (%.6f %.6f)", x[0], y[0]);
	CHECK(xformcache_get(xc, "EPSG:32633", "EPSG:4326", &again, err, sizeof err) == 0 &&
	    again == a && xformcache_made(xc) == 1, "asked again: the same one, none made");
	CHECK(xformcache_get(xc, "EPSG:3035", "EPSG:32633", &b, err, sizeof err) == 0 &&
	    b != NULL && b != a && xformcache_made(xc) == 2, "a second pair");
	/* Full: a third pair drops the least recently used, LAEA -> UTM. */
	xformcache_get(xc, "EPSG:32633", "EPSG:4326", &a, err, sizeof err);
	xformcache_get(xc, "EPSG:4326", "EPSG:32632", &b, err, sizeof err);
	CHECK(xformcache_made(xc) == 3, "a third pair made");
	xformcache_get(xc, "EPSG:32633", "EPSG:4326", &again, err, sizeof err);
	CHECK(again == a && xformcache_made(xc) == 3, "the recently used pair stayed");
	xformcache_get(xc, "EPSG:3035", "EPSG:32633", &b, err, sizeof err);
	CHECK(xformcache_made(xc) == 4, "the least recently used one was dropped");

	CHECK(xformcache_get(xc, "EPSG:32633", "EPSG:999999", &a, err, sizeof err) == -1 &&
	    a == NULL && strcmp(err, "EPSG:999999: not a CRS that PROJ knows") == 0,
	    "an unknown CRS: %s", err);
	xformcache_free(xc);
	UNIT_DONE();
}
