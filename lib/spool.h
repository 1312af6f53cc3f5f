/*
 * spool.h - rasters kept as GeoTIFF files beside the stream (--spool DIR,
 * DESIGN.md section 3).  rec.h frames such a raster by reference (its "path");
 * this unit loads its samples on the way in and stores a record's rasters as
 * files on the way out, so a spooled stream is plain NDJSON and each chip opens
 * in QGIS or gdalinfo.
 *
 *	rec_read(&rd, &r, err, sizeof err);
 *	if (spool_load(&r, err, sizeof err)) { rec_as_read(&r); ...reject r... }
 *	...work...
 *	if (spool_dir && spool_store(&r, spool_dir, "stretch", err, sizeof err)) ...fatal...
 *	rec_write(stdout, &r, NULL, err, sizeof err);
 */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>
#include "rec.h"

/* Read the GeoTIFF of every raster given by path; it must hold what the record
 * says (size, bands, dtype).  0 ok, -1 with err naming the raster and the file. */
int spool_load(struct rec *r, char *err, size_t errlen);

/* Write every raster that holds data as DIR/{id}.{tool}.{role}.tif (id: the tile
 * stem, else poi_id, else the record number), on the record's grid, and leave
 * it by reference.  0 ok, -1 with err. */
int spool_store(struct rec *r, const char *dir, const char *tool, char *err, size_t errlen);

#endif
