/*
 * test_geo.c - lib/geo.c: affine math, windows, UTM zones, haversine and PROJ.
 *
 * Expected projected coordinates were computed once with PROJ's own tools
 * (cs2cs, gdaltransform) and are checked to 1 mm, as PROJ's gie tests do.
 */
#include <math.h>
#include <string.h>

#include "geo.h"
#include "unit.h"

static void
test_affine(void)
{
	/* A Sentinel-2 10 m grid (T33UUU) and a rotated/sheared one. */
	double s2[6] = { 10, 0, 300000, 0, -10, 5900040 };
	double rot[6] = { 8.66, -5, 1000, 5, 8.66, 2000 };
	double inv[6], x, y, c, r, w[6], b[4];
	double *ts[2] = { s2, rot };
	int i;

	geo_apply(s2, 0, 0, &x, &y);
	CHECK(x == 300000 && y == 5900040, "apply: pixel corner (0,0) is the origin");
	geo_apply(s2, 12.5, 7.5, &x, &y);
	CHECK(x == 300125 && y == 5899965, "apply: (12.5,7.5) -> (300125,5899965)");

	for (i = 0; i < 2; i++) {
		CHECK(geo_invert(ts[i], inv) == 0, "invert %d: not singular", i);
		geo_apply(ts[i], 123.25, -45.5, &x, &y);
		geo_apply(inv, x, y, &c, &r);
		CHECK_NEAR(c, 123.25, 1e-9, "invert %d: round trip col", i);
		CHECK_NEAR(r, -45.5, 1e-9, "invert %d: round trip row", i);
	}
	{
		double sing[6] = { 1, 2, 0, 2, 4, 0 };
		CHECK(geo_invert(sing, inv) == -1, "invert: singular transform refused");
	}

	/* Window at (100,50), same resolution: only the origin moves. */
	geo_window_transform(s2, 100, 50, 1, w);
	CHECK(w[0] == 10 && w[1] == 0 && w[2] == 301000 && w[3] == 0 && w[4] == -10 &&
	    w[5] == 5899540, "window transform at (100,50)");
	/* Window pixel (3,4) at factor 2 is original pixel (106,58). */
	geo_window_transform(s2, 100, 50, 2, w);
	CHECK(w[0] == 20 && w[4] == -20, "window factor 2 doubles the pixel size");
	geo_apply(w, 3, 4, &x, &y);
	geo_apply(s2, 106, 58, &c, &r);
	CHECK(x == c && y == r, "window factor 2: pixel (3,4) -> original (106,58)");
	/* A rotated grid: window pixel (1,1) at factor 3 = original (col0+3,row0+3). */
	geo_window_transform(rot, 10, 20, 3, w);
	geo_apply(w, 1, 1, &x, &y);
	geo_apply(rot, 13, 23, &c, &r);
	CHECK_NEAR(x, c, 1e-9, "rotated window x");
	CHECK_NEAR(y, r, 1e-9, "rotated window y");

	geo_window_bounds(s2, 100, 200, b);
	CHECK(b[0] == 300000 && b[1] == 5898040 && b[2] == 301000 && b[3] == 5900040,
	    "window bounds of a north-up 100x200 grid");
	geo_window_bounds(rot, 10, 10, b);
	/* Corners: (0,0)=(1000,2000) (10,0)=(1086.6,2050) (0,10)=(950,2086.6) (10,10). */
	CHECK_NEAR(b[0], 950, 1e-9, "rotated bounds xmin");
	CHECK_NEAR(b[1], 2000, 1e-9, "rotated bounds ymin");
	CHECK_NEAR(b[2], 1086.6, 1e-9, "rotated bounds xmax");
	CHECK_NEAR(b[3], 2136.6, 1e-9, "rotated bounds ymax");
}

static void
test_utm(void)
{
	CHECK(geo_utm_zone(13.0, 52.5) == 33, "Berlin is zone 33");
	CHECK(geo_utm_epsg(13.0, 52.5) == 32633, "Berlin is EPSG:32633");
	CHECK(geo_utm_epsg(-70.6, -33.4) == 32719, "Santiago is EPSG:32719 (south)");
	CHECK(geo_utm_epsg(6.6, 0.3) == 32632, "Sao Tome is EPSG:32632");
	CHECK(geo_utm_epsg(6.6, -0.3) == 32732, "just south of the equator: 327zz");
	CHECK(geo_utm_epsg(6.6, 0.0) == 32632, "the equator itself is north");
	CHECK(geo_utm_zone(-180.0, 0) == 1, "lon -180 is zone 1");
	CHECK(geo_utm_zone(180.0, 0) == 60, "lon 180 is zone 60");
	CHECK(geo_utm_zone(179.999, -16) == 60, "lon 179.999 is zone 60");
	CHECK(geo_utm_epsg(-179.999, -16) == 32701, "lon -179.999 south is 32701");
	CHECK(geo_utm_zone(183.0, 0) == 1, "lon 183 wraps to -177: zone 1");
	CHECK(geo_utm_zone(-186.0, 0) == 60, "lon -186 wraps to 174: zone 60");
	CHECK(geo_utm_zone(0.0, 10) == 31, "lon 0 is zone 31");
	CHECK(geo_utm_zone(-0.0001, 10) == 30, "just west of Greenwich is zone 30");
	/* Norway: 56-64N, 3-12E is 32. */
	CHECK(geo_utm_zone(5.3, 60.4) == 32, "Bergen (5.3E 60.4N) is 32, not 31");
	CHECK(geo_utm_zone(3.0, 56.0) == 32, "Norway exception starts at 3E 56N");
	CHECK(geo_utm_zone(2.99, 60) == 31, "west of 3E stays 31");
	CHECK(geo_utm_zone(5.3, 64.0) == 31, "north of 64N stays 31");
	CHECK(geo_utm_zone(5.3, 55.99) == 31, "south of 56N stays 31");
	CHECK(geo_utm_zone(11.99, 60) == 32, "11.99E in Norway band is 32");
	CHECK(geo_utm_zone(12.0, 60) == 33, "12E in Norway band is 33");
	/* Svalbard: 72-84N. */
	CHECK(geo_utm_zone(8.9, 78) == 31, "Svalbard 8.9E is 31");
	CHECK(geo_utm_zone(9.0, 78) == 33, "Svalbard 9E is 33 (32 unused)");
	CHECK(geo_utm_zone(15.6, 78.2) == 33, "Longyearbyen is 33");
	CHECK(geo_utm_zone(20.99, 78) == 33, "Svalbard 20.99E is 33");
	CHECK(geo_utm_zone(21.0, 78) == 35, "Svalbard 21E is 35 (34 unused)");
	CHECK(geo_utm_zone(33.0, 78) == 37, "Svalbard 33E is 37 (36 unused)");
	CHECK(geo_utm_zone(41.99, 78) == 37, "Svalbard 41.99E is 37");
	CHECK(geo_utm_zone(42.0, 78) == 38, "Svalbard band ends at 42E");
	CHECK(geo_utm_zone(15.6, 84.0) == 33, "84N: exception ends, normal zone 33");
	CHECK(geo_utm_zone(15.6, 71.99) == 33, "71.99N: normal zone 33");
	CHECK(geo_utm_zone(10.0, 71.99) == 32, "71.99N 10E: normal zone 32");
}

static void
test_distance(void)
{
	/* One degree on the 6371 km sphere, quarter meridian, antipodes. */
	CHECK_NEAR(geo_haversine_km(0, 0, 0, 1), M_PI * 6371 / 180, 1e-9,
	    "one degree of latitude = 111.19493 km");
	CHECK_NEAR(geo_haversine_km(179.5, 0, -179.5, 0), 111.19492664, 1e-6,
	    "across the antimeridian: one degree");
	CHECK_NEAR(geo_haversine_km(10, 0, 10, 90), M_PI * 6371 / 2, 1e-6,
	    "equator to pole = 10007.543 km");
	CHECK_NEAR(geo_haversine_km(0, 0, 180, 0), M_PI * 6371, 1e-6,
	    "antipodes = 20015.087 km");
	/* Paris - London ~ 343.6 km, New York - London ~ 5570 km (R = 6371). */
	CHECK_NEAR(geo_haversine_km(2.3522, 48.8566, -0.1278, 51.5074), 343.556060, 1e-5,
	    "Paris - London 343.556 km");
	CHECK_NEAR(geo_haversine_km(-74.006, 40.7128, -0.1278, 51.5074), 5570.222180, 1e-5,
	    "New York - London 5570.222 km");
	CHECK(geo_haversine_km(13, 52, 13, 52) == 0, "same point: 0 km");
}

static void
test_offsets(void)
{
	double lon, lat, b[4];

	geo_offset_m(13, 52, 0, 111320, &lon, &lat);
	CHECK_NEAR(lat, 53, 1e-12, "111320 m north is one degree");
	CHECK_NEAR(lon, 13, 1e-12, "north offset keeps lon");
	geo_offset_m(13, 60, 55660, 0, &lon, &lat);
	CHECK_NEAR(lon, 14, 1e-9, "at 60N, 55660 m east is one degree");
	geo_offset_m(0, 90, 1000, 0, &lon, &lat);
	CHECK(isfinite(lon) && lon > 0, "at the pole lat is clamped to 89: finite lon");
	CHECK_NEAR(lon, 1000 / (111320 * cos(89 * M_PI / 180)), 1e-9,
	    "pole offset uses cos(89)");

	geo_bbox_km(13, 52, 5, b);
	CHECK_NEAR(b[3] - 52, 2.5 / 6371 * 180 / M_PI, 1e-12, "bbox half-side lat");
	CHECK_NEAR(b[2] - 13, 2.5 / 6371 * 180 / M_PI / cos(52 * M_PI / 180), 1e-12,
	    "bbox half-side lon / cos(lat)");
	CHECK_NEAR(b[0] + b[2], 26, 1e-12, "bbox centred in lon");
	CHECK_NEAR(b[1] + b[3], 104, 1e-12, "bbox centred in lat");
}

static void
one_point(const char *src, const char *dst, double x, double y, double ex, double ey,
    double tol, const char *what)
{
	char err[256] = "";
	struct geo_xform *g = geo_xform_new(src, dst, err, sizeof err);
	int rc;

	CHECK(g != NULL, "%s: xform %s -> %s (%s)", what, src, dst, err);
	if (g == NULL)
		return;
	rc = geo_xform_points(g, &x, &y, 1, err, sizeof err);
	CHECK(rc == 0, "%s: transform ok (%s)", what, err);
	CHECK_NEAR(x, ex, tol, "%s: x %.6f want %.6f", what, x, ex);
	CHECK_NEAR(y, ey, tol, "%s: y %.6f want %.6f", what, y, ey);
	geo_xform_free(g);
}

static void
test_proj(void)
{
	char err[256];
	struct geo_xform *g;
	double xs[3], ys[3];
	int rc;

	/* cs2cs EPSG:4326 EPSG:32633 -f %.6f <<< '52 13' etc.; tolerance 1 mm. */
	one_point("EPSG:4326", "EPSG:32633", 13, 52, 362705.634106, 5762926.812914,
	    0.001, "13E 52N -> 33N");
	one_point("EPSG:4326", "EPSG:32633", 12.5, 52.6, 330691.689333, 5830710.501998,
	    0.001, "12.5E 52.6N -> 33N");
	one_point("EPSG:4326", "EPSG:32632", 6.6, 0.3, 232865.072162, 33188.324426,
	    0.001, "6.6E 0.3N -> 32N");
	one_point("EPSG:4326", "EPSG:32719", -70.5, -33.4, 360505.619897, 6303362.288124,
	    0.001, "70.5W 33.4S -> 19S");
	one_point("EPSG:4326", "EPSG:32760", 179.9, -16.5, 809603.831011, 8173529.420738,
	    0.001, "179.9E 16.5S -> 60S");
	one_point("EPSG:4326", "EPSG:32633", 15, 0, 500000, 0, 0.001,
	    "central meridian on the equator -> (500000, 0)");
	/* Inverse and axis order: EPSG:4326 output is still x=lon, y=lat. */
	one_point("EPSG:32633", "EPSG:4326", 362705.634106, 5762926.812914, 13, 52, 1e-8,
	    "33N -> lon/lat (x=lon)");
	one_point("EPSG:32633", "EPSG:4326", 500000, 0, 15, 0, 1e-9,
	    "33N false origin -> 15E 0N");
	/* Web Mercator: x is lon-driven whatever the order 4326 declares. */
	one_point("EPSG:4326", "EPSG:3857", 13, 52, 1447153.380313, 6800125.454397,
	    0.001, "13E 52N -> 3857");

	/* Arrays, and a PROJ string CRS. */
	g = geo_xform_new("EPSG:4326", "+proj=utm +zone=33 +datum=WGS84 +units=m +type=crs",
	    err, sizeof err);
	CHECK(g != NULL, "xform to a PROJ string (%s)", g ? "" : err);
	if (g != NULL) {
		xs[0] = 13; ys[0] = 52;
		xs[1] = 12.5; ys[1] = 52.6;
		xs[2] = 15; ys[2] = 0;
		/* CHECK evaluates its condition twice: no side effects inside. */
		rc = geo_xform_points(g, xs, ys, 3, err, sizeof err);
		CHECK(rc == 0, "3 points");
		CHECK_NEAR(xs[0], 362705.634106, 0.001, "array point 1 x");
		CHECK_NEAR(ys[1], 5830710.501998, 0.001, "array point 2 y");
		CHECK_NEAR(xs[2], 500000, 0.001, "array point 3 x");
		rc = geo_xform_points(g, xs, ys, 0, err, sizeof err);
		CHECK(rc == 0, "0 points is ok");
		geo_xform_free(g);
	}

	/* Failures: unknown CRS, point outside the domain. */
	err[0] = '\0';
	g = geo_xform_new("EPSG:4326", "EPSG:999999", err, sizeof err);
	CHECK(g == NULL && strstr(err, "EPSG:999999") != NULL,
	    "unknown CRS refused with its name in the message: %s", err);
	err[0] = '\0';
	g = geo_xform_new("EPSG:4326", "", err, sizeof err);
	CHECK(g == NULL && err[0] != '\0', "empty CRS refused: %s", err);
	g = geo_xform_new("EPSG:4326", "EPSG:32633", err, sizeof err);
	if (g != NULL) {
		xs[0] = 13; ys[0] = 52;
		xs[1] = 105; ys[1] = 0;	/* 90 degrees off the central meridian: inf */
		err[0] = '\0';
		rc = geo_xform_points(g, xs, ys, 2, err, sizeof err);
		CHECK(rc == -1 && strstr(err, "point 2") != NULL,
		    "a point PROJ cannot transform (HUGE_VAL) fails: %s", err);
		geo_xform_free(g);
	}
	g = geo_xform_new("EPSG:32633", "EPSG:4326", err, sizeof err);
	if (g != NULL) {
		xs[0] = 1e30; ys[0] = 1e30;
		err[0] = '\0';
		rc = geo_xform_points(g, xs, ys, 1, err, sizeof err);
		CHECK(rc == -1 && err[0],
		    "absurd UTM coordinates fail: %s", err);
		geo_xform_free(g);
	}

	CHECK(geo_epsg_of("EPSG:32633") == 32633, "epsg_of EPSG:32633");
	CHECK(geo_epsg_of("epsg:4326") == 4326, "epsg_of is case-blind");
	CHECK(geo_epsg_of("EPSG:") == 0, "epsg_of EPSG: is 0");
	CHECK(geo_epsg_of("EPSG:12x") == 0, "epsg_of EPSG:12x is 0");
	CHECK(geo_epsg_of("+proj=utm") == 0, "epsg_of PROJ string is 0");
	CHECK(geo_epsg_of(NULL) == 0, "epsg_of NULL is 0");
}

int
main(void)
{
	test_affine();
	test_utm();
	test_distance();
	test_offsets();
	test_proj();
	UNIT_DONE();
}
