/* test_safechars.c - lib/safechars: POSIX's portable filename characters and no other. */
#include <string.h>

#include "safechars.h"
#include "unit.h"

int
main(void)
{
	char one[2] = { 0, 0 };
	int c, n = 0;

	for (c = 1; c < 256; c++) {
		one[0] = (char)c;
		n += safechars_only(one);
	}
	CHECK(n == 65, "65 of the 255 non-NUL bytes: 52 letters, 10 digits, '.', '_', '-' (%d)",
	    n);
	CHECK(safechars_only("poi_000123_g001") && safechars_only("S2A_29RKH_20200219_0_L2A") &&
	    safechars_only("pk.eyJ1-x_y"), "ids, scene names and tokens");
	CHECK(!safechars_only("") && !safechars_only("a b") && !safechars_only("a/b") &&
	    !safechars_only("~x") && !safechars_only("Jar\xc5\xa1" "e"),
	    "empty, blank, slash, tilde, UTF-8: refused");
	CHECK(safechars_span("mapbox/satellite-v9") == 6 && safechars_span("") == 0 &&
	    safechars_span("abc") == 3 && safechars_span("?x") == 0, "the leading run");
	UNIT_DONE();
}
