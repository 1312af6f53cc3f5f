/*
 * sidecar.c - a tile's metadata JSON for the dataset folder.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "geo.h"
#include "rec.h"
#include "sidecar.h"

struct sidecar {
	struct geo_xform *xf;	/* xf_crs to WGS 84; NULL when PROJ refused it */
	char xf_crs[64];
	uint32_t hist[65536];	/* label pixel counts */
};

struct sidecar *
sidecar_new(void)
{
	return calloc(1, sizeof(struct sidecar));
}

void
sidecar_free(struct sidecar *sc)
{
	if (sc != NULL)
		geo_xform_free(sc->xf);
	free(sc);
}

json_t *
sidecar_class_pixels(struct sidecar *sc, const struct raster *lab)
{
	size_t n = raster_plane(lab);
	json_t *px = json_object();
	char key[16];

	memset(sc->hist, 0, sizeof sc->hist);
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)raster_get(lab, 0, i);
		if (!(lab->has_nodata && (double)v == lab->nodata))
			sc->hist[v & 0xffff]++;
	}
	for (unsigned v = 0; v < 65536; v++)
		if (sc->hist[v]) {
			snprintf(key, sizeof key, "%u", v);
			json_object_set_new(px, key, json_integer(sc->hist[v]));
		}
	return px;
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

static json_t *
get_or_null(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return v ? json_deep_copy(v) : json_null();
}

static json_t *
num_or_null(json_t *v)
{
	return json_is_number(v) ? json_incref(v) : json_null();
}

/* WGS 84 bounds of the tile's grid, edges densified; null when unknown. */
static json_t *
bbox_wgs84(struct sidecar *sc, const struct rec *r)
{
	enum { N = 9 };
	double xs[4 * N], ys[4 * N], b[4] = { INFINITY, INFINITY, -INFINITY, -INFINITY };
	char err[256];
	int k = 0;

	if (!r->has_grid)
		return json_null();
	if (sc->xf == NULL || strcmp(sc->xf_crs, r->grid.crs) != 0) {
		geo_xform_free(sc->xf);
		snprintf(sc->xf_crs, sizeof sc->xf_crs, "%s", r->grid.crs);
		sc->xf = geo_xform_new(r->grid.crs, "EPSG:4326", err, sizeof err);
	}
	if (sc->xf == NULL)
		return json_null();
	for (int i = 0; i < N; i++) {
		double f = (double)i / (N - 1);
		double w = r->grid.width, h = r->grid.height;
		geo_apply(r->grid.t, f * w, 0, &xs[k], &ys[k]), k++;
		geo_apply(r->grid.t, f * w, h, &xs[k], &ys[k]), k++;
		geo_apply(r->grid.t, 0, f * h, &xs[k], &ys[k]), k++;
		geo_apply(r->grid.t, w, f * h, &xs[k], &ys[k]), k++;
	}
	if (geo_xform_points(sc->xf, xs, ys, (size_t)k, err, sizeof err))
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

/* What the label is: its source, CRS, shape, dtype, nodata and pixel counts. */
static json_t *
label_meta(const struct rec *r, const struct raster *lab, json_t *px, json_t *mask_classes)
{
	json_t *lc = json_object_get(r->json, "landcover"), *m;

	if (lab == NULL)
		return json_null();
	m = json_pack("{s:o, s:s?, s:[i, i], s:s, s:o, s:O}",
	    "source", strip_query(json_object_get(lc, "source")),
	    "crs", r->has_grid ? r->grid.crs : NULL, "shape", lab->height, lab->width,
	    "dtype", dtype_name(lab->dtype),
	    "nodata", !lab->has_nodata ? json_null() : lab->nodata == floor(lab->nodata) ?
	    json_integer((json_int_t)lab->nodata) : json_real(lab->nodata),
	    "class_pixels", px);
	if (mask_classes)
		json_object_set(m, "mask_classes", mask_classes);
	return m;
}

json_t *
sidecar_tile(struct sidecar *sc, const struct rec *r, const struct raster *img,
    const struct raster *lab, json_t *px, json_t *mask_classes, const char *base)
{
	json_t *tile = json_object_get(r->json, "tile");
	json_t *scene = json_object_get(r->json, "scene");
	json_t *regions = json_object_get(r->json, "regions");
	json_t *side, *srows, *row;
	size_t i;

	/* The rows' tags and boxes; ds_commit adds the path of each overlay. */
	srows = json_array();
	json_array_foreach(json_object_get(r->json, "rows"), i, row)
		json_array_append_new(srows, json_pack("{s:O?, s:O?, s:n}", "tag",
		    json_object_get(row, "tag"), "boxes", json_object_get(row, "boxes"),
		    "overlay"));
	side = json_object();
	json_object_set(side, "poi_id", json_object_get(r->json, "poi_id"));
	json_object_set_new(side, "base_poi_id", json_string(base));
	json_object_set_new(side, "tile_stem", get_or_null(tile, "stem"));
	json_object_set_new(side, "tile_index", get_or_null(tile, "index"));
	json_object_set_new(side, "split", json_string(ds_split(base)));
	json_object_set_new(side, "image", json_null());
	json_object_set_new(side, "mask", json_null());
	json_object_set_new(side, "latitude", num_or_null(json_object_get(r->json, "lat")));
	json_object_set_new(side, "longitude", num_or_null(json_object_get(r->json, "lon")));
	json_object_set_new(side, "bbox_wgs84", bbox_wgs84(sc, r));
	json_object_set_new(side, "stac_item_id", get_or_null(scene, "id"));
	json_object_set_new(side, "scene", scene_meta(scene));
	json_object_set_new(side, "stac_rgb_meta", asset_meta(scene, img));
	json_object_set_new(side, "land_cover_label_meta", label_meta(r, lab, px, mask_classes));
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
	return side;
}
