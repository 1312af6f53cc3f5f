/* test_sentences.c - lib/sentences with the default templates and with overrides. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentences.h"
#include "unit.h"

int
main(void)
{
	struct labelclass cl[4] = {
		{ .id = 1, .name = "trees", .words = "trees", .region_area = 50, .nregions = 1 },
		{ .id = 2, .name = "water_body", .words = "water body", .region_area = 25,
		    .nregions = 3 },
		{ .id = 3, .name = "crops", .words = "crops", .region_area = 10, .nregions = 6 },
		{ .id = 4, .name = "snow", .words = "snow", .region_area = 0, .nregions = 0 },
	};
	struct labelclass *by_area[4] = { &cl[0], &cl[1], &cl[2], &cl[3] };
	char path[] = "/tmp/test_sentences.XXXXXX", err[256];
	struct templates tp;
	FILE *fp;
	int fd, rc;

	tpl_defaults(&tp);
	CHECK(unit_text_is(sentences_caption(&tp, by_area, 4, 1, 200),
	    "This satellite imagery is dominated by trees (25.0%)."), "caption of one class");
	CHECK(unit_text_is(sentences_caption(&tp, by_area, 4, 2, 200),
	    "This satellite imagery is dominated by trees (25.0%) and water_body (12.5%)."),
	    "two classes: the pair word");
	CHECK(unit_text_is(sentences_caption(&tp, by_area, 4, 4, 200),
	    "This satellite imagery is dominated by trees (25.0%), water_body (12.5%), and "
	    "crops (5.0%)."), "three: separators and the last word; no class without regions");
	CHECK(unit_text_is(sentences_caption(&tp, by_area + 3, 1, 4, 200),
	    "This satellite imagery shows no clear land-cover regions above the size threshold "
	    "in the model output resolution."), "no regions: the empty caption");
	CHECK(unit_text_is(sentences_class(&tp, TPL_FOCUS_ANSWER, &cl[1], 100.0 / 3),
	    "In this satellite imagery, **water_body** accounts for about 33.3% of valid pixels, "
	    "showing several separated patches."), "focus answer: percent, layout of 3 regions");
	CHECK(unit_text_is(sentences_class(&tp, TPL_FOCUS_ANSWER, &cl[0], 5),
	    "In this satellite imagery, **trees** accounts for about 5.0% of valid pixels, "
	    "showing one or two dominant contiguous patches.") &&
	    unit_text_is(sentences_class(&tp, TPL_FOCUS_ANSWER, &cl[2], 5),
	    "In this satellite imagery, **crops** accounts for about 5.0% of valid pixels, "
	    "showing many small fragments across the tile.") &&
	    unit_text_is(sentences_class(&tp, TPL_FOCUS_ANSWER, &cl[3], 5),
	    "In this satellite imagery, **snow** accounts for about 5.0% of valid pixels, "
	    "showing spatially mixed appearance in this resolution."), "layout words by count");
	CHECK(unit_text_is(sentences_class(&tp, TPL_GROUND_CLASS_TARGET, &cl[1], 0), "water body"),
	    "grounding target of a class: its words");
	CHECK(unit_text_is(sentences_grounding(&tp, "water body"), "The input is satellite imagery. "
	    "Inspect it and detect the water body. Provide result as a valid JSON: "
	    "[{\"label\": str, \"bbox\": [x1,y1,x2,y2]}, ...]. Coordinates must be normalized "
	    "to 0-1."), "grounding prompt");
	CHECK(sentences_grounding(&tp, NULL) == NULL, "no target (out of memory): NULL");

	/* Overrides reach the list words and the class items. */
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		return 1;
	fputs("{\"caption_answer\": \"Mostly {classes}.\", \"caption_class\": \"{words} #{id} "
	    "{percent}\", \"list_pair\": \" & \", \"list_sep\": \"; \", \"list_last\": \"; "
	    "finally \"}", fp);
	fclose(fp);
	rc = tpl_load(&tp, path, err, sizeof err);
	unlink(path);
	CHECK(rc == 0 && unit_text_is(sentences_caption(&tp, by_area, 4, 4, 100),
	    "Mostly trees #1 50.0; water body #2 25.0; finally crops #3 10.0."),
	    "overridden templates: %s", rc ? err : "loaded");
	CHECK(rc == 0 && unit_text_is(sentences_caption(&tp, by_area, 4, 2, 100),
	    "Mostly trees #1 50.0 & water body #2 25.0."), "overridden pair word");
	tpl_free(&tp);
	UNIT_DONE();
}
