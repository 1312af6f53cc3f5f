/*
 * labelclasses.h - the classes a label tile holds: named by the record's
 * class table (landcover.classes), counted in valid pixels, with the words
 * and the tag slug that rows use for them.
 *
 * Calling sequence:
 *
 *	static struct labelclasses lc;	(counters for every uint16 value: reuse it)
 *	struct labelclass *v; size_t n; long valid;
 *	rc = labelclasses_find(&lc, px, npx, has_nodata, nodata, table, &v, &n,
 *	    &valid, err, sizeof err);	-1: a bad table, -2: out of memory
 *	labelclasses_add_regions(v, n, regions, nregions);
 *	order = labelclasses_sorted(v, n, LABELCLASSES_BY_PIXELS);
 *	fractions = labelclasses_fractions(v, n, valid);
 *	free(order); free(v);
 *
 * A class's name points into the table (keep it alive) or, for a value the
 * table misses, at the class's own "class N".
 */
#ifndef LABELCLASSES_H
#define LABELCLASSES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "regions.h"

struct labelclass {
	unsigned id;
	const char *name;	/* from the table, or fallback */
	int named;		/* 0: not in the table, name is fallback */
	char fallback[24];	/* "class 7" */
	char words[128];	/* name with underscores as spaces */
	char slug[128];		/* name for row tags, e.g. classfocus_<slug> */
	long pixels;		/* valid pixels of this class */
	long region_area;	/* summed area of its regions (labelclasses_add_regions) */
	size_t nregions;
};

/* Scratch of labelclasses_find: counts of every uint16 value, zero between calls. */
struct labelclasses {
	long hist[UINT16_MAX + 1];
	uint16_t present[UINT16_MAX + 1];
	size_t npresent;
};

/*
 * The classes of the npx label values px (nodata excluded when has_nodata):
 * those of table ([{"id": int >= 0, "name": string}, ...]) the tile holds,
 * in table order, then each value the table misses, by value.  *out is
 * malloc'd; *valid is the sum of their pixels.  A tile costs its pixels, not
 * 65536 bins.  0 ok; -1 the table is not such an array or repeats an id (err
 * says which entry); -2 out of memory.
 */
int labelclasses_find(struct labelclasses *lc, const uint16_t *px, size_t npx,
    int has_nodata, uint16_t nodata, const json_t *table, struct labelclass **out,
    size_t *n, long *valid, char *err, size_t errlen);

/* The class of id, or NULL. */
const struct labelclass *labelclasses_get(const struct labelclass *v, size_t n,
    unsigned id);

/* Add each region's area and count to its class.  -1 if a region's class is not in v. */
int labelclasses_add_regions(struct labelclass *v, size_t n, const struct region *reg,
    size_t nreg);

enum labelclasses_order {
	LABELCLASSES_BY_REGION_AREA,	/* most region area first */
	LABELCLASSES_BY_PIXELS,		/* most pixels first */
	LABELCLASSES_BY_ID
};

/* Pointers to v[0..n-1] in that order, ties by id; malloc'd, NULL on OOM. */
struct labelclass **labelclasses_sorted(struct labelclass *v, size_t n,
    enum labelclasses_order by);

/* {"id": share of the valid pixels, rounded to 4 decimals} by id; NULL on OOM. */
json_t *labelclasses_fractions(struct labelclass *v, size_t n, long valid);

#endif
