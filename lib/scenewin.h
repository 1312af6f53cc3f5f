/*
 * scenewin.h - where a point's window lies in a scene's assets: the level read
 * (full resolution, or the overview with --resolution pixels), the square of
 * whole pixels nearest to centring the point on the image assets' own grid,
 * the window's grid, the check that every image asset shares that grid, and
 * the SCL pixels under the window at SCL's full resolution (20 m under 10 m
 * bands: averaged overviews would mix class codes).  After the reads, the
 * SCL class under each window pixel and the window's valid pixels.
 *
 *	struct scenewin_opts o = { .size = 512 };
 *	struct scenewin_asset img[3] = {{ "red", c_red }, { "green", ... }, ...};
 *	struct scenewin_asset scl = { "scl", c_scl };
 *	struct scenewin w;
 *	if (scenewin_place(&w, &o, &img[0], scenewin_scene_epsg(scene), xforms, lon, lat,
 *	    err, sizeof err) < 0) ...reject...
 *	// here a window may be moved: scenewin_move(&w, col0, row0)
 *	struct cog_win win[4];		// one per image asset, then the SCL
 *	if (scenewin_fit(&w, &o, img, 3, &scl, win, err, sizeof err) < 0) ...reject...
 *	cog_read_many(http, win, 4);
 *	scenewin_scl_sample(&w, win[3].data, scl_pixels);	// w.size squared
 *	coverage = scenewin_count_valid(&w, image, 3, dtype) / (double)(w.size * w.size);
 *
 * Messages name the assets ("asset red: ..."), the scene and the point, so a
 * caller rejects a record with err as it is.
 */
#ifndef SCENEWIN_H
#define SCENEWIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cog.h"
#include "raster.h"

struct xformcache;

struct scenewin_opts {
	long size;		/* window side in pixels */
	double size_m;		/* > 0: the side in metres instead, whole pixels of the level */
	double resolution;	/* > 0: read the overview with pixels this size (m) */
};

/* An asset of the scene: its name (for messages) and its parsed header. */
struct scenewin_asset {
	const char *name;
	struct cog *cog;
	int has_nodata;		/* the scene's own nodata for it (STAC "nodata"), */
	double nodata;		/* used when the GeoTIFF declares none */
};

struct scenewin {
	/* Where the image assets are read (scenewin_place, scenewin_move). */
	int epsg;		/* their CRS */
	int level;		/* the level of the first asset read */
	double level_t[6];	/* its transform */
	uint32_t level_width, level_height;	/* the scene's size at that level */
	double col, row;	/* the point, in pixels of that level */
	long col0, row0;	/* the window's top-left pixel there (may lie outside) */
	int size;		/* its side in pixels */
	struct grid grid;	/* its grid: the image's, on the scene's own pixels */
	double nodata;		/* the image's nodata, also what fills pixels off the scene */
	/* The SCL pixels under it (scenewin_fit with an SCL asset). */
	long scl_col0, scl_row0;
	int scl_width, scl_height;
	double scl_inv[6];	/* map coordinates to SCL pixels */
};

/* The EPSG code a scene declares for its assets ("crs", "proj:epsg" or
 * "proj:code"), 0 if none: what scenewin_place checks the GeoTIFF's against. */
int scenewin_scene_epsg(const json_t *scene);

/*
 * Place the window of the first image asset around lon/lat: the level, the
 * point in the asset's CRS (through xforms, lib/xformcache.h), the window of
 * o->size (or o->size_m) pixels centred on it.  declared_epsg is the CRS the
 * scene says its assets use (0: it says none).  0 ok, -1 err set.
 */
int scenewin_place(struct scenewin *w, const struct scenewin_opts *o,
    const struct scenewin_asset *first, int declared_epsg, struct xformcache *xforms,
    double lon, double lat, char *err, size_t errlen);

/* Move the window's top-left pixel to (col0, row0); its grid follows. */
void scenewin_move(struct scenewin *w, long col0, long row0);

/*
 * The windows to read: win[i] for img[i] (all on the first one's grid and
 * dtype, at the level of o->resolution), then win[nimg] for scl unless scl is
 * NULL (its EPSG must be the image's, one uint8 band).  Only the inputs of
 * each cog_win are set.  0 ok, -1 err set (win partly filled).
 */
int scenewin_fit(struct scenewin *w, const struct scenewin_opts *o,
    const struct scenewin_asset *img, size_t nimg, const struct scenewin_asset *scl,
    struct cog_win *win, char *err, size_t errlen);

/* The SCL class under the centre of each window pixel (nearest), from scl,
 * the SCL window's pixels as read, into out (w->size squared, row-major);
 * 0 (SCL no data) where the SCL window has no pixel. */
void scenewin_scl_sample(const struct scenewin *w, const uint8_t *scl, uint8_t *out);

/* Pixels of the window on the scene where not every band is w->nodata:
 * planes holds nbands planes of w->size squared samples of dtype dt. */
size_t scenewin_count_valid(const struct scenewin *w, const void *planes, int nbands,
    enum dtype dt);

#endif
