/*
 * test_poicand.c - lib/poicand: coordinate values, the first-column rule, the
 * skip counters, what a candidate keeps of its row, GeoJSON Features, and the
 * row limit; on the dataset card's example row, the dataset viewer's recorded
 * /rows answer and a real STAC item (../shared/fixtures).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "poicand.h"
#include "unit.h"

static const char *lat_keys[] = { "latitude", "lat", "y" };
static const char *lon_keys[] = { "longitude", "lon", "x" };

static json_t *
load(const char *rel)
{
	json_error_t je;
	json_t *j;

	if ((j = json_load_file(unit_fixture(rel), 0, &je)) == NULL)
		printf("# cannot load %s: %s\n", unit_fixture(rel), je.text);
	return j;
}

static enum poicand_coord
coord(const char *json, double *d)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	enum poicand_coord c = poicand_coord(v, d);

	json_decref(v);
	return c;
}

static void
init(struct poicand_set *s)
{
	memset(s, 0, sizeof *s);
	s->lat_keys = lat_keys;
	s->nlat = 3;
	s->lon_keys = lon_keys;
	s->nlon = 3;
}

/* Feed one row or Feature given as JSON text to take (poicand_row, poicand_feature). */
static int
feed(int (*take)(struct poicand_set *, long long, const json_t *), struct poicand_set *s,
    long long idx, const char *json)
{
	json_t *r = json_loads(json, 0, NULL);
	int st = take(s, idx, r);

	json_decref(r);
	return st;
}

#define row(s, idx, json) feed(poicand_row, s, idx, json)
#define feature(s, idx, json) feed(poicand_feature, s, idx, json)

int
main(void)
{
	struct poicand_set s;
	json_t *page, *item, *r, *rows, *media;
	double d = 0;
	size_t i;

	/* Values: numbers, and strings as the default dataset stores them. */
	CHECK(coord("46.028223", &d) == POICAND_OK && d == 46.028223, "a JSON number");
	CHECK(coord("\"46.028223\"", &d) == POICAND_OK && d == 46.028223, "a string");
	CHECK(coord("\" -14.5 \"", &d) == POICAND_OK && d == -14.5, "blanks around a string");
	CHECK(coord("\"1e1\"", &d) == POICAND_OK && d == 10, "an exponent");
	CHECK(poicand_coord(NULL, &d) == POICAND_MISSING && coord("null", &d) ==
	    POICAND_MISSING && coord("\"\"", &d) == POICAND_MISSING &&
	    coord("\"  \"", &d) == POICAND_MISSING, "no column, null, empty: missing");
	CHECK(coord("\"abc\"", &d) == POICAND_NONNUM && coord("\"12abc\"", &d) ==
	    POICAND_NONNUM && coord("true", &d) == POICAND_NONNUM &&
	    coord("[1]", &d) == POICAND_NONNUM,
	    "words, trailing junk, booleans, arrays: non-numeric");
	CHECK(coord("\"0x1A\"", &d) == POICAND_NONNUM,
	    "hexadecimal is refused though strtod reads it");
	CHECK(coord("\"NaN\"", &d) == POICAND_NONFINITE && coord("\"-inf\"", &d) ==
	    POICAND_NONFINITE, "NaN and infinity: non-finite");

	/* The dataset card's example row. */
	init(&s);
	CHECK(row(&s, 0, "{\"filename\": "
	    "\"20221001_Jar\xc5\xa1" "e Slovenia_46.1069942_14.9378597.jpg\","
	    "\"country_iso_alpha2\": \"SI\", \"latitude\": \"46.028223\","
	    "\"longitude\": \"14.345106\","
	    "\"address\": \"Jar\xc5\xa1" "e Slovenia_46.1069942_14.9378597\"}") == 0 && s.n == 1,
	    "the card's example row is a candidate");
	CHECK(s.v[0].lat == 46.028223 && s.v[0].lon == 14.345106 && s.v[0].row_idx == 0,
	    "its coordinates and index");
	CHECK(json_object_size(s.v[0].meta) == 3 &&
	    strcmp(json_string_value(json_object_get(s.v[0].meta, "country_iso_alpha2")),
	    "SI") == 0 && !json_object_get(s.v[0].meta, "latitude") &&
	    !json_object_get(s.v[0].meta, "longitude"),
	    "it keeps the other columns, not the coordinate ones");

	/* Which column, and the counters. */
	row(&s, 1, "{\"lat\": \"abc\", \"y\": \"5\", \"lon\": 1}");
	CHECK(s.nonnum == 1 && s.n == 1, "a bad first column is not rescued by a later one");
	row(&s, 2, "{\"y\": 5, \"x\": \"7.25\", \"longitude\": null}");
	CHECK(s.missing == 1, "null in the first longitude column: missing");
	row(&s, 3, "{\"y\": 5, \"x\": \"7.25\"}");
	CHECK(s.n == 2 && s.v[1].lon == 7.25 && s.v[1].lat == 5, "the last names of the lists");
	row(&s, 4, "{\"latitude\": 95.5, \"longitude\": 1}");
	row(&s, 5, "{\"latitude\": 1, \"longitude\": \"-181\"}");
	row(&s, 6, "{\"latitude\": \"inf\", \"longitude\": 1}");
	CHECK(s.range == 2 && s.nonfinite == 1, "out of range and non-finite counted");
	CHECK(poicand_row(&s, 7, NULL) == 0 && s.missing == 2,
	    "a row that is not an object: missing");
	CHECK(s.rows == 8 && s.n + s.missing + s.nonnum + s.nonfinite + s.range == 8,
	    "every row looked at is a candidate or counted once");
	poicand_free(&s);
	CHECK(s.n == 0 && s.v == NULL, "freed");

	/* The recorded /rows answer: images are never kept, listed or not. */
	page = load("hf_datasets_server/rows_image_example_horse2zebra.json");
	CHECK(page != NULL, "the recorded /rows answer loads");
	if (page != NULL) {
		init(&s);
		rows = json_object_get(page, "rows");
		json_array_foreach(rows, i, r)
			poicand_row(&s, json_integer_value(json_object_get(r, "row_idx")),
			    json_object_get(r, "row"));
		CHECK(s.rows == 3 && s.missing == 3 && s.n == 0,
		    "its three rows have no coordinates: 3 missing");
		r = json_deep_copy(json_object_get(json_array_get(rows, 0), "row"));
		json_object_set_new(r, "lat", json_string("48.8566"));
		json_object_set_new(r, "lon", json_string("2.3522"));
		json_object_set_new(r, "label", json_string("horse"));
		poicand_row(&s, 234, r);
		CHECK(s.n == 1 && json_object_size(s.v[0].meta) == 1 &&
		    json_object_get(s.v[0].meta, "label"),
		    "with coordinates added: both image cells ({src,...}) left out");
		media = json_pack("[s]", "label");
		s.skip_cols = media;
		poicand_row(&s, 235, r);
		CHECK(s.n == 2 && json_object_size(s.v[1].meta) == 0,
		    "a listed column is left out too");
		json_decref(r);
		json_decref(media);
		poicand_free(&s);
		json_decref(page);
	}

	/* GeoJSON Features. */
	init(&s);
	feature(&s, 0, "{\"type\": \"Feature\", \"id\": \"f0\", \"geometry\": {\"type\": \"Point\","
	    "\"coordinates\": [14.345106, \"46.028223\"]}, \"properties\": {\"latitude\": \"0\","
	    "\"name\": \"Jar\xc5\xa1" "e\"}}");
	CHECK(s.n == 1 && s.v[0].lon == 14.345106 && s.v[0].lat == 46.028223,
	    "a Point gives the coordinates, before any column");
	CHECK(json_object_size(s.v[0].meta) == 3 &&
	    strcmp(json_string_value(json_object_get(s.v[0].meta, "id")), "f0") == 0 &&
	    json_object_get(s.v[0].meta, "latitude"),
	    "the properties and the id are kept, all of them");
	feature(&s, 1, "{\"type\": \"Feature\", \"id\": 9, \"geometry\": null, \"properties\":"
	    "{\"id\": \"own\", \"lat\": 1, \"lon\": 2}}");
	CHECK(s.n == 2 && s.v[1].lat == 1 && strcmp(json_string_value(json_object_get(s.v[1].meta,
	    "id")), "own") == 0, "no geometry: the properties' columns; their own id wins");
	feature(&s, 2, "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\","
	    "\"coordinates\": [1, \"abc\"]}}");
	feature(&s, 3, "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\","
	    "\"coordinates\": [1, \"nan\"]}}");
	feature(&s, 4, "{\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\","
	    "\"coordinates\": [200, 1]}}");
	CHECK(s.nonnum == 1 && s.nonfinite == 1 && s.range == 1, "bad Point coordinates counted");
	item = load("stac/earth_search_v1/item_sentinel-2-l2a_S2A_32TMS_20221207_0_L2A.json");
	CHECK(item != NULL && poicand_feature(&s, 5, item) == 0 && s.missing == 1 && s.n == 2,
	    "a real STAC item (a Polygon): not a point, missing");
	json_decref(item);
	CHECK(s.rows == 6, "six rows looked at");
	poicand_free(&s);

	/* The limit. */
	init(&s);
	s.max_rows = 2;
	row(&s, 0, "{\"lat\": 1, \"lon\": 1}");
	CHECK(!poicand_full(&s), "one row of two: not full");
	row(&s, 1, "{\"lat\": \"x\", \"lon\": 1}");
	CHECK(poicand_full(&s), "a bad row counts towards the limit");
	s.max_rows = 0;
	CHECK(!poicand_full(&s), "max_rows 0: never full");
	poicand_free(&s);
	UNIT_DONE();
}
