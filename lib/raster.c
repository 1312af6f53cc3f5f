/* raster.c - sample types and the raster value. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "raster.h"

static const char *dtype_names[DT_COUNT] = { "uint8", "uint16", "int16", "float32" };
static const size_t dtype_sizes[DT_COUNT] = { 1, 2, 2, 4 };

const char *
dtype_name(enum dtype t)
{
	return (unsigned)t < DT_COUNT ? dtype_names[t] : "?";
}

int
dtype_parse(const char *name, enum dtype *out)
{
	for (int i = 0; i < DT_COUNT; i++)
		if (strcmp(name, dtype_names[i]) == 0) {
			*out = (enum dtype)i;
			return 0;
		}
	return -1;
}

size_t
dtype_size(enum dtype t)
{
	return (unsigned)t < DT_COUNT ? dtype_sizes[t] : 0;
}

size_t
raster_plane(const struct raster *ra)
{
	return (size_t)ra->width * (size_t)ra->height;
}

size_t
raster_bytes(const struct raster *ra)
{
	return raster_plane(ra) * (size_t)ra->nbands * dtype_size(ra->dtype);
}

int
raster_size_ok(int width, int height, int nbands, enum dtype dt)
{
	size_t n;

	if (width <= 0 || height <= 0 || nbands <= 0 || (unsigned)dt >= DT_COUNT)
		return -1;
	n = (size_t)width * (size_t)height;
	if (n / (size_t)width != (size_t)height ||
	    n * (size_t)nbands * dtype_size(dt) > RASTER_MAX_BYTES)
		return -1;
	return 0;
}

double
dtype_get(enum dtype t, const void *data, size_t i)
{
	switch (t) {
	case DT_UINT8:	 return ((const uint8_t *)data)[i];
	case DT_UINT16:	 return ((const uint16_t *)data)[i];
	case DT_INT16:	 return ((const int16_t *)data)[i];
	case DT_FLOAT32: return ((const float *)data)[i];
	default:	 return NAN;
	}
}

double
raster_get(const struct raster *ra, int b, size_t i)
{
	return dtype_get(ra->dtype, ra->data, (size_t)b * raster_plane(ra) + i);
}

void
raster_free(struct raster *ra)
{
	free(ra->data);
	free(ra->path);
	json_decref(ra->bands);
	json_decref(ra->extra);
	memset(ra, 0, sizeof *ra);
}

void
raster_set_band_name(struct raster *ra, int i, const char *name)
{
	if (ra->bands == NULL)
		ra->bands = json_array();
	while ((int)json_array_size(ra->bands) <= i)
		json_array_append_new(ra->bands, json_string(""));
	json_array_set_new(ra->bands, (size_t)i, json_string(name));
}
