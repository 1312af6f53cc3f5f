/* test_strset.c - lib/strset: membership through growth, copies kept, duplicates. */
#include <stdio.h>
#include <string.h>

#include "strset.h"
#include "unit.h"

int
main(void)
{
	struct strset s = { 0 };
	char k[32];
	int added = 0, again = 0, found = 0, absent = 0;

	CHECK(!strset_has(&s, "x"), "an empty set has nothing");
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "poi_%06d_t%04d", i / 7, i % 7);
		added += strset_add(&s, k) == 1;
	}
	/* k is reused: the set must hold copies. */
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "poi_%06d_t%04d", i / 7, i % 7);
		again += strset_add(&s, k) == 0;
		found += strset_has(&s, k);
		snprintf(k, sizeof k, "poi_%06d_t%04d_flip", i / 7, i % 7);
		absent += !strset_has(&s, k);
	}
	CHECK(added == 100000 && s.n == 100000, "100000 distinct keys added (%d)", added);
	CHECK(again == 100000, "adding them again adds nothing");
	CHECK(found == 100000 && absent == 100000, "all found, none of the others");
	CHECK(s.cap >= 2 * s.n && (s.cap & (s.cap - 1)) == 0, "at most half full, power of two");
	CHECK(strset_add(&s, "") == 1 && strset_has(&s, ""), "the empty string is a key");
	strset_free(&s);
	CHECK(s.cap == 0 && s.n == 0 && !strset_has(&s, "poi_000000_t0000"), "freed set is empty");
	UNIT_DONE();
}
