/*
 * test_gtiff.c - lib/gtiff.c and lib/tifread.c on real fixture rasters: read
 * COGs, stripped and pixel-interleaved files; write every dtype with a real
 * grid and read it back bit for bit; windowed reads; failures.
 *
 *	test_gtiff			run the checks (from the repository top)
 *	test_gtiff -w DIR		also leave the written files and their raw
 *					payloads (DIR/NAME.tif, DIR/NAME.raw) for
 *					tests/t0600-gtiff.sh to compare with GDAL
 *	test_gtiff -d IN.tif OUT.raw	dump what gtiff_read gives, band-sequential,
 *					little-endian (ENVI's BSQ layout), and print
 *					the grid
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gtiff.h"
#include "rec.h"
#include "tifread.h"
#include "unit.h"

static char fixdir[1024];
static char outdir[1024];
static int keep;

static const char *
fix(const char *rel)
{
	static char buf[4][1200];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", fixdir, rel);
	return buf[i];
}

static int
write_raw(const char *path, const struct raster *ra)
{
	FILE *fp = fopen(path, "wb");
	int ok;

	if (fp == NULL)
		return -1;
	/* Hosts here are little-endian: the payload is already in ENVI order. */
	ok = fwrite(ra->data, 1, raster_bytes(ra), fp) == raster_bytes(ra);
	return fclose(fp) == 0 && ok ? 0 : -1;
}

static int
same_grid(const struct grid *a, const struct grid *b)
{
	int i;

	if (strcmp(a->crs, b->crs) != 0 || a->width != b->width || a->height != b->height)
		return 0;
	for (i = 0; i < 6; i++)
		if (fabs(a->t[i] - b->t[i]) > 1e-9 * (1 + fabs(a->t[i])))
			return 0;
	return 1;
}

static void
test_read_fixtures(struct raster *b04, struct grid *g04)
{
	struct raster ra;
	struct grid g;
	char err[512];
	int has, rc;
	uint16_t *p;

	rc = gtiff_read(fix("sentinel2_l1c_10m_T33UUU_havelland/B04.tif"), b04, g04, &has,
	    err, sizeof err);
	CHECK(rc == 0, "read Havelland B04 COG (%s)", rc ? err : "");
	if (rc != 0)
		exit(1);
	CHECK(b04->width == 1536 && b04->height == 768 && b04->nbands == 1 &&
	    b04->dtype == DT_UINT16, "B04 is 1536x768x1 uint16");
	CHECK(has && strcmp(g04->crs, "EPSG:32633") == 0, "B04 CRS EPSG:32633 (%s)",
	    g04->crs);
	CHECK(g04->t[0] == 10 && g04->t[1] == 0 && g04->t[2] == 330000 && g04->t[3] == 0 &&
	    g04->t[4] == -10 && g04->t[5] == 5822040, "B04 transform [10,0,330000,0,-10,5822040]");
	CHECK(g04->width == 1536 && g04->height == 768, "B04 grid size");
	CHECK(!b04->has_nodata, "B04 has no nodata");
	p = b04->data;
	{
		unsigned mn = 65535, mx = 0;
		double sum = 0;
		size_t i, n = raster_plane(b04);

		for (i = 0; i < n; i++) {
			mn = p[i] < mn ? p[i] : mn;
			mx = p[i] > mx ? p[i] : mx;
			sum += p[i];
		}
		/* PROVENANCE.md (gdalinfo): min/max/mean 528 / 19648 / 1155.5 */
		CHECK(mn == 528 && mx == 19648, "B04 min/max 528/19648 (%u/%u)", mn, mx);
		CHECK_NEAR(sum / n, 1155.5, 0.05, "B04 mean 1155.5 (%.2f)", sum / n);
	}

	rc = gtiff_read(fix("landsat_fallback/RGB.byte.tif"), &ra, &g, &has, err, sizeof err);
	CHECK(rc == 0, "read stripped pixel-interleaved RGB.byte.tif (%s)", rc ? err : "");
	if (rc == 0) {
		CHECK(ra.width == 791 && ra.height == 718 && ra.nbands == 3 &&
		    ra.dtype == DT_UINT8, "RGB.byte is 791x718x3 uint8");
		CHECK(has && strcmp(g.crs, "EPSG:32618") == 0, "RGB.byte CRS EPSG:32618");
		CHECK(g.t[2] == 101985 && g.t[5] == 2826915, "RGB.byte origin (101985, 2826915)");
		CHECK(ra.has_nodata && ra.nodata == 0, "RGB.byte nodata 0");
		raster_free(&ra);
	}

	rc = gtiff_read(fix("worldcover/derived/ESA_WorldCover_10m_2021_v200_N00E006_Map_SaoTome_crop.tif"),
	    &ra, &g, &has, err, sizeof err);
	CHECK(rc == 0, "read WorldCover crop (%s)", rc ? err : "");
	if (rc == 0) {
		CHECK(ra.width == 3840 && ra.height == 5040 && ra.dtype == DT_UINT8,
		    "WorldCover crop 3840x5040 uint8");
		CHECK(has && strcmp(g.crs, "EPSG:4326") == 0, "WorldCover CRS EPSG:4326 (%s)",
		    g.crs);
		CHECK_NEAR(g.t[2], 6.45, 1e-9, "WorldCover origin lon 6.45");
		CHECK_NEAR(g.t[5], 0.42, 1e-9, "WorldCover origin lat 0.42");
		CHECK_NEAR(g.t[0], 1.0 / 12000, 1e-15, "WorldCover pixel 1/12000 deg");
		CHECK(ra.has_nodata && ra.nodata == 0, "WorldCover nodata 0");
		raster_free(&ra);
	}

	rc = gtiff_read(fix("sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif"), &ra, &g,
	    &has, err, sizeof err);
	CHECK(rc == 0 && ra.nbands == 3 && strcmp(g.crs, "EPSG:32629") == 0 &&
	    g.t[0] == 100 && g.t[2] == 199980 && g.t[5] == 2800020,
	    "read tiled pixel-interleaved TCI.tif, EPSG:32629 at 100 m (%s)", rc ? err : "");
	if (rc == 0)
		raster_free(&ra);
}

/* One written raster: write, read back, compare, optionally keep. */
static void
round_trip(const char *name, struct raster *ra, const struct grid *g)
{
	char path[1300], raw[1300], err[512];
	struct raster back;
	struct grid gb;
	int has = 0, rc;

	snprintf(path, sizeof path, "%s/%s.tif", outdir, name);
	rc = gtiff_write(path, ra, g, err, sizeof err);
	CHECK(rc == 0, "%s: write (%s)", name, rc ? err : "");
	if (rc != 0)
		return;
	rc = gtiff_read(path, &back, &gb, &has, err, sizeof err);
	CHECK(rc == 0, "%s: read back (%s)", name, rc ? err : "");
	if (rc != 0)
		return;
	CHECK(back.width == ra->width && back.height == ra->height &&
	    back.nbands == ra->nbands && back.dtype == ra->dtype,
	    "%s: same shape and dtype (%dx%dx%d %s)", name, back.width, back.height,
	    back.nbands, dtype_name(back.dtype));
	CHECK(back.width == ra->width && back.height == ra->height &&
	    back.nbands == ra->nbands && back.dtype == ra->dtype &&
	    memcmp(back.data, ra->data, raster_bytes(ra)) == 0,
	    "%s: identical samples", name);
	CHECK(back.has_nodata == ra->has_nodata && (!ra->has_nodata ||
	    back.nodata == ra->nodata || (isnan(back.nodata) && isnan(ra->nodata))),
	    "%s: nodata %g", name, back.nodata);
	if (g != NULL)
		CHECK(has && same_grid(g, &gb), "%s: same grid (%s [%.10g %.10g %.10g %.10g "
		    "%.10g %.10g])", name, gb.crs, gb.t[0], gb.t[1], gb.t[2], gb.t[3],
		    gb.t[4], gb.t[5]);
	else
		CHECK(!has, "%s: no grid written, none read", name);
	if (ra->bands != NULL)
		CHECK(back.bands != NULL && json_equal(back.bands, ra->bands),
		    "%s: band names come back", name);
	if (keep) {
		snprintf(raw, sizeof raw, "%s/%s.raw", outdir, name);
		CHECK(write_raw(raw, ra) == 0, "%s: raw payload kept", name);
	} else
		unlink(path);
	raster_free(&back);
}

static void
make_raster(struct raster *ra, int w, int h, int nb, enum dtype dt)
{
	memset(ra, 0, sizeof *ra);
	ra->width = w;
	ra->height = h;
	ra->nbands = nb;
	ra->dtype = dt;
	ra->data = calloc((size_t)w * h * nb, dtype_size(dt));
	if (ra->data == NULL)
		exit(2);
}

static void
test_write(const struct raster *b04, const struct grid *g04)
{
	/* A 700x300 window (not a tile multiple) at (400,200) of the real band. */
	int W = 700, H = 300, C0 = 400, R0 = 200, x, y, b;
	const uint16_t *src = b04->data;
	struct raster ra;
	struct grid g = *g04;

	g.width = W;
	g.height = H;
	g.t[2] = g04->t[2] + C0 * 10.0;
	g.t[5] = g04->t[5] - R0 * 10.0;

#define SRC(xx, yy) src[(size_t)(R0 + (yy)) * b04->width + (C0 + (xx))]
	make_raster(&ra, W, H, 1, DT_UINT16);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			((uint16_t *)ra.data)[(size_t)y * W + x] = SRC(x, y);
	round_trip("uint16", &ra, &g);
	raster_free(&ra);

	make_raster(&ra, W, H, 1, DT_UINT8);
	ra.has_nodata = 1;
	ra.nodata = 0;
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			unsigned v = SRC(x, y) / 16;
			((uint8_t *)ra.data)[(size_t)y * W + x] = v > 255 ? 255 : v;
		}
	round_trip("uint8", &ra, &g);
	raster_free(&ra);

	make_raster(&ra, W, H, 1, DT_INT16);
	ra.has_nodata = 1;
	ra.nodata = -32768;
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			((int16_t *)ra.data)[(size_t)y * W + x] = (int16_t)((int)SRC(x, y) -
			    2000);
	((int16_t *)ra.data)[0] = -32768;
	round_trip("int16", &ra, &g);
	raster_free(&ra);

	make_raster(&ra, W, H, 1, DT_FLOAT32);
	ra.has_nodata = 1;
	ra.nodata = -9999;
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			((float *)ra.data)[(size_t)y * W + x] = SRC(x, y) * 1e-4f - 0.1f;
	round_trip("float32", &ra, &g);
	raster_free(&ra);

	/* Three bands of uint8 (an RGB chip), band names, nodata 0. */
	make_raster(&ra, W, H, 3, DT_UINT8);
	ra.has_nodata = 1;
	ra.nodata = 0;
	for (b = 0; b < 3; b++)
		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++)
				((uint8_t *)ra.data)[((size_t)b * H + y) * W + x] =
				    (uint8_t)((SRC(x, y) >> (4 + b)) & 0xff);
	raster_set_band_name(&ra, 0, "red");
	raster_set_band_name(&ra, 1, "green");
	raster_set_band_name(&ra, 2, "blue & <nir>");
	round_trip("rgb", &ra, &g);
	raster_free(&ra);

	/* Four uint16 bands: three past the first are extra samples. */
	make_raster(&ra, 300, 200, 4, DT_UINT16);
	for (b = 0; b < 4; b++)
		for (y = 0; y < 200; y++)
			for (x = 0; x < 300; x++)
				((uint16_t *)ra.data)[((size_t)b * 200 + y) * 300 + x] =
				    (uint16_t)(SRC(x + b * 50, y) + b);
	{
		struct grid g4 = g;

		g4.width = 300;
		g4.height = 200;
		round_trip("uint16x4", &ra, &g4);
	}
	raster_free(&ra);

	/* A rotated grid goes out as ModelTransformation and comes back the same. */
	make_raster(&ra, 100, 80, 1, DT_UINT16);
	for (y = 0; y < 80; y++)
		for (x = 0; x < 100; x++)
			((uint16_t *)ra.data)[(size_t)y * 100 + x] = SRC(x, y);
	{
		struct grid gr = g;

		gr.width = 100;
		gr.height = 80;
		gr.t[0] = 8.660254037844386;
		gr.t[1] = 5;
		gr.t[3] = 5;
		gr.t[4] = -8.660254037844386;
		round_trip("rotated", &ra, &gr);
	}
	/* EPSG:4326 grid (geographic keys) and no grid at all. */
	{
		struct grid gg = { "EPSG:4326", { 1.0 / 12000, 0, 6.45, 0, -1.0 / 12000, 0.42 },
		    100, 80 };

		round_trip("wgs84", &ra, &gg);
	}
	round_trip("nogrid", &ra, NULL);
	raster_free(&ra);
#undef SRC
}

static void
test_window(void)
{
	struct tifread tr;
	char err[512];
	uint16_t *win, *whole;
	int rc, x, y, bad = 0;
	struct raster ra;
	struct grid g;
	int has;

	rc = gtiff_read(fix("sentinel2_l1c_10m_T33UUU_havelland/landcover/osm_landuse_10m.tif"),
	    &ra, &g, &has, err, sizeof err);
	CHECK(rc == 0 && ra.dtype == DT_UINT16 && ra.has_nodata && ra.nodata == 0,
	    "read OSM landuse uint16 nodata 0 (%s)", rc ? err : "");
	if (rc != 0)
		return;
	whole = ra.data;
	rc = tifread_open(&tr, fix("sentinel2_l1c_10m_T33UUU_havelland/landcover/osm_landuse_10m.tif"),
	    err, sizeof err);
	CHECK(rc == 0 && tr.tiled && tr.block_w == 512, "open OSM landuse for windows");
	if (rc != 0) {
		raster_free(&ra);
		return;
	}
	/* A window that hangs over the left and bottom edges. */
	win = malloc(sizeof *win * 100 * 50);
	rc = tifread_window(&tr, -20, 740, 100, 50, 65535, win, err, sizeof err);
	CHECK(rc == 0, "window over the edge (%s)", rc ? err : "");
	for (y = 0; y < 50; y++)
		for (x = 0; x < 100; x++) {
			long c = x - 20, r = y + 740;
			uint16_t want = c < 0 || r >= 768 ? 65535 :
			    whole[(size_t)r * 1536 + (size_t)c];
			bad += win[(size_t)y * 100 + x] != want;
		}
	CHECK(bad == 0, "window samples and fill match the whole read (%d bad)", bad);
	CHECK(tr.blocks_read == 1, "that window decodes one 512x512 tile (%llu)",
	    (unsigned long long)tr.blocks_read);
	rc = tifread_window(&tr, 500, 10, 30, 30, 0, win, err, sizeof err);
	CHECK(rc == 0 && tr.blocks_read == 3, "a window across a tile edge decodes 2 more");
	rc = tifread_window(&tr, 5000, 5000, 10, 10, 7, win, err, sizeof err);
	CHECK(rc == 0 && win[0] == 7 && win[99] == 7 && tr.blocks_read == 3,
	    "a window outside is all fill, no decoding");
	free(win);
	tifread_close(&tr);
	raster_free(&ra);
}

static void
test_errors(void)
{
	struct raster ra, w;
	struct grid g;
	char err[512], path[1300];
	int has, rc;
	FILE *fp;

	err[0] = '\0';
	rc = gtiff_read("/nonexistent/x.tif", &ra, &g, &has, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "/nonexistent/x.tif") != NULL, "missing file: %s", err);
	snprintf(path, sizeof path, "%s/garbage.tif", outdir);
	fp = fopen(path, "w");
	fputs("this is not a TIFF file at all, just text\n", fp);
	fclose(fp);
	err[0] = '\0';
	rc = gtiff_read(path, &ra, &g, &has, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "garbage.tif") != NULL, "not a TIFF: %s", err);
	/* A truncated real file: the header is fine, the tiles are gone. */
	{
		FILE *in = fopen(fix("sentinel2_l1c_10m_T33UUU_havelland/B04.tif"), "rb");
		char buf[65536];
		size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;

		if (in)
			fclose(in);
		snprintf(path, sizeof path, "%s/cut.tif", outdir);
		fp = fopen(path, "wb");
		fwrite(buf, 1, n, fp);
		fclose(fp);
		err[0] = '\0';
		rc = gtiff_read(path, &ra, &g, &has, err, sizeof err);
		CHECK(rc == -1 && strstr(err, "cut.tif") != NULL, "truncated COG: %s", err);
	}
	unlink(path);
	snprintf(path, sizeof path, "%s/garbage.tif", outdir);
	unlink(path);

	make_raster(&w, 10, 10, 1, DT_UINT8);
	err[0] = '\0';
	rc = gtiff_write("/nonexistent/dir/x.tif", &w, NULL, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "/nonexistent/dir/x.tif") != NULL,
	    "write into a missing folder: %s", err);
	raster_free(&w);
	memset(&w, 0, sizeof w);
	snprintf(path, sizeof path, "%s/empty.tif", outdir);
	rc = gtiff_write(path, &w, NULL, err, sizeof err);
	CHECK(rc == -1 && access(path, F_OK) != 0, "an empty raster is refused: %s", err);
}

static int
dump(const char *in, const char *out)
{
	struct raster ra;
	struct grid g;
	char err[512];
	int has;

	if (gtiff_read(in, &ra, &g, &has, err, sizeof err) != 0) {
		fprintf(stderr, "test_gtiff: %s\n", err);
		return 1;
	}
	if (write_raw(out, &ra) != 0) {
		fprintf(stderr, "test_gtiff: %s: %s\n", out, strerror(errno));
		return 1;
	}
	printf("%dx%dx%d %s", ra.width, ra.height, ra.nbands, dtype_name(ra.dtype));
	if (has)
		printf(" %s %.12g %.12g %.12g %.12g %.12g %.12g", g.crs, g.t[0], g.t[1],
		    g.t[2], g.t[3], g.t[4], g.t[5]);
	if (ra.has_nodata)
		printf(" nodata %g", ra.nodata);
	printf("\n");
	raster_free(&ra);
	return 0;
}

int
main(int argc, char **argv)
{
	struct raster b04;
	struct grid g04;
	const char *fx = getenv("S2VL_FIXTURES");
	char tmpl[] = "/tmp/test_gtiff.XXXXXX";

	if (argc == 4 && strcmp(argv[1], "-d") == 0)
		return dump(argv[2], argv[3]);
	snprintf(fixdir, sizeof fixdir, "%s", fx ? fx : "../shared/fixtures");
	if (argc == 3 && strcmp(argv[1], "-w") == 0) {
		snprintf(outdir, sizeof outdir, "%s", argv[2]);
		keep = 1;
	} else if (mkdtemp(tmpl) != NULL)
		snprintf(outdir, sizeof outdir, "%s", tmpl);
	else {
		perror("mkdtemp");
		return 2;
	}
	test_read_fixtures(&b04, &g04);
	test_write(&b04, &g04);
	test_window();
	test_errors();
	raster_free(&b04);
	if (!keep)
		rmdir(outdir);
	UNIT_DONE();
}
