/*
 * test_labelsrc.c - lib/labelsrc.c on the real land-cover fixtures: a local
 * source opens with its size, type, CRS and nodata, its windows equal what the
 * COG reader decodes from the same bytes, a file:// URL is the same source,
 * sources that cannot hold class codes or are not there fail (or are absent
 * when allowed), failures are tried again, and the cache keeps the last
 * LABELSRC_KEEP sources used.
 *
 * With S2VL_TEST_URL (nginx serving the fixtures folder, t0612) the same
 * windows are read over HTTP ranges, and a 404 is absent when allowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cog.h"
#include "http.h"
#include "labelsrc.h"
#include "unit.h"

#define OSM "sentinel2_l1c_10m_T33UUU_havelland/landcover/osm_landuse_10m.tif"
#define CROP "worldcover/derived/ESA_WorldCover_10m_2021_v200_N00E006_Map_SaoTome_crop.tif"

/* The oracle: the window as the COG reader decodes it from the whole file. */
static void *
cog_window(const char *file, long c0, long r0, int w, int h)
{
	size_t n = 0;
	unsigned char *buf = unit_slurp(file, &n);
	struct cog_win win = { 0 };
	struct cog *c = NULL;
	char err[256];

	if (buf != NULL)
		c = cog_parse_mem(buf, n, file, err, sizeof err);
	win.cog = c;
	win.col0 = c0;
	win.row0 = r0;
	win.width = w;
	win.height = h;
	if (c == NULL || cog_read_mem(buf, n, &win) != 0)
		win.data = NULL;
	cog_unref(c);
	free(buf);
	return win.data;
}

/* Read one window of s and compare it with the oracle. */
static void
window(struct labelsrc_cache *lc, struct labelsrc *s, const char *file, long c0, long r0,
    int w, int h, const char *what)
{
	struct labelsrc_win win = { .src = s, .col0 = c0, .row0 = r0, .width = w,
	    .height = h }, *ws[1] = { &win };
	void *want = cog_window(file, c0, r0, w, h);

	labelsrc_read(lc, ws, 1);
	CHECK(win.ok && want != NULL && memcmp(win.plane, want, (size_t)w * (size_t)h *
	    dtype_size(s->dtype)) == 0, "%s: %dx%d window at (%ld, %ld) = the COG reader's "
	    "(%s)", what, w, h, c0, r0, win.ok ? "" : win.error);
	labelsrc_win_clear(&win);
	free(want);
}

static void
test_local(void)
{
	struct labelsrc_cache *lc = labelsrc_cache_new(NULL, 1);
	struct labelsrc *s, *t, *m, *a, *j;
	char url[1100], junk[] = "/tmp/test_labelsrc.XXXXXX";
	int fd = mkstemp(junk);

	s = labelsrc_get(lc, unit_fixture(OSM), "osm", 0);
	snprintf(url, sizeof url, "file://%s", unit_fixture(OSM));
	CHECK(s != NULL && labelsrc_get(lc, url, "osm", 0) == s, "a file:// URL is the "
	    "same source");
	CHECK(s->state == LABELSRC_UNTRIED, "untried until opened");
	t = labelsrc_get(lc, unit_fixture(CROP), "crop", 0);
	m = labelsrc_get(lc, unit_fixture("nothere/x.tif"), "missing", 0);
	a = labelsrc_get(lc, unit_fixture("nothere/y.tif"), "sea", LABELSRC_ABSENT_OK);
	if (fd < 0 || write(fd, "junk\n", 5) != 5)
		exit(2);
	close(fd);
	j = labelsrc_get(lc, junk, "junk", 0);
	CHECK(labelsrc_open(lc) == 0, "local files fetch no bytes");
	CHECK(s->state == LABELSRC_OPEN && s->width == 1536 && s->height == 768 &&
	    s->spp == 1 && s->dtype == DT_UINT16 && strcmp(s->crs, "EPSG:32633") == 0 &&
	    s->has_nodata && s->nodata == 0, "the OSM raster: 1536x768 uint16, EPSG:32633, "
	    "nodata 0 (%s)", s->error);
	CHECK(s->inv[0] * 330000 + s->inv[1] * 5822040 + s->inv[2] == 0 &&
	    s->inv[3] * 330000 + s->inv[4] * 5822040 + s->inv[5] == 0,
	    "its origin is pixel (0, 0)");
	CHECK(t->state == LABELSRC_OPEN && t->width == 3840 && t->height == 5040 &&
	    t->dtype == DT_UINT8 && strcmp(t->crs, "EPSG:4326") == 0, "the crop: 3840x5040 "
	    "uint8, EPSG:4326");
	CHECK(m->state == LABELSRC_FAILED && strstr(m->error, "No such file"),
	    "a missing file fails: %s", m->error);
	CHECK(a->state == LABELSRC_ABSENT, "unless it may be absent");
	CHECK(j->state == LABELSRC_FAILED && strstr(j->error, "Cannot read TIFF header"),
	    "junk fails: %s", j->error);
	window(lc, s, unit_fixture(OSM), 100, 100, 300, 200, "OSM");
	window(lc, s, unit_fixture(OSM), 1000, 500, 536, 268, "OSM, to the corner");
	window(lc, t, unit_fixture(CROP), 1234, 4321, 700, 500, "crop");
	labelsrc_batch_end(lc);
	CHECK(labelsrc_get(lc, unit_fixture(OSM), "osm", 0) == s && s->state == LABELSRC_OPEN,
	    "an open source is kept for the next batch");
	m = labelsrc_get(lc, unit_fixture("nothere/x.tif"), "missing", 0);
	CHECK(m->state == LABELSRC_UNTRIED, "a failed one is tried again");
	labelsrc_cache_free(lc);
	unlink(junk);

	lc = labelsrc_cache_new(NULL, 2);
	s = labelsrc_get(lc, unit_fixture(OSM), "osm", 0);
	labelsrc_open(lc);
	CHECK(s->state == LABELSRC_FAILED && strcmp(s->error, "osm: has 1 band, --band is 2")
	    == 0, "band 2 of a one-band file: %s", s->error);
	labelsrc_cache_free(lc);
}

/* The last LABELSRC_KEEP used stay, the older go. */
static void
test_keep(int others)
{
	struct labelsrc_cache *lc = labelsrc_cache_new(NULL, 1);
	struct labelsrc *s = labelsrc_get(lc, unit_fixture(OSM), "osm", 0);
	char name[64];
	int i;

	labelsrc_open(lc);
	labelsrc_batch_end(lc);
	for (i = 0; i < others; i++) {
		snprintf(name, sizeof name, "nothere/%d.tif", i);
		labelsrc_get(lc, unit_fixture(name), name, LABELSRC_ABSENT_OK);
		labelsrc_open(lc);
		labelsrc_batch_end(lc);
	}
	s = labelsrc_get(lc, unit_fixture(OSM), "osm", 0);
	if (others < LABELSRC_KEEP)
		CHECK(s->state == LABELSRC_OPEN, "after %d others it is kept", others);
	else
		CHECK(s->state == LABELSRC_UNTRIED, "after %d others it is gone", others);
	labelsrc_cache_free(lc);
}

static void
test_remote(const char *base)
{
	struct http_opts o;
	struct http *h;
	struct labelsrc_cache *lc;
	struct labelsrc *s, *t, *a, *m;
	char u[4][1100];
	uint64_t bytes;

	http_opts_default(&o);
	o.max_retries = 0;
	h = http_new(&o);
	lc = labelsrc_cache_new(h, 1);
	snprintf(u[0], sizeof u[0], "%s/%s", base, OSM);
	snprintf(u[1], sizeof u[1], "%s/%s", base, CROP);
	snprintf(u[2], sizeof u[2], "%s/nothere/x.tif?sig=secret", base);
	snprintf(u[3], sizeof u[3], "%s/nothere/y.tif", base);
	s = labelsrc_get(lc, u[0], "osm", 0);
	t = labelsrc_get(lc, u[1], "crop", 0);
	m = labelsrc_get(lc, u[2], "missing", 0);
	a = labelsrc_get(lc, u[3], "sea", LABELSRC_ABSENT_OK);
	bytes = labelsrc_open(lc);
	CHECK(bytes > 0 && s->state == LABELSRC_OPEN && t->state == LABELSRC_OPEN &&
	    s->width == 1536 && t->width == 3840 && strcmp(s->crs, "EPSG:32633") == 0 &&
	    strcmp(t->crs, "EPSG:4326") == 0, "http: both open, %llu header bytes (%s%s)",
	    (unsigned long long)bytes, s->error, t->error);
	CHECK(m->state == LABELSRC_FAILED && strstr(m->error, "404") &&
	    strstr(m->error, "x.tif?...") && !strstr(m->error, "secret"),
	    "http 404 fails, the query redacted: %s", m->error);
	CHECK(a->state == LABELSRC_ABSENT, "unless it may be absent");
	window(lc, s, unit_fixture(OSM), 100, 100, 300, 200, "http OSM");
	window(lc, t, unit_fixture(CROP), 1234, 4321, 700, 500, "http crop");
	labelsrc_cache_free(lc);
	http_free(h);
}

int
main(void)
{
	const char *url = getenv("S2VL_TEST_URL");

	if (url != NULL) {
		test_remote(url);
		UNIT_DONE();
	}
	test_local();
	test_keep(LABELSRC_KEEP - 1);
	test_keep(LABELSRC_KEEP);
	UNIT_DONE();
}
