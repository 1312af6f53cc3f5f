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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "rec.h"
#include "resample.h"
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

/* SCL class 0 is "no data": never cloud, never counted in the cloud fraction. */
#define SCL_NODATA	0

/* Views: the tile itself, then the augmentations in the order asked. */
enum view { V_NONE, V_FLIP, V_R90, V_R180, V_R270, V_COUNT };
static const char *view_names[V_COUNT] = { NULL, "flip", "r90", "r180", "r270" };

struct opts {
	int size, stride, out;
	double min_valid;
	enum rs_filter filter;
	enum view aug[V_COUNT];
	int naug;
	double max_cloud;		/* < 0: no cloud check */
	unsigned char cloudy[256];	/* SCL classes that are cloud */
	unsigned char scl_bad[256];	/* SCL classes that are not valid pixels */
};

/* What the SCL says about one window (input pixels inside the raster). */
struct scl_stat {
	size_t count[256];
	size_t data;		/* pixels whose class is not SCL_NODATA */
	size_t cloud;		/* of those, cloud classes */
};

static int
is_categorical(const struct raster *ra)
{
	return strcmp(ra->role, "label") == 0 || strcmp(ra->role, "scl") == 0;
}

static int
is_nodata(const struct raster *ra, double v)
{
	return isnan(v) || (ra->has_nodata && v == ra->nodata);
}

/* What padding is filled with: the raster's nodata, else 255 for labels, 0 otherwise. */
static double
pad_value(const struct raster *ra)
{
	if (ra->has_nodata)
		return ra->nodata;
	return strcmp(ra->role, "label") == 0 ? 255 : 0;
}

static void
put_sample(void *data, enum dtype dt, size_t k, double v)
{
	switch (dt) {
	case DT_UINT8:	((uint8_t *)data)[k] = (uint8_t)v; break;
	case DT_UINT16:	((uint16_t *)data)[k] = (uint16_t)v; break;
	case DT_INT16:	((int16_t *)data)[k] = (int16_t)v; break;
	case DT_FLOAT32: ((float *)data)[k] = (float)v; break;
	default:	break;
	}
}

/* A filtered value back into the dtype: rounded half up and clamped for integers. */
static double
to_dtype(enum dtype dt, double v)
{
	double lo, hi;

	switch (dt) {
	case DT_UINT8:	lo = 0; hi = 255; break;
	case DT_UINT16:	lo = 0; hi = 65535; break;
	case DT_INT16:	lo = -32768; hi = 32767; break;
	default:	return v;
	}
	/* Half up; the epsilon makes exact ties (common: weights are k/16 at
	 * 512 -> 224) independent of the order of summation. */
	v = floor(v + 0.5 + 1e-7);
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Fraction of the size x size window at (col0,row0) that is valid: label
 * pixels not nodata when a label exists, else image pixels with at least one
 * band not nodata; with an scl raster also an SCL class outside --scl-invalid
 * (both rules must hold).  Padding counts as invalid.
 */
static double
valid_fraction(const struct raster *ref, const struct raster *scl, int col0, int row0,
    const struct opts *o)
{
	size_t n = 0;
	int x, y, b, nb = strcmp(ref->role, "label") == 0 ? 1 : ref->nbands, size = o->size;

	for (y = row0; y < row0 + size && y < ref->height; y++)
		for (x = col0; x < col0 + size && x < ref->width; x++) {
			size_t i = (size_t)y * ref->width + x;

			if (scl != NULL && o->scl_bad[((const uint8_t *)scl->data)[i]])
				continue;
			for (b = 0; b < nb; b++)
				if (!is_nodata(ref, raster_get(ref, b, i)))
					break;
			n += b < nb;
		}
	return (double)n / ((double)size * size);
}

/*
 * Count the SCL classes of the window at (col0,row0) at input resolution
 * (padding is not counted).  The cloud fraction is cloud / data: pixels of
 * SCL no data say nothing about clouds, so they are left out of both.
 */
static void
scl_window(const struct raster *scl, int col0, int row0, const struct opts *o,
    struct scl_stat *st)
{
	const uint8_t *p = scl->data;
	int x, y;

	memset(st, 0, sizeof *st);
	for (y = row0; y < row0 + o->size && y < scl->height; y++)
		for (x = col0; x < col0 + o->size && x < scl->width; x++)
			st->count[p[(size_t)y * scl->width + x]]++;
	for (x = 0; x < 256; x++)
		if (x != SCL_NODATA) {
			st->data += st->count[x];
			if (o->cloudy[x])
				st->cloud += st->count[x];
		}
}

/* The cloud fraction, NaN when the window has no SCL data at all. */
static double
cloud_fraction(const struct scl_stat *st)
{
	return st->data ? (double)st->cloud / (double)st->data : NAN;
}

/*
 * "cloud_fraction" (4 decimals, null without SCL data) and "scl_counts":
 * the pixels of class 0 and of each cloud and invalid class, keys ascending.
 */
static json_t *
scl_keys(const struct scl_stat *st, const struct opts *o)
{
	json_t *j, *c;
	double cf = cloud_fraction(st);
	char k[16];

	c = json_object();
	for (int x = 0; x < 256; x++)
		if (x == SCL_NODATA || o->cloudy[x] || o->scl_bad[x]) {
			snprintf(k, sizeof k, "%d", x);
			json_object_set_new(c, k, json_integer((json_int_t)st->count[x]));
		}
	j = json_object();
	json_object_set_new(j, "cloud_fraction", isnan(cf) ? json_null() :
	    json_real(round(cf * 1e4) / 1e4 + 0.0));
	json_object_set_new(j, "scl_counts", c);
	return j;
}

/*
 * Fill dst (an out x out raster already sized, same dtype as src) from the
 * window of src at (col0,row0).  0 ok, -1 out of memory.
 */
static int
cut(const struct raster *src, struct raster *dst, int col0, int row0, const struct opts *o)
{
	size_t S = (size_t)o->size, N = (size_t)o->out, splane = raster_plane(src);
	size_t dplane = N * N, esz = dtype_size(src->dtype);
	double pad = pad_value(src);
	double *v = NULL, *res = NULL;
	unsigned char *m = NULL, *dm = NULL, *w8 = NULL;
	size_t bad = 0;
	int b, rc = -1;

	if (is_categorical(src) || N == S) {
		/* Nearest at pixel centres; with N == S that is a plain copy. */
		for (b = 0; b < src->nbands; b++)
			for (size_t i = 0; i < N; i++)
				for (size_t j = 0; j < N; j++) {
					long y = row0 + rs_nearest((int)i, (int)S, (int)N);
					long x = col0 + rs_nearest((int)j, (int)S, (int)N);
					size_t k = (size_t)b * dplane + i * N + j;

					if (x < src->width && y < src->height)
						memcpy((char *)dst->data + k * esz, (const char *)src->data +
						    ((size_t)b * splane + (size_t)y * src->width + x) * esz, esz);
					else
						put_sample(dst->data, dst->dtype, k, pad);
				}
		return 0;
	}
	v = malloc(S * S * sizeof *v);
	m = malloc(S * S);
	res = malloc(dplane * sizeof *res);
	dm = malloc(dplane);
	if (v == NULL || m == NULL || res == NULL || dm == NULL)
		goto out;
	/*
	 * One mask for all bands: a pixel is nodata when every band is (so a
	 * stretched pixel that is 0 in one band only still counts), or padding.
	 */
	memset(m, 0, S * S);
	for (size_t y = 0; y < S; y++)
		for (size_t x = 0; x < S; x++) {
			size_t sx = (size_t)col0 + x, sy = (size_t)row0 + y;

			if (sx >= (size_t)src->width || sy >= (size_t)src->height)
				continue;
			for (b = 0; b < src->nbands && !m[y * S + x]; b++)
				m[y * S + x] = !is_nodata(src, raster_get(src, b,
				    sy * src->width + sx));
			bad += !m[y * S + x];
		}
	for (size_t y = 0; y < S; y++)
		for (size_t x = 0; x < S; x++)
			bad += (size_t)col0 + x >= (size_t)src->width ||
			    (size_t)row0 + y >= (size_t)src->height;
	for (b = 0; b < src->nbands; b++) {
		if (bad == 0 && o->filter == RS_BILINEAR && src->dtype == DT_UINT8) {
			/* Whole 8-bit windows go through Pillow's own fixed-point path. */
			if (w8 == NULL && (w8 = malloc(S * S)) == NULL)
				goto out;
			for (size_t y = 0; y < S; y++)
				memcpy(w8 + y * S, (const uint8_t *)src->data + (size_t)b * splane +
				    ((size_t)row0 + y) * src->width + col0, S);
			if (rs_plane_u8(w8, (int)S, (int)S, (uint8_t *)dst->data +
			    (size_t)b * dplane, (int)N, (int)N) == -1)
				goto out;
			continue;
		}
		for (size_t y = 0; y < S; y++)
			for (size_t x = 0; x < S; x++) {
				size_t sx = (size_t)col0 + x, sy = (size_t)row0 + y;

				v[y * S + x] = m[y * S + x] ?
				    raster_get(src, b, sy * src->width + sx) : 0;
			}
		/* Without nodata in the window the plain (unmasked) filter runs. */
		if (rs_plane(v, bad ? m : NULL, (int)S, (int)S, res, dm, (int)N, (int)N,
		    o->filter) == -1)
			goto out;
		for (size_t k = 0; k < dplane; k++)
			put_sample(dst->data, dst->dtype, (size_t)b * dplane + k,
			    dm[k] ? to_dtype(dst->dtype, res[k]) : pad);
	}
	rc = 0;
out:
	free(w8);
	free(v);
	free(m);
	free(res);
	free(dm);
	return rc;
}

/*
 * Permute one w x h plane of esz-byte samples into dst for view vw (r90 and
 * r270 swap w and h).  r90 is numpy.rot90(a, 1) (counter-clockwise), r270 is
 * numpy.rot90(a, 3), flip is numpy.fliplr.
 */
static void
permute(const char *src, char *dst, int w, int h, size_t esz, enum view vw)
{
	int i, j, ow = (vw == V_R90 || vw == V_R270) ? h : w;
	int oh = (vw == V_R90 || vw == V_R270) ? w : h;

	for (i = 0; i < oh; i++)
		for (j = 0; j < ow; j++) {
			int si, sj;

			switch (vw) {
			case V_FLIP:	si = i;		sj = w - 1 - j;	break;
			case V_R90:	si = j;		sj = w - 1 - i;	break;
			case V_R180:	si = h - 1 - i;	sj = w - 1 - j;	break;
			case V_R270:	si = h - 1 - j;	sj = i;		break;
			default:	si = i;		sj = j;		break;
			}
			memcpy(dst + ((size_t)i * ow + j) * esz,
			    src + ((size_t)si * w + sj) * esz, esz);
		}
}

/*
 * The transform of a view: pixel corner (x', y') of the view is pixel corner
 * (col, row) of the tile, so the view's affine is the tile's composed with
 * that map (still an affine; r90/r270 give a rotated geotransform).
 */
static void
view_transform(const double t[6], int w, int h, enum view vw, double o[6])
{
	double a = t[0], b = t[1], c = t[2], d = t[3], e = t[4], f = t[5];

	switch (vw) {
	case V_FLIP:	/* col = w - x', row = y' */
		o[0] = -a; o[1] = b; o[2] = a * w + c;
		o[3] = -d; o[4] = e; o[5] = d * w + f;
		break;
	case V_R90:	/* col = w - y', row = x' */
		o[0] = b; o[1] = -a; o[2] = a * w + c;
		o[3] = e; o[4] = -d; o[5] = d * w + f;
		break;
	case V_R180:	/* col = w - x', row = h - y' */
		o[0] = -a; o[1] = -b; o[2] = a * w + b * h + c;
		o[3] = -d; o[4] = -e; o[5] = d * w + e * h + f;
		break;
	case V_R270:	/* col = y', row = h - x' */
		o[0] = -b; o[1] = a; o[2] = b * h + c;
		o[3] = -e; o[4] = d; o[5] = e * h + f;
		break;
	default:
		memcpy(o, t, 6 * sizeof *o);
	}
	for (int i = 0; i < 6; i++)
		o[i] += 0.0;	/* no "-0.0" in the JSON */
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
    const struct opts *o, double vf, enum view vw, json_t *scl)
{
	char stem[512];
	json_t *tk;

	if (vw == V_NONE)
		snprintf(stem, sizeof stem, "%s_t%04d", poi, index);
	else
		snprintf(stem, sizeof stem, "%s_t%04d_%s", poi, index, view_names[vw]);
	tk = json_pack("{s:i, s:s, s:[i,i], s:i, s:i, s:f, s:o, s:s}", "index", index,
	    "stem", stem, "origin", row0, col0, "size", o->size, "out", o->out,
	    "valid_fraction", vf, "aug", vw == V_NONE ? json_null() : json_string(view_names[vw]),
	    "filter", o->filter == RS_AREA ? "area" : "bilinear");
	if (tk != NULL && scl != NULL)
		json_object_update(tk, scl);
	json_object_set_new(tr->json, "tile", tk);
}

/* A view of the tile record base (already cut): same keys, permuted pixels. */
static int
make_view(const struct rec *base, struct rec *v, enum view vw)
{
	int w = base->rasters[0].width, h = base->rasters[0].height;
	int sw = (vw == V_R90 || vw == V_R270);

	if (rec_like(base, v, sw ? h : w, sw ? w : h) == -1)
		return -1;
	for (size_t i = 0; i < base->nrasters; i++) {
		const struct raster *s = &base->rasters[i];
		size_t esz = dtype_size(s->dtype), plane = raster_plane(s);

		for (int b = 0; b < s->nbands; b++)
			permute((const char *)s->data + (size_t)b * plane * esz,
			    (char *)v->rasters[i].data + (size_t)b * plane * esz, w, h, esz, vw);
	}
	if (base->has_grid)
		view_transform(base->grid.t, w, h, vw, v->grid.t);
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
			r->rasters[i].nodata = pad_value(&r->rasters[i]);
			r->rasters[i].has_nodata = 1;
		}
	row1 = H < o->size ? 0 : H - o->size;
	col1 = W < o->size ? 0 : W - o->size;
	for (row0 = 0; row0 <= row1; row0 += o->stride)
		for (col0 = 0; col0 <= col1; col0 += o->stride) {
			struct rec tr, views[V_COUNT];
			struct scl_stat st;
			double vf = valid_fraction(ref, scl, col0, row0, o), cf;
			json_t *sk = NULL;
			int k;

			if (vf > best)
				best = vf;
			if (vf < o->min_valid)
				continue;
			if (scl != NULL) {
				scl_window(scl, col0, row0, o, &st);
				cf = cloud_fraction(&st);
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
				if (cut(&r->rasters[i], &tr.rasters[i], col0, row0, o) == -1) {
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
			set_tile_key(&tr, poi, kept, row0, col0, o, vf, V_NONE, sk);
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

static void
parse_aug(struct tool *t, struct opts *o, const char *arg)
{
	char buf[256], *tok, *save = NULL;
	int v, k;

	if (strlen(arg) >= sizeof buf)
		tool_usage_error(t, "--aug: list too long");
	strcpy(buf, arg);
	o->naug = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (v = V_FLIP; v < V_COUNT; v++)
			if (strcmp(tok, view_names[v]) == 0)
				break;
		if (v == V_COUNT)
			tool_usage_error(t, "--aug: unknown view '%s' (flip, r90, r180, r270)",
			    tok);
		for (k = 0; k < o->naug; k++)
			if (o->aug[k] == (enum view)v)
				break;
		if (k == o->naug)
			o->aug[o->naug++] = (enum view)v;
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
		if (v == SCL_NODATA && !empty_ok)
			tool_usage_error(t, "%s: class 0 is SCL no data, never cloud", opt);
		set[v] = 1;
	}
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
	long v;
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
			if (parse_long(optarg, 1, 65536, &v))
				tool_usage_error(&t, "--size: expected 1..65536, got '%s'", optarg);
			o.size = (int)v;
			break;
		case OPT_STRIDE:
			if (parse_long(optarg, 1, 65536, &v))
				tool_usage_error(&t, "--stride: expected 1..65536, got '%s'", optarg);
			o.stride = (int)v;
			break;
		case OPT_OUT:
			if (parse_long(optarg, 1, 65536, &v))
				tool_usage_error(&t, "--out: expected 1..65536, got '%s'", optarg);
			o.out = (int)v;
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
