/*
 * test_labelclasses.c - lib/labelclasses: which classes a label holds, in
 * what order, with what names, counts, words, slugs and fractions.
 */
#include <stdlib.h>
#include <string.h>

#include "labelclasses.h"
#include "unit.h"

static struct labelclasses lc;	/* 650 KB: not on the stack */

int
main(void)
{
	/* 4x3: 1 trees (4), 2 water_body (2), 42 and 7 not in the table, 255 nodata. */
	const uint16_t px[12] = {
		1, 1, 42, 255,
		1, 2, 42, 255,
		1, 2, 7, 42,
	};
	json_t *table = json_loads("[{\"id\":5,\"name\":\"Tree cover\"},{\"id\":2,\"name\":"
	    "\"water_body\"},{\"id\":1,\"name\":\"trees\"},{\"id\":70000,\"name\":\"big\"},"
	    "{\"id\":255,\"name\":\"no data\"}]", 0, NULL);
	struct labelclass *v = NULL, **order;
	struct region reg[3] = {
		{ 42, 2, 0, 3, 2, 3, 2 }, { 1, 0, 0, 1, 2, 4, 0 }, { 42, 0, 0, 0, 0, 1, 0 }
	};
	json_t *bad, *fr;
	size_t n;
	long valid;
	char err[256];
	int rc;

	rc = labelclasses_find(&lc, px, 12, 1, 255, table, &v, &n, &valid, err, sizeof err);
	CHECK(rc == 0 && n == 4, "4 classes: nodata and absent table entries left out (%zu)", n);
	CHECK(rc == 0 && n == 4 && v[0].id == 2 && v[1].id == 1 && v[2].id == 7 && v[3].id == 42,
	    "the table's order first, then the missing values by value");
	CHECK(rc == 0 && n == 4 && v[0].pixels == 2 && v[1].pixels == 4 && v[2].pixels == 1 &&
	    v[3].pixels == 3 && valid == 10, "pixel counts, valid = their sum");
	CHECK(rc == 0 && n == 4 && v[0].named && v[1].named && !v[2].named && !v[3].named &&
	    strcmp(v[3].name, "class 42") == 0 && strcmp(v[1].name, "trees") == 0,
	    "table names, \"class N\" for the others, told apart by named");
	CHECK(rc == 0 && n == 4 && strcmp(v[0].words, "water body") == 0 &&
	    strcmp(v[0].slug, "water_body") == 0 && strcmp(v[3].words, "class 42") == 0 &&
	    strcmp(v[3].slug, "class_42") == 0, "words: underscores as spaces; slugs");

	CHECK(labelclasses_get(v, n, 42) == &v[3] && labelclasses_get(v, n, 5) == NULL,
	    "get by id");
	CHECK(labelclasses_add_regions(v, n, reg, 3) == 0 && v[3].region_area == 4 &&
	    v[3].nregions == 2 && v[1].region_area == 4 && v[1].nregions == 1 &&
	    v[0].nregions == 0, "regions add their area and count to their class");
	order = labelclasses_sorted(v, n, LABELCLASSES_BY_REGION_AREA);
	CHECK(order && order[0]->id == 1 && order[1]->id == 42 && order[2]->id == 2 &&
	    order[3]->id == 7, "by region area, ties by id");
	free(order);
	order = labelclasses_sorted(v, n, LABELCLASSES_BY_PIXELS);
	CHECK(order && order[0]->id == 1 && order[1]->id == 42 && order[2]->id == 2 &&
	    order[3]->id == 7, "by pixels");
	free(order);
	fr = labelclasses_fractions(v, n, valid);
	CHECK(unit_json_is(fr, "{\"1\":0.4,\"2\":0.2,\"7\":0.1,\"42\":0.3}"),
	    "fractions of the valid pixels, keys by id");
	json_decref(fr);
	reg[0].class_id = 3;
	CHECK(labelclasses_add_regions(v, n, reg, 1) == -1, "a region of no class: -1");
	free(v);

	/* The scratch is clean again: a second tile counts from zero. */
	rc = labelclasses_find(&lc, px + 8, 4, 0, 0, table, &v, &n, &valid, err, sizeof err);
	CHECK(rc == 0 && n == 4 && v[0].id == 2 && v[1].id == 1 && v[1].pixels == 1 &&
	    v[2].id == 7 && v[3].id == 42 && v[3].pixels == 1 && valid == 4,
	    "the next tile counts from zero");
	free(v);

	/* Without nodata, 255 is a class of the table like any other. */
	rc = labelclasses_find(&lc, px, 4, 0, 0, table, &v, &n, &valid, err, sizeof err);
	CHECK(rc == 0 && n == 3 && v[0].id == 1 && v[1].id == 255 && v[1].named &&
	    strcmp(v[1].slug, "no_data") == 0 && v[2].id == 42, "no nodata: 255 counts");
	free(v);

	bad = json_loads("[{\"id\":1,\"name\":\"a\"},{\"id\":2}]", 0, NULL);
	rc = labelclasses_find(&lc, px, 12, 1, 255, bad, &v, &n, &valid, err, sizeof err);
	CHECK(rc == -1 && v == NULL && strcmp(err, "landcover.classes[1]: needs an integer "
	    "\"id\" >= 0 and a string \"name\"") == 0, "an entry without a name: %s", err);
	json_decref(bad);
	bad = json_loads("[{\"id\":1,\"name\":\"a\"},{\"id\":1,\"name\":\"b\"}]", 0, NULL);
	rc = labelclasses_find(&lc, px, 12, 1, 255, bad, &v, &n, &valid, err, sizeof err);
	CHECK(rc == -1 && strcmp(err, "landcover.classes: id 1 appears twice") == 0,
	    "a repeated id: %s", err);
	json_decref(bad);
	rc = labelclasses_find(&lc, px, 4, 0, 0, table, &v, &n, &valid, err, sizeof err);
	CHECK(rc == 0 && n == 3 && v[0].pixels == 2, "a failed call leaves the scratch clean");
	free(v);

	bad = json_loads("[{\"id\":1,\"name\":\"--\"},{\"id\":2,\"name\":\"W\xc3\xa4ld / Feld\"}]",
	    0, NULL);
	rc = labelclasses_find(&lc, px, 12, 1, 255, bad, &v, &n, &valid, err, sizeof err);
	CHECK(rc == 0 && n == 4 && strcmp(v[0].slug, "class_1") == 0 &&
	    strcmp(v[1].slug, "w\xc3\xa4ld_feld") == 0, "slugs: punctuation only gives "
	    "class_<id>; UTF-8 kept, the rest lower case, runs of others one '_'");
	free(v);
	json_decref(bad);
	json_decref(table);
	UNIT_DONE();
}
