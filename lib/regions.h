/*
 * regions.h - 8-connected components of a class raster, with areas and
 * bounding boxes, for grounding boxes in captions.
 *
 * Calling sequence:
 *
 *	struct region *v; size_t n;
 *	if (regions_find(cls, w, h, 1, 255, &v, &n) == -1) ...out of memory...
 *	regions_sort(v, n);
 *	if (regions_select(v, &n, min_area, max_per_class) == -1) ...
 *	...use v[0..n-1]...
 *	free(v);
 *
 * Labelling is run-based: each row is cut into runs of one class, a run is
 * joined (union-find) to the runs of the row above that touch it, diagonals
 * included, so the cost is O(pixels) whatever the shapes.
 */
#ifndef REGIONS_H
#define REGIONS_H

#include <stddef.h>
#include <stdint.h>

struct region {
	unsigned class_id;
	int x0, y0;		/* min column, min row */
	int x1, y1;		/* max column, max row (inclusive) */
	long area;		/* pixels */
	long first;		/* raster index of its first pixel: the last tie-break */
};

/*
 * Every 8-connected component of every class in cls (w*h samples, row-major).
 * Pixels equal to nodata belong to none when has_nodata is set.  *out is
 * malloc'd (NULL when n is 0), in no particular order.  0 ok, -1 out of memory
 * or bad size.
 */
int regions_find(const uint16_t *cls, int w, int h, int has_nodata, uint16_t nodata,
    struct region **out, size_t *n);

/* Deterministic order: area descending, class id, top row, left column, first pixel. */
void regions_sort(struct region *v, size_t n);

/*
 * On a sorted array: keep the regions with area >= min_area, at most
 * max_per_class of each class (0: no limit), the largest first; the kept ones
 * are moved to the front in the same order and *n becomes their count.
 * 0 ok, -1 out of memory.
 */
int regions_select(struct region *v, size_t *n, long min_area, int max_per_class);

#endif
