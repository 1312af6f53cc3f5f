/*
 * labelclasses.c - a label tile's classes: histogram of the values present,
 * names from the record's table, words and slugs for the rows.
 */
#include <stdio.h>
#include <stdlib.h>

#include "errbuf.h"
#include "labelclasses.h"
#include "round4.h"

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void
make_words(struct labelclass *c)
{
	size_t i;

	snprintf(c->words, sizeof c->words, "%s", c->name);
	for (i = 0; c->words[i] != '\0'; i++)
		if (c->words[i] == '_')
			c->words[i] = ' ';
}

/*
 * Tags name files downstream: ASCII letters and digits stay (lower case),
 * other ASCII becomes one '_', UTF-8 bytes stay.  "flooded_vegetation" is
 * unchanged; "Tree cover" gives "tree_cover".
 */
static void
make_slug(struct labelclass *c)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)c->name; *p != '\0' && n + 2 < sizeof c->slug; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
			c->slug[n++] = (char)*p;
		else if (*p >= 'A' && *p <= 'Z')
			c->slug[n++] = (char)(*p - 'A' + 'a');
		else if (n > 0 && c->slug[n - 1] != '_')
			c->slug[n++] = '_';
	}
	while (n > 0 && c->slug[n - 1] == '_')
		n--;
	c->slug[n] = '\0';
	if (n == 0)
		snprintf(c->slug, sizeof c->slug, "class_%u", c->id);
}

/* The table's entries into cl (ids above uint16 left out: no label holds them). */
static int
read_table(const json_t *table, struct labelclass *cl, size_t *ncl, char *err, size_t errlen)
{
	json_t *e;
	size_t i, k, n = 0;

	json_array_foreach(table, i, e) {
		json_t *id = json_object_get(e, "id"), *name = json_object_get(e, "name");

		if (!json_is_integer(id) || json_integer_value(id) < 0 || !json_is_string(name))
			return errf(err, errlen, "landcover.classes[%zu]: needs an integer \"id\" "
			    ">= 0 and a string \"name\"", i);
		if (json_integer_value(id) > UINT16_MAX)
			continue;
		for (k = 0; k < n; k++)
			if (cl[k].id == (unsigned)json_integer_value(id))
				return errf(err, errlen, "landcover.classes: id %u appears twice",
				    cl[k].id);
		cl[n].id = (unsigned)json_integer_value(id);
		cl[n].name = json_string_value(name);
		cl[n].named = 1;
		n++;
	}
	*ncl = n;
	return 0;
}

int
labelclasses_find(struct labelclasses *lc, const uint16_t *px, size_t npx,
    int has_nodata, uint16_t nodata, const json_t *table, struct labelclass **out,
    size_t *n, long *valid, char *err, size_t errlen)
{
	struct labelclass *cl = NULL;
	size_t ncl = 0, i, k;
	int rc = -2;

	*out = NULL;
	*n = 0;
	*valid = 0;
	if (!json_is_array(table))
		return errf(err, errlen, "landcover.classes: not an array");
	/* Only the entries of the values present are touched, and reset below. */
	for (i = 0; i < npx; i++)
		if (lc->hist[px[i]]++ == 0)
			lc->present[lc->npresent++] = px[i];
	qsort(lc->present, lc->npresent, sizeof *lc->present, cmp_u16);

	if ((cl = calloc(json_array_size(table) + lc->npresent + 1, sizeof *cl)) == NULL) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	if (read_table(table, cl, &ncl, err, errlen) == -1) {
		rc = -1;
		goto out;
	}
	/* Keep the present classes of the table, marking them (negative counts). */
	for (i = 0, k = 0; i < ncl; i++)
		if (lc->hist[cl[i].id] > 0 && !(has_nodata && cl[i].id == nodata)) {
			if (k != i)
				cl[k] = cl[i];
			cl[k].pixels = lc->hist[cl[k].id];
			lc->hist[cl[k].id] = -lc->hist[cl[k].id];
			k++;
		}
	ncl = k;
	for (i = 0; i < lc->npresent; i++) {
		unsigned id = lc->present[i];

		if (lc->hist[id] < 0 || (has_nodata && id == nodata))
			continue;
		/* The slot may hold a table entry moved down above: start afresh. */
		cl[ncl] = (struct labelclass){ .id = id, .pixels = lc->hist[id] };
		snprintf(cl[ncl].fallback, sizeof cl[ncl].fallback, "class %u", id);
		cl[ncl].name = cl[ncl].fallback;
		ncl++;
	}
	for (i = 0; i < ncl; i++) {
		*valid += cl[i].pixels;
		make_words(&cl[i]);
		make_slug(&cl[i]);
	}
	*out = cl;
	*n = ncl;
	cl = NULL;
	rc = 0;
out:
	for (i = 0; i < lc->npresent; i++)
		lc->hist[lc->present[i]] = 0;
	lc->npresent = 0;
	free(cl);
	return rc;
}

const struct labelclass *
labelclasses_get(const struct labelclass *v, size_t n, unsigned id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

int
labelclasses_add_regions(struct labelclass *v, size_t n, const struct region *reg,
    size_t nreg)
{
	size_t i, k;

	for (i = 0; i < nreg; i++) {
		for (k = 0; k < n && v[k].id != reg[i].class_id; k++)
			;
		if (k == n)
			return -1;
		v[k].region_area += reg[i].area;
		v[k].nregions++;
	}
	return 0;
}

static int
cmp_by_id(const void *pa, const void *pb)
{
	const struct labelclass *a = *(const struct labelclass *const *)pa;
	const struct labelclass *b = *(const struct labelclass *const *)pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

static int
cmp_by_region_area(const void *pa, const void *pb)
{
	const struct labelclass *a = *(const struct labelclass *const *)pa;
	const struct labelclass *b = *(const struct labelclass *const *)pb;

	if (a->region_area != b->region_area)
		return a->region_area > b->region_area ? -1 : 1;
	return cmp_by_id(pa, pb);
}

static int
cmp_by_pixels(const void *pa, const void *pb)
{
	const struct labelclass *a = *(const struct labelclass *const *)pa;
	const struct labelclass *b = *(const struct labelclass *const *)pb;

	if (a->pixels != b->pixels)
		return a->pixels > b->pixels ? -1 : 1;
	return cmp_by_id(pa, pb);
}

struct labelclass **
labelclasses_sorted(struct labelclass *v, size_t n, enum labelclasses_order by)
{
	struct labelclass **order = malloc((n ? n : 1) * sizeof *order);
	size_t i;

	if (order == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		order[i] = &v[i];
	qsort(order, n, sizeof *order, by == LABELCLASSES_BY_REGION_AREA ? cmp_by_region_area :
	    by == LABELCLASSES_BY_PIXELS ? cmp_by_pixels : cmp_by_id);
	return order;
}

json_t *
labelclasses_fractions(struct labelclass *v, size_t n, long valid)
{
	struct labelclass **byid = labelclasses_sorted(v, n, LABELCLASSES_BY_ID);
	json_t *fractions = byid == NULL ? NULL : json_object();
	char key[24];
	size_t i;

	for (i = 0; fractions != NULL && i < n; i++) {
		snprintf(key, sizeof key, "%u", byid[i]->id);
		if (json_object_set_new(fractions, key,
		    round4_json((double)byid[i]->pixels / valid)) == -1) {
			json_decref(fractions);
			fractions = NULL;
		}
	}
	free(byid);
	return fractions;
}
