/*
 * cog.h - windowed reads of (Cloud-Optimized) GeoTIFFs from byte ranges, in
 * three phases never interleaved (DESIGN.md section 5):
 *
 *   1. open: fetch the first 16 KiB of every file at once, parse the TIFF or
 *      BigTIFF header and IFDs from those bytes, and fetch more only when the
 *      IFDs or their offset arrays lie further (all files of the batch together);
 *   2. plan + fetch: list the tiles or strips a pixel window touches, fetch
 *      each block once for all the windows of the batch (nearby points share
 *      tiles), merging adjacent byte ranges into one request;
 *   3. decode from memory: DEFLATE, LZW, PackBits, ZSTD, none; predictors 1-3.
 *
 * No network call hides inside a decode callback: all fetching goes through
 * http_fetch (lib/http.h) in phases 1 and 2, so many files and many records
 * share one batch of concurrent requests.  Everything read from a file is
 * bounds-checked: a corrupt or hostile file gives an error, never a crash or
 * an unbounded allocation.
 *
 * Calling sequence:
 *
 *	struct cog_cache *cache = cog_cache_new(64);
 *	struct cog_open op[2] = {{ .url = "https://.../B04.tif" }, { .url = ... }};
 *	cog_open_many(http, cache, op, 2);		// phase 1 for all files
 *	if (!op[0].cog) puts(op[0].error);
 *	struct cog_win w = { .cog = op[0].cog, .level = 0, .col0 = 100, .row0 = 200,
 *	    .width = 512, .height = 512, .fill = 0 };
 *	cog_read_many(http, &w, 1);			// phases 2 and 3
 *	if (w.ok) use(w.data);	// cog->spp planes of width*height samples, host order
 *	cog_win_clear(&w);
 *	cog_unref(op[0].cog); cog_unref(op[1].cog);
 *	cog_cache_free(cache);
 *
 * Pixels outside the image are set to w.fill; pixels inside are copied
 * bit-exactly (no resampling).
 */
#ifndef COG_H
#define COG_H

#include <stddef.h>
#include <stdint.h>
#include "raster.h"

struct http;

#define COG_MAX_LEVELS 16

/* One image of the file: the full resolution (level 0) or an overview. */
struct cog_level {
	uint32_t width, height;
	uint32_t block_w, block_h;	/* tile size, or width x RowsPerStrip for strips */
	int tiled;
	uint32_t blocks_across, blocks_down;
	uint64_t nblocks;		/* blocks per plane x planes */
	uint64_t *offsets, *counts;	/* nblocks each */
	double t[6];			/* affine of this level (proj:transform order) */
};

struct cog {
	char *url;
	int refs;
	int bigtiff, big_endian;
	uint64_t file_size;		/* 0 when unknown */
	uint16_t spp;			/* samples per pixel = bands */
	uint16_t bps;			/* bits per sample: 8, 16 or 32 */
	uint16_t sample_format;		/* 1 uint, 2 int, 3 float */
	uint16_t compression;		/* 1, 5, 8, 32946, 32773, 50000 */
	uint16_t predictor;		/* 1, 2, 3 */
	uint16_t planar;		/* 1 contiguous, 2 separate */
	enum dtype dtype;
	int nlevels;			/* 1 + overviews, largest first */
	struct cog_level level[COG_MAX_LEVELS];
	int epsg;			/* from GeoKeys (ProjectedCSType or GeographicType), 0 if none */
	int has_georef;
	int pixel_is_point;		/* GTRasterType 2: origin already shifted half a pixel */
	int has_nodata;			/* GDAL_NODATA tag */
	double nodata;
	uint64_t header_bytes;		/* bytes fetched to parse the header */
};

/* Parse a whole file (or a prefix holding all IFDs and arrays) held in memory.
 * NULL with err set when it is not a readable TIFF or needs bytes beyond len. */
struct cog *cog_parse_mem(const unsigned char *buf, size_t len, const char *url,
    char *err, size_t errlen);
void cog_ref(struct cog *c);
void cog_unref(struct cog *c);		/* frees at zero; NULL is fine */

/* Bounded LRU of parsed headers per URL, so a second window in a scene costs
 * only its tile requests.  Use a cache from one thread at a time (cog_ref and
 * cog_unref themselves are atomic). */
struct cog_cache;
struct cog_cache *cog_cache_new(size_t max_entries);
void cog_cache_free(struct cog_cache *cc);

/* Phase 1 for many files at once. */
struct cog_open {
	const char *url;		/* in */
	struct cog *cog;		/* out: a reference (cog_unref it), NULL on error */
	char error[256];		/* "why" when cog is NULL */
	uint64_t requests, bytes;	/* network spent on this header (0 from the cache) */
};
/* cache may be NULL.  Returns the number of files that failed. */
int cog_open_many(struct http *h, struct cog_cache *cache, struct cog_open *o, size_t n);

/* Level whose pixel size is res (within 1%), -1 if none. */
int cog_level_for_res(const struct cog *c, double res);

/* Phases 2 and 3 for many windows at once. */
struct cog_win {
	/* in */
	struct cog *cog;
	int level;			/* index into cog->level */
	long col0, row0;		/* top-left pixel of the window in that level */
	int width, height;
	double fill;			/* value for pixels outside the image */
	/* out */
	int ok;
	void *data;			/* cog->spp planes of width*height samples, host order */
	char error[256];
	uint64_t requests, bytes;	/* a request shared by windows counts on the first */
	uint64_t inside;		/* window pixels that lie inside the image */
	void *priv;			/* fetched bytes between the two halves below */
};
/* Returns the number of windows that failed.  A window whose cog is NULL is
 * skipped (not ok). */
int cog_read_many(struct http *h, struct cog_win *w, size_t n);
/* cog_read_many in its two halves, so a caller can fetch the next batch on one
 * thread while this one decodes on another: plan and fetch (keeps the bytes in
 * w->priv), then decode (frees them).  Each returns the windows that failed. */
int cog_fetch_many(struct http *h, struct cog_win *w, size_t n);
int cog_decode_many(struct cog_win *w, size_t n);
void cog_win_clear(struct cog_win *w);	/* frees data (and fetched bytes) */

/* The same on a file held whole in memory (tests, local tools).  0 ok, -1 err. */
int cog_read_mem(const unsigned char *buf, size_t len, struct cog_win *w);

/* Byte ranges a window needs, after merging (phase 2 alone, for tests and the
 * benchmark): *out is malloc'd.  Returns the count, or -1 (w->error set). */
struct cog_range { uint64_t off, len; };
long cog_plan(struct cog_win *w, struct cog_range **out);

#endif
