/*
 * still-fetch - add an overhead context still (Mapbox Static Images) to each
 * POI record: a "still" raster (uint8 RGB), a "still" key saying how it was
 * asked for, and the original builder's "mapbox_overview" row.
 *
 * Records are fetched -j at a time and written in input order.  The access
 * token comes from MAPBOX_ACCESS_TOKEN or --token-file only; it is never on
 * the command line, and never in a message, a reject or an output record:
 * URLs are shown through http_redact, which drops the query string.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "http.h"
#include "imgdecode.h"
#include "mapbox.h"
#include "rec.h"
#include "tool.h"

static const char usage[] =
    "usage: still-fetch [-hq] [-j N] [--max-retries N] [--style OWNER/STYLE] [--zoom Z]\n"
    "                   [--size PX] [--no-retina] [--bearing DEG] [--pitch DEG]\n"
    "                   [--base-url URL] [--token-file FILE] [--timeout SEC]\n"
    "                   [--progress] [--rejects FILE] [--spool DIR] [< in] [> out]\n"
    "  --style OWNER/STYLE  Mapbox style (mapbox/satellite-v9)\n"
    "  --zoom Z             zoom level 0..22, fractions allowed (12)\n"
    "  --size PX            width and height in logical pixels, 1..1280 (1280)\n"
    "  --no-retina          ask for 1x pixels instead of @2x\n"
    "  --bearing DEG        rotation 0..360 (0);  --pitch DEG  tilt 0..60 (0)\n"
    "  --base-url URL       API root (https://api.mapbox.com)\n"
    "  --token-file FILE    read the access token from FILE instead of\n"
    "                       the environment variable MAPBOX_ACCESS_TOKEN\n"
    "  --timeout SEC        give up on one request after SEC seconds (120)\n"
    "  -j, --jobs N         requests in flight at once (4)\n"
    "  --max-retries N      retries on timeouts, resets, 429 and 5xx (4)\n"
    "  -q, --quiet          no progress line, no per-record messages\n"
    "  --progress           progress line even when stderr is not a terminal\n"
    "  --rejects FILE       records without a still go there (default stderr)\n"
    "  --spool DIR          write rasters as GeoTIFFs in DIR instead of inline\n"
    "  -h, --help           this text;  --version  the version\n";

enum {
	OPT_STYLE = OPT_TOOL_FIRST, OPT_ZOOM, OPT_SIZE, OPT_NO_RETINA, OPT_BEARING,
	OPT_PITCH, OPT_BASE_URL, OPT_TOKEN_FILE
};

/* The wording of the original builder's overview row (specs/reference-pipeline.md 5). */
static const char overview_prompt[] =
    "The input is overhead context imagery (not the same sensor as the chips). "
    "Describe it and relate it to the paired satellite imagery and land-cover outputs "
    "from the same area in this dataset.";

#define ADDRESS_MAX	160		/* characters of source.address in the answer */
#define BODY_MAX	((uint64_t)64 << 20)

struct opts {
	struct mapbox_view view;
	char base[512];
	char token[512];
};

/* One record of the batch on its way. */
struct item {
	struct rec r;
	int bad;		/* rejected before any request */
	char why[1024];
	double lon, lat;
	char url[1024];		/* without the token, for the record */
	char *full;		/* with it: only ever handed to curl */
};

static void
load_token(struct tool *t, struct opts *o, const char *file)
{
	const char *env;
	char *p;
	FILE *fp;

	if (file != NULL) {
		if ((fp = fopen(file, "r")) == NULL)
			tool_fatal(t, "--token-file %s: %s", file, strerror(errno));
		if (fgets(o->token, sizeof o->token, fp) == NULL)
			o->token[0] = '\0';
		fclose(fp);
		/* The first line, without surrounding blanks. */
		o->token[strcspn(o->token, "\r\n")] = '\0';
		for (p = o->token + strlen(o->token); p > o->token && (p[-1] == ' ' ||
		    p[-1] == '\t'); p--)
			p[-1] = '\0';
		p = o->token + strspn(o->token, " \t");
		memmove(o->token, p, strlen(p) + 1);
		if (o->token[0] == '\0')
			tool_fatal(t, "--token-file %s: no token on the first line", file);
	} else {
		env = getenv("MAPBOX_ACCESS_TOKEN");
		if (env == NULL || *env == '\0')
			tool_usage_error(t, "no access token: set MAPBOX_ACCESS_TOKEN or use "
			    "--token-file FILE");
		if (strlen(env) >= sizeof o->token)
			tool_fatal(t, "MAPBOX_ACCESS_TOKEN: longer than %zu characters",
			    sizeof o->token - 1);
		snprintf(o->token, sizeof o->token, "%s", env);
	}
	if (!mapbox_token_ok(o->token))
		tool_fatal(t, "%s: the token has characters other than letters, digits, "
		    "'.', '_' and '-'", file ? file : "MAPBOX_ACCESS_TOKEN");
}

/* Python's repr() of a float, which the original printed the zoom with: 12.0, 12.5. */
static void
py_float(double v, char *out, size_t outlen)
{
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, outlen, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (strpbrk(out, ".eni") == NULL && strlen(out) + 2 < outlen)
		strcat(out, ".0");
}

/* At most max UTF-8 characters of s (Python's s[:max]), into a new string. */
static char *
utf8_prefix(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	char *out;

	while (*p && n < max) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
		n++;
	}
	if ((out = malloc((size_t)(p - (const unsigned char *)s) + 1)) == NULL)
		return NULL;
	memcpy(out, s, (size_t)(p - (const unsigned char *)s));
	out[p - (const unsigned char *)s] = '\0';
	return out;
}

static const char *
source_string(json_t *rec, const char *key, const char *alt)
{
	json_t *src = json_object_get(rec, "source"), *v;

	if (!json_is_object(src))
		return NULL;
	v = json_object_get(src, key);
	if (!json_is_string(v) && alt != NULL)
		v = json_object_get(src, alt);
	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* The answer of the overview row, as the original worded it. */
static char *
overview_answer(const struct opts *o, json_t *rec, double lat, double lon)
{
	const char *country = source_string(rec, "country", "country_iso_alpha2");
	const char *address = source_string(rec, "address", NULL);
	char zoom[32], *addr = NULL, *out = NULL;
	size_t len;

	py_float(o->view.zoom, zoom, sizeof zoom);
	if (address != NULL && (addr = utf8_prefix(address, ADDRESS_MAX)) == NULL)
		return NULL;
	len = 256 + (country ? strlen(country) : 0) + (addr ? strlen(addr) : 0);
	if ((out = malloc(len)) != NULL) {
		int n = snprintf(out, len, "Overhead context imagery (zoom %s) centered near "
		    "%.5f\xc2\xb0, %.5f\xc2\xb0. Pairs with satellite imagery and land-cover "
		    "outputs from the same area.", zoom, lat, lon);
		if (country != NULL)
			n += snprintf(out + n, len - (size_t)n, " ISO country: %s.", country);
		if (addr != NULL && addr[0] != '\0')
			snprintf(out + n, len - (size_t)n, " Vicinity: %s.", addr);
	}
	free(addr);
	return out;
}

static int
get_number(json_t *rec, const char *key, double *v)
{
	json_t *j = json_object_get(rec, key);

	if (!json_is_number(j))
		return -1;
	*v = json_number_value(j);
	return isfinite(*v) ? 0 : -1;
}

/* Check the record and build its request URL; -1 with it->why set if it has none. */
static int
prepare(const struct opts *o, struct item *it)
{
	json_t *j = it->r.json;

	if (get_number(j, "lon", &it->lon) || get_number(j, "lat", &it->lat))
		return errf(it->why, sizeof it->why, "no numeric \"lon\" and \"lat\"");
	if (mapbox_point_ok(it->lon, it->lat, it->why, sizeof it->why) == -1)
		return -1;
	if (it->r.nrasters > 0 || it->r.has_grid)
		return errf(it->why, sizeof it->why, "the record already has rasters or a grid: "
		    "still-fetch takes POI records");
	if (mapbox_url(o->base, &o->view, it->lon, it->lat, it->url, sizeof it->url) == -1)
		return errf(it->why, sizeof it->why, "request URL too long");
	if ((it->full = mapbox_token_url(it->url, o->token)) == NULL)
		return errf(it->why, sizeof it->why, "out of memory");
	return 0;
}

/* The answer's still into the record, with its grid, its "still" key and the
 * overview row.  0 ok, -1 with why set. */
static int
add_still(const struct opts *o, struct item *it, struct http_req *rq)
{
	static const char *band[3] = { "red", "green", "blue" };
	struct img im;
	struct raster *ra;
	struct grid *g = &it->r.grid;
	json_t *rows, *still, *row;
	char *answer;

	if (mapbox_decode(&o->view, it->url, rq->data, rq->len, &im, it->why,
	    sizeof it->why) == -1)
		return -1;
	if ((ra = rec_add_raster(&it->r, "still", im.width, im.height, 3, DT_UINT8)) == NULL) {
		img_free(&im);
		return errf(it->why, sizeof it->why, "out of memory");
	}
	free(ra->data);
	ra->data = im.rgb;
	im.rgb = NULL;
	for (int b = 0; b < 3; b++)
		raster_set_band_name(ra, b, band[b]);
	/* Rotated or tilted views have no affine grid; north-up ones do. */
	if (mapbox_transform(&o->view, it->lon, it->lat, im.width, im.height, g->t) == 0) {
		snprintf(g->crs, sizeof g->crs, "%s", MAPBOX_CRS);
		g->width = im.width;
		g->height = im.height;
		it->r.has_grid = 1;
	}
	still = mapbox_describe(&o->view, img_format_name(im.format), it->url);
	answer = overview_answer(o, it->r.json, it->lat, it->lon);
	row = answer == NULL ? NULL : json_pack("{s:s, s:[], s:[{s:s, s:[{s:s, s:s}, {s:s, s:s}]}, "
	    "{s:s, s:[{s:s, s:s}]}]}", "tag", "mapbox_overview", "boxes", "messages",
	    "role", "user", "content", "type", "image", "image", "{image}",
	    "type", "text", "text", overview_prompt,
	    "role", "assistant", "content", "type", "text", "text", answer);
	free(answer);
	rows = row == NULL ? NULL : json_pack("[o]", row);
	if (still == NULL || rows == NULL ||
	    json_object_set_new(it->r.json, "still", still) == -1 ||
	    json_object_set_new(it->r.json, "rows", rows) == -1)
		return errf(it->why, sizeof it->why, "out of memory");
	return 0;
}

/*
 * tool_next, except that a record with bad content stays in the batch (to be
 * rejected in its turn, so rejects keep input order), and a broken stream is
 * reported to the caller, which first finishes the records already read.
 */
static enum rec_status
next_rec(struct tool *t, struct item *it, char *err, size_t errlen)
{
	enum rec_status st = tool_read(t, &it->r, err, errlen);

	if (st == REC_BAD) {
		it->bad = 1;
		snprintf(it->why, sizeof it->why, "%.1000s", err);
	}
	return st;
}

static void
run_batch(struct tool *t, const struct opts *o, struct http *h, struct item *it, size_t n,
    struct http_req *rq)
{
	struct http_stats before, after;
	size_t i, k = 0;

	http_stats(h, &before);
	for (i = 0; i < n; i++) {
		if (it[i].bad)
			continue;
		memset(&rq[k], 0, sizeof rq[k]);
		rq[k].url = it[i].full;
		rq[k].max_bytes = BODY_MAX;
		k++;
	}
	if (k > 0)
		http_fetch(h, rq, k);
	http_stats(h, &after);
	t->bytes_fetched += after.bytes - before.bytes;

	for (i = 0, k = 0; i < n; i++) {
		struct item *x = &it[i];
		struct http_req *r = x->bad ? NULL : &rq[k++];

		if (r != NULL && !r->ok) {
			x->bad = 1;
			mapbox_error(r, o->token, x->why, sizeof x->why);
		} else if (r != NULL && add_still(o, x, r) == -1)
			x->bad = 1;
		if (r != NULL)
			http_req_clear(r);
		if (x->full != NULL)	/* it holds the token */
			explicit_bzero(x->full, strlen(x->full));
		free(x->full);
		x->full = NULL;
		if (x->bad)
			tool_reject(t, &x->r, "%s", x->why);
		else
			tool_emit(t, &x->r);
	}
}

int
main(int argc, char **argv)
{
	static struct option longopts[] = {
		TOOL_LONGOPTS,
		TOOL_NET_LONGOPTS,
		{ "style", required_argument, 0, OPT_STYLE },
		{ "zoom", required_argument, 0, OPT_ZOOM },
		{ "size", required_argument, 0, OPT_SIZE },
		{ "no-retina", no_argument, 0, OPT_NO_RETINA },
		{ "bearing", required_argument, 0, OPT_BEARING },
		{ "pitch", required_argument, 0, OPT_PITCH },
		{ "base-url", required_argument, 0, OPT_BASE_URL },
		{ "token-file", required_argument, 0, OPT_TOKEN_FILE },
		{ 0, 0, 0, 0 }
	};
	struct opts o = { { "mapbox/satellite-v9", 12, 0, 0, 1280, 2 }, "", "" };
	const char *base = MAPBOX_DEFAULT_URL, *token_file = NULL;
	struct http *h;
	struct http_req *rq;
	struct item *it;
	struct tool t;
	enum rec_status st;
	char err[1024];
	size_t n, len;
	long v;
	int ch;

	tool_init(&t, "still-fetch", usage);
	t.jobs = 4;
	while ((ch = getopt_long(argc, argv, "hqj:", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_STYLE:
			if (!mapbox_style_ok(optarg))
				tool_usage_error(&t, "--style: expected OWNER/STYLE such as "
				    "mapbox/satellite-v9, got '%s'", optarg);
			o.view.style = optarg;
			break;
		case OPT_ZOOM:
			if (parse_double(optarg, &o.view.zoom) || o.view.zoom < 0 ||
			    o.view.zoom > 22)
				tool_usage_error(&t, "--zoom: expected 0..22, got '%s'", optarg);
			break;
		case OPT_SIZE:
			if (parse_long(optarg, 1, 1280, &v))
				tool_usage_error(&t, "--size: expected 1..1280 pixels, got '%s'",
				    optarg);
			o.view.size = (int)v;
			break;
		case OPT_NO_RETINA:
			o.view.scale = 1;
			break;
		case OPT_BEARING:
			if (parse_double(optarg, &o.view.bearing) || o.view.bearing < 0 ||
			    o.view.bearing > 360)
				tool_usage_error(&t, "--bearing: expected 0..360, got '%s'", optarg);
			break;
		case OPT_PITCH:
			if (parse_double(optarg, &o.view.pitch) || o.view.pitch < 0 ||
			    o.view.pitch > 60)
				tool_usage_error(&t, "--pitch: expected 0..60, got '%s'", optarg);
			break;
		case OPT_BASE_URL:
			base = optarg;
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (strchr(base, '?') != NULL || strchr(base, '#') != NULL)
		tool_usage_error(&t, "--base-url: no query or fragment, please");
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof o.base)
		tool_usage_error(&t, "--base-url: expected a URL such as https://api.mapbox.com");
	memcpy(o.base, base, len);
	o.base[len] = '\0';
	/* Before tool_start: a run refused for want of a token leaves --rejects alone. */
	load_token(&t, &o, token_file);
	tool_start(&t, argc - optind, argv + optind);

	h = tool_http(&t, t.jobs);
	it = calloc((size_t)t.jobs, sizeof *it);
	rq = calloc((size_t)t.jobs, sizeof *rq);
	if (it == NULL || rq == NULL)
		tool_fatal(&t, "out of memory");

	for (st = REC_OK; st == REC_OK;) {
		for (n = 0; n < (size_t)t.jobs; n++) {
			memset(&it[n], 0, sizeof it[n]);
			st = next_rec(&t, &it[n], err, sizeof err);
			if (st == REC_EOF || st == REC_FATAL)
				break;
			if (st == REC_OK && prepare(&o, &it[n]) == -1)
				it[n].bad = 1;
			st = REC_OK;
		}
		/* A broken stream stops us, but only after the records before the break. */
		run_batch(&t, &o, h, it, n, rq);
	}
	if (st == REC_FATAL)
		tool_fatal(&t, "%s: %s", t.rd.name, err);
	/* The token stays in memory no longer than needed. */
	explicit_bzero(o.token, sizeof o.token);
	http_free(h);
	free(it);
	free(rq);
	return tool_finish(&t);
}
