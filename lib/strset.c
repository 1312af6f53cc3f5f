/*
 * strset.c - a set of strings: open addressing over FNV-1a, doubling at half
 * full.  Holds the ids and POIs of a dataset folder (millions of short keys).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static size_t
strset_find(const struct strset *s, const char *k)
{
	size_t i = (size_t)fnv1a(k) & (s->cap - 1);

	while (s->slot[i] && strcmp(s->slot[i], k) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

int
strset_has(const struct strset *s, const char *k)
{
	return s->cap && s->slot[strset_find(s, k)] != NULL;
}

/* 1 added, 0 there already, -1 out of memory. */
int
strset_add(struct strset *s, const char *k)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		struct strset g = { NULL, s->cap ? s->cap * 2 : 1024, 0 };
		if ((g.slot = calloc(g.cap, sizeof *g.slot)) == NULL)
			return -1;
		for (size_t j = 0; j < s->cap; j++)
			if (s->slot[j])
				g.slot[strset_find(&g, s->slot[j])] = s->slot[j];
		g.n = s->n;
		free(s->slot);
		*s = g;
	}
	i = strset_find(s, k);
	if (s->slot[i])
		return 0;
	if ((s->slot[i] = strdup(k)) == NULL)
		return -1;
	s->n++;
	return 1;
}

void
strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof *s);
}
