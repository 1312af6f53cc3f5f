/*
 * shard-write - the single writer of a dataset folder.  Tile records become
 * images/, metadata/ (sidecars), masks/, overlays/ and rows in
 * data/{train,validation,test}.jsonl; still records become mapbox_stills/ and
 * their overview row.  Resumable after a kill; --merge combines folders.
 * Writes nothing to stdout unless --pass-through.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "draw.h"
#include "geo.h"
#include "pngenc.h"
#include "rec.h"
#include "tool.h"

static const char usage[] =
"usage: shard-write -o DIR [--max-files-per-dir N] [--write-bbox-overlays]\n"
"                   [--write-masks] [--resume] [--pass-through] [--sync]\n"
"                   [--title TEXT] [--license ID] [-hq] [--progress]\n"
"                   [--rejects FILE] [< records]\n"
"       shard-write -o DIR --merge [--resume] SRCDIR ...\n"
"Write tile and still records into the dataset folder DIR.\n"
"  -o, --output DIR          the dataset folder (created if needed)\n"
"  --max-files-per-dir N     files per leaf folder, shards sNNNNN (default 8000)\n"
"  --write-bbox-overlays     overlays/: each row's boxes drawn on the tile, 2 px\n"
"  --write-masks             masks/: the label as an 8-bit palette PNG\n"
"  --resume                  finish an interrupted run (feed it the same input)\n"
"  --merge                   combine the folders SRCDIR... into DIR, no duplicates\n"
"  --pass-through            copy the input records to stdout\n"
"  --sync                    fsync every file before it counts (power-loss safety)\n"
"  --title TEXT              dataset card title (kept from the last run)\n"
"  --license ID              dataset card licence id (default cc-by-4.0)\n"
"  -q, --quiet               no progress line, no notes\n"
"  --progress                progress line even when stderr is not a terminal\n"
"  --rejects FILE            rejected records go here (default: stderr)\n"
"  -h, --help                this text\n"
"  --version                 print the version\n";

enum {
	OPT_MAX = OPT_TOOL_FIRST, OPT_OVERLAYS, OPT_MASKS, OPT_RESUME, OPT_MERGE, OPT_PASS,
	OPT_SYNC, OPT_TITLE, OPT_LICENSE
};

struct ctx {
	struct tool *t;
	struct ds *d;
	int overlays, masks, pass;
	uint64_t skipped, written;
	struct geo_xform *xf;
	char xf_crs[64];
	int xf_bad;
	uint32_t *hist;		/* 65536 counters for label pixel counts */
};

static void
on_note(void *arg, const char *msg)
{
	struct tool *t = arg;

	if (!t->quiet)
		tool_warn(t, "%s", msg);
}

/* Ids become file names: letters, digits, '.', '_', '-', not hidden, not too long. */
static int
safe_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 160 || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* A URL without its query string: signed URLs must not reach the dataset. */
static json_t *
strip_query(json_t *v)
{
	const char *s = json_string_value(v), *q;

	if (s == NULL)
		return v ? json_deep_copy(v) : json_null();
	q = strchr(s, '?');
	return q ? json_stringn(s, (size_t)(q - s)) : json_string(s);
}

/* Band order for RGB: the planes named red, green, blue (or B04, B03, B02). */
static void
rgb_order(const struct raster *ra, int perm[3])
{
	static const char *names[3][3] = { { "red", "B04", "b04" }, { "green", "B03", "b03" },
	    { "blue", "B02", "b02" } };
	int found = 0;

	for (int k = 0; k < 3; k++) {
		perm[k] = k;
		for (int b = 0; b < ra->nbands; b++) {
			const char *n = json_string_value(json_array_get(ra->bands, (size_t)b));
			for (int a = 0; n && a < 3; a++)
				if (strcmp(n, names[k][a]) == 0) {
					perm[k] = b;
					found |= 1 << k;
				}
		}
	}
	if (found != 7 || perm[0] == perm[1] || perm[1] == perm[2] || perm[0] == perm[2])
		for (int k = 0; k < 3; k++)
			perm[k] = k;
}

/* Interleaved RGB of a 3-band (or gray 1-band) uint8 raster. */
static unsigned char *
to_rgb(const struct raster *ra)
{
	size_t n = raster_plane(ra);
	const unsigned char *p = ra->data;
	unsigned char *out = malloc(n ? n * 3 : 1);
	int perm[3] = { 0, 0, 0 };

	if (out == NULL)
		return NULL;
	if (ra->nbands == 3)
		rgb_order(ra, perm);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			out[3 * i + (size_t)k] = p[(size_t)perm[k] * n + i];
	return out;
}

static int
encode(int w, int h, enum pngenc_kind kind, int depth, const void *px,
    const unsigned char (*pal)[3], int npal, struct ds_file *f, char *why, size_t whylen)
{
	struct pngenc_image im = { w, h, kind, depth, px, pal, npal };
	unsigned char *buf;
	size_t len;

	if (pngenc_encode(&im, &buf, &len, why, whylen))
		return -1;
	f->data = buf;
	f->len = len;
	return 0;
}

/* The colour of class id: the class table's colour, else from the SHA-256 of its name. */
static void
class_color(json_t *classes, long id, const char *name, unsigned char c[3])
{
	json_t *cl;
	size_t i;
	char buf[64];

	json_array_foreach(classes, i, cl)
		if (json_integer_value(json_object_get(cl, "id")) == id &&
		    json_is_integer(json_object_get(cl, "id"))) {
			if (draw_color_hex(json_string_value(json_object_get(cl, "color")), c) == 0)
				return;
			if (name == NULL)
				name = json_string_value(json_object_get(cl, "name"));
			break;
		}
	if (name == NULL) {
		snprintf(buf, sizeof buf, "class %ld", id);
		name = buf;
	}
	draw_color_hash(name, c);
}

/*
 * Mask PNG of the label: uint8 labels keep their values as palette indices;
 * uint16 ones too when every class id of the table is below 255 (nodata
 * becomes 255), else index k is the k-th class of the table (254: a value
 * not in it) and mask_classes lists the ids.
 */
static int
make_mask(const struct raster *lab, json_t *classes, struct ds_file *f, json_t **mask_classes,
    char *why, size_t whylen)
{
	size_t n = raster_plane(lab), i;
	unsigned char pal[256][3], *idx, *lut;
	long nod = lab->has_nodata ? (long)lab->nodata : -1;
	int identity = 1, rc;
	json_t *cl;

	*mask_classes = NULL;
	if (lab->dtype == DT_UINT16)
		json_array_foreach(classes, i, cl)
			if (json_integer_value(json_object_get(cl, "id")) >= 255)
				identity = 0;
	if (!identity && json_array_size(classes) > 254) {
		/* Too many classes for a palette: the raw ids as 16-bit gray. */
		return encode(lab->width, lab->height, PNGENC_GRAY, 16, lab->data, NULL, 0, f, why,
		    whylen);
	}
	if ((idx = malloc(n ? n : 1)) == NULL)
		return snprintf(why, whylen, "out of memory"), -1;
	memset(pal, 0, sizeof pal);
	if (identity) {
		for (i = 0; i < n; i++) {
			long v = (long)raster_get(lab, 0, i);
			idx[i] = v == nod ? (lab->dtype == DT_UINT8 ? (unsigned char)v : 255) :
			    v > 254 && lab->dtype == DT_UINT16 ? 254 : (unsigned char)v;
		}
		for (int v = 0; v < 256; v++)
			if (v != (lab->dtype == DT_UINT8 ? nod : 255))
				class_color(classes, v, NULL, pal[v]);
	} else {
		*mask_classes = json_array();
		json_array_foreach(classes, i, cl) {
			json_array_append(*mask_classes, json_object_get(cl, "id"));
			class_color(classes, (long)json_integer_value(json_object_get(cl, "id")), NULL,
			    pal[i]);
		}
		class_color(NULL, -1, "other", pal[254]);
		/* uint16 values to indices through a table: one lookup per pixel. */
		if ((lut = malloc(65536)) == NULL) {
			free(idx);
			return snprintf(why, whylen, "out of memory"), -1;
		}
		memset(lut, 254, 65536);
		for (i = json_array_size(classes); i-- > 0; ) {
			json_int_t id = json_integer_value(json_object_get(json_array_get(classes, i),
			    "id"));
			if (id >= 0 && id < 65536)
				lut[id] = (unsigned char)i;	/* the first entry of an id wins */
		}
		if (nod >= 0 && nod < 65536)
			lut[nod] = 255;
		for (size_t p = 0; p < n; p++)
			idx[p] = lut[((const uint16_t *)lab->data)[p]];
		free(lut);
	}
	rc = encode(lab->width, lab->height, PNGENC_PALETTE, 8, idx,
	    (const unsigned char (*)[3])pal, 256, f, why, whylen);
	free(idx);
	return rc;
}

/* Valid label pixels per class value, keys in increasing order. */
static json_t *
pixel_counts(struct ctx *c, const struct raster *lab)
{
	size_t n = raster_plane(lab);
	json_t *px = json_object();
	char key[16];

	memset(c->hist, 0, 65536 * sizeof *c->hist);
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)raster_get(lab, 0, i);
		if (!(lab->has_nodata && (double)v == lab->nodata))
			c->hist[v & 0xffff]++;
	}
	for (unsigned v = 0; v < 65536; v++)
		if (c->hist[v]) {
			snprintf(key, sizeof key, "%u", v);
			json_object_set_new(px, key, json_integer(c->hist[v]));
		}
	return px;
}

/* WGS 84 bounds of the tile's grid, edges densified; NULL when unknown. */
static json_t *
bbox_wgs84(struct ctx *c, const struct rec *r)
{
	enum { N = 9 };
	double xs[4 * N], ys[4 * N], b[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
	char err[256];
	int k = 0;

	if (!r->has_grid)
		return json_null();
	if (c->xf == NULL || strcmp(c->xf_crs, r->grid.crs) != 0) {
		geo_xform_free(c->xf);
		snprintf(c->xf_crs, sizeof c->xf_crs, "%s", r->grid.crs);
		c->xf = geo_xform_new(r->grid.crs, "EPSG:4326", err, sizeof err);
	}
	if (c->xf == NULL)
		return json_null();
	for (int i = 0; i < N; i++) {
		double f = (double)i / (N - 1);
		double w = r->grid.width, h = r->grid.height;
		geo_apply(r->grid.t, f * w, 0, &xs[k], &ys[k]), k++;
		geo_apply(r->grid.t, f * w, h, &xs[k], &ys[k]), k++;
		geo_apply(r->grid.t, 0, f * h, &xs[k], &ys[k]), k++;
		geo_apply(r->grid.t, w, f * h, &xs[k], &ys[k]), k++;
	}
	if (geo_xform_points(c->xf, xs, ys, (size_t)k, err, sizeof err))
		return json_null();
	for (int i = 0; i < k; i++) {
		b[0] = fmin(b[0], xs[i]);
		b[1] = fmin(b[1], ys[i]);
		b[2] = fmax(b[2], xs[i]);
		b[3] = fmax(b[3], ys[i]);
	}
	/* 1e-7 degrees is about a centimetre: more digits are noise. */
	for (int i = 0; i < 4; i++)
		b[i] = round(b[i] * 1e7) / 1e7;
	return json_pack("[f, f, f, f]", b[0], b[1], b[2], b[3]);
}

static json_t *
get_or_null(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v ? json_deep_copy(v) : json_null();
}

/* Scene facts worth keeping: no hrefs, no signed URLs. */
static json_t *
scene_meta(json_t *scene)
{
	static const char *keys[] = { "id", "collection", "datetime", "cloud_cover", "platform",
	    "crs", "mgrs", "processing_baseline", "boa_offset_applied" };
	json_t *o;

	if (!json_is_object(scene))
		return json_null();
	o = json_object();
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (json_object_get(scene, keys[i]))
			json_object_set(o, keys[i], json_object_get(scene, keys[i]));
	return o;
}

/* The assets behind the image bands, hrefs cut at their query string. */
static json_t *
asset_meta(json_t *scene, const struct raster *img)
{
	json_t *assets = json_object_get(scene, "assets"), *o = json_object(), *a, *copy;

	for (int b = 0; b < img->nbands; b++) {
		const char *name = json_string_value(json_array_get(img->bands, (size_t)b));
		if (name == NULL || !json_is_object(a = json_object_get(assets, name)))
			continue;
		copy = json_deep_copy(a);
		if (json_object_get(copy, "href"))
			json_object_set_new(copy, "href", strip_query(json_object_get(copy, "href")));
		json_object_set_new(o, name, copy);
	}
	if (json_object_size(o) == 0) {
		json_decref(o);
		return json_null();
	}
	return o;
}

/* Check rows: objects with a messages array, optional tag string and boxes of ints. */
static int
check_rows(json_t *rows, size_t nregions, char *why, size_t whylen)
{
	json_t *row, *b, *boxes;
	size_t i, j;

	if (rows && !json_is_array(rows))
		return snprintf(why, whylen, "rows: not an array"), -1;
	json_array_foreach(rows, i, row) {
		if (!json_is_object(row) || !json_is_array(json_object_get(row, "messages")))
			return snprintf(why, whylen, "rows[%zu]: no messages array", i), -1;
		if (json_object_get(row, "tag") && !json_is_string(json_object_get(row, "tag")))
			return snprintf(why, whylen, "rows[%zu].tag: not a string", i), -1;
		boxes = json_object_get(row, "boxes");
		if (boxes && !json_is_array(boxes))
			return snprintf(why, whylen, "rows[%zu].boxes: not an array", i), -1;
		json_array_foreach(boxes, j, b)
			if (!json_is_integer(b) || json_integer_value(b) < 0 ||
			    (size_t)json_integer_value(b) >= nregions)
				return snprintf(why, whylen, "rows[%zu].boxes[%zu]: not a region index "
				    "(%zu regions)", i, j, nregions), -1;
	}
	return 0;
}

/* The row's boxes drawn 2 px wide on a copy of the tile. */
static int
overlay(const unsigned char *rgb, int w, int h, json_t *row, json_t *regions, json_t *classes,
    struct ds_file *f, char *why, size_t whylen)
{
	unsigned char *im = malloc((size_t)w * (size_t)h * 3), col[3];
	json_t *b;
	size_t j;
	int rc;

	if (im == NULL)
		return snprintf(why, whylen, "out of memory"), -1;
	memcpy(im, rgb, (size_t)w * (size_t)h * 3);
	json_array_foreach(json_object_get(row, "boxes"), j, b) {
		json_t *reg = json_array_get(regions, (size_t)json_integer_value(b));
		json_t *bb = json_object_get(reg, "bbox");
		double nb[4];
		int px[4];
		for (int k = 0; k < 4; k++)
			nb[k] = json_number_value(json_array_get(bb, (size_t)k));
		if (json_array_size(bb) != 4 || draw_box_pixels(nb, w, h, px)) {
			free(im);
			return snprintf(why, whylen, "regions[%lld].bbox: not a box in 0..1",
			    (long long)json_integer_value(b)), -1;
		}
		class_color(classes, (long)json_integer_value(json_object_get(reg, "class_id")),
		    json_string_value(json_object_get(reg, "label")), col);
		draw_box(im, w, h, px[0], px[1], px[2], px[3], 2, col);
	}
	rc = encode(w, h, PNGENC_RGB, 8, im, NULL, 0, f, why, whylen);
	free(im);
	return rc;
}

static json_t *
num_or_null(json_t *v)
{
	return json_is_number(v) ? json_incref(v) : json_null();
}

/*
 * One tile record into the folder.  0 written, 1 there already, -1 reject
 * (why set), -2 fatal I/O (why set).
 */
static int
do_tile(struct ctx *c, struct rec *r, const char *poi, const char *base, char *why,
    size_t whylen)
{
	json_t *tile = json_object_get(r->json, "tile");
	const char *stem = json_string_value(json_object_get(tile, "stem"));
	json_t *rows = json_object_get(r->json, "rows");
	json_t *regions = json_object_get(r->json, "regions");
	json_t *lc = json_object_get(r->json, "landcover");
	json_t *classes = json_object_get(lc, "classes");
	json_t *scene = json_object_get(r->json, "scene");
	json_t *side = NULL, *srows, *row, *px = NULL, *mask_classes = NULL, *lmeta;
	struct raster *img, *lab;
	struct ds_item it;
	struct ds_file *ov = NULL;
	const char **tags = NULL;
	unsigned char *rgb = NULL;
	size_t nrows, i;
	int rc = -1;

	memset(&it, 0, sizeof it);
	if (!json_is_object(tile) || !safe_name(stem))
		return snprintf(why, whylen, "tile.stem: missing or not a safe file name (letters, "
		    "digits, '.', '_', '-'; at most 160)"), -1;
	if (ds_contains(c->d, DS_TILE, stem))
		return 1;
	if ((img = rec_find_raster(r, "image")) == NULL)
		return snprintf(why, whylen, "no \"image\" raster"), -1;
	if (img->dtype != DT_UINT8)
		return snprintf(why, whylen, "image: dtype %s, want uint8 (run stretch first)",
		    dtype_name(img->dtype)), -1;
	if (img->nbands != 3 && img->nbands != 1)
		return snprintf(why, whylen, "image: %d bands, want 3 (RGB) or 1 (gray)",
		    img->nbands), -1;
	if ((lab = rec_find_raster(r, "label")) != NULL) {
		if (lab->dtype != DT_UINT8 && lab->dtype != DT_UINT16)
			return snprintf(why, whylen, "label: dtype %s, want uint8 or uint16",
			    dtype_name(lab->dtype)), -1;
		if (lab->width != img->width || lab->height != img->height || lab->nbands != 1)
			return snprintf(why, whylen, "label: %dx%dx%d, want one band of the image's "
			    "%dx%d", lab->width, lab->height, lab->nbands, img->width, img->height), -1;
	}
	if (regions && !json_is_array(regions))
		return snprintf(why, whylen, "regions: not an array"), -1;
	if (classes && !json_is_array(classes))
		return snprintf(why, whylen, "landcover.classes: not an array"), -1;
	if (check_rows(rows, json_array_size(regions), why, whylen))
		return -1;
	nrows = json_array_size(rows);

	it.kind = DS_TILE;
	it.id = stem;
	it.poi_id = poi;
	it.base_poi_id = base;
	it.rows = rows;
	it.image_ref = "{image}";
	it.classes = classes;
	if ((rgb = to_rgb(img)) == NULL)
		goto oom;
	if (img->nbands == 3 ? encode(img->width, img->height, PNGENC_RGB, 8, rgb, NULL, 0,
	    &it.image, why, whylen) : encode(img->width, img->height, PNGENC_GRAY, 8, img->data,
	    NULL, 0, &it.image, why, whylen))
		goto out;
	if (lab) {
		px = pixel_counts(c, lab);
		it.px = px;
		if (c->masks && make_mask(lab, classes, &it.mask, &mask_classes, why, whylen))
			goto out;
	}
	if (c->overlays && nrows) {
		if ((ov = calloc(nrows, sizeof *ov)) == NULL ||
		    (tags = calloc(nrows, sizeof *tags)) == NULL)
			goto oom;
		it.noverlays = nrows;
		it.overlays = ov;
		it.tags = tags;
		json_array_foreach(rows, i, row) {
			tags[i] = json_string_value(json_object_get(row, "tag"));
			if (overlay(rgb, img->width, img->height, row, regions, classes, &ov[i], why,
			    whylen))
				goto out;
		}
	}

	/* The sidecar: the original's fields, ours added; paths filled in by ds_commit. */
	srows = json_array();
	json_array_foreach(rows, i, row)
		json_array_append_new(srows, json_pack("{s:O?, s:O?, s:n}", "tag",
		    json_object_get(row, "tag"), "boxes", json_object_get(row, "boxes"),
		    "overlay"));
	lmeta = json_null();
	if (lab) {
		lmeta = json_pack("{s:o, s:s?, s:[i, i], s:s, s:o, s:O}",
		    "source", strip_query(json_object_get(lc, "source")),
		    "crs", r->has_grid ? r->grid.crs : NULL, "shape", lab->height, lab->width,
		    "dtype", dtype_name(lab->dtype),
		    "nodata", !lab->has_nodata ? json_null() : lab->nodata == floor(lab->nodata) ?
		    json_integer((json_int_t)lab->nodata) : json_real(lab->nodata),
		    "class_pixels", px);
		if (mask_classes)
			json_object_set_new(lmeta, "mask_classes", mask_classes);
		mask_classes = NULL;
	}
	side = json_object();
	json_object_set(side, "poi_id", json_object_get(r->json, "poi_id"));
	json_object_set_new(side, "base_poi_id", json_string(base));
	json_object_set_new(side, "tile_stem", json_string(stem));
	json_object_set_new(side, "tile_index", get_or_null(tile, "index"));
	json_object_set_new(side, "split", json_string(ds_split(base)));
	json_object_set_new(side, "image", json_null());
	json_object_set_new(side, "mask", json_null());
	json_object_set_new(side, "latitude", num_or_null(json_object_get(r->json, "lat")));
	json_object_set_new(side, "longitude", num_or_null(json_object_get(r->json, "lon")));
	json_object_set_new(side, "bbox_wgs84", bbox_wgs84(c, r));
	json_object_set_new(side, "stac_item_id", get_or_null(scene, "id"));
	json_object_set_new(side, "scene", scene_meta(scene));
	json_object_set_new(side, "stac_rgb_meta", asset_meta(scene, img));
	json_object_set_new(side, "land_cover_label_meta", lmeta);
	json_object_set_new(side, "grid", r->has_grid ? json_pack("{s:s, s:i, s:i, s:[f,f,f,f,f,f]}",
	    "crs", r->grid.crs, "width", r->grid.width, "height", r->grid.height, "transform",
	    r->grid.t[0], r->grid.t[1], r->grid.t[2], r->grid.t[3], r->grid.t[4], r->grid.t[5]) :
	    json_null());
	json_object_set_new(side, "native_tile", get_or_null(tile, "size"));
	json_object_set_new(side, "output_size", get_or_null(tile, "out"));
	json_object_set_new(side, "tile_origin_native", get_or_null(tile, "origin"));
	json_object_set_new(side, "image_augmentation", get_or_null(tile, "aug"));
	json_object_set_new(side, "valid_fraction", get_or_null(tile, "valid_fraction"));
	json_object_set_new(side, "stretch", get_or_null(r->json, "stretch"));
	json_object_set_new(side, "caption", get_or_null(r->json, "caption"));
	json_object_set_new(side, "regions", regions ? json_deep_copy(regions) : json_array());
	json_object_set_new(side, "class_fractions", get_or_null(r->json, "class_fractions"));
	json_object_set_new(side, "rows", srows);
	it.sidecar = side;

	switch (ds_commit(c->d, &it, why, whylen)) {
	case 0:
		rc = 0;
		break;
	case 1:
		rc = 1;
		break;
	default:
		rc = -2;
	}
	goto out;
oom:
	snprintf(why, whylen, "out of memory");
	rc = -2;
out:
	free(rgb);
	free((void *)it.image.data);
	free((void *)it.mask.data);
	for (i = 0; ov && i < it.noverlays; i++)
		free((void *)ov[i].data);
	free(ov);
	free(tags);
	json_decref(side);
	json_decref(px);
	json_decref(mask_classes);
	return rc;
}

/* One still record (overhead context image and its overview row). */
static int
do_still(struct ctx *c, struct rec *r, const char *poi, const char *base, char *why,
    size_t whylen)
{
	json_t *rows = json_object_get(r->json, "rows");
	struct raster *st = rec_find_raster(r, "still");
	struct ds_item it;
	unsigned char *rgb;
	int rc;

	if (!safe_name(poi))
		return snprintf(why, whylen, "poi_id: not a safe file name (letters, digits, '.', "
		    "'_', '-'; at most 160)"), -1;
	if (ds_contains(c->d, DS_STILL, poi))
		return 1;
	if (st->dtype != DT_UINT8 || st->nbands != 3)
		return snprintf(why, whylen, "still: %d bands of %s, want 3 of uint8 (RGB)",
		    st->nbands, dtype_name(st->dtype)), -1;
	if (check_rows(rows, 0, why, whylen))
		return -1;
	memset(&it, 0, sizeof it);
	it.kind = DS_STILL;
	it.id = poi;
	it.poi_id = poi;
	it.base_poi_id = base;
	it.rows = rows;
	it.image_ref = "{image}";
	if ((rgb = to_rgb(st)) == NULL)
		return snprintf(why, whylen, "out of memory"), -2;
	rc = encode(st->width, st->height, PNGENC_RGB, 8, rgb, NULL, 0, &it.image, why, whylen);
	free(rgb);
	if (rc)
		return -2;
	rc = ds_commit(c->d, &it, why, whylen);
	free((void *)it.image.data);
	return rc < 0 ? -2 : rc;
}

static int
do_record(struct ctx *c, struct rec *r, char *why, size_t whylen)
{
	const char *poi = json_string_value(json_object_get(r->json, "poi_id"));
	json_t *b = json_object_get(r->json, "base_poi_id");
	const char *base = json_string_value(b);

	if (poi == NULL || *poi == '\0')
		return snprintf(why, whylen, "poi_id: missing or not a string"), -1;
	if (b && (base == NULL || *base == '\0'))
		return snprintf(why, whylen, "base_poi_id: not a string"), -1;
	if (base == NULL)
		base = poi;
	if (json_object_get(r->json, "tile"))
		return do_tile(c, r, poi, base, why, whylen);
	if (rec_find_raster(r, "still"))
		return do_still(c, r, poi, base, why, whylen);
	if (rec_find_raster(r, "image"))
		return snprintf(why, whylen, "no \"tile\" object: not a tile record (run tile "
		    "first)"), -1;
	return snprintf(why, whylen, "neither a tile record (\"tile\" and an \"image\" raster) "
	    "nor a still record (a \"still\" raster)"), -1;
}

/*
 * tool_next without its exit on a cut stream: REC_OK with a record, REC_EOF,
 * or REC_FATAL (why set) so that the folder can be closed first.
 */
static enum rec_status
next_record(struct tool *t, struct rec *r, char *why, size_t whylen)
{
	enum rec_status st;

	while ((st = tool_read(t, r, why, whylen)) == REC_BAD)
		tool_reject(t, r, "%s", why);
	return st;
}

int
main(int argc, char **argv)
{
	static struct option longopts[] = {
		TOOL_LONGOPTS,
		{ "output", required_argument, 0, 'o' },
		{ "max-files-per-dir", required_argument, 0, OPT_MAX },
		{ "write-bbox-overlays", no_argument, 0, OPT_OVERLAYS },
		{ "write-masks", no_argument, 0, OPT_MASKS },
		{ "resume", no_argument, 0, OPT_RESUME },
		{ "merge", no_argument, 0, OPT_MERGE },
		{ "pass-through", no_argument, 0, OPT_PASS },
		{ "sync", no_argument, 0, OPT_SYNC },
		{ "title", required_argument, 0, OPT_TITLE },
		{ "license", required_argument, 0, OPT_LICENSE },
		{ NULL, 0, 0, 0 }
	};
	struct tool t;
	struct ctx c;
	struct ds_opts o;
	struct rec r;
	char why[1024];
	enum rec_status st;
	int ch, merge = 0, rc;
	long v;

	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	tool_init(&t, "shard-write", usage);
	c.t = &t;
	while ((ch = getopt_long(argc, argv, "ho:q", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case 'o':
			o.dir = optarg;
			break;
		case OPT_MAX:
			if (parse_long(optarg, 1, 1000000, &v))
				tool_usage_error(&t, "--max-files-per-dir: expected 1..1000000, got "
				    "'%s'", optarg);
			o.max_per_dir = v;
			break;
		case OPT_OVERLAYS:
			c.overlays = 1;
			break;
		case OPT_MASKS:
			c.masks = 1;
			break;
		case OPT_RESUME:
			o.resume = 1;
			break;
		case OPT_MERGE:
			merge = 1;
			break;
		case OPT_PASS:
			c.pass = 1;
			break;
		case OPT_SYNC:
			o.sync = 1;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case OPT_LICENSE:
			o.license = optarg;
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (o.dir == NULL || *o.dir == '\0')
		tool_usage_error(&t, "-o DIR is required");
	if (merge) {
		if (optind >= argc)
			tool_usage_error(&t, "--merge: name the folders to merge");
		if (c.overlays || c.masks || c.pass)
			tool_usage_error(&t, "--merge copies what the folders hold: "
			    "--write-bbox-overlays, --write-masks and --pass-through do not apply");
		tool_start(&t, 0, argv + argc);
	} else
		tool_start(&t, argc - optind, argv + optind);
	o.note = on_note;
	o.note_arg = &t;
	if ((c.d = ds_open(&o, why, sizeof why)) == NULL)
		tool_fatal(&t, "%s", why);

	if (merge) {
		for (int i = optind; i < argc; i++) {
			long n = ds_merge(c.d, argv[i], why, sizeof why);
			if (n < 0) {
				ds_abort(c.d);
				tool_fatal(&t, "%s", why);
			}
			if (!t.quiet)
				tool_warn(&t, "%s: %ld items merged", argv[i], n);
		}
	} else {
		if ((c.hist = malloc(65536 * sizeof *c.hist)) == NULL)
			tool_fatal(&t, "out of memory");
		while ((st = next_record(&t, &r, why, sizeof why)) != REC_EOF) {
			if (st == REC_FATAL) {
				/*
				 * A cut stream: what was committed is sound, so the folder
				 * is closed (card, state) before exiting 2.
				 */
				char e2[512];
				rec_free(&r);
				if (ds_close(c.d, e2, sizeof e2))
					tool_warn(&t, "%s", e2);
				tool_fatal(&t, "%s: %s", t.rd.name, why);
			}
			rc = do_record(&c, &r, why, sizeof why);
			if (rc == -2) {
				rec_free(&r);
				ds_abort(c.d);
				tool_fatal(&t, "%s", why);
			}
			if (rc == -1) {
				tool_reject(&t, &r, "%s", why);
				continue;
			}
			if (rc == 1)
				c.skipped++;
			else
				c.written++;
			/* The progress line's "out": items written (or records passed on). */
			if (!c.pass && rc == 0)
				t.n_out++;
			if (c.pass)
				tool_emit(&t, &r);
			else
				rec_free(&r);
		}
		free(c.hist);
		geo_xform_free(c.xf);
		if (c.skipped && !t.quiet)
			tool_warn(&t, "%llu records already in %s were skipped",
			    (unsigned long long)c.skipped, o.dir);
	}
	if (ds_close(c.d, why, sizeof why))
		tool_fatal(&t, "%s", why);
	return tool_finish(&t);
}
