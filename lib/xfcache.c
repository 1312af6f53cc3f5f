/* xfcache.c - PROJ transformations kept for reuse, least recently used out (see xfcache.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "geo.h"
#include "xfcache.h"

struct entry {
	char *src, *dst;
	struct geo_xform *x;	/* NULL: a free slot */
	uint64_t used;		/* when it was last asked for */
};

struct xfcache {
	struct entry *e;
	size_t max;
	uint64_t clock;
};

struct xfcache *
xfcache_new(size_t max)
{
	struct xfcache *xc = calloc(1, sizeof *xc);

	if (xc == NULL)
		return NULL;
	xc->max = max > 0 ? max : 1;
	if ((xc->e = calloc(xc->max, sizeof *xc->e)) == NULL) {
		free(xc);
		return NULL;
	}
	return xc;
}

static void
entry_clear(struct entry *e)
{
	geo_xform_free(e->x);
	free(e->src);
	free(e->dst);
	memset(e, 0, sizeof *e);
}

void
xfcache_free(struct xfcache *xc)
{
	if (xc == NULL)
		return;
	for (size_t i = 0; i < xc->max; i++)
		entry_clear(&xc->e[i]);
	free(xc->e);
	free(xc);
}

struct geo_xform *
xfcache_get(struct xfcache *xc, const char *src, const char *dst, char *err, size_t errlen)
{
	struct entry *e;
	size_t i, old = 0;

	for (i = 0; i < xc->max; i++) {
		e = &xc->e[i];
		if (e->x != NULL && strcmp(e->src, src) == 0 && strcmp(e->dst, dst) == 0) {
			e->used = ++xc->clock;
			return e->x;
		}
		if (e->x == NULL || (xc->e[old].x != NULL && e->used < xc->e[old].used))
			old = i;
	}
	e = &xc->e[old];
	entry_clear(e);
	if ((e->x = geo_xform_new(src, dst, err, errlen)) == NULL)
		return NULL;
	e->src = strdup(src);
	e->dst = strdup(dst);
	if (e->src == NULL || e->dst == NULL) {
		entry_clear(e);
		errf(err, errlen, "out of memory");
		return NULL;
	}
	e->used = ++xc->clock;
	return e->x;
}
