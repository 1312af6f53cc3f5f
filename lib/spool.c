/* spool.c - load and store a record's rasters as GeoTIFF files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "gtiff.h"
#include "spool.h"

int
spool_load(struct rec *r, char *err, size_t errlen)
{
	for (size_t i = 0; i < r->nrasters; i++) {
		struct raster *ra = &r->rasters[i], f;
		char why[512];
		int rc = 0;

		if (ra->data != NULL || ra->path == NULL)
			continue;
		memset(&f, 0, sizeof f);
		if (gtiff_read(ra->path, &f, NULL, NULL, why, sizeof why))
			rc = errf(err, errlen, "rasters[%zu] (%s): %s", i, ra->role, why);
		else if (f.width != ra->width || f.height != ra->height ||
		    f.nbands != ra->nbands || f.dtype != ra->dtype)
			rc = errf(err, errlen, "rasters[%zu] (%s): %s is %dx%dx%d %s, record says "
			    "%dx%dx%d %s", i, ra->role, ra->path, f.width, f.height, f.nbands,
			    dtype_name(f.dtype), ra->width, ra->height, ra->nbands,
			    dtype_name(ra->dtype));
		else {
			ra->data = f.data;
			f.data = NULL;
			free(ra->path);
			ra->path = NULL;
		}
		raster_free(&f);
		if (rc)
			return -1;
	}
	return 0;
}

/* A file name from the record's identity, safe as one path component. */
static void
spool_name(const struct rec *r, const char *dir, const char *tool, const struct raster *ra,
    char *out, size_t outlen)
{
	const char *id = json_string_value(json_object_get(json_object_get(r->json, "tile"),
	    "stem"));
	char num[32], safe[200];
	size_t k = 0;

	if (id == NULL)
		id = json_string_value(json_object_get(r->json, "poi_id"));
	if (id == NULL) {
		snprintf(num, sizeof num, "record%lld", r->number);
		id = num;
	}
	for (; *id && k + 1 < sizeof safe; id++)
		safe[k++] = (*id == '/' || *id == '\\' || (unsigned char)*id < ' ') ? '_' : *id;
	safe[k] = '\0';
	snprintf(out, outlen, "%s/%s.%s.%s.tif", dir, safe, tool ? tool : "rec", ra->role);
}

int
spool_store(struct rec *r, const char *dir, const char *tool, char *err, size_t errlen)
{
	for (size_t i = 0; i < r->nrasters; i++) {
		struct raster *ra = &r->rasters[i];
		char path[4096];

		if (ra->data == NULL)
			continue;
		spool_name(r, dir, tool, ra, path, sizeof path);
		if (gtiff_write(path, ra, r->has_grid ? &r->grid : NULL, err, errlen))
			return -1;
		free(ra->path);
		if ((ra->path = strdup(path)) == NULL)
			return errf(err, errlen, "out of memory");
		free(ra->data);
		ra->data = NULL;
	}
	return 0;
}
