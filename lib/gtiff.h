/*
 * gtiff.h - GeoTIFF files for spooled rasters (DESIGN.md section 3, --spool DIR):
 * tiled, DEFLATE, georeferenced with the record's grid, so gdalinfo shows the
 * right CRS, origin and pixel size, QGIS opens each chip, and the reader gives
 * back the identical samples.
 */
#ifndef GTIFF_H
#define GTIFF_H

#include <stddef.h>
#include "raster.h"

/* Write ra on grid g (g may be NULL: no georeference) to path, via a temporary
 * name and a rename.  0 ok, -1 err set. */
int gtiff_write(const char *path, const struct raster *ra, const struct grid *g,
    char *err, size_t errlen);

/* Read a whole GeoTIFF written by gtiff_write (or any plain GeoTIFF of a supported
 * dtype, band-sequential or pixel-interleaved) into ra (data allocated) and, when
 * georeferenced, g (has_grid set to 1).  0 ok, -1 err set. */
int gtiff_read(const char *path, struct raster *ra, struct grid *g, int *has_grid,
    char *err, size_t errlen);

#endif
