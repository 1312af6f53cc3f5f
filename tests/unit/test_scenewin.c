/*
 * test_scenewin.c - lib/scenewin on the real 29RKH COGs (100 m bands, 200 m
 * SCL) held in memory: the window centred on a point given in the scene's own
 * CRS, the level for --resolution, --size-m, the grid, the assets that must
 * share it, the SCL window and the class under every window pixel (checked
 * against the whole SCL decoded), valid pixels at a corner and around a hole,
 * the CRS a scene declares, and each refusal's message.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cog.h"
#include "geo.h"
#include "scenewin.h"
#include "xformcache.h"
#include "unit.h"

/* The scene's grid: UTM 29N, 100 m pixels from (199980, 2800020). */
#define X0 199980.0
#define Y0 2800020.0

struct file {
	unsigned char *buf;
	size_t len;
	struct cog *c;
};

static int
load(const char *name, struct file *f)
{
	char rel[256], err[256];
	const char *path;
	FILE *fp;
	long n;

	snprintf(rel, sizeof rel, "sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/%s", name);
	path = unit_fixture(rel);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	f->len = (size_t)n;
	f->buf = malloc(f->len);
	if (f->buf == NULL || fread(f->buf, 1, f->len, fp) != f->len) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	f->c = cog_parse_mem(f->buf, f->len, path, err, sizeof err);
	if (f->c == NULL)
		printf("# %s: %s\n", path, err);
	return f->c ? 0 : -1;
}

/* A window of a file held in memory, decoded; NULL on error. */
static void *
read_window(const struct file *f, int level, long col0, long row0, int w, int h)
{
	struct cog_win win = { .cog = f->c, .level = level, .col0 = col0, .row0 = row0,
	    .width = w, .height = h };
	void *d;

	if (cog_read_mem(f->buf, f->len, &win) < 0) {
		printf("# read: %s\n", win.error);
		return NULL;
	}
	d = win.data;
	win.data = NULL;
	cog_win_clear(&win);
	return d;
}

/* The lon/lat of a point given in UTM 29N (PROJ the other way round). */
static void
lonlat_of(double x, double y, double *lon, double *lat)
{
	char err[256];
	struct geo_xform *xf = geo_xform_new("EPSG:32629", "EPSG:4326", err, sizeof err);

	*lon = x;
	*lat = y;
	if (xf == NULL || geo_xform_points(xf, lon, lat, 1, err, sizeof err) < 0)
		printf("# PROJ: %s\n", err);
	geo_xform_free(xf);
}

static int
refused(const struct scenewin_opts *o, const struct scenewin_asset *first, int declared,
    struct xformcache *xc, double lon, double lat, const char *want)
{
	struct scenewin w;
	char err[256] = "";

	if (scenewin_place(&w, o, first, declared, xc, lon, lat, err, sizeof err) == 0)
		return 0;
	if (strcmp(err, want) != 0)
		printf("# got '%s'\n", err);
	return strcmp(err, want) == 0;
}

static int
fit_refused(const struct scenewin_asset *img, size_t nimg, const struct scenewin_asset *scl,
    double lon, double lat, struct xformcache *xc, const char *want)
{
	struct scenewin_opts o = { .size = 100 };
	struct scenewin w;
	struct cog_win win[3];
	char err[256] = "";

	memset(win, 0, sizeof win);
	if (scenewin_place(&w, &o, &img[0], 0, xc, lon, lat, err, sizeof err) < 0 ||
	    scenewin_fit(&w, &o, img, nimg, scl, win, err, sizeof err) == 0)
		return 0;
	if (strcmp(err, want) != 0)
		printf("# got '%s'\n", err);
	return strcmp(err, want) == 0;
}

int
main(void)
{
	struct file red, green, scl, tci;
	struct xformcache *xc = xformcache_new(4);
	struct scenewin_opts o = { .size = 100 };
	struct scenewin w;
	struct cog_win win[3];
	char err[256] = "";
	double lon, lat;
	int ok;

	if (load("B04.tif", &red) || load("B03.tif", &green) || load("SCL.tif", &scl) ||
	    load("TCI.tif", &tci)) {
		CHECK(0, "the 29RKH fixtures load");
		UNIT_DONE();
	}
	struct scenewin_asset img[2] = { { "red", red.c, 0, 0 }, { "green", green.c, 0, 0 } };
	struct scenewin_asset sa = { "scl", scl.c, 0, 0 };

	/* The point at pixel (1030.3, 149.7) of the 100 m grid, where clouds
	 * (SCL 8, 9, 10) break up the bare soil (5). */
	lonlat_of(X0 + 1030.3 * 100, Y0 - 149.7 * 100, &lon, &lat);
	ok = scenewin_place(&w, &o, &img[0], 32629, xc, lon, lat, err, sizeof err) == 0;
	CHECK(ok, "a point inside the scene is placed (%s)", err);
	CHECK_NEAR(w.col, 1030.3, 1e-6, "the point's column on the grid (%.9f)", w.col);
	CHECK_NEAR(w.row, 149.7, 1e-6, "and its row (%.9f)", w.row);
	CHECK(w.level == 0 && w.size == 100 && w.col0 == 980 && w.row0 == 100,
	    "100 px centred on it: level 0, origin (980, 100) (got %d, %ld, %ld)", w.level,
	    w.col0, w.row0);
	CHECK(strcmp(w.grid.crs, "EPSG:32629") == 0 && w.grid.width == 100 &&
	    w.grid.height == 100 && w.grid.t[0] == 100 && w.grid.t[4] == -100 &&
	    w.grid.t[2] == X0 + 98000 && w.grid.t[5] == Y0 - 10000,
	    "the window's grid: the scene's pixels from its origin");
	CHECK(w.nodata == 0, "nodata from the GeoTIFF (0)");
	CHECK(w.level_width == 1098 && w.level_height == 1098, "the scene is 1098 px");
	o.size = 101;
	scenewin_place(&w, &o, &img[0], 0, xc, lon, lat, err, sizeof err);
	CHECK(w.col0 + 50 == 1030 && w.row0 + 50 == 149,
	    "an odd side puts the point's own pixel in the middle (%ld, %ld)", w.col0, w.row0);

	/* --resolution and --size-m. */
	o.size = 100;
	o.resolution = 200;
	ok = scenewin_place(&w, &o, &img[0], 0, xc, lon, lat, err, sizeof err) == 0;
	CHECK(ok && w.level == 1 && w.level_width == 549 && w.grid.t[0] == 200 &&
	    fabs(w.col - 515.15) < 1e-6 && w.col0 == 465,
	    "--resolution 200: the first overview, the point at column 515.15 (%d, %.6f, %ld)",
	    w.level, w.col, w.col0);
	memset(win, 0, sizeof win);
	CHECK(scenewin_fit(&w, &o, img, 2, NULL, win, err, sizeof err) == 0 &&
	    win[1].level == 1 && win[1].cog == green.c, "the other asset at its own level 1");
	o.resolution = 0;
	o.size_m = 5000;
	ok = scenewin_place(&w, &o, &img[0], 0, xc, lon, lat, err, sizeof err) == 0;
	CHECK(ok && w.size == 50 && w.grid.width == 50, "--size-m 5000 on 100 m pixels: 50 px");
	o.size_m = 0;

	/* Every asset on the first one's grid, and the SCL window under it. */
	scenewin_place(&w, &o, &img[0], 0, xc, lon, lat, err, sizeof err);
	memset(win, 0, sizeof win);
	ok = scenewin_fit(&w, &o, img, 2, &sa, win, err, sizeof err) == 0;
	CHECK(ok, "red, green and scl fit (%s)", err);
	CHECK(win[0].cog == red.c && win[1].cog == green.c && win[1].col0 == 980 &&
	    win[1].row0 == 100 && win[1].width == 100 && win[1].height == 100 &&
	    win[1].fill == 0, "one window per image asset, the same pixels");
	/* Columns 980..1080 at 100 m are 490..540 at 200 m (rows 100..200:
	 * 50..100), with a pixel of margin or two (rounding). */
	CHECK(win[2].cog == scl.c && win[2].level == 0 &&
	    (win[2].col0 == 489 || win[2].col0 == 488) && win[2].col0 + win[2].width >= 541 &&
	    win[2].col0 + win[2].width <= 542 && (win[2].row0 == 49 || win[2].row0 == 48) &&
	    win[2].row0 + win[2].height >= 101 && win[2].row0 + win[2].height <= 102 &&
	    w.scl_col0 == win[2].col0 && w.scl_width == win[2].width,
	    "the SCL window: at full resolution, a pixel of margin (%ld+%d, %ld+%d)", win[2].col0,
	    win[2].width, win[2].row0, win[2].height);

	/* The class under every window pixel is SCL's pixel under its centre. */
	{
		uint8_t *sw = read_window(&scl, 0, win[2].col0, win[2].row0, win[2].width,
		    win[2].height), *all = read_window(&scl, 0, 0, 0, 549, 549);
		uint8_t out[100 * 100];
		int bad = 0, classes[256] = { 0 }, nclass = 0;

		if (sw != NULL && all != NULL) {
			scenewin_scl_sample(&w, sw, out);
			for (int r = 0; r < 100; r++)
				for (int c = 0; c < 100; c++) {
					/* Centre of window pixel (c, r) in SCL pixels. */
					int sc = (980 + c) / 2, sr = (100 + r) / 2;
					uint8_t v = out[r * 100 + c];
					bad += v != all[sr * 549 + sc];
					nclass += classes[v]++ == 0;
				}
		}
		CHECK(sw != NULL && all != NULL && bad == 0,
		    "every window pixel has the class under its centre (%d differ)", bad);
		CHECK(nclass == 4, "four classes in the window (%d)", nclass);
		/* A window reaching off the SCL: 0 there. */
		scenewin_move(&w, -10, -10);
		CHECK(w.grid.t[2] == X0 - 1000 && w.grid.t[5] == Y0 + 1000,
		    "a moved window's grid follows it");
		scenewin_fit(&w, &o, img, 2, &sa, win, err, sizeof err);
		free(sw);
		sw = read_window(&scl, 0, win[2].col0, win[2].row0, win[2].width, win[2].height);
		if (sw != NULL)
			scenewin_scl_sample(&w, sw, out);
		CHECK(sw != NULL && out[0] == 0 && out[9 * 100 + 9] == 0 &&
		    out[10 * 100 + 10] == all[0], "off the scene: class 0; at (10, 10): SCL (0, 0)");
		free(sw);
		free(all);
	}

	/* Valid pixels: inside the scene and not nodata in every band. */
	{
		uint16_t *bands = malloc(2 * 100 * 100 * sizeof *bands), *b0, *b1;
		size_t n, want = 0;

		scenewin_move(&w, -50, -50);
		b0 = read_window(&red, 0, -50, -50, 100, 100);
		b1 = read_window(&green, 0, -50, -50, 100, 100);
		if (bands && b0 && b1) {
			memcpy(bands, b0, 100 * 100 * 2);
			memcpy(bands + 100 * 100, b1, 100 * 100 * 2);
			for (int r = 50; r < 100; r++)
				for (int c = 50; c < 100; c++)
					want += b0[r * 100 + c] != 0 || b1[r * 100 + c] != 0;
		}
		n = scenewin_count_valid(&w, bands, 2, DT_UINT16);
		CHECK(bands && b0 && b1 && n == want && want > 2400,
		    "a window over the corner: only the quarter on the scene counts (%zu of %zu)",
		    n, want);
		/* A hole in one band is no hole; in both, it is. */
		for (int r = 60; r < 70; r++)
			for (int c = 60; c < 70; c++)
				bands[r * 100 + c] = 0;
		CHECK(scenewin_count_valid(&w, bands, 2, DT_UINT16) == want,
		    "nodata in one band only: still valid");
		for (int r = 60; r < 70; r++)
			for (int c = 60; c < 70; c++)
				bands[100 * 100 + r * 100 + c] = 0;
		CHECK(scenewin_count_valid(&w, bands, 2, DT_UINT16) == want - 100,
		    "nodata in every band: 100 pixels fewer");
		free(bands);
		free(b0);
		free(b1);
	}
	{
		/* float32 with NaN as nodata: NaN pixels are not valid. */
		float f[4 * 4];
		struct scenewin fw = { .size = 4, .level_width = 10, .level_height = 10,
		    .nodata = NAN };

		for (int i = 0; i < 16; i++)
			f[i] = i % 3 == 0 ? NAN : (float)i;
		CHECK(scenewin_count_valid(&fw, f, 1, DT_FLOAT32) == 10, "float32: NaN is nodata");
		fw.nodata = 5;
		CHECK(scenewin_count_valid(&fw, f, 1, DT_FLOAT32) == 15, "float32: nodata 5");
	}

	/* The CRS a scene declares. */
	{
		json_error_t je;
		json_t *a = json_loads("{\"crs\": \"EPSG:32629\", \"proj:epsg\": 32633}", 0, &je);
		json_t *b = json_loads("{\"proj:epsg\": 32633}", 0, &je);
		json_t *c = json_loads("{\"proj:code\": \"EPSG:32631\"}", 0, &je);
		json_t *d = json_loads("{\"crs\": null, \"id\": \"x\"}", 0, &je);

		CHECK(scenewin_scene_epsg(a) == 32629, "crs first");
		CHECK(scenewin_scene_epsg(b) == 32633, "else proj:epsg");
		CHECK(scenewin_scene_epsg(c) == 32631, "else proj:code");
		CHECK(scenewin_scene_epsg(d) == 0 && scenewin_scene_epsg(NULL) == 0, "else none");
		json_decref(a);
		json_decref(b);
		json_decref(c);
		json_decref(d);
	}

	/* What cannot be placed or fitted. */
	o.resolution = 60;
	CHECK(refused(&o, &img[0], 0, xc, lon, lat, "asset red: no overview with 60 m pixels"),
	    "no overview with 60 m pixels");
	o.resolution = 0;
	CHECK(refused(&o, &img[0], 32633, xc, lon, lat,
	    "scene: crs EPSG:32633 disagrees with asset red (EPSG:32629)"),
	    "a scene CRS that is not the asset's");
	CHECK(refused(&o, &img[0], 0, xc, 2, 48,
	    "window: point (2.000000, 48.000000) lies outside the scene"), "a point outside");
	o.size_m = 1e9;
	CHECK(refused(&o, &img[0], 0, xc, lon, lat, "--size-m 1e+09: 10000000 pixels of 100 m"),
	    "an absurd --size-m");
	o.size_m = 0;
	{
		struct scenewin_asset mixed[2] = { { "red", red.c, 0, 0 }, { "visual", tci.c, 0, 0 } };
		struct scenewin_asset coarse[2] = { { "red", red.c, 0, 0 }, { "scl", scl.c, 0, 0 } };
		struct scenewin_asset wide = { "scl", red.c, 0, 0 };

		CHECK(fit_refused(mixed, 2, NULL, lon, lat, xc, "asset visual: uint8, asset red: uint16"),
		    "assets of different dtypes");
		CHECK(fit_refused(coarse, 2, NULL, lon, lat, xc,
		    "asset scl: grid differs from asset red"), "an image asset on another grid");
		CHECK(fit_refused(img, 2, &wide, lon, lat, xc, "asset scl: expected one uint8 band"),
		    "an SCL that is not one uint8 band");
	}
	{
		/* A GeoTIFF without nodata: the scene's own, else 0. */
		struct cog nd = *red.c;
		struct scenewin_asset a = { "red", &nd, 1, 7 };

		nd.has_nodata = 0;
		scenewin_place(&w, &o, &a, 0, xc, lon, lat, err, sizeof err);
		CHECK(w.nodata == 7, "no GDAL_NODATA: the scene's nodata");
		a.has_nodata = 0;
		scenewin_place(&w, &o, &a, 0, xc, lon, lat, err, sizeof err);
		CHECK(w.nodata == 0, "neither: 0");
		nd.has_georef = 0;
		CHECK(refused(&o, &a, 0, xc, lon, lat,
		    "asset red: no georeference or no EPSG code in the GeoTIFF keys"),
		    "a GeoTIFF without georeference");
	}

	xformcache_free(xc);
	cog_unref(red.c);
	cog_unref(green.c);
	cog_unref(scl.c);
	cog_unref(tci.c);
	free(red.buf);
	free(green.buf);
	free(scl.buf);
	free(tci.buf);
	UNIT_DONE();
}
