/*
 * test_cog.c - lib/cog on real fixture GeoTIFFs held in memory: header fields,
 * georeference, windows (inside, edges, corners, outside) equal to what libtiff
 * decodes, and hostile bytes (every truncation, seeded byte flips) never crash.
 */
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "cog.h"
#include "unit.h"

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = malloc(n > 0 ? (size_t)n : 1);
	if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(fp);
	*len = (size_t)n;
	return b;
}

/* The whole directory dir as band-sequential planes, decoded by libtiff (the oracle). */
static unsigned char *
libtiff_planes(const char *path, int dir, uint32_t *W, uint32_t *H, int *spp, int *bps8)
{
	TIFF *tif = TIFFOpen(path, "r");
	uint32_t w, h, tw = 0, th = 0, rps = 0;
	uint16_t s = 1, bps = 8, planar = 1;
	unsigned char *out = NULL, *blk = NULL;

	if (!tif)
		return NULL;
	if (!TIFFSetDirectory(tif, (tdir_t)dir))
		goto done;
	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &s);
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
	int tiled = TIFFIsTiled(tif);
	if (tiled) {
		TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
		TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
	} else {
		TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
		tw = w;
		th = rps > h ? h : rps;
	}
	int b8 = bps / 8, bsp = planar == 2 ? 1 : s;
	size_t plane = (size_t)w * h;
	out = calloc(plane * s, b8);
	blk = malloc((size_t)tw * th * bsp * b8);
	for (int p = 0; p < (planar == 2 ? s : 1); p++)
		for (uint32_t y = 0; y < h; y += th)
			for (uint32_t x = 0; x < w; x += tw) {
				if (tiled)
					TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x, y, 0, (uint16_t)p),
					    blk, (tmsize_t)tw * th * bsp * b8);
				else
					TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y, (uint16_t)p),
					    blk, (tmsize_t)tw * th * bsp * b8);
				for (uint32_t r = 0; r < th && y + r < h; r++)
					for (uint32_t c = 0; c < tw && x + c < w; c++)
						for (int k = 0; k < bsp; k++)
							memcpy(out + ((size_t)(planar == 2 ? p : k) * plane +
							    (size_t)(y + r) * w + x + c) * b8,
							    blk + (((size_t)r * tw + c) * bsp + k) * b8, b8);
			}
	*W = w;
	*H = h;
	*spp = s;
	*bps8 = b8;
done:
	free(blk);
	TIFFClose(tif);
	return out;
}

/* Window [c0,r0 .. +w,+h) of the oracle planes, fill outside. */
static int
window_matches(const struct cog_win *win, const unsigned char *ref, uint32_t W, uint32_t H,
    int spp, int b8)
{
	const unsigned char *got = win->data;
	size_t plane = (size_t)win->width * win->height;

	for (int b = 0; b < spp; b++)
		for (long r = 0; r < win->height; r++)
			for (long c = 0; c < win->width; c++) {
				long R = win->row0 + r, C = win->col0 + c;
				const unsigned char *g = got + ((size_t)b * plane + (size_t)r * win->width + c) * b8;
				if (R < 0 || C < 0 || R >= (long)H || C >= (long)W) {
					for (int k = 0; k < b8; k++)
						if (g[k] != 0)	/* fill 0 */
							return 0;
				} else if (memcmp(g, ref + ((size_t)b * W * H + (size_t)R * W + C) * b8, b8))
					return 0;
			}
	return 1;
}

static void
check_file(const char *path, int epsg, int spp, enum dtype dt, int nodata)
{
	size_t len;
	unsigned char *buf = slurp(path, &len);
	char err[256] = "";
	struct cog *c;

	CHECK(buf != NULL, "read %s", path);
	if (!buf)
		return;
	c = cog_parse_mem(buf, len, path, err, sizeof err);
	CHECK(c != NULL, "parse %s (%s)", path, err);
	if (!c) {
		free(buf);
		return;
	}
	CHECK(c->epsg == epsg, "%s: EPSG %d", path, c->epsg);
	CHECK(c->spp == spp && c->dtype == dt, "%s: %d bands of %s", path, c->spp, dtype_name(c->dtype));
	CHECK(c->has_nodata == nodata, "%s: nodata %d", path, c->has_nodata);
	for (int lv = 0; lv < c->nlevels; lv++) {
		uint32_t W, H;
		int s, b8;
		unsigned char *ref = libtiff_planes(path, lv, &W, &H, &s, &b8);
		CHECK(ref && W == c->level[lv].width && H == c->level[lv].height,
		    "%s level %d: %ux%u", path, lv, c->level[lv].width, c->level[lv].height);
		if (!ref)
			continue;
		long wins[][4] = {
			{ (long)W / 2 - 100, (long)H / 2 - 80, 200, 160 },	/* centre */
			{ -50, -30, 128, 100 },					/* top-left corner, outside */
			{ (long)W - 70, (long)H - 40, 128, 100 },		/* bottom-right */
			{ 0, (long)H / 3, (long)W, 7 },				/* whole rows */
			{ (long)W + 10, 5, 16, 16 },				/* all outside */
			{ 511, 511, 3, 3 },					/* tile corner */
		};
		for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++) {
			struct cog_win w = { .cog = c, .level = lv, .col0 = wins[i][0],
			    .row0 = wins[i][1], .width = (int)wins[i][2], .height = (int)wins[i][3] };
			int rc = cog_read_mem(buf, len, &w);
			CHECK(rc == 0 && window_matches(&w, ref, W, H, s, b8),
			    "%s level %d window %ld,%ld %ldx%ld equals libtiff (%s)", path, lv,
			    wins[i][0], wins[i][1], wins[i][2], wins[i][3], w.error);
			cog_win_clear(&w);
		}
		free(ref);
	}
	cog_unref(c);
	free(buf);
}

/* Every prefix and seeded byte flips: parse and read either fail cleanly or work. */
static void
hostile(const char *path)
{
	size_t len, cut, crashes = 0;
	unsigned char *buf = slurp(path, &len), *m;
	char err[256];
	unsigned seed = 12345;
	int parsed = 0, rejected = 0;

	if (!buf)
		return;
	for (cut = 0; cut < 20000 && cut < len; cut += (cut < 600 ? 1 : 97)) {
		struct cog *c = cog_parse_mem(buf, cut, path, err, sizeof err);
		if (c) {
			struct cog_win w = { .cog = c, .level = 0, .col0 = 0, .row0 = 0,
			    .width = 64, .height = 64 };
			cog_read_mem(buf, cut, &w);
			cog_win_clear(&w);
			cog_unref(c);
			parsed++;
		} else
			rejected++;
	}
	CHECK(rejected > 0, "%s: truncated headers rejected (%d), none crashed", path, rejected);
	m = malloc(len);
	for (int it = 0; it < 3000 && m; it++) {
		memcpy(m, buf, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (len < 4096 ? len : 4096);
			if ((seed >> 4) & 1)	/* or near the end, where stripped files keep the IFD */
				at = len - 1 - at;
			seed = seed * 1103515245u + 12345u;
			m[at] = (unsigned char)(seed >> 16);
		}
		struct cog *c = cog_parse_mem(m, len, path, err, sizeof err);
		if (c) {
			struct cog_win w = { .cog = c, .level = 0, .col0 = -5, .row0 = -5,
			    .width = 300, .height = 300 };
			cog_read_mem(m, len, &w);
			cog_win_clear(&w);
			cog_unref(c);
		}
	}
	CHECK(crashes == 0, "%s: 3000 corrupted headers parsed or rejected without a crash", path);
	free(m);
	free(buf);
}

int
main(void)
{
	const char *fix = getenv("S2VL_FIXTURES");
	char p[1024];
	char err[256];

	if (!fix)
		fix = "../shared/fixtures";
	TIFFSetWarningHandler(NULL);
#define F(x) (snprintf(p, sizeof p, "%s/%s", fix, x), p)
	check_file(F("sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/B04.tif"), 32629, 1, DT_UINT16, 1);
	check_file(F("sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/TCI.tif"), 32629, 3, DT_UINT8, 1);
	check_file(F("sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/SCL.tif"), 32629, 1, DT_UINT8, 1);
	check_file(F("sentinel2_l1c_10m_T33UUU_havelland/B04.tif"), 32633, 1, DT_UINT16, 0);
	check_file(F("sentinel2_l2a_10m_T48QUE_majortom/B02.tif"), 32648, 1, DT_UINT16, 0);
	check_file(F("landsat_fallback/RGB.byte.tif"), 32618, 3, DT_UINT8, 1);

	{
		size_t len;
		unsigned char *b = slurp(F("sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/B04.tif"), &len);
		struct cog *c = b ? cog_parse_mem(b, len, "B04", err, sizeof err) : NULL;
		CHECK(c && c->nlevels == 3, "B04: full resolution and 2 overviews");
		CHECK(c && c->level[0].t[0] == 100 && c->level[0].t[2] == 199980 &&
		    c->level[0].t[4] == -100 && c->level[0].t[5] == 2800020,
		    "B04: transform [100,0,199980,0,-100,2800020]");
		CHECK(c && cog_level_for_res(c, 200) == 1 && cog_level_for_res(c, 150) == -1,
		    "B04: 200 m is overview 1, 150 m none");
		CHECK(c && c->level[0].tiled && c->level[0].block_w == 512, "B04: 512 tiles");
		if (c) {
			struct cog_win w = { .cog = c, .level = 0, .col0 = 100, .row0 = 100,
			    .width = 512, .height = 512 };
			struct cog_range *r;
			long n = cog_plan(&w, &r);
			/* 4 tiles, row-major: two pairs of neighbours merge into 2 ranges. */
			CHECK(n == 2, "B04: a window over 4 tiles needs 2 merged ranges (%ld)", n);
			free(r);
		}
		cog_unref(c);
		c = b ? cog_parse_mem(b, 1400, "B04", err, sizeof err) : NULL;
		CHECK(c != NULL, "B04: 1400 bytes hold the whole COG header");
		CHECK(cog_parse_mem(b, 1200, "B04", err, sizeof err) == NULL, "B04: 1200 bytes do not (%s)", err);
		if (c) {
			struct cog_win w = { .cog = c, .level = 0, .col0 = 0, .row0 = 0,
			    .width = 10, .height = 10 };
			CHECK(cog_read_mem(b, 1400, &w) < 0 && strstr(w.error, "past end of file"),
			    "B04 cut at 1400 bytes: %s", w.error);
			cog_unref(c);
		}
		CHECK(cog_parse_mem((const unsigned char *)"hello world, no tiff", 20, "x", err,
		    sizeof err) == NULL && strstr(err, "not a TIFF"), "text: %s", err);
		free(b);
	}
	hostile(F("sentinel2_l2a_cog/S2A_29RKH_20200219_0_L2A/B04.tif"));
	hostile(F("landsat_fallback/RGB.byte.tif"));
	UNIT_DONE();
}
