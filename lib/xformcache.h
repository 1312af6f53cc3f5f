/*
 * xformcache.h - PROJ transformations kept for reuse: making one costs far
 * more than transforming a grid's points with it, and a run meets few pairs
 * of CRSs.  The least recently used is dropped when the cache is full.
 *
 *	struct xformcache *xc = xformcache_new(8);
 *	struct geo_xform *x;
 *	if (xformcache_get(xc, "EPSG:32633", "EPSG:4326", &x, err, sizeof err) != 0)
 *		...a CRS PROJ does not know...
 *	if (x != NULL)		// NULL: the same CRS, nothing to transform
 *		geo_xform_points(x, xs, ys, n, err, sizeof err);
 *	xformcache_free(xc);	// frees every transformation it gave
 */
#ifndef XFORMCACHE_H
#define XFORMCACHE_H

#include <stddef.h>

struct geo_xform;
struct xformcache;

struct xformcache *xformcache_new(size_t size);
void xformcache_free(struct xformcache *xc);
/* The transformation src -> dst in *x, or NULL when they are the same CRS
 * (the same string, or the same EPSG code).  -1 with err when PROJ cannot
 * make it.  *x stays valid until size other pairs have been asked for. */
int xformcache_get(struct xformcache *xc, const char *src, const char *dst,
    struct geo_xform **x, char *err, size_t errlen);
/* How many transformations it has made: one per miss. */
size_t xformcache_made(const struct xformcache *xc);

#endif
