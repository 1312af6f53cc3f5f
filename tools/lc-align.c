/*
 * lc-align - land cover on the very grid of each record: adds a "label"
 * raster sampled nearest-neighbour, pixel centre to pixel centre, through
 * PROJ, from any GeoTIFF (--source) or from the ESA WorldCover tiles
 * (--worldcover), or from Earth Engine (--earth-engine, getPixels on the
 * record's grid), and a "landcover" key naming the source and its classes.
 *
 * The centre of every grid pixel is transformed into the source's CRS and
 * takes the value of the source pixel that contains it (floor(x + 1e-10), as
 * gdalwarp -r near does), so the labels equal gdalwarp's on the same target
 * grid and gdal_translate -srcwin's when the grids coincide.
 *
 * Local sources are read with libtiff, only the tiles or strips the window
 * needs; http(s) sources through the COG range reader, the records of a batch
 * (-j) sharing one round of header fetches and one round of tile fetches.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cog.h"
#include "ee.h"
#include "geo.h"
#include "http.h"
#include "landcover.h"
#include "rec.h"
#include "tifread.h"
#include "tool.h"
#include "worldcover.h"

static const char usage[] =
    "usage: lc-align [-hq] [-j N] (--source FILE|URL | --worldcover |\n"
    "                --earth-engine ASSET) [--band N] [--worldcover-url TEMPLATE]\n"
    "                [--ee-band NAME] [--ee-token-file FILE] [--ee-url URL]\n"
    "                [--classes FILE | --dynamic-world]\n"
    "                [--max-retries N] [--timeout S] [--progress] [--rejects FILE]\n"
    "                [--spool DIR]\n"
    "                [< in] [> out]\n"
    "  --source FILE|URL        land-cover GeoTIFF: local path, file:// or http(s) URL\n"
    "  --band N                 band of the source holding the classes (1)\n"
    "  --worldcover             ESA WorldCover 2021 v200 tiles, fetched as needed\n"
    "  --worldcover-url TMPL    where the tiles are: a URL or path with {TILE}\n"
    "                           (N00E006...), or a folder holding the official names\n"
    "  --earth-engine ASSET     Earth Engine image asset read with getPixels on the\n"
    "                           record's grid (ESA/WorldCover/v200/2021, a Dynamic\n"
    "                           World image, projects/P/assets/...)\n"
    "  --ee-band NAME           its band (Map for WorldCover, label for Dynamic World)\n"
    "  --ee-token-file FILE     OAuth2 bearer token (default: $EE_ACCESS_TOKEN)\n"
    "  --ee-url URL             API root (https://earthengine.googleapis.com/v1)\n"
    "  --classes FILE           class table, JSON [{\"id\",\"name\",\"color\"}, ...]\n"
    "  --dynamic-world          the Dynamic World V1 label classes (0 water .. 8 snow)\n"
    "  -j, --jobs N             records in flight at once (4)\n"
    "  --max-retries N          retries per request (4)\n"
    "  --timeout S              seconds for one HTTP transfer (120)\n"
    "  -q, --quiet              no progress line, no per-record messages\n"
    "  --progress               progress line even when stderr is not a terminal\n"
    "  --rejects FILE           records that cannot be labelled go there (default stderr)\n"
    "  --spool DIR              write rasters as GeoTIFFs in DIR instead of inline\n"
    "  -h, --help               this text;  --version  the version\n";

enum {
	OPT_SOURCE = OPT_TOOL_FIRST, OPT_BAND, OPT_WORLDCOVER, OPT_WORLDCOVER_URL,
	OPT_CLASSES, OPT_DYNAMIC_WORLD, OPT_EARTH_ENGINE, OPT_EE_BAND, OPT_EE_TOKEN_FILE,
	OPT_EE_URL
};

#define MAX_PARTS	16		/* sources one record may read (WorldCover tiles) */
#define KEEP_SOURCES	32		/* opened sources kept between batches */
#define MAX_GRID_PX	((size_t)1 << 26)	/* 25 bytes of work per pixel */
#define MAX_WIN_PX	((uint64_t)1 << 28)
#define NXFORM		8
#define NONE		WORLDCOVER_OFF

/* One land-cover GeoTIFF: the --source, or one WorldCover tile. */
struct source {
	char url[2048];			/* local path (file:// stripped) or http(s) URL */
	char tile[8];			/* WorldCover tile name, "" otherwise */
	int remote;
	int state;			/* 0 untried, 1 open, -1 unusable, -2 absent */
	char error[4096];
	struct tifread tr;		/* local: must not move (libtiff keeps &tr) */
	struct cog *cog;		/* remote */
	int width, height, spp;
	enum dtype dtype;
	double inv[6];			/* georeference -> pixel */
	char crs[64];
	int has_nodata;
	double nodata;
	uint64_t used;			/* batch that last used it */
};

/* The part of one record read from one source. */
struct part {
	struct source *s;
	long c0, r0, c1, r1;		/* window of needed source pixels, [c0,c1) x [r0,r1) */
	uint64_t inside;		/* grid pixels that fall in this source */
	unsigned char *buf;		/* local reads: spp planes of the window */
	struct cog_win win;		/* remote reads */
	const unsigned char *plane;	/* the --band plane of the window */
};

struct job {
	struct rec r;
	int bad;
	char why[1024];
	size_t n;
	double *x, *y;			/* pixel centres, then in the source CRS */
	int32_t *col, *row;		/* source pixel of each grid pixel */
	uint8_t *pi;			/* its part, NONE if no source has it */
	struct part parts[MAX_PARTS];
	int nparts;
	struct source *ee;		/* --earth-engine: the response, on the grid */
	struct ee_pixels px;
};

struct xf {
	char src[64], dst[64];
	struct geo_xform *x;
	uint64_t used;
};

static struct {
	struct tool t;
	const char *source;		/* --source as given */
	char source_name[2048];		/* for "landcover.source" (URL query redacted) */
	const char *wc_tmpl;		/* --worldcover: URL template */
	int worldcover;
	int band;			/* 1-based */
	json_t *classes;
	enum dtype label_dt;
	int label_dt_known;
	struct http *http;
	struct cog_cache *cog_cache;
	struct source **src;
	size_t nsrc;
	struct xf xf[NXFORM];
	uint64_t batch;
	const char *ee_asset;		/* --earth-engine */
	const char *ee_band;
	char ee_endpoint[2048];		/* .../assets/ASSET:getPixels */
	struct ee ee;
} G;

static void
job_clear(struct job *j)
{
	int k;

	free(j->x);
	free(j->y);
	free(j->col);
	free(j->row);
	free(j->pi);
	for (k = 0; k < j->nparts; k++) {
		free(j->parts[k].buf);
		cog_win_clear(&j->parts[k].win);
	}
	j->x = j->y = NULL;
	j->col = j->row = NULL;
	j->pi = NULL;
	j->nparts = 0;
	free(j->ee);
	j->ee = NULL;
	ee_pixels_clear(&j->px);
}

static void
bad(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bad(struct job *j, const char *fmt, ...)
{
	va_list ap;

	if (j->bad)
		return;
	j->bad = 1;
	va_start(ap, fmt);
	vsnprintf(j->why, sizeof j->why, fmt, ap);
	va_end(ap);
}

static int
is_local(const char *url)
{
	return !http_is_remote(url);
}

static void
source_free(struct source *s)
{
	if (s == NULL)
		return;
	if (s->state == 1 && !s->remote)
		tifread_close(&s->tr);
	cog_unref(s->cog);
	free(s);
}

/* The cached source for url, or a new untried one. */
static struct source *
source_get(const char *url, const char *tile)
{
	struct source *s, **grown;
	size_t i;

	for (i = 0; i < G.nsrc; i++)
		if (strcmp(G.src[i]->url, url) == 0) {
			G.src[i]->used = G.batch;
			return G.src[i];
		}
	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	if (strncmp(url, "file://", 7) == 0)
		url += 7;
	snprintf(s->url, sizeof s->url, "%s", url);
	snprintf(s->tile, sizeof s->tile, "%s", tile ? tile : "");
	s->remote = !is_local(url);
	s->used = G.batch;
	if ((grown = realloc(G.src, (G.nsrc + 1) * sizeof *grown)) == NULL) {
		free(s);
		return NULL;
	}
	G.src = grown;
	G.src[G.nsrc++] = s;
	return s;
}

/* After a batch: forget the least recently used sources beyond KEEP_SOURCES,
 * and failed ones, so a later batch tries them again. */
static void
sources_trim(void)
{
	size_t i, k;

	for (i = k = 0; i < G.nsrc; i++) {
		if (G.src[i]->state == -1 && G.worldcover) {
			source_free(G.src[i]);
			continue;
		}
		G.src[k++] = G.src[i];
	}
	G.nsrc = k;
	while (G.nsrc > KEEP_SOURCES) {
		size_t old = 0;

		for (i = 1; i < G.nsrc; i++)
			if (G.src[i]->used < G.src[old]->used)
				old = i;
		source_free(G.src[old]);
		memmove(&G.src[old], &G.src[old + 1], (G.nsrc - old - 1) * sizeof *G.src);
		G.nsrc--;
	}
}

/* Check what an opened source offers; fix the label dtype on first success. */
static void
source_ready(struct source *s, const double t[6], int has_t)
{
	const char *name = s->tile[0] ? s->tile : G.source_name;

	if (!has_t || geo_invert(t, s->inv) != 0) {
		snprintf(s->error, sizeof s->error, "%s: no usable georeference", name);
		s->state = -1;
		return;
	}
	if (s->crs[0] == '\0') {
		snprintf(s->error, sizeof s->error, "%s: names no CRS that PROJ knows (no "
		    "EPSG code in its GeoKeys)", name);
		s->state = -1;
		return;
	}
	if (s->dtype == DT_FLOAT32) {
		snprintf(s->error, sizeof s->error, "%s: float32 samples; class codes must "
		    "be integers (uint8, uint16 or int16)", name);
		s->state = -1;
		return;
	}
	if (G.band > s->spp) {
		snprintf(s->error, sizeof s->error, "%s: has %d band%s, --band is %d", name,
		    s->spp, s->spp == 1 ? "" : "s", G.band);
		s->state = -1;
		return;
	}
	s->state = 1;
	if (!G.label_dt_known) {
		G.label_dt = s->dtype == DT_UINT8 ? DT_UINT8 : DT_UINT16;
		G.label_dt_known = 1;
	}
}

/* Open every untried source of this batch: local ones with libtiff, remote
 * ones together through the COG reader. */
static void
sources_open(void)
{
	struct cog_open *op;
	struct source **rs;
	size_t i, nr = 0;
	char err[600];

	op = calloc(G.nsrc + 1, sizeof *op);
	rs = calloc(G.nsrc + 1, sizeof *rs);
	if (op == NULL || rs == NULL)
		tool_fatal(&G.t, "out of memory");
	for (i = 0; i < G.nsrc; i++) {
		struct source *s = G.src[i];

		if (s->state != 0 || s->used != G.batch)
			continue;
		if (s->remote) {
			op[nr].url = s->url;
			rs[nr++] = s;
			continue;
		}
		errno = 0;
		if (tifread_open(&s->tr, s->url, err, sizeof err) != 0) {
			s->state = errno == ENOENT && s->tile[0] ? -2 : -1;
			snprintf(s->error, sizeof s->error, "%s", err);
			continue;
		}
		s->width = s->tr.width;
		s->height = s->tr.height;
		s->spp = s->tr.spp;
		s->dtype = s->tr.dtype;
		s->has_nodata = s->tr.has_nodata;
		s->nodata = s->tr.nodata;
		snprintf(s->crs, sizeof s->crs, "%s", s->tr.grid.crs);
		source_ready(s, s->tr.grid.t, s->tr.has_grid);
		if (s->state != 1)
			tifread_close(&s->tr);
	}
	if (nr > 0) {
		cog_open_many(G.http, G.cog_cache, op, nr);
		for (i = 0; i < nr; i++) {
			struct source *s = rs[i];
			struct cog *c = op[i].cog;

			G.t.bytes_fetched += op[i].bytes;
			if (c == NULL) {
				char red[1024];

				/* WorldCover has tiles on land only: a 404 is sea, not a fault. */
				s->state = s->tile[0] && strstr(op[i].error, "HTTP 404") ? -2 : -1;
				http_redact(s->url, red, sizeof red);
				if (strncmp(op[i].error, red, strlen(red)) == 0)
					snprintf(s->error, sizeof s->error, "%s", op[i].error);
				else
					snprintf(s->error, sizeof s->error, "%s: %s", red,
					    op[i].error);
				continue;
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
			source_ready(s, c->level[0].t, c->has_georef);
		}
	}
	free(op);
	free(rs);
}

static int
same_crs(const char *a, const char *b)
{
	int ea = geo_epsg_of(a), eb = geo_epsg_of(b);

	return strcmp(a, b) == 0 || (ea > 0 && ea == eb);
}

/* A cached PROJ transformation grid CRS -> source CRS. */
static struct geo_xform *
xform_get(const char *src, const char *dst, char *err, size_t errlen)
{
	int i, old = 0;

	for (i = 0; i < NXFORM; i++) {
		if (G.xf[i].x != NULL && strcmp(G.xf[i].src, src) == 0 &&
		    strcmp(G.xf[i].dst, dst) == 0) {
			G.xf[i].used = G.batch;
			return G.xf[i].x;
		}
		if (G.xf[i].x == NULL || G.xf[i].used < G.xf[old].used)
			old = i;
	}
	geo_xform_free(G.xf[old].x);
	memset(&G.xf[old], 0, sizeof G.xf[old]);
	if ((G.xf[old].x = geo_xform_new(src, dst, err, errlen)) == NULL)
		return NULL;
	snprintf(G.xf[old].src, sizeof G.xf[old].src, "%s", src);
	snprintf(G.xf[old].dst, sizeof G.xf[old].dst, "%s", dst);
	G.xf[old].used = G.batch;
	return G.xf[old].x;
}

/* Phase 1 of a record: centres in the source CRS, and which source has each. */
static void
job_prepare(struct job *j)
{
	const struct grid *g = &j->r.grid;
	const char *dst;
	struct worldcover_tile tiles[MAX_PARTS];
	char err[600];
	size_t i, n;
	int col, row, k, nt;

	if (!j->r.has_grid) {
		bad(j, "no \"grid\": lc-align labels the record's own grid (run cog-read "
		    "first, or give the record a grid)");
		return;
	}
	if (g->width <= 0 || g->height <= 0 ||
	    (size_t)g->width * (size_t)g->height > MAX_GRID_PX) {
		bad(j, "grid: %dx%d pixels, more than the %zu lc-align labels at once "
		    "(tile the grid first)", g->width, g->height, MAX_GRID_PX);
		return;
	}
	if (g->crs[0] == '\0') {
		bad(j, "grid: no \"crs\"");
		return;
	}
	n = j->n = (size_t)g->width * (size_t)g->height;
	j->x = malloc(n * sizeof *j->x);
	j->y = malloc(n * sizeof *j->y);
	j->col = malloc(n * sizeof *j->col);
	j->row = malloc(n * sizeof *j->row);
	j->pi = malloc(n);
	if (!j->x || !j->y || !j->col || !j->row || !j->pi)
		tool_fatal(&G.t, "out of memory for a %dx%d grid", g->width, g->height);
	i = 0;
	for (row = 0; row < g->height; row++)
		for (col = 0; col < g->width; col++, i++)
			geo_apply(g->t, col + 0.5, row + 0.5, &j->x[i], &j->y[i]);

	if (G.worldcover)
		dst = "EPSG:4326";
	else {
		struct source *s = G.src[0];

		if (s->state != 1) {
			bad(j, "%s", s->error);
			return;
		}
		dst = s->crs;
	}
	if (!same_crs(g->crs, dst)) {
		struct geo_xform *x = xform_get(g->crs, dst, err, sizeof err);

		if (x == NULL) {
			bad(j, "grid CRS: %s", err);
			return;
		}
		if (geo_xform_points(x, j->x, j->y, n, err, sizeof err) != 0) {
			bad(j, "grid to the source's CRS: %s", err);
			return;
		}
	}

	if (!G.worldcover) {
		j->parts[0].s = G.src[0];
		j->nparts = 1;
		memset(j->pi, 0, n);
		return;
	}
	switch (worldcover_cover(G.wc_tmpl, j->x, j->y, n, j->pi, tiles, MAX_PARTS, &nt)) {
	case WORLDCOVER_OK:
		break;
	case WORLDCOVER_TOO_MANY:
		bad(j, "grid spans more than %d WorldCover tiles", MAX_PARTS);
		return;
	case WORLDCOVER_URL_TOO_LONG:
		bad(j, "--worldcover-url: URL too long");
		return;
	}
	for (k = 0; k < nt; k++) {
		if ((j->parts[k].s = source_get(tiles[k].url, tiles[k].name)) == NULL)
			tool_fatal(&G.t, "out of memory");
		j->nparts++;
	}
}

/* Phase 2: the source pixel of every centre and the window each part needs. */
static void
job_locate(struct job *j)
{
	size_t i;
	int k, absent = 0;
	uint64_t inside = 0;

	for (k = 0; k < j->nparts; k++) {
		struct source *s = j->parts[k].s;

		if (s->state == -1) {
			bad(j, "%s", s->error);
			return;
		}
		absent += s->state == -2;
		j->parts[k].c0 = j->parts[k].r0 = LONG_MAX;
		j->parts[k].c1 = j->parts[k].r1 = LONG_MIN;
	}
	for (i = 0; i < j->n; i++) {
		struct part *p;
		struct source *s;
		double fc, fr;
		long c, r;

		if (j->pi[i] == NONE)
			continue;
		p = &j->parts[j->pi[i]];
		s = p->s;
		if (s->state != 1) {
			j->pi[i] = NONE;
			continue;
		}
		fc = s->inv[0] * j->x[i] + s->inv[1] * j->y[i] + s->inv[2];
		fr = s->inv[3] * j->x[i] + s->inv[4] * j->y[i] + s->inv[5];
		if (!(fabs(fc) < 1e9 && fabs(fr) < 1e9)) {
			j->pi[i] = NONE;
			continue;
		}
		/* gdalwarp's nearest: floor(x + 1e-10). */
		c = (long)floor(fc + 1e-10);
		r = (long)floor(fr + 1e-10);
		/* A WorldCover tile edge point was put in its tile by the global
		 * grid; a last-bit difference in the tile's own transform may not
		 * move it out. */
		if (s->tile[0]) {
			if (c == -1 || c == s->width)
				c = c < 0 ? 0 : s->width - 1;
			if (r == -1 || r == s->height)
				r = r < 0 ? 0 : s->height - 1;
		}
		if (c < 0 || r < 0 || c >= s->width || r >= s->height) {
			j->pi[i] = NONE;
			continue;
		}
		j->col[i] = (int32_t)c;
		j->row[i] = (int32_t)r;
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
	if (inside == 0) {
		double b[4];

		geo_window_bounds(j->r.grid.t, j->r.grid.width, j->r.grid.height, b);
		if (G.worldcover) {
			char list[200] = "";
			size_t len = 0;

			for (k = 0; k < j->nparts && len + 10 < sizeof list; k++)
				len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
				    k ? ", " : "", j->parts[k].s->tile);
			bad(j, "no WorldCover tile covers the grid (%s [%.3f %.3f %.3f %.3f]): "
			    "%s%s", j->r.grid.crs, b[0], b[1], b[2], b[3],
			    absent ? "no such tile: " : "tiles do not reach it: ",
			    j->nparts ? list : "off the Earth");
		} else
			bad(j, "%s does not cover the grid (%s [%.3f %.3f %.3f %.3f])",
			    G.source_name, j->r.grid.crs, b[0], b[1], b[2], b[3]);
		return;
	}
	for (k = 0; k < j->nparts; k++) {
		struct part *p = &j->parts[k];

		if (p->inside == 0)
			continue;
		if ((uint64_t)(p->c1 - p->c0) * (uint64_t)(p->r1 - p->r0) > MAX_WIN_PX) {
			bad(j, "%s: the grid needs a %ldx%ld pixel window of it (grid much "
			    "coarser than the source?)", p->s->tile[0] ? p->s->tile :
			    G.source_name, p->c1 - p->c0, p->r1 - p->r0);
			return;
		}
	}
}

/* Phase 3: read the windows, local ones now, remote ones of the batch together. */
static void
batch_read(struct job *jobs, size_t n)
{
	struct cog_win **wins = NULL;
	size_t i, nw = 0, cap = 0;
	char err[600];
	int k;

	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];

		for (k = 0; k < j->nparts && !j->bad; k++) {
			struct part *p = &j->parts[k];
			struct source *s = p->s;
			size_t w = (size_t)(p->c1 - p->c0), h = (size_t)(p->r1 - p->r0);
			size_t plane = w * h * dtype_size(s->dtype);

			if (p->inside == 0)
				continue;
			if (s->remote) {
				p->win.cog = s->cog;
				p->win.level = 0;
				p->win.col0 = p->c0;
				p->win.row0 = p->r0;
				p->win.width = (int)w;
				p->win.height = (int)h;
				p->win.fill = 0;
				if (nw == cap) {
					cap = cap ? cap * 2 : 16;
					wins = realloc(wins, cap * sizeof *wins);
					if (wins == NULL)
						tool_fatal(&G.t, "out of memory");
				}
				wins[nw++] = &p->win;
				continue;
			}
			if ((p->buf = malloc(plane * (size_t)s->spp)) == NULL)
				tool_fatal(&G.t, "out of memory for a %zux%zu window", w, h);
			if (tifread_window(&s->tr, p->c0, p->r0, (int)w, (int)h, 0, p->buf,
			    err, sizeof err) != 0) {
				bad(j, "%s", err);
				break;
			}
			p->plane = p->buf + plane * (size_t)(G.band - 1);
		}
	}
	if (nw > 0) {
		/* cog_read_many wants an array of windows: gather, read, scatter. */
		struct cog_win *arr = calloc(nw, sizeof *arr);

		if (arr == NULL)
			tool_fatal(&G.t, "out of memory");
		for (i = 0; i < nw; i++)
			arr[i] = *wins[i];
		cog_read_many(G.http, arr, nw);
		for (i = 0; i < nw; i++) {
			*wins[i] = arr[i];
			G.t.bytes_fetched += arr[i].bytes;
		}
		free(arr);
		for (i = 0; i < n; i++) {
			struct job *j = &jobs[i];

			for (k = 0; k < j->nparts && !j->bad; k++) {
				struct part *p = &j->parts[k];
				struct source *s = p->s;
				char red[1024];

				if (!s->remote || p->inside == 0)
					continue;
				if (!p->win.ok) {
					http_redact(s->url, red, sizeof red);
					bad(j, "%s: %s", red, p->win.error);
					break;
				}
				p->plane = (const unsigned char *)p->win.data +
				    (size_t)p->win.width * (size_t)p->win.height *
				    dtype_size(s->dtype) * (size_t)(G.band - 1);
			}
		}
	}
	free(wins);
}

static double
sample(const struct part *p, size_t idx)
{
	switch (p->s->dtype) {
	case DT_UINT8:
		return p->plane[idx];
	case DT_UINT16:
		return ((const uint16_t *)(const void *)p->plane)[idx];
	case DT_INT16:
		return ((const int16_t *)(const void *)p->plane)[idx];
	default:
		return NAN;
	}
}

/* Phase 4: the label raster and the "landcover" key. */
static void
job_finish(struct job *j)
{
	enum dtype dt = G.label_dt;
	double nd = dt == DT_UINT8 ? 255 : 65535;
	struct raster *ra;
	size_t i, valid = 0;
	json_t *lc;
	int k;

	for (i = 0; i < j->r.nrasters; i++)
		if (strcmp(j->r.rasters[i].role, "label") == 0) {
			rec_remove_raster(&j->r, i);
			break;
		}
	ra = rec_add_raster(&j->r, "label", j->r.grid.width, j->r.grid.height, 1, dt);
	if (ra == NULL)
		tool_fatal(&G.t, "out of memory for the label raster");
	raster_set_band_name(ra, 0, "class");
	ra->has_nodata = 1;
	ra->nodata = nd;
	for (i = 0; i < j->n; i++) {
		const struct part *p;
		double v = nd;

		if (j->pi[i] != NONE) {
			p = &j->parts[j->pi[i]];
			v = sample(p, (size_t)(j->row[i] - p->r0) * (size_t)(p->c1 - p->c0) +
			    (size_t)(j->col[i] - p->c0));
			/* The source's nodata, and codes the label cannot hold, are nodata. */
			if ((p->s->has_nodata && v == p->s->nodata) || v < 0 || v >= nd)
				v = nd;
		}
		if (v != nd)
			valid++;
		if (dt == DT_UINT8)
			((uint8_t *)ra->data)[i] = (uint8_t)v;
		else
			((uint16_t *)ra->data)[i] = (uint16_t)v;
	}
	lc = json_object();
	json_object_set_new(lc, "source", json_string(G.worldcover ?
	    WORLDCOVER_NAME : G.source_name));
	json_object_set_new(lc, "nodata", json_integer((json_int_t)nd));
	json_object_set(lc, "classes", G.classes);
	json_object_set_new(lc, "coverage", json_real(round((double)valid / (double)j->n *
	    1e6) / 1e6));
	if (G.ee_asset != NULL)
		json_object_set_new(lc, "ee_band", G.ee_band ? json_string(G.ee_band) :
		    json_null());
	if (G.worldcover) {
		json_t *tiles = json_array();

		for (k = 0; k < j->nparts; k++)
			if (j->parts[k].inside > 0)
				json_array_append_new(tiles, json_string(j->parts[k].s->tile));
		json_object_set_new(lc, "tiles", tiles);
	}
	json_object_set_new(j->r.json, "landcover", lc);
}


/*
 * Earth Engine: one getPixels request per record, asking for the record's own
 * grid, so the server does the nearest-neighbour resampling and the GeoTIFF
 * that comes back is the label, pixel for pixel.  Masked pixels come back as
 * 0, so 0 is the source's nodata unless the file names another.
 */
static void
ee_take(struct job *j, const struct http_req *rq)
{
	const struct grid *g = &j->r.grid;
	char err[800];
	struct part *p = &j->parts[0];
	struct source *s;
	size_t i, n;

	if (ee_pixels_read(rq->data, rq->len, g, G.band, &j->px, err, sizeof err) != 0) {
		bad(j, "Earth Engine: %s", err);
		return;
	}
	if ((s = j->ee = calloc(1, sizeof *s)) == NULL)
		tool_fatal(&G.t, "out of memory");
	s->state = 1;
	s->width = g->width;
	s->height = g->height;
	s->dtype = j->px.dtype;
	s->has_nodata = 1;
	s->nodata = j->px.nodata;
	j->nparts = 1;
	p->s = s;
	p->c0 = p->r0 = 0;
	p->c1 = g->width;
	p->r1 = g->height;
	p->plane = j->px.band;
	n = j->n = (size_t)g->width * (size_t)g->height;
	j->col = malloc(n * sizeof *j->col);
	j->row = malloc(n * sizeof *j->row);
	j->pi = calloc(n, 1);
	if (!j->col || !j->row || !j->pi)
		tool_fatal(&G.t, "out of memory");
	for (i = 0; i < n; i++) {
		j->col[i] = (int32_t)(i % (size_t)g->width);
		j->row[i] = (int32_t)(i / (size_t)g->width);
	}
	if (!G.label_dt_known) {
		G.label_dt = j->px.dtype == DT_UINT8 ? DT_UINT8 : DT_UINT16;
		G.label_dt_known = 1;
	}
}

static void
ee_batch(struct job *jobs, size_t n)
{
	struct http_req *rq = calloc(n, sizeof *rq);
	char **bodies = calloc(n, sizeof *bodies);
	size_t i, k = 0, *which = calloc(n, sizeof *which);
	struct http_stats before, after;
	char err[400];

	if (rq == NULL || bodies == NULL || which == NULL)
		tool_fatal(&G.t, "out of memory");
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		const struct grid *g = &j->r.grid;

		if (!j->r.has_grid) {
			bad(j, "no \"grid\": lc-align labels the record's own grid (run "
			    "cog-read first, or give the record a grid)");
			continue;
		}
		if (g->crs[0] == '\0') {
			bad(j, "grid: no \"crs\"");
			continue;
		}
		if (ee_pixels_fit(g, err, sizeof err) != 0) {
			bad(j, "grid: %s", err);
			continue;
		}
		if ((bodies[i] = ee_get_pixels_body(g, G.ee_band)) == NULL)
			tool_fatal(&G.t, "out of memory");
		ee_post(&G.ee, &rq[k], G.ee_endpoint, bodies[i]);
		which[k++] = i;
	}
	http_stats(G.http, &before);
	if (k > 0)
		http_fetch(G.http, rq, k);
	http_stats(G.http, &after);
	G.t.bytes_fetched += after.bytes - before.bytes;
	for (i = 0; i < k; i++) {
		struct job *j = &jobs[which[i]];

		if (!rq[i].ok) {
			int said = ee_error_message(rq[i].data, rq[i].len, err, sizeof err) == 0;

			bad(j, "Earth Engine %s: %s%s%s", G.ee_asset, rq[i].error,
			    said ? ": " : "", err);
		} else
			ee_take(j, &rq[i]);
		http_req_clear(&rq[i]);
	}
	for (i = 0; i < n; i++)
		free(bodies[i]);
	free(bodies);
	free(rq);
	free(which);
}

/* The token from --ee-token-file or $EE_ACCESS_TOKEN. */
static void
ee_token(const char *path)
{
	char buf[8192];
	const char *env = getenv("EE_ACCESS_TOKEN");
	FILE *fp;
	size_t len;
	int rc;

	if (path == NULL) {
		if (env == NULL || *env == '\0')
			tool_usage_error(&G.t, "--earth-engine needs a token: --ee-token-file "
			    "FILE or EE_ACCESS_TOKEN in the environment");
		snprintf(buf, sizeof buf, "%s", env);
	} else {
		if ((fp = fopen(path, "r")) == NULL)
			tool_usage_error(&G.t, "--ee-token-file: %s: %s", path, strerror(errno));
		len = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
		buf[len] = '\0';
	}
	rc = ee_set_token(&G.ee, buf);
	explicit_bzero(buf, sizeof buf);
	if (rc == -1)
		tool_usage_error(&G.t, "--ee-token-file: %s is empty", path ? path : "token");
	if (rc != 0)
		tool_fatal(&G.t, "out of memory");
}

static void
run_batch(struct job *jobs, size_t n)
{
	size_t i;

	G.batch++;
	if (G.ee_asset != NULL) {
		ee_batch(jobs, n);
		goto finish;
	}
	if (!G.worldcover) {
		G.src[0]->used = G.batch;
		if (G.src[0]->state == -1)
			G.src[0]->state = 0;	/* a failed open is tried again per batch */
		sources_open();
	}
	for (i = 0; i < n; i++)
		job_prepare(&jobs[i]);
	if (G.worldcover)
		sources_open();
	for (i = 0; i < n; i++) {
		if (!jobs[i].bad)
			job_locate(&jobs[i]);
		/* The centres are spent: hold only pixel indices while reading. */
		free(jobs[i].x);
		free(jobs[i].y);
		jobs[i].x = jobs[i].y = NULL;
	}
	batch_read(jobs, n);
finish:
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];

		if (!j->bad)
			job_finish(j);
		job_clear(j);
		if (j->bad)
			tool_reject(&G.t, &j->r, "%s", j->why);
		else
			tool_emit(&G.t, &j->r);
	}
	sources_trim();
}

int
main(int argc, char **argv)
{
	static struct option longopts[] = {
		TOOL_LONGOPTS,
		TOOL_NET_LONGOPTS,
		{ "source", required_argument, 0, OPT_SOURCE },
		{ "band", required_argument, 0, OPT_BAND },
		{ "worldcover", no_argument, 0, OPT_WORLDCOVER },
		{ "worldcover-url", required_argument, 0, OPT_WORLDCOVER_URL },
		{ "classes", required_argument, 0, OPT_CLASSES },
		{ "dynamic-world", no_argument, 0, OPT_DYNAMIC_WORLD },
		{ "earth-engine", required_argument, 0, OPT_EARTH_ENGINE },
		{ "ee-band", required_argument, 0, OPT_EE_BAND },
		{ "ee-token-file", required_argument, 0, OPT_EE_TOKEN_FILE },
		{ "ee-url", required_argument, 0, OPT_EE_URL },
		{ 0, 0, 0, 0 }
	};
	const char *classes_file = NULL, *ee_token_file = NULL;
	const char *ee_url = EE_DEFAULT_URL;
	struct job *jobs;
	char err[600];
	int ch, dw = 0, remote = 0;
	size_t n;
	long v;

	tool_init(&G.t, "lc-align", usage);
	G.t.jobs = 4;
	G.band = 1;
	G.wc_tmpl = NULL;
	while ((ch = getopt_long(argc, argv, "hqj:", longopts, NULL)) != -1) {
		if (tool_option(&G.t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_SOURCE:
			if (*optarg == '\0')
				tool_usage_error(&G.t, "--source: expected a file or URL");
			G.source = optarg;
			break;
		case OPT_BAND:
			if (parse_long(optarg, 1, 65535, &v))
				tool_usage_error(&G.t, "--band: expected 1..65535, got '%s'",
				    optarg);
			G.band = (int)v;
			break;
		case OPT_WORLDCOVER:
			G.worldcover = 1;
			break;
		case OPT_WORLDCOVER_URL:
			if (*optarg == '\0')
				tool_usage_error(&G.t, "--worldcover-url: expected a URL "
				    "template with {TILE}, or a folder");
			G.wc_tmpl = optarg;
			break;
		case OPT_CLASSES:
			classes_file = optarg;
			break;
		case OPT_DYNAMIC_WORLD:
			dw = 1;
			break;
		case OPT_EARTH_ENGINE:
			if (*optarg == '\0' || strchr(optarg, '?') || strchr(optarg, ' '))
				tool_usage_error(&G.t, "--earth-engine: expected an asset id "
				    "such as ESA/WorldCover/v200/2021");
			G.ee_asset = optarg;
			break;
		case OPT_EE_BAND:
			G.ee_band = optarg;
			break;
		case OPT_EE_TOKEN_FILE:
			ee_token_file = optarg;
			break;
		case OPT_EE_URL:
			ee_url = optarg;
			break;
		default:
			tool_usage_error(&G.t, NULL);
		}
	}
	if (G.wc_tmpl != NULL)
		G.worldcover = 1;
	if ((G.worldcover != 0) + (G.source != NULL) + (G.ee_asset != NULL) > 1)
		tool_usage_error(&G.t, "--source, --worldcover and --earth-engine exclude "
		    "each other");
	if (!G.worldcover && G.source == NULL && G.ee_asset == NULL)
		tool_usage_error(&G.t, "say where the land cover comes from: --source FILE|URL, "
		    "--worldcover or --earth-engine ASSET");
	if (G.ee_asset == NULL && (G.ee_band || ee_token_file))
		tool_usage_error(&G.t, "--ee-band and --ee-token-file go with --earth-engine");
	if (G.ee_asset != NULL) {
		const char *a = G.ee_asset;

		if (ee_init(&G.ee, ee_url) != 0)
			tool_usage_error(&G.t, "--ee-url: expected an http(s) URL");
		if (ee_asset_url(&G.ee, a, "getPixels", G.ee_endpoint, sizeof G.ee_endpoint))
			tool_usage_error(&G.t, "--earth-engine: asset id too long");
		if (G.ee_band == NULL && strstr(a, "ESA/WorldCover") != NULL)
			G.ee_band = "Map";
		else if (G.ee_band == NULL && strstr(a, "DYNAMICWORLD") != NULL)
			G.ee_band = "label";
		if (classes_file == NULL && !dw && strstr(a, "DYNAMICWORLD") != NULL)
			dw = 1;
		snprintf(G.source_name, sizeof G.source_name, "earthengine:%s", a);
		ee_token(ee_token_file);
	}
	if (classes_file != NULL && dw)
		tool_usage_error(&G.t, "--classes and --dynamic-world exclude each other");
	if (G.worldcover && G.band != 1)
		tool_usage_error(&G.t, "--band goes with --source");
	if (classes_file != NULL) {
		if ((G.classes = lc_classes_load(classes_file, err, sizeof err)) == NULL)
			tool_usage_error(&G.t, "--classes: %s", err);
	} else if (dw)
		G.classes = lc_dynamic_world_classes();
	else if (G.worldcover || (G.ee_asset && strstr(G.ee_asset, "ESA/WorldCover")))
		G.classes = lc_worldcover_classes();
	else
		G.classes = json_array();	/* caption names unknown classes by id */
	if (G.worldcover || json_array_size(G.classes) > 0) {
		/* The class table fixes the label type for the whole run. */
		G.label_dt = lc_classes_max_id(G.classes) > 254 ? DT_UINT16 : DT_UINT8;
		G.label_dt_known = 1;
	}
	if (G.worldcover && G.wc_tmpl == NULL)
		G.wc_tmpl = WORLDCOVER_URL;
	tool_start(&G.t, argc - optind, argv + optind);

	remote = G.ee_asset != NULL || (G.worldcover ? !is_local(G.wc_tmpl) :
	    !is_local(G.source));
	if (remote) {
		G.http = tool_http(&G.t, G.t.jobs * 4);
		G.cog_cache = cog_cache_new(64);
	}
	if (G.source != NULL) {
		if (remote)
			http_redact(G.source, G.source_name, sizeof G.source_name);
		else
			snprintf(G.source_name, sizeof G.source_name, "%s", G.source);
		if (source_get(G.source, NULL) == NULL)
			tool_fatal(&G.t, "out of memory");
	}

	if ((jobs = calloc((size_t)G.t.jobs, sizeof *jobs)) == NULL)
		tool_fatal(&G.t, "out of memory");
	for (;;) {
		for (n = 0; n < (size_t)G.t.jobs; n++) {
			memset(&jobs[n], 0, sizeof jobs[n]);
			if (!tool_next(&G.t, &jobs[n].r))
				break;
		}
		if (n > 0)
			run_batch(jobs, n);
		if (n < (size_t)G.t.jobs)
			break;
	}
	free(jobs);
	while (G.nsrc > 0)
		source_free(G.src[--G.nsrc]);
	free(G.src);
	for (n = 0; n < NXFORM; n++)
		geo_xform_free(G.xf[n].x);
	json_decref(G.classes);
	cog_cache_free(G.cog_cache);
	http_free(G.http);
	ee_clear(&G.ee);
	return tool_finish(&G.t);
}
