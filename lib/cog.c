/*
 * cog.c - (Cloud-Optimized) GeoTIFF headers from fetched byte ranges: TIFF and
 * BigTIFF IFDs, block offsets, georeference and nodata, the header cache, and
 * phase 1 of cog.h (open many files at once, growing the first range as needed).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cog.h"
#include "cog_codec.h"
#include "cog_int.h"
#include "http.h"
#include "errbuf.h"

#define FIRST_BYTES	16384		/* first range, as GDAL: holds every IFD of a COG */
#define MAX_HEADER	((uint64_t)64 << 20)	/* header bytes we are willing to fetch */
#define MAX_ROUNDS	8		/* header growth rounds */
#define MAX_IFDS	64
#define MAX_ENTRIES	4096		/* tags in one IFD */
#define MAX_SIDE	((uint32_t)1 << 22)	/* image side in pixels */
#define MAX_BLOCK	((uint64_t)1 << 28)	/* decoded bytes of one tile or strip */
#define MAX_BLOCKS	((uint64_t)1 << 20)	/* tiles or strips in one image: 8 MiB of offsets */
#define MAX_MISS	64

/*
 * A sparse view of a file: the byte ranges fetched so far.  Reads outside them
 * are noted as missing, so one parsing pass lists everything the next round
 * must fetch.
 */
struct seg {
	uint64_t off, len;
	const unsigned char *p;
};

struct src {
	const struct seg *seg;
	size_t nseg;
	uint64_t file_size;	/* UINT64_MAX: unknown */
	int be;
	struct cog_range miss[MAX_MISS];
	size_t nmiss;
	int past_eof;		/* a read lies beyond the end of the file */
	uint64_t eof_off;
};

static const unsigned char *
get(struct src *s, uint64_t off, uint64_t len)
{
	size_t i;

	if (off + len < off)
		len = UINT64_MAX - off;
	for (i = 0; i < s->nseg; i++)
		if (off >= s->seg[i].off && off - s->seg[i].off <= s->seg[i].len &&
		    len <= s->seg[i].len - (off - s->seg[i].off))
			return s->seg[i].p + (off - s->seg[i].off);
	if (s->file_size != UINT64_MAX && (off >= s->file_size || len > s->file_size - off)) {
		if (!s->past_eof)
			s->eof_off = off;
		s->past_eof = 1;
		return NULL;
	}
	if (s->nmiss < MAX_MISS) {
		s->miss[s->nmiss].off = off;
		s->miss[s->nmiss].len = len;
		s->nmiss++;
	}
	return NULL;
}

static uint16_t
rd16(const struct src *s, const unsigned char *p)
{
	return s->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
rd32(const struct src *s, const unsigned char *p)
{
	return s->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	    : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t
rd64(const struct src *s, const unsigned char *p)
{
	uint64_t hi = rd32(s, p), lo = rd32(s, p + 4);

	return s->be ? hi << 32 | lo : lo << 32 | hi;
}

static double
rddbl(const struct src *s, const unsigned char *p)
{
	uint64_t u = rd64(s, p);
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

static int
type_size(int type)
{
	switch (type) {
	case 1: case 2: case 6: case 7: return 1;
	case 3: case 8: return 2;
	case 4: case 9: case 11: case 13: return 4;
	case 5: case 10: case 12: case 16: case 17: case 18: return 8;
	}
	return 0;
}

/* One IFD entry: where its values are (inline in the entry or at an offset). */
struct ent {
	int present;
	int type;
	uint64_t count;
	const unsigned char *inl;	/* inline values, or NULL */
	uint64_t off;
};

/* Values of an entry, or NULL (missing noted, or bad: *bad set). */
static const unsigned char *
ent_values(struct src *s, const struct ent *e, uint64_t maxcount, int *bad)
{
	int sz = type_size(e->type);

	if (!e->present)
		return NULL;
	if (sz == 0 || e->count == 0 || e->count > maxcount) {
		*bad = 1;
		return NULL;
	}
	if (e->inl)
		return e->inl;
	return get(s, e->off, e->count * (uint64_t)sz);
}

/* Integer i of an entry of type BYTE, SHORT, LONG or LONG8. */
static uint64_t
ent_int(const struct src *s, int type, const unsigned char *v, uint64_t i)
{
	switch (type) {
	case 1: return v[i];
	case 3: return rd16(s, v + 2 * i);
	case 4: case 13: return rd32(s, v + 4 * i);
	case 16: case 18: return rd64(s, v + 8 * i);
	}
	return 0;
}

static int
is_int_type(int type)
{
	return type == 1 || type == 3 || type == 4 || type == 13 || type == 16 || type == 18;
}

enum { T_SUBFILE, T_WIDTH, T_HEIGHT, T_BPS, T_COMP, T_STRIPOFF, T_SPP, T_RPS,
	T_STRIPCNT, T_PLANAR, T_PRED, T_TILEW, T_TILEH, T_TILEOFF, T_TILECNT, T_SFMT,
	T_SCALE, T_TIEPOINT, T_MATRIX, T_GEOKEYS, T_GEODBL, T_NODATA, T_N };

static const uint16_t tag_ids[T_N] = { 254, 256, 257, 258, 259, 273, 277, 278,
	279, 284, 317, 322, 323, 324, 325, 339, 33550, 33922, 34264, 34735, 34736, 42113 };

struct ifd {
	struct ent e[T_N];
	uint32_t width, height, tile_w, tile_h, rps, subfile;
	uint16_t spp, bps, comp, planar, pred, sfmt;
	int tiled;
};

/* First integer of a scalar tag, or def. */
static int
scalar(struct src *s, const struct ent *e, uint64_t def, uint64_t *out)
{
	const unsigned char *v;
	int bad = 0;

	*out = def;
	if (!e->present)
		return 0;
	if (!is_int_type(e->type))
		return -1;
	v = ent_values(s, e, UINT32_MAX, &bad);
	if (bad)
		return -1;
	if (v)
		*out = ent_int(s, e->type, v, 0);
	return 0;
}

/* Read the entries of the IFD at off.  0 ok, 1 bytes missing, -1 bad; *next set. */
static int
read_ifd(struct src *s, int big, uint64_t off, struct ifd *d, uint64_t *next,
    char *err, size_t errlen)
{
	const unsigned char *p;
	uint64_t n, i;
	int esz = big ? 20 : 12, csz = big ? 8 : 2, nsz = big ? 8 : 4;

	memset(d, 0, sizeof *d);
	if (s->file_size != UINT64_MAX && off >= s->file_size)
		return errf(err, errlen, "IFD offset %llu past end of file (%llu bytes)",
		    (unsigned long long)off, (unsigned long long)s->file_size);
	if ((p = get(s, off, csz)) == NULL)
		return s->past_eof ? errf(err, errlen, "IFD at %llu truncated",
		    (unsigned long long)off) : 1;
	n = big ? rd64(s, p) : rd16(s, p);
	if (n == 0 || n > MAX_ENTRIES)
		return errf(err, errlen, "IFD at %llu has %llu entries", (unsigned long long)off,
		    (unsigned long long)n);
	if ((p = get(s, off + csz, n * esz + nsz)) == NULL)
		return s->past_eof ? errf(err, errlen, "IFD at %llu past end of file",
		    (unsigned long long)off) : 1;
	for (i = 0; i < n; i++) {
		const unsigned char *q = p + i * esz;
		uint16_t tag = rd16(s, q);
		int type = rd16(s, q + 2), k;
		uint64_t count = big ? rd64(s, q + 4) : rd32(s, q + 4);
		const unsigned char *vf = q + (big ? 12 : 8);

		for (k = 0; k < T_N; k++)
			if (tag_ids[k] == tag)
				break;
		if (k == T_N)
			continue;
		d->e[k].present = 1;
		d->e[k].type = type;
		d->e[k].count = count;
		if (type_size(type) && count <= (uint64_t)(big ? 8 : 4) / type_size(type))
			d->e[k].inl = vf;
		else
			d->e[k].off = big ? rd64(s, vf) : rd32(s, vf);
	}
	*next = big ? rd64(s, p + n * esz) : rd32(s, p + n * esz);
	return 0;
}

/* Interpret the scalar tags of an IFD.  0 ok, 1 missing, -1 bad. */
static int
ifd_scalars(struct src *s, struct ifd *d, char *err, size_t errlen)
{
	uint64_t v[T_N];
	size_t nmiss = s->nmiss;
	const unsigned char *b;
	int bad = 0;
	static const int which[] = { T_SUBFILE, T_WIDTH, T_HEIGHT, T_COMP, T_SPP, T_RPS,
		T_PLANAR, T_PRED, T_TILEW, T_TILEH };
	static const uint64_t defs[] = { 0, 0, 0, 1, 1, UINT32_MAX, 1, 1, 0, 0 };

	for (size_t i = 0; i < sizeof which / sizeof which[0]; i++)
		if (scalar(s, &d->e[which[i]], defs[i], &v[which[i]]) < 0)
			return errf(err, errlen, "bad value type in tag %u", tag_ids[which[i]]);
	/* BitsPerSample and SampleFormat have one value per sample: all must agree. */
	v[T_BPS] = 1;
	v[T_SFMT] = 1;
	for (int k = T_BPS; k <= T_SFMT; k += T_SFMT - T_BPS) {
		if (!d->e[k].present)
			continue;
		if (!is_int_type(d->e[k].type))
			return errf(err, errlen, "bad value type in tag %u", tag_ids[k]);
		if ((b = ent_values(s, &d->e[k], 65536, &bad)) != NULL) {
			v[k] = ent_int(s, d->e[k].type, b, 0);
			for (uint64_t j = 1; j < d->e[k].count; j++)
				if (ent_int(s, d->e[k].type, b, j) != v[k])
					return errf(err, errlen, "samples of different types");
		} else if (bad)
			return errf(err, errlen, "bad tag %u", tag_ids[k]);
	}
	if (s->nmiss != nmiss)
		return 1;
	if (s->past_eof)
		return errf(err, errlen, "tag values past end of file");
	d->subfile = (uint32_t)v[T_SUBFILE];
	if (v[T_WIDTH] == 0 || v[T_HEIGHT] == 0 || v[T_WIDTH] > MAX_SIDE || v[T_HEIGHT] > MAX_SIDE)
		return errf(err, errlen, "absurd image size %llux%llu",
		    (unsigned long long)v[T_WIDTH], (unsigned long long)v[T_HEIGHT]);
	d->width = (uint32_t)v[T_WIDTH];
	d->height = (uint32_t)v[T_HEIGHT];
	if (v[T_SPP] == 0 || v[T_SPP] > 64)
		return errf(err, errlen, "absurd samples per pixel %llu", (unsigned long long)v[T_SPP]);
	d->spp = (uint16_t)v[T_SPP];
	d->bps = (uint16_t)(v[T_BPS] > 64 ? 0 : v[T_BPS]);
	d->sfmt = (uint16_t)(v[T_SFMT] > 6 ? 0 : v[T_SFMT]);
	d->comp = (uint16_t)(v[T_COMP] > 65535 ? 0 : v[T_COMP]);
	d->planar = (uint16_t)(v[T_PLANAR] > 2 ? 0 : v[T_PLANAR]);
	d->pred = (uint16_t)(v[T_PRED] > 3 ? 0 : v[T_PRED]);
	d->tiled = d->e[T_TILEW].present || d->e[T_TILEOFF].present;
	if (d->tiled) {
		if (v[T_TILEW] == 0 || v[T_TILEH] == 0 || v[T_TILEW] > 65536 || v[T_TILEH] > 65536)
			return errf(err, errlen, "absurd tile size %llux%llu",
			    (unsigned long long)v[T_TILEW], (unsigned long long)v[T_TILEH]);
		d->tile_w = (uint32_t)v[T_TILEW];
		d->tile_h = (uint32_t)v[T_TILEH];
	} else {
		d->tile_w = d->width;
		d->tile_h = v[T_RPS] == 0 || v[T_RPS] > d->height ? d->height : (uint32_t)v[T_RPS];
	}
	return 0;
}

/* Fill a level's block arrays from an IFD.  0 ok, 1 missing, -1 bad. */
static int
ifd_blocks(struct src *s, const struct ifd *d, uint16_t planes_spp, struct cog_level *l,
    char *err, size_t errlen)
{
	const struct ent *eo = &d->e[d->tiled ? T_TILEOFF : T_STRIPOFF];
	const struct ent *ec = &d->e[d->tiled ? T_TILECNT : T_STRIPCNT];
	const unsigned char *po, *pc;
	uint64_t per_plane, n, i;
	size_t nmiss = s->nmiss;
	int bad = 0;

	l->width = d->width;
	l->height = d->height;
	l->block_w = d->tile_w;
	l->block_h = d->tile_h;
	l->tiled = d->tiled;
	l->blocks_across = (uint32_t)(((uint64_t)d->width + d->tile_w - 1) / d->tile_w);
	l->blocks_down = (uint32_t)(((uint64_t)d->height + d->tile_h - 1) / d->tile_h);
	per_plane = (uint64_t)l->blocks_across * l->blocks_down;
	n = per_plane * (d->planar == 2 ? planes_spp : 1);
	if (n > MAX_BLOCKS)
		return errf(err, errlen, "absurd number of blocks %llu", (unsigned long long)n);
	if ((uint64_t)d->tile_w * d->tile_h * (d->planar == 2 ? 1 : d->spp) * ((d->bps + 7) / 8)
	    > MAX_BLOCK)
		return errf(err, errlen, "absurd block size %ux%u", d->tile_w, d->tile_h);
	if (!eo->present || !ec->present)
		return errf(err, errlen, "no %s offsets or byte counts", d->tiled ? "tile" : "strip");
	if (!is_int_type(eo->type) || !is_int_type(ec->type))
		return errf(err, errlen, "bad type of the block offsets");
	if (eo->count < n || ec->count < n)
		return errf(err, errlen, "%s offsets have %llu entries, %llu expected",
		    d->tiled ? "tile" : "strip", (unsigned long long)(eo->count < ec->count ?
		    eo->count : ec->count), (unsigned long long)n);
	po = ent_values(s, eo, MAX_BLOCKS, &bad);
	pc = ent_values(s, ec, MAX_BLOCKS, &bad);
	if (bad)
		return errf(err, errlen, "bad block offset arrays");
	if (s->nmiss != nmiss)
		return 1;
	if (!po || !pc)
		return errf(err, errlen, "block offset arrays past end of file");
	l->offsets = malloc(n * sizeof *l->offsets);
	l->counts = malloc(n * sizeof *l->counts);
	if (!l->offsets || !l->counts) {
		free(l->offsets);
		free(l->counts);
		l->offsets = l->counts = NULL;
		return errf(err, errlen, "out of memory");
	}
	for (i = 0; i < n; i++) {
		l->offsets[i] = ent_int(s, eo->type, po, i);
		l->counts[i] = ent_int(s, ec->type, pc, i);
	}
	l->nblocks = n;
	return 0;
}

static int
dtype_of(int bps, int sfmt, enum dtype *dt)
{
	if (bps == 8 && sfmt == 1)
		*dt = DT_UINT8;
	else if (bps == 16 && sfmt == 1)
		*dt = DT_UINT16;
	else if (bps == 16 && sfmt == 2)
		*dt = DT_INT16;
	else if (bps == 32 && sfmt == 3)
		*dt = DT_FLOAT32;
	else
		return -1;
	return 0;
}

/* GeoKeys, transform and nodata from the first IFD.  0 ok, 1 missing, -1 bad. */
static int
georef(struct src *s, const struct ifd *d, struct cog *c, char *err, size_t errlen)
{
	const unsigned char *sc = NULL, *tp = NULL, *mx = NULL, *gk = NULL, *nd = NULL;
	size_t nmiss = s->nmiss;
	int bad = 0, model = 0;
	uint64_t i, nkeys;

	if (d->e[T_SCALE].present && d->e[T_SCALE].type == 12 && d->e[T_SCALE].count >= 2)
		sc = ent_values(s, &d->e[T_SCALE], 3, &bad);
	if (d->e[T_TIEPOINT].present && d->e[T_TIEPOINT].type == 12 && d->e[T_TIEPOINT].count >= 6)
		tp = ent_values(s, &d->e[T_TIEPOINT], 6 * 4096, &bad);
	if (d->e[T_MATRIX].present && d->e[T_MATRIX].type == 12 && d->e[T_MATRIX].count >= 16)
		mx = ent_values(s, &d->e[T_MATRIX], 16, &bad);
	if (d->e[T_GEOKEYS].present && d->e[T_GEOKEYS].type == 3 && d->e[T_GEOKEYS].count >= 4)
		gk = ent_values(s, &d->e[T_GEOKEYS], 4 * 1024, &bad);
	if (d->e[T_NODATA].present && d->e[T_NODATA].type == 2)
		nd = ent_values(s, &d->e[T_NODATA], 256, &bad);
	if (bad)
		return errf(err, errlen, "bad georeferencing tags");
	if (s->nmiss != nmiss)
		return 1;
	double *t = c->level[0].t;
	if (sc && tp) {
		double sx = rddbl(s, sc), sy = rddbl(s, sc + 8);
		double I = rddbl(s, tp), J = rddbl(s, tp + 8), X = rddbl(s, tp + 24),
		    Y = rddbl(s, tp + 32);
		t[0] = sx; t[1] = 0; t[2] = X - I * sx;
		t[3] = 0; t[4] = -sy; t[5] = Y + J * sy;
		c->has_georef = 1;
	} else if (mx) {
		t[0] = rddbl(s, mx); t[1] = rddbl(s, mx + 8); t[2] = rddbl(s, mx + 24);
		t[3] = rddbl(s, mx + 32); t[4] = rddbl(s, mx + 40); t[5] = rddbl(s, mx + 56);
		c->has_georef = 1;
	} else {
		t[0] = 1; t[1] = 0; t[2] = 0; t[3] = 0; t[4] = 1; t[5] = 0;
	}
	for (i = 0; i < 6; i++)
		if (!isfinite(t[i]))
			return errf(err, errlen, "georeference is not finite");
	if (gk) {
		nkeys = rd16(s, gk + 6);
		if (nkeys > (d->e[T_GEOKEYS].count - 4) / 4)
			nkeys = (d->e[T_GEOKEYS].count - 4) / 4;
		int pcs = 0, gcs = 0;
		for (i = 0; i < nkeys; i++) {
			const unsigned char *k = gk + 8 + 8 * i;
			uint16_t id = rd16(s, k), loc = rd16(s, k + 2), val = rd16(s, k + 6);
			if (loc != 0)
				continue;
			if (id == 1024)
				model = val;
			else if (id == 1025)
				c->pixel_is_point = val == 2;
			else if (id == 3072)
				pcs = val;
			else if (id == 2048)
				gcs = val;
		}
		if (pcs > 0 && pcs < 32767)
			c->epsg = pcs;
		else if ((model == 2 || pcs == 0) && gcs > 0 && gcs < 32767)
			c->epsg = gcs;
	}
	/* GDAL (GTIFF_POINT_GEO_IGNORE=FALSE): PixelIsPoint moves the corner half a pixel. */
	if (c->pixel_is_point && c->has_georef) {
		t[2] -= 0.5 * t[0] + 0.5 * t[1];
		t[5] -= 0.5 * t[3] + 0.5 * t[4];
	}
	if (nd) {
		char buf[257], *ep;
		size_t n = d->e[T_NODATA].count;
		memcpy(buf, nd, n);
		buf[n] = '\0';
		c->nodata = strtod(buf, &ep);
		if (ep != buf)
			c->has_nodata = 1;
	}
	return 0;
}

static void
cog_free_(struct cog *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nlevels; i++) {
		free(c->level[i].offsets);
		free(c->level[i].counts);
	}
	free(c->url);
	free(c);
}

void
cog_ref(struct cog *c)
{
	if (c)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

void
cog_unref(struct cog *c)
{
	if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) <= 0)
		cog_free_(c);
}

/*
 * One parsing pass over the bytes fetched so far.  0: *out parsed.  1: bytes
 * missing (s->miss lists them).  -1: not a readable TIFF (err set).
 */
static int
parse(struct src *s, const char *url, struct cog **out, char *err, size_t errlen)
{
	const unsigned char *p;
	struct cog *c;
	struct ifd d[MAX_IFDS];
	uint64_t off, seen[MAX_IFDS];
	int nifd = 0, big, rc;

	*out = NULL;
	if ((p = get(s, 0, 8)) == NULL)
		return s->past_eof ? errf(err, errlen, "not a TIFF file (%llu bytes)",
		    (unsigned long long)s->file_size) : 1;
	if (p[0] == 'I' && p[1] == 'I')
		s->be = 0;
	else if (p[0] == 'M' && p[1] == 'M')
		s->be = 1;
	else
		return errf(err, errlen, "not a TIFF file");
	if (rd16(s, p + 2) == 42) {
		big = 0;
		off = rd32(s, p + 4);
	} else if (rd16(s, p + 2) == 43) {
		big = 1;
		if ((p = get(s, 0, 16)) == NULL)
			return s->past_eof ? errf(err, errlen, "BigTIFF header truncated") : 1;
		if (rd16(s, p + 4) != 8)
			return errf(err, errlen, "BigTIFF with %u-byte offsets", rd16(s, p + 4));
		off = rd64(s, p + 8);
	} else
		return errf(err, errlen, "not a TIFF file");
	if (off < 8)
		return errf(err, errlen, "first IFD offset %llu inside the header",
		    (unsigned long long)off);

	/* Walk the IFD chain: the first image and its reduced-resolution images. */
	while (off && nifd < MAX_IFDS) {
		uint64_t next = 0;
		for (int i = 0; i < nifd; i++)
			if (seen[i] == off)
				return errf(err, errlen, "IFD chain loops");
		seen[nifd] = off;
		rc = read_ifd(s, big, off, &d[nifd], &next, err, errlen);
		if (rc)
			return rc;
		rc = ifd_scalars(s, &d[nifd], err, errlen);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return 1;
		/* Keep the first image, its overviews; skip masks and other pages. */
		if (nifd == 0 || ((d[nifd].subfile & 1) && !(d[nifd].subfile & 4)))
			nifd++;
		off = next;
		if (nifd == MAX_IFDS)
			break;
	}
	if (nifd == 0)
		return errf(err, errlen, "no image in the file");
	if (d[0].subfile & 4)
		return errf(err, errlen, "first image is a mask");

	c = calloc(1, sizeof *c);
	if (!c || !(c->url = strdup(url ? url : ""))) {
		free(c);
		return errf(err, errlen, "out of memory");
	}
	c->refs = 1;
	c->bigtiff = big;
	c->big_endian = s->be;
	c->file_size = s->file_size == UINT64_MAX ? 0 : s->file_size;
	c->spp = d[0].spp;
	c->bps = d[0].bps;
	c->sample_format = d[0].sfmt;
	c->compression = d[0].comp;
	c->predictor = d[0].pred;
	c->planar = d[0].planar;
	if (dtype_of(c->bps, c->sample_format, &c->dtype) < 0) {
		errf(err, errlen, "unsupported sample type: %u bits, format %u", c->bps,
		    c->sample_format);
		goto bad;
	}
	if (c->planar != 1 && c->planar != 2) {
		errf(err, errlen, "bad PlanarConfiguration");
		goto bad;
	}
	if (c->predictor == 0 || (c->predictor == 3 && c->sample_format != 3)) {
		errf(err, errlen, "bad predictor");
		goto bad;
	}
	switch (c->compression) {
	case 1: case 5: case 8: case 32946: case 32773: case 50000:
		break;
	default:
		errf(err, errlen, "unsupported compression %u", c->compression);
		goto bad;
	}
	rc = 0;
	for (int i = 0; i < nifd && c->nlevels < COG_MAX_LEVELS; i++) {
		int r;
		/* An overview of a different layout than the image would need its own
		 * decoder settings: leave it out and read the full resolution. */
		if (i > 0 && (d[i].spp != c->spp || d[i].bps != c->bps || d[i].sfmt != c->sample_format ||
		    d[i].comp != c->compression || d[i].pred != c->predictor ||
		    d[i].planar != c->planar || d[i].width > d[0].width || d[i].height > d[0].height))
			continue;
		r = ifd_blocks(s, &d[i], c->spp, &c->level[c->nlevels], err, errlen);
		if (r < 0)
			goto bad;
		if (r > 0)
			rc = 1;
		else
			c->nlevels++;
	}
	if (rc == 0)
		rc = georef(s, &d[0], c, err, errlen);
	if (rc < 0)
		goto bad;
	if (rc > 0) {
		cog_free_(c);
		return s->past_eof ? errf(err, errlen, "tag values past end of file") : 1;
	}
	for (int i = 1; i < c->nlevels; i++) {
		double fx = (double)c->level[0].width / c->level[i].width;
		double fy = (double)c->level[0].height / c->level[i].height;
		const double *t0 = c->level[0].t;
		double *t = c->level[i].t;
		t[0] = t0[0] * fx; t[1] = t0[1] * fy; t[2] = t0[2];
		t[3] = t0[3] * fx; t[4] = t0[4] * fy; t[5] = t0[5];
	}
	*out = c;
	return 0;
bad:
	cog_free_(c);
	return -1;
}

struct cog *
cog_parse_mem(const unsigned char *buf, size_t len, const char *url, char *err, size_t errlen)
{
	struct seg sg = { 0, len, buf };
	struct src s;
	struct cog *c;
	int rc;

	memset(&s, 0, sizeof s);
	s.seg = &sg;
	s.nseg = 1;
	s.file_size = len;
	rc = parse(&s, url, &c, err, errlen);
	if (rc > 0)
		errf(err, errlen, "header needs bytes beyond %zu", len);
	if (rc)
		return NULL;
	c->header_bytes = len;
	return c;
}

/* ---- header cache ---- */

struct cog_cache {
	size_t max, n;
	uint64_t clock;
	struct cc_ent { struct cog *c; uint64_t used; } *e;
};

struct cog_cache *
cog_cache_new(size_t max_entries)
{
	struct cog_cache *cc = calloc(1, sizeof *cc);

	if (!cc)
		return NULL;
	cc->max = max_entries ? max_entries : 1;
	cc->e = calloc(cc->max, sizeof *cc->e);
	if (!cc->e) {
		free(cc);
		return NULL;
	}
	return cc;
}

void
cog_cache_free(struct cog_cache *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < cc->n; i++)
		cog_unref(cc->e[i].c);
	free(cc->e);
	free(cc);
}

static struct cog *
cache_get(struct cog_cache *cc, const char *url)
{
	if (!cc)
		return NULL;
	for (size_t i = 0; i < cc->n; i++)
		if (strcmp(cc->e[i].c->url, url) == 0) {
			cc->e[i].used = ++cc->clock;
			cog_ref(cc->e[i].c);
			return cc->e[i].c;
		}
	return NULL;
}

static void
cache_put(struct cog_cache *cc, struct cog *c)
{
	size_t i, lru = 0;

	if (!cc)
		return;
	if (cc->n < cc->max)
		i = cc->n++;
	else {
		for (i = 1; i < cc->n; i++)
			if (cc->e[i].used < cc->e[lru].used)
				lru = i;
		i = lru;
		cog_unref(cc->e[i].c);
	}
	cog_ref(c);
	cc->e[i].c = c;
	cc->e[i].used = ++cc->clock;
}

/* ---- phase 1: open many ---- */

struct pending {
	struct cog_open *o;
	int dup_of;		/* index of an earlier open of the same URL, or -1 */
	int done;
	struct seg *seg;
	size_t nseg;
	uint64_t file_size, fetched;
	struct cog_range want[MAX_MISS];
	size_t nwant;
};

static int
cmp_range(const void *a, const void *b)
{
	const struct cog_range *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

size_t
cog_merge_ranges(struct cog_range *r, size_t n, uint64_t gap)
{
	size_t i, m = 0;

	if (n == 0)
		return 0;
	qsort(r, n, sizeof *r, cmp_range);
	for (i = 1; i < n; i++) {
		uint64_t end = r[m].off + r[m].len;
		if (r[i].off <= end + gap) {
			if (r[i].off + r[i].len > end)
				r[m].len = r[i].off + r[i].len - r[m].off;
		} else
			r[++m] = r[i];
	}
	return m + 1;
}

int
cog_open_many(struct http *h, struct cog_cache *cache, struct cog_open *o, size_t n)
{
	struct pending *p = calloc(n ? n : 1, sizeof *p);
	struct http_req *rq = NULL;
	size_t *rq_of = NULL, i, j, nfail = 0;
	int round;

	if (!p) {
		for (i = 0; i < n; i++)
			snprintf(o[i].error, sizeof o[i].error, "out of memory");
		return (int)n;
	}
	for (i = 0; i < n; i++) {
		p[i].o = &o[i];
		p[i].dup_of = -1;
		o[i].cog = NULL;
		o[i].error[0] = '\0';
		o[i].requests = o[i].bytes = 0;
		if ((o[i].cog = cache_get(cache, o[i].url)) != NULL) {
			p[i].done = 1;
			continue;
		}
		for (j = 0; j < i; j++)
			if (!p[j].done && p[j].dup_of < 0 && strcmp(o[j].url, o[i].url) == 0)
				break;
		if (j < i) {
			p[i].dup_of = (int)j;
			continue;
		}
		p[i].file_size = UINT64_MAX;
		p[i].want[0].off = 0;
		p[i].want[0].len = FIRST_BYTES;
		p[i].nwant = 1;
	}
	for (round = 0; round < MAX_ROUNDS; round++) {
		size_t nrq = 0, k;
		for (i = 0; i < n; i++)
			if (!p[i].done && p[i].dup_of < 0)
				nrq += p[i].nwant;
		if (nrq == 0)
			break;
		rq = calloc(nrq, sizeof *rq);
		rq_of = calloc(nrq, sizeof *rq_of);
		if (!rq || !rq_of) {
			free(rq);
			free(rq_of);
			rq = NULL;
			rq_of = NULL;
			break;
		}
		for (i = 0, k = 0; i < n; i++) {
			if (p[i].done || p[i].dup_of >= 0)
				continue;
			for (j = 0; j < p[i].nwant; j++, k++) {
				rq[k].url = o[i].url;
				rq[k].range_start = p[i].want[j].off;
				rq[k].range_len = p[i].want[j].len;
				rq[k].max_bytes = p[i].want[j].len + 1024;
				rq_of[k] = i;
			}
			p[i].nwant = 0;
		}
		http_fetch(h, rq, nrq);
		for (k = 0; k < nrq; k++) {
			struct pending *q = &p[rq_of[k]];
			struct seg *ns;
			q->o->requests += rq[k].attempts > 0 ? (uint64_t)rq[k].attempts : 1;
			q->o->bytes += rq[k].len;
			if (q->done)
				continue;
			if (!rq[k].ok) {
				snprintf(q->o->error, sizeof q->o->error, "%s", rq[k].error);
				q->done = 1;
				continue;
			}
			ns = realloc(q->seg, (q->nseg + 1) * sizeof *ns);
			if (!ns) {
				snprintf(q->o->error, sizeof q->o->error, "out of memory");
				q->done = 1;
				continue;
			}
			q->seg = ns;
			/* http_fetch cuts our slice out of a 200 when a server ignores Range. */
			ns[q->nseg].off = rq[k].range_start;
			ns[q->nseg].len = rq[k].len;
			ns[q->nseg].p = (const unsigned char *)rq[k].data;
			rq[k].data = NULL;
			q->nseg++;
			q->fetched += rq[k].len;
			if (rq[k].total_size)
				q->file_size = rq[k].total_size;
			else if (rq[k].len < rq[k].range_len)
				q->file_size = rq[k].range_start + rq[k].len;
		}
		for (k = 0; k < nrq; k++)
			http_req_clear(&rq[k]);
		free(rq);
		free(rq_of);
		rq = NULL;
		rq_of = NULL;

		for (i = 0; i < n; i++) {
			struct pending *q = &p[i];
			struct src s;
			struct cog *c;
			int rc;
			if (q->done || q->dup_of >= 0)
				continue;
			memset(&s, 0, sizeof s);
			s.seg = q->seg;
			s.nseg = q->nseg;
			s.file_size = q->file_size;
			rc = parse(&s, o[i].url, &c, o[i].error, sizeof o[i].error);
			if (rc == 0) {
				c->header_bytes = q->fetched;
				o[i].cog = c;
				cache_put(cache, c);
				q->done = 1;
			} else if (rc < 0)
				q->done = 1;
			else {
				/* Grow: fetch what is missing, at least 16 KiB at a time. */
				for (j = 0; j < s.nmiss; j++) {
					if (s.miss[j].len < FIRST_BYTES)
						s.miss[j].len = FIRST_BYTES;
					if (q->file_size != UINT64_MAX &&
					    s.miss[j].off + s.miss[j].len > q->file_size)
						s.miss[j].len = q->file_size - s.miss[j].off;
				}
				uint64_t more = 0;
				q->nwant = cog_merge_ranges(s.miss, s.nmiss, FIRST_BYTES);
				memcpy(q->want, s.miss, q->nwant * sizeof *q->want);
				for (j = 0; j < q->nwant; j++)
					more += q->want[j].len;
				/* Never fetch more header than MAX_HEADER, whatever the tags claim. */
				if (q->fetched + more > MAX_HEADER) {
					snprintf(o[i].error, sizeof o[i].error,
					    "header larger than %llu bytes", (unsigned long long)MAX_HEADER);
					q->done = 1;
				}
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (p[i].dup_of >= 0) {
			struct cog_open *src = &o[p[i].dup_of];
			o[i].cog = src->cog;
			cog_ref(o[i].cog);
			if (!o[i].cog)
				snprintf(o[i].error, sizeof o[i].error, "%s", src->error);
		} else if (!p[i].done && !o[i].cog)
			snprintf(o[i].error, sizeof o[i].error, "header not parsed after %d rounds",
			    MAX_ROUNDS);
		for (j = 0; j < p[i].nseg; j++)
			free((void *)p[i].seg[j].p);
		free(p[i].seg);
		if (!o[i].cog) {
			if (!o[i].error[0])
				snprintf(o[i].error, sizeof o[i].error, "cannot read the header");
			nfail++;
		}
	}
	free(p);
	return (int)nfail;
}

int
cog_level_for_res(const struct cog *c, double res)
{
	for (int i = 0; i < c->nlevels; i++) {
		double px = hypot(c->level[i].t[0], c->level[i].t[3]);
		if (fabs(px - res) <= 0.01 * res)
			return i;
	}
	return -1;
}
