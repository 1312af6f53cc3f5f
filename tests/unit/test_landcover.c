/*
 * test_landcover.c - lib/landcover.c: built-in class tables and class files.
 * (The WorldCover tile grid is tested in test_worldcover.c.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "landcover.h"
#include "unit.h"

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
	test_classes();
	UNIT_DONE();
}
