/*
 * lc-align - land cover on the very grid of each record: adds a "label"
 * raster sampled nearest-neighbour, pixel centre to pixel centre, through
 * PROJ, from any GeoTIFF (--source) or from the ESA WorldCover tiles
 * (--worldcover), or from Earth Engine (--earth-engine, getPixels on the
 * record's grid), and a "landcover" key naming the source and its classes.
 *
 * The labels equal gdalwarp -r near's on the same target grid, and
 * gdal_translate -srcwin's when the grids coincide (lib/labelwarp.h).
 * Sources are read by window (lib/labelsrc.h): local ones with libtiff,
 * http(s) ones through the COG range reader, the records of a batch (-j)
 * sharing one round of header fetches and one round of tile fetches.  Earth
 * Engine (lib/ee.h) is asked for the records of a batch at once.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ee.h"
#include "errbuf.h"
#include "geo.h"
#include "http.h"
#include "labelsrc.h"
#include "labelwarp.h"
#include "landcover.h"
#include "rec.h"
#include "tool.h"
#include "worldcover.h"
#include "xformcache.h"

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

#define MAX_PARTS	LABELWARP_MAX_PARTS	/* sources one record may read (tiles) */
#define MAX_GRID_PX	((size_t)1 << 26)	/* 25 bytes of work per pixel */
#define MAX_WIN_PX	((uint64_t)1 << 28)

struct job {
	struct rec r;
	struct failure f;
	struct labelwarp w;		/* grid pixels -> source pixels, by part */
	struct labelsrc_win win[MAX_PARTS];	/* each part's source and window */
	char *body;			/* --earth-engine: the request */
	struct ee_pixels px;		/* and the answer, on the grid */
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
	struct labelsrc_cache *src;
	struct labelsrc *one;		/* --source, got for this batch */
	struct xformcache *xf;
	const char *ee_asset;		/* --earth-engine */
	const char *ee_band;
	char ee_endpoint[2048];		/* .../assets/ASSET:getPixels */
	struct ee ee;
} G;

static void
options(int argc, char **argv)
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
	char err[600];
	int ch, rc, dw = 0;
	long v;

	G.t.jobs = 4;
	G.band = 1;
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
		if ((rc = ee_token_load(&G.ee, ee_token_file, err, sizeof err)) > 0)
			tool_usage_error(&G.t, "--earth-engine needs a token: --ee-token-file "
			    "FILE or EE_ACCESS_TOKEN in the environment");
		if (rc < 0)
			tool_usage_error(&G.t, "--ee-token-file: %s", err);
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
}

/* Whether the record has a grid lc-align can label (or ask Earth Engine for);
 * says why not. */
static int
grid_ok(struct job *j)
{
	const struct grid *g = &j->r.grid;
	char err[300];

	if (!j->r.has_grid)
		failure_set(&j->f, "no \"grid\": lc-align labels the record's own grid (run "
		    "cog-read first, or give the record a grid)");
	else if (G.ee_asset == NULL && (g->width <= 0 || g->height <= 0 ||
	    (size_t)g->width * (size_t)g->height > MAX_GRID_PX))
		failure_set(&j->f, "grid: %dx%d pixels, more than the %zu lc-align labels at "
		    "once (tile the grid first)", g->width, g->height, MAX_GRID_PX);
	else if (g->crs[0] == '\0')
		failure_set(&j->f, "grid: no \"crs\"");
	else if (G.ee_asset != NULL && ee_pixels_fit(g, err, sizeof err) != 0)
		failure_set(&j->f, "grid: %s", err);
	return !j->f.failed;
}

/* Phase 1 of a record: its pixel centres in the source's CRS, and which
 * source (WorldCover tile) has each. */
static void
job_prepare(struct job *j)
{
	const struct grid *g = &j->r.grid;
	struct worldcover_tile tiles[MAX_PARTS];
	struct geo_xform *x;
	char err[600];
	int k, nt;

	if (!grid_ok(j))
		return;
	if (labelwarp_init(&j->w, g) != 0)
		tool_fatal(&G.t, "out of memory for a %dx%d grid", g->width, g->height);
	if (!G.worldcover && G.one->state != LABELSRC_OPEN) {
		failure_set(&j->f, "%s", G.one->error);
		return;
	}
	if (xformcache_get(G.xf, g->crs, G.worldcover ? "EPSG:4326" : G.one->crs, &x, err,
	    sizeof err) != 0) {
		failure_set(&j->f, "grid CRS: %s", err);
		return;
	}
	if (labelwarp_transform(&j->w, x, err, sizeof err) != 0) {
		failure_set(&j->f, "grid to the source's CRS: %s", err);
		return;
	}
	if (!G.worldcover) {
		j->win[0].src = G.one;
		return;
	}
	switch (worldcover_cover(G.wc_tmpl, j->w.x, j->w.y, j->w.n, j->w.part, tiles,
	    MAX_PARTS, &nt)) {
	case WORLDCOVER_OK:
		break;
	case WORLDCOVER_TOO_MANY:
		failure_set(&j->f, "grid spans more than %d WorldCover tiles", MAX_PARTS);
		return;
	case WORLDCOVER_URL_TOO_LONG:
		failure_set(&j->f, "--worldcover-url: URL too long");
		return;
	}
	/* A tile that is not there is sea (worldcover.h). */
	for (k = 0; k < nt; k++)
		if ((j->win[k].src = labelsrc_get(G.src, tiles[k].url, tiles[k].name,
		    LABELSRC_ABSENT_OK)) == NULL)
			tool_fatal(&G.t, "out of memory");
	j->w.nparts = nt;
}

/* Phase 2, the sources open: the source pixel of every centre, and the
 * window of each source to read. */
static void
job_locate(struct job *j)
{
	const struct grid *g = &j->r.grid;
	char list[200] = "";
	size_t len = 0;
	double b[4];
	int k, absent = 0;

	for (k = 0; k < j->w.nparts; k++) {
		const struct labelsrc *s = j->win[k].src;
		struct labelwarp_part *p = &j->w.parts[k];

		if (s->state == LABELSRC_FAILED) {
			failure_set(&j->f, "%s", s->error);
			return;
		}
		absent += s->state == LABELSRC_ABSENT;
		p->empty = s->state != LABELSRC_OPEN;
		memcpy(p->inv, s->inv, sizeof p->inv);
		p->width = s->width;
		p->height = s->height;
		p->edge_snap = G.worldcover;
	}
	if (labelwarp_locate(&j->w) == 0) {
		geo_window_bounds(g->t, g->width, g->height, b);
		if (!G.worldcover) {
			failure_set(&j->f, "%s does not cover the grid (%s [%.3f %.3f %.3f "
			    "%.3f])", G.source_name, g->crs, b[0], b[1], b[2], b[3]);
			return;
		}
		for (k = 0; k < j->w.nparts && len + 10 < sizeof list; k++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
			    k ? ", " : "", j->win[k].src->name);
		failure_set(&j->f, "no WorldCover tile covers the grid (%s [%.3f %.3f %.3f "
		    "%.3f]): %s%s", g->crs, b[0], b[1], b[2], b[3], absent ? "no such tile: " :
		    "tiles do not reach it: ", j->w.nparts ? list : "off the Earth");
		return;
	}
	for (k = 0; k < j->w.nparts; k++) {
		const struct labelwarp_part *p = &j->w.parts[k];
		struct labelsrc_win *win = &j->win[k];

		if (p->inside == 0)
			continue;
		if ((uint64_t)(p->c1 - p->c0) * (uint64_t)(p->r1 - p->r0) > MAX_WIN_PX) {
			failure_set(&j->f, "%s: the grid needs a %ldx%ld pixel window of it "
			    "(grid much coarser than the source?)", win->src->name,
			    p->c1 - p->c0, p->r1 - p->r0);
			return;
		}
		win->col0 = p->c0;
		win->row0 = p->r0;
		win->width = (int)(p->c1 - p->c0);
		win->height = (int)(p->r1 - p->r0);
	}
}

/* Phase 3: the windows of the whole batch, read together. */
static void
batch_read(struct job *jobs, size_t n)
{
	struct labelsrc_win **ws = calloc(n * MAX_PARTS + 1, sizeof *ws);
	size_t i, nw = 0;
	int k;

	if (ws == NULL)
		tool_fatal(&G.t, "out of memory");
	for (i = 0; i < n; i++)
		for (k = 0; k < jobs[i].w.nparts && !jobs[i].f.failed; k++)
			if (jobs[i].win[k].width > 0)
				ws[nw++] = &jobs[i].win[k];
	G.t.bytes_fetched += labelsrc_read(G.src, ws, nw);
	free(ws);
	for (i = 0; i < n; i++)
		for (k = 0; k < jobs[i].w.nparts && !jobs[i].f.failed; k++) {
			struct labelwarp_part *p = &jobs[i].w.parts[k];
			const struct labelsrc_win *win = &jobs[i].win[k];

			if (win->width == 0)
				continue;
			if (!win->ok) {
				failure_set(&jobs[i].f, "%s", win->error);
				break;
			}
			p->plane = win->plane;
			p->dtype = win->src->dtype;
			p->has_nodata = win->src->has_nodata;
			p->nodata = win->src->nodata;
		}
}

/*
 * Earth Engine: one getPixels request per record, asking for the record's own
 * grid, so the server does the nearest-neighbour resampling and the GeoTIFF
 * that comes back is the label, pixel for pixel.  Masked pixels come back as
 * 0, so 0 is the source's nodata unless the file names another.
 */
static void
ee_batch(struct job *jobs, size_t n)
{
	struct http_req *rq = calloc(n, sizeof *rq);
	size_t i, k = 0, *which = calloc(n, sizeof *which);
	struct http_stats before, after;
	char err[800];

	if (rq == NULL || which == NULL)
		tool_fatal(&G.t, "out of memory");
	for (i = 0; i < n; i++) {
		if (!grid_ok(&jobs[i]))
			continue;
		if ((jobs[i].body = ee_get_pixels_body(&jobs[i].r.grid, G.ee_band)) == NULL)
			tool_fatal(&G.t, "out of memory");
		ee_post(&G.ee, &rq[k], G.ee_endpoint, jobs[i].body);
		which[k++] = i;
	}
	http_stats(G.http, &before);
	if (k > 0)
		http_fetch(G.http, rq, k);
	http_stats(G.http, &after);
	G.t.bytes_fetched += after.bytes - before.bytes;
	for (i = 0; i < k; i++) {
		struct job *j = &jobs[which[i]];
		struct labelwarp_part *p = &j->w.parts[0];
		int said;

		if (!rq[i].ok) {
			said = ee_error_message(rq[i].data, rq[i].len, err, sizeof err) == 0;
			failure_set(&j->f, "Earth Engine %s: %s%s%s", G.ee_asset, rq[i].error,
			    said ? ": " : "", err);
		} else if (ee_pixels_read(rq[i].data, rq[i].len, &j->r.grid, G.band, &j->px,
		    err, sizeof err) != 0)
			failure_set(&j->f, "Earth Engine: %s", err);
		else {
			labelwarp_on_grid(&j->w, &j->r.grid);
			p->plane = j->px.band;
			p->dtype = j->px.dtype;
			p->has_nodata = 1;
			p->nodata = j->px.nodata;
		}
		http_req_clear(&rq[i]);
	}
	free(rq);
	free(which);
}

/* Phase 4: the label raster and the "landcover" key. */
static void
job_finish(struct job *j)
{
	enum dtype dt;
	double nd;
	struct raster *ra;
	size_t i, valid;
	json_t *lc, *tiles;
	int k;

	/* Without a class table, the first label's source fixes the type for the run. */
	if (!G.label_dt_known) {
		G.label_dt = j->w.parts[0].dtype == DT_UINT8 ? DT_UINT8 : DT_UINT16;
		G.label_dt_known = 1;
	}
	dt = G.label_dt;
	nd = dt == DT_UINT8 ? 255 : 65535;
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
	valid = labelwarp_label(&j->w, ra->data, dt, nd);
	lc = json_object();
	json_object_set_new(lc, "source", json_string(G.worldcover ? WORLDCOVER_NAME :
	    G.source_name));
	json_object_set_new(lc, "nodata", json_integer((json_int_t)nd));
	json_object_set(lc, "classes", G.classes);
	json_object_set_new(lc, "coverage", json_real(round((double)valid /
	    (double)j->w.n * 1e6) / 1e6));
	if (G.ee_asset != NULL)
		json_object_set_new(lc, "ee_band", G.ee_band ? json_string(G.ee_band) :
		    json_null());
	if (G.worldcover) {
		tiles = json_array();
		for (k = 0; k < j->w.nparts; k++)
			if (j->w.parts[k].inside > 0)
				json_array_append_new(tiles, json_string(j->win[k].src->name));
		json_object_set_new(lc, "tiles", tiles);
	}
	json_object_set_new(j->r.json, "landcover", lc);
}

static void
run_batch(struct job *jobs, size_t n)
{
	struct job *j;
	size_t i;
	int k;

	if (G.ee_asset != NULL)
		ee_batch(jobs, n);
	else {
		/* The --source is got (and a failed open tried) again every batch. */
		if (!G.worldcover) {
			if ((G.one = labelsrc_get(G.src, G.source, G.source_name, 0)) == NULL)
				tool_fatal(&G.t, "out of memory");
			G.t.bytes_fetched += labelsrc_open(G.src);
		}
		for (i = 0; i < n; i++)
			job_prepare(&jobs[i]);
		G.t.bytes_fetched += labelsrc_open(G.src);	/* the tiles they need */
		for (i = 0; i < n; i++)
			if (!jobs[i].f.failed)
				job_locate(&jobs[i]);
		batch_read(jobs, n);
	}
	for (j = jobs; j < jobs + n; j++) {
		if (!j->f.failed)
			job_finish(j);
		for (k = 0; k < j->w.nparts; k++)
			labelsrc_win_clear(&j->win[k]);
		labelwarp_clear(&j->w);
		ee_pixels_clear(&j->px);
		free(j->body);
		if (j->f.failed)
			tool_reject(&G.t, &j->r, "%s", j->f.why);
		else
			tool_emit(&G.t, &j->r);
	}
	labelsrc_batch_end(G.src);
}

int
main(int argc, char **argv)
{
	struct job *jobs;
	size_t n;
	int remote;

	tool_init(&G.t, "lc-align", usage);
	options(argc, argv);
	remote = G.ee_asset != NULL || http_is_remote(G.worldcover ? G.wc_tmpl : G.source);
	if (remote)
		G.http = tool_http(&G.t, G.t.jobs * 4);
	if (G.source != NULL && remote)
		http_redact(G.source, G.source_name, sizeof G.source_name);
	else if (G.source != NULL)
		snprintf(G.source_name, sizeof G.source_name, "%s", G.source);
	G.src = labelsrc_cache_new(G.http, G.band);
	G.xf = xformcache_new(8);
	jobs = calloc((size_t)G.t.jobs, sizeof *jobs);
	if (G.src == NULL || G.xf == NULL || jobs == NULL)
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
	labelsrc_cache_free(G.src);
	xformcache_free(G.xf);
	json_decref(G.classes);
	http_free(G.http);
	ee_clear(&G.ee);
	return tool_finish(&G.t);
}
