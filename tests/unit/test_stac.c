/*
 * test_stac.c - lib/stac: RFC 3339 times and intervals, footprint coverage
 * (holes, MultiPolygon, swath edges), the choice order, and the BOA offset rule
 * on real items (the PC item re-labelled to baseline 04.00 to reach that branch).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stac.h"
#include "unit.h"

#ifndef FIXTURES
#define FIXTURES "../shared/fixtures"
#endif

static json_t *
load(const char *rel)
{
	char path[1024];
	const char *fx = getenv("S2VL_FIXTURES");
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof path, "%s/%s", fx ? fx : FIXTURES, rel);
	j = json_load_file(path, 0, &je);
	if (j == NULL)
		printf("# cannot load %s: %s\n", path, je.text);
	return j;
}

static json_t *
poly(const char *json)
{
	json_error_t je;

	return json_loads(json, 0, &je);
}

int
main(void)
{
	double a, b, t;
	double bb[4] = { 0.4, 0.4, 0.6, 0.6 };
	json_t *g, *it, *it2, *s, *pc, *pcitem, *names;
	const char *want[] = { "red", "scl", "visual" };
	char err[256];

	/* times */
	CHECK(stac_time_parse("2023-08-15T09:58:11.662000Z", &t) == 0 &&
	    fabs(t - 1692093491.662) < 1e-6, "RFC 3339 with fraction: %.3f", t);
	CHECK(stac_time_parse("2023-08-15T11:58:11+02:00", &t) == 0 && t == 1692093491,
	    "RFC 3339 with offset");
	CHECK(stac_time_parse("2023-08-15", &t) == 0 && t == 1692057600, "bare date");
	CHECK(stac_time_parse("2023-08-15T09:58:11", &t) == -1, "no zone is refused");
	CHECK(stac_time_parse("2023-02-30x", &t) == -1 && stac_time_parse("", &t) == -1 &&
	    stac_time_parse("2023-13-01", &t) == -1, "garbage refused");
	CHECK(stac_interval_parse("2023-08-01/2023-08-31", &a, &b) == 0 && a == 1690848000 &&
	    fabs(b - (1693440000 + 86399.999)) < 1e-6, "date interval: end of the last day");
	CHECK(stac_interval_parse("../2023-08-31T00:00:00Z", &a, &b) == 0 && isinf(a) &&
	    a < 0 && b == 1693440000, "open start");
	CHECK(stac_interval_parse("2023-08-01T00:00:00Z/", &a, &b) == 0 && isinf(b),
	    "open end");
	CHECK(stac_interval_parse("../..", &a, &b) == -1, "fully open refused");
	CHECK(stac_interval_parse("2023-08-31/2023-08-01", &a, &b) == -1, "reversed refused");
	CHECK(stac_interval_parse("a/b/c", &a, &b) == -1, "two slashes refused");

	/* geometry */
	g = poly("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
	CHECK(stac_geom_covers_bbox(g, bb) == 1, "unit square covers the small box");
	bb[2] = 1.2;
	CHECK(stac_geom_covers_bbox(g, bb) == 0 && stac_geom_intersects_bbox(g, bb) == 1,
	    "box over the edge: intersects, not covered");
	json_decref(g);
	bb[2] = 0.6;
	g = poly("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],"
	    "[[0.45,0.45],[0.55,0.45],[0.55,0.55],[0.45,0.55],[0.45,0.45]]]}");
	CHECK(stac_geom_covers_bbox(g, bb) == 0, "a hole inside the box: not covered");
	json_decref(g);
	/* A notch whose tip enters the box while all four corners stay inside. */
	g = poly("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0.5,1],"
	    "[0.5,0.5],[0.49,1],[0,1],[0,0]]]}");
	CHECK(stac_geom_covers_bbox(g, bb) == 0, "a notch reaching into the box: not covered");
	json_decref(g);
	g = poly("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[5,5],[6,5],[6,6],[5,6],[5,5]]],"
	    "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}");
	CHECK(stac_geom_covers_bbox(g, bb) == 1, "MultiPolygon: the second part covers");
	json_decref(g);
	g = poly("{\"type\":\"Point\",\"coordinates\":[0.5,0.5]}");
	CHECK(stac_geom_covers_bbox(g, bb) == -1, "a Point is no footprint");
	json_decref(g);

	/* Real swath edge: S2A_33TWM_20230815 lacks the NW corner of the tile. */
	it = load("stac/static_catalog_earth_search_s2l2a/sentinel-2-l2a/"
	    "S2A_33TWM_20230815_0_L2A/S2A_33TWM_20230815_0_L2A.json");
	it2 = load("stac/static_catalog_earth_search_s2l2a/sentinel-2-l2a/"
	    "S2B_33TWM_20230813_0_L2A/S2B_33TWM_20230813_0_L2A.json");
	CHECK(it && it2, "fixture items load");
	if (it && it2) {
		double edge[4] = { 15.247, 46.7775, 15.313, 46.8225 };
		double inner[4] = { 15.8, 46.5, 15.9, 46.6 };

		CHECK(stac_item_covers(it, edge) == 0 && stac_item_intersects(it, edge) == 1,
		    "08-15 straddles the square at the cut");
		CHECK(stac_item_covers(it2, edge) == 1, "08-13 covers it whole");
		CHECK(stac_item_covers(it, inner) == 1, "08-15 covers an inner square");
		CHECK(stac_better(it, it2, STAC_PICK_CLEAREST) == 1 &&
		    stac_better(it2, it, STAC_PICK_CLEAREST) == 0, "clearest: 0.207 %% beats 1.11 %%");
		CHECK(stac_better(it, it2, STAC_PICK_LATEST) == 1, "latest: 08-15 beats 08-13");
		CHECK(stac_better(it, NULL, STAC_PICK_LATEST) == 1, "anything beats nothing");
		CHECK(stac_better(it, it, STAC_PICK_CLEAREST) == 0, "not better than itself");

		s = stac_scene(it, "/x/S2A_33TWM_20230815_0_L2A/item.json", want, 3, err,
		    sizeof err);
		CHECK(s != NULL && strcmp(json_string_value(json_object_get(json_object_get(
		    json_object_get(s, "assets"), "red"), "href")),
		    "/x/S2A_33TWM_20230815_0_L2A/B04.tif") == 0, "relative href resolved");
		CHECK(json_is_true(json_object_get(s, "boa_offset_applied")) &&
		    json_number_value(json_object_get(s, "reflectance_offset")) == 0,
		    "flag true, baseline 05.09: applied, offset 0");
		json_decref(s);

		/* The same item with the flag false: ambiguous, declared offset. */
		json_object_set_new(json_object_get(it, "properties"),
		    "earthsearch:boa_offset_applied", json_false());
		s = stac_scene(it, NULL, want, 3, err, sizeof err);
		CHECK(s && json_is_null(json_object_get(s, "boa_offset_applied")) &&
		    json_number_value(json_object_get(s, "reflectance_offset")) == -0.1 &&
		    json_is_false(json_object_get(s, "boa_flag")),
		    "flag false, baseline 05.09: null, -0.1");
		json_decref(s);
		/* Without the flag, baseline 03.01 (older than 04.00): no offset. */
		json_object_del(json_object_get(it, "properties"), "earthsearch:boa_offset_applied");
		json_object_set_new(json_object_get(it, "properties"), "s2:processing_baseline",
		    json_string("03.01"));
		s = stac_scene(it, NULL, want, 3, err, sizeof err);
		CHECK(s && json_is_true(json_object_get(s, "boa_offset_applied")) &&
		    json_number_value(json_object_get(s, "reflectance_offset")) == 0,
		    "baseline 03.01: applied (none exists), 0");
		json_decref(s);
		names = json_pack("[s]", "nosuch");
		{
			const char *none[] = { "nosuch" };

			s = stac_scene(it, NULL, none, 1, err, sizeof err);
			CHECK(s == NULL && strstr(err, "has none of the wanted assets") != NULL,
			    "no wanted asset: %s", err);
		}
		json_decref(names);
	}
	json_decref(it);
	json_decref(it2);

	/* Planetary Computer: raw DN; at baseline 04.00 the reader must subtract 0.1. */
	pc = load("stac/planetary_computer/search_sentinel-2-l2a_datetime.json");
	pcitem = json_array_get(json_object_get(pc, "features"), 0);
	CHECK(pcitem != NULL, "PC page loads");
	if (pcitem != NULL) {
		json_object_set_new(json_object_get(pcitem, "properties"), "s2:processing_baseline",
		    json_string("04.00"));
		s = stac_scene(pcitem, NULL, want, 3, err, sizeof err);
		CHECK(s && json_is_false(json_object_get(s, "boa_offset_applied")) &&
		    json_number_value(json_object_get(s, "reflectance_offset")) == -0.1,
		    "PC baseline 04.00: not applied, -0.1");
		CHECK(s && json_number_value(json_object_get(json_object_get(json_object_get(s,
		    "assets"), "red"), "offset")) == -0.1 && json_number_value(json_object_get(
		    json_object_get(json_object_get(s, "assets"), "scl"), "offset")) == 0,
		    "filled red offset -0.1, scl 0");
		CHECK(s && strcmp(json_string_value(json_object_get(s, "mgrs")), "60VUK") == 0,
		    "mgrs from s2:mgrs_tile");
		json_decref(s);
	}
	json_decref(pc);
	UNIT_DONE();
}
