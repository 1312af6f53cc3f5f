/*
 * sftrow.c - SFT rows of a record: building one, checking them all.
 */
#include <stdlib.h>

#include "errbuf.h"
#include "sftrow.h"

int
sftrow_append(json_t *rows, const char *tag, json_t *boxes, char *prompt, char *answer)
{
	json_t *msg = NULL, *row = NULL;
	int rc = -1;

	if (boxes == NULL || prompt == NULL || answer == NULL)
		goto out;
	msg = json_pack("[{s:s, s:[{s:s, s:s}, {s:s, s:s}]}, {s:s, s:[{s:s, s:s}]}]",
	    "role", "user", "content",
	    "type", "image", "image", SFTROW_IMAGE,
	    "type", "text", "text", prompt,
	    "role", "assistant", "content",
	    "type", "text", "text", answer);
	if (msg == NULL)
		goto out;
	row = json_pack("{s:s, s:o, s:o}", "tag", tag, "boxes", boxes, "messages", msg);
	boxes = msg = NULL;	/* json_pack's "o" took them, even when it failed */
	if (row == NULL || json_array_append_new(rows, row) == -1)
		goto out;
	rc = 0;
out:
	json_decref(boxes);
	json_decref(msg);
	free(prompt);
	free(answer);
	return rc;
}

int
sftrow_check(const json_t *rows, size_t nregions, char *err, size_t errlen)
{
	json_t *row, *b, *boxes;
	size_t i, j;

	if (rows && !json_is_array(rows))
		return errf(err, errlen, "rows: not an array");
	json_array_foreach(rows, i, row) {
		if (!json_is_object(row) || !json_is_array(json_object_get(row, "messages")))
			return errf(err, errlen, "rows[%zu]: no messages array", i);
		if (json_object_get(row, "tag") && !json_is_string(json_object_get(row, "tag")))
			return errf(err, errlen, "rows[%zu].tag: not a string", i);
		boxes = json_object_get(row, "boxes");
		if (boxes && !json_is_array(boxes))
			return errf(err, errlen, "rows[%zu].boxes: not an array", i);
		json_array_foreach(boxes, j, b)
			if (!json_is_integer(b) || json_integer_value(b) < 0 ||
			    (size_t)json_integer_value(b) >= nregions)
				return errf(err, errlen, "rows[%zu].boxes[%zu]: not a region index "
				    "(%zu regions)", i, j, nregions);
	}
	return 0;
}
