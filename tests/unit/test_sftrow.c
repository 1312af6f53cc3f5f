/* test_sftrow.c - lib/sftrow: the row caption writes, the checks shard-write makes. */
#include <stdlib.h>
#include <string.h>

#include "sftrow.h"
#include "unit.h"

/* The check's message for rows given as JSON text, "" when it passes. */
static const char *
check(const char *text, size_t nregions)
{
	static char err[256];
	json_t *rows = json_loads(text, 0, NULL);

	err[0] = '\0';
	if (rows == NULL)
		snprintf(err, sizeof err, "(bad JSON in the test)");
	else if (sftrow_check(rows, nregions, err, sizeof err) == 0)
		err[0] = '\0';
	else if (err[0] == '\0')
		snprintf(err, sizeof err, "(failed without a reason)");
	json_decref(rows);
	return err;
}

int
main(void)
{
	json_t *rows = json_array();
	char *text;
	int rc;

	rc = sftrow_append(rows, "caption", json_pack("[i, i]", 0, 2), strdup("Describe."),
	    strdup("Water."));
	CHECK(rc == 0 && unit_json_is(rows, "[{\"tag\":\"caption\",\"boxes\":[0,2],\"messages\":["
	    "{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"image\":\"{image}\"},"
	    "{\"type\":\"text\",\"text\":\"Describe.\"}]},"
	    "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Water.\"}]}]}]"),
	    "a row: tag, boxes, user image and prompt, assistant answer");
	CHECK(strcmp(SFTROW_IMAGE, "{image}") == 0, "the image stands as {image}");
	rc = sftrow_append(rows, "x", json_array(), NULL, strdup("answer"));
	CHECK(rc == -1 && json_array_size(rows) == 1, "a NULL prompt (out of memory): -1, no row");
	rc = sftrow_append(rows, "x", NULL, strdup("p"), strdup("a"));
	CHECK(rc == -1 && json_array_size(rows) == 1, "NULL boxes: -1, no row");
	text = json_dumps(rows, 0);
	CHECK(text != NULL && strcmp(check(text, 3), "") == 0, "what append makes passes the check");
	free(text);
	json_decref(rows);

	CHECK(sftrow_check(NULL, 0, NULL, 0) == 0, "no rows at all is fine");
	CHECK(strcmp(check("[{\"messages\":[]}]", 0), "") == 0, "tag and boxes are optional");
	CHECK(strcmp(check("{}", 0), "rows: not an array") == 0, "rows must be an array");
	CHECK(strcmp(check("[{\"messages\":[]}, {\"tag\":\"t\"}]", 0),
	    "rows[1]: no messages array") == 0, "a row without messages");
	CHECK(strcmp(check("[{\"messages\":[], \"tag\":3}]", 0), "rows[0].tag: not a string") == 0,
	    "a tag that is not a string");
	CHECK(strcmp(check("[{\"messages\":[], \"boxes\":{}}]", 0),
	    "rows[0].boxes: not an array") == 0, "boxes that are not an array");
	CHECK(strcmp(check("[{\"messages\":[], \"boxes\":[0, 1, 2]}]", 2),
	    "rows[0].boxes[2]: not a region index (2 regions)") == 0, "a box past the regions");
	CHECK(strcmp(check("[{\"messages\":[], \"boxes\":[-1]}]", 2),
	    "rows[0].boxes[0]: not a region index (2 regions)") == 0, "a negative box");
	CHECK(strcmp(check("[{\"messages\":[], \"boxes\":[0.5]}]", 2),
	    "rows[0].boxes[0]: not a region index (2 regions)") == 0, "a box that is no integer");
	UNIT_DONE();
}
