/*
 * stretch - turn each record's "image" raster into uint8 by a per-band
 * percentile stretch (or a fixed --range), nodata aware.
 *
 * Valid pixels are those that are not nodata, finite and > 0.  lo and hi are
 * numpy.percentile's default (linear) over them; a pixel becomes
 * trunc(clip((v - lo) / (hi - lo), 0, 1) * 255), nodata becomes 0 and the
 * image says nodata 0.  The lo/hi used go into the record's "stretch" key.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "rec.h"
#include "tool.h"

static const char usage[] =
    "usage: stretch [-hq] [--joint] [--percentiles LO,HI | --range MIN,MAX]\n"
    "               [--progress] [--rejects FILE] [--spool DIR] [< in] [> out]\n"
    "  --percentiles LO,HI  percentiles of the valid pixels mapped to 0 and 255 (2,98)\n"
    "  --range MIN,MAX      fixed linear stretch instead (e.g. 0,3000)\n"
    "  --joint              one lo/hi for all bands, from all their valid pixels\n"
    "  -q, --quiet          no progress line, no per-record messages\n"
    "  --progress           progress line even when stderr is not a terminal\n"
    "  --rejects FILE       records that cannot be stretched go there (default stderr)\n"
    "  --spool DIR          write rasters as GeoTIFFs in DIR instead of inline\n"
    "  -h, --help           this text;  --version  the version\n";

enum { OPT_PERCENTILES = OPT_TOOL_FIRST, OPT_RANGE, OPT_JOINT };

struct opts {
	double p[2];		/* --percentiles */
	int fixed;		/* --range given */
	double range[2];
	int joint;
};

/* Per band (or one for --joint): what the stretch found and used. */
struct band_stat {
	uint64_t valid;
	double lo, hi;
};

static int
is_valid(const struct raster *ra, double v)
{
	if (!isfinite(v) || v <= 0)
		return 0;
	return !(ra->has_nodata && v == ra->nodata);
}

static int
is_nodata(const struct raster *ra, double v)
{
	return isnan(v) || (ra->has_nodata && v == ra->nodata);
}

static uint8_t
scale(double v, double lo, double hi)
{
	double x = (v - lo) / (hi - lo);

	if (!(x > 0))		/* also NaN */
		return 0;
	if (x >= 1)
		return 255;
	return (uint8_t)(x * 255.0);
}

/* Histogram geometry of an integer dtype: valid values are 1..nbins-1. */
static size_t
hist_bins(enum dtype dt)
{
	switch (dt) {
	case DT_UINT8:	return 256;
	case DT_UINT16:	return 65536;
	case DT_INT16:	return 32768;	/* only 1..32767 can be valid */
	default:	return 0;
	}
}

/* Count band b's valid integer samples into h (adding to what is there). */
static uint64_t
count_band(const struct raster *ra, int b, uint64_t *h)
{
	size_t n = raster_plane(ra), i;
	uint64_t before = h[0], total = 0;
	long nd = ra->has_nodata && ra->nodata == floor(ra->nodata) ? (long)ra->nodata : -1;

	/* Bin 0 gathers everything invalid, then is emptied again. */
	switch (ra->dtype) {
	case DT_UINT8: {
		const uint8_t *s = (const uint8_t *)ra->data + (size_t)b * n;
		for (i = 0; i < n; i++)
			h[s[i] == nd ? 0 : s[i]]++;
		break;
	}
	case DT_UINT16: {
		const uint16_t *s = (const uint16_t *)ra->data + (size_t)b * n;
		for (i = 0; i < n; i++)
			h[s[i] == nd ? 0 : s[i]]++;
		break;
	}
	case DT_INT16: {
		const int16_t *s = (const int16_t *)ra->data + (size_t)b * n;
		for (i = 0; i < n; i++)
			h[s[i] <= 0 || s[i] == nd ? 0 : s[i]]++;
		break;
	}
	default:
		return 0;
	}
	total = h[0] - before;
	h[0] = before;
	return n - total;
}

/* Append band b's valid float samples to v; returns how many. */
static size_t
gather_band(const struct raster *ra, int b, float *v)
{
	const float *s = (const float *)ra->data + (size_t)b * raster_plane(ra);
	size_t n = raster_plane(ra), i, k = 0;

	for (i = 0; i < n; i++)
		if (is_valid(ra, s[i]))
			v[k++] = s[i];
	return k;
}

/*
 * lo/hi of bands [b0, b1) pooled together.  -1 out of memory; st->valid 0
 * when there is no valid pixel (lo/hi then undefined).
 */
static int
find_lohi(const struct raster *ra, int b0, int b1, const struct opts *o,
    struct band_stat *st)
{
	double out[2];
	int b;

	st->valid = 0;
	if (ra->dtype == DT_FLOAT32) {
		float *v = malloc(raster_plane(ra) * (size_t)(b1 - b0) * sizeof *v + 1);
		size_t k = 0;

		if (v == NULL)
			return -1;
		for (b = b0; b < b1; b++)
			k += gather_band(ra, b, v + k);
		st->valid = k;
		if (k && !o->fixed)
			hist_select_percentiles(v, k, o->p, 2, out);
		free(v);
	} else {
		size_t nb = hist_bins(ra->dtype);
		uint64_t *h = calloc(nb, sizeof *h);

		if (h == NULL)
			return -1;
		for (b = b0; b < b1; b++)
			st->valid += count_band(ra, b, h);
		if (st->valid && !o->fixed)
			hist_percentiles(h, nb, 0.0, o->p, 2, out);
		free(h);
	}
	if (o->fixed) {
		out[0] = o->range[0];
		out[1] = o->range[1];
	}
	st->lo = out[0];
	st->hi = out[1];
	/* A flat band would divide by zero: as the original builder, nudge hi. */
	if (st->valid && !(st->hi > st->lo))
		st->hi = st->lo + 1e-6;
	return 0;
}

/* Map band b of ra into dst with st (an all-nodata band gives zeros). */
static void
map_band(const struct raster *ra, int b, const struct band_stat *st, uint8_t *dst)
{
	size_t n = raster_plane(ra), i;
	uint8_t lut[65536];
	size_t nl;

	if (st->valid == 0) {
		memset(dst, 0, n);
		return;
	}
	if (ra->dtype == DT_FLOAT32) {
		const float *s = (const float *)ra->data + (size_t)b * n;
		for (i = 0; i < n; i++)
			dst[i] = is_nodata(ra, s[i]) ? 0 : scale(s[i], st->lo, st->hi);
		return;
	}
	/* Integers: one table for every possible value, then a lookup per pixel. */
	nl = ra->dtype == DT_UINT8 ? 256 : 65536;
	for (i = 0; i < nl; i++) {
		double v = ra->dtype == DT_INT16 ? (double)(int16_t)(uint16_t)i : (double)i;
		lut[i] = is_nodata(ra, v) ? 0 : scale(v, st->lo, st->hi);
	}
	switch (ra->dtype) {
	case DT_UINT8: {
		const uint8_t *s = (const uint8_t *)ra->data + (size_t)b * n;
		for (i = 0; i < n; i++)
			dst[i] = lut[s[i]];
		break;
	}
	case DT_UINT16:
	case DT_INT16: {
		const uint16_t *s = (const uint16_t *)ra->data + (size_t)b * n;
		for (i = 0; i < n; i++)
			dst[i] = lut[s[i]];
		break;
	}
	default:
		break;
	}
}

static json_t *
band_json(const struct raster *ra, int b, const struct band_stat *st)
{
	const char *name = json_string_value(json_array_get(ra->bands, (size_t)b));
	json_t *o = json_object();

	json_object_set_new(o, "band", name ? json_string(name) : json_sprintf("b%d", b + 1));
	if (st->valid) {
		json_object_set_new(o, "lo", json_real(st->lo));
		json_object_set_new(o, "hi", json_real(st->hi));
	} else {
		json_object_set_new(o, "lo", json_null());
		json_object_set_new(o, "hi", json_null());
		json_object_set_new(o, "note", json_string("all nodata: output is zeros"));
	}
	json_object_set_new(o, "valid", json_integer((json_int_t)st->valid));
	return o;
}

/* Stretch r's image in place.  NULL on success, else why it cannot be done. */
static const char *
stretch_record(struct rec *r, const struct opts *o)
{
	struct raster *ra = rec_find_raster(r, "image");
	struct band_stat *st;
	json_t *info, *bands, *empty;
	uint8_t *out;
	size_t n;
	int b;

	if (ra == NULL)
		return "no \"image\" raster to stretch";
	n = raster_plane(ra);
	st = calloc((size_t)ra->nbands, sizeof *st);
	out = malloc(n * (size_t)ra->nbands + 1);
	if (st == NULL || out == NULL) {
		free(st);
		free(out);
		return "out of memory";
	}
	if (o->joint) {
		if (find_lohi(ra, 0, ra->nbands, o, &st[0]) == -1)
			goto oom;
		for (b = 1; b < ra->nbands; b++)
			st[b] = st[0];
	} else {
		for (b = 0; b < ra->nbands; b++)
			if (find_lohi(ra, b, b + 1, o, &st[b]) == -1)
				goto oom;
	}
	/* --joint pools the counts; the record reports each band's own. */
	if (o->joint)
		for (b = 0; b < ra->nbands; b++) {
			struct opts one = *o;
			struct band_stat s;

			one.fixed = 1;
			one.range[0] = st[0].lo;
			one.range[1] = st[0].hi;
			if (find_lohi(ra, b, b + 1, &one, &s) == -1)
				goto oom;
			st[b].valid = s.valid;
		}
	for (b = 0; b < ra->nbands; b++)
		map_band(ra, b, &st[b], out + (size_t)b * n);

	info = json_object();
	if (o->fixed) {
		json_object_set_new(info, "method", json_string("range"));
		json_object_set_new(info, "range", json_pack("[f,f]", o->range[0], o->range[1]));
	} else {
		json_object_set_new(info, "method", json_string("percentile"));
		json_object_set_new(info, "percentiles", json_pack("[f,f]", o->p[0], o->p[1]));
	}
	json_object_set_new(info, "joint", json_boolean(o->joint));
	json_object_set_new(info, "source_dtype", json_string(dtype_name(ra->dtype)));
	if (ra->has_nodata && !isnan(ra->nodata))
		json_object_set_new(info, "source_nodata", json_real(ra->nodata));
	bands = json_array();
	empty = json_array();
	for (b = 0; b < ra->nbands; b++) {
		json_t *bj = band_json(ra, b, &st[b]);

		if (st[b].valid == 0)
			json_array_append(empty, json_object_get(bj, "band"));
		json_array_append_new(bands, bj);
	}
	json_object_set_new(info, "bands", bands);
	if (json_array_size(empty))
		json_object_set_new(info, "all_nodata", empty);
	else
		json_decref(empty);
	json_object_set_new(r->json, "stretch", info);

	free(ra->data);
	ra->data = out;
	ra->dtype = DT_UINT8;
	ra->has_nodata = 1;
	ra->nodata = 0;
	free(st);
	return NULL;
oom:
	free(st);
	free(out);
	return "out of memory";
}

int
main(int argc, char **argv)
{
	static struct option longopts[] = {
		TOOL_LONGOPTS,
		{ "percentiles", required_argument, 0, OPT_PERCENTILES },
		{ "range", required_argument, 0, OPT_RANGE },
		{ "joint", no_argument, 0, OPT_JOINT },
		{ 0, 0, 0, 0 }
	};
	struct opts o = { { 2, 98 }, 0, { 0, 0 }, 0 };
	struct tool t;
	struct rec r;
	const char *why;
	int ch, gave_p = 0;

	tool_init(&t, "stretch", usage);
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_JOINT:
			o.joint = 1;
			break;
		case OPT_PERCENTILES:
			if (parse_double_pair(optarg, &o.p[0], &o.p[1]) || o.p[0] < 0 ||
			    o.p[1] > 100 || !(o.p[0] < o.p[1]))
				tool_usage_error(&t, "--percentiles: expected LO,HI with "
				    "0 <= LO < HI <= 100, got '%s'", optarg);
			gave_p = 1;
			break;
		case OPT_RANGE:
			if (parse_double_pair(optarg, &o.range[0], &o.range[1]) ||
			    !(o.range[0] < o.range[1]))
				tool_usage_error(&t, "--range: expected MIN,MAX with MIN < MAX, "
				    "got '%s'", optarg);
			o.fixed = 1;
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (gave_p && o.fixed)
		tool_usage_error(&t, "--percentiles and --range exclude each other");
	tool_start(&t, argc - optind, argv + optind);
	while (tool_next(&t, &r)) {
		if ((why = stretch_record(&r, &o)) != NULL) {
			tool_reject(&t, &r, "%s", why);
			continue;
		}
		tool_emit(&t, &r);
	}
	/* After a broken frame r holds what was half read (zeroed at EOF). */
	rec_free(&r);
	return tool_finish(&t);
}
