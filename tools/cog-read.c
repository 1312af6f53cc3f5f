/*
 * cog-read - cut a window of Sentinel-2 imagery around each point from the
 * scene's Cloud-Optimized GeoTIFFs, fetching only the tiles the window touches.
 *
 * For a batch of -j N records: open every asset header at once (one 16 KiB
 * range each, grown only when needed, cached per URL), place the window on the
 * asset's own pixel grid around the point, fetch the tiles of every window at
 * once with merged ranges, decode them from memory and copy the pixels
 * bit-exactly.  Output keeps input order.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cog.h"
#include "errbuf.h"
#include "geo.h"
#include "http.h"
#include "pcsign.h"
#include "rec.h"
#include "scenesign.h"
#include "scenewin.h"
#include "tool.h"
#include "xformcache.h"

#define MAX_ASSETS 32
#define MAX_XFORMS 16

static const char usage[] =
"usage: cog-read [-hq] [-j N] [--assets LIST | --visual] [--scl]\n"
"                [--size PX | --size-m METRES] [--resolution M]\n"
"                [--min-coverage F] [--cache N] [--sign planetary-computer]\n"
"                [--sas-url URL] [--sign-hosts SUFFIXES] [--timeout S] [--max-retries N]\n"
"                [--rejects FILE] [--spool DIR] [--progress] [< scenes] [> images]\n"
"  --assets LIST      assets read into the image, in band order (default red,green,blue)\n"
"  --visual           read the 3-band 8-bit visual asset instead\n"
"  --scl              add the scene classification (asset scl) as raster scl\n"
"  --size PX          window side in pixels (default 512)\n"
"  --size-m METRES    window side in metres instead\n"
"  --resolution M     read the overview with M metre pixels (e.g. 20, 60)\n"
"  --min-coverage F   reject windows with less than F valid pixels (0..1, default 0)\n"
"  --cache N          parsed headers kept (default 256)\n"
"  --sign planetary-computer  sign Azure asset hrefs with a fresh SAS token\n"
"                     (automatic for scenes marked \"signed\" by planetary-computer)\n"
"  --sas-url URL      token service (default: the scene's signed.sas_url, else\n"
"                     " PCSIGN_DEFAULT_SAS_URL ")\n"
"  --sign-hosts LIST  host suffixes that get a token (default " PCSIGN_DEFAULT_HOSTS ")\n"
"  --timeout S        seconds for one HTTP transfer (default 120)\n"
"  -j N               records in flight at once (default 8)\n"
"  --max-retries N    retries on timeouts, resets, 429 and 5xx (default 4)\n"
"  --rejects FILE     rejected records go here (default stderr)\n"
"  --spool DIR        write rasters as GeoTIFFs in DIR instead of inline\n"
"  -q, --progress, -h, --version\n";

enum {
	OPT_ASSETS = OPT_TOOL_FIRST, OPT_VISUAL, OPT_SCL, OPT_SIZE, OPT_SIZE_M,
	OPT_RESOLUTION, OPT_MIN_COVERAGE, OPT_CACHE
};

static struct option longopts[] = {
	TOOL_LONGOPTS,
	TOOL_NET_LONGOPTS,
	{ "assets", required_argument, 0, OPT_ASSETS },
	{ "visual", no_argument, 0, OPT_VISUAL },
	{ "scl", no_argument, 0, OPT_SCL },
	{ "size", required_argument, 0, OPT_SIZE },
	{ "size-m", required_argument, 0, OPT_SIZE_M },
	{ "resolution", required_argument, 0, OPT_RESOLUTION },
	{ "min-coverage", required_argument, 0, OPT_MIN_COVERAGE },
	{ "cache", required_argument, 0, OPT_CACHE },
	PCSIGN_LONGOPTS,
	{ 0, 0, 0, 0 }
};

static struct {
	char *assets[MAX_ASSETS];
	size_t nassets;
	int visual, scl;
	struct scenewin_opts win;	/* --size, --size-m, --resolution */
	double min_coverage;
	long cache;
	int sign;
	struct pcsign_opts signing;	/* --sas-url, --sign-hosts */
} O = { .win.size = 512, .cache = 256 };

static struct tool T;

static void
set_assets(char *list)
{
	char *s, *save = NULL;

	O.nassets = 0;
	for (s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (*s == '\0')
			continue;
		if (O.nassets == MAX_ASSETS)
			tool_usage_error(&T, "--assets: more than %d assets", MAX_ASSETS);
		O.assets[O.nassets++] = s;
	}
	if (O.nassets == 0)
		tool_usage_error(&T, "--assets: empty list");
}

/* Used by the fetch thread alone while it runs (job_start reads Sign's hosts). */
static struct http *H;
static struct cog_cache *Cache;
static struct pcsign *Sign;
static struct xformcache *Xforms;

/* One record in flight. */
struct job {
	struct rec r;
	struct failure fail;	/* the first reason it is rejected */
	int opened;		/* has entries in the batch's open and window arrays */
	double lon, lat;
	size_t nassets;		/* image assets; asset[nassets] is the scl */
	struct scenewin_asset asset[MAX_ASSETS + 1];
	size_t win0;		/* first of its headers and windows in the batch's arrays */
	struct scenewin win;
	uint64_t requests, bytes;
	struct scenesign signing;	/* does it get fresh tokens, from where */
	const char *href[MAX_ASSETS + 1];	/* what is fetched: the scene's, or */
	char *signed_href[MAX_ASSETS + 1];	/* with a token (secret: never printed) */
};

/* Parse the record: point, scene, asset hrefs. */
static void
job_start(struct job *j)
{
	json_t *lon = json_object_get(j->r.json, "lon"), *lat = json_object_get(j->r.json, "lat");
	json_t *scene = json_object_get(j->r.json, "scene"), *assets;
	char err[256];
	size_t i;

	/* Before anything can reject the record: its old token must not reach the rejects. */
	switch (scenesign_start(&j->signing, scene, Sign, O.sign, O.signing.sas_url, err,
	    sizeof err)) {
	case SCENESIGN_NOMEM:
		tool_fatal(&T, "out of memory");
		break;
	case SCENESIGN_REFUSED:
		failure_set(&j->fail, "%s", err);
		break;
	case SCENESIGN_OK:
		break;
	}
	if (!json_is_number(lon) || !json_is_number(lat)) {
		failure_set(&j->fail, "lon/lat: missing or not numbers");
		return;
	}
	j->lon = json_number_value(lon);
	j->lat = json_number_value(lat);
	if (!isfinite(j->lon) || !isfinite(j->lat) || fabs(j->lon) > 180 || fabs(j->lat) > 90) {
		failure_set(&j->fail, "lon/lat: (%g, %g) out of range", j->lon, j->lat);
		return;
	}
	if (!json_is_object(scene) || !json_is_object(assets = json_object_get(scene, "assets"))) {
		failure_set(&j->fail, "scene: missing, or without assets");
		return;
	}
	j->nassets = O.visual ? 1 : O.nassets;
	for (i = 0; i < j->nassets + (size_t)O.scl; i++) {
		const char *name = i < j->nassets ? (O.visual ? "visual" : O.assets[i]) : "scl";
		json_t *a = json_object_get(assets, name), *nd;
		j->asset[i].name = name;
		if (!json_is_object(a) || !json_is_string(json_object_get(a, "href"))) {
			failure_set(&j->fail, "scene: no asset '%s' with an href", name);
			return;
		}
		j->href[i] = json_string_value(json_object_get(a, "href"));
		if ((nd = json_object_get(a, "nodata")) && json_is_number(nd)) {
			j->asset[i].nodata = json_number_value(nd);
			j->asset[i].has_nodata = 1;
		}
	}
}

/* Place the window on the opened assets: one cog_win per asset (+ scl). */
static void
job_plan(struct job *j, struct cog_open *op, struct cog_win *w)
{
	struct scenewin_asset *scl = O.scl ? &j->asset[j->nassets] : NULL;
	char err[512];
	size_t i;

	op += j->win0;
	for (i = 0; i < j->nassets + (size_t)O.scl; i++) {
		if (!op[i].cog) {
			failure_set(&j->fail, "asset %s: %s", j->asset[i].name, op[i].error);
			return;
		}
		j->asset[i].cog = op[i].cog;
	}
	if (scenewin_place(&j->win, &O.win, &j->asset[0],
	    scenewin_scene_epsg(json_object_get(j->r.json, "scene")), Xforms, j->lon, j->lat, err,
	    sizeof err) < 0 ||
	    scenewin_fit(&j->win, &O.win, j->asset, j->nassets, scl, &w[j->win0], err,
	    sizeof err) < 0)
		failure_set(&j->fail, "%s", err);
}

/* The image raster: the windows' bands in asset order, named after the assets. */
static struct raster *
add_image(struct job *j, const struct cog_win *w)
{
	enum dtype dt = w[0].cog->dtype;
	size_t i, plane = (size_t)j->win.size * j->win.size, bsz = dtype_size(dt);
	int nbands = 0, b = 0;
	struct raster *ra;

	for (i = 0; i < j->nassets; i++)
		nbands += w[i].cog->spp;
	if ((ra = rec_add_raster(&j->r, "image", j->win.size, j->win.size, nbands, dt)) == NULL)
		return NULL;
	for (i = 0; i < j->nassets; i++)
		for (int s = 0; s < w[i].cog->spp; s++, b++) {
			char nm[80];
			memcpy((char *)ra->data + (size_t)b * plane * bsz,
			    (const char *)w[i].data + (size_t)s * plane * bsz, plane * bsz);
			if (w[i].cog->spp == 1)
				snprintf(nm, sizeof nm, "%s", j->asset[i].name);
			else if (O.visual && w[i].cog->spp == 3)
				snprintf(nm, sizeof nm, "%s", s == 0 ? "red" : s == 1 ? "green" : "blue");
			else
				snprintf(nm, sizeof nm, "%s_%d", j->asset[i].name, s + 1);
			raster_set_band_name(ra, b, nm);
		}
	ra->has_nodata = 1;
	ra->nodata = j->win.nodata;
	return ra;
}

/* Build the rasters, grid, coverage and fetch from the decoded windows. */
static void
job_finish(struct job *j, struct cog_open *op, struct cog_win *w, double t0)
{
	struct raster *ra, *rs;
	size_t i, n = j->nassets + (size_t)O.scl;
	double cov;
	json_t *fetch;

	op += j->win0;
	w += j->win0;
	for (i = 0; i < n; i++) {
		j->requests += op[i].requests + w[i].requests;
		j->bytes += op[i].bytes + w[i].bytes;
	}
	T.bytes_fetched += j->bytes;
	if (j->fail.failed)
		return;
	for (i = 0; i < n; i++)
		if (!w[i].ok) {
			failure_set(&j->fail, "asset %s: %s", j->asset[i].name, w[i].error);
			return;
		}
	for (i = j->r.nrasters; i > 0; i--)
		if (strcmp(j->r.rasters[i - 1].role, "image") == 0 ||
		    (O.scl && strcmp(j->r.rasters[i - 1].role, "scl") == 0))
			rec_remove_raster(&j->r, i - 1);
	if ((ra = add_image(j, w)) == NULL) {
		failure_set(&j->fail, "out of memory");
		return;
	}
	cov = (double)scenewin_count_valid(&j->win, ra->data, ra->nbands, ra->dtype) /
	    ((double)j->win.size * j->win.size);
	if (O.scl) {
		rs = rec_add_raster(&j->r, "scl", j->win.size, j->win.size, 1, DT_UINT8);
		if (rs == NULL) {
			failure_set(&j->fail, "out of memory");
			return;
		}
		raster_set_band_name(rs, 0, "scl");
		rs->has_nodata = 1;
		rs->nodata = 0;
		scenewin_scl_sample(&j->win, w[j->nassets].data, rs->data);
	}
	j->r.has_grid = 1;
	j->r.grid = j->win.grid;
	json_object_set_new(j->r.json, "coverage", json_real(round(cov * 1e6) / 1e6));
	fetch = json_object();
	json_object_set_new(fetch, "requests", json_integer((json_int_t)j->requests));
	json_object_set_new(fetch, "bytes", json_integer((json_int_t)j->bytes));
	json_object_set_new(fetch, "seconds", json_real(round((now_seconds() - t0) * 1e3) / 1e3));
	json_object_set_new(j->r.json, "fetch", fetch);
	if (cov < O.min_coverage)
		failure_set(&j->fail, "coverage %.4f below --min-coverage %g", cov, O.min_coverage);
}

/* A batch of -j records: fetched on one thread while the batch before it decodes. */
struct batch {
	struct job *js;
	size_t n;
	struct cog_open *op;	/* one header and one window per asset of */
	struct cog_win *w;	/* every record still standing */
	size_t nwin;
	double t0;
};

/* Fresh SAS tokens for the batch's hrefs: one pcsign call, so at most one
 * token request per collection (and none while the cached one is fresh). */
static void
sign_batch(struct batch *b)
{
	struct pcsign_href *hs;
	struct job *j;
	size_t i, k, m = 0;

	for (i = 0; i < b->n; i++)
		if ((j = &b->js[i])->signing.sign && !j->fail.failed)
			m += j->nassets + (size_t)O.scl;
	if (m == 0 || (hs = calloc(m, sizeof *hs)) == NULL)
		return;		/* out of memory: unsigned hrefs fail on their own */
	for (i = m = 0; i < b->n; i++)
		if ((j = &b->js[i])->signing.sign && !j->fail.failed)
			for (k = 0; k < j->nassets + (size_t)O.scl; k++, m++) {
				hs[m].collection = j->signing.collection;
				hs[m].sas_url = j->signing.sas_url;
				hs[m].href = j->href[k];
			}
	pcsign_sign(Sign, hs, m);
	for (i = m = 0; i < b->n; i++)
		if ((j = &b->js[i])->signing.sign && !j->fail.failed)
			for (k = 0; k < j->nassets + (size_t)O.scl; k++, m++) {
				if (hs[m].out == NULL)
					failure_set(&j->fail, "sign: asset %s: %s", j->asset[k].name,
					    hs[m].error);
				else if (hs[m].is_signed) {
					j->href[k] = j->signed_href[k] = hs[m].out;
					hs[m].out = NULL;
				}
				pcsign_href_clear(&hs[m]);
			}
	free(hs);
}

static void
sign_warn(void *arg, const char *msg)
{
	tool_warn(&T, "sign: %s", msg);
}

/* Phases 1 and 2: every header of the batch at once, then every window's tiles
 * at once.  Runs on the fetch thread: it alone uses H, Cache and the PROJ
 * transforms; it touches only this batch's records. */
static void *
fetch_batch(void *arg)
{
	struct batch *b = arg;
	struct job *js = b->js;
	size_t i, k;

	b->t0 = now_seconds();
	sign_batch(b);
	b->nwin = 0;
	for (i = 0; i < b->n; i++)
		if (!js[i].fail.failed) {
			js[i].opened = 1;
			js[i].win0 = b->nwin;
			b->nwin += js[i].nassets + (size_t)O.scl;
		}
	b->op = calloc(b->nwin + 1, sizeof *b->op);
	b->w = calloc(b->nwin + 1, sizeof *b->w);
	if (!b->op || !b->w) {
		free(b->op);
		free(b->w);
		b->op = NULL;
		b->w = NULL;
		return NULL;
	}
	for (i = 0; i < b->n; i++)
		if (js[i].opened)
			for (k = 0; k < js[i].nassets + (size_t)O.scl; k++)
				b->op[js[i].win0 + k].url = js[i].href[k];
	cog_open_many(H, Cache, b->op, b->nwin);
	for (i = 0; i < b->n; i++)
		if (js[i].opened)
			job_plan(&js[i], b->op, b->w);
	/* Records that failed fetch nothing more: their windows have no file. */
	for (i = 0; i < b->n; i++)
		if (js[i].fail.failed && js[i].opened)
			for (k = 0; k < js[i].nassets + (size_t)O.scl; k++)
				b->w[js[i].win0 + k].cog = NULL;
	cog_fetch_many(H, b->w, b->nwin);
	return NULL;
}

/* Phase 3 and output, on the main thread, in input order. */
static void
finish_batch(struct batch *b)
{
	size_t i, k;

	if (!b->op)
		tool_fatal(&T, "out of memory");
	cog_decode_many(b->w, b->nwin);
	for (i = 0; i < b->n; i++) {
		struct job *j = &b->js[i];
		if (j->opened)
			job_finish(j, b->op, b->w, b->t0);
		if (j->fail.failed)
			tool_reject(&T, &j->r, "%s", j->fail.why);
		else
			tool_emit(&T, &j->r);
		for (k = 0; k < MAX_ASSETS + 1; k++)
			free(j->signed_href[k]);
	}
	for (k = 0; k < b->nwin; k++)
		cog_win_clear(&b->w[k]);
	for (k = 0; k < b->nwin; k++)
		cog_unref(b->op[k].cog);
	free(b->op);
	free(b->w);
	b->op = NULL;
	b->w = NULL;
}

/* Read up to -j records into b; 0 at the end of the input. */
static size_t
read_batch(struct batch *b)
{
	size_t n;

	for (n = 0; n < (size_t)T.jobs; n++) {
		memset(&b->js[n], 0, sizeof b->js[n]);
		if (!tool_next(&T, &b->js[n].r))
			break;
		job_start(&b->js[n]);
	}
	b->n = n;
	return n;
}

int
main(int argc, char **argv)
{
	static char defassets[] = "red,green,blue";
	int ch, have_assets = 0;
	const char *why;

	tool_init(&T, "cog-read", usage);
	T.jobs = 8;
	while ((ch = getopt_long(argc, argv, "hqj:", longopts, NULL)) != -1) {
		if (tool_option(&T, ch, optarg))
			continue;
		switch (ch) {
		case OPT_ASSETS:
			set_assets(optarg);
			have_assets = 1;
			break;
		case OPT_VISUAL:
			O.visual = 1;
			break;
		case OPT_SCL:
			O.scl = 1;
			break;
		case OPT_SIZE:
			if (parse_long(optarg, 1, 16384, &O.win.size))
				tool_usage_error(&T, "--size: expected pixels in 1..16384, got '%s'", optarg);
			break;
		case OPT_SIZE_M:
			if (parse_double(optarg, &O.win.size_m) || !(O.win.size_m > 0))
				tool_usage_error(&T, "--size-m: expected metres > 0, got '%s'", optarg);
			break;
		case OPT_RESOLUTION:
			if (parse_double(optarg, &O.win.resolution) || !(O.win.resolution > 0))
				tool_usage_error(&T, "--resolution: expected metres > 0, got '%s'", optarg);
			break;
		case OPT_MIN_COVERAGE:
			if (parse_double(optarg, &O.min_coverage) || !(O.min_coverage >= 0) ||
			    O.min_coverage > 1)
				tool_usage_error(&T, "--min-coverage: expected 0..1, got '%s'", optarg);
			break;
		case PCSIGN_OPT_SIGN:
		case PCSIGN_OPT_SAS_URL:
		case PCSIGN_OPT_SIGN_HOSTS:
			if ((why = pcsign_option(&O.signing, &O.sign, ch, optarg)) != NULL)
				tool_usage_error(&T, "%s", why);
			break;
		case OPT_CACHE:
			if (parse_long(optarg, 1, 100000, &O.cache))
				tool_usage_error(&T, "--cache: expected 1..100000, got '%s'", optarg);
			break;
		default:
			tool_usage_error(&T, NULL);
		}
	}
	if (O.visual && have_assets)
		tool_usage_error(&T, "--visual: not with --assets");
	if (!have_assets)
		set_assets(defassets);
	tool_start(&T, argc - optind, argv + optind);

	H = tool_http(&T, 0);
	{
		/* The default service here; a scene's own signed.sas_url per href. */
		O.signing.replace = 1;
		O.signing.warn = sign_warn;
		if ((Sign = pcsign_new(H, &O.signing)) == NULL)
			tool_fatal(&T, "out of memory");
	}
	if ((Cache = cog_cache_new((size_t)O.cache)) == NULL ||
	    (Xforms = xformcache_new(MAX_XFORMS)) == NULL)
		tool_fatal(&T, "out of memory");
	struct batch bt[2];
	pthread_t th;
	int cur = 0;
	memset(bt, 0, sizeof bt);
	if ((bt[0].js = calloc((size_t)T.jobs, sizeof *bt[0].js)) == NULL ||
	    (bt[1].js = calloc((size_t)T.jobs, sizeof *bt[1].js)) == NULL)
		tool_fatal(&T, "out of memory");
	/* Batch k+1 is read and fetched while batch k decodes and is written. */
	if (read_batch(&bt[cur]) > 0) {
		if (pthread_create(&th, NULL, fetch_batch, &bt[cur]) != 0)
			tool_fatal(&T, "cannot start the fetch thread");
		for (;;) {
			struct batch *b = &bt[cur], *nb = &bt[!cur];
			int more;
			pthread_join(th, NULL);
			more = b->n == (size_t)T.jobs && read_batch(nb) > 0;
			if (more && pthread_create(&th, NULL, fetch_batch, nb) != 0)
				tool_fatal(&T, "cannot start the fetch thread");
			finish_batch(b);
			if (!more)
				break;
			cur = !cur;
		}
	}
	free(bt[0].js);
	free(bt[1].js);
	cog_cache_free(Cache);
	pcsign_free(Sign);
	xformcache_free(Xforms);
	http_free(H);
	return tool_finish(&T);
}
