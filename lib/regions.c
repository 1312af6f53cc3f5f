/*
 * regions.c - run-based 8-connected component labelling per class.
 *
 * A run is a maximal horizontal stretch of one class in one row.  Two runs of
 * the same class in neighbouring rows belong together when their column
 * spans, each widened by one pixel, overlap: that is 8-connectivity.  Runs
 * next to each other in one row always differ in class, so only row pairs need
 * looking at.  Union-find over runs (path halving, the smaller index is the
 * root) keeps the whole thing linear in practice.
 */
#include <stdlib.h>
#include <string.h>

#include "regions.h"

struct run {
	int s, e;		/* first and last column */
	int y;
	uint16_t cls;
};

static size_t
find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void
unite(size_t *parent, size_t a, size_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	if ((np = realloc(*p, ncap * elem)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

int
regions_find(const uint16_t *cls, int w, int h, int has_nodata, uint16_t nodata,
    struct region **out, size_t *n)
{
	struct run *runs = NULL;
	size_t *parent = NULL, *comp = NULL;
	struct region *reg = NULL;
	size_t nruns = 0, cap = 0, pcap = 0, prev0 = 0, prev1 = 0, i, j, nreg = 0;
	int x, y;

	*out = NULL;
	*n = 0;
	if (w <= 0 || h <= 0)
		return w < 0 || h < 0 ? -1 : 0;

	for (y = 0; y < h; y++) {
		const uint16_t *row = cls + (size_t)y * w;
		size_t cur0 = nruns;

		for (x = 0; x < w; ) {
			uint16_t c = row[x];
			int s = x;

			while (x < w && row[x] == c)
				x++;
			if (has_nodata && c == nodata)
				continue;
			if (grow((void **)&runs, &cap, nruns + 1, sizeof *runs) == -1 ||
			    grow((void **)&parent, &pcap, nruns + 1, sizeof *parent) == -1)
				goto oom;
			runs[nruns] = (struct run){ s, x - 1, y, c };
			parent[nruns] = nruns;

			/*
			 * Runs of the row above are sorted and disjoint: skip
			 * those ending left of s-1 for good (no later run of
			 * this row can reach them), then join every one that
			 * starts before e+1.
			 */
			while (prev0 < prev1 && runs[prev0].e < s - 1)
				prev0++;
			for (j = prev0; j < prev1 && runs[j].s <= x; j++)
				if (runs[j].cls == c)
					unite(parent, j, nruns);
			nruns++;
		}
		/* This row becomes the row above. */
		prev0 = cur0;
		prev1 = nruns;
	}

	if (nruns == 0)
		goto done;
	if ((comp = malloc(nruns * sizeof *comp)) == NULL)
		goto oom;
	/* Roots come first in run order (a root is its set's smallest index). */
	for (i = 0; i < nruns; i++) {
		size_t r = find(parent, i);

		comp[i] = r == i ? nreg++ : comp[r];
	}
	if ((reg = calloc(nreg, sizeof *reg)) == NULL)
		goto oom;
	for (i = 0; i < nruns; i++) {
		struct run *ru = &runs[i];
		struct region *g = &reg[comp[i]];

		if (g->area == 0) {
			/* The root: the component's first run in raster order. */
			g->class_id = ru->cls;
			g->x0 = ru->s;
			g->x1 = ru->e;
			g->y0 = g->y1 = ru->y;
			g->first = (long)ru->y * w + ru->s;
		} else {
			if (ru->s < g->x0)
				g->x0 = ru->s;
			if (ru->e > g->x1)
				g->x1 = ru->e;
			g->y1 = ru->y;	/* runs come in row order */
		}
		g->area += ru->e - ru->s + 1;
	}
done:
	free(runs);
	free(parent);
	free(comp);
	*out = reg;
	*n = nreg;
	return 0;
oom:
	free(runs);
	free(parent);
	free(comp);
	free(reg);
	return -1;
}

static int
cmp_region(const void *pa, const void *pb)
{
	const struct region *a = pa, *b = pb;

	if (a->area != b->area)
		return a->area > b->area ? -1 : 1;
	if (a->class_id != b->class_id)
		return a->class_id < b->class_id ? -1 : 1;
	if (a->y0 != b->y0)
		return a->y0 < b->y0 ? -1 : 1;
	if (a->x0 != b->x0)
		return a->x0 < b->x0 ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return 0;
}

void
regions_sort(struct region *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_region);
}

int
regions_select(struct region *v, size_t *n, long min_area, int max_per_class)
{
	unsigned *count = NULL, top = 0;
	size_t i, k = 0;

	/* Counts per class id, as many as the largest id needs (uint8 labels: 256). */
	for (i = 0; i < *n; i++)
		if (v[i].class_id > top)
			top = v[i].class_id;
	if (max_per_class > 0 && *n > 0 &&
	    (count = calloc((size_t)top + 1, sizeof *count)) == NULL)
		return -1;
	for (i = 0; i < *n; i++) {
		if (v[i].area < min_area)
			continue;
		if (count != NULL) {
			if (count[v[i].class_id] >= (unsigned)max_per_class)
				continue;
			count[v[i].class_id]++;
		}
		if (k != i)
			v[k] = v[i];
		k++;
	}
	free(count);
	*n = k;
	return 0;
}
