/*
 * test_mapbox.c - lib/mapbox: what may go into a URL, the request URL, the
 * reading of an answer (a PNG of real Sentinel-2 pixels, cut from the fixture TCI
 * and encoded here), the refusal messages as the API words them, and the still's
 * geotransform against PROJ's EPSG:3857.
 */
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "http.h"
#include "imgdecode.h"
#include "mapbox.h"
#include "pngenc.h"
#include "tifread.h"
#include "unit.h"

#define TOKEN "pk.test-S3CRET-tok3n_value"
#define TCI "sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif"

static int
url_is(const char *base, const struct mapbox_view *v, double lon, double lat,
    const char *want)
{
	char url[1024];

	if (mapbox_url(base, v, lon, lat, url, sizeof url) == -1)
		return 0;
	if (strcmp(url, want) != 0)
		printf("# got %s\n", url);
	return strcmp(url, want) == 0;
}

static void
error_is(long status, const char *body, const char *want, const char *what)
{
	struct http_req rq;
	char out[512];

	memset(&rq, 0, sizeof rq);
	rq.status = status;
	rq.data = (char *)body;
	rq.len = body ? strlen(body) : 0;
	snprintf(rq.error, sizeof rq.error, "https://api.mapbox.com/styles/v1/x/y/static/"
	    "1,2,12,0,0/32x32@2x?...: HTTP %ld", status);
	mapbox_error(&rq, TOKEN, out, sizeof out);
	CHECK(strcmp(out, want) == 0, "%s: %s", what, out);
}

/* A 64 x 64 window of the fixture's true-colour image, band-sequential. */
static unsigned char *
tci_window(void)
{
	struct tifread tr;
	char err[256];
	unsigned char *px = malloc(3 * 64 * 64);

	if (px == NULL || tifread_open(&tr, unit_fixture(TCI), err, sizeof err) != 0) {
		printf("# %s\n", err);
		free(px);
		return NULL;
	}
	if (tr.spp != 3 || tifread_window(&tr, 300, 200, 64, 64, 0, px, err, sizeof err) != 0) {
		printf("# %s\n", err);
		free(px);
		px = NULL;
	}
	tifread_close(&tr);
	return px;
}

static void
answers(void)
{
	struct mapbox_view v = { "mapbox/satellite-v9", 12, 0, 0, 32, 2 };
	const char *url = "https://api.mapbox.com/styles/v1/mapbox/satellite-v9/static/"
	    "1,2,12,0,0/32x32@2x";
	unsigned char *planes = tci_window(), rgb[3 * 64 * 64], *png = NULL;
	struct pngenc_image pi = { 64, 64, PNGENC_RGB, 8, rgb, NULL, 0 };
	struct img im;
	char why[1024], err[256];
	size_t len = 0;

	CHECK(planes != NULL, "a 64 x 64 window of the fixture TCI");
	if (planes == NULL)
		return;
	pngenc_interleave3(planes, 64 * 64, rgb);
	CHECK(pngenc_encode(&pi, &png, &len, err, sizeof err) == 0, "encoded as PNG");
	CHECK(mapbox_decode(&v, url, (const char *)png, len, &im, why, sizeof why) == 0 &&
	    im.width == 64 && im.format == IMG_PNG && memcmp(im.rgb, planes, 3 * 64 * 64) == 0,
	    "size 32 @2x: 64 x 64 pixels, the same bytes, band-sequential");
	img_free(&im);
	v.size = 64;
	CHECK(mapbox_decode(&v, url, (const char *)png, len, &im, why, sizeof why) == -1 &&
	    strcmp(why, "https://api.mapbox.com/styles/v1/mapbox/satellite-v9/static/1,2,12,0,0/"
	    "32x32@2x: the png is 64x64 pixels, expected 128x128") == 0,
	    "a still of another size is refused");
	v.size = 32;
	CHECK(mapbox_decode(&v, url, (const char *)png, len / 2, &im, why, sizeof why) == -1 &&
	    strstr(why, "32x32@2x: ") != NULL, "a truncated PNG: %s", why);
	CHECK(mapbox_decode(&v, url, "<html>", 6, &im, why, sizeof why) == -1 &&
	    strstr(why, "@2x: not a PNG or JPEG image") != NULL, "an HTML page: %s", why);
	free(png);
	free(planes);
}

int
main(void)
{
	struct mapbox_view v = { "mapbox/satellite-v9", 12, 0, 0, 1280, 2 };
	const char *base = MAPBOX_DEFAULT_URL;
	char url[1024], why[256], *full;
	struct geo_xform *x;
	double gt[6], cx, cy, px, py;
	json_t *d;

	CHECK(mapbox_token_ok(TOKEN) && !mapbox_token_ok("") && !mapbox_token_ok("a b") &&
	    !mapbox_token_ok("a&b") && !mapbox_token_ok("a/b") && !mapbox_token_ok("\xc3\xa9"),
	    "a token: letters, digits, '.', '_', '-' only");
	CHECK(mapbox_style_ok("mapbox/satellite-v9") && mapbox_style_ok("a.b/c_d-1") &&
	    !mapbox_style_ok("x") && !mapbox_style_ok("/x") && !mapbox_style_ok("x/") &&
	    !mapbox_style_ok("x/y/z") && !mapbox_style_ok("a b/c") && !mapbox_style_ok("a/b?c"),
	    "a style: two such parts around one '/'");

	CHECK(mapbox_point_ok(14.345106, 46.028223, why, sizeof why) == 0 &&
	    mapbox_point_ok(-180, -85.0511, why, sizeof why) == 0, "points on the map");
	CHECK(mapbox_point_ok(1, 85.06, why, sizeof why) == -1 && strcmp(why, "lat 85.06 is "
	    "beyond the Web Mercator limit of +-85.0511 that Mapbox Static Images accepts") == 0,
	    "beyond Web Mercator: %s", why);
	CHECK(mapbox_point_ok(181, 1, why, sizeof why) == -1 &&
	    strcmp(why, "lon 181 is outside -180..180") == 0, "%s", why);

	/* The dataset card's example place, with the original builder's defaults. */
	CHECK(url_is(base, &v, 14.345106, 46.028223, "https://api.mapbox.com/styles/v1/"
	    "mapbox/satellite-v9/static/14.345106,46.028223,12,0,0/1280x1280@2x"),
	    "the default request");
	v.zoom = 13.4;
	v.bearing = 45.5;
	v.pitch = 60;
	v.scale = 1;
	v.size = 512;
	CHECK(url_is("http://127.0.0.1:8080", &v, 1.5, -10.123456789, "http://127.0.0.1:8080/"
	    "styles/v1/mapbox/satellite-v9/static/1.5,-10.123457,13.4,45.5,60/512x512"),
	    "trailing zeros dropped, six decimals, 1x without @2x");
	v.zoom = 0;
	CHECK(url_is(base, &v, -0.0000001, 0, "https://api.mapbox.com/styles/v1/mapbox/"
	    "satellite-v9/static/0,0,0,45.5,60/512x512"), "-0 is written 0");
	CHECK(mapbox_url(base, &v, 1, 2, url, 40) == -1, "a URL that does not fit: -1");
	full = mapbox_token_url("https://h/x", TOKEN);
	CHECK(full != NULL && strcmp(full, "https://h/x?access_token=" TOKEN) == 0,
	    "the token goes in the query");
	free(full);

	answers();

	error_is(401, "{\"message\":\"Not Authorized - Invalid Token\"}",
	    "https://api.mapbox.com/styles/v1/x/y/static/1,2,12,0,0/32x32@2x?...: HTTP 401: "
	    "Not Authorized - Invalid Token", "the API's message");
	error_is(401, "{\"message\":\"Invalid Token " TOKEN "\"}",
	    "https://api.mapbox.com/styles/v1/x/y/static/1,2,12,0,0/32x32@2x?...: HTTP 401: "
	    "the access token was refused", "a message that repeats the token is not shown");
	error_is(403, "<html>Forbidden</html>", "https://api.mapbox.com/styles/v1/x/y/static/"
	    "1,2,12,0,0/32x32@2x?...: HTTP 403: the access token was refused", "403 without JSON");
	error_is(404, NULL, "https://api.mapbox.com/styles/v1/x/y/static/1,2,12,0,0/32x32@2x?...:"
	    " HTTP 404", "no body: http's message alone");

	/* The still's grid: its centre is where PROJ puts the point in EPSG:3857. */
	v.zoom = 12;
	v.scale = 2;
	v.bearing = v.pitch = 0;
	CHECK(mapbox_transform(&v, 14.345106, 46.028223, 2560, 2560, gt) == 0,
	    "a north-up still has a grid");
	CHECK_NEAR(gt[0], 40075016.685578488 / (512.0 * 4096 * 2), 1e-9,
	    "pixel size: the equator over 512 * 2^zoom * scale pixels (%.9f m)", gt[0]);
	CHECK(gt[1] == 0 && gt[3] == 0 && gt[4] == -gt[0], "north-up, square pixels");
	geo_apply(gt, 1280, 1280, &cx, &cy);
	px = 14.345106;
	py = 46.028223;
	x = geo_xform_new("EPSG:4326", "EPSG:3857", why, sizeof why);
	CHECK(x != NULL && geo_xform_points(x, &px, &py, 1, why, sizeof why) == 0,
	    "PROJ: EPSG:4326 to %s", MAPBOX_CRS);
	CHECK_NEAR(cx, px, 1e-6, "centre x %.6f, PROJ %.6f", cx, px);
	CHECK_NEAR(cy, py, 1e-6, "centre y %.6f, PROJ %.6f", cy, py);
	geo_xform_free(x);
	v.bearing = 10;
	CHECK(mapbox_transform(&v, 1, 2, 64, 64, gt) == -1, "rotated: no grid");
	v.bearing = 0;
	v.pitch = 5;
	CHECK(mapbox_transform(&v, 1, 2, 64, 64, gt) == -1, "tilted: no grid");

	d = mapbox_describe(&v, "jpeg", "https://h/x");
	CHECK(d != NULL && json_object_size(d) == 10 &&
	    strcmp(json_string_value(json_object_get(d, "format")), "jpeg") == 0 &&
	    json_real_value(json_object_get(d, "pitch")) == 5 &&
	    strstr(json_string_value(json_object_get(d, "attribution")), "OpenStreetMap"),
	    "the still described, attribution included");
	json_decref(d);
	UNIT_DONE();
}
