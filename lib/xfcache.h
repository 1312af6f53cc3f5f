/*
 * xfcache.h - PROJ transformations kept for reuse.  Creating one costs far more
 * than transforming a point (PROJ looks up both CRSs and picks an operation),
 * and a stream of records meets only a few CRSs: each pair is created once and
 * kept, up to a bound, the least recently used one giving way.
 *
 *	struct xfcache *xc = xfcache_new(16);
 *	struct geo_xform *x = xfcache_get(xc, "EPSG:4326", "EPSG:32633", err, sizeof err);
 *	if (x == NULL) puts(err);
 *	geo_xform_points(x, xs, ys, n, err, sizeof err);
 *	xfcache_free(xc);
 *
 * A transformation belongs to the cache: it stays valid until the next
 * xfcache_get (which may drop it) or xfcache_free.  One thread at a time.
 */
#ifndef XFCACHE_H
#define XFCACHE_H

#include <stddef.h>

struct geo_xform;
struct xfcache;

/* A cache of at most max transformations (at least 1); NULL on out of memory. */
struct xfcache *xfcache_new(size_t max);
void xfcache_free(struct xfcache *xc);

/* The transformation src -> dst (lib/geo.h CRS strings), created on first use;
 * NULL with err set when PROJ cannot make it. */
struct geo_xform *xfcache_get(struct xfcache *xc, const char *src, const char *dst,
    char *err, size_t errlen);

#endif
