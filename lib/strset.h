/*
 * strset.h - a set of strings (copies kept), for membership only: no
 * iteration order is promised, so nothing deterministic may depend on one.
 *
 *	struct strset s = { 0 };
 *	strset_add(&s, "poi_000001");	1 added, 0 there already, -1 out of memory
 *	strset_has(&s, "poi_000001");	1
 *	strset_free(&s);
 */
#ifndef STRSET_H
#define STRSET_H

#include <stddef.h>

struct strset {
	char **slot;
	size_t cap, n;		/* cap: 0 or a power of two */
};

int strset_has(const struct strset *s, const char *k);
int strset_add(struct strset *s, const char *k);
void strset_free(struct strset *s);

#endif
