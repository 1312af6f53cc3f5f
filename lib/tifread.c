/*
 * tifread.c - windowed reads of a local GeoTIFF through libtiff (see tifread.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tiffio.h>
#include <geotiff.h>
#include <geokeys.h>
#include <geovalues.h>
#include <geo_normalize.h>
#include <xtiffio.h>

#include "tifread.h"
#include "errbuf.h"

/* libtiff reports through callbacks: keep the last error on the handle. */
static int
on_error(TIFF *tif, void *ud, const char *module, const char *fmt, va_list ap)
{
	struct tifread *tr = ud;

	(void)tif;
	(void)module;
	if (tr != NULL)
		vsnprintf(tr->msg, sizeof tr->msg, fmt, ap);
	return 1;
}

static int
on_warning(TIFF *tif, void *ud, const char *module, const char *fmt, va_list ap)
{
	/* Unknown tags and the like: not our business. */
	(void)tif; (void)ud; (void)module; (void)fmt; (void)ap;
	return 1;
}

static void
on_gtif_error(GTIF *g, int level, const char *fmt, ...)
{
	(void)g; (void)level; (void)fmt;
}

static pthread_once_t geotags_once = PTHREAD_ONCE_INIT;

/* The GeoTIFF tags must be known to libtiff before a directory is read, so
 * libgeotiff gets them with the counts it expects. */
static void
geotags_init(void)
{
	XTIFFInitialize();
}

/* The values of a double-array tag, whatever count convention libtiff uses. */
static int
get_doubles(TIFF *tif, uint32_t tag, double **v, uint32_t *n)
{
	const TIFFField *f = TIFFFieldWithTag(tif, tag);
	uint16_t n16 = 0;

	*v = NULL;
	*n = 0;
	if (f == NULL)
		return 0;
	if (!TIFFFieldPassCount(f))
		return 0;
	if (TIFFFieldReadCount(f) == TIFF_VARIABLE2) {
		if (!TIFFGetField(tif, tag, n, v))
			return 0;
	} else {
		if (!TIFFGetField(tif, tag, &n16, v))
			return 0;
		*n = n16;
	}
	return *v != NULL && *n > 0;
}

/* An ASCII tag (GDAL_NODATA, GDAL_METADATA), known or anonymous. */
static const char *
get_ascii(TIFF *tif, uint32_t tag)
{
	const TIFFField *f = TIFFFieldWithTag(tif, tag);
	char *s = NULL;
	uint32_t n32 = 0;
	uint16_t n16 = 0;

	if (f == NULL)
		return NULL;
	if (!TIFFFieldPassCount(f)) {
		if (!TIFFGetField(tif, tag, &s))
			return NULL;
	} else if (TIFFFieldReadCount(f) == TIFF_VARIABLE2) {
		if (!TIFFGetField(tif, tag, &n32, &s))
			return NULL;
	} else if (!TIFFGetField(tif, tag, &n16, &s))
		return NULL;
	return s;
}

static void
read_georef(struct tifread *tr)
{
	TIFF *tif = tr->tif;
	GTIF *gt;
	double *scale, *tie, *mat;
	uint32_t nscale, ntie, nmat;
	unsigned short model = 0, raster = RasterPixelIsArea, pcs = 0, gcs = 0;
	double *t = tr->grid.t;

	if (get_doubles(tif, TIFFTAG_GEOTRANSMATRIX, &mat, &nmat) && nmat >= 16) {
		t[0] = mat[0];
		t[1] = mat[1];
		t[2] = mat[3];
		t[3] = mat[4];
		t[4] = mat[5];
		t[5] = mat[7];
		tr->has_grid = 1;
	} else if (get_doubles(tif, TIFFTAG_GEOTIEPOINTS, &tie, &ntie) && ntie >= 6 &&
	    get_doubles(tif, TIFFTAG_GEOPIXELSCALE, &scale, &nscale) && nscale >= 2) {
		/* Tiepoint (I,J) -> (X,Y); y grows down the rows, so e = -ScaleY. */
		t[0] = scale[0];
		t[1] = 0;
		t[2] = tie[3] - tie[0] * scale[0];
		t[3] = 0;
		t[4] = -scale[1];
		t[5] = tie[4] + tie[1] * scale[1];
		tr->has_grid = 1;
	}
	tr->grid.width = tr->width;
	tr->grid.height = tr->height;
	tr->grid.crs[0] = '\0';

	gt = GTIFNewEx(tif, on_gtif_error, NULL);
	if (gt == NULL)
		return;
	GTIFKeyGet(gt, GTModelTypeGeoKey, &model, 0, 1);
	GTIFKeyGet(gt, GTRasterTypeGeoKey, &raster, 0, 1);
	if (GTIFKeyGet(gt, ProjectedCSTypeGeoKey, &pcs, 0, 1) && pcs != 0 &&
	    pcs != KvUserDefined)
		snprintf(tr->grid.crs, sizeof tr->grid.crs, "EPSG:%u", pcs);
	else if (model != ModelTypeProjected &&
	    GTIFKeyGet(gt, GeographicTypeGeoKey, &gcs, 0, 1) && gcs != 0 &&
	    gcs != KvUserDefined)
		snprintf(tr->grid.crs, sizeof tr->grid.crs, "EPSG:%u", gcs);
	else {
		/* A user-defined CRS: PROJ can take the +proj string if it fits. */
		GTIFDefn defn;
		char *p4;

		if (GTIFGetDefn(gt, &defn) && defn.DefnSet &&
		    (p4 = GTIFGetProj4Defn(&defn)) != NULL) {
			if (strlen(p4) + strlen(" +type=crs") < sizeof tr->grid.crs)
				snprintf(tr->grid.crs, sizeof tr->grid.crs, "%s +type=crs",
				    p4);
			GTIFFreeMemory(p4);
		}
	}
	GTIFFree(gt);

	/* PixelIsPoint: the tiepoint is a pixel centre; shift to the corner as GDAL does. */
	if (tr->has_grid && raster == RasterPixelIsPoint) {
		t[2] -= 0.5 * t[0] + 0.5 * t[1];
		t[5] -= 0.5 * t[3] + 0.5 * t[4];
		tr->pixel_is_point = 1;
	}
}

int
tifread_open(struct tifread *tr, const char *path, char *err, size_t errlen)
{
	TIFFOpenOptions *opts;
	TIFF *tif;
	uint32_t w = 0, h = 0;
	uint16_t spp = 1, bps = 1, fmt = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG;
	uint16_t comp = COMPRESSION_NONE, photo = PHOTOMETRIC_MINISBLACK;
	const char *nd;
	uint64_t sz;

	memset(tr, 0, sizeof *tr);
	snprintf(tr->path, sizeof tr->path, "%s", path);
	pthread_once(&geotags_once, geotags_init);
	if ((opts = TIFFOpenOptionsAlloc()) == NULL) {
		errf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, tr);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, tr);
	errno = 0;
	tif = TIFFOpenExt(path, "r", opts);
	TIFFOpenOptionsFree(opts);
	if (tif == NULL) {
		const char *why = tr->msg[0] ? tr->msg : errno ? strerror(errno) :
		    "not a TIFF file";
		size_t n = strlen(path);

		/* libtiff's own message may already start with the path. */
		if (strncmp(why, path, n) == 0 && why[n] == ':' && why[n + 1] == ' ')
			why += n + 2;
		errf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	tr->tif = tif;
	TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &fmt);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
	TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &comp);
	TIFFGetFieldDefaulted(tif, TIFFTAG_PHOTOMETRIC, &photo);
	if (w == 0 || h == 0 || w > INT_MAX || h > INT_MAX || spp == 0) {
		errf(err, errlen, "%s: bad image size %ux%u, %u samples per pixel", path,
		    w, h, spp);
		goto fail;
	}
	tr->width = (int)w;
	tr->height = (int)h;
	tr->spp = spp;
	if (bps == 8 && fmt == SAMPLEFORMAT_UINT)
		tr->dtype = DT_UINT8;
	else if (bps == 16 && fmt == SAMPLEFORMAT_UINT)
		tr->dtype = DT_UINT16;
	else if (bps == 16 && fmt == SAMPLEFORMAT_INT)
		tr->dtype = DT_INT16;
	else if (bps == 32 && fmt == SAMPLEFORMAT_IEEEFP)
		tr->dtype = DT_FLOAT32;
	else {
		errf(err, errlen, "%s: unsupported samples: %u-bit %s (uint8, uint16, "
		    "int16 and float32 are)", path, bps, fmt == SAMPLEFORMAT_INT ? "signed" :
		    fmt == SAMPLEFORMAT_IEEEFP ? "float" : "unsigned");
		goto fail;
	}
	/* Let libjpeg turn subsampled YCbCr into plain RGB samples. */
	if (comp == COMPRESSION_JPEG && photo == PHOTOMETRIC_YCBCR)
		TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
	tr->separate = planar == PLANARCONFIG_SEPARATE && spp > 1;
	tr->tiled = TIFFIsTiled(tif);
	if (tr->tiled) {
		TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tr->block_w);
		TIFFGetField(tif, TIFFTAG_TILELENGTH, &tr->block_h);
		sz = (uint64_t)TIFFTileSize64(tif);
	} else {
		uint32_t rps = h;

		TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
		tr->block_w = w;
		tr->block_h = rps == 0 || rps > h ? h : rps;
		sz = (uint64_t)TIFFStripSize64(tif);
	}
	if (tr->block_w == 0 || tr->block_h == 0 || sz == 0 ||
	    sz < (uint64_t)tr->block_w * tr->block_h * (tr->separate ? 1 : spp) *
	    dtype_size(tr->dtype) || sz > ((uint64_t)1 << 31)) {
		errf(err, errlen, "%s: bad %s size %ux%u (%llu bytes)", path,
		    tr->tiled ? "tile" : "strip", tr->block_w, tr->block_h,
		    (unsigned long long)sz);
		goto fail;
	}
	tr->block_bytes = (size_t)sz;
	if ((tr->block = malloc(tr->block_bytes)) == NULL) {
		errf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	read_georef(tr);
	if ((nd = get_ascii(tif, TIFFTAG_GDAL_NODATA)) != NULL && *nd) {
		char *end;
		double v = strtod(nd, &end);

		while (*end == ' ')
			end++;
		if (end != nd && *end == '\0') {
			tr->has_nodata = 1;
			tr->nodata = v;
		}
	}
	return 0;
fail:
	tifread_close(tr);
	return -1;
}

static void
fill_value(void *out, enum dtype dt, size_t n, double v)
{
	size_t i;

	switch (dt) {
	case DT_UINT8:
		memset(out, v >= 0 && v <= 255 ? (int)v : 0, n);
		break;
	case DT_UINT16: {
		uint16_t *p = out, x = v >= 0 && v <= 65535 ? (uint16_t)v : 0;
		for (i = 0; i < n; i++)
			p[i] = x;
		break;
	}
	case DT_INT16: {
		int16_t *p = out, x = v >= -32768 && v <= 32767 ? (int16_t)v : 0;
		for (i = 0; i < n; i++)
			p[i] = x;
		break;
	}
	default: {
		float *p = out, x = (float)v;
		for (i = 0; i < n; i++)
			p[i] = x;
		break;
	}
	}
}

int
tifread_window(struct tifread *tr, long col0, long row0, int width, int height,
    double fill, void *out, char *err, size_t errlen)
{
	TIFF *tif = tr->tif;
	size_t sz = dtype_size(tr->dtype), plane = (size_t)width * (size_t)height;
	long c0, r0, c1, r1, bx, by;
	int nplanes = tr->separate ? tr->spp : 1, p, s;
	unsigned char *o = out;

	if (width <= 0 || height <= 0) {
		errf(err, errlen, "%s: empty window %dx%d", tr->path, width, height);
		return -1;
	}
	/* The part of the window inside the image. */
	c0 = col0 < 0 ? 0 : col0;
	r0 = row0 < 0 ? 0 : row0;
	c1 = col0 + width < tr->width ? col0 + width : tr->width;
	r1 = row0 + height < tr->height ? row0 + height : tr->height;
	if (c0 > col0 || r0 > row0 || c1 < col0 + width || r1 < row0 + height)
		fill_value(out, tr->dtype, plane * tr->spp, fill);
	if (c0 >= c1 || r0 >= r1)
		return 0;

	for (p = 0; p < nplanes; p++) {
		for (by = r0 / tr->block_h; by * (long)tr->block_h < r1; by++) {
			for (bx = c0 / tr->block_w; bx * (long)tr->block_w < c1; bx++) {
				long bc0 = bx * (long)tr->block_w, br0 = by * (long)tr->block_h;
				long xc0 = bc0 > c0 ? bc0 : c0, yr0 = br0 > r0 ? br0 : r0;
				long xc1 = bc0 + (long)tr->block_w, yr1 = br0 + (long)tr->block_h;
				tmsize_t got;
				long y, x;

				if (xc1 > c1)
					xc1 = c1;
				if (yr1 > r1)
					yr1 = r1;
				tr->msg[0] = '\0';
				if (tr->tiled)
					got = TIFFReadEncodedTile(tif, TIFFComputeTile(tif,
					    (uint32_t)bc0, (uint32_t)br0, 0, (uint16_t)p),
					    tr->block, (tmsize_t)tr->block_bytes);
				else
					got = TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif,
					    (uint32_t)br0, (uint16_t)p), tr->block,
					    (tmsize_t)tr->block_bytes);
				if (got < 0) {
					errf(err, errlen, "%s: cannot decode %s at row %ld col "
					    "%ld: %s", tr->path, tr->tiled ? "tile" : "strip",
					    br0, bc0, tr->msg[0] ? tr->msg :
					    "read error (truncated or corrupt file?)");
					return -1;
				}
				tr->blocks_read++;
				for (y = yr0; y < yr1; y++) {
					size_t orow = (size_t)(y - row0) * (size_t)width;
					size_t brow = (size_t)(y - br0) * tr->block_w;

					if (tr->separate || tr->spp == 1) {
						memcpy(o + ((size_t)p * plane + orow +
						    (size_t)(xc0 - col0)) * sz,
						    (unsigned char *)tr->block + (brow +
						    (size_t)(xc0 - bc0)) * sz,
						    (size_t)(xc1 - xc0) * sz);
						continue;
					}
					/* Pixel-interleaved: spread the samples into planes. */
					for (s = 0; s < tr->spp; s++) {
						for (x = xc0; x < xc1; x++)
							memcpy(o + ((size_t)s * plane + orow +
							    (size_t)(x - col0)) * sz,
							    (unsigned char *)tr->block +
							    ((brow + (size_t)(x - bc0)) *
							    tr->spp + s) * sz, sz);
					}
				}
			}
		}
	}
	return 0;
}

/* Undo the five XML entities GDAL writes. */
static void
xml_unescape(char *s)
{
	static const struct { const char *ent; char c; } tab[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	char *r = s, *w = s;
	size_t i;

	while (*r) {
		if (*r == '&') {
			for (i = 0; i < sizeof tab / sizeof tab[0]; i++) {
				size_t n = strlen(tab[i].ent);

				if (strncmp(r, tab[i].ent, n) == 0) {
					*w++ = tab[i].c;
					r += n;
					break;
				}
			}
			if (i < sizeof tab / sizeof tab[0])
				continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

void
tifread_band_names(struct tifread *tr, struct raster *ra)
{
	const char *md = get_ascii(tr->tif, TIFFTAG_GDAL_METADATA), *p, *q, *e;
	char name[256];
	long band;

	if (md == NULL)
		return;
	/* <Item name="DESCRIPTION" sample="N" role="description">text</Item> */
	for (p = md; (p = strstr(p, "<Item")) != NULL; p = e) {
		if ((e = strstr(p, "</Item>")) == NULL)
			break;
		q = strchr(p, '>');
		if (q == NULL || q > e)
			continue;
		if (memmem(p, (size_t)(q - p), "role=\"description\"", 18) == NULL)
			continue;
		if ((p = memmem(p, (size_t)(q - p), "sample=\"", 8)) == NULL)
			continue;
		band = strtol(p + 8, NULL, 10);
		if (band < 0 || band >= ra->nbands || (size_t)(e - q - 1) >= sizeof name)
			continue;
		memcpy(name, q + 1, (size_t)(e - q - 1));
		name[e - q - 1] = '\0';
		xml_unescape(name);
		raster_set_band_name(ra, (int)band, name);
	}
}

void
tifread_close(struct tifread *tr)
{
	if (tr->tif != NULL)
		TIFFClose(tr->tif);
	free(tr->block);
	tr->tif = NULL;
	tr->block = NULL;
}
