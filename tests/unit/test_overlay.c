/* test_overlay.c - lib/overlay: a row's boxes on a copy of the tile, read back as a viewer would. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "overlay.h"
#include "unit.h"
#include "unitpng.h"

enum { W = 16, H = 16 };

static const unsigned char *
at(const unsigned char *rgb, int x, int y)
{
	return rgb + 3 * (y * W + x);
}

int
main(void)
{
	unsigned char tile[W * H * 3], *png = NULL, *dec = NULL, hash[3];
	json_t *regions = json_loads("[{\"bbox\":[0.25,0.25,0.75,0.75],\"class_id\":1,"
	    "\"label\":\"water\"},{\"bbox\":[0,0,0.125,0.125],\"class_id\":2,\"label\":\"reed\"},"
	    "{\"bbox\":[0.5,0,0.25,1],\"class_id\":1}]", 0, NULL);
	json_t *classes = json_loads("[{\"id\":1,\"name\":\"water\",\"color\":\"0000ff\"}]", 0, NULL);
	json_t *row = json_loads("{\"boxes\":[0, 1]}", 0, NULL);
	json_t *none = json_loads("{\"tag\":\"caption\"}", 0, NULL);
	json_t *bad = json_loads("{\"boxes\":[2]}", 0, NULL);
	char err[256];
	size_t len;
	int w, h, rc;

	for (int i = 0; i < W * H * 3; i++)
		tile[i] = 10;
	rc = overlay_png(tile, W, H, row, regions, classes, &png, &len, err, sizeof err);
	CHECK(rc == 0 && unit_png_rgb(png, len, &w, &h, &dec) == 0 && w == W && h == H,
	    "an RGB PNG of the tile's size");
	draw_color_hash("reed", hash);
	CHECK(dec && memcmp(at(dec, 4, 4), "\0\0\xff", 3) == 0 &&
	    memcmp(at(dec, 11, 11), "\0\0\xff", 3) == 0 && memcmp(at(dec, 5, 8), "\0\0\xff", 3) == 0,
	    "box 0 outlined in its class's table colour, columns and rows 4..11");
	CHECK(dec && at(dec, 8, 8)[0] == 10 && at(dec, 6, 6)[2] == 10 && at(dec, 12, 12)[0] == 10,
	    "inside the 2 px outline and outside the box the tile shows");
	CHECK(dec && memcmp(at(dec, 0, 0), hash, 3) == 0 && memcmp(at(dec, 1, 1), hash, 3) == 0,
	    "box 1 in the hash colour of its label (no colour in the table)");
	CHECK(tile[0] == 10 && tile[3 * (4 * W + 4)] == 10, "the tile itself is left as it was");
	free(png);
	free(dec);

	rc = overlay_png(tile, W, H, none, regions, classes, &png, &len, err, sizeof err);
	CHECK(rc == 0 && unit_png_rgb(png, len, &w, &h, &dec) == 0 && dec[0] == 10 &&
	    at(dec, 4, 4)[2] == 10, "a row without boxes: the plain tile");
	free(png);
	free(dec);

	CHECK(overlay_png(tile, W, H, bad, regions, classes, &png, &len, err, sizeof err) == -1 &&
	    strcmp(err, "regions[2].bbox: not a box in 0..1") == 0, "a box that is none: %s", err);
	json_decref(regions);
	json_decref(classes);
	json_decref(row);
	json_decref(none);
	json_decref(bad);
	UNIT_DONE();
}
