/*
 * test_labelwarp.c - lib/labelwarp.c on the real land-cover fixtures: on the
 * source's own grid the labels are its pixels (nodata mapped); through PROJ
 * onto a UTM grid the Sao Tome crop and the whole WorldCover tile give the
 * same labels; the tile and an absent neighbour as two parts give the labels
 * of the tile alone; and codes a label cannot hold become its nodata.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "labelwarp.h"
#include "tifread.h"
#include "worldcover.h"
#include "unit.h"

#define OSM "sentinel2_l1c_10m_T33UUU_havelland/landcover/osm_landuse_10m.tif"
#define TILE "worldcover/ESA_WorldCover_10m_2021_v200_N00E006_Map.tif"
#define CROP "worldcover/derived/ESA_WorldCover_10m_2021_v200_N00E006_Map_SaoTome_crop.tif"

static struct tifread osm, tile, crop;

static void
open_fixture(struct tifread *tr, const char *rel)
{
	char err[600];

	if (tifread_open(tr, unit_fixture(rel), err, sizeof err) != 0 || !tr->has_grid) {
		printf("not ok - fixture %s: %s\n", rel, err);
		exit(1);
	}
}

/* A part from a whole source file. */
static void
part_of(struct labelwarp_part *p, const struct tifread *tr)
{
	geo_invert(tr->grid.t, p->inv);
	p->width = tr->width;
	p->height = tr->height;
	p->dtype = tr->dtype;
	p->has_nodata = tr->has_nodata;
	p->nodata = tr->nodata;
}

/* Read the windows the parts need, as the caller of labelwarp_locate does. */
static void
read_parts(struct labelwarp *w, struct tifread **trs, void **bufs)
{
	char err[600];
	int k;

	for (k = 0; k < w->nparts; k++) {
		struct labelwarp_part *p = &w->parts[k];
		int ww = (int)(p->c1 - p->c0), hh = (int)(p->r1 - p->r0);

		bufs[k] = NULL;
		if (p->inside == 0)
			continue;
		bufs[k] = malloc((size_t)ww * (size_t)hh * dtype_size(p->dtype));
		if (bufs[k] == NULL || tifread_window(trs[k], p->c0, p->r0, ww, hh, 0, bufs[k],
		    err, sizeof err) != 0) {
			printf("not ok - window: %s\n", err);
			exit(1);
		}
		p->plane = bufs[k];
	}
}

/* The labels of grid g from one source through PROJ (crs -> the source's). */
static uint8_t *
warp_one(const struct grid *g, struct tifread *tr, size_t *valid, struct labelwarp_part *out)
{
	struct labelwarp w = { 0 };
	struct geo_xform *x;
	struct tifread *trs[1] = { tr };
	uint8_t *lab = malloc((size_t)g->width * (size_t)g->height);
	char err[600];
	void *bufs[LABELWARP_MAX_PARTS];

	x = geo_xform_new(g->crs, tr->grid.crs, err, sizeof err);
	CHECK(x != NULL && labelwarp_init(&w, g) == 0 &&
	    labelwarp_transform(&w, x, err, sizeof err) == 0, "centres into %s",
	    tr->grid.crs);
	part_of(&w.parts[0], tr);
	labelwarp_locate(&w);
	read_parts(&w, trs, bufs);
	*valid = labelwarp_label(&w, lab, DT_UINT8, 255);
	*out = w.parts[0];
	free(bufs[0]);
	labelwarp_clear(&w);
	geo_xform_free(x);
	return lab;
}

static void
test_same_grid(void)
{
	struct grid g = { "EPSG:32633", { 10, 0, 331000, 0, -10, 5821040 }, 300, 200 };
	struct labelwarp w = { 0 };
	struct tifread *trs[1] = { &osm };
	uint16_t *lab = malloc(300 * 200 * 2), *want = malloc(300 * 200 * 2);
	char err[600];
	size_t i, valid, nd = 0, bad = 0;
	void *bufs[LABELWARP_MAX_PARTS];

	CHECK(labelwarp_init(&w, &g) == 0 && labelwarp_transform(&w, NULL, err,
	    sizeof err) == 0, "the same CRS: nothing to transform");
	part_of(&w.parts[0], &osm);
	CHECK(labelwarp_locate(&w) == 60000 && w.x == NULL, "every pixel located, the "
	    "centres freed");
	CHECK(w.parts[0].c0 == 100 && w.parts[0].r0 == 100 && w.parts[0].c1 == 400 &&
	    w.parts[0].r1 == 300, "the window is gdal_translate -srcwin 100 100 300 200");
	read_parts(&w, trs, bufs);
	valid = labelwarp_label(&w, lab, DT_UINT16, 65535);
	tifread_window(&osm, 100, 100, 300, 200, 0, want, err, sizeof err);
	for (i = 0; i < 60000; i++) {
		nd += want[i] == 0;
		if (lab[i] != (want[i] == 0 ? 65535 : want[i]))
			bad++;
	}
	CHECK(bad == 0 && valid == 60000 - nd && nd > 0 && nd < 60000, "labels = the "
	    "source's pixels, its nodata 0 as 65535 (%zu differ, %zu nodata)", bad, nd);

	/* The same pixels, as if a server had resampled them onto the grid. */
	labelwarp_on_grid(&w, &g);
	w.parts[0].plane = want;
	w.parts[0].dtype = DT_UINT16;
	w.parts[0].has_nodata = 1;
	w.parts[0].nodata = 0;
	memset(lab, 0, 300 * 200 * 2);
	CHECK(labelwarp_label(&w, lab, DT_UINT16, 65535) == valid,
	    "on the grid: the same count");
	for (i = bad = 0; i < 60000; i++)
		bad += lab[i] != (want[i] == 0 ? 65535 : want[i]);
	CHECK(bad == 0, "on the grid: the same labels");
	labelwarp_clear(&w);
	free(bufs[0]);
	free(lab);
	free(want);
}

/* A UTM 32N grid over Sao Tome: the crop and the whole tile agree. */
static void
test_crop_and_tile(void)
{
	struct grid g = { "EPSG:32632", { 10, 0, 230000, 0, -10, 36000 }, 500, 400 };
	struct labelwarp_part pc, pt;
	size_t vc, vt, i, classes[256] = { 0 }, nclasses = 0;
	uint8_t *lc = warp_one(&g, &crop, &vc, &pc), *lt = warp_one(&g, &tile, &vt, &pt);

	CHECK(memcmp(lc, lt, 500 * 400) == 0 && vc == vt, "the crop and the tile give the "
	    "same labels (%zu valid)", vc);
	for (i = 0; i < 500 * 400; i++)
		if (classes[lt[i]]++ == 0)
			nclasses++;
	CHECK(nclasses >= 3 && vt == 500 * 400, "several classes, every pixel labelled "
	    "(%zu)", nclasses);
	CHECK(pc.c1 - pc.c0 < 600 && pc.r1 - pc.r0 < 500 && pt.c1 - pt.c0 == pc.c1 - pc.c0,
	    "only the window under the grid is read (%ldx%ld)", pc.c1 - pc.c0,
	    pc.r1 - pc.r0);
	free(lc);
	free(lt);
}

/* Across the equator: N00E006 and the absent S03E006 as two parts. */
static void
test_two_parts(void)
{
	struct grid g = { "EPSG:32632", { 10, 0, 225000, 0, -10, 3000 }, 600, 600 };
	struct labelwarp w = { 0 };
	struct worldcover_tile tiles[4];
	struct tifread *trs[2] = { &tile, NULL };
	struct labelwarp_part one;
	struct geo_xform *x;
	uint8_t *lab = malloc(600 * 600), *alone;
	size_t valid, valid_alone;
	char err[600];
	void *bufs[LABELWARP_MAX_PARTS];
	int nt;

	x = geo_xform_new(g.crs, "EPSG:4326", err, sizeof err);
	CHECK(x && labelwarp_init(&w, &g) == 0 && labelwarp_transform(&w, x, err,
	    sizeof err) == 0 && worldcover_cover("/", w.x, w.y, w.n, w.part, tiles, 4, &nt) ==
	    WORLDCOVER_OK && nt == 2, "two tiles");
	w.nparts = 2;
	part_of(&w.parts[0], &tile);
	w.parts[0].edge_snap = 1;
	w.parts[1].empty = 1;
	CHECK(labelwarp_locate(&w) == 600 * 300 && w.parts[1].inside == 0,
	    "half the grid in the tile, none in the absent one");
	read_parts(&w, trs, bufs);
	valid = labelwarp_label(&w, lab, DT_UINT8, 255);
	alone = warp_one(&g, &tile, &valid_alone, &one);
	CHECK(valid == 600 * 300 && valid_alone == valid && memcmp(lab, alone, 600 * 600) == 0,
	    "= the tile alone, nodata where the absent tile is (%zu valid)", valid);
	free(bufs[0]);
	free(alone);
	free(lab);
	labelwarp_clear(&w);
	geo_xform_free(x);
}

/* Codes a uint8 label cannot hold, negative ones, and the source's nodata. */
static void
test_codes(void)
{
	struct grid g = { "EPSG:32633", { 10, 0, 0, 0, -10, 0 }, 5, 1 };
	const int16_t src[5] = { -1, 0, 7, 255, 300 };
	struct labelwarp w = { 0 };
	uint8_t lab[5];

	labelwarp_on_grid(&w, &g);
	w.parts[0].plane = src;
	w.parts[0].dtype = DT_INT16;
	CHECK(labelwarp_label(&w, lab, DT_UINT8, 255) == 2 && lab[0] == 255 && lab[1] == 0 &&
	    lab[2] == 7 && lab[3] == 255 && lab[4] == 255, "-1, 255 and 300 are nodata");
	w.parts[0].has_nodata = 1;
	w.parts[0].nodata = 7;
	CHECK(labelwarp_label(&w, lab, DT_UINT8, 255) == 1 && lab[2] == 255,
	    "and the source's nodata");
	labelwarp_clear(&w);
}

/* A centre a hair past the last column: the edge pixel's only with edge_snap. */
static void
test_edge_snap(void)
{
	struct grid g = { "EPSG:4326", { 1, 0, 0, 0, -1, 0 }, 1, 1 };
	struct labelwarp w = { 0 };
	int snap;

	for (snap = 0; snap < 2; snap++) {
		labelwarp_init(&w, &g);		/* the centre is (0.5, -0.5) */
		w.parts[0].inv[0] = 1;		/* col = x - 0.5 + 4: just past 4 wide */
		w.parts[0].inv[2] = 3.5 + 1e-9;
		w.parts[0].inv[4] = -1;		/* row = -y - 0.5 */
		w.parts[0].inv[5] = -0.5;
		w.parts[0].width = 4;
		w.parts[0].height = 1;
		w.parts[0].edge_snap = snap;
		CHECK(labelwarp_locate(&w) == (uint64_t)snap && (!snap || (w.col[0] == 3 &&
		    w.row[0] == 0)), "edge_snap %d: %s", snap, snap ? "pixel 3" : "outside");
		labelwarp_clear(&w);
	}
}

int
main(void)
{
	open_fixture(&osm, OSM);
	open_fixture(&tile, TILE);
	open_fixture(&crop, CROP);
	test_same_grid();
	test_crop_and_tile();
	test_two_parts();
	test_codes();
	test_edge_snap();
	tifread_close(&osm);
	tifread_close(&tile);
	tifread_close(&crop);
	UNIT_DONE();
}
