/*
 * labelsrc.c - land-cover GeoTIFFs opened and read by window, in batches,
 * locally or over HTTP ranges (see labelsrc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "geo.h"
#include "http.h"
#include "labelsrc.h"

struct labelsrc_cache {
	struct http *http;		/* NULL: local files only */
	struct cog_cache *cogs;		/* parsed remote headers */
	int band;
	struct labelsrc **src;
	size_t n;
	uint64_t batch;
};

struct labelsrc_cache *
labelsrc_cache_new(struct http *h, int band)
{
	struct labelsrc_cache *lc = calloc(1, sizeof *lc);

	if (lc == NULL)
		return NULL;
	lc->http = h;
	lc->band = band;
	lc->batch = 1;
	if (h != NULL && (lc->cogs = cog_cache_new(64)) == NULL) {
		free(lc);
		return NULL;
	}
	return lc;
}

static void
source_free(struct labelsrc *s)
{
	if (s->state == LABELSRC_OPEN && !s->remote)
		tifread_close(&s->tr);
	cog_unref(s->cog);
	free(s);
}

void
labelsrc_cache_free(struct labelsrc_cache *lc)
{
	if (lc == NULL)
		return;
	while (lc->n > 0)
		source_free(lc->src[--lc->n]);
	free(lc->src);
	cog_cache_free(lc->cogs);
	free(lc);
}

struct labelsrc *
labelsrc_get(struct labelsrc_cache *lc, const char *url, const char *name, int flags)
{
	struct labelsrc *s, **grown;
	size_t i;

	if (strncmp(url, "file://", 7) == 0)
		url += 7;
	for (i = 0; i < lc->n; i++)
		if (strcmp(lc->src[i]->url, url) == 0) {
			lc->src[i]->used = lc->batch;
			return lc->src[i];
		}
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	snprintf(s->url, sizeof s->url, "%s", url);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->remote = http_is_remote(url);
	s->flags = flags;
	s->used = lc->batch;
	if ((grown = realloc(lc->src, (lc->n + 1) * sizeof *grown)) == NULL) {
		free(s);
		return NULL;
	}
	lc->src = grown;
	lc->src[lc->n++] = s;
	return s;
}

/* Whether what an opened source offers can be read as class codes. */
static void
source_check(struct labelsrc_cache *lc, struct labelsrc *s, const double t[6], int has_t)
{
	s->state = LABELSRC_FAILED;
	if (!has_t || geo_invert(t, s->inv) != 0)
		errf(s->error, sizeof s->error, "%s: no usable georeference", s->name);
	else if (s->crs[0] == '\0')
		errf(s->error, sizeof s->error, "%s: names no CRS that PROJ knows (no "
		    "EPSG code in its GeoKeys)", s->name);
	else if (s->dtype == DT_FLOAT32)
		errf(s->error, sizeof s->error, "%s: float32 samples; class codes must "
		    "be integers (uint8, uint16 or int16)", s->name);
	else if (lc->band > s->spp)
		errf(s->error, sizeof s->error, "%s: has %d band%s, --band is %d",
		    s->name, s->spp, s->spp == 1 ? "" : "s", lc->band);
	else
		s->state = LABELSRC_OPEN;
}

static void
open_local(struct labelsrc_cache *lc, struct labelsrc *s)
{
	char err[600];

	errno = 0;
	if (tifread_open(&s->tr, s->url, err, sizeof err) != 0) {
		s->state = errno == ENOENT && (s->flags & LABELSRC_ABSENT_OK) ?
		    LABELSRC_ABSENT : LABELSRC_FAILED;
		errf(s->error, sizeof s->error, "%s", err);
		return;
	}
	s->width = s->tr.width;
	s->height = s->tr.height;
	s->spp = s->tr.spp;
	s->dtype = s->tr.dtype;
	s->has_nodata = s->tr.has_nodata;
	s->nodata = s->tr.nodata;
	snprintf(s->crs, sizeof s->crs, "%s", s->tr.grid.crs);
	source_check(lc, s, s->tr.grid.t, s->tr.has_grid);
	if (s->state != LABELSRC_OPEN)
		tifread_close(&s->tr);
}

static void
took_remote(struct labelsrc_cache *lc, struct labelsrc *s, struct cog_open *op)
{
	struct cog *c = op->cog;
	char red[1024];

	if (c == NULL) {
		s->state = strstr(op->error, "HTTP 404") && (s->flags & LABELSRC_ABSENT_OK) ?
		    LABELSRC_ABSENT : LABELSRC_FAILED;
		http_redact(s->url, red, sizeof red);
		if (strncmp(op->error, red, strlen(red)) == 0)
			errf(s->error, sizeof s->error, "%s", op->error);
		else
			errf(s->error, sizeof s->error, "%s: %s", red, op->error);
		return;
	}
	s->cog = c;
	s->width = (int)c->level[0].width;
	s->height = (int)c->level[0].height;
	s->spp = c->spp;
	s->dtype = c->dtype;
	s->has_nodata = c->has_nodata;
	s->nodata = c->nodata;
	if (c->epsg > 0)
		snprintf(s->crs, sizeof s->crs, "EPSG:%d", c->epsg);
	source_check(lc, s, c->level[0].t, c->has_georef);
}

uint64_t
labelsrc_open(struct labelsrc_cache *lc)
{
	struct cog_open *op = calloc(lc->n + 1, sizeof *op);
	struct labelsrc **rs = calloc(lc->n + 1, sizeof *rs);
	uint64_t bytes = 0;
	size_t i, nr = 0;

	for (i = 0; i < lc->n; i++) {
		struct labelsrc *s = lc->src[i];

		if (s->state != LABELSRC_UNTRIED || s->used != lc->batch)
			continue;
		if (op == NULL || rs == NULL) {
			s->state = LABELSRC_FAILED;
			errf(s->error, sizeof s->error, "%s: out of memory", s->name);
		} else if (s->remote && lc->http == NULL) {
			s->state = LABELSRC_FAILED;
			errf(s->error, sizeof s->error, "%s: no HTTP client", s->name);
		} else if (s->remote) {
			op[nr].url = s->url;
			rs[nr++] = s;
		} else
			open_local(lc, s);
	}
	if (nr > 0) {
		cog_open_many(lc->http, lc->cogs, op, nr);
		for (i = 0; i < nr; i++) {
			bytes += op[i].bytes;
			took_remote(lc, rs[i], &op[i]);
		}
	}
	free(op);
	free(rs);
	return bytes;
}

/* Where the band starts in a window's planes. */
static const void *
band_plane(const struct labelsrc_cache *lc, const struct labelsrc_win *w, const void *data)
{
	return (const unsigned char *)data + (size_t)w->width * (size_t)w->height *
	    dtype_size(w->src->dtype) * (size_t)(lc->band - 1);
}

uint64_t
labelsrc_read(struct labelsrc_cache *lc, struct labelsrc_win **w, size_t n)
{
	struct cog_win *arr = NULL;
	size_t i, nr = 0;
	uint64_t bytes = 0;
	char err[600];

	for (i = 0; i < n; i++) {
		struct labelsrc_win *x = w[i];
		struct labelsrc *s = x->src;
		size_t plane = (size_t)x->width * (size_t)x->height * dtype_size(s->dtype);

		x->ok = 0;
		if (s->state != LABELSRC_OPEN) {
			errf(x->error, sizeof x->error, "%s: not open", s->name);
			continue;
		}
		if (s->remote) {
			x->cw.cog = s->cog;
			x->cw.level = 0;
			x->cw.col0 = x->col0;
			x->cw.row0 = x->row0;
			x->cw.width = x->width;
			x->cw.height = x->height;
			x->cw.fill = 0;
			nr++;
			continue;
		}
		if ((x->buf = malloc(plane * (size_t)s->spp)) == NULL)
			errf(x->error, sizeof x->error, "out of memory for a %dx%d window",
			    x->width, x->height);
		else if (tifread_window(&s->tr, x->col0, x->row0, x->width, x->height, 0,
		    x->buf, err, sizeof err) != 0)
			errf(x->error, sizeof x->error, "%s", err);
		else {
			x->plane = band_plane(lc, x, x->buf);
			x->ok = 1;
		}
	}
	if (nr == 0)
		return 0;
	/* cog_read_many wants an array of windows: gather, read, scatter. */
	if ((arr = calloc(nr, sizeof *arr)) != NULL) {
		for (i = nr = 0; i < n; i++)
			if (w[i]->src->state == LABELSRC_OPEN && w[i]->src->remote)
				arr[nr++] = w[i]->cw;
		cog_read_many(lc->http, arr, nr);
	}
	for (i = nr = 0; i < n; i++) {
		struct labelsrc_win *x = w[i];
		char red[1024];

		if (x->src->state != LABELSRC_OPEN || !x->src->remote)
			continue;
		if (arr == NULL) {
			errf(x->error, sizeof x->error, "out of memory");
			continue;
		}
		x->cw = arr[nr++];
		bytes += x->cw.bytes;
		if (!x->cw.ok) {
			http_redact(x->src->url, red, sizeof red);
			errf(x->error, sizeof x->error, "%s: %s", red, x->cw.error);
			continue;
		}
		x->plane = band_plane(lc, x, x->cw.data);
		x->ok = 1;
	}
	free(arr);
	return bytes;
}

void
labelsrc_win_clear(struct labelsrc_win *w)
{
	free(w->buf);
	w->buf = NULL;
	cog_win_clear(&w->cw);
	w->cw.cog = NULL;
	w->plane = NULL;
	w->ok = 0;
}

void
labelsrc_batch_end(struct labelsrc_cache *lc)
{
	size_t i, k;

	for (i = k = 0; i < lc->n; i++) {
		if (lc->src[i]->state == LABELSRC_FAILED) {
			source_free(lc->src[i]);
			continue;
		}
		lc->src[k++] = lc->src[i];
	}
	lc->n = k;
	while (lc->n > LABELSRC_KEEP) {
		size_t old = 0;

		for (i = 1; i < lc->n; i++)
			if (lc->src[i]->used < lc->src[old]->used)
				old = i;
		source_free(lc->src[old]);
		memmove(&lc->src[old], &lc->src[old + 1], (lc->n - old - 1) * sizeof *lc->src);
		lc->n--;
	}
	lc->batch++;
}
