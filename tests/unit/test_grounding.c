/* test_grounding.c - lib/grounding: the regions array, box indexes, answer text. */
#include <stdlib.h>
#include <string.h>

#include "grounding.h"
#include "unit.h"

int
main(void)
{
	/* A 8x3 tile: two regions of water, one of a class named with a quote. */
	struct labelclass cl[2] = { { .id = 2, .name = "water" }, { .id = 9, .name = "say \"hi\"" } };
	const struct region reg[3] = {
		{ 2, 0, 0, 3, 2, 12, 0 }, { 9, 4, 1, 7, 1, 4, 12 }, { 2, 5, 2, 5, 2, 1, 21 }
	};
	json_t *j;

	j = grounding_regions(reg, 3, cl, 2, 8, 3);
	CHECK(unit_json_is(j, "[{\"label\":\"water\",\"class_id\":2,\"bbox\":[0.0,0.0,0.5,1.0],"
	    "\"area_px\":12},{\"label\":\"say \\\"hi\\\"\",\"class_id\":9,\"bbox\":[0.5,0.3333,"
	    "1.0,0.6667],\"area_px\":4},{\"label\":\"water\",\"class_id\":2,\"bbox\":[0.625,"
	    "0.6667,0.75,1.0],\"area_px\":1}]"), "regions: boxes in 0..1, right and bottom "
	    "edges exclusive, 4 decimals");
	json_decref(j);
	CHECK(grounding_regions(reg, 3, cl, 1, 8, 3) == NULL, "a region of no class: NULL");
	j = grounding_regions(reg, 0, cl, 2, 8, 3);
	CHECK(unit_json_is(j, "[]"), "no regions: an empty array");
	json_decref(j);

	j = grounding_boxes(reg, 3, GROUNDING_ALL);
	CHECK(unit_json_is(j, "[0,1,2]"), "boxes of every region");
	json_decref(j);
	j = grounding_boxes(reg, 3, 2);
	CHECK(unit_json_is(j, "[0,2]"), "boxes of class 2");
	json_decref(j);
	j = grounding_boxes(reg, 3, 5);
	CHECK(unit_json_is(j, "[]"), "boxes of a class without regions");
	json_decref(j);

	CHECK(unit_text_is(grounding_answer(reg, 3, cl, 2, GROUNDING_ALL, 8, 3),
	    "[{\"label\": \"water\", \"bbox\": [0.0, 0.0, 0.5, 1.0]}, "
	    "{\"label\": \"say \\\"hi\\\"\", \"bbox\": [0.5, 0.3333, 1.0, 0.6667]}, "
	    "{\"label\": \"water\", \"bbox\": [0.625, 0.6667, 0.75, 1.0]}]"),
	    "the answer as Python's json.dumps: spaces after separators, labels escaped");
	CHECK(unit_text_is(grounding_answer(reg, 3, cl, 2, 9, 8, 3),
	    "[{\"label\": \"say \\\"hi\\\"\", \"bbox\": [0.5, 0.3333, 1.0, 0.6667]}]"),
	    "the answer for one class");
	CHECK(unit_text_is(grounding_answer(reg, 0, cl, 2, GROUNDING_ALL, 8, 3), "[]"),
	    "no regions: []");
	UNIT_DONE();
}
