/*
 * poicand.c - candidate points from rows of columns (see poicand.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "poicand.h"

enum poicand_coord
poicand_coord(const json_t *v, double *out)
{
	const char *s, *p;
	char *end;
	double d;

	if (v == NULL || json_is_null(v))
		return POICAND_MISSING;
	if (json_is_number(v)) {
		d = json_number_value(v);
		*out = d;
		return isfinite(d) ? POICAND_OK : POICAND_NONFINITE;
	}
	if (!json_is_string(v))
		return POICAND_NONNUM;
	s = json_string_value(v);
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return POICAND_MISSING;
	for (p = s; *p; p++)
		if (*p == 'x' || *p == 'X')
			return POICAND_NONNUM;
	d = strtod(s, &end);
	if (end == s)
		return POICAND_NONNUM;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return POICAND_NONNUM;
	*out = d;
	return isfinite(d) ? POICAND_OK : POICAND_NONFINITE;
}

/* The value of the first key the row has, as the original (a bad value in
 * the first column found is not rescued by a later one). */
static const json_t *
first_key(const json_t *row, const char *const *keys, int n, const char **used)
{
	int i;

	for (i = 0; i < n; i++) {
		const json_t *v = json_object_get(row, keys[i]);

		if (v != NULL) {
			*used = keys[i];
			return v;
		}
	}
	*used = NULL;
	return NULL;
}

/* An image cell of the dataset viewer ({src, height, width}): never kept. */
static int
is_image_value(const json_t *v)
{
	return json_is_object(v) && json_object_get(v, "src") != NULL;
}

static int
skipped_col(const struct poicand_set *s, const char *k)
{
	const json_t *c;
	size_t i;

	json_array_foreach(s->skip_cols, i, c)
		if (strcmp(json_string_value(c), k) == 0)
			return 1;
	return 0;
}

static int
add(struct poicand_set *s, long long row_idx, double lon, double lat, json_t *meta)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		struct poicand *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL) {
			json_decref(meta);
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].row_idx = row_idx;
	s->v[s->n].lon = lon;
	s->v[s->n].lat = lat;
	s->v[s->n].meta = meta;
	s->n++;
	return 0;
}

/* An object of columns; with have_point, lon/lat came from a GeoJSON geometry. */
static int
take(struct poicand_set *s, long long row_idx, const json_t *row, int have_point,
    double plon, double plat)
{
	const char *latk = NULL, *lonk = NULL, *k;
	enum poicand_coord a = POICAND_OK, b = POICAND_OK;
	double lat = plat, lon = plon;
	json_t *meta, *v;

	s->rows++;
	if (!have_point) {
		a = poicand_coord(first_key(row, s->lat_keys, s->nlat, &latk), &lat);
		b = poicand_coord(first_key(row, s->lon_keys, s->nlon, &lonk), &lon);
	}
	if (a == POICAND_MISSING || b == POICAND_MISSING) {
		s->missing++;
		return 0;
	}
	if (a == POICAND_NONNUM || b == POICAND_NONNUM) {
		s->nonnum++;
		return 0;
	}
	if (a == POICAND_NONFINITE || b == POICAND_NONFINITE) {
		s->nonfinite++;
		return 0;
	}
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
		s->range++;
		return 0;
	}
	if ((meta = json_object()) == NULL)
		return -1;
	/* jansson's iteration is read-only here; it only lacks a const variant. */
	json_object_foreach((json_t *)row, k, v) {
		if ((latk && strcmp(k, latk) == 0) || (lonk && strcmp(k, lonk) == 0))
			continue;
		if (is_image_value(v) || skipped_col(s, k))
			continue;
		json_object_set(meta, k, v);
	}
	return add(s, row_idx, lon, lat, meta);
}

int
poicand_row(struct poicand_set *s, long long row_idx, const json_t *row)
{
	if (!json_is_object(row)) {
		s->rows++;
		s->missing++;
		return 0;
	}
	return take(s, row_idx, row, 0, 0, 0);
}

int
poicand_feature(struct poicand_set *s, long long row_idx, const json_t *f)
{
	const json_t *g = json_object_get(f, "geometry"), *props = json_object_get(f, "properties");
	const json_t *c, *type;
	json_t *row;
	double lon, lat;
	enum poicand_coord a, b;
	int st;

	row = json_is_object(props) ? json_deep_copy(props) : json_object();
	if (row == NULL)
		return -1;
	if (json_object_get(f, "id") && !json_object_get(row, "id"))
		json_object_set(row, "id", json_object_get(f, "id"));
	if (g == NULL || json_is_null(g)) {
		st = take(s, row_idx, row, 0, 0, 0);
		json_decref(row);
		return st;
	}
	c = json_object_get(g, "coordinates");
	type = json_object_get(g, "type");
	if (!json_is_string(type) || strcmp(json_string_value(type), "Point") != 0 ||
	    !json_is_array(c) || json_array_size(c) < 2) {
		s->rows++;
		s->missing++;	/* not a point: no single coordinate */
		json_decref(row);
		return 0;
	}
	a = poicand_coord(json_array_get(c, 0), &lon);
	b = poicand_coord(json_array_get(c, 1), &lat);
	if (a != POICAND_OK || b != POICAND_OK) {
		s->rows++;
		if (a == POICAND_MISSING || b == POICAND_MISSING)
			s->missing++;
		else if (a == POICAND_NONNUM || b == POICAND_NONNUM)
			s->nonnum++;
		else
			s->nonfinite++;
		json_decref(row);
		return 0;
	}
	st = take(s, row_idx, row, 1, lon, lat);
	json_decref(row);
	return st;
}

int
poicand_full(const struct poicand_set *s)
{
	return s->max_rows > 0 && s->rows >= s->max_rows;
}

void
poicand_free(struct poicand_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		json_decref(s->v[i].meta);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
