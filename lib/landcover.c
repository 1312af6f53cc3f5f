/*
 * landcover.c - land-cover class tables (see landcover.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "landcover.h"
#include "errbuf.h"

struct cls {
	int id;
	const char *name, *color;
};

/* ESA WorldCover v100/v200 legend, official colours (specs/external-services.md 6.1). */
static const struct cls worldcover[] = {
	{ 10, "Tree cover", "006400" },
	{ 20, "Shrubland", "FFBB22" },
	{ 30, "Grassland", "FFFF4C" },
	{ 40, "Cropland", "F096FF" },
	{ 50, "Built-up", "FA0000" },
	{ 60, "Bare / sparse vegetation", "B4B4B4" },
	{ 70, "Snow and ice", "F0F0F0" },
	{ 80, "Permanent water bodies", "0064C8" },
	{ 90, "Herbaceous wetland", "0096A0" },
	{ 95, "Mangroves", "00CF75" },
	{ 100, "Moss and lichen", "FAE6A0" },
};

/* Dynamic World V1 "label" band: argmax index of the nine class probabilities. */
static const struct cls dynamic_world[] = {
	{ 0, "water", "419bdf" },
	{ 1, "trees", "397d49" },
	{ 2, "grass", "88b053" },
	{ 3, "flooded_vegetation", "7a87c6" },
	{ 4, "crops", "e49635" },
	{ 5, "shrub_and_scrub", "dfc35a" },
	{ 6, "built", "c4281b" },
	{ 7, "bare_ground", "a59b8f" },
	{ 8, "snow_and_ice", "b39fe1" },
};

static json_t *
table(const struct cls *c, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:s, s:s}", "id", c[i].id,
		    "name", c[i].name, "color", c[i].color));
	return a;
}

json_t *
lc_worldcover_classes(void)
{
	return table(worldcover, sizeof worldcover / sizeof worldcover[0]);
}

json_t *
lc_dynamic_world_classes(void)
{
	return table(dynamic_world, sizeof dynamic_world / sizeof dynamic_world[0]);
}

static int
is_hex6(const char *s)
{
	int i;

	for (i = 0; i < 6; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[6] == '\0';
}

json_t *
lc_classes_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *in, *out, *e, *id, *name, *color;
	size_t i, j;

	if ((in = json_load_file(path, 0, &je)) == NULL) {
		errf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
		return NULL;
	}
	if (!json_is_array(in)) {
		errf(err, errlen, "%s: expected a JSON array of {\"id\", \"name\", "
		    "\"color\"}", path);
		json_decref(in);
		return NULL;
	}
	out = json_array();
	json_array_foreach(in, i, e) {
		id = json_object_get(e, "id");
		name = json_object_get(e, "name");
		color = json_object_get(e, "color");
		if (!json_is_integer(id) || json_integer_value(id) < 0 ||
		    json_integer_value(id) > 65534) {
			errf(err, errlen, "%s: entry %zu: \"id\" must be an integer "
			    "0..65534", path, i);
			goto fail;
		}
		if (!json_is_string(name) || json_string_length(name) == 0) {
			errf(err, errlen, "%s: entry %zu: \"name\" must be a non-empty "
			    "string", path, i);
			goto fail;
		}
		if (color != NULL && (!json_is_string(color) ||
		    !is_hex6(json_string_value(color)))) {
			errf(err, errlen, "%s: entry %zu: \"color\" must be six hex digits "
			    "such as \"006400\"", path, i);
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (json_integer_value(json_object_get(json_array_get(in, j), "id")) ==
			    json_integer_value(id)) {
				errf(err, errlen, "%s: id %lld appears twice", path,
				    (long long)json_integer_value(id));
				goto fail;
			}
		e = json_pack("{s:O, s:O}", "id", id, "name", name);
		if (color != NULL)
			json_object_set(e, "color", color);
		json_array_append_new(out, e);
	}
	json_decref(in);
	return out;
fail:
	json_decref(in);
	json_decref(out);
	return NULL;
}

long
lc_classes_max_id(const json_t *classes)
{
	long m = -1, v;
	size_t i;
	json_t *e;

	json_array_foreach(classes, i, e) {
		v = (long)json_integer_value(json_object_get(e, "id"));
		if (v > m)
			m = v;
	}
	return m;
}
