/* test_round4.c - lib/round4 against what Python's repr(round(v, 4)) prints. */
#include <stdlib.h>
#include <string.h>

#include "round4.h"
#include "unit.h"

static int
text_is(double v, const char *want)
{
	char buf[ROUND4_LEN];

	round4_text(buf, sizeof buf, v);
	if (strcmp(buf, want) != 0) {
		printf("#   %.17g gave %s\n", v, buf);
		return 0;
	}
	return 1;
}

static int
json_is(double v, const char *want)
{
	json_t *j = round4_json(v);
	int ok = unit_json_is(j, want);

	json_decref(j);
	return ok;
}

int
main(void)
{
	CHECK(text_is(0.5, "0.5") && text_is(0.125, "0.125") && text_is(12.25, "12.25"),
	    "trailing zeros dropped");
	CHECK(text_is(0, "0.0") && text_is(1, "1.0") && text_is(224, "224.0"),
	    "whole numbers keep one zero after the point");
	CHECK(text_is(2.0 / 3, "0.6667") && text_is(1.0 / 3, "0.3333") && text_is(1.0 / 7, "0.1429"),
	    "rounded to 4 decimals");
	CHECK(text_is(-0.00001, "0.0") && text_is(-0.0, "0.0"), "never -0.0");
	CHECK(text_is(-0.5, "-0.5") && text_is(-2.0 / 3, "-0.6667"), "negative values keep their sign");
	CHECK(json_is(2.0 / 3, "0.6667") && json_is(0.1, "0.1") && json_is(1, "1.0") &&
	    json_is(-0.00001, "0.0"), "JSON reals dump as the same digits, no binary noise");
	UNIT_DONE();
}
