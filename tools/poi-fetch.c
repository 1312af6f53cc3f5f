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
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "hfrows.h"
#include "http.h"
#include "poicand.h"
#include "poifile.h"
#include "rec.h"
#include "rng.h"
#include "select.h"
#include "sha256.h"
#include "tool.h"

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
	const char *lat_keys[MAX_KEYS], *lon_keys[MAX_KEYS];
	int nlat, nlon;
	char *keybuf[2];	/* the --lat-col and --lon-col strings the keys point into */
	long max_scan, num_points, jitter;
	unsigned long long seed;
	double min_sep_km, jitter_max_m;
	int auto_sep;
	long part_k, part_n;
};

static void
split_keys(struct tool *t, const char *opt, const char *arg, const char **keys, int *n,
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

static void
parse_options(struct tool *t, struct opts *o, int argc, char **argv)
{
	static const char *dlat[] = { "latitude", "lat", "y" };
	static const char *dlon[] = { "longitude", "lon", "x" };
	char *ep;
	long v;
	int ch;

	o->dataset = "stochastic/random_streetview_images_pano_v0.0.2";
	o->config = "default";
	o->split = "train";
	o->hf_url = HFROWS_DEFAULT_URL;
	o->max_scan = 100000;
	o->num_points = 12;
	o->seed = 42;
	o->min_sep_km = 2200;
	o->jitter_max_m = 500;
	t->jobs = 4;
	while ((ch = getopt_long(argc, argv, "hj:q", longopts, NULL)) != -1) {
		if (tool_option(t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_FROM:
			o->from = optarg;
			break;
		case OPT_DATASET:
			o->dataset = optarg;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_SPLIT:
			o->split = optarg;
			break;
		case OPT_HF_URL:
			o->hf_url = optarg;
			break;
		case OPT_LAT_COL:
			split_keys(t, "--lat-col", optarg, o->lat_keys, &o->nlat, &o->keybuf[0]);
			break;
		case OPT_LON_COL:
			split_keys(t, "--lon-col", optarg, o->lon_keys, &o->nlon, &o->keybuf[1]);
			break;
		case OPT_MAX_SCAN:
			if (parse_long(optarg, 0, 1000000000L, &o->max_scan))
				tool_usage_error(t, "--max-scan: expected a count >= 0, got '%s'",
				    optarg);
			break;
		case OPT_NUM_POINTS:
			if (parse_long(optarg, 0, 100000000L, &o->num_points))
				tool_usage_error(t, "--num-points: expected a count >= 0, got '%s'",
				    optarg);
			break;
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &ep, 10);
			if (*optarg == '\0' || *ep != '\0' || errno || *optarg == '-')
				tool_usage_error(t, "--seed: expected an integer >= 0, got '%s'",
				    optarg);
			break;
		case OPT_MIN_SEP:
			if (parse_double(optarg, &o->min_sep_km) || !isfinite(o->min_sep_km) ||
			    o->min_sep_km < 0 || o->min_sep_km > 20016)
				tool_usage_error(t, "--min-separation-km: expected 0..20016 km, "
				    "got '%s'", optarg);
			break;
		case OPT_AUTO_SEP:
			o->auto_sep = 1;
			break;
		case OPT_JITTER:
			if (parse_long(optarg, 0, 999, &o->jitter))
				tool_usage_error(t, "--jitter: expected 0..999 variants, got '%s'",
				    optarg);
			break;
		case OPT_JITTER_MAX:
			if (parse_double(optarg, &o->jitter_max_m) || !isfinite(o->jitter_max_m) ||
			    o->jitter_max_m < 0 || o->jitter_max_m > 1e6)
				tool_usage_error(t, "--jitter-max-m: expected 0..1000000 metres, "
				    "got '%s'", optarg);
			break;
		case OPT_PART:
			if (sscanf(optarg, "%ld/%ld", &o->part_k, &v) != 2 ||
			    strchr(optarg, '/') == NULL || v < 1 || o->part_k < 1 ||
			    o->part_k > v || strspn(optarg, "0123456789/") != strlen(optarg))
				tool_usage_error(t, "--part: expected K/N with 1 <= K <= N, "
				    "got '%s'", optarg);
			o->part_n = v;
			break;
		default:
			tool_usage_error(t, NULL);
		}
	}
	if (o->nlat == 0) {
		memcpy(o->lat_keys, dlat, sizeof dlat);
		o->nlat = 3;
	}
	if (o->nlon == 0) {
		memcpy(o->lon_keys, dlon, sizeof dlon);
		o->nlon = 3;
	}
}

/* ---- candidates ------------------------------------------------------------ */

/* Every row of the dataset, page by page; a page that fails stops the tool. */
static void
scan_hf(struct tool *t, const struct opts *o, struct poicand_set *cs)
{
	struct hfrows_query q = { o->hf_url, o->dataset, o->config, o->split,
	    getenv("HF_TOKEN"), o->max_scan, t->jobs * 4 };
	struct http *h = tool_http(t, t->jobs);
	struct hfrows_page pg;
	struct hfrows *hr;
	char err[2048];
	long long idx;
	size_t i;
	int st = -1, oom = 0;

	if ((hr = hfrows_open(h, &q, err, sizeof err)) == NULL)
		goto out;
	if (hfrows_partial(hr) && !t->quiet)
		tool_warn(t, "%s: the dataset viewer serves only part of this split "
		    "(\"partial\": true)", o->dataset);
	cs->skip_cols = hfrows_media_columns(hr);
	while (!oom && (st = hfrows_next(hr, &pg, err, sizeof err)) == 1) {
		for (i = 0; i < hfrows_page_size(&pg) && !poicand_full(cs) && !oom; i++) {
			const json_t *row = hfrows_row(&pg, i, &idx);

			oom = poicand_row(cs, idx, row) == -1;
		}
		hfrows_page_clear(&pg);
		t->n_in = (uint64_t)cs->rows;	/* for the progress line */
		t->bytes_fetched += pg.bytes;
		tool_progress(t, 0);
	}
	cs->skip_cols = NULL;
	hfrows_close(hr);
out:
	http_free(h);
	if (oom)
		tool_fatal(t, "out of memory");
	if (st == -1)
		tool_fatal(t, "%s: %s", o->dataset, err);
}

static const char *
scan_file(struct tool *t, const char *path, struct poicand_set *cs)
{
	const char *format = NULL;
	char err[2048];

	if (poifile_read(cs, path, &format, err, sizeof err) == -1)
		tool_fatal(t, "%s", err);
	return format;
}

/* ---- selection ------------------------------------------------------------- */

/*
 * The spread-out subset of the candidates: pick[] (indices into cs->v, in pick
 * order) and how many there are.
 */
static long
choose(struct tool *t, const struct opts *o, const struct poicand_set *cs, size_t *pick)
{
	struct select_pts sp;
	double *lon = malloc(cs->n * sizeof(*lon)), *lat = malloc(cs->n * sizeof(*lat)), sep;
	size_t i;
	long got;

	if (!lon || !lat)
		tool_fatal(t, "out of memory");
	for (i = 0; i < cs->n; i++) {
		lon[i] = cs->v[i].lon;
		lat[i] = cs->v[i].lat;
	}
	if (select_init(&sp, lon, lat, cs->n) == -1)
		tool_fatal(t, "out of memory");
	free(lon);
	free(lat);
	if (o->num_points > 0 && (size_t)o->num_points > cs->n && !t->quiet)
		tool_warn(t, "only %zu candidates for --num-points %ld", cs->n, o->num_points);
	if (o->auto_sep) {
		got = select_auto(&sp, (size_t)o->num_points, o->min_sep_km, 36, o->seed,
		    pick, &sep);
		if (got >= 0 && !t->quiet)
			tool_warn(t, "auto separation: %.3f km for %ld points", sep, got);
	} else {
		got = select_farthest(&sp, (size_t)o->num_points, o->min_sep_km, o->seed, pick);
		if (got >= 0 && o->num_points > 0 && got < o->num_points &&
		    (size_t)got < cs->n && !t->quiet)
			tool_warn(t, "only %ld points are %g km apart (of %ld asked); "
			    "see --auto-min-separation", got, o->min_sep_km, o->num_points);
	}
	select_free(&sp);
	if (got < 0)
		tool_fatal(t, "out of memory");
	return got;
}

/* ---- output ---------------------------------------------------------------- */

static json_t *
source_of(const struct opts *o, const char *format, const struct poicand *c)
{
	json_t *src = json_deep_copy(c->meta);

	if (o->from) {
		json_object_set_new(src, "file", json_string(strcmp(o->from, "-") == 0 ?
		    "stdin" : o->from));
		json_object_set_new(src, "format", json_string(format));
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
    const struct poicand *c, json_t *src)
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
	struct tool t;
	struct opts o;
	struct poicand_set cs;
	const char *format = "hf";
	size_t *pick, i;
	long got;

	memset(&o, 0, sizeof o);
	tool_init(&t, "poi-fetch", usage);
	parse_options(&t, &o, argc, argv);
	tool_start(&t, argc - optind, argv + optind);

	memset(&cs, 0, sizeof cs);
	cs.lat_keys = o.lat_keys;
	cs.nlat = o.nlat;
	cs.lon_keys = o.lon_keys;
	cs.nlon = o.nlon;
	cs.max_rows = o.max_scan;
	if (o.from)
		format = scan_file(&t, o.from, &cs);
	else
		scan_hf(&t, &o, &cs);
	t.n_in = (uint64_t)cs.rows;

	if (!t.quiet && cs.rows > (long long)cs.n)
		tool_warn(&t, "skipped %lld of %lld rows without usable coordinates: "
		    "%lld missing, %lld non-numeric, %lld non-finite, %lld out of range",
		    cs.rows - (long long)cs.n, cs.rows, cs.missing, cs.nonnum,
		    cs.nonfinite, cs.range);
	if (cs.n == 0)
		tool_fatal(&t, "%s: no rows with usable coordinates (columns tried: "
		    "%s... / %s...)", o.from ? (strcmp(o.from, "-") ? o.from : "stdin") :
		    o.dataset, o.lat_keys[0], o.lon_keys[0]);

	if ((pick = malloc(cs.n * sizeof(*pick))) == NULL)
		tool_fatal(&t, "out of memory");
	got = choose(&t, &o, &cs, pick);
	for (i = 0; i < (size_t)got; i++) {
		const struct poicand *c = &cs.v[pick[i]];
		char id[64];
		json_t *src;

		snprintf(id, sizeof id, "poi_%06lld", c->row_idx);
		if (o.part_n > 0 && part_of(id, o.part_n) != o.part_k - 1)
			continue;
		src = source_of(&o, format, c);
		emit_point(&t, id, id, c->lon, c->lat, src, NULL);
		emit_variants(&t, &o, id, c, src);
		json_decref(src);
	}

	poicand_free(&cs);
	free(pick);
	free(o.keybuf[0]);
	free(o.keybuf[1]);
	return tool_finish(&t);
}
