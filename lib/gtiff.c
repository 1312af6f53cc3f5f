/*
 * gtiff.c - GeoTIFF files for spooled rasters (see gtiff.h): a tiled, DEFLATE
 * writer that georeferences with the record's grid the way GDAL reads it, and
 * a whole-file reader on top of tifread.c.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <proj.h>
#include <tiffio.h>
#include <geotiff.h>
#include <geokeys.h>
#include <geovalues.h>
#include <xtiffio.h>

#include "geo.h"
#include "gtiff.h"
#include "tifread.h"
#include "errbuf.h"

#define GTIFF_TILE 256

static int
on_error(TIFF *tif, void *ud, const char *module, const char *fmt, va_list ap)
{
	(void)tif;
	(void)module;
	vsnprintf(ud, 256, fmt, ap);
	return 1;
}

static int
on_warning(TIFF *tif, void *ud, const char *module, const char *fmt, va_list ap)
{
	(void)tif; (void)ud; (void)module; (void)fmt; (void)ap;
	return 1;
}

static pthread_once_t geotags_once = PTHREAD_ONCE_INIT;

static void
geotags_init(void)
{
	XTIFFInitialize();
}

/* GDAL's own tags, declared on the handle as GDAL declares them. */
static const TIFFFieldInfo gdal_fields[] = {
	{ TIFFTAG_GDAL_METADATA, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0,
	    (char *)"GDALMetadata" },
	{ TIFFTAG_GDAL_NODATA, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0,
	    (char *)"GDALNoDataValue" },
};

/*
 * The EPSG code of crs and whether it is projected (1), geographic (0) or
 * unknown to us (-1).  UTM and WGS 84 are answered without opening proj.db.
 */
static int
crs_kind(const char *crs, int *epsg)
{
	PJ_CONTEXT *ctx;
	PJ *p;
	PJ_TYPE ty;
	const char *code, *auth;
	int kind = -1;

	*epsg = geo_epsg_of(crs);
	if ((*epsg > 32600 && *epsg <= 32660) || (*epsg > 32700 && *epsg <= 32760) ||
	    *epsg == 3857)
		return 1;
	if (*epsg == 4326)
		return 0;
	if (crs == NULL || *crs == '\0' || (ctx = proj_context_create()) == NULL)
		return -1;
	proj_log_level(ctx, PJ_LOG_NONE);
	if ((p = proj_create(ctx, crs)) != NULL) {
		ty = proj_get_type(p);
		if (*epsg == 0 && (auth = proj_get_id_auth_name(p, 0)) != NULL &&
		    strcmp(auth, "EPSG") == 0 && (code = proj_get_id_code(p, 0)) != NULL)
			*epsg = atoi(code);
		if (ty == PJ_TYPE_PROJECTED_CRS)
			kind = 1;
		else if (ty == PJ_TYPE_GEOGRAPHIC_2D_CRS || ty == PJ_TYPE_GEOGRAPHIC_3D_CRS)
			kind = 0;
		proj_destroy(p);
	}
	proj_context_destroy(ctx);
	if (*epsg <= 0 || *epsg > 65535)
		kind = -1;
	return kind;
}

static int
write_georef(TIFF *tif, const struct grid *g, char *msg, size_t msglen)
{
	const double *t = g->t;
	GTIF *gt;
	int epsg, kind = crs_kind(g->crs, &epsg);

	if (t[1] == 0 && t[3] == 0 && t[0] > 0 && t[4] < 0) {
		/* North-up: the form every reader knows. */
		double scale[3] = { t[0], -t[4], 0 };
		double tie[6] = { 0, 0, 0, t[2], t[5], 0 };

		TIFFSetField(tif, TIFFTAG_GEOPIXELSCALE, 3, scale);
		TIFFSetField(tif, TIFFTAG_GEOTIEPOINTS, 6, tie);
	} else {
		double m[16] = {
			t[0], t[1], 0, t[2],
			t[3], t[4], 0, t[5],
			0, 0, 0, 0,
			0, 0, 0, 1,
		};

		TIFFSetField(tif, TIFFTAG_GEOTRANSMATRIX, 16, m);
	}
	if ((gt = GTIFNew(tif)) == NULL) {
		snprintf(msg, msglen, "cannot write GeoTIFF keys");
		return -1;
	}
	GTIFKeySet(gt, GTRasterTypeGeoKey, TYPE_SHORT, 1, RasterPixelIsArea);
	if (kind == 1) {
		GTIFKeySet(gt, GTModelTypeGeoKey, TYPE_SHORT, 1, ModelTypeProjected);
		GTIFKeySet(gt, ProjectedCSTypeGeoKey, TYPE_SHORT, 1, epsg);
	} else if (kind == 0) {
		GTIFKeySet(gt, GTModelTypeGeoKey, TYPE_SHORT, 1, ModelTypeGeographic);
		GTIFKeySet(gt, GeographicTypeGeoKey, TYPE_SHORT, 1, epsg);
	} else if (g->crs[0] != '\0') {
		/* No EPSG code to give: say what it was, readers see no CRS. */
		GTIFKeySet(gt, GTCitationGeoKey, TYPE_ASCII, 0, g->crs);
	}
	GTIFWriteKeys(gt);
	GTIFFree(gt);
	return 0;
}

/* The band names as GDAL band descriptions, so QGIS and gdalinfo show them. */
static char *
band_metadata(const struct raster *ra)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int i, any = 0;

	if (ra->bands == NULL || (fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs("<GDALMetadata>\n", fp);
	for (i = 0; i < ra->nbands; i++) {
		const char *s = json_string_value(json_array_get(ra->bands, (size_t)i));

		if (s == NULL || *s == '\0')
			continue;
		any = 1;
		fprintf(fp, "  <Item name=\"DESCRIPTION\" sample=\"%d\" role=\"description\">", i);
		for (; *s; s++) {
			switch (*s) {
			case '&': fputs("&amp;", fp); break;
			case '<': fputs("&lt;", fp); break;
			case '>': fputs("&gt;", fp); break;
			default: fputc(*s, fp);
			}
		}
		fputs("</Item>\n", fp);
	}
	fputs("</GDALMetadata>", fp);
	if (fclose(fp) != 0 || !any) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
write_pixels(TIFF *tif, const struct raster *ra, unsigned char *tile, char *msg,
    size_t msglen)
{
	size_t sz = dtype_size(ra->dtype), plane = raster_plane(ra);
	size_t tbytes = (size_t)GTIFF_TILE * GTIFF_TILE * sz;
	const unsigned char *data = ra->data;
	int b, tx, ty, y, w, h;

	for (b = 0; b < ra->nbands; b++) {
		for (ty = 0; ty < ra->height; ty += GTIFF_TILE) {
			for (tx = 0; tx < ra->width; tx += GTIFF_TILE) {
				w = ra->width - tx < GTIFF_TILE ? ra->width - tx : GTIFF_TILE;
				h = ra->height - ty < GTIFF_TILE ? ra->height - ty : GTIFF_TILE;
				/* Edge tiles: zeros beyond the image compress to nothing. */
				if (w < GTIFF_TILE || h < GTIFF_TILE)
					memset(tile, 0, tbytes);
				for (y = 0; y < h; y++)
					memcpy(tile + (size_t)y * GTIFF_TILE * sz,
					    data + ((size_t)b * plane + (size_t)(ty + y) *
					    (size_t)ra->width + (size_t)tx) * sz, (size_t)w * sz);
				if (TIFFWriteEncodedTile(tif, TIFFComputeTile(tif, (uint32_t)tx,
				    (uint32_t)ty, 0, (uint16_t)b), tile, (tmsize_t)tbytes) < 0) {
					if (msg[0] == '\0')
						snprintf(msg, msglen, "cannot write a tile");
					return -1;
				}
			}
		}
	}
	return 0;
}

int
gtiff_write(const char *path, const struct raster *ra, const struct grid *g,
    char *err, size_t errlen)
{
	char tmp[4096], msg[256] = "", nd[64];
	TIFFOpenOptions *opts;
	TIFF *tif = NULL;
	unsigned char *tile = NULL;
	char *md = NULL;
	uint16_t fmt, bps;
	int fd = -1, big;

	if (ra->width <= 0 || ra->height <= 0 || ra->nbands <= 0 || ra->nbands > 65535 ||
	    ra->data == NULL || (unsigned)ra->dtype >= DT_COUNT) {
		errf(err, errlen, "%s: nothing to write (%dx%dx%d raster)", path, ra->width,
		    ra->height, ra->nbands);
		return -1;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
		errf(err, errlen, "%s: path too long", path);
		return -1;
	}
	pthread_once(&geotags_once, geotags_init);
	/* A temporary name in the same folder, renamed at the end: readers never
	 * see half a file, and a failure leaves nothing behind. */
	if ((fd = mkstemp(tmp)) < 0) {
		errf(err, errlen, "%s: cannot create a temporary file beside it: %s",
		    path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	if ((opts = TIFFOpenOptionsAlloc()) == NULL) {
		snprintf(msg, sizeof msg, "out of memory");
		goto fail;
	}
	TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, msg);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, NULL);
	/* BigTIFF only when the classic 4 GiB offsets might not do. */
	big = raster_bytes(ra) > ((size_t)3 << 30);
	tif = TIFFFdOpenExt(fd, tmp, big ? "w8" : "w", opts);
	TIFFOpenOptionsFree(opts);
	if (tif == NULL) {
		if (msg[0] == '\0')
			snprintf(msg, sizeof msg, "cannot open for writing");
		goto fail;
	}
	if (TIFFMergeFieldInfo(tif, gdal_fields, 2) != 0) {
		snprintf(msg, sizeof msg, "cannot declare the GDAL tags");
		goto fail;
	}
	switch (ra->dtype) {
	case DT_UINT8: bps = 8; fmt = SAMPLEFORMAT_UINT; break;
	case DT_UINT16: bps = 16; fmt = SAMPLEFORMAT_UINT; break;
	case DT_INT16: bps = 16; fmt = SAMPLEFORMAT_INT; break;
	default: bps = 32; fmt = SAMPLEFORMAT_IEEEFP; break;
	}
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)ra->width);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)ra->height);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)ra->nbands);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bps);
	TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, fmt);
	/* Band-separate planes: the record's own layout, written tile by tile. */
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, ra->nbands > 1 ? PLANARCONFIG_SEPARATE :
	    PLANARCONFIG_CONTIG);
	if (ra->nbands >= 3 && ra->dtype == DT_UINT8) {
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
	} else
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	{
		int base = ra->nbands >= 3 && ra->dtype == DT_UINT8 ? 3 : 1;
		int nextra = ra->nbands - base;

		if (nextra > 0) {
			uint16_t *ex = calloc((size_t)nextra, sizeof *ex);

			if (ex == NULL) {
				snprintf(msg, sizeof msg, "out of memory");
				goto fail;
			}
			/* EXTRASAMPLE_UNSPECIFIED (0) for every band past the colour ones. */
			TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (uint16_t)nextra, ex);
			free(ex);
		}
	}
	TIFFSetField(tif, TIFFTAG_TILEWIDTH, (uint32_t)GTIFF_TILE);
	TIFFSetField(tif, TIFFTAG_TILELENGTH, (uint32_t)GTIFF_TILE);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
	TIFFSetField(tif, TIFFTAG_PREDICTOR, ra->dtype == DT_FLOAT32 ?
	    PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL);
	TIFFSetField(tif, TIFFTAG_SOFTWARE, "s2vl " S2VL_VERSION);
	if (ra->has_nodata) {
		if (isnan(ra->nodata))
			snprintf(nd, sizeof nd, "nan");
		else
			snprintf(nd, sizeof nd, "%.17g", ra->nodata);
		TIFFSetField(tif, TIFFTAG_GDAL_NODATA, nd);
	}
	if ((md = band_metadata(ra)) != NULL)
		TIFFSetField(tif, TIFFTAG_GDAL_METADATA, md);
	if (g != NULL && write_georef(tif, g, msg, sizeof msg) != 0)
		goto fail;
	if ((tile = malloc((size_t)GTIFF_TILE * GTIFF_TILE * dtype_size(ra->dtype))) == NULL) {
		snprintf(msg, sizeof msg, "out of memory");
		goto fail;
	}
	if (write_pixels(tif, ra, tile, msg, sizeof msg) != 0)
		goto fail;
	if (!TIFFWriteDirectory(tif)) {
		if (msg[0] == '\0')
			snprintf(msg, sizeof msg, "cannot write the directory");
		goto fail;
	}
	/* TIFFClose closes fd too; a failed final flush only shows in msg. */
	TIFFClose(tif);
	tif = NULL;
	fd = -1;
	if (msg[0] != '\0')
		goto fail;
	if (rename(tmp, path) != 0) {
		snprintf(msg, sizeof msg, "rename: %s", strerror(errno));
		goto fail;
	}
	free(tile);
	free(md);
	return 0;
fail:
	errf(err, errlen, "%s: %s", path, msg);
	if (tif != NULL)
		TIFFClose(tif);
	else if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tile);
	free(md);
	return -1;
}

int
gtiff_read(const char *path, struct raster *ra, struct grid *g, int *has_grid,
    char *err, size_t errlen)
{
	struct tifread tr;
	size_t n;

	if (has_grid != NULL)
		*has_grid = 0;
	memset(ra, 0, sizeof *ra);
	if (tifread_open(&tr, path, err, errlen) != 0)
		return -1;
	n = (size_t)tr.width * (size_t)tr.height * (size_t)tr.spp;
	if (n / (size_t)tr.width / (size_t)tr.height != (size_t)tr.spp ||
	    n * dtype_size(tr.dtype) > RASTER_MAX_BYTES) {
		errf(err, errlen, "%s: %dx%dx%d is too large", path, tr.width, tr.height,
		    tr.spp);
		tifread_close(&tr);
		return -1;
	}
	ra->width = tr.width;
	ra->height = tr.height;
	ra->nbands = tr.spp;
	ra->dtype = tr.dtype;
	ra->has_nodata = tr.has_nodata;
	ra->nodata = tr.nodata;
	if ((ra->data = malloc(n * dtype_size(tr.dtype))) == NULL) {
		errf(err, errlen, "%s: out of memory for %dx%dx%d", path, tr.width,
		    tr.height, tr.spp);
		tifread_close(&tr);
		return -1;
	}
	if (tifread_window(&tr, 0, 0, tr.width, tr.height, 0, ra->data, err, errlen) != 0) {
		tifread_close(&tr);
		raster_free(ra);
		return -1;
	}
	tifread_band_names(&tr, ra);
	if (tr.has_grid && g != NULL) {
		*g = tr.grid;
		if (has_grid != NULL)
			*has_grid = 1;
	}
	tifread_close(&tr);
	return 0;
}
