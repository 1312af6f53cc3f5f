/*
 * xformcache.c - a small LRU of PROJ transformations (see xformcache.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "geo.h"
#include "xformcache.h"

struct entry {
	char *src, *dst;
	struct geo_xform *x;
	uint64_t used;
};

struct xformcache {
	size_t size, made;
	uint64_t clock;
	struct entry e[];
};

struct xformcache *
xformcache_new(size_t size)
{
	struct xformcache *xc = calloc(1, sizeof *xc + (size ? size : 1) * sizeof xc->e[0]);

	if (xc != NULL)
		xc->size = size ? size : 1;
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
xformcache_free(struct xformcache *xc)
{
	size_t i;

	if (xc == NULL)
		return;
	for (i = 0; i < xc->size; i++)
		entry_clear(&xc->e[i]);
	free(xc);
}

int
xformcache_get(struct xformcache *xc, const char *src, const char *dst,
    struct geo_xform **x, char *err, size_t errlen)
{
	int es = geo_epsg_of(src), ed = geo_epsg_of(dst);
	struct entry *old = &xc->e[0];
	size_t i;

	*x = NULL;
	if (strcmp(src, dst) == 0 || (es > 0 && es == ed))
		return 0;
	xc->clock++;
	for (i = 0; i < xc->size; i++) {
		struct entry *e = &xc->e[i];

		if (e->x != NULL && strcmp(e->src, src) == 0 && strcmp(e->dst, dst) == 0) {
			e->used = xc->clock;
			*x = e->x;
			return 0;
		}
		if (e->x == NULL || (old->x != NULL && e->used < old->used))
			old = e;
	}
	entry_clear(old);
	xc->made++;
	if ((old->x = geo_xform_new(src, dst, err, errlen)) == NULL)
		return -1;
	if ((old->src = strdup(src)) == NULL || (old->dst = strdup(dst)) == NULL) {
		entry_clear(old);
		return errf(err, errlen, "out of memory");
	}
	old->used = xc->clock;
	*x = old->x;
	return 0;
}

size_t
xformcache_made(const struct xformcache *xc)
{
	return xc->made;
}
