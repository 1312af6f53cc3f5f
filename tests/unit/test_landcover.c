/*
 * test_landcover.c - lib/landcover.c: WorldCover tile names and edges, tile
 * URLs, built-in class tables and class files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "landcover.h"
#include "unit.h"

static void
tile(double lon, double lat, const char *want)
{
	char name[8] = "";
	int rc = lc_worldcover_tile(lon, lat, name, NULL, NULL);

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
	CHECK(lc_worldcover_tile(6.6, 0.3, name, &lon0, &lat0) == 0 && lon0 == 6 &&
	    lat0 == 0, "N00E006 south-west corner is (6, 0)");
	CHECK(lc_worldcover_tile(-70.6, -33.4, name, &lon0, &lat0) == 0 && lon0 == -72 &&
	    lat0 == -36, "S36W072 south-west corner is (-72, -36)");
	CHECK(lc_worldcover_tile(181, 0, name, NULL, NULL) == -1, "lon 181 is off the Earth");
	CHECK(lc_worldcover_tile(0, -90.5, name, NULL, NULL) == -1, "lat -90.5 too");
	CHECK(lc_worldcover_tile(NAN, 0, name, NULL, NULL) == -1, "NaN too");
}

static void
test_urls(void)
{
	char u[512];

	CHECK(lc_tile_url(LC_WORLDCOVER_URL, "N00E006", u, sizeof u) == 0 &&
	    strcmp(u, "https://esa-worldcover.s3.eu-central-1.amazonaws.com/v200/2021/map/"
	    "ESA_WorldCover_10m_2021_v200_N00E006_Map.tif") == 0, "default URL: %s", u);
	CHECK(lc_tile_url("/data/wc", "S03W072", u, sizeof u) == 0 &&
	    strcmp(u, "/data/wc/ESA_WorldCover_10m_2021_v200_S03W072_Map.tif") == 0,
	    "a folder: %s", u);
	CHECK(lc_tile_url("/data/wc/", "S03W072", u, sizeof u) == 0 &&
	    strcmp(u, "/data/wc/ESA_WorldCover_10m_2021_v200_S03W072_Map.tif") == 0,
	    "a folder with a slash: %s", u);
	CHECK(lc_tile_url("http://h/{TILE}.tif?x=1", "N51E012", u, sizeof u) == 0 &&
	    strcmp(u, "http://h/N51E012.tif?x=1") == 0, "a template: %s", u);
	CHECK(lc_tile_url("http://h/{TILE}.tif", "N51E012", u, 10) == -1,
	    "too long for the buffer: -1");
}

static json_t *
load_text(const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/test_landcover.XXXXXX";
	int fd = mkstemp(path);
	json_t *c;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		exit(2);
	close(fd);
	c = lc_classes_load(path, err, errlen);
	unlink(path);
	return c;
}

static void
test_classes(void)
{
	json_t *c = lc_worldcover_classes(), *e;
	char err[512];

	CHECK(json_array_size(c) == 11, "WorldCover has 11 classes");
	e = json_array_get(c, 0);
	CHECK(json_integer_value(json_object_get(e, "id")) == 10 &&
	    strcmp(json_string_value(json_object_get(e, "name")), "Tree cover") == 0 &&
	    strcmp(json_string_value(json_object_get(e, "color")), "006400") == 0,
	    "WorldCover 10 Tree cover 006400");
	e = json_array_get(c, 9);
	CHECK(json_integer_value(json_object_get(e, "id")) == 95 &&
	    strcmp(json_string_value(json_object_get(e, "color")), "00CF75") == 0,
	    "WorldCover 95 Mangroves 00CF75");
	CHECK(lc_classes_max_id(c) == 100, "WorldCover max id 100");
	json_decref(c);
	c = lc_dynamic_world_classes();
	CHECK(json_array_size(c) == 9 && lc_classes_max_id(c) == 8,
	    "Dynamic World has ids 0..8");
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(c, 7), "name")),
	    "bare_ground") == 0, "Dynamic World 7 is bare_ground");
	json_decref(c);

	c = load_text("[{\"id\":7201,\"name\":\"forest\",\"color\":\"397d49\",\"x\":1},"
	    "{\"id\":8200,\"name\":\"water\"}]", err, sizeof err);
	CHECK(c != NULL && json_array_size(c) == 2 && lc_classes_max_id(c) == 8200,
	    "a class file loads (%s)", c ? "" : err);
	CHECK(c != NULL && json_object_get(json_array_get(c, 0), "x") == NULL &&
	    json_object_get(json_array_get(c, 1), "color") == NULL,
	    "unknown keys dropped, color optional");
	json_decref(c);
	c = json_array();
	CHECK(lc_classes_max_id(c) == -1, "empty table: max id -1");
	json_decref(c);

	c = load_text("{\"id\":1}", err, sizeof err);
	CHECK(c == NULL && strstr(err, "expected a JSON array"), "not an array: %s", err);
	c = load_text("[{\"id\":1,\"name\":\"a\"},{\"id\":1,\"name\":\"b\"}]", err, sizeof err);
	CHECK(c == NULL && strstr(err, "id 1 appears twice"), "duplicate: %s", err);
	c = load_text("[{\"id\":65535,\"name\":\"a\"}]", err, sizeof err);
	CHECK(c == NULL && strstr(err, "0..65534"), "id 65535 is the nodata: %s", err);
	c = load_text("[{\"id\":1,\"name\":\"\"}]", err, sizeof err);
	CHECK(c == NULL && strstr(err, "non-empty"), "empty name: %s", err);
	c = load_text("[{\"id\":1,\"name\":\"a\",\"color\":\"#00ff00\"}]", err, sizeof err);
	CHECK(c == NULL && strstr(err, "six hex digits"), "bad colour: %s", err);
	c = load_text("[{\"id\":1,", err, sizeof err);
	CHECK(c == NULL && strstr(err, "line"), "broken JSON: %s", err);
	c = lc_classes_load("/nonexistent/classes.json", err, sizeof err);
	CHECK(c == NULL && strstr(err, "/nonexistent/classes.json"), "missing file: %s", err);
}

int
main(void)
{
	test_tiles();
	test_urls();
	test_classes();
	UNIT_DONE();
}
