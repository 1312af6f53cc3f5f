/*
 * ee.c - Earth Engine REST requests and answers (see ee.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cog.h"
#include "ee.h"
#include "errbuf.h"
#include "http.h"

int
ee_init(struct ee *ee, const char *root)
{
	size_t len = strlen(root);

	memset(ee, 0, sizeof *ee);
	while (len > 0 && root[len - 1] == '/')
		len--;
	if (!http_is_remote(root) || len >= sizeof ee->root)
		return -1;
	memcpy(ee->root, root, len);
	return 0;
}

int
ee_set_token(struct ee *ee, const char *text)
{
	const char *blank = " \t\n\r";
	size_t skip = strspn(text, blank), len = strcspn(text + skip, blank);

	if (len == 0)
		return -1;
	if (ee->auth != NULL) {
		explicit_bzero(ee->auth, strlen(ee->auth));
		free(ee->auth);
	}
	ee->headers[0] = NULL;
	if (asprintf(&ee->auth, "Authorization: Bearer %.*s", (int)len, text + skip) < 0) {
		ee->auth = NULL;
		return -2;
	}
	ee->headers[0] = ee->auth;
	return 0;
}

int
ee_token_load(struct ee *ee, const char *path, char *err, size_t errlen)
{
	char buf[8192];
	const char *env = getenv("EE_ACCESS_TOKEN");
	FILE *fp;
	int rc;

	if (path == NULL) {
		if (env == NULL || *env == '\0')
			return 1;
		snprintf(buf, sizeof buf, "%s", env);
	} else {
		if ((fp = fopen(path, "r")) == NULL)
			return errf(err, errlen, "%s: %s", path, strerror(errno));
		buf[fread(buf, 1, sizeof buf - 1, fp)] = '\0';
		fclose(fp);
	}
	rc = ee_set_token(ee, buf);
	explicit_bzero(buf, sizeof buf);
	if (rc == -1)
		return errf(err, errlen, "%s is empty", path ? path : "token");
	return rc == 0 ? 0 : errf(err, errlen, "out of memory");
}

void
ee_clear(struct ee *ee)
{
	if (ee->auth != NULL) {
		explicit_bzero(ee->auth, strlen(ee->auth));
		free(ee->auth);
	}
	memset(ee, 0, sizeof *ee);
}

int
ee_asset_url(const struct ee *ee, const char *asset, const char *method, char *out,
    size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s%s:%s", ee->root, strncmp(asset, "projects/",
	    9) == 0 ? "" : "projects/earthengine-public/assets/", asset, method);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int
ee_pixels_fit(const struct grid *g, char *err, size_t errlen)
{
	/* Two bytes a pixel: a uint16 band, as the driver reckons. */
	if (g->width > EE_MAX_SIDE || g->height > EE_MAX_SIDE ||
	    (size_t)g->width * (size_t)g->height * 2 > EE_MAX_BYTES)
		return errf(err, errlen, "%dx%d pixels is more than one Earth Engine "
		    "getPixels request may ask for (%d per side, %zu MB)", g->width,
		    g->height, EE_MAX_SIDE, EE_MAX_BYTES >> 20);
	return 0;
}

json_t *
ee_pixel_grid(const struct grid *g)
{
	return json_pack("{s:{s:i, s:i}, s:{s:f, s:f, s:f, s:f, s:f, s:f}, s:s}",
	    "dimensions", "width", g->width, "height", g->height,
	    "affineTransform", "scaleX", g->t[0], "shearX", g->t[1], "translateX", g->t[2],
	    "shearY", g->t[3], "scaleY", g->t[4], "translateY", g->t[5],
	    "crsCode", g->crs);
}

char *
ee_get_pixels_body(const struct grid *g, const char *band)
{
	json_t *req = json_pack("{s:s, s:o}", "fileFormat", "GEO_TIFF", "grid",
	    ee_pixel_grid(g));
	char *body;

	if (req == NULL)
		return NULL;
	if (band != NULL)
		json_object_set_new(req, "bandIds", json_pack("[s]", band));
	body = json_dumps(req, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(req);
	return body;
}

void
ee_post(const struct ee *ee, struct http_req *rq, const char *url, const char *body)
{
	rq->url = url;
	rq->method = "POST";
	rq->body = body;
	rq->content_type = "application/json";
	rq->headers = ee->headers;
	/* A GeoTIFF of EE_MAX_BYTES, uncompressed, with room for its header. */
	rq->max_bytes = EE_MAX_BYTES * 2 + (1 << 20);
}

int
ee_error_message(const char *body, size_t len, char *out, size_t outlen)
{
	json_t *j = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"),
	    "message"));

	snprintf(out, outlen, "%.300s", m ? m : "");
	json_decref(j);
	return m ? 0 : -1;
}

int
ee_pixels_read(const void *buf, size_t len, const struct grid *g, int band,
    struct ee_pixels *px, char *err, size_t errlen)
{
	struct cog_win w = { 0 };
	struct cog *c;
	int k, rc = -1;

	memset(px, 0, sizeof *px);
	if ((c = cog_parse_mem(buf, len, "getPixels", err, errlen)) == NULL) {
		char why[600];

		snprintf(why, sizeof why, "%s", err);
		return errf(err, errlen, "the response is no readable GeoTIFF: %s", why);
	}
	if ((int)c->level[0].width != g->width || (int)c->level[0].height != g->height) {
		errf(err, errlen, "asked for %dx%d pixels, got %ux%u", g->width, g->height,
		    c->level[0].width, c->level[0].height);
		goto out;
	}
	if (c->has_georef)
		for (k = 0; k < 6; k++)
			if (fabs(c->level[0].t[k] - g->t[k]) > 1e-6 * (fabs(g->t[k]) + 1)) {
				errf(err, errlen, "the response is not on the record's grid");
				goto out;
			}
	if (c->dtype == DT_FLOAT32 || (int)c->spp < band) {
		errf(err, errlen, "the response has %u %s band%s; need integer class codes "
		    "in band %d", c->spp, dtype_name(c->dtype), c->spp == 1 ? "" : "s", band);
		goto out;
	}
	w.cog = c;
	w.width = g->width;
	w.height = g->height;
	if (cog_read_mem(buf, len, &w) != 0 || !w.ok) {
		errf(err, errlen, "cannot decode the response: %s", w.error);
		goto out;
	}
	px->width = g->width;
	px->height = g->height;
	px->dtype = c->dtype;
	px->nodata = c->has_nodata ? c->nodata : 0;
	px->data = w.data;
	w.data = NULL;
	px->band = (const unsigned char *)px->data + (size_t)g->width * (size_t)g->height *
	    dtype_size(c->dtype) * (size_t)(band - 1);
	rc = 0;
out:
	w.cog = NULL;
	cog_win_clear(&w);
	cog_unref(c);
	return rc;
}

void
ee_pixels_clear(struct ee_pixels *px)
{
	free(px->data);
	memset(px, 0, sizeof *px);
}
