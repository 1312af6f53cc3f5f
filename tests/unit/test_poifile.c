/*
 * test_poifile.c - lib/poifile: the format told by content, row indices, the
 * messages of a file that no format holds, and the stop at the row limit; on
 * real files of ../shared/fixtures (a STAC search page, a STAC item, the dataset
 * viewer's recorded answer) and on small documents written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poicand.h"
#include "poifile.h"
#include "unit.h"

static const char *lat_keys[] = { "latitude", "lat", "y" };
static const char *lon_keys[] = { "longitude", "lon", "x" };
static struct poicand_set s;
static const char *format;
static char err[1024];

static void
init(void)
{
	poicand_free(&s);
	memset(&s, 0, sizeof s);
	s.lat_keys = lat_keys;
	s.nlat = 3;
	s.lon_keys = lon_keys;
	s.nlon = 3;
	format = NULL;
	err[0] = '\0';
}

static int
parse(const char *doc)
{
	init();
	return poifile_parse(&s, "t", doc, strlen(doc), &format, err, sizeof err);
}

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

int
main(void)
{
	/* CSV: the default when the text does not start a JSON value. */
	CHECK(parse("\xef\xbb\xbf" "lat,lon,name\r\n46.03,14.35,\"Jar\xc5\xa1" "e, SI\"\r\n"
	    "\r\n95,1,far\r\n") == 0 && is(format, "csv"), "CSV with a byte order mark and CRLF");
	CHECK(s.n == 1 && s.v[0].lat == 46.03 && is(json_string_value(json_object_get(s.v[0].meta,
	    "name")), "Jar\xc5\xa1" "e, SI"), "a quoted comma stays in its column");
	CHECK(s.rows == 2 && s.range == 1, "blank lines are no rows");
	CHECK(parse("lat,lon\n1\n2,3\n") == 0 && s.missing == 1 && s.n == 1 &&
	    s.v[0].row_idx == 1, "a short line lacks columns; indices count data lines");
	CHECK(parse("") == -1 && is(err, "t: empty file, no CSV header"), "empty: %s", err);
	CHECK(parse("lat,lon\n") == 0 && s.rows == 0, "a header alone: no rows");
	CHECK(parse("\"lat,lon\n1,2\n") == -1 &&
	    is(err, "t: unterminated quote in the CSV header"),
	    "open quote in the header: %s", err);
	CHECK(parse("lat,lon\n1,2\n3,\"4\n") == -1 &&
	    is(err, "t:3: unterminated quoted CSV field"), "open quote in a row: %s", err);

	/* One JSON object per line. */
	CHECK(parse("{\"lat\": 1, \"lon\": 2}\n\n  \n{\"lat\": 3, \"lon\": 4}") == 0 &&
	    is(format, "ndjson") && s.n == 2 && s.v[1].row_idx == 1,
	    "NDJSON: blank lines skipped, not counted");
	CHECK(parse("{\"lat\": 1, \"lon\": 2}\n{\"type\": \"Feature\", \"geometry\": {\"type\":"
	    "\"Point\", \"coordinates\": [5, 6]}}\n") == 0 && is(format, "geojsonl") && s.n == 2 &&
	    s.v[1].lon == 5, "a Feature line makes it GeoJSON-lines");
	CHECK(parse("{\"lat\": 1, \"lon\": 2}\n{\"lat\":\n") == -1 &&
	    strncmp(err, "t:2: not JSON: ", 15) == 0, "a broken line: %s", err);
	CHECK(parse("\n\n{\"lat\": 1, \"lon\": 2}\n[1]\n") == -1 &&
	    is(err, "t:2: not a JSON object"), "lines count from the first non-blank: %s", err);

	/* One JSON document. */
	CHECK(parse("[{\"lat\": 1, \"lon\": 2}, 7, {\"type\": \"Feature\", \"geometry\": null,"
	    "\"properties\": {\"y\": 3, \"x\": 4}}]") == 0 && is(format, "json") &&
	    s.n == 2 && s.missing == 1 && s.v[1].row_idx == 2,
	    "an array of rows and Features; a number in it is a missing row");
	CHECK(parse("[1, 2,\n3") == -1 && strncmp(err, "t: not JSON: line 2: ", 21) == 0,
	    "a broken array: %s", err);
	CHECK(parse("{\"type\": \"FeatureCollection\", \"features\": {}}") == -1 &&
	    is(err, "t: FeatureCollection without a features array"), "no features: %s", err);

	/* The row limit: what follows is never read. */
	init();
	s.max_rows = 1;
	CHECK(poifile_parse(&s, "t", "{\"lat\": 1, \"lon\": 2}\nnot json\n", 27, &format, err,
	    sizeof err) == 0 && s.rows == 1, "lines after the limit are not parsed");
	init();
	s.max_rows = 1;
	CHECK(poifile_parse(&s, "t", "lat,lon\n1,2\n\"open\n", 18, &format, err, sizeof err) == 0 &&
	    s.rows == 1, "nor are CSV records");

	/* Real files. */
	init();
	CHECK(poifile_read(&s, unit_fixture("stac/earth_search_v1/search_post_cql2_page1.json"),
	    &format, err, sizeof err) == 0 && is(format, "geojson"),
	    "a STAC search page is a FeatureCollection");
	CHECK(s.rows == 10 && s.missing == 10 && s.n == 0, "its 10 footprints are no points");
	init();
	CHECK(poifile_read(&s, unit_fixture("stac/earth_search_v1/item_sentinel-2-l2a_S2A_32TMS_"
	    "20221207_0_L2A.json"), &format, err, sizeof err) == 0 && is(format, "geojsonl") &&
	    s.rows == 1, "a STAC item on one line: a GeoJSON-lines file of one Feature");
	init();
	CHECK(poifile_read(&s, unit_fixture("hf_datasets_server/"
	    "rows_image_example_horse2zebra.json"), &format, err, sizeof err) == -1 &&
	    strstr(err, "horse2zebra.json:1: not JSON: ") != NULL,
	    "an indented object is not one object per line: %s", err);
	init();
	CHECK(poifile_read(&s, unit_fixture("no/such/file.csv"), &format, err, sizeof err) == -1 &&
	    strstr(err, "no/such/file.csv: No such file or directory") != NULL, "%s", err);
	poicand_free(&s);
	UNIT_DONE();
}
