/*
 * labelsrc.h - land-cover GeoTIFFs to read class codes from, by window: a
 * local file (a path or file:// URL) through libtiff (lib/tifread.h), an
 * http(s) URL through the COG range reader (lib/cog.h), only the tiles or
 * strips a window needs.
 *
 * Work comes in batches, so that remote files share one round of header
 * requests and one round of tile requests: get the sources a batch needs from
 * the cache, open the untried ones together, read the batch's windows
 * together, then end the batch, which keeps the last LABELSRC_KEEP sources
 * used for the next one and forgets failures, so they are tried again.
 *
 *	struct labelsrc_cache *lc = labelsrc_cache_new(http, 1);  // band 1; http NULL: local only
 *	struct labelsrc *s = labelsrc_get(lc, url, "name for messages", 0);
 *	bytes += labelsrc_open(lc);
 *	if (s->state != LABELSRC_OPEN) puts(s->error);
 *	struct labelsrc_win w = { .src = s, .col0 = 10, .row0 = 20, .width = 300,
 *	    .height = 200 }, *ws[1] = { &w };
 *	bytes += labelsrc_read(lc, ws, 1);
 *	if (w.ok) use(w.plane); else puts(w.error);
 *	labelsrc_win_clear(&w);
 *	labelsrc_batch_end(lc);
 *	labelsrc_cache_free(lc);
 *
 * A source opens only if it can hold class codes: georeferenced, in a CRS
 * named by an EPSG code, with integer samples (uint8, uint16, int16), and
 * with the band asked for.  Messages name remote sources without their query
 * string (http_redact).
 */
#ifndef LABELSRC_H
#define LABELSRC_H

#include <stddef.h>
#include <stdint.h>
#include "cog.h"
#include "tifread.h"

struct http;

#define LABELSRC_KEEP 32		/* opened sources kept between batches */

enum labelsrc_state {
	LABELSRC_UNTRIED,
	LABELSRC_OPEN,
	LABELSRC_FAILED,		/* error says why */
	LABELSRC_ABSENT			/* not there, and allowed to be: no pixels */
};

/* labelsrc_get flags */
#define LABELSRC_ABSENT_OK 1		/* a missing file (no such file, HTTP 404) is
					   no fault: LABELSRC_ABSENT, not FAILED */

struct labelsrc {
	char url[2048];			/* local path (file:// stripped) or http(s) URL */
	char name[2048];		/* what messages call it */
	enum labelsrc_state state;
	char error[4096];
	int width, height, spp;
	enum dtype dtype;
	double inv[6];			/* georeference -> pixel */
	char crs[64];			/* "EPSG:n" */
	int has_nodata;
	double nodata;
	/* private */
	int remote, flags;
	uint64_t used;			/* the batch that last got it */
	struct tifread tr;		/* local: must not move (libtiff keeps &tr) */
	struct cog *cog;		/* remote */
};

struct labelsrc_cache;

/* band: 1-based, the band every source must have and windows give. */
struct labelsrc_cache *labelsrc_cache_new(struct http *h, int band);
void labelsrc_cache_free(struct labelsrc_cache *lc);

/* The cached source for url (file:// or not), or a new untried one named name;
 * NULL when out of memory.  Pointers stay valid until labelsrc_batch_end. */
struct labelsrc *labelsrc_get(struct labelsrc_cache *lc, const char *url, const char *name,
    int flags);
/* Open every untried source got since the last batch end; returns the bytes
 * fetched. */
uint64_t labelsrc_open(struct labelsrc_cache *lc);

struct labelsrc_win {
	/* in */
	struct labelsrc *src;		/* open */
	long col0, row0;		/* top-left source pixel */
	int width, height;
	/* out */
	int ok;
	char error[1536];		/* why not ok */
	const void *plane;		/* width x height samples of the band, src->dtype */
	/* private */
	void *buf;
	struct cog_win cw;
};

/* Read n windows: local ones one after the other, remote ones all at once.
 * Returns the bytes fetched. */
uint64_t labelsrc_read(struct labelsrc_cache *lc, struct labelsrc_win **w, size_t n);
void labelsrc_win_clear(struct labelsrc_win *w);

/* After a batch: forget failed sources and all but the LABELSRC_KEEP last used. */
void labelsrc_batch_end(struct labelsrc_cache *lc);

#endif
