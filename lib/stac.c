/*
 * stac.c - STAC item helpers for stac-query: times, footprint coverage, the
 * choice rule, and the "scene" object with the BOA offset decision of
 * specs/external-services.md section 1.5.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stac.h"
#include "url.h"

/* ---- times ---- */

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parse; *dateonly tells a bare date apart (callers may want the end of the day). */
static int
time_parse(const char *s, double *t, int *dateonly)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om;
	double frac = 0, off = 0;
	const char *p;

	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	p = s + 10;
	*dateonly = *p == '\0';
	if (!*dateonly) {
		if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &h) ||
		    p[3] != ':' || digits(p + 4, 2, &mi) || p[6] != ':' ||
		    digits(p + 7, 2, &se))
			return -1;
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		p += 9;
		if (*p == '.') {
			double scale = 0.1;

			if (!isdigit((unsigned char)p[1]))
				return -1;
			for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
				frac += (*p - '0') * scale;
		}
		if (*p == 'Z' || *p == 'z')
			p++;
		else if (*p == '+' || *p == '-') {
			if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
				return -1;
			off = (oh * 3600.0 + om * 60.0) * (*p == '+' ? 1 : -1);
			p += 6;
		} else
			return -1;
		if (*p != '\0')
			return -1;
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*t = (double)timegm(&tm) + frac - off;
	return 0;
}

int
stac_time_parse(const char *s, double *t)
{
	int dateonly;

	return time_parse(s, t, &dateonly);
}

int
stac_interval_parse(const char *s, double *a, double *b)
{
	const char *slash = strchr(s, '/');
	char left[64];
	int dateonly;
	size_t n;

	if (slash == NULL) {
		if (time_parse(s, a, &dateonly))
			return -1;
		*b = dateonly ? *a + 86399.999 : *a;
		return 0;
	}
	if (strchr(slash + 1, '/') != NULL)
		return -1;
	n = (size_t)(slash - s);
	if (n >= sizeof left)
		return -1;
	memcpy(left, s, n);
	left[n] = '\0';
	if (n == 0 || strcmp(left, "..") == 0)
		*a = -INFINITY;
	else if (time_parse(left, a, &dateonly))
		return -1;
	if (slash[1] == '\0' || strcmp(slash + 1, "..") == 0)
		*b = INFINITY;
	else if (time_parse(slash + 1, b, &dateonly))
		return -1;
	else if (dateonly)
		*b += 86399.999;
	if (isinf(*a) && isinf(*b))
		return -1;	/* "../.." is no interval (STAC API rejects it) */
	return *a <= *b ? 0 : -1;
}

int
stac_item_time(const json_t *item, double *t0, double *t1)
{
	const json_t *pr = json_object_get(item, "properties");
	const char *dt = json_string_value(json_object_get(pr, "datetime"));
	const char *s = json_string_value(json_object_get(pr, "start_datetime"));
	const char *e = json_string_value(json_object_get(pr, "end_datetime"));

	if (dt != NULL && stac_time_parse(dt, t0) == 0) {
		*t1 = *t0;
		return 0;
	}
	if (s != NULL && e != NULL && stac_time_parse(s, t0) == 0 &&
	    stac_time_parse(e, t1) == 0)
		return 0;
	return -1;
}

/* ---- geometry ---- */

static int
coord(const json_t *pt, double *x, double *y)
{
	if (!json_is_array(pt) || json_array_size(pt) < 2 ||
	    !json_is_number(json_array_get(pt, 0)) || !json_is_number(json_array_get(pt, 1)))
		return -1;
	*x = json_number_value(json_array_get(pt, 0));
	*y = json_number_value(json_array_get(pt, 1));
	return 0;
}

/* Ray casting; points on the boundary may go either way (callers test edges too). */
static int
in_ring(const json_t *ring, double px, double py)
{
	size_t n = json_array_size(ring);
	int in = 0;
	double xi, yi, xj, yj;

	if (n < 3 || coord(json_array_get(ring, n - 1), &xj, &yj))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (coord(json_array_get(ring, i), &xi, &yi))
			return 0;
		if ((yi > py) != (yj > py) &&
		    px < (xj - xi) * (py - yi) / (yj - yi) + xi)
			in = !in;
		xj = xi;
		yj = yi;
	}
	return in;
}

static int
in_polygon(const json_t *rings, double px, double py)
{
	if (!in_ring(json_array_get(rings, 0), px, py))
		return 0;
	for (size_t i = 1; i < json_array_size(rings); i++)
		if (in_ring(json_array_get(rings, i), px, py))
			return 0;
	return 1;
}

static double
orient(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Segments p1p2 and q1q2 share a point (touching counts). */
static int
seg_meet(double x1, double y1, double x2, double y2, double x3, double y3, double x4,
    double y4)
{
	double d1 = orient(x3, y3, x4, y4, x1, y1), d2 = orient(x3, y3, x4, y4, x2, y2);
	double d3 = orient(x1, y1, x2, y2, x3, y3), d4 = orient(x1, y1, x2, y2, x4, y4);

	if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
	    ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
		return 1;
	/* Collinear or touching: inside the bounding boxes of both. */
#define ON(a, b, c, d, e, f, k) ((k) == 0 && fmin(a, c) <= (e) && (e) <= fmax(a, c) && \
	    fmin(b, d) <= (f) && (f) <= fmax(b, d))
	return ON(x3, y3, x4, y4, x1, y1, d1) || ON(x3, y3, x4, y4, x2, y2, d2) ||
	    ON(x1, y1, x2, y2, x3, y3, d3) || ON(x1, y1, x2, y2, x4, y4, d4);
#undef ON
}

/* Does any edge of ring meet the bbox outline; *inside: a vertex strictly inside it. */
static int
ring_meets_bbox(const json_t *ring, const double bb[4], int *inside)
{
	size_t n = json_array_size(ring);
	double cx[5] = { bb[0], bb[2], bb[2], bb[0], bb[0] };
	double cy[5] = { bb[1], bb[1], bb[3], bb[3], bb[1] };
	double x0, y0, x1, y1;

	*inside = 0;
	if (n < 2 || coord(json_array_get(ring, 0), &x0, &y0))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (coord(json_array_get(ring, i), &x1, &y1))
			return 0;
		if (x1 > bb[0] && x1 < bb[2] && y1 > bb[1] && y1 < bb[3])
			*inside = 1;
		if (i > 0)
			for (int k = 0; k < 4; k++)
				if (seg_meet(x0, y0, x1, y1, cx[k], cy[k], cx[k + 1], cy[k + 1]))
					return 1;
		x0 = x1;
		y0 = y1;
	}
	return 0;
}

/*
 * A polygon contains the bbox when the four corners are inside it and its
 * boundary (outer ring and holes) neither meets the bbox outline nor has a
 * vertex inside the bbox: then no boundary enters the bbox at all.
 */
static int
polygon_covers(const json_t *rings, const double bb[4])
{
	double cx[4] = { bb[0], bb[2], bb[2], bb[0] }, cy[4] = { bb[1], bb[1], bb[3], bb[3] };
	int inside;

	if (!json_is_array(rings) || json_array_size(rings) == 0)
		return 0;
	for (int k = 0; k < 4; k++)
		if (!in_polygon(rings, cx[k], cy[k]))
			return 0;
	for (size_t i = 0; i < json_array_size(rings); i++)
		if (ring_meets_bbox(json_array_get(rings, i), bb, &inside) || inside)
			return 0;
	return 1;
}

static int
polygon_intersects(const json_t *rings, const double bb[4])
{
	double cx[4] = { bb[0], bb[2], bb[2], bb[0] }, cy[4] = { bb[1], bb[1], bb[3], bb[3] };
	int inside;

	if (!json_is_array(rings) || json_array_size(rings) == 0)
		return 0;
	for (int k = 0; k < 4; k++)
		if (in_polygon(rings, cx[k], cy[k]))
			return 1;
	/* Polygon inside the bbox, or boundaries crossing. */
	if (ring_meets_bbox(json_array_get(rings, 0), bb, &inside) || inside)
		return 1;
	return 0;
}

static int
geom_test(const json_t *geom, const double bb[4], int (*f)(const json_t *, const double *))
{
	const char *type = json_string_value(json_object_get(geom, "type"));
	const json_t *c = json_object_get(geom, "coordinates");

	if (type == NULL || !json_is_array(c))
		return -1;
	if (strcmp(type, "Polygon") == 0)
		return f(c, bb);
	if (strcmp(type, "MultiPolygon") == 0) {
		for (size_t i = 0; i < json_array_size(c); i++)
			if (f(json_array_get(c, i), bb))
				return 1;
		return 0;
	}
	return -1;
}

int
stac_geom_covers_bbox(const json_t *geom, const double bb[4])
{
	return geom_test(geom, bb, polygon_covers);
}

int
stac_geom_intersects_bbox(const json_t *geom, const double bb[4])
{
	return geom_test(geom, bb, polygon_intersects);
}

json_t *
stac_bbox_polygon(const double bb[4])
{
	return json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon",
	    "coordinates", bb[0], bb[1], bb[2], bb[1], bb[2], bb[3], bb[0], bb[3],
	    bb[0], bb[1]);
}

/* The item's footprint: its geometry, else a polygon of its bbox. */
static json_t *
footprint(const json_t *item)
{
	json_t *g = json_object_get(item, "geometry"), *b = json_object_get(item, "bbox");
	double bb[4];

	if (json_is_object(g))
		return json_incref(g);
	if (json_is_array(b) && json_array_size(b) == 4) {
		for (int i = 0; i < 4; i++)
			bb[i] = json_number_value(json_array_get(b, i));
		return stac_bbox_polygon(bb);
	}
	return NULL;
}

int
stac_item_covers(const json_t *item, const double bb[4])
{
	json_t *g = footprint(item);
	int r = g ? stac_geom_covers_bbox(g, bb) : -1;

	json_decref(g);
	return r;
}

int
stac_item_intersects(const json_t *item, const double bb[4])
{
	json_t *g = footprint(item);
	int r = g ? stac_geom_intersects_bbox(g, bb) : -1;

	json_decref(g);
	return r;
}

/* ---- choice ---- */

int
stac_item_cloud(const json_t *item, double *cc)
{
	const json_t *v = json_object_get(json_object_get(item, "properties"), "eo:cloud_cover");

	if (!json_is_number(v))
		return -1;
	*cc = json_number_value(v);
	return 0;
}

int
stac_better(const json_t *a, const json_t *b, enum stac_pick pick)
{
	double ca, cb, ta, tb, t1;
	const char *ia, *ib;

	if (b == NULL)
		return 1;
	if (stac_item_cloud(a, &ca))
		ca = INFINITY;
	if (stac_item_cloud(b, &cb))
		cb = INFINITY;
	if (stac_item_time(a, &ta, &t1))
		ta = -INFINITY;
	if (stac_item_time(b, &tb, &t1))
		tb = -INFINITY;
	if (pick == STAC_PICK_CLEAREST) {
		if (ca != cb)
			return ca < cb;
		if (ta != tb)
			return ta > tb;
	} else {
		if (ta != tb)
			return ta > tb;
		if (ca != cb)
			return ca < cb;
	}
	ia = json_string_value(json_object_get(a, "id"));
	ib = json_string_value(json_object_get(b, "id"));
	return strcmp(ia ? ia : "", ib ? ib : "") < 0;
}

/* ---- scene ---- */

/* Earth Search common names and the Planetary Computer keys for them. */
static const struct {
	const char *name, *pc;
	int res;		/* metres, for defaults */
	const char *kind;	/* refl, scl, visual, aux */
} s2_assets[] = {
	{ "coastal", "B01", 60, "refl" }, { "blue", "B02", 10, "refl" },
	{ "green", "B03", 10, "refl" }, { "red", "B04", 10, "refl" },
	{ "rededge1", "B05", 20, "refl" }, { "rededge2", "B06", 20, "refl" },
	{ "rededge3", "B07", 20, "refl" }, { "nir", "B08", 10, "refl" },
	{ "nir08", "B8A", 20, "refl" }, { "nir09", "B09", 60, "refl" },
	{ "swir16", "B11", 20, "refl" }, { "swir22", "B12", 20, "refl" },
	{ "scl", "SCL", 20, "scl" }, { "visual", "visual", 10, "visual" },
	{ "aot", "AOT", 10, "aux" }, { "wvp", "WVP", 10, "aux" },
};
#define NS2 (sizeof s2_assets / sizeof s2_assets[0])

static int
s2_index(const char *name)
{
	for (size_t i = 0; i < NS2; i++)
		if (strcmp(s2_assets[i].name, name) == 0 || strcmp(s2_assets[i].pc, name) == 0)
			return (int)i;
	return -1;
}

const char *
stac_asset_key(const json_t *item, const char *name)
{
	const json_t *assets = json_object_get(item, "assets");
	int i;

	if (json_is_object(json_object_get(assets, name)))
		return name;
	if ((i = s2_index(name)) < 0)
		return NULL;
	if (json_is_object(json_object_get(assets, s2_assets[i].pc)))
		return s2_assets[i].pc;
	if (json_is_object(json_object_get(assets, s2_assets[i].name)))
		return s2_assets[i].name;
	return NULL;
}

static const char *
prop_str(const json_t *pr, const char *k)
{
	return json_string_value(json_object_get(pr, k));
}

/* "05.09" -> 5.09; NAN when absent. */
static double
baseline_of(const json_t *pr)
{
	const char *s = prop_str(pr, "s2:processing_baseline");
	char *e;
	double v;

	if (s == NULL)
		return NAN;
	v = strtod(s, &e);
	return e == s ? NAN : v;
}

/* The item's own BOA flag: 1, 0, or -1 when absent. */
static int
boa_flag(const json_t *pr)
{
	const json_t *f = json_object_get(pr, "earthsearch:boa_offset_applied");

	if (!json_is_boolean(f))
		f = json_object_get(pr, "sentinel:boa_offset_applied");
	return json_is_boolean(f) ? json_is_true(f) : -1;
}

/*
 * External-services 1.5 as code.  applied: 1 the -1000 DN shift is not in the
 * pixels (removed by Earth Search, or never added before baseline 04.00), 0 it
 * is (the reader must add reflectance_offset after scaling), -1 unknown.
 */
static void
boa_decide(const json_t *item, int raw_dn, double declared, int *applied, double *offset,
    const char **rule)
{
	const json_t *pr = json_object_get(item, "properties");
	const char *coll = json_string_value(json_object_get(item, "collection"));
	double bl = baseline_of(pr);
	int flag = boa_flag(pr);

	if (coll != NULL && strstr(coll, "c1-l2a") != NULL) {
		*applied = 0, *offset = isnan(declared) ? -0.1 : declared;
		*rule = "collection 1 (c1): raw ESA DN, apply the declared offset";
	} else if (!isnan(bl) && bl < 4.0) {
		*applied = 1, *offset = 0;
		*rule = "processing baseline < 04.00: no BOA offset in the product";
	} else if (raw_dn) {
		if (isnan(bl)) {
			*applied = -1, *offset = 0;
			*rule = "raw ESA DN without a processing baseline: unknown";
		} else {
			*applied = 0, *offset = -0.1;
			*rule = "raw ESA DN (no raster:bands), baseline >= 04.00: "
			    "subtract 1000 DN";
		}
	} else if (isnan(bl) && flag < 0) {
		*applied = -1, *offset = isnan(declared) ? 0 : declared;
		*rule = "no processing baseline and no flag: the declared offset";
	} else if (flag == 1) {
		*applied = 1, *offset = 0;
		*rule = "earthsearch:boa_offset_applied true: offset already removed";
	} else {
		*applied = -1, *offset = isnan(declared) ? -0.1 : declared;
		*rule = flag == 0 ?
		    "ambiguous: baseline >= 04.00 and boa_offset_applied false "
		    "(the flag is wrong on some items); declared offset given" :
		    "ambiguous: baseline >= 04.00 without boa_offset_applied; "
		    "declared offset given";
	}
}

/* Whole numbers stay integers in the output (nodata 0, not 0.0). */
static json_t *
num(double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static void
set_num(json_t *o, const char *k, const json_t *v, double dflt)
{
	if (json_is_number(v))
		json_object_set_new(o, k, num(json_number_value(v)));
	else if (!isnan(dflt))
		json_object_set_new(o, k, num(dflt));
	else
		json_object_set_new(o, k, json_null());
}

/* Resolve an href against the item's absolute self link, else the URL it came from. */
static char *
resolve_href(const json_t *item, const char *item_url, const char *href)
{
	const json_t *links = json_object_get(item, "links");
	const char *base = NULL;
	size_t i;
	json_t *l;

	if (url_has_scheme(href) || href[0] == '/')
		return strdup(href);
	json_array_foreach(links, i, l) {
		const char *rel = json_string_value(json_object_get(l, "rel"));
		const char *h = json_string_value(json_object_get(l, "href"));

		if (rel && h && strcmp(rel, "self") == 0 && url_has_scheme(h) &&
		    strncmp(h, "s3:", 3) != 0)
			base = h;
	}
	if (base == NULL)
		base = item_url;
	return base ? url_resolve(base, href) : strdup(href);
}

static json_t *
asset_out(const json_t *item, const char *item_url, const char *name, const char *key,
    int *raw_dn, double *declared)
{
	const json_t *a = json_object_get(json_object_get(item, "assets"), key);
	const json_t *rbs = json_object_get(a, "raster:bands"), *rb = json_array_get(rbs, 0);
	const json_t *tr = json_object_get(a, "proj:transform");
	const char *href = json_string_value(json_object_get(a, "href"));
	int i = s2_index(name);
	json_t *o = json_object();
	char *h;
	double res = NAN;

	json_object_set_new(o, "key", json_string(key));
	h = href ? resolve_href(item, item_url, href) : NULL;
	json_object_set_new(o, "href", h ? json_string(h) : json_null());
	free(h);
	if (json_is_number(json_object_get(rb, "spatial_resolution")))
		res = json_number_value(json_object_get(rb, "spatial_resolution"));
	else if (json_is_number(json_object_get(a, "gsd")))
		res = json_number_value(json_object_get(a, "gsd"));
	else if (json_is_array(tr) && json_is_number(json_array_get(tr, 0)))
		res = fabs(json_number_value(json_array_get(tr, 0)));
	else if (i >= 0)
		res = s2_assets[i].res;
	if (json_is_object(rb)) {
		/* STAC raster: scale 1 and offset 0 when not given. */
		set_num(o, "scale", json_object_get(rb, "scale"), 1);
		set_num(o, "offset", json_object_get(rb, "offset"), 0);
		set_num(o, "nodata", json_object_get(rb, "nodata"), NAN);
		set_num(o, "resolution", NULL, res);
		json_object_set_new(o, "data_type",
		    json_is_string(json_object_get(rb, "data_type")) ?
		    json_incref(json_object_get(rb, "data_type")) : json_null());
		json_object_set_new(o, "bands", json_integer((json_int_t)json_array_size(rbs)));
		if (i >= 0 && strcmp(s2_assets[i].kind, "refl") == 0 &&
		    json_is_number(json_object_get(rb, "offset")) && isnan(*declared))
			*declared = json_number_value(json_object_get(rb, "offset"));
	} else if (i >= 0) {
		/* Planetary Computer: no raster:bands; the known Sentinel-2 encoding. */
		const char *kind = s2_assets[i].kind;
		int refl = strcmp(kind, "refl") == 0, aux = strcmp(kind, "aux") == 0;

		if (refl)
			*raw_dn = 1;
		set_num(o, "scale", NULL, refl ? 1e-4 : aux ? 1e-3 : 1);
		/* The per-asset offset is settled with the scene's BOA rule below. */
		set_num(o, "offset", NULL, 0);
		set_num(o, "nodata", NULL, 0);
		set_num(o, "resolution", NULL, res);
		json_object_set_new(o, "data_type",
		    json_string(refl || aux ? "uint16" : "uint8"));
		json_object_set_new(o, "bands", json_integer(strcmp(kind, "visual") == 0 ? 3 : 1));
		json_object_set_new(o, "defaults", json_true());
	} else {
		set_num(o, "scale", NULL, NAN);
		set_num(o, "offset", NULL, NAN);
		set_num(o, "nodata", NULL, NAN);
		set_num(o, "resolution", NULL, res);
		json_object_set_new(o, "data_type", json_null());
	}
	if (json_is_array(json_object_get(a, "proj:shape")))
		json_object_set(o, "shape", json_object_get(a, "proj:shape"));
	if (json_is_array(tr))
		json_object_set(o, "transform", (json_t *)tr);
	return o;
}

json_t *
stac_scene(const json_t *item, const char *item_url, const char *const *names,
    size_t nnames, char *err, size_t errlen)
{
	const json_t *pr = json_object_get(item, "properties");
	const json_t *epsg = json_object_get(pr, "proj:epsg");
	const char *gc = prop_str(pr, "grid:code"), *code = prop_str(pr, "proj:code");
	json_t *s = json_object(), *assets = json_object(), *v;
	const char *key, *rule;
	char buf[64];
	int raw_dn = 0, applied;
	double declared = NAN, offset, cc;

	json_object_set(s, "id", json_object_get(item, "id"));
	v = json_object_get(item, "collection");
	json_object_set_new(s, "collection", json_is_string(v) ? json_incref(v) : json_null());
	v = json_object_get(pr, "datetime");
	if (!json_is_string(v))
		v = json_object_get(pr, "start_datetime");
	json_object_set_new(s, "datetime", json_is_string(v) ? json_incref(v) : json_null());
	json_object_set_new(s, "cloud_cover",
	    stac_item_cloud(item, &cc) == 0 ? json_real(cc) : json_null());
	v = json_object_get(pr, "platform");
	json_object_set_new(s, "platform", json_is_string(v) ? json_incref(v) : json_null());

	if (json_is_integer(epsg)) {
		snprintf(buf, sizeof buf, "EPSG:%lld", (long long)json_integer_value(epsg));
		json_object_set_new(s, "crs", json_string(buf));
	} else if (code != NULL)
		json_object_set_new(s, "crs", json_string(code));
	else
		json_object_set_new(s, "crs", json_null());

	if (gc != NULL && strncmp(gc, "MGRS-", 5) == 0)
		json_object_set_new(s, "mgrs", json_string(gc + 5));
	else if (prop_str(pr, "s2:mgrs_tile") != NULL)
		json_object_set_new(s, "mgrs", json_string(prop_str(pr, "s2:mgrs_tile")));
	else if (json_is_integer(json_object_get(pr, "mgrs:utm_zone")) &&
	    prop_str(pr, "mgrs:latitude_band") && prop_str(pr, "mgrs:grid_square")) {
		snprintf(buf, sizeof buf, "%02lld%s%s",
		    (long long)json_integer_value(json_object_get(pr, "mgrs:utm_zone")),
		    prop_str(pr, "mgrs:latitude_band"), prop_str(pr, "mgrs:grid_square"));
		json_object_set_new(s, "mgrs", json_string(buf));
	} else
		json_object_set_new(s, "mgrs", json_null());
	v = json_object_get(pr, "s2:processing_baseline");
	json_object_set_new(s, "processing_baseline",
	    json_is_string(v) ? json_incref(v) : json_null());

	for (size_t i = 0; i < nnames; i++) {
		if ((key = stac_asset_key(item, names[i])) == NULL ||
		    json_object_get(assets, names[i]) != NULL)
			continue;
		json_object_set_new(assets, names[i],
		    asset_out(item, item_url, names[i], key, &raw_dn, &declared));
	}
	if (json_object_size(assets) == 0) {
		snprintf(err, errlen, "item %s has none of the wanted assets",
		    json_string_value(json_object_get(item, "id")));
		json_decref(assets);
		json_decref(s);
		return NULL;
	}

	boa_decide(item, raw_dn, declared, &applied, &offset, &rule);
	json_object_set_new(s, "boa_offset_applied",
	    applied < 0 ? json_null() : json_boolean(applied));
	json_object_set_new(s, "reflectance_offset", num(offset));
	json_object_set_new(s, "boa_rule", json_string(rule));
	json_object_set_new(s, "boa_flag", boa_flag(pr) < 0 ? json_null() :
	    json_boolean(boa_flag(pr)));
	if (raw_dn) {
		/* Filled reflectance assets carry the offset the rule found. */
		const char *k;
		json_t *a;

		json_object_foreach(assets, k, a) {
			int i = s2_index(k);

			if (json_is_true(json_object_get(a, "defaults")) && i >= 0 &&
			    strcmp(s2_assets[i].kind, "refl") == 0)
				json_object_set_new(a, "offset", num(offset));
		}
	}
	json_object_set_new(s, "assets", assets);
	return s;
}
