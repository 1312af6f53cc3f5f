/*
 * stac.h - STAC items for scene search: RFC 3339 times and intervals, whether an
 * item's footprint covers a lon/lat bbox, the choice between candidates, and the
 * "scene" object a record carries downstream (specs/external-services.md 1-2).
 *
 *	double bb[4]; geo_bbox_km(lon, lat, 5, bb);
 *	if (stac_item_covers(item, bb) == 1 && stac_better(item, best, STAC_PICK_CLEAREST))
 *		best = item;
 *	json_t *scene = stac_scene(best, item_url, names, nnames, err, sizeof err);
 *
 * Geometry is GeoJSON lon/lat (Polygon, MultiPolygon; holes honoured), planar
 * tests in degrees, no antimeridian splitting.
 */
#ifndef STAC_H
#define STAC_H

#include <stddef.h>
#include <jansson.h>

/* RFC 3339 date-time (or a bare date) to seconds since the epoch; 0 ok, -1 bad. */
int stac_time_parse(const char *s, double *t);
/* "A/B" with ".." or "" for an open end, or a single instant (a = b); 0 ok, -1 bad.
 * A bare date as B means the end of that day. */
int stac_interval_parse(const char *s, double *a, double *b);
/* Item time range: datetime, else start_datetime/end_datetime; -1 if none. */
int stac_item_time(const json_t *item, double *t0, double *t1);

/* 1 if the geometry (or, lacking one, the item's bbox) contains the whole bbox
 * [minlon,minlat,maxlon,maxlat], 0 if not, -1 if there is no usable footprint. */
int stac_item_covers(const json_t *item, const double bb[4]);
/* 1 if the footprint and the bbox share any point, 0 if not, -1 no footprint. */
int stac_item_intersects(const json_t *item, const double bb[4]);
int stac_geom_covers_bbox(const json_t *geom, const double bb[4]);
int stac_geom_intersects_bbox(const json_t *geom, const double bb[4]);
/* The bbox as a closed GeoJSON Polygon (counter-clockwise). */
json_t *stac_bbox_polygon(const double bb[4]);

/* properties.eo:cloud_cover; 0 ok, -1 absent or not a number. */
int stac_item_cloud(const json_t *item, double *cc);

enum stac_pick { STAC_PICK_CLEAREST, STAC_PICK_LATEST };
/* 1 if a should be chosen over b (b may be NULL).  clearest: lower cloud cover
 * (absent = worst), then newer, then smaller id; latest: newer, then lower cloud,
 * then smaller id.  A total order, so the choice never depends on input order. */
int stac_better(const json_t *a, const json_t *b, enum stac_pick pick);

/* Asset key for a wanted name: the name itself, else the Planetary Computer key
 * (red -> B04, scl -> SCL...); NULL if the item has neither. */
const char *stac_asset_key(const json_t *item, const char *name);

/*
 * The "scene" object for a record: id, collection, datetime, cloud_cover,
 * platform, crs, mgrs, processing_baseline, the BOA offset decision
 * (boa_offset_applied, reflectance_offset, boa_rule, boa_flag) and per wanted
 * asset {key, href, scale, offset, nodata, resolution, data_type, bands, shape,
 * transform}; relative hrefs are resolved against the item's self link or
 * item_url.  Assets lacking raster:bands get the known Sentinel-2 values with
 * "defaults": true.  NULL with err set when the item has none of the assets.
 */
json_t *stac_scene(const json_t *item, const char *item_url, const char *const *names,
    size_t nnames, char *err, size_t errlen);

#endif
