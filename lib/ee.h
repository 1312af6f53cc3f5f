/*
 * ee.h - a client of the Earth Engine REST API (v1): it builds requests and
 * reads their answers; the caller sends them through lib/http.h, as many at
 * once as it likes, so batching stays with the caller.
 *
 * Calling sequence (getPixels of an image asset on a record's grid):
 *
 *	struct ee ee;
 *	char url[2048], *body, why[400];
 *	if (ee_init(&ee, "https://earthengine.googleapis.com/v1") != 0) ...not http(s)
 *	if (ee_token_load(&ee, "token.txt", err, sizeof err) != 0) ...none there
 *	ee_asset_url(&ee, "ESA/WorldCover/v200/2021", "getPixels", url, sizeof url);
 *	if (ee_pixels_fit(&grid, err, sizeof err) != 0) ...too large for one request
 *	body = ee_get_pixels_body(&grid, "Map");
 *	struct http_req rq = {0};
 *	ee_post(&ee, &rq, url, body);
 *	http_fetch(h, &rq, 1);
 *	if (!rq.ok) ee_error_message(rq.data, rq.len, why, sizeof why);
 *	else if (ee_pixels_read(rq.data, rq.len, &grid, 1, &px, err, sizeof err) == 0)
 *		use(px.band);	// px.width x px.height samples of px.dtype
 *	ee_pixels_clear(&px); http_req_clear(&rq); free(body);
 *	ee_clear(&ee);
 *
 * Pixels come back as a GeoTIFF on exactly the grid asked for (crsCode and
 * affine transform), resampled by the server (nearest); masked pixels come
 * back as 0.  The token is a secret: it travels only in the Authorization
 * header and nothing here prints it.
 */
#ifndef EE_H
#define EE_H

#include <stddef.h>
#include <jansson.h>
#include "raster.h"

struct http_req;

#define EE_DEFAULT_URL "https://earthengine.googleapis.com/v1"
/* One getPixels request: the safe envelope GDAL's EEDAI driver keeps. */
#define EE_MAX_SIDE 10000
#define EE_MAX_BYTES ((size_t)16 << 20)

struct ee {
	char root[2048];		/* API root, without a trailing '/' */
	char *auth;			/* "Authorization: Bearer TOKEN": never printed */
	const char *headers[2];		/* { auth, NULL }, for http_req.headers */
};

/* root must be an http(s) URL that fits; -1 if not. */
int ee_init(struct ee *ee, const char *root);
/* The token is the first word of text (a token file: newline and blanks
 * around it are dropped).  -1 when text holds none, -2 out of memory. */
int ee_set_token(struct ee *ee, const char *text);
/* The token from the file at path, or with path NULL from $EE_ACCESS_TOKEN.
 * 0 ok; 1 when path is NULL and the environment has none; -1 with err when
 * the file cannot be read or holds no token ("PATH: why", "PATH is empty";
 * "token is empty" for the environment's). */
int ee_token_load(struct ee *ee, const char *path, char *err, size_t errlen);
void ee_clear(struct ee *ee);		/* wipes the token */

/* "{root}/projects/earthengine-public/assets/{asset}:{method}": public assets
 * live in the earthengine-public project; an id that starts with "projects/"
 * names its own.  -1 if it does not fit. */
int ee_asset_url(const struct ee *ee, const char *asset, const char *method, char *out,
    size_t outlen);

/* 0 if one getPixels request may ask for grid g; -1 with err if not. */
int ee_pixels_fit(const struct grid *g, char *err, size_t errlen);
/* The PixelGrid of g: its size, affine transform and crsCode (a new reference,
 * NULL when out of memory). */
json_t *ee_pixel_grid(const struct grid *g);
/* The getPixels body: a GEO_TIFF of grid g, of one band (NULL: all of them).
 * malloc'd; NULL when out of memory. */
char *ee_get_pixels_body(const struct grid *g, const char *band);
/* Make rq a POST of body to url with the token, ready for http_fetch. */
void ee_post(const struct ee *ee, struct http_req *rq, const char *url, const char *body);

/* What a failed call's JSON answer says ("error"."message", at most 300
 * bytes); "" and -1 when it says nothing. */
int ee_error_message(const char *body, size_t len, char *out, size_t outlen);

/* An answer of pixels, read as class codes. */
struct ee_pixels {
	int width, height;
	enum dtype dtype;		/* uint8, uint16 or int16 */
	double nodata;			/* masked pixels: the file's nodata, else 0 */
	const void *band;		/* width x height samples of the band asked for */
	void *data;			/* all the decoded planes (band points into them) */
};
/* Decode band (1-based) of an answer to a request for grid g: -1 with err
 * when it is no readable GeoTIFF, not on g, or has no integer band there. */
int ee_pixels_read(const void *buf, size_t len, const struct grid *g, int band,
    struct ee_pixels *px, char *err, size_t errlen);
void ee_pixels_clear(struct ee_pixels *px);

#endif
