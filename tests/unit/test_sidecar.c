/*
 * test_sidecar.c - lib/sidecar: label pixel counts, and the fields of a
 * tile's metadata from a record built here (signed URLs cut, WGS 84 bounds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "rec.h"
#include "sidecar.h"
#include "unit.h"

static int
field_is(const json_t *side, const char *key, const char *want)
{
	return unit_json_is(json_object_get(side, key), want);
}

int
main(void)
{
	struct sidecar *sc = sidecar_new();
	uint8_t px[6] = { 1, 1, 255, 2, 1, 255 };
	struct raster lab = { .width = 3, .height = 2, .nbands = 1, .dtype = DT_UINT8,
	    .has_nodata = 1, .nodata = 255, .data = px };
	struct raster img = { .width = 3, .height = 2, .nbands = 3, .dtype = DT_UINT8,
	    .bands = json_pack("[s, s, s]", "B04", "B03", "B02") };
	/* A 100 x 50 pixel grid of 0.001 degrees from 13.0 E, 52.5 N. */
	struct rec r = { .has_grid = 1, .grid = { "EPSG:4326",
	    { 0.001, 0, 13.0, 0, -0.001, 52.5 }, 100, 50 } };
	json_t *pxj, *mc = json_pack("[i, i]", 8200, 7201), *side, *b;
	char base[] = "poi_000001";

	CHECK(sc != NULL, "sidecar_new");
	pxj = sidecar_class_pixels(sc, &lab);
	CHECK(unit_json_is(pxj, "{\"1\":3,\"2\":1}"), "class pixels: nodata left out, keys in order");
	lab.has_nodata = 0;
	json_decref(pxj);
	pxj = sidecar_class_pixels(sc, &lab);
	CHECK(unit_json_is(pxj, "{\"1\":3,\"2\":1,\"255\":2}"), "without nodata 255 counts, "
	    "and the counts start from zero again");
	lab.has_nodata = 1;

	r.json = json_loads("{\"poi_id\":\"poi_000001_j2\",\"lat\":52.48,\"lon\":\"13.05\","
	    "\"tile\":{\"stem\":\"poi_000001_j2_t0\",\"index\":0,\"size\":256,\"out\":224,"
	    "\"origin\":[0,0]},"
	    "\"scene\":{\"id\":\"S2A_X\",\"collection\":\"sentinel-2-l1c\",\"cloud_cover\":3.5,"
	    "\"secret\":\"x\",\"assets\":{\"B04\":{\"href\":\"https://h/B04.tif?sig=abc\","
	    "\"type\":\"image/tiff\"},\"B03\":{\"href\":\"https://h/B03.tif\"},\"B08\":{}}},"
	    "\"landcover\":{\"source\":\"https://lc/x.tif?token=t\"},"
	    "\"regions\":[{\"label\":\"water\"}],"
	    "\"rows\":[{\"tag\":\"caption\",\"boxes\":[0],\"messages\":[]},{\"messages\":[]}],"
	    "\"caption\":\"Water.\"}", 0, NULL);
	side = sidecar_tile(sc, &r, &img, &lab, pxj, mc, base);
	CHECK(field_is(side, "poi_id", "\"poi_000001_j2\"") &&
	    field_is(side, "base_poi_id", "\"poi_000001\"") &&
	    field_is(side, "tile_stem", "\"poi_000001_j2_t0\"") && field_is(side, "tile_index", "0"),
	    "ids");
	b = json_string(ds_split(base));
	CHECK(json_equal(json_object_get(side, "split"), b), "the split of the base POI id");
	json_decref(b);
	CHECK(field_is(side, "image", "null") && field_is(side, "mask", "null"),
	    "image and mask left for ds_commit");
	CHECK(field_is(side, "latitude", "52.48") && field_is(side, "longitude", "null"),
	    "latitude and longitude only when numbers");
	CHECK(field_is(side, "bbox_wgs84", "[13.0,52.45,13.1,52.5]"), "WGS 84 bounds of the grid");
	CHECK(field_is(side, "stac_item_id", "\"S2A_X\"") && field_is(side, "scene",
	    "{\"id\":\"S2A_X\",\"collection\":\"sentinel-2-l1c\",\"cloud_cover\":3.5}"),
	    "scene facts, nothing else of the scene");
	CHECK(field_is(side, "stac_rgb_meta", "{\"B04\":{\"href\":\"https://h/B04.tif\",\"type\":"
	    "\"image/tiff\"},\"B03\":{\"href\":\"https://h/B03.tif\"}}"),
	    "the image bands' assets, hrefs cut at the query string");
	CHECK(field_is(side, "land_cover_label_meta", "{\"source\":\"https://lc/x.tif\",\"crs\":"
	    "\"EPSG:4326\",\"shape\":[2,3],\"dtype\":\"uint8\",\"nodata\":255,\"class_pixels\":"
	    "{\"1\":3,\"2\":1,\"255\":2},\"mask_classes\":[8200,7201]}"),
	    "label facts, its source cut at the query string");
	CHECK(field_is(side, "grid", "{\"crs\":\"EPSG:4326\",\"width\":100,\"height\":50,"
	    "\"transform\":[0.001,0.0,13.0,0.0,-0.001,52.5]}"), "the grid");
	CHECK(field_is(side, "native_tile", "256") && field_is(side, "output_size", "224") &&
	    field_is(side, "tile_origin_native", "[0,0]") &&
	    field_is(side, "image_augmentation", "null") && field_is(side, "stretch", "null"),
	    "tile geometry; absent keys null");
	CHECK(field_is(side, "caption", "\"Water.\"") &&
	    field_is(side, "regions", "[{\"label\":\"water\"}]") &&
	    field_is(side, "class_fractions", "null"), "caption and regions copied");
	CHECK(field_is(side, "rows", "[{\"tag\":\"caption\",\"boxes\":[0],\"overlay\":null},"
	    "{\"tag\":null,\"boxes\":null,\"overlay\":null}]"),
	    "rows: tag and boxes (null when absent), overlay left for ds_commit");
	json_decref(side);

	/* UTM 33N around its central meridian: 15 E lies inside the bounds. */
	snprintf(r.grid.crs, sizeof r.grid.crs, "EPSG:32633");
	memcpy(r.grid.t, (double[6]){ 10, 0, 499000, 0, -10, 5801000 }, sizeof r.grid.t);
	r.grid.width = r.grid.height = 200;
	side = sidecar_tile(sc, &r, &img, NULL, NULL, NULL, base);
	b = json_object_get(side, "bbox_wgs84");
	CHECK(json_array_size(b) == 4 && json_real_value(json_array_get(b, 0)) < 15 &&
	    json_real_value(json_array_get(b, 2)) > 15 &&
	    json_real_value(json_array_get(b, 1)) > 52.3 &&
	    json_real_value(json_array_get(b, 3)) < 52.4, "bounds through PROJ for a UTM grid");
	CHECK(field_is(side, "land_cover_label_meta", "null"), "no label: no label facts");
	json_decref(side);
	r.has_grid = 0;
	side = sidecar_tile(sc, &r, &img, NULL, NULL, NULL, base);
	CHECK(field_is(side, "bbox_wgs84", "null") && field_is(side, "grid", "null"),
	    "no grid: no bounds");
	json_decref(side);

	json_decref(r.json);
	json_decref(img.bands);
	json_decref(pxj);
	json_decref(mc);
	sidecar_free(sc);
	UNIT_DONE();
}
