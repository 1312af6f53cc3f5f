/*
 * tile - cut each record's rasters into square windows, one output record per
 * kept window (plus its augmented views), each downsampled and georeferenced.
 *
 * Windows are --size pixels, --stride apart, full windows only, row-major from
 * the top-left; an axis shorter than a window gets one window at 0, padded
 * with nodata.  A window is kept when its valid fraction (label pixels not
 * nodata if there is a label, else image pixels with a band not nodata, and,
 * with an scl raster, SCL class not in --scl-invalid; padding is never valid)
 * reaches --min-valid-fraction and, with --max-cloud, its share of cloudy SCL
 * pixels does not exceed that.  The measured cloud fraction and SCL counts go
 * into the tile key whenever there is an scl raster.  Imagery is reduced
 * to --out with an antialiasing filter, categorical rasters (label, scl) by
 * nearest at pixel centres.  Augmented views (--aug) are exact permutations
 * of the reduced pixels, with a grid that still maps each pixel to the ground.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augview.h"
#include "geo.h"
#include "rec.h"
#include "resample.h"
#include "tilecut.h"
#include "tilestat.h"
#include "tool.h"

static const char usage[] =
    "usage: tile [-hq] [--size N] [--stride N] [--out N] [--min-valid-fraction F]\n"
    "            [--filter area|bilinear] [--aug flip,r90,r180,r270]\n"
    "            [--max-cloud F] [--cloud-classes LIST] [--scl-invalid LIST]\n"
    "            [--progress] [--rejects FILE] [--spool DIR] [< in] [> out]\n"
    "  --size N                window side in input pixels (512)\n"
    "  --stride N              step between windows (128)\n"
    "  --out N                 output side in pixels, at most --size (224)\n"
    "  --min-valid-fraction F  skip windows with less valid pixels (0.35)\n"
    "  --filter NAME           imagery reduction: bilinear (Pillow-like, default) or area\n"
    "  --aug LIST              add views: flip (left-right), r90, r180, r270\n"
    "                          (counter-clockwise, as numpy.rot90)\n"
    "  --max-cloud F           skip windows with more cloudy SCL pixels (0..1; needs\n"
    "                          an scl raster: cog-read --scl; default no check)\n"
    "  --cloud-classes LIST    SCL classes that are cloud (3,8,9,10)\n"
    "  --scl-invalid LIST      SCL classes that are not valid pixels (0,1; \"\" none)\n"
    "  -q, --quiet             no progress line, no per-record messages\n"
    "  --progress              progress line even when stderr is not a terminal\n"
    "  --rejects FILE          records that cannot be tiled go there (default stderr)\n"
    "  --spool DIR             write rasters as GeoTIFFs in DIR instead of inline\n"
    "  -h, --help              this text;  --version  the version\n";

enum {
	OPT_SIZE = OPT_TOOL_FIRST, OPT_STRIDE, OPT_OUT, OPT_MIN_VALID, OPT_FILTER, OPT_AUG,
	OPT_MAX_CLOUD, OPT_CLOUD_CLASSES, OPT_SCL_INVALID
};

struct opts {
	int size, stride, out;
	double min_valid;
	enum rs_filter filter;
	enum augview aug[AUGVIEW_COUNT];
	int naug;
	double max_cloud;		/* < 0: no cloud check */
	unsigned char cloudy[256];	/* SCL classes that are cloud */
	unsigned char scl_bad[256];	/* SCL classes that are not valid pixels */
};

/* --size, --stride, --out: pixels in 1..65536. */
static int
pixels(struct tool *t, const char *opt, const char *arg)
{
	long v;

	if (parse_long(arg, 1, 65536, &v))
		tool_usage_error(t, "%s: expected 1..65536, got '%s'", opt, arg);
	return (int)v;
}

static void
parse_aug(struct tool *t, struct opts *o, const char *arg)
{
	char buf[256], *tok, *save = NULL;
	enum augview v;
	int k;

	if (strlen(arg) >= sizeof buf)
		tool_usage_error(t, "--aug: list too long");
	strcpy(buf, arg);
	o->naug = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (augview_parse(tok, &v) < 0)
			tool_usage_error(t, "--aug: unknown view '%s' (flip, r90, r180, r270)",
			    tok);
		for (k = 0; k < o->naug; k++)
			if (o->aug[k] == v)
				break;
		if (k == o->naug)
			o->aug[o->naug++] = v;
	}
}

/*
 * A comma-separated list of SCL classes 0..255 into set; "" is the empty set
 * when empty_ok.  Class 0 (no data) cannot be cloud: it is never in the
 * cloud fraction.
 */
static void
parse_classes(struct tool *t, const char *opt, const char *arg, unsigned char set[256],
    int empty_ok)
{
	char buf[1024], *tok, *save = NULL;
	long v;

	memset(set, 0, 256);
	if (*arg == '\0' && empty_ok)
		return;
	if (strlen(arg) >= sizeof buf)
		tool_usage_error(t, "%s: list too long", opt);
	strcpy(buf, arg);
	if (*arg == '\0' || *arg == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
		tool_usage_error(t, "%s: expected SCL classes 0..255 separated by commas, got '%s'",
		    opt, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_long(tok, 0, 255, &v))
			tool_usage_error(t, "%s: expected SCL classes 0..255 separated by commas, "
			    "got '%s'", opt, tok);
		if (v == TILESTAT_SCL_NODATA && !empty_ok)
			tool_usage_error(t, "%s: class 0 is SCL no data, never cloud", opt);
		set[v] = 1;
	}
}

/*
 * "cloud_fraction" (4 decimals, null without SCL data) and "scl_counts":
 * the pixels of class 0 and of each cloud and invalid class, keys ascending.
 */
static json_t *
scl_keys(const struct tilestat_scl *st, const struct opts *o)
{
	json_t *j, *c;
	double cf = tilestat_cloud_fraction(st);
	char k[16];

	c = json_object();
	for (int x = 0; x < 256; x++)
		if (x == TILESTAT_SCL_NODATA || o->cloudy[x] || o->scl_bad[x]) {
			snprintf(k, sizeof k, "%d", x);
			json_object_set_new(c, k, json_integer((json_int_t)st->count[x]));
		}
	j = json_object();
	json_object_set_new(j, "cloud_fraction", isnan(cf) ? json_null() :
	    json_real(round(cf * 1e4) / 1e4 + 0.0));
	json_object_set_new(j, "scl_counts", c);
	return j;
}

/* A record with r's keys and empty rasters shaped like r's, w x h. */
static int
rec_like(const struct rec *r, struct rec *out, int w, int h)
{
	rec_init(out);
	json_decref(out->json);
	out->json = json_deep_copy(r->json);
	out->number = r->number;
	out->has_grid = r->has_grid;
	out->grid = r->grid;
	out->grid.width = w;
	out->grid.height = h;
	for (size_t i = 0; i < r->nrasters; i++) {
		const struct raster *s = &r->rasters[i];
		struct raster *d = rec_add_raster(out, s->role, w, h, s->nbands, s->dtype);

		if (d == NULL)
			return -1;
		json_decref(d->bands);
		d->bands = json_deep_copy(s->bands);
		d->extra = s->extra ? json_deep_copy(s->extra) : NULL;
		d->has_nodata = s->has_nodata;
		d->nodata = s->nodata;
	}
	return 0;
}

static void
set_tile_key(struct rec *tr, const char *poi, int index, int row0, int col0,
    const struct opts *o, double vf, enum augview vw, json_t *scl)
{
	char stem[512];
	json_t *tk;

	if (vw == AUGVIEW_NONE)
		snprintf(stem, sizeof stem, "%s_t%04d", poi, index);
	else
		snprintf(stem, sizeof stem, "%s_t%04d_%s", poi, index, augview_name(vw));
	tk = json_pack("{s:i, s:s, s:[i,i], s:i, s:i, s:f, s:o, s:s}", "index", index,
	    "stem", stem, "origin", row0, col0, "size", o->size, "out", o->out,
	    "valid_fraction", vf, "aug", vw == AUGVIEW_NONE ? json_null() :
	    json_string(augview_name(vw)),
	    "filter", o->filter == RS_AREA ? "area" : "bilinear");
	if (tk != NULL && scl != NULL)
		json_object_update(tk, scl);
	json_object_set_new(tr->json, "tile", tk);
}

/* A view of the tile record base (already cut): same keys, permuted pixels. */
static int
make_view(const struct rec *base, struct rec *v, enum augview vw)
{
	int w = base->rasters[0].width, h = base->rasters[0].height;
	int sw = augview_swaps_sides(vw);

	if (rec_like(base, v, sw ? h : w, sw ? w : h) == -1)
		return -1;
	for (size_t i = 0; i < base->nrasters; i++) {
		const struct raster *s = &base->rasters[i];
		size_t esz = dtype_size(s->dtype), plane = raster_plane(s);

		for (int b = 0; b < s->nbands; b++)
			augview_plane((const char *)s->data + (size_t)b * plane * esz,
			    (char *)v->rasters[i].data + (size_t)b * plane * esz, w, h, esz, vw);
	}
	if (base->has_grid)
		augview_transform(base->grid.t, w, h, vw, v->grid.t);
	return 0;
}

/* Tile one record: emit its kept tiles.  NULL, or why it cannot be tiled. */
static const char *
tile_record(struct tool *t, struct rec *r, const struct opts *o, char *why, size_t whylen)
{
	const char *poi = json_string_value(json_object_get(r->json, "poi_id"));
	const struct raster *ref, *scl;
	int W, H, row0, col0, kept = 0, padded, row1, col1, cloudy = 0;
	double best = 0, clearest = 1;
	size_t i;

	if (poi == NULL)
		return "no \"poi_id\" to name the tiles by";
	if (r->nrasters == 0)
		return "no raster to tile";
	W = r->rasters[0].width;
	H = r->rasters[0].height;
	for (i = 1; i < r->nrasters; i++)
		if (r->rasters[i].width != W || r->rasters[i].height != H) {
			snprintf(why, whylen, "rasters differ in size (%s %dx%d, %s %dx%d)",
			    r->rasters[0].role, W, H, r->rasters[i].role,
			    r->rasters[i].width, r->rasters[i].height);
			return why;
		}
	scl = rec_find_raster(r, "scl");
	if (scl != NULL && (scl->dtype != DT_UINT8 || scl->nbands != 1)) {
		snprintf(why, whylen, "scl raster must be one uint8 band (SCL classes), "
		    "not %d %s", scl->nbands, dtype_name(scl->dtype));
		return why;
	}
	if (scl == NULL && o->max_cloud >= 0)
		return "--max-cloud needs an scl raster: run cog-read --scl";
	json_object_del(r->json, "tile");
	ref = rec_find_raster(r, "label");
	if (ref == NULL)
		ref = rec_find_raster(r, "image");
	if (ref == NULL)
		ref = &r->rasters[0];
	/* Padding without a declared nodata would be read as data: declare it. */
	padded = W < o->size || H < o->size;
	for (i = 0; padded && i < r->nrasters; i++)
		if (!r->rasters[i].has_nodata) {
			r->rasters[i].nodata = tilecut_pad_value(&r->rasters[i]);
			r->rasters[i].has_nodata = 1;
		}
	row1 = H < o->size ? 0 : H - o->size;
	col1 = W < o->size ? 0 : W - o->size;
	for (row0 = 0; row0 <= row1; row0 += o->stride)
		for (col0 = 0; col0 <= col1; col0 += o->stride) {
			struct rec tr, views[AUGVIEW_COUNT];
			struct tilestat_scl st;
			double vf = tilestat_valid_fraction(ref, scl, o->scl_bad, col0, row0, o->size);
			double cf;
			json_t *sk = NULL;
			int k;

			if (vf > best)
				best = vf;
			if (vf < o->min_valid)
				continue;
			if (scl != NULL) {
				tilestat_scl(scl, o->cloudy, col0, row0, o->size, &st);
				cf = tilestat_cloud_fraction(&st);
				/* Unknown cloudiness (no SCL data) is no reason to skip. */
				if (o->max_cloud >= 0 && !isnan(cf) && cf > o->max_cloud) {
					cloudy++;
					if (cf < clearest)
						clearest = cf;
					continue;
				}
				if ((sk = scl_keys(&st, o)) == NULL)
					goto oom;
			}
			if (rec_like(r, &tr, o->out, o->out) == -1) {
				json_decref(sk);
				goto oom;
			}
			for (i = 0; i < r->nrasters; i++)
				if (tilecut_window(&r->rasters[i], &tr.rasters[i], col0, row0, o->size,
				    o->filter) == -1) {
					rec_free(&tr);
					json_decref(sk);
					goto oom;
				}
			if (r->has_grid)
				geo_window_transform(r->grid.t, col0, row0,
				    (double)o->size / o->out, tr.grid.t);
			for (k = 0; k < o->naug; k++)
				if (make_view(&tr, &views[k], o->aug[k]) == -1) {
					while (k >= 0)
						rec_free(&views[k--]);
					rec_free(&tr);
					json_decref(sk);
					goto oom;
				}
			set_tile_key(&tr, poi, kept, row0, col0, o, vf, AUGVIEW_NONE, sk);
			tool_emit(t, &tr);
			for (k = 0; k < o->naug; k++) {
				set_tile_key(&views[k], poi, kept, row0, col0, o, vf, o->aug[k], sk);
				tool_emit(t, &views[k]);
			}
			json_decref(sk);
			kept++;
		}
	if (kept == 0 && cloudy > 0 && !t->quiet)
		tool_warn(t, "record %lld (%s): no tile kept: cloud fraction over "
		    "--max-cloud %g in all %d windows valid enough (least cloudy %.4f)",
		    r->number, poi, o->max_cloud, cloudy, clearest);
	else if (kept == 0 && !t->quiet)
		tool_warn(t, "record %lld (%s): no tile kept: best valid fraction %.3f is below "
		    "%g", r->number, poi, best, o->min_valid);
	return NULL;
oom:
	return "out of memory";
}

int
main(int argc, char **argv)
{
	static struct option longopts[] = {
		TOOL_LONGOPTS,
		{ "size", required_argument, 0, OPT_SIZE },
		{ "stride", required_argument, 0, OPT_STRIDE },
		{ "out", required_argument, 0, OPT_OUT },
		{ "min-valid-fraction", required_argument, 0, OPT_MIN_VALID },
		{ "filter", required_argument, 0, OPT_FILTER },
		{ "aug", required_argument, 0, OPT_AUG },
		{ "max-cloud", required_argument, 0, OPT_MAX_CLOUD },
		{ "cloud-classes", required_argument, 0, OPT_CLOUD_CLASSES },
		{ "scl-invalid", required_argument, 0, OPT_SCL_INVALID },
		{ 0, 0, 0, 0 }
	};
	struct opts o;
	struct tool t;
	struct rec r;
	const char *err;
	char why[256];
	int ch;

	memset(&o, 0, sizeof o);
	o.size = 512;
	o.stride = 128;
	o.out = 224;
	o.min_valid = 0.35;
	o.filter = RS_BILINEAR;
	o.max_cloud = -1;
	/* Cloud shadows, cloud medium and high probability, thin cirrus. */
	o.cloudy[3] = o.cloudy[8] = o.cloudy[9] = o.cloudy[10] = 1;
	/* No data, saturated or defective. */
	o.scl_bad[0] = o.scl_bad[1] = 1;
	tool_init(&t, "tile", usage);
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_SIZE:
			o.size = pixels(&t, "--size", optarg);
			break;
		case OPT_STRIDE:
			o.stride = pixels(&t, "--stride", optarg);
			break;
		case OPT_OUT:
			o.out = pixels(&t, "--out", optarg);
			break;
		case OPT_MIN_VALID:
			if (parse_double(optarg, &o.min_valid) || o.min_valid < 0 || o.min_valid > 1)
				tool_usage_error(&t, "--min-valid-fraction: expected 0..1, got '%s'",
				    optarg);
			break;
		case OPT_FILTER:
			if (rs_filter_parse(optarg, &o.filter))
				tool_usage_error(&t, "--filter: expected area or bilinear, got '%s'",
				    optarg);
			break;
		case OPT_AUG:
			parse_aug(&t, &o, optarg);
			break;
		case OPT_MAX_CLOUD:
			if (parse_double(optarg, &o.max_cloud) || !(o.max_cloud >= 0 &&
			    o.max_cloud <= 1))
				tool_usage_error(&t, "--max-cloud: expected 0..1, got '%s'", optarg);
			break;
		case OPT_CLOUD_CLASSES:
			parse_classes(&t, "--cloud-classes", optarg, o.cloudy, 0);
			break;
		case OPT_SCL_INVALID:
			parse_classes(&t, "--scl-invalid", optarg, o.scl_bad, 1);
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (o.out > o.size)
		tool_usage_error(&t, "--out %d is larger than --size %d: tile only reduces",
		    o.out, o.size);
	tool_start(&t, argc - optind, argv + optind);
	while (tool_next(&t, &r)) {
		if ((err = tile_record(&t, &r, &o, why, sizeof why)) != NULL) {
			tool_reject(&t, &r, "%s", err);
			continue;
		}
		rec_free(&r);
	}
	/* After a broken frame r holds what was half read (zeroed at EOF). */
	rec_free(&r);
	return tool_finish(&t);
}
