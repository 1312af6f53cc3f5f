/*
 * mapbox.h - the Mapbox Static Images API (specs/dataset-conventions.md 5): the
 * request for a still centred on a point, the reading of the answer, what a
 * refusal says, and where the still's pixels lie.
 *
 *	struct mapbox_view v = { "mapbox/satellite-v9", 12, 0, 0, 1280, 2 };
 *	if (mapbox_point_ok(lon, lat, why, sizeof why) == -1) reject(why);
 *	if (mapbox_url("https://api.mapbox.com", &v, lon, lat, url, sizeof url) == -1) ...
 *	rq.url = full = mapbox_token_url(url, token);	// only ever handed to curl
 *	http_fetch(h, &rq, 1);
 *	if (!rq.ok) mapbox_error(&rq, token, why, sizeof why);
 *	else if (mapbox_decode(&v, url, rq.data, rq.len, &im, why, sizeof why) == 0)
 *		use(im.rgb), mapbox_transform(&v, lon, lat, im.width, im.height, gt);
 *
 * The access token is a secret that the API takes only in the query string: it
 * stays out of url, which is what records and messages show, and mapbox_error
 * never repeats it.
 */
#ifndef MAPBOX_H
#define MAPBOX_H

#include <stddef.h>
#include <jansson.h>

struct http_req;
struct img;

#define MAPBOX_DEFAULT_URL	"https://api.mapbox.com"
#define MAPBOX_LAT_MAX		85.0511	/* Web Mercator's limit, which the API keeps */
#define MAPBOX_CRS		"EPSG:3857"

/* How a still is asked for. */
struct mapbox_view {
	const char *style;	/* "owner/style" */
	double zoom;		/* 0..22 */
	double bearing;		/* 0..360 */
	double pitch;		/* 0..60 */
	int size;		/* width and height in logical pixels, 1..1280 */
	int scale;		/* 1, or 2 for @2x pixels */
};

/* A token and a style go into the URL as they are, so they must need no escaping:
 * letters, digits, '.', '_', '-' (and one '/' between a style's two parts). */
int mapbox_token_ok(const char *token);
int mapbox_style_ok(const char *style);

/* 0 if the API can centre a still on the point, else -1 with why. */
int mapbox_point_ok(double lon, double lat, char *why, size_t whylen);
/* The request URL below base (no trailing '/'), without the token; -1 if it does
 * not fit in outlen. */
int mapbox_url(const char *base, const struct mapbox_view *v, double lon, double lat,
    char *out, size_t outlen);
/* url with the token: malloc'd, NULL when out of memory.  Wipe it after use. */
char *mapbox_token_url(const char *url, const char *token);

/* The body of a good answer into im (rgb, width, height, format: imgdecode.h),
 * which must be a PNG or JPEG of size * scale pixels square; -1 with why (naming
 * url) if not. */
int mapbox_decode(const struct mapbox_view *v, const char *url, const char *body,
    size_t len, struct img *im, char *why, size_t whylen);
/* Why a request failed: http's message (the URL without its query) and the API's
 * own {"message": ...} when it sent one that does not contain the token. */
void mapbox_error(const struct http_req *rq, const char *token, char *out, size_t outlen);

/* The geotransform of a w x h still centred on lon/lat, in MAPBOX_CRS; -1 for a
 * rotated or tilted view, which has none. */
int mapbox_transform(const struct mapbox_view *v, double lon, double lat, int w, int h,
    double gt[6]);
/* How the still was asked for, for a record: style, zoom, bearing, pitch, width,
 * height, scale, format ("png"...), url and the attribution the terms require. */
json_t *mapbox_describe(const struct mapbox_view *v, const char *format, const char *url);

#endif
