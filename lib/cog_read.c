/*
 * cog_read.c - phases 2 and 3 of cog.h: plan the blocks a window needs, fetch
 * each block once for a whole batch of windows with merged ranges, and decode
 * them from memory on every core.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cog.h"
#include "cog_codec.h"
#include "cog_int.h"
#include "http.h"
#include "errbuf.h"

#define MAX_BLOCK	((uint64_t)1 << 28)	/* decoded bytes of one tile or strip */
#define MAX_WINDOW	32768		/* window side in pixels */
#define MAX_WINDOW_BYTES ((uint64_t)1 << 30)	/* decoded window, all bands */
#define MERGE_GAP	4096		/* merge ranges closer than this: cheaper than a request */
#define COG_MAX_THREADS	16		/* decoding threads, at most one per core */

struct block {
	uint64_t idx, off, len;
	int plane;
	uint32_t bx, by;
};

struct plan {
	struct block *b;
	size_t nb;
	struct cog_range *r;
	size_t nr;
};

static int
cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static void
plan_free(struct plan *p)
{
	free(p->b);
	free(p->r);
	memset(p, 0, sizeof *p);
}

/* Intersection of the window with the image, in level pixels. */
static int
clip(const struct cog_win *w, const struct cog_level *l, long *c0, long *r0, long *c1, long *r1)
{
	*c0 = w->col0 < 0 ? 0 : w->col0;
	*r0 = w->row0 < 0 ? 0 : w->row0;
	*c1 = w->col0 + w->width > (long)l->width ? (long)l->width : w->col0 + w->width;
	*r1 = w->row0 + w->height > (long)l->height ? (long)l->height : w->row0 + w->height;
	return *c0 < *c1 && *r0 < *r1;
}

static int
make_plan(struct cog_win *w, struct plan *p)
{
	const struct cog *c = w->cog;
	const struct cog_level *l;
	long c0, r0, c1, r1;
	uint32_t bx, by, bx0, bx1, by0, by1;
	int planes, pl;
	size_t n;

	memset(p, 0, sizeof *p);
	if (!c || w->level < 0 || w->level >= c->nlevels)
		return errf(w->error, sizeof w->error, "no level %d", w->level);
	if (w->width <= 0 || w->height <= 0 || w->width > MAX_WINDOW || w->height > MAX_WINDOW)
		return errf(w->error, sizeof w->error, "absurd window %dx%d", w->width, w->height);
	if ((uint64_t)w->width * w->height * c->spp * (c->bps / 8) > MAX_WINDOW_BYTES)
		return errf(w->error, sizeof w->error, "window %dx%d of %u bands over %llu bytes",
		    w->width, w->height, c->spp, (unsigned long long)MAX_WINDOW_BYTES);
	l = &c->level[w->level];
	if (!clip(w, l, &c0, &r0, &c1, &r1))
		return 0;
	bx0 = (uint32_t)(c0 / l->block_w);
	bx1 = (uint32_t)((c1 - 1) / l->block_w);
	by0 = (uint32_t)(r0 / l->block_h);
	by1 = (uint32_t)((r1 - 1) / l->block_h);
	planes = c->planar == 2 ? c->spp : 1;
	n = (size_t)(bx1 - bx0 + 1) * (by1 - by0 + 1) * planes;
	p->b = calloc(n, sizeof *p->b);
	p->r = calloc(n, sizeof *p->r);
	if (!p->b || !p->r) {
		plan_free(p);
		return errf(w->error, sizeof w->error, "out of memory");
	}
	for (pl = 0; pl < planes; pl++)
		for (by = by0; by <= by1; by++)
			for (bx = bx0; bx <= bx1; bx++) {
				uint64_t idx = (uint64_t)pl * l->blocks_across * l->blocks_down +
				    (uint64_t)by * l->blocks_across + bx;
				struct block *b = &p->b[p->nb];
				if (idx >= l->nblocks) {
					plan_free(p);
					return errf(w->error, sizeof w->error, "block %llu out of range",
					    (unsigned long long)idx);
				}
				b->idx = idx;
				b->off = l->offsets[idx];
				b->len = l->counts[idx];
				b->plane = pl;
				b->bx = bx;
				b->by = by;
				if (b->len > MAX_BLOCK + 65536 || b->off + b->len < b->off) {
					errf(w->error, sizeof w->error,
					    "absurd byte count %llu of block %llu",
					    (unsigned long long)b->len, (unsigned long long)idx);
					plan_free(p);
					return -1;
				}
				if (c->file_size && b->len && (b->off >= c->file_size ||
				    b->len > c->file_size - b->off)) {
					errf(w->error, sizeof w->error,
					    "block %llu at offset %llu past end of file (%llu bytes)",
					    (unsigned long long)idx, (unsigned long long)b->off,
					    (unsigned long long)c->file_size);
					plan_free(p);
					return -1;
				}
				p->nb++;
				/* Empty (sparse) blocks read as fill: nothing to fetch. */
				if (b->len) {
					p->r[p->nr].off = b->off;
					p->r[p->nr].len = b->len;
					p->nr++;
				}
			}
	qsort(p->b, p->nb, sizeof *p->b, cmp_block);
	p->nr = cog_merge_ranges(p->r, p->nr, MERGE_GAP);
	return 0;
}

long
cog_plan(struct cog_win *w, struct cog_range **out)
{
	struct plan p;

	*out = NULL;
	if (make_plan(w, &p) < 0)
		return -1;
	free(p.b);
	*out = p.r;
	return (long)p.nr;
}

static void
fill_plane(void *data, size_t n, enum dtype dt, double v)
{
	size_t i;

	switch (dt) {
	case DT_UINT8: {
		uint8_t x = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		memset(data, x, n);
		break;
	}
	case DT_UINT16: {
		uint16_t x = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v), *d = data;
		for (i = 0; i < n; i++)
			d[i] = x;
		break;
	}
	case DT_INT16: {
		int16_t x = (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v), *d = data;
		for (i = 0; i < n; i++)
			d[i] = x;
		break;
	}
	default: {
		float x = (float)v, *d = data;
		for (i = 0; i < n; i++)
			d[i] = x;
		break;
	}
	}
}

/* Decode the planned blocks from fetched ranges (data[i], len[i] for p->r[i]). */
static int
decode(struct cog_win *w, const struct plan *p, const unsigned char *const *bp,
    const uint64_t *bl)
{
	const struct cog *c = w->cog;
	const struct cog_level *l = &c->level[w->level];
	int bps8 = c->bps / 8, swap;
	int bspp = c->planar == 2 ? 1 : c->spp;	/* samples per pixel inside a block */
	size_t plane = (size_t)w->width * w->height;
	size_t bbytes = (size_t)l->block_w * l->block_h * bspp * bps8;
	unsigned char *buf = NULL, *out;
	long c0, r0, c1, r1;

#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	swap = !c->big_endian;
#else
	swap = c->big_endian;
#endif
	w->data = malloc(plane * c->spp * bps8);
	if (!w->data)
		return errf(w->error, sizeof w->error, "out of memory");
	out = w->data;
	for (int b = 0; b < c->spp; b++)
		fill_plane(out + b * plane * bps8, plane, c->dtype, w->fill);
	if (!clip(w, l, &c0, &r0, &c1, &r1)) {
		w->inside = 0;
		return 0;
	}
	w->inside = (uint64_t)(c1 - c0) * (r1 - r0);
	if (p->nb && (buf = malloc(bbytes)) == NULL)
		return errf(w->error, sizeof w->error, "out of memory");
	for (size_t k = 0; k < p->nb; k++) {
		const struct block *b = &p->b[k];
		long bc0 = (long)b->bx * l->block_w, br0 = (long)b->by * l->block_h;
		long rows = l->block_h;
		long xc0, xc1, xr0, xr1;
		size_t need;
		const unsigned char *src;

		/* A strip at the bottom holds only the rows left. */
		if (!l->tiled && br0 + rows > (long)l->height)
			rows = (long)l->height - br0;
		need = (size_t)l->block_w * rows * bspp * bps8;
		/* The part of the block inside the window and the image. */
		xc0 = bc0 > c0 ? bc0 : c0;
		xc1 = bc0 + (long)l->block_w < c1 ? bc0 + (long)l->block_w : c1;
		xr0 = br0 > r0 ? br0 : r0;
		xr1 = br0 + rows < r1 ? br0 + rows : r1;
		if (b->len == 0) {
			fill_plane(buf, need / bps8, c->dtype, c->has_nodata ? c->nodata : 0);
		} else {
			size_t rowbytes = (size_t)l->block_w * bspp * bps8;
			if (!bp[k] || bl[k] < b->len) {
				free(buf);
				return errf(w->error, sizeof w->error,
				    "short read of block %llu (file truncated?)",
				    (unsigned long long)b->idx);
			}
			src = bp[k];
			/* Predictors work row by row: undo them on the rows we copy only. */
			if (cog_decompress(c->compression, src, b->len, buf, need, w->error,
			    sizeof w->error) < 0 ||
			    cog_unpredict(buf + (size_t)(xr0 - br0) * rowbytes, (size_t)(xr1 - xr0),
			    (size_t)l->block_w * bspp, bspp, bps8, c->predictor, swap, w->error,
			    sizeof w->error) < 0) {
				char why[sizeof w->error];
				memcpy(why, w->error, sizeof why);
				snprintf(w->error, sizeof w->error, "block %llu: %.200s",
				    (unsigned long long)b->idx, why);
				free(buf);
				return -1;
			}
		}
		for (long r = xr0; r < xr1; r++) {
			const unsigned char *srow = buf + ((size_t)(r - br0) * l->block_w +
			    (size_t)(xc0 - bc0)) * bspp * bps8;
			for (int s = 0; s < bspp; s++) {
				int band = c->planar == 2 ? b->plane : s;
				unsigned char *drow = out + ((size_t)band * plane +
				    (size_t)(r - w->row0) * w->width + (size_t)(xc0 - w->col0)) * bps8;
				if (bspp == 1) {
					memcpy(drow, srow, (size_t)(xc1 - xc0) * bps8);
					continue;
				}
				if (bps8 == 1) {	/* the visual asset: a plain byte gather */
					for (long x = 0; x < xc1 - xc0; x++)
						drow[x] = srow[(size_t)x * bspp + s];
					continue;
				}
				for (long x = 0; x < xc1 - xc0; x++)
					memcpy(drow + x * bps8, srow + ((size_t)x * bspp + s) * bps8,
					    bps8);
			}
		}
	}
	free(buf);
	return 0;
}

/*
 * The ranges of a whole batch, fetched once: windows of nearby points (jittered
 * variants of one place) need the same tiles, so blocks are deduplicated across
 * windows before merging.  Each window holds a reference; the last frees it.
 */
struct sh_range {
	const struct cog *cog;
	uint64_t off, len;
	unsigned char *data;
	size_t got;
	int ok;
	char error[256];
};

struct shared {
	int refs;
	size_t n;
	struct sh_range *r;	/* sorted by (cog, off) */
};

static void
shared_unref(struct shared *sh)
{
	if (!sh || __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (size_t i = 0; i < sh->n; i++)
		free(sh->r[i].data);
	free(sh->r);
	free(sh);
}

static int
cmp_key(uintptr_t ca, uint64_t oa, uintptr_t cb, uint64_t ob)
{
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return oa < ob ? -1 : oa > ob;
}

static int
cmp_shr(const void *a, const void *b)
{
	const struct sh_range *x = a, *y = b;

	return cmp_key((uintptr_t)x->cog, x->off, (uintptr_t)y->cog, y->off);
}

/* The fetched range holding [off, off+len) of cog, or NULL. */
static const struct sh_range *
shared_find(const struct shared *sh, const struct cog *c, uint64_t off, uint64_t len)
{
	size_t lo = 0, hi = sh->n;

	/* Last range whose (cog, off) <= (c, off). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key((uintptr_t)sh->r[mid].cog, sh->r[mid].off, (uintptr_t)c, off) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct sh_range *r = &sh->r[lo - 1];
	if (r->cog != c || off < r->off || off - r->off > r->len || len > r->len - (off - r->off))
		return NULL;
	return r;
}

/* What cog_fetch_many leaves for cog_decode_many in w->priv. */
struct fetched {
	struct plan pl;
	struct shared *sh;
	int bad;
};

static void
fetched_free(struct cog_win *w)
{
	struct fetched *f = w->priv;

	if (!f)
		return;
	shared_unref(f->sh);
	plan_free(&f->pl);
	free(f);
	w->priv = NULL;
}

/* Out of memory while setting up the batch's requests: every window fails. */
static int
fetch_out_of_memory(struct cog_win *w, size_t n, struct shared *sh, size_t *owner)
{
	free(owner);
	shared_unref(sh);
	for (size_t i = 0; i < n; i++) {
		fetched_free(&w[i]);
		snprintf(w[i].error, sizeof w[i].error, "out of memory");
	}
	return (int)n;
}

int
cog_fetch_many(struct http *h, struct cog_win *w, size_t n)
{
	struct http_req *rq = NULL;
	struct shared *sh = calloc(1, sizeof *sh);
	size_t *owner = NULL;
	size_t i, j, k, nb = 0, nfail = 0;

	for (i = 0; i < n; i++) {
		struct fetched *f;
		w[i].ok = 0;
		w[i].data = NULL;
		w[i].error[0] = '\0';
		w[i].requests = w[i].bytes = w[i].inside = 0;
		w[i].priv = f = calloc(1, sizeof *f);
		if (!f || !sh) {
			snprintf(w[i].error, sizeof w[i].error, "out of memory");
			if (f)
				f->bad = 1;
			continue;
		}
		if (!w[i].cog) {
			snprintf(w[i].error, sizeof w[i].error, "no file");
			f->bad = 1;
		} else if (make_plan(&w[i], &f->pl) < 0)
			f->bad = 1;
		else
			nb += f->pl.nb;
	}
	if (!sh)
		return (int)n;
	/* Every block of every window once, then merged per file. */
	sh->refs = 1;
	sh->r = calloc(nb + 1, sizeof *sh->r);
	owner = calloc(nb + 1, sizeof *owner);
	if (!sh->r || !owner)
		return fetch_out_of_memory(w, n, sh, owner);
	for (i = 0; i < n; i++) {
		struct fetched *f = w[i].priv;
		if (!f || f->bad)
			continue;
		for (j = 0; j < f->pl.nb; j++)
			if (f->pl.b[j].len) {
				sh->r[sh->n].cog = w[i].cog;
				sh->r[sh->n].off = f->pl.b[j].off;
				sh->r[sh->n].len = f->pl.b[j].len;
				sh->r[sh->n].got = i;	/* first window wanting it, for now */
				sh->n++;
			}
	}
	qsort(sh->r, sh->n, sizeof *sh->r, cmp_shr);
	if (sh->n) {
		size_t m = 0;
		for (k = 1; k < sh->n; k++) {
			struct sh_range *a = &sh->r[m], *b = &sh->r[k];
			uint64_t end = a->off + a->len;
			if (b->cog == a->cog && b->off <= end + MERGE_GAP) {
				if (b->off + b->len > end)
					a->len = b->off + b->len - a->off;
				if (b->got < a->got)
					a->got = b->got;
			} else
				sh->r[++m] = *b;
		}
		sh->n = m + 1;
	}
	rq = calloc(sh->n + 1, sizeof *rq);
	if (!rq)
		return fetch_out_of_memory(w, n, sh, owner);
	for (k = 0; k < sh->n; k++) {
		owner[k] = sh->r[k].got;
		sh->r[k].got = 0;
		rq[k].url = sh->r[k].cog->url;
		rq[k].range_start = sh->r[k].off;
		rq[k].range_len = sh->r[k].len;
		rq[k].max_bytes = sh->r[k].len + 1024;
	}
	if (sh->n)
		http_fetch(h, rq, sh->n);
	for (k = 0; k < sh->n; k++) {
		struct sh_range *r = &sh->r[k];
		/* Each request is counted once, on the first window that needed it. */
		w[owner[k]].requests += rq[k].attempts > 0 ? (uint64_t)rq[k].attempts : 1;
		w[owner[k]].bytes += rq[k].len;
		r->ok = rq[k].ok;
		if (!r->ok)
			snprintf(r->error, sizeof r->error, "%s", rq[k].error);
		r->data = (unsigned char *)rq[k].data;
		r->got = rq[k].len;
		rq[k].data = NULL;
		http_req_clear(&rq[k]);
	}
	free(rq);
	free(owner);
	for (i = 0; i < n; i++) {
		struct fetched *f = w[i].priv;
		if (!f || f->bad) {
			nfail++;
			continue;
		}
		__atomic_add_fetch(&sh->refs, 1, __ATOMIC_RELAXED);
		f->sh = sh;
	}
	shared_unref(sh);
	return (int)nfail;
}

/* Decode one fetched window: point each block at its bytes, then decode. */
static int
decode_fetched(struct cog_win *w)
{
	struct fetched *f = w->priv;
	const unsigned char **bp;
	uint64_t *bl;
	int rc = -1;

	if (!f || f->bad)
		return -1;
	bp = calloc(f->pl.nb + 1, sizeof *bp);
	bl = calloc(f->pl.nb + 1, sizeof *bl);
	if (!bp || !bl) {
		snprintf(w->error, sizeof w->error, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < f->pl.nb; k++) {
		const struct block *b = &f->pl.b[k];
		const struct sh_range *r;
		if (b->len == 0)
			continue;
		if (!f->sh || (r = shared_find(f->sh, w->cog, b->off, b->len)) == NULL) {
			snprintf(w->error, sizeof w->error, "block %llu was not fetched",
			    (unsigned long long)b->idx);
			goto out;
		}
		if (!r->ok) {
			snprintf(w->error, sizeof w->error, "%s", r->error);
			goto out;
		}
		if (b->off - r->off < r->got) {
			bp[k] = r->data + (b->off - r->off);
			bl[k] = r->got - (b->off - r->off);
		}
	}
	rc = decode(w, &f->pl, bp, bl);
out:
	free(bp);
	free(bl);
	return rc;
}

/* Decoding the windows of a batch on every core: each window is independent. */
struct dec_pool {
	struct cog_win *w;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *
dec_worker(void *arg)
{
	struct dec_pool *p = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		struct cog_win *w = &p->w[i];
		if (decode_fetched(w) == 0)
			w->ok = 1;
		else {
			free(w->data);
			w->data = NULL;
		}
		fetched_free(w);
	}
}

int
cog_decode_many(struct cog_win *w, size_t n)
{
	struct dec_pool p = { w, n, 0, PTHREAD_MUTEX_INITIALIZER };
	pthread_t th[COG_MAX_THREADS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = ncpu > 1 ? (size_t)ncpu : 1, k, started = 0, nfail = 0;

	cog_codec_init();
	if (nt > COG_MAX_THREADS)
		nt = COG_MAX_THREADS;
	if (nt > n)
		nt = n;
	for (k = 1; k < nt; k++)
		if (pthread_create(&th[started], NULL, dec_worker, &p) == 0)
			started++;
	dec_worker(&p);
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	pthread_mutex_destroy(&p.mu);
	for (k = 0; k < n; k++)
		if (!w[k].ok)
			nfail++;
	return (int)nfail;
}

int
cog_read_many(struct http *h, struct cog_win *w, size_t n)
{
	cog_fetch_many(h, w, n);
	return cog_decode_many(w, n);
}

int
cog_read_mem(const unsigned char *buf, size_t len, struct cog_win *w)
{
	struct plan p;
	const unsigned char **bp;
	uint64_t *bl;
	int rc = -1;

	w->ok = 0;
	w->data = NULL;
	w->error[0] = '\0';
	w->requests = w->bytes = w->inside = 0;
	cog_codec_init();
	if (make_plan(w, &p) < 0)
		return -1;
	bp = calloc(p.nb + 1, sizeof *bp);
	bl = calloc(p.nb + 1, sizeof *bl);
	if (!bp || !bl)
		errf(w->error, sizeof w->error, "out of memory");
	else {
		for (size_t k = 0; k < p.nb; k++)
			if (p.b[k].off < len) {
				bp[k] = buf + p.b[k].off;
				bl[k] = len - p.b[k].off;
			}
		if (decode(w, &p, bp, bl) == 0) {
			w->ok = 1;
			rc = 0;
		}
	}
	if (rc < 0) {
		free(w->data);
		w->data = NULL;
	}
	free(bp);
	free(bl);
	plan_free(&p);
	return rc;
}

void
cog_win_clear(struct cog_win *w)
{
	free(w->data);
	w->data = NULL;
	fetched_free(w);
}
