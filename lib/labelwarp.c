/*
 * labelwarp.c - nearest-neighbour warp of class codes onto a grid (see
 * labelwarp.h).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "labelwarp.h"

int
labelwarp_init(struct labelwarp *w, const struct grid *g)
{
	size_t i = 0, n = (size_t)g->width * (size_t)g->height;
	int col, row;

	labelwarp_clear(w);
	w->n = n;
	w->x = malloc(n * sizeof *w->x);
	w->y = malloc(n * sizeof *w->y);
	w->col = malloc(n * sizeof *w->col);
	w->row = malloc(n * sizeof *w->row);
	w->part = calloc(n, 1);
	if (!w->x || !w->y || !w->col || !w->row || !w->part) {
		labelwarp_clear(w);
		return -1;
	}
	for (row = 0; row < g->height; row++)
		for (col = 0; col < g->width; col++, i++)
			geo_apply(g->t, col + 0.5, row + 0.5, &w->x[i], &w->y[i]);
	w->nparts = 1;
	return 0;
}

int
labelwarp_transform(struct labelwarp *w, struct geo_xform *x, char *err, size_t errlen)
{
	return x == NULL ? 0 : geo_xform_points(x, w->x, w->y, w->n, err, errlen);
}

uint64_t
labelwarp_locate(struct labelwarp *w)
{
	uint64_t inside = 0;
	size_t i;
	int k;

	for (k = 0; k < w->nparts; k++) {
		w->parts[k].c0 = w->parts[k].r0 = LONG_MAX;
		w->parts[k].c1 = w->parts[k].r1 = LONG_MIN;
		w->parts[k].inside = 0;
	}
	for (i = 0; i < w->n; i++) {
		struct labelwarp_part *p;
		double fc, fr;
		long c, r;

		if (w->part[i] == LABELWARP_NONE)
			continue;
		p = &w->parts[w->part[i]];
		if (p->empty) {
			w->part[i] = LABELWARP_NONE;
			continue;
		}
		fc = p->inv[0] * w->x[i] + p->inv[1] * w->y[i] + p->inv[2];
		fr = p->inv[3] * w->x[i] + p->inv[4] * w->y[i] + p->inv[5];
		if (!(fabs(fc) < 1e9 && fabs(fr) < 1e9)) {
			w->part[i] = LABELWARP_NONE;
			continue;
		}
		/* gdalwarp's nearest: floor(x + 1e-10). */
		c = (long)floor(fc + 1e-10);
		r = (long)floor(fr + 1e-10);
		if (p->edge_snap) {
			if (c == -1 || c == p->width)
				c = c < 0 ? 0 : p->width - 1;
			if (r == -1 || r == p->height)
				r = r < 0 ? 0 : p->height - 1;
		}
		if (c < 0 || r < 0 || c >= p->width || r >= p->height) {
			w->part[i] = LABELWARP_NONE;
			continue;
		}
		w->col[i] = (int32_t)c;
		w->row[i] = (int32_t)r;
		p->inside++;
		inside++;
		if (c < p->c0)
			p->c0 = c;
		if (c + 1 > p->c1)
			p->c1 = c + 1;
		if (r < p->r0)
			p->r0 = r;
		if (r + 1 > p->r1)
			p->r1 = r + 1;
	}
	/* The centres are spent: hold only pixel indices while the sources are read. */
	free(w->x);
	free(w->y);
	w->x = w->y = NULL;
	return inside;
}

void
labelwarp_on_grid(struct labelwarp *w, const struct grid *g)
{
	struct labelwarp_part *p = &w->parts[0];

	labelwarp_clear(w);
	w->n = (size_t)g->width * (size_t)g->height;
	w->on_grid = 1;
	w->nparts = 1;
	p->width = g->width;
	p->height = g->height;
	p->c0 = p->r0 = 0;
	p->c1 = g->width;
	p->r1 = g->height;
	p->inside = w->n;
}

size_t
labelwarp_label(const struct labelwarp *w, void *out, enum dtype dt, double nd)
{
	size_t i, valid = 0;

	for (i = 0; i < w->n; i++) {
		const struct labelwarp_part *p;
		size_t at = i;
		double v = nd;

		if (w->on_grid || w->part[i] != LABELWARP_NONE) {
			p = &w->parts[w->on_grid ? 0 : w->part[i]];
			if (!w->on_grid)
				at = (size_t)(w->row[i] - p->r0) * (size_t)(p->c1 - p->c0) +
				    (size_t)(w->col[i] - p->c0);
			v = dtype_get(p->dtype, p->plane, at);
			/* The source's nodata, and codes the label cannot hold, are nodata. */
			if ((p->has_nodata && v == p->nodata) || v < 0 || v >= nd)
				v = nd;
		}
		if (v != nd)
			valid++;
		if (dt == DT_UINT8)
			((uint8_t *)out)[i] = (uint8_t)v;
		else
			((uint16_t *)out)[i] = (uint16_t)v;
	}
	return valid;
}

void
labelwarp_clear(struct labelwarp *w)
{
	free(w->x);
	free(w->y);
	free(w->col);
	free(w->row);
	free(w->part);
	memset(w, 0, sizeof *w);
}
