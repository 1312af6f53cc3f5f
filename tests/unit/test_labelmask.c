/*
 * test_labelmask.c - lib/labelmask: palette indices and colours of uint8 and
 * uint16 labels, read back as a viewer would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "labelmask.h"
#include "rec.h"
#include "unit.h"
#include "unitpng.h"

/* The decoded colour of pixel i is the colour of class id or name (neither: black, nodata). */
static int
colour_is(const unsigned char *dec, int i, const json_t *classes, long id, const char *name)
{
	unsigned char want[3] = { 0, 0, 0 };

	if (id >= 0 || name != NULL)
		draw_class_color(classes, id, name, want);
	return dec != NULL && memcmp(dec + 3 * i, want, 3) == 0;
}

int
main(void)
{
	uint8_t px8[6] = { 10, 80, 255, 10, 7, 80 };
	uint16_t px16[6] = { 7201, 8200, 0, 9999, 7201, 300 };
	struct raster lab8 = { .width = 3, .height = 2, .nbands = 1, .dtype = DT_UINT8,
	    .has_nodata = 1, .nodata = 255, .data = px8 };
	struct raster lab16 = { .width = 3, .height = 2, .nbands = 1, .dtype = DT_UINT16,
	    .has_nodata = 1, .nodata = 0, .data = px16 };
	json_t *wc = json_loads("[{\"id\":10,\"name\":\"tree_cover\",\"color\":\"006400\"},"
	    "{\"id\":80,\"name\":\"water\",\"color\":\"0064c8\"}]", 0, NULL);
	json_t *osm = json_loads("[{\"id\":8200,\"name\":\"water\"},{\"id\":7201,\"name\":"
	    "\"forest\",\"color\":\"00ff00\"}]", 0, NULL);
	json_t *small = json_loads("[{\"id\":1,\"name\":\"a\"}]", 0, NULL);
	json_t *big = json_array(), *mc = NULL;
	unsigned char *png = NULL, *dec = NULL;
	char err[256], *ids;
	size_t len;
	int w, h, rc;

	rc = labelmask_png(&lab8, wc, &png, &len, &mc, err, sizeof err);
	CHECK(rc == 0 && png[25] == 3 && mc == NULL, "uint8: a palette PNG, values as indices");
	CHECK(unit_png_rgb(png, len, &w, &h, &dec) == 0 && w == 3 && h == 2 &&
	    colour_is(dec, 0, wc, 10, NULL) && colour_is(dec, 1, wc, 80, NULL) &&
	    colour_is(dec, 2, wc, -1, NULL) && colour_is(dec, 4, wc, 7, NULL),
	    "table colours, nodata black, a value not in the table by the hash of \"class 7\"");
	free(png);
	free(dec);

	/* uint16 with small ids: still values as indices, nodata 255, the rest 254. */
	px16[0] = 1, px16[1] = 1, px16[3] = 500;
	rc = labelmask_png(&lab16, small, &png, &len, &mc, err, sizeof err);
	CHECK(rc == 0 && mc == NULL && unit_png_rgb(png, len, &w, &h, &dec) == 0 &&
	    colour_is(dec, 0, small, 1, NULL) && colour_is(dec, 2, small, -1, NULL) &&
	    colour_is(dec, 3, small, 254, NULL), "uint16, ids below 255: values as indices, "
	    "nodata black, values above 254 as 254");
	free(png);
	free(dec);

	/* uint16 with big ids: the k-th class of the table, and the ids listed. */
	px16[0] = 7201, px16[1] = 8200, px16[3] = 9999;
	rc = labelmask_png(&lab16, osm, &png, &len, &mc, err, sizeof err);
	ids = mc ? json_dumps(mc, JSON_COMPACT) : NULL;
	CHECK(rc == 0 && ids && strcmp(ids, "[8200,7201]") == 0, "mask_classes: the table's "
	    "ids, index k for the k-th: %s", ids ? ids : "(none)");
	free(ids);
	CHECK(unit_png_rgb(png, len, &w, &h, &dec) == 0 && colour_is(dec, 0, osm, 7201, NULL) &&
	    colour_is(dec, 1, osm, 8200, NULL) && colour_is(dec, 2, osm, -1, NULL) &&
	    colour_is(dec, 3, NULL, -1, "other") && colour_is(dec, 5, NULL, -1, "other"),
	    "table colours, nodata black, values not in the table as \"other\"");
	free(png);
	free(dec);
	json_decref(mc);

	/* More classes than a palette holds: the raw ids as 16-bit gray. */
	for (int i = 0; i < 300; i++)
		json_array_append_new(big, json_pack("{s:i, s:s}", "id", 1000 + i, "name", "c"));
	rc = labelmask_png(&lab16, big, &png, &len, &mc, err, sizeof err);
	CHECK(rc == 0 && mc == NULL && png[24] == 16 && png[25] == 0,
	    "300 big ids: 16-bit gray, no mask_classes");
	free(png);
	json_decref(wc);
	json_decref(osm);
	json_decref(small);
	json_decref(big);
	UNIT_DONE();
}
