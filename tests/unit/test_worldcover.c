/*
 * test_worldcover.c - lib/worldcover.c: tile names and edges, tile URLs, and
 * which tiles a grid's points lie in, checked against the georeference of the
 * real N00E006 tile (fixtures/worldcover): every point put in it falls inside
 * it, a grid across the equator splits between it and the absent S03E006.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geo.h"
#include "tifread.h"
#include "worldcover.h"
#include "unit.h"

static void
tile(double lon, double lat, const char *want)
{
	char name[8] = "";
	int rc = worldcover_tile(lon, lat, name, NULL, NULL);

	CHECK(rc == 0 && strcmp(name, want) == 0, "(%g, %g) is in %s (%s)", lon, lat, want,
	    name);
}

static void
test_tiles(void)
{
	char name[8];
	int lon0, lat0;

	tile(6.6, 0.3, "N00E006");
	tile(13.0, 52.5, "N51E012");
	tile(6.6, -0.3, "S03E006");
	tile(-70.6, -33.4, "S36W072");
	tile(-0.5, 51.5, "N51W003");
	tile(0.0, 0.0, "S03E000");		/* the pixel below the equator */
	tile(-180.0, 89.0, "N87W180");
	tile(180.0, -10.0, "S12E177");		/* lon 180: the last column */
	tile(8.99999, 2.99999, "N00E006");
	/* Exactly on an edge: the tile of the pixel the point falls in, as GDAL. */
	tile(9.0, 1.0, "N00E009");
	tile(7.0, 3.0, "N00E006");		/* lat 3.0 is row 0 of N00, not below N03 */
	tile(7.0, 0.0, "S03E006");		/* lat 0.0 is row 0 of S03 */
	CHECK(worldcover_tile(6.6, 0.3, name, &lon0, &lat0) == 0 && lon0 == 6 &&
	    lat0 == 0, "N00E006 south-west corner is (6, 0)");
	CHECK(worldcover_tile(-70.6, -33.4, name, &lon0, &lat0) == 0 && lon0 == -72 &&
	    lat0 == -36, "S36W072 south-west corner is (-72, -36)");
	CHECK(worldcover_tile(181, 0, name, NULL, NULL) == -1, "lon 181 is off the Earth");
	CHECK(worldcover_tile(0, -90.5, name, NULL, NULL) == -1, "lat -90.5 too");
	CHECK(worldcover_tile(NAN, 0, name, NULL, NULL) == -1, "NaN too");
}

static void
test_urls(void)
{
	char u[512];

	CHECK(worldcover_tile_url(WORLDCOVER_URL, "N00E006", u, sizeof u) == 0 &&
	    strcmp(u, "https://esa-worldcover.s3.eu-central-1.amazonaws.com/v200/2021/map/"
	    "ESA_WorldCover_10m_2021_v200_N00E006_Map.tif") == 0, "default URL: %s", u);
	CHECK(worldcover_tile_url("/data/wc", "S03W072", u, sizeof u) == 0 &&
	    strcmp(u, "/data/wc/ESA_WorldCover_10m_2021_v200_S03W072_Map.tif") == 0,
	    "a folder: %s", u);
	CHECK(worldcover_tile_url("/data/wc/", "S03W072", u, sizeof u) == 0 &&
	    strcmp(u, "/data/wc/ESA_WorldCover_10m_2021_v200_S03W072_Map.tif") == 0,
	    "a folder with a slash: %s", u);
	CHECK(worldcover_tile_url("http://h/{TILE}.tif?x=1", "N51E012", u, sizeof u) == 0 &&
	    strcmp(u, "http://h/N51E012.tif?x=1") == 0, "a template: %s", u);
	CHECK(worldcover_tile_url("http://h/{TILE}.tif", "N51E012", u, 10) == -1,
	    "too long for the buffer: -1");
}

/* The lon/lat centres of a w x h grid of 10 m pixels in UTM 32N from (x0, y0). */
static void
utm_centres(double x0, double y0, int w, int h, double *x, double *y)
{
	const double t[6] = { 10, 0, x0, 0, -10, y0 };
	char err[256];
	struct geo_xform *xf = geo_xform_new("EPSG:32632", "EPSG:4326", err, sizeof err);
	int c, r;
	size_t i = 0;

	for (r = 0; r < h; r++)
		for (c = 0; c < w; c++, i++)
			geo_apply(t, c + 0.5, r + 0.5, &x[i], &y[i]);
	if (xf == NULL || geo_xform_points(xf, x, y, i, err, sizeof err) != 0) {
		printf("not ok - PROJ: %s\n", err);
		exit(1);
	}
	geo_xform_free(xf);
}

/* Over the equator near Sao Tome, as t0610's record "eq": half in N00E006, half
 * in S03E006, which the fixture folder lacks (sea). */
static void
test_cover(const char *dir)
{
	enum { W = 600, H = 600, N = W * H };
	static double x[N], y[N];
	static uint8_t tile_of[N];
	struct worldcover_tile tiles[4];
	struct tifread tr;
	char err[600];
	double inv[6], fc, fr;
	size_t i, in[2] = { 0, 0 }, outside = 0;
	int nt;

	utm_centres(225000, 3000, W, H, x, y);
	CHECK(worldcover_cover(dir, x, y, N, tile_of, tiles, 4, &nt) == WORLDCOVER_OK &&
	    nt == 2 && strcmp(tiles[0].name, "N00E006") == 0 &&
	    strcmp(tiles[1].name, "S03E006") == 0, "the grid lies in N00E006 and S03E006");
	CHECK(access(tiles[0].url, R_OK) == 0, "N00E006 is the fixture file: %s", tiles[0].url);
	CHECK(access(tiles[1].url, F_OK) != 0, "S03E006 is not there: sea");
	if (tifread_open(&tr, tiles[0].url, err, sizeof err) != 0 || !tr.has_grid ||
	    geo_invert(tr.grid.t, inv) != 0) {
		CHECK(0, "the N00E006 tile opens with a georeference: %s", err);
		return;
	}
	CHECK(tr.width == WORLDCOVER_TILE_PX && tr.height == WORLDCOVER_TILE_PX &&
	    fabs(tr.grid.t[0] * WORLDCOVER_PX_PER_DEG - 1) < 1e-9, "the tile is 36000 "
	    "pixels of 1/12000 degree");
	for (i = 0; i < N; i++) {
		if (tile_of[i] > 1)
			break;
		in[tile_of[i]]++;
		fc = inv[0] * x[i] + inv[1] * y[i] + inv[2];
		fr = inv[3] * x[i] + inv[4] * y[i] + inv[5];
		/* In the tile's own pixels: inside for its points, below for the others. */
		if ((tile_of[i] == 0) != (fc >= 0 && fc < tr.width && fr >= 0 &&
		    fr < tr.height))
			outside++;
	}
	CHECK(i == N && in[0] == N / 2 && in[1] == N / 2, "every point in one of the two, "
	    "half each (%zu, %zu)", in[0], in[1]);
	CHECK(outside == 0, "the tile's georeference agrees for every point (%zu not)",
	    outside);
	tifread_close(&tr);

	CHECK(worldcover_cover(dir, x, y, N, tile_of, tiles, 1, &nt) == WORLDCOVER_TOO_MANY &&
	    nt == 1, "max 1: too many tiles");
	x[0] = 200;
	CHECK(worldcover_cover("/{TILE}", x, y, 1, tile_of, tiles, 4, &nt) == WORLDCOVER_OK &&
	    nt == 0 && tile_of[0] == WORLDCOVER_OFF, "a point off the Earth is in no tile");
}

static void
test_cover_url(void)
{
	char tmpl[2100];
	double lon = 6.6, lat = 0.3;
	uint8_t t;
	struct worldcover_tile tiles[1];
	int nt;

	memset(tmpl, 'a', sizeof tmpl - 1);
	tmpl[sizeof tmpl - 1] = '\0';
	memcpy(tmpl, "/{TILE}", 7);
	CHECK(worldcover_cover(tmpl, &lon, &lat, 1, &t, tiles, 1, &nt) ==
	    WORLDCOVER_URL_TOO_LONG, "a template too long for a URL");
}

int
main(void)
{
	test_tiles();
	test_urls();
	test_cover(unit_fixture("worldcover"));
	test_cover_url();
	UNIT_DONE();
}
