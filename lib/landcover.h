/*
 * landcover.h - land-cover class tables: the built-in ones (ESA WorldCover,
 * Google Dynamic World) and those read from a JSON file.  (Where the WorldCover
 * map itself lies is lib/worldcover.h.)
 */
#ifndef LANDCOVER_H
#define LANDCOVER_H

#include <stddef.h>
#include <jansson.h>

/* New arrays of {"id","name","color"}: the 11 WorldCover classes with their
 * official colours, and the 9 Dynamic World V1 label classes. */
json_t *lc_worldcover_classes(void);
json_t *lc_dynamic_world_classes(void);

/*
 * A class table from a JSON file: an array of {"id": int 0..65534, "name":
 * string, "color": "RRGGBB"?}, ids unique.  NULL with err set if not.
 * Returned normalised: only id, name and color (when given), in file order.
 */
json_t *lc_classes_load(const char *path, char *err, size_t errlen);
/* Largest id of a table (-1 when empty). */
long lc_classes_max_id(const json_t *classes);

#endif
