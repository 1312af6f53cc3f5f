/*
 * poi-fetch - the source of the pipeline: read places from a Hugging Face
 * dataset (dataset viewer /rows API, never the images) or from a local CSV,
 * NDJSON, GeoJSON or GeoJSON-lines file, keep the rows with usable
 * coordinates, choose a geographically spread subset (seeded shuffle, greedy
 * farthest-first), optionally add jittered variants, and write one POI record
 * per point.
 *
 * Selection needs every candidate, so nothing is written until scanning is
 * done: a page that cannot be fetched stops the tool with no output at all.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "geo.h"
#include "http.h"
#include "rec.h"
#include "rng.h"
#include "select.h"
#include "sha256.h"
#include "tool.h"

#define PAGE_ROWS	100	/* the /rows API's maximum length */
#define MAX_KEYS	8

static const char usage[] =
"usage: poi-fetch [-hq] [-j jobs] [--from file] [--dataset id] [--config name]\n"
"                 [--split name] [--hf-url url] [--lat-col names] [--lon-col names]\n"
"                 [--max-scan n] [--num-points n] [--seed n] [--min-separation-km km]\n"
"                 [--auto-min-separation] [--jitter n] [--jitter-max-m m]\n"
"                 [--part k/n] [--max-retries n] [--timeout s] [--progress]\n"
"                 [--rejects file]\n"
"  --from FILE              CSV, NDJSON, GeoJSON or GeoJSON-lines ('-' = stdin)\n"
"  --dataset ID             Hugging Face dataset (default\n"
"                           stochastic/random_streetview_images_pano_v0.0.2)\n"
"  --config NAME            dataset config (default: default)\n"
"  --split NAME             dataset split (default: train)\n"
"  --hf-url URL             dataset viewer API (default\n"
"                           https://datasets-server.huggingface.co)\n"
"  --lat-col A,B            latitude columns tried in order (latitude,lat,y)\n"
"  --lon-col A,B            longitude columns tried in order (longitude,lon,x)\n"
"  --max-scan N             rows read at most (100000; 0 = all)\n"
"  --num-points N           points chosen (12; 0 = all candidates)\n"
"  --seed N                 shuffle seed (42)\n"
"  --min-separation-km KM   least great-circle distance between points (2200)\n"
"  --auto-min-separation    largest separation in [0, KM] that still gives N points\n"
"  --jitter N               jittered variants per point (0)\n"
"  --jitter-max-m M         variants fall within M metres of their point (500)\n"
"  --part K/N               keep only part K of N (1 <= K <= N), by base id\n"
"  -j N                     pages fetched at once (4)\n"
"  --max-retries N          retries of a failed page fetch (4)\n"
"  --timeout S              seconds for one page request (120)\n"
"  -q, --progress, --rejects FILE, -h, --version as in every tool\n"
"HF_TOKEN from the environment is sent as a bearer token when set.\n";

enum {
	OPT_FROM = OPT_TOOL_FIRST, OPT_DATASET, OPT_CONFIG, OPT_SPLIT, OPT_HF_URL,
	OPT_LAT_COL, OPT_LON_COL, OPT_MAX_SCAN, OPT_NUM_POINTS, OPT_SEED,
	OPT_MIN_SEP, OPT_AUTO_SEP, OPT_JITTER, OPT_JITTER_MAX, OPT_PART
};

static struct option longopts[] = {
	TOOL_LONGOPTS,
	TOOL_NET_LONGOPTS,
	{ "from", required_argument, 0, OPT_FROM },
	{ "dataset", required_argument, 0, OPT_DATASET },
	{ "config", required_argument, 0, OPT_CONFIG },
	{ "split", required_argument, 0, OPT_SPLIT },
	{ "hf-url", required_argument, 0, OPT_HF_URL },
	{ "lat-col", required_argument, 0, OPT_LAT_COL },
	{ "lon-col", required_argument, 0, OPT_LON_COL },
	{ "max-scan", required_argument, 0, OPT_MAX_SCAN },
	{ "num-points", required_argument, 0, OPT_NUM_POINTS },
	{ "seed", required_argument, 0, OPT_SEED },
	{ "min-separation-km", required_argument, 0, OPT_MIN_SEP },
	{ "auto-min-separation", no_argument, 0, OPT_AUTO_SEP },
	{ "jitter", required_argument, 0, OPT_JITTER },
	{ "jitter-max-m", required_argument, 0, OPT_JITTER_MAX },
	{ "part", required_argument, 0, OPT_PART },
	{ 0, 0, 0, 0 }
};

struct opts {
	const char *from, *dataset, *config, *split, *hf_url;
	char *lat_keys[MAX_KEYS], *lon_keys[MAX_KEYS];
	int nlat, nlon;
	long max_scan, num_points, jitter;
	unsigned long long seed;
	double min_sep_km, jitter_max_m;
	int auto_sep;
	long part_k, part_n;
};

/* A row with usable coordinates. */
struct cand {
	long long row_idx;
	double lon, lat;
	json_t *meta;		/* the row's other columns */
};

struct scan {
	struct tool *t;
	const struct opts *o;
	struct cand *v;
	size_t n, cap;
	long long rows;		/* rows looked at */
	long long missing, nonnum, nonfinite, range;
	json_t *image_cols;	/* names of Image features (HF) */
	const char *format;	/* "hf", "csv", "ndjson", "geojson" */
};

/*
 * What a fatal exit may leave allocated stays reachable from here, so that a
 * leak checker only reports real leaks.
 */
static struct {
	char *keybuf[2];	/* --lat-col, --lon-col copies */
	char *file;		/* the --from file's contents */
	struct csv csv;
	char **hdr;
	size_t nhdr;
	struct http_req *rq;	/* a batch of page requests */
	void *urls;
} held;

static void
split_keys(struct tool *t, const char *opt, const char *arg, char **keys, int *n,
    char **buf)
{
	char *s, *p, *save = NULL;

	free(*buf);
	if ((s = *buf = strdup(arg)) == NULL)
		tool_fatal(t, "out of memory");
	*n = 0;
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_KEYS)
			tool_usage_error(t, "%s: at most %d column names", opt, MAX_KEYS);
		keys[(*n)++] = p;
	}
	if (*n == 0)
		tool_usage_error(t, "%s: expected column names, got '%s'", opt, arg);
}

/*
 * Coordinate values: JSON numbers, or strings as the default dataset stores
 * them.  Returns 0 with *out set, or the counter the row belongs to.
 */
enum coord { C_OK, C_MISSING, C_NONNUM, C_NONFINITE };

static enum coord
parse_coord(json_t *v, double *out)
{
	const char *s, *p;
	char *end;
	double d;

	if (v == NULL || json_is_null(v))
		return C_MISSING;
	if (json_is_number(v)) {
		d = json_number_value(v);
		*out = d;
		return isfinite(d) ? C_OK : C_NONFINITE;
	}
	if (!json_is_string(v))
		return C_NONNUM;
	s = json_string_value(v);
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return C_MISSING;
	/* strtod also reads hexadecimal, which no coordinate column means. */
	for (p = s; *p; p++)
		if (*p == 'x' || *p == 'X')
			return C_NONNUM;
	errno = 0;
	d = strtod(s, &end);
	if (end == s)
		return C_NONNUM;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return C_NONNUM;
	*out = d;
	return isfinite(d) ? C_OK : C_NONFINITE;
}

/* The value of the first key the row has, as the original (a bad value in
 * the first column found is not rescued by a later one). */
static json_t *
first_key(json_t *row, char *const *keys, int n, const char **used)
{
	int i;

	for (i = 0; i < n; i++) {
		json_t *v = json_object_get(row, keys[i]);

		if (v != NULL) {
			*used = keys[i];
			return v;
		}
	}
	*used = NULL;
	return NULL;
}

static int
is_image_value(json_t *v)
{
	return json_is_object(v) && json_object_get(v, "src") != NULL;
}

static void
add_cand(struct scan *sc, long long row_idx, double lon, double lat, json_t *meta)
{
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 1024;
		struct cand *v = realloc(sc->v, cap * sizeof(*v));

		if (v == NULL)
			tool_fatal(sc->t, "out of memory");
		sc->v = v;
		sc->cap = cap;
	}
	sc->v[sc->n].row_idx = row_idx;
	sc->v[sc->n].lon = lon;
	sc->v[sc->n].lat = lat;
	sc->v[sc->n].meta = meta;
	sc->n++;
}

/*
 * One row (an object of columns).  If have_point, lon/lat came from a GeoJSON
 * geometry.  The row is borrowed; its other columns are copied.
 */
static void
take_row(struct scan *sc, long long row_idx, json_t *row, int have_point,
    double plon, double plat)
{
	const struct opts *o = sc->o;
	const char *latk = NULL, *lonk = NULL, *k;
	enum coord a = C_OK, b = C_OK;
	double lat = plat, lon = plon;
	json_t *meta, *v;
	size_t i;

	sc->rows++;
	if (!have_point) {
		a = parse_coord(first_key(row, o->lat_keys, o->nlat, &latk), &lat);
		b = parse_coord(first_key(row, o->lon_keys, o->nlon, &lonk), &lon);
	}
	if (a == C_MISSING || b == C_MISSING) {
		sc->missing++;
		return;
	}
	if (a == C_NONNUM || b == C_NONNUM) {
		sc->nonnum++;
		return;
	}
	if (a == C_NONFINITE || b == C_NONFINITE) {
		sc->nonfinite++;
		return;
	}
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
		sc->range++;
		return;
	}
	if ((meta = json_object()) == NULL)
		tool_fatal(sc->t, "out of memory");
	json_object_foreach(row, k, v) {
		if ((latk && strcmp(k, latk) == 0) || (lonk && strcmp(k, lonk) == 0))
			continue;
		if (is_image_value(v))
			continue;
		if (sc->image_cols) {
			int skip = 0;
			json_t *c;

			json_array_foreach(sc->image_cols, i, c)
				if (strcmp(json_string_value(c), k) == 0)
					skip = 1;
			if (skip)
				continue;
		}
		json_object_set(meta, k, v);
	}
	add_cand(sc, row_idx, lon, lat, meta);
}

static int
scan_full(const struct scan *sc)
{
	return sc->o->max_scan > 0 && sc->rows >= sc->o->max_scan;
}

/* ---- Hugging Face dataset viewer ---------------------------------------- */

static char *
urlenc(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(3 * strlen(s) + 1), *p = out;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

struct hf {
	struct tool *t;
	struct http *h;
	char *base;		/* ".../rows?dataset=...&config=...&split=..." */
	char *auth;		/* "Authorization: Bearer ..." or NULL: a secret */
	const char *headers[2];
	const char *dataset;
};

static void
hf_url(struct hf *hf, long long offset, long length, char *out, size_t n)
{
	snprintf(out, n, "%s&offset=%lld&length=%ld", hf->base, offset, length);
}

/* The message of an {"error": ...} body, or NULL. */
static const char *
hf_error_text(json_t *doc)
{
	json_t *e = json_object_get(doc, "error");

	return json_is_string(e) ? json_string_value(e) : NULL;
}

/* Parse a fetched page; fatal (exit 2) on anything but a sound /rows answer.
 * Returns the document, owned by the caller. */
static json_t *
hf_page(struct hf *hf, struct http_req *rq, long long offset)
{
	json_error_t jerr;
	json_t *doc = NULL;
	const char *msg;
	char why[1024];

	why[0] = '\0';
	if (rq->data && rq->len > 0)
		doc = json_loadb(rq->data, rq->len, 0, &jerr);
	if (doc && (msg = hf_error_text(doc)) != NULL)
		snprintf(why, sizeof why, "HTTP %ld: %s", rq->status, msg);
	else if (!rq->ok)
		snprintf(why, sizeof why, "%s", rq->error[0] ? rq->error : "fetch failed");
	else if (doc == NULL)
		snprintf(why, sizeof why, "not JSON: %s", jerr.text);
	else if (!json_is_object(doc) || !json_is_array(json_object_get(doc, "rows")))
		snprintf(why, sizeof why, "no \"rows\" array in the answer");
	if (why[0] == '\0')
		return doc;
	json_decref(doc);
	http_req_clear(rq);
	tool_fatal(hf->t, "%s: rows at offset %lld: %s", hf->dataset, offset, why);
}

static void
hf_take_page(struct scan *sc, json_t *doc, long long offset)
{
	json_t *rows = json_object_get(doc, "rows"), *r;
	size_t i;

	json_array_foreach(rows, i, r) {
		json_t *row = json_object_get(r, "row"), *ix = json_object_get(r, "row_idx");
		long long idx = json_is_integer(ix) ? json_integer_value(ix) :
		    offset + (long long)i;

		if (scan_full(sc))
			return;
		if (!json_is_object(row)) {
			sc->rows++;
			sc->missing++;
			continue;
		}
		take_row(sc, idx, row, 0, 0, 0);
	}
	sc->t->n_in = (uint64_t)sc->rows;	/* for the progress line */
}

/* Names of the features whose type is an Image (or other media): never copied. */
static json_t *
hf_image_cols(json_t *doc)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(json_object_get(doc, "features"), i, f) {
		json_t *type = json_object_get(f, "type"), *name = json_object_get(f, "name");
		const char *ty = json_string_value(json_object_get(type, "_type"));

		if (json_is_string(name) && ty && (strcmp(ty, "Image") == 0 ||
		    strcmp(ty, "Audio") == 0 || strcmp(ty, "Video") == 0))
			json_array_append(out, name);
	}
	return out;
}

static void
scan_hf(struct scan *sc, struct tool *t, const struct opts *o)
{
	struct hf hf;
	struct http_req first, *rq;
	const char *tok = getenv("HF_TOKEN");
	char *d, *c, *s, url[4096];
	size_t blen, nreq, batch, i;
	long long total = -1, limit, off, got;
	json_t *doc, *nt;

	memset(&hf, 0, sizeof hf);
	hf.t = t;
	hf.dataset = o->dataset;
	d = urlenc(o->dataset);
	c = urlenc(o->config);
	s = urlenc(o->split);
	if (!d || !c || !s)
		tool_fatal(t, "out of memory");
	blen = strlen(o->hf_url);
	while (blen > 0 && o->hf_url[blen - 1] == '/')
		blen--;
	if (asprintf(&hf.base, "%.*s/rows?dataset=%s&config=%s&split=%s", (int)blen,
	    o->hf_url, d, c, s) < 0)
		tool_fatal(t, "out of memory");
	free(d);
	free(c);
	free(s);
	if (tok && *tok) {
		if (asprintf(&hf.auth, "Authorization: Bearer %s", tok) < 0)
			tool_fatal(t, "out of memory");
		hf.headers[0] = hf.auth;
	}
	hf.h = tool_http(t, t->jobs);
	sc->format = "hf";

	/* The first page says how many rows there are. */
	limit = o->max_scan > 0 ? o->max_scan : -1;
	memset(&first, 0, sizeof first);
	hf_url(&hf, 0, limit >= 0 && limit < PAGE_ROWS ? (long)limit : PAGE_ROWS, url,
	    sizeof url);
	first.url = url;
	first.headers = hf.headers;
	http_fetch(hf.h, &first, 1);
	doc = hf_page(&hf, &first, 0);
	t->bytes_fetched += first.len;
	http_req_clear(&first);
	sc->image_cols = hf_image_cols(doc);
	nt = json_object_get(doc, "num_rows_total");
	if (json_is_integer(nt))
		total = json_integer_value(nt);
	if (json_is_true(json_object_get(doc, "partial")) && !t->quiet)
		tool_warn(t, "%s: the dataset viewer serves only part of this split "
		    "(\"partial\": true)", o->dataset);
	got = (long long)json_array_size(json_object_get(doc, "rows"));
	hf_take_page(sc, doc, 0);
	json_decref(doc);
	if (total >= 0 && (limit < 0 || total < limit))
		limit = total;

	off = got;
	if (total >= 0) {
		/* Known size: the remaining pages in batches, -j at once. */
		batch = (size_t)t->jobs * 4;
		if ((rq = held.rq = calloc(batch, sizeof(*rq))) == NULL)
			tool_fatal(t, "out of memory");
		while (got > 0 && off < limit && !scan_full(sc)) {
			char (*urls)[4096] = held.urls = malloc(batch * sizeof(*urls));
			long long offs[1024];

			if (urls == NULL)
				tool_fatal(t, "out of memory");
			for (nreq = 0; nreq < batch && nreq < 1024 && off < limit; nreq++) {
				long len = limit - off < PAGE_ROWS ? (long)(limit - off) : PAGE_ROWS;

				memset(&rq[nreq], 0, sizeof rq[nreq]);
				hf_url(&hf, off, len, urls[nreq], sizeof urls[nreq]);
				rq[nreq].url = urls[nreq];
				rq[nreq].headers = hf.headers;
				offs[nreq] = off;
				off += len;
			}
			http_fetch(hf.h, rq, nreq);
			/* Check every page of the batch before taking any. */
			for (i = 0; i < nreq; i++) {
				doc = hf_page(&hf, &rq[i], offs[i]);
				t->bytes_fetched += rq[i].len;
				http_req_clear(&rq[i]);
				got = (long long)json_array_size(json_object_get(doc, "rows"));
				hf_take_page(sc, doc, offs[i]);
				json_decref(doc);
				if (got == 0)
					break;	/* shorter than announced */
			}
			for (; i < nreq; i++)
				http_req_clear(&rq[i]);
			free(urls);
			held.urls = NULL;
			tool_progress(t, 0);
		}
		free(rq);
		held.rq = NULL;
	} else {
		/* Unknown size: one page after another until a short one. */
		while (got == PAGE_ROWS && !scan_full(sc)) {
			memset(&first, 0, sizeof first);
			hf_url(&hf, off, PAGE_ROWS, url, sizeof url);
			first.url = url;
			first.headers = hf.headers;
			http_fetch(hf.h, &first, 1);
			doc = hf_page(&hf, &first, off);
			t->bytes_fetched += first.len;
			http_req_clear(&first);
			got = (long long)json_array_size(json_object_get(doc, "rows"));
			hf_take_page(sc, doc, off);
			json_decref(doc);
			off += got;
		}
	}
	http_free(hf.h);
	if (hf.auth) {
		explicit_bzero(hf.auth, strlen(hf.auth));
		free(hf.auth);
	}
	free(hf.base);
}

/* ---- local files ---------------------------------------------------------- */

static char *
slurp(struct tool *t, const char *path, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL)
		tool_fatal(t, "%s: %s", path, strerror(errno));
	for (;;) {
		if (cap - n < 65536) {
			char *b;

			cap = cap ? 2 * cap : 1 << 20;
			if ((b = realloc(buf, cap + 1)) == NULL)
				tool_fatal(t, "%s: out of memory", path);
			buf = b;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(fp))
		tool_fatal(t, "%s: %s", path, strerror(errno));
	if (fp != stdin)
		fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* A GeoJSON Feature: coordinates from a Point geometry, columns from its
 * properties; without a geometry the properties' columns are tried. */
static void
take_feature(struct scan *sc, long long idx, json_t *f)
{
	json_t *g = json_object_get(f, "geometry"), *props = json_object_get(f, "properties");
	json_t *c, *row;
	double lon, lat;
	enum coord a, b;

	row = json_is_object(props) ? json_deep_copy(props) : json_object();
	if (json_object_get(f, "id") && !json_object_get(row, "id"))
		json_object_set(row, "id", json_object_get(f, "id"));
	if (g == NULL || json_is_null(g)) {
		take_row(sc, idx, row, 0, 0, 0);
		json_decref(row);
		return;
	}
	c = json_object_get(g, "coordinates");
	if (!json_is_string(json_object_get(g, "type")) ||
	    strcmp(json_string_value(json_object_get(g, "type")), "Point") != 0 ||
	    !json_is_array(c) || json_array_size(c) < 2) {
		sc->rows++;
		sc->missing++;	/* not a point: no single coordinate */
		json_decref(row);
		return;
	}
	a = parse_coord(json_array_get(c, 0), &lon);
	b = parse_coord(json_array_get(c, 1), &lat);
	if (a != C_OK || b != C_OK) {
		sc->rows++;
		if (a == C_MISSING || b == C_MISSING)
			sc->missing++;
		else if (a == C_NONNUM || b == C_NONNUM)
			sc->nonnum++;
		else
			sc->nonfinite++;
		json_decref(row);
		return;
	}
	take_row(sc, idx, row, 1, lon, lat);
	json_decref(row);
}

static void
take_object(struct scan *sc, long long idx, json_t *obj)
{
	const char *ty = json_string_value(json_object_get(obj, "type"));

	if (ty && strcmp(ty, "Feature") == 0)
		take_feature(sc, idx, obj);
	else
		take_row(sc, idx, obj, 0, 0, 0);
}

static void
scan_json_array(struct scan *sc, json_t *arr)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (scan_full(sc))
			return;
		if (!json_is_object(v)) {
			sc->rows++;
			sc->missing++;
			continue;
		}
		take_object(sc, (long long)i, v);
	}
}

static void
scan_lines(struct scan *sc, const char *name, char *buf, size_t len)
{
	char *p = buf, *end = buf + len, *nl;
	long long idx = 0;
	long line = 0;
	json_error_t jerr;
	json_t *v;

	sc->format = "ndjson";
	for (; p < end && !scan_full(sc); p = nl + 1) {
		char *q;

		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (q = p; q < nl && isspace((unsigned char)*q); q++)
			;
		if (q == nl)
			continue;
		if ((v = json_loadb(p, (size_t)(nl - p), 0, &jerr)) == NULL)
			tool_fatal(sc->t, "%s:%ld: not JSON: %s", name, line, jerr.text);
		if (!json_is_object(v)) {
			json_decref(v);
			tool_fatal(sc->t, "%s:%ld: not a JSON object", name, line);
		}
		if (json_is_string(json_object_get(v, "type")) &&
		    strcmp(json_string_value(json_object_get(v, "type")), "Feature") == 0)
			sc->format = "geojsonl";
		take_object(sc, idx++, v);
		json_decref(v);
	}
}

static void
scan_csv(struct scan *sc, const char *name, const char *buf, size_t len)
{
	struct csv *c = &held.csv;
	char **hdr;
	size_t nh, i;
	long long idx = 0;
	int st;

	sc->format = "csv";
	csv_init(c, buf, len);
	if ((st = csv_next(c)) <= 0)
		tool_fatal(sc->t, "%s: %s", name, st == 0 ? "empty file, no CSV header" :
		    "unterminated quote in the CSV header");
	nh = held.nhdr = c->nfield;
	if ((hdr = held.hdr = calloc(nh, sizeof(*hdr))) == NULL)
		tool_fatal(sc->t, "out of memory");
	for (i = 0; i < nh; i++)
		if ((hdr[i] = strdup(c->field[i])) == NULL)
			tool_fatal(sc->t, "out of memory");
	while (!scan_full(sc) && (st = csv_next(c)) == 1) {
		json_t *row = json_object();

		for (i = 0; i < nh && i < c->nfield; i++)
			json_object_set_new(row, hdr[i], json_string(c->field[i]));
		take_row(sc, idx++, row, 0, 0, 0);
		json_decref(row);
	}
	if (st == -1)
		tool_fatal(sc->t, "%s:%ld: unterminated quoted CSV field", name, c->rec_line);
	for (i = 0; i < nh; i++)
		free(hdr[i]);
	free(hdr);
	held.hdr = NULL;
	csv_free(c);
}

static void
scan_file(struct scan *sc, struct tool *t, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	size_t len, off = 0;
	char *buf = held.file = slurp(t, path, &len);
	json_error_t jerr;
	json_t *doc;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (off < len && isspace((unsigned char)buf[off]))
		off++;
	if (off < len && (buf[off] == '{' || buf[off] == '[')) {
		/* One JSON document (FeatureCollection, Feature, array of rows),
		 * or else one object per line. */
		doc = json_loadb(buf + off, len - off, 0, &jerr);
		if (json_is_array(doc)) {
			sc->format = "json";
			scan_json_array(sc, doc);
		} else if (json_is_object(doc) &&
		    json_is_string(json_object_get(doc, "type")) &&
		    strcmp(json_string_value(json_object_get(doc, "type")),
		    "FeatureCollection") == 0) {
			sc->format = "geojson";
			if (!json_is_array(json_object_get(doc, "features"))) {
				json_decref(doc);
				tool_fatal(t, "%s: FeatureCollection without a features array",
				    name);
			}
			scan_json_array(sc, json_object_get(doc, "features"));
		} else if (doc == NULL && buf[off] == '[') {
			tool_fatal(t, "%s: not JSON: line %d: %s", name, jerr.line, jerr.text);
		} else {
			scan_lines(sc, name, buf + off, len - off);
		}
		json_decref(doc);
	} else {
		scan_csv(sc, name, buf, len);
	}
	free(buf);
	held.file = NULL;
}

/* ---- output ---------------------------------------------------------------- */

static json_t *
source_of(const struct opts *o, const struct scan *sc, const struct cand *c)
{
	json_t *src = json_deep_copy(c->meta);

	if (o->from) {
		json_object_set_new(src, "file", json_string(strcmp(o->from, "-") == 0 ?
		    "stdin" : o->from));
		json_object_set_new(src, "format", json_string(sc->format));
	} else {
		json_object_set_new(src, "dataset", json_string(o->dataset));
		json_object_set_new(src, "config", json_string(o->config));
		json_object_set_new(src, "split", json_string(o->split));
	}
	json_object_set_new(src, "row_idx", json_integer(c->row_idx));
	return src;
}

/* Part of base id: the first 64 bits of its SHA-256 (16 hex digits), mod n. */
static long
part_of(const char *id, long n)
{
	unsigned char d[32];
	unsigned long long x = 0;
	int i;

	sha256(id, strlen(id), d);
	for (i = 0; i < 8; i++)
		x = x << 8 | d[i];
	return (long)(x % (unsigned long long)n);
}

static void
emit_point(struct tool *t, const char *id, const char *base, double lon, double lat,
    json_t *src, json_t *jit)
{
	struct rec r;

	rec_init(&r);
	json_object_set_new(r.json, "poi_id", json_string(id));
	json_object_set_new(r.json, "base_poi_id", json_string(base));
	json_object_set_new(r.json, "lon", json_real(lon));
	json_object_set_new(r.json, "lat", json_real(lat));
	json_object_set(r.json, "source", src);
	if (jit)
		json_object_set_new(r.json, "jitter", jit);
	tool_emit(t, &r);
}

/*
 * Jitter variant i (1-based) of a base point: a uniform point in the disk of
 * radius max_m, drawn from a stream seeded by "seed:base_id" alone, two
 * numbers per variant (angle, then radius as the original), so a variant
 * never changes when other points or the variant count change.
 */
static void
emit_variants(struct tool *t, const struct opts *o, const char *base,
    const struct cand *c, json_t *src)
{
	struct rng r;
	char seedbuf[128], id[96];
	long i;

	snprintf(seedbuf, sizeof seedbuf, "%llu:%s", o->seed, base);
	rng_seed_bytes(&r, seedbuf, strlen(seedbuf));
	for (i = 1; i <= o->jitter; i++) {
		double theta = rng_uniform(&r) * 2 * M_PI;
		double rad = sqrt(rng_uniform(&r)) * o->jitter_max_m;
		double de = rad * cos(theta), dn = rad * sin(theta), lon, lat;

		geo_offset_m(c->lon, c->lat, de, dn, &lon, &lat);
		/* Keep the point on the globe: wrap across the antimeridian
		 * (the original clamps, which moves it), clamp at the poles. */
		if (lon > 180)
			lon -= 360;
		if (lon < -180)
			lon += 360;
		if (lat > 90)
			lat = 90;
		if (lat < -90)
			lat = -90;
		snprintf(id, sizeof id, "%s_g%03ld", base, i);
		emit_point(t, id, base, lon, lat, src, json_pack("{s:i, s:f, s:f}",
		    "index", (json_int_t)i, "east_m", de, "north_m", dn));
	}
}

int
main(int argc, char **argv)
{
	static char *dlat[] = { "latitude", "lat", "y" }, *dlon[] = { "longitude", "lon", "x" };
	struct tool t;
	struct opts o;
	struct scan sc;
	struct select_pts sp;
	double *lon, *lat, sep;
	size_t *pick, i;
	long got, v;
	char *ep;
	int ch;

	memset(&o, 0, sizeof o);
	o.dataset = "stochastic/random_streetview_images_pano_v0.0.2";
	o.config = "default";
	o.split = "train";
	o.hf_url = "https://datasets-server.huggingface.co";
	o.max_scan = 100000;
	o.num_points = 12;
	o.seed = 42;
	o.min_sep_km = 2200;
	o.jitter_max_m = 500;
	tool_init(&t, "poi-fetch", usage);
	t.jobs = 4;
	while ((ch = getopt_long(argc, argv, "hj:q", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_FROM:
			o.from = optarg;
			break;
		case OPT_DATASET:
			o.dataset = optarg;
			break;
		case OPT_CONFIG:
			o.config = optarg;
			break;
		case OPT_SPLIT:
			o.split = optarg;
			break;
		case OPT_HF_URL:
			o.hf_url = optarg;
			break;
		case OPT_LAT_COL:
			split_keys(&t, "--lat-col", optarg, o.lat_keys, &o.nlat,
			    &held.keybuf[0]);
			break;
		case OPT_LON_COL:
			split_keys(&t, "--lon-col", optarg, o.lon_keys, &o.nlon,
			    &held.keybuf[1]);
			break;
		case OPT_MAX_SCAN:
			if (parse_long(optarg, 0, 1000000000L, &o.max_scan))
				tool_usage_error(&t, "--max-scan: expected a count >= 0, got '%s'",
				    optarg);
			break;
		case OPT_NUM_POINTS:
			if (parse_long(optarg, 0, 100000000L, &o.num_points))
				tool_usage_error(&t, "--num-points: expected a count >= 0, got '%s'",
				    optarg);
			break;
		case OPT_SEED:
			errno = 0;
			o.seed = strtoull(optarg, &ep, 10);
			if (*optarg == '\0' || *ep != '\0' || errno || *optarg == '-')
				tool_usage_error(&t, "--seed: expected an integer >= 0, got '%s'",
				    optarg);
			break;
		case OPT_MIN_SEP:
			if (parse_double(optarg, &o.min_sep_km) || !isfinite(o.min_sep_km) ||
			    o.min_sep_km < 0 || o.min_sep_km > 20016)
				tool_usage_error(&t, "--min-separation-km: expected 0..20016 km, "
				    "got '%s'", optarg);
			break;
		case OPT_AUTO_SEP:
			o.auto_sep = 1;
			break;
		case OPT_JITTER:
			if (parse_long(optarg, 0, 999, &o.jitter))
				tool_usage_error(&t, "--jitter: expected 0..999 variants, got '%s'",
				    optarg);
			break;
		case OPT_JITTER_MAX:
			if (parse_double(optarg, &o.jitter_max_m) || !isfinite(o.jitter_max_m) ||
			    o.jitter_max_m < 0 || o.jitter_max_m > 1e6)
				tool_usage_error(&t, "--jitter-max-m: expected 0..1000000 metres, "
				    "got '%s'", optarg);
			break;
		case OPT_PART:
			if (sscanf(optarg, "%ld/%ld", &o.part_k, &v) != 2 ||
			    strchr(optarg, '/') == NULL || v < 1 || o.part_k < 1 ||
			    o.part_k > v || strspn(optarg, "0123456789/") != strlen(optarg))
				tool_usage_error(&t, "--part: expected K/N with 1 <= K <= N, "
				    "got '%s'", optarg);
			o.part_n = v;
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (o.nlat == 0) {
		memcpy(o.lat_keys, dlat, sizeof dlat);
		o.nlat = 3;
	}
	if (o.nlon == 0) {
		memcpy(o.lon_keys, dlon, sizeof dlon);
		o.nlon = 3;
	}
	tool_start(&t, argc - optind, argv + optind);

	memset(&sc, 0, sizeof sc);
	sc.t = &t;
	sc.o = &o;
	if (o.from)
		scan_file(&sc, &t, o.from);
	else
		scan_hf(&sc, &t, &o);
	t.n_in = (uint64_t)sc.rows;

	if (!t.quiet && sc.rows > (long long)sc.n)
		tool_warn(&t, "skipped %lld of %lld rows without usable coordinates: "
		    "%lld missing, %lld non-numeric, %lld non-finite, %lld out of range",
		    sc.rows - (long long)sc.n, sc.rows, sc.missing, sc.nonnum,
		    sc.nonfinite, sc.range);
	if (sc.n == 0)
		tool_fatal(&t, "%s: no rows with usable coordinates (columns tried: "
		    "%s... / %s...)", o.from ? (strcmp(o.from, "-") ? o.from : "stdin") :
		    o.dataset, o.lat_keys[0], o.lon_keys[0]);

	/* Selection. */
	lon = malloc(sc.n * sizeof(*lon));
	lat = malloc(sc.n * sizeof(*lat));
	pick = malloc(sc.n * sizeof(*pick));
	if (!lon || !lat || !pick)
		tool_fatal(&t, "out of memory");
	for (i = 0; i < sc.n; i++) {
		lon[i] = sc.v[i].lon;
		lat[i] = sc.v[i].lat;
	}
	if (select_init(&sp, lon, lat, sc.n) == -1)
		tool_fatal(&t, "out of memory");
	if (o.num_points > 0 && (size_t)o.num_points > sc.n && !t.quiet)
		tool_warn(&t, "only %zu candidates for --num-points %ld", sc.n, o.num_points);
	if (o.auto_sep) {
		got = select_auto(&sp, (size_t)o.num_points, o.min_sep_km, 36, o.seed,
		    pick, &sep);
		if (got >= 0 && !t.quiet)
			tool_warn(&t, "auto separation: %.3f km for %ld points", sep, got);
	} else {
		got = select_farthest(&sp, (size_t)o.num_points, o.min_sep_km, o.seed, pick);
		if (got >= 0 && o.num_points > 0 && got < o.num_points &&
		    (size_t)got < sc.n && !t.quiet)
			tool_warn(&t, "only %ld points are %g km apart (of %ld asked); "
			    "see --auto-min-separation", got, o.min_sep_km, o.num_points);
	}
	if (got < 0)
		tool_fatal(&t, "out of memory");

	for (i = 0; i < (size_t)got; i++) {
		const struct cand *c = &sc.v[pick[i]];
		char id[64];
		json_t *src;

		snprintf(id, sizeof id, "poi_%06lld", c->row_idx);
		if (o.part_n > 0 && part_of(id, o.part_n) != o.part_k - 1)
			continue;
		src = source_of(&o, &sc, c);
		emit_point(&t, id, id, c->lon, c->lat, src, NULL);
		emit_variants(&t, &o, id, c, src);
		json_decref(src);
	}

	select_free(&sp);
	for (i = 0; i < sc.n; i++)
		json_decref(sc.v[i].meta);
	free(sc.v);
	json_decref(sc.image_cols);
	free(lon);
	free(lat);
	free(pick);
	free(held.keybuf[0]);
	free(held.keybuf[1]);
	return tool_finish(&t);
}
