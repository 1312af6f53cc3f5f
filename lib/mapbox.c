/*
 * mapbox.c - Mapbox Static Images requests and answers (see mapbox.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "http.h"
#include "imgdecode.h"
#include "mapbox.h"
#include "safechars.h"

#define EARTH_R		6378137.0	/* Web Mercator sphere */
#define TILE_PX		512.0		/* Mapbox styles render 512-px tiles */

int
mapbox_token_ok(const char *token)
{
	return safechars_only(token);
}

int
mapbox_style_ok(const char *style)
{
	size_t owner = safechars_span(style);

	return owner > 0 && style[owner] == '/' && safechars_only(style + owner + 1);
}

int
mapbox_point_ok(double lon, double lat, char *why, size_t whylen)
{
	if (lat < -MAPBOX_LAT_MAX || lat > MAPBOX_LAT_MAX)
		return errf(why, whylen, "lat %.6g is beyond the Web Mercator limit of +-%.4f "
		    "that Mapbox Static Images accepts", lat, MAPBOX_LAT_MAX);
	if (lon < -180 || lon > 180)
		return errf(why, whylen, "lon %.6g is outside -180..180", lon);
	return 0;
}

int
mapbox_url(const char *base, const struct mapbox_view *v, double lon, double lat,
    char *out, size_t outlen)
{
	char num[5][40];
	int k, n;

	/* Six decimals is 0.1 m: finer than any still's pixel. */
	snprintf(num[0], sizeof num[0], "%.6f", lon);
	snprintf(num[1], sizeof num[1], "%.6f", lat);
	snprintf(num[2], sizeof num[2], "%.2f", v->zoom);
	snprintf(num[3], sizeof num[3], "%g", v->bearing);
	snprintf(num[4], sizeof num[4], "%g", v->pitch);
	for (k = 0; k < 3; k++) {	/* 13.400000 -> 13.4, 12.00 -> 12 */
		char *p = num[k] + strlen(num[k]) - 1;

		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
		if (strcmp(num[k], "-0") == 0)
			strcpy(num[k], "0");
	}
	n = snprintf(out, outlen, "%s/styles/v1/%s/static/%s,%s,%s,%s,%s/%dx%d%s", base,
	    v->style, num[0], num[1], num[2], num[3], num[4], v->size, v->size,
	    v->scale == 2 ? "@2x" : "");
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

char *
mapbox_token_url(const char *url, const char *token)
{
	size_t n = strlen(url) + strlen("?access_token=") + strlen(token) + 1;
	char *out = malloc(n);

	if (out != NULL)
		snprintf(out, n, "%s?access_token=%s", url, token);
	return out;
}

int
mapbox_decode(const struct mapbox_view *v, const char *url, const char *body, size_t len,
    struct img *im, char *why, size_t whylen)
{
	char err[256];
	int want = v->size * v->scale;

	if (img_decode(body, len, (uint64_t)8192 * 8192, im, err, sizeof err) == -1)
		return errf(why, whylen, "%.150s: %.100s", url, err);
	if (im->width != want || im->height != want) {
		errf(why, whylen, "%.150s: the %s is %dx%d pixels, expected %dx%d", url,
		    img_format_name(im->format), im->width, im->height, want, want);
		img_free(im);
		return -1;
	}
	return 0;
}

void
mapbox_error(const struct http_req *rq, const char *token, char *out, size_t outlen)
{
	json_t *j = NULL, *m;
	const char *msg = NULL;

	if (rq->data != NULL && rq->len > 0 && rq->len < 4096)
		j = json_loadb(rq->data, rq->len, 0, NULL);
	m = json_object_get(j, "message");
	if (json_is_string(m) && json_string_length(m) > 0 &&
	    strstr(json_string_value(m), token) == NULL)
		msg = json_string_value(m);
	if (msg != NULL)
		snprintf(out, outlen, "%.255s: %.100s", rq->error, msg);
	else if (rq->status == 401 || rq->status == 403)
		snprintf(out, outlen, "%.255s: the access token was refused", rq->error);
	else
		snprintf(out, outlen, "%s", rq->error);
	json_decref(j);
}

int
mapbox_transform(const struct mapbox_view *v, double lon, double lat, int w, int h,
    double gt[6])
{
	const double pi = 3.14159265358979323846;
	double x = EARTH_R * lon * pi / 180;
	double y = EARTH_R * log(tan(pi / 4 + lat * pi / 360));
	double px = 2 * pi * EARTH_R / (TILE_PX * pow(2, v->zoom) * v->scale);

	if (v->bearing != 0 || v->pitch != 0)
		return -1;
	gt[0] = px;
	gt[1] = 0;
	gt[2] = x - px * w / 2;
	gt[3] = 0;
	gt[4] = -px;
	gt[5] = y + px * h / 2;
	return 0;
}

json_t *
mapbox_describe(const struct mapbox_view *v, const char *format, const char *url)
{
	return json_pack("{s:s, s:f, s:f, s:f, s:i, s:i, s:i, s:s, s:s, s:s}",
	    "style", v->style, "zoom", v->zoom, "bearing", v->bearing, "pitch", v->pitch,
	    "width", v->size, "height", v->size, "scale", v->scale,
	    "format", format, "url", url,
	    "attribution", "\xc2\xa9 Mapbox \xc2\xa9 OpenStreetMap");
}
