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
#include "tool.h"

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
	long size;
	double size_m, resolution, min_coverage;
	long cache;
	int sign;
	struct pcsign_opts signing;	/* --sas-url, --sign-hosts */
} O = { .size = 512, .cache = 256 };

static struct tool T;
static struct http *H;
static struct cog_cache *Cache;
static struct pcsign *Sign;
static struct { int epsg; struct geo_xform *x; } Xf[MAX_XFORMS];
static size_t nxf;

/* One record in flight. */
struct job {
	struct rec r;
	struct failure fail;	/* the first reason it is rejected */
	int opened;		/* has entries in the batch's open and window arrays */
	double lon, lat;
	size_t nassets;
	const char *name[MAX_ASSETS + 1];	/* image assets, then scl */
	double stac_nodata[MAX_ASSETS + 1];
	int has_stac_nodata[MAX_ASSETS + 1];
	size_t open0;		/* first of this job's entries in the open array */
	size_t win0;		/* first of its windows */
	struct grid g;
	int level;
	double nodata;
	int has_nodata;
	long scl_c0, scl_r0;	/* the SCL window in SCL pixels */
	uint64_t requests, bytes;
	int sign;		/* hrefs on the signing hosts get a fresh SAS token */
	const char *collection, *sas_url;	/* for that token */
	char *href[MAX_ASSETS + 1];	/* signed hrefs (secret: never printed) */
};

static struct geo_xform *
xform_to(int epsg, char *err, size_t errlen)
{
	char dst[32];
	size_t i;

	for (i = 0; i < nxf; i++)
		if (Xf[i].epsg == epsg)
			return Xf[i].x;
	snprintf(dst, sizeof dst, "EPSG:%d", epsg);
	struct geo_xform *x = geo_xform_new("EPSG:4326", dst, err, errlen);
	if (!x)
		return NULL;
	if (nxf == MAX_XFORMS) {
		geo_xform_free(Xf[0].x);
		memmove(Xf, Xf + 1, (MAX_XFORMS - 1) * sizeof Xf[0]);
		nxf--;
	}
	Xf[nxf].epsg = epsg;
	Xf[nxf].x = x;
	nxf++;
	return x;
}

/* EPSG code the scene declares (crs, proj:epsg or proj:code), 0 if none. */
static int
declared_epsg(const json_t *o)
{
	const json_t *v;

	if ((v = json_object_get(o, "crs")) && json_is_string(v))
		return geo_epsg_of(json_string_value(v));
	if ((v = json_object_get(o, "proj:epsg")) && json_is_integer(v))
		return (int)json_integer_value(v);
	if ((v = json_object_get(o, "proj:code")) && json_is_string(v))
		return geo_epsg_of(json_string_value(v));
	return 0;
}

/*
 * Does this scene get signed (--sign, or marked "signed" by planetary-computer
 * in stac-query)?  Then its hrefs on the signing hosts lose their query string
 * here, in the record itself: the old token may have expired, the fresh one
 * goes only into the URLs fetched, and neither is ever written out.
 */
static void
sign_start(struct job *j, json_t *scene)
{
	json_t *mark = json_object_get(scene, "signed"), *a;
	const char *by = json_string_value(json_object_get(mark, "by")), *key, *h, *su;
	char *bare;

	if (!json_is_object(scene))
		return;
	if (by != NULL && strcmp(by, "planetary-computer") != 0 && !O.sign) {
		failure_set(&j->fail, "scene: signed by '%s': only planetary-computer is known", by);
		return;
	}
	if (!O.sign && by == NULL)
		return;
	j->sign = 1;
	json_object_foreach(json_object_get(scene, "assets"), key, a) {
		h = json_string_value(json_object_get(a, "href"));
		if (h == NULL || !pcsign_host_match(Sign, h) || strchr(h, '?') == NULL)
			continue;
		if ((bare = pcsign_strip(h)) == NULL)
			tool_fatal(&T, "out of memory");
		json_object_set_new(a, "href", json_string(bare));
		free(bare);
	}
	/* The hrefs written out carry no token, so no expiry either. */
	json_object_del(mark, "expiry");
	j->collection = json_string_value(json_object_get(scene, "collection"));
	if (j->collection == NULL)
		j->collection = json_string_value(json_object_get(mark, "collection"));
	j->sas_url = O.signing.sas_url;
	su = json_string_value(json_object_get(mark, "sas_url"));
	if (j->sas_url == NULL && su != NULL) {
		if (!http_is_remote(su))
			failure_set(&j->fail, "scene: signed.sas_url: expected an http(s) URL");
		j->sas_url = su;
	}
}

/* Parse the record: point, scene, asset hrefs. */
static void
job_start(struct job *j)
{
	json_t *lon = json_object_get(j->r.json, "lon"), *lat = json_object_get(j->r.json, "lat");
	json_t *scene = json_object_get(j->r.json, "scene"), *assets;
	size_t i;

	/* Before anything can reject the record: its old token must not reach the rejects. */
	sign_start(j, scene);
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
		j->name[i] = name;
		if (!json_is_object(a) || !json_is_string(json_object_get(a, "href"))) {
			failure_set(&j->fail, "scene: no asset '%s' with an href", name);
			return;
		}
		if ((nd = json_object_get(a, "nodata")) && json_is_number(nd)) {
			j->stac_nodata[i] = json_number_value(nd);
			j->has_stac_nodata[i] = 1;
		}
	}
}

static const char *
href_of(struct job *j, size_t i)
{
	json_t *a = json_object_get(json_object_get(json_object_get(j->r.json, "scene"),
	    "assets"), j->name[i]);

	if (j->href[i] != NULL)
		return j->href[i];
	return json_string_value(json_object_get(a, "href"));
}

static int
same_transform(const double *a, const double *b)
{
	for (int i = 0; i < 6; i++)
		if (fabs(a[i] - b[i]) > 1e-6 * (fabs(a[i]) + fabs(b[i]) + 1e-3))
			return 0;
	return 1;
}

/* Place the window: level, grid, and one cog_win per asset (+ scl). */
static void
job_plan(struct job *j, struct cog_open *op, struct cog_win *w)
{
	struct cog *c0 = op[j->open0].cog;
	const struct cog_level *l;
	double x = j->lon, y = j->lat, inv[6], cf, rf, px;
	char err[256];
	long n, col0, row0;
	int declared;
	size_t i;

	for (i = 0; i < j->nassets + (size_t)O.scl; i++)
		if (!op[j->open0 + i].cog) {
			failure_set(&j->fail, "asset %s: %s", j->name[i], op[j->open0 + i].error);
			return;
		}
	if (!c0->has_georef || c0->epsg == 0) {
		failure_set(&j->fail, "asset %s: no georeference or no EPSG code in the GeoTIFF keys",
		    j->name[0]);
		return;
	}
	declared = declared_epsg(json_object_get(j->r.json, "scene"));
	if (declared && declared != c0->epsg) {
		failure_set(&j->fail, "scene: crs EPSG:%d disagrees with asset %s (EPSG:%d)", declared,
		    j->name[0], c0->epsg);
		return;
	}
	j->level = 0;
	if (O.resolution > 0 && (j->level = cog_level_for_res(c0, O.resolution)) < 0) {
		failure_set(&j->fail, "asset %s: no overview with %g m pixels", j->name[0], O.resolution);
		return;
	}
	l = &c0->level[j->level];
	struct geo_xform *xf = xform_to(c0->epsg, err, sizeof err);
	if (!xf || geo_xform_points(xf, &x, &y, 1, err, sizeof err) < 0) {
		failure_set(&j->fail, "point to EPSG:%d: %s", c0->epsg, err);
		return;
	}
	if (geo_invert(l->t, inv) < 0) {
		failure_set(&j->fail, "asset %s: singular transform", j->name[0]);
		return;
	}
	cf = inv[0] * x + inv[1] * y + inv[2];
	rf = inv[3] * x + inv[4] * y + inv[5];
	if (!(cf >= 0 && rf >= 0 && cf < l->width && rf < l->height)) {
		failure_set(&j->fail, "window: point (%.6f, %.6f) lies outside the scene", j->lon, j->lat);
		return;
	}
	px = hypot(l->t[0], l->t[3]);
	n = O.size;
	if (O.size_m > 0) {
		n = lround(O.size_m / px);
		if (n < 1 || n > 16384) {
			failure_set(&j->fail, "--size-m %g: %ld pixels of %g m", O.size_m, n, px);
			return;
		}
	}
	/* Whole pixels nearest to centring the window on the point. */
	col0 = (long)floor(cf - n / 2.0 + 0.5);
	row0 = (long)floor(rf - n / 2.0 + 0.5);
	snprintf(j->g.crs, sizeof j->g.crs, "EPSG:%d", c0->epsg);
	geo_window_transform(l->t, (double)col0, (double)row0, 1, j->g.t);
	j->g.width = j->g.height = (int)n;
	j->has_nodata = 1;
	j->nodata = c0->has_nodata ? c0->nodata : j->has_stac_nodata[0] ? j->stac_nodata[0] : 0;

	for (i = 0; i < j->nassets; i++) {
		struct cog *c = op[j->open0 + i].cog;
		int lv = j->level;
		if (i > 0) {
			lv = O.resolution > 0 ? cog_level_for_res(c, O.resolution) : 0;
			if (c->epsg != c0->epsg || lv < 0 ||
			    !same_transform(c->level[lv].t, l->t) ||
			    c->level[lv].width != l->width || c->level[lv].height != l->height) {
				failure_set(&j->fail, "asset %s: grid differs from asset %s", j->name[i],
				    j->name[0]);
				return;
			}
			if (c->dtype != c0->dtype) {
				failure_set(&j->fail, "asset %s: %s, asset %s: %s", j->name[i],
				    dtype_name(c->dtype), j->name[0], dtype_name(c0->dtype));
				return;
			}
		}
		w[j->win0 + i].cog = c;
		w[j->win0 + i].level = lv;
		w[j->win0 + i].col0 = col0;
		w[j->win0 + i].row0 = row0;
		w[j->win0 + i].width = (int)n;
		w[j->win0 + i].height = (int)n;
		w[j->win0 + i].fill = j->nodata;
	}
	if (O.scl) {
		/* The SCL pixels under the window (nearest, pixel centres), at full
		 * resolution: averaged overviews would mix class codes. */
		struct cog *c = op[j->open0 + j->nassets].cog;
		double si[6], b[4], xs[2], ys[2];
		long sc0, sr0, sc1, sr1;
		if (c->epsg != c0->epsg) {
			failure_set(&j->fail, "asset scl: EPSG:%d, image EPSG:%d", c->epsg, c0->epsg);
			return;
		}
		if (c->dtype != DT_UINT8 || c->spp != 1) {
			failure_set(&j->fail, "asset scl: expected one uint8 band");
			return;
		}
		if (geo_invert(c->level[0].t, si) < 0) {
			failure_set(&j->fail, "asset scl: singular transform");
			return;
		}
		geo_window_bounds(j->g.t, (int)n, (int)n, b);
		xs[0] = si[0] * b[0] + si[1] * b[3] + si[2];
		ys[0] = si[3] * b[0] + si[4] * b[3] + si[5];
		xs[1] = si[0] * b[2] + si[1] * b[1] + si[2];
		ys[1] = si[3] * b[2] + si[4] * b[1] + si[5];
		sc0 = (long)floor(fmin(xs[0], xs[1])) - 1;
		sr0 = (long)floor(fmin(ys[0], ys[1])) - 1;
		sc1 = (long)ceil(fmax(xs[0], xs[1])) + 1;
		sr1 = (long)ceil(fmax(ys[0], ys[1])) + 1;
		if (sc1 - sc0 > 32768 || sr1 - sr0 > 32768) {
			failure_set(&j->fail, "asset scl: window of %ldx%ld pixels", sc1 - sc0, sr1 - sr0);
			return;
		}
		j->scl_c0 = sc0;
		j->scl_r0 = sr0;
		struct cog_win *sw = &w[j->win0 + j->nassets];
		sw->cog = c;
		sw->level = 0;
		sw->col0 = sc0;
		sw->row0 = sr0;
		sw->width = (int)(sc1 - sc0);
		sw->height = (int)(sr1 - sr0);
		sw->fill = 0;
	}
}

static int
is_nodata(const void *data, enum dtype dt, size_t i, double nd)
{
	switch (dt) {
	case DT_UINT8: return ((const uint8_t *)data)[i] == nd;
	case DT_UINT16: return ((const uint16_t *)data)[i] == nd;
	case DT_INT16: return ((const int16_t *)data)[i] == nd;
	default: {
		float v = ((const float *)data)[i];
		return isnan(nd) ? isnan(v) : v == (float)nd;
	}
	}
}

/* Build the rasters, grid, coverage and fetch from the decoded windows. */
static void
job_finish(struct job *j, struct cog_open *op, struct cog_win *w, double t0)
{
	struct cog *c0;
	struct raster *ra;
	size_t i, k, plane, nbands = 0, valid = 0, bsz;
	int b = 0;
	json_t *fetch;

	for (i = 0; i < j->nassets + (size_t)O.scl; i++) {
		j->requests += op[j->open0 + i].requests + w[j->win0 + i].requests;
		j->bytes += op[j->open0 + i].bytes + w[j->win0 + i].bytes;
	}
	T.bytes_fetched += j->bytes;
	if (j->fail.failed)
		return;
	for (i = 0; i < j->nassets + (size_t)O.scl; i++)
		if (!w[j->win0 + i].ok) {
			failure_set(&j->fail, "asset %s: %s", j->name[i], w[j->win0 + i].error);
			return;
		}
	c0 = w[j->win0].cog;
	for (i = 0; i < j->nassets; i++)
		nbands += w[j->win0 + i].cog->spp;
	for (i = j->r.nrasters; i > 0; i--)
		if (strcmp(j->r.rasters[i - 1].role, "image") == 0 ||
		    (O.scl && strcmp(j->r.rasters[i - 1].role, "scl") == 0))
			rec_remove_raster(&j->r, i - 1);
	ra = rec_add_raster(&j->r, "image", j->g.width, j->g.height, (int)nbands, c0->dtype);
	if (!ra) {
		failure_set(&j->fail, "out of memory");
		return;
	}
	plane = (size_t)j->g.width * j->g.height;
	bsz = dtype_size(c0->dtype);
	for (i = 0; i < j->nassets; i++) {
		const struct cog_win *wi = &w[j->win0 + i];
		for (int s = 0; s < wi->cog->spp; s++, b++) {
			char nm[80];
			memcpy((char *)ra->data + (size_t)b * plane * bsz,
			    (const char *)wi->data + (size_t)s * plane * bsz, plane * bsz);
			if (wi->cog->spp == 1)
				snprintf(nm, sizeof nm, "%s", j->name[i]);
			else if (O.visual && wi->cog->spp == 3)
				snprintf(nm, sizeof nm, "%s", s == 0 ? "red" : s == 1 ? "green" : "blue");
			else
				snprintf(nm, sizeof nm, "%s_%d", j->name[i], s + 1);
			raster_set_band_name(ra, b, nm);
		}
	}
	ra->has_nodata = j->has_nodata;
	ra->nodata = j->nodata;
	/* Valid: inside the image and not nodata in every band. */
	{
		const struct cog_win *w0 = &w[j->win0];
		const struct cog_level *l = &c0->level[j->level];
		for (long r = 0; r < j->g.height; r++) {
			long R = w0->row0 + r;
			if (R < 0 || R >= (long)l->height)
				continue;
			for (long c = 0; c < j->g.width; c++) {
				long C = w0->col0 + c;
				if (C < 0 || C >= (long)l->width)
					continue;
				k = (size_t)r * j->g.width + c;
				for (b = 0; b < (int)nbands; b++)
					if (!is_nodata((const char *)ra->data + (size_t)b * plane * bsz,
					    c0->dtype, k, j->nodata))
						break;
				if (b < (int)nbands)
					valid++;
			}
		}
	}
	if (O.scl) {
		const struct cog_win *sw = &w[j->win0 + j->nassets];
		const double *st = sw->cog->level[0].t;
		double si[6];
		struct raster *rs = rec_add_raster(&j->r, "scl", j->g.width, j->g.height, 1, DT_UINT8);
		if (!rs || geo_invert(st, si) < 0) {
			failure_set(&j->fail, "out of memory");
			return;
		}
		raster_set_band_name(rs, 0, "scl");
		rs->has_nodata = 1;
		rs->nodata = 0;
		for (long r = 0; r < j->g.height; r++)
			for (long c = 0; c < j->g.width; c++) {
				double x, y;
				long sc, sr;
				geo_apply(j->g.t, c + 0.5, r + 0.5, &x, &y);
				sc = (long)floor(si[0] * x + si[1] * y + si[2]) - sw->col0;
				sr = (long)floor(si[3] * x + si[4] * y + si[5]) - sw->row0;
				if (sc >= 0 && sr >= 0 && sc < sw->width && sr < sw->height)
					((uint8_t *)rs->data)[(size_t)r * j->g.width + c] =
					    ((const uint8_t *)sw->data)[(size_t)sr * sw->width + sc];
			}
	}
	j->r.has_grid = 1;
	j->r.grid = j->g;
	double cov = (double)valid / (double)plane;
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
	struct cog_open *op;
	struct cog_win *w;
	size_t nopen, nwin;
	double t0;
};

/* Fresh SAS tokens for the batch's hrefs: one pcsign call, so at most one
 * token request per collection (and none while the cached one is fresh). */
static void
sign_batch(struct batch *b)
{
	struct pcsign_href *hs;
	size_t i, k, m = 0;

	for (i = 0; i < b->n; i++)
		if (b->js[i].sign && !b->js[i].fail.failed)
			m += b->js[i].nassets + (size_t)O.scl;
	if (m == 0 || (hs = calloc(m, sizeof *hs)) == NULL)
		return;		/* out of memory: unsigned hrefs fail on their own */
	for (i = m = 0; i < b->n; i++)
		if (b->js[i].sign && !b->js[i].fail.failed)
			for (k = 0; k < b->js[i].nassets + (size_t)O.scl; k++, m++) {
				hs[m].collection = b->js[i].collection;
				hs[m].sas_url = b->js[i].sas_url;
				hs[m].href = href_of(&b->js[i], k);
			}
	pcsign_sign(Sign, hs, m);
	for (i = m = 0; i < b->n; i++)
		if (b->js[i].sign && !b->js[i].fail.failed)
			for (k = 0; k < b->js[i].nassets + (size_t)O.scl; k++, m++) {
				if (hs[m].out == NULL)
					failure_set(&b->js[i].fail, "sign: asset %s: %s", b->js[i].name[k],
					    hs[m].error);
				else if (hs[m].is_signed) {
					b->js[i].href[k] = hs[m].out;
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
	b->nopen = b->nwin = 0;
	for (i = 0; i < b->n; i++)
		if (!js[i].fail.failed) {
			js[i].opened = 1;
			js[i].open0 = b->nopen;
			js[i].win0 = b->nwin;
			b->nopen += js[i].nassets + (size_t)O.scl;
			b->nwin += js[i].nassets + (size_t)O.scl;
		}
	b->op = calloc(b->nopen + 1, sizeof *b->op);
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
				b->op[js[i].open0 + k].url = href_of(&js[i], k);
	cog_open_many(H, Cache, b->op, b->nopen);
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
			free(j->href[k]);
	}
	for (k = 0; k < b->nwin; k++)
		cog_win_clear(&b->w[k]);
	for (k = 0; k < b->nopen; k++)
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
			if (parse_long(optarg, 1, 16384, &O.size))
				tool_usage_error(&T, "--size: expected pixels in 1..16384, got '%s'", optarg);
			break;
		case OPT_SIZE_M:
			if (parse_double(optarg, &O.size_m) || !(O.size_m > 0))
				tool_usage_error(&T, "--size-m: expected metres > 0, got '%s'", optarg);
			break;
		case OPT_RESOLUTION:
			if (parse_double(optarg, &O.resolution) || !(O.resolution > 0))
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
	if ((Cache = cog_cache_new((size_t)O.cache)) == NULL)
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
	for (size_t i = 0; i < nxf; i++)
		geo_xform_free(Xf[i].x);
	http_free(H);
	return tool_finish(&T);
}
