/*
 * shard-write - the single writer of a dataset folder.  Tile records become
 * images/, metadata/ (sidecars), masks/, overlays/ and rows in
 * data/{train,validation,test}.jsonl; still records become mapbox_stills/ and
 * their overview row.  Resumable after a kill; --merge combines folders.
 * Writes nothing to stdout unless --pass-through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "labelmask.h"
#include "overlay.h"
#include "pngenc.h"
#include "rec.h"
#include "safechars.h"
#include "sftrow.h"
#include "sidecar.h"
#include "tool.h"

static const char usage[] =
"usage: shard-write -o DIR [--max-files-per-dir N] [--write-bbox-overlays]\n"
"                   [--write-masks] [--resume] [--pass-through] [--sync]\n"
"                   [--title TEXT] [--license ID] [-hq] [--progress]\n"
"                   [--rejects FILE] [< records]\n"
"       shard-write -o DIR --merge [--resume] SRCDIR ...\n"
"Write tile and still records into the dataset folder DIR.\n"
"  -o, --output DIR          the dataset folder (created if needed)\n"
"  --max-files-per-dir N     files per leaf folder, shards sNNNNN (default 8000)\n"
"  --write-bbox-overlays     overlays/: each row's boxes drawn on the tile, 2 px\n"
"  --write-masks             masks/: the label as an 8-bit palette PNG\n"
"  --resume                  finish an interrupted run (feed it the same input)\n"
"  --merge                   combine the folders SRCDIR... into DIR, no duplicates\n"
"  --pass-through            copy the input records to stdout\n"
"  --sync                    fsync every file before it counts (power-loss safety)\n"
"  --title TEXT              dataset card title (kept from the last run)\n"
"  --license ID              dataset card licence id (default cc-by-4.0)\n"
"  -q, --quiet               no progress line, no notes\n"
"  --progress                progress line even when stderr is not a terminal\n"
"  --rejects FILE            rejected records go here (default: stderr)\n"
"  -h, --help                this text\n"
"  --version                 print the version\n";

enum {
	OPT_MAX = OPT_TOOL_FIRST, OPT_OVERLAYS, OPT_MASKS, OPT_RESUME, OPT_MERGE, OPT_PASS,
	OPT_SYNC, OPT_TITLE, OPT_LICENSE
};

static struct option longopts[] = {
	TOOL_LONGOPTS,
	{ "output", required_argument, 0, 'o' },
	{ "max-files-per-dir", required_argument, 0, OPT_MAX },
	{ "write-bbox-overlays", no_argument, 0, OPT_OVERLAYS },
	{ "write-masks", no_argument, 0, OPT_MASKS },
	{ "resume", no_argument, 0, OPT_RESUME },
	{ "merge", no_argument, 0, OPT_MERGE },
	{ "pass-through", no_argument, 0, OPT_PASS },
	{ "sync", no_argument, 0, OPT_SYNC },
	{ "title", required_argument, 0, OPT_TITLE },
	{ "license", required_argument, 0, OPT_LICENSE },
	{ NULL, 0, 0, 0 }
};

struct ctx {
	struct tool *t;
	struct ds *d;
	int overlays, masks, pass;
	uint64_t skipped, written;
	struct sidecar *sc;
};

static void
on_note(void *arg, const char *msg)
{
	struct tool *t = arg;

	if (!t->quiet)
		tool_warn(t, "%s", msg);
}

/* Ids become file names: letters, digits, '.', '_', '-', not hidden, not too long. */
static int
safe_name(const char *s)
{
	return s != NULL && strlen(s) <= 160 && s[0] != '.' && safechars_only(s);
}

/* Band order for RGB: the planes named red, green, blue (or B04, B03, B02). */
static void
rgb_order(const struct raster *ra, int perm[3])
{
	static const char *names[3][3] = { { "red", "B04", "b04" }, { "green", "B03", "b03" },
	    { "blue", "B02", "b02" } };
	int found = 0;

	for (int k = 0; k < 3; k++) {
		perm[k] = k;
		for (int b = 0; b < ra->nbands; b++) {
			const char *n = json_string_value(json_array_get(ra->bands, (size_t)b));
			for (int a = 0; n && a < 3; a++)
				if (strcmp(n, names[k][a]) == 0) {
					perm[k] = b;
					found |= 1 << k;
				}
		}
	}
	if (found != 7 || perm[0] == perm[1] || perm[1] == perm[2] || perm[0] == perm[2])
		for (int k = 0; k < 3; k++)
			perm[k] = k;
}

/* Interleaved RGB of a 3-band (or gray 1-band) uint8 raster. */
static unsigned char *
to_rgb(const struct raster *ra)
{
	size_t n = raster_plane(ra);
	const unsigned char *p = ra->data;
	unsigned char *out = malloc(n ? n * 3 : 1);
	int perm[3] = { 0, 0, 0 };

	if (out == NULL)
		return NULL;
	if (ra->nbands == 3)
		rgb_order(ra, perm);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			out[3 * i + (size_t)k] = p[(size_t)perm[k] * n + i];
	return out;
}

/*
 * The item's ids and rows, and its image as PNG (RGB, or gray for one band);
 * *rgb keeps the interleaved pixels for the overlays.  0 ok, -1 the image
 * would not encode, -2 out of memory (why set).
 */
static int
start_item(struct ds_item *it, enum ds_kind kind, const char *id, const char *poi,
    const char *base, json_t *rows, const struct raster *img, unsigned char **rgb, char *why,
    size_t whylen)
{
	struct pngenc_image im = { img->width, img->height, PNGENC_RGB, 8, NULL, NULL, 0 };
	unsigned char *png;

	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->id = id;
	it->poi_id = poi;
	it->base_poi_id = base;
	it->rows = rows;
	it->image_ref = SFTROW_IMAGE;
	if ((*rgb = to_rgb(img)) == NULL)
		return snprintf(why, whylen, "out of memory"), -2;
	im.pixels = *rgb;
	if (img->nbands != 3) {
		im.kind = PNGENC_GRAY;
		im.pixels = img->data;
	}
	if (pngenc_encode(&im, &png, &it->image.len, why, whylen))
		return -1;
	it->image.data = png;
	return 0;
}

/* Each row's boxes drawn on the tile, for overlays/: the item owns the PNGs. */
static int
add_overlays(struct ds_item *it, const unsigned char *rgb, const struct raster *img,
    json_t *regions, json_t *classes, char *why, size_t whylen)
{
	size_t nrows = json_array_size(it->rows), i;
	struct ds_file *ov;
	const char **tags;
	unsigned char *png;
	json_t *row;

	if ((ov = calloc(nrows, sizeof *ov)) == NULL)
		return snprintf(why, whylen, "out of memory"), -2;
	if ((tags = calloc(nrows, sizeof *tags)) == NULL) {
		free(ov);
		return snprintf(why, whylen, "out of memory"), -2;
	}
	it->noverlays = nrows;
	it->overlays = ov;
	it->tags = tags;
	json_array_foreach(it->rows, i, row) {
		tags[i] = json_string_value(json_object_get(row, "tag"));
		if (overlay_png(rgb, img->width, img->height, row, regions, classes, &png,
		    &ov[i].len, why, whylen))
			return -1;
		ov[i].data = png;
	}
	return 0;
}

static void
free_item(struct ds_item *it)
{
	free((void *)it->image.data);
	free((void *)it->mask.data);
	for (size_t i = 0; i < it->noverlays; i++)
		free((void *)it->overlays[i].data);
	free((void *)it->overlays);
	free((void *)it->tags);
	json_decref(it->sidecar);
	json_decref(it->px);
}

/*
 * One tile record into the folder.  0 written, 1 there already, -1 reject
 * (why set), -2 fatal I/O (why set).
 */
static int
do_tile(struct ctx *c, struct rec *r, const char *poi, const char *base, char *why,
    size_t whylen)
{
	json_t *tile = json_object_get(r->json, "tile");
	const char *stem = json_string_value(json_object_get(tile, "stem"));
	json_t *rows = json_object_get(r->json, "rows");
	json_t *regions = json_object_get(r->json, "regions");
	json_t *classes = json_object_get(json_object_get(r->json, "landcover"), "classes");
	json_t *mask_classes = NULL;
	struct raster *img, *lab;
	struct ds_item it;
	unsigned char *rgb = NULL, *png;
	int rc;

	if (!json_is_object(tile) || !safe_name(stem))
		return snprintf(why, whylen, "tile.stem: missing or not a safe file name (letters, "
		    "digits, '.', '_', '-'; at most 160)"), -1;
	if (ds_contains(c->d, DS_TILE, stem))
		return 1;
	if ((img = rec_find_raster(r, "image")) == NULL)
		return snprintf(why, whylen, "no \"image\" raster"), -1;
	if (img->dtype != DT_UINT8)
		return snprintf(why, whylen, "image: dtype %s, want uint8 (run stretch first)",
		    dtype_name(img->dtype)), -1;
	if (img->nbands != 3 && img->nbands != 1)
		return snprintf(why, whylen, "image: %d bands, want 3 (RGB) or 1 (gray)",
		    img->nbands), -1;
	if ((lab = rec_find_raster(r, "label")) != NULL) {
		if (lab->dtype != DT_UINT8 && lab->dtype != DT_UINT16)
			return snprintf(why, whylen, "label: dtype %s, want uint8 or uint16",
			    dtype_name(lab->dtype)), -1;
		if (lab->width != img->width || lab->height != img->height || lab->nbands != 1)
			return snprintf(why, whylen, "label: %dx%dx%d, want one band of the image's "
			    "%dx%d", lab->width, lab->height, lab->nbands, img->width, img->height), -1;
	}
	if (regions && !json_is_array(regions))
		return snprintf(why, whylen, "regions: not an array"), -1;
	if (classes && !json_is_array(classes))
		return snprintf(why, whylen, "landcover.classes: not an array"), -1;
	if (sftrow_check(rows, json_array_size(regions), why, whylen))
		return -1;

	rc = start_item(&it, DS_TILE, stem, poi, base, rows, img, &rgb, why, whylen);
	it.classes = classes;
	if (rc == 0 && lab) {
		it.px = sidecar_class_pixels(c->sc, lab);
		if (c->masks) {
			rc = labelmask_png(lab, classes, &png, &it.mask.len, &mask_classes, why,
			    whylen);
			it.mask.data = rc ? NULL : png;
		}
	}
	if (rc == 0 && c->overlays && json_array_size(rows))
		rc = add_overlays(&it, rgb, img, regions, classes, why, whylen);
	if (rc == 0) {
		it.sidecar = sidecar_tile(c->sc, r, img, lab, it.px, mask_classes, base);
		/* ds_commit: 0 written, 1 there already, -1 I/O: fatal. */
		rc = ds_commit(c->d, &it, why, whylen);
		if (rc < 0)
			rc = -2;
	}
	free(rgb);
	json_decref(mask_classes);
	free_item(&it);
	return rc;
}

/* One still record (overhead context image and its overview row). */
static int
do_still(struct ctx *c, struct rec *r, const char *poi, const char *base, char *why,
    size_t whylen)
{
	json_t *rows = json_object_get(r->json, "rows");
	struct raster *st = rec_find_raster(r, "still");
	struct ds_item it;
	unsigned char *rgb;
	int rc;

	if (!safe_name(poi))
		return snprintf(why, whylen, "poi_id: not a safe file name (letters, digits, '.', "
		    "'_', '-'; at most 160)"), -1;
	if (ds_contains(c->d, DS_STILL, poi))
		return 1;
	if (st->dtype != DT_UINT8 || st->nbands != 3)
		return snprintf(why, whylen, "still: %d bands of %s, want 3 of uint8 (RGB)",
		    st->nbands, dtype_name(st->dtype)), -1;
	if (sftrow_check(rows, 0, why, whylen))
		return -1;
	rc = start_item(&it, DS_STILL, poi, poi, base, rows, st, &rgb, why, whylen);
	free(rgb);
	if (rc == 0)
		rc = ds_commit(c->d, &it, why, whylen);
	free_item(&it);
	return rc < 0 ? -2 : rc;
}

static int
do_record(struct ctx *c, struct rec *r, char *why, size_t whylen)
{
	const char *poi = json_string_value(json_object_get(r->json, "poi_id"));
	json_t *b = json_object_get(r->json, "base_poi_id");
	const char *base = json_string_value(b);

	if (poi == NULL || *poi == '\0')
		return snprintf(why, whylen, "poi_id: missing or not a string"), -1;
	if (b && (base == NULL || *base == '\0'))
		return snprintf(why, whylen, "base_poi_id: not a string"), -1;
	if (base == NULL)
		base = poi;
	if (json_object_get(r->json, "tile"))
		return do_tile(c, r, poi, base, why, whylen);
	if (rec_find_raster(r, "still"))
		return do_still(c, r, poi, base, why, whylen);
	if (rec_find_raster(r, "image"))
		return snprintf(why, whylen, "no \"tile\" object: not a tile record (run tile "
		    "first)"), -1;
	return snprintf(why, whylen, "neither a tile record (\"tile\" and an \"image\" raster) "
	    "nor a still record (a \"still\" raster)"), -1;
}

/*
 * tool_next without its exit on a cut stream: REC_OK with a record, REC_EOF,
 * or REC_FATAL (why set) so that the folder can be closed first.
 */
static enum rec_status
next_record(struct tool *t, struct rec *r, char *why, size_t whylen)
{
	enum rec_status st;

	while ((st = tool_read(t, r, why, whylen)) == REC_BAD)
		tool_reject(t, r, "%s", why);
	return st;
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct ctx c;
	struct ds_opts o;
	struct rec r;
	char why[1024];
	enum rec_status st;
	int ch, merge = 0, rc;
	long v;

	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	tool_init(&t, "shard-write", usage);
	c.t = &t;
	while ((ch = getopt_long(argc, argv, "ho:q", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case 'o':
			o.dir = optarg;
			break;
		case OPT_MAX:
			if (parse_long(optarg, 1, 1000000, &v))
				tool_usage_error(&t, "--max-files-per-dir: expected 1..1000000, got "
				    "'%s'", optarg);
			o.max_per_dir = v;
			break;
		case OPT_OVERLAYS:
			c.overlays = 1;
			break;
		case OPT_MASKS:
			c.masks = 1;
			break;
		case OPT_RESUME:
			o.resume = 1;
			break;
		case OPT_MERGE:
			merge = 1;
			break;
		case OPT_PASS:
			c.pass = 1;
			break;
		case OPT_SYNC:
			o.sync = 1;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case OPT_LICENSE:
			o.license = optarg;
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (o.dir == NULL || *o.dir == '\0')
		tool_usage_error(&t, "-o DIR is required");
	if (merge) {
		if (optind >= argc)
			tool_usage_error(&t, "--merge: name the folders to merge");
		if (c.overlays || c.masks || c.pass)
			tool_usage_error(&t, "--merge copies what the folders hold: "
			    "--write-bbox-overlays, --write-masks and --pass-through do not apply");
		tool_start(&t, 0, argv + argc);
	} else
		tool_start(&t, argc - optind, argv + optind);
	o.note = on_note;
	o.note_arg = &t;
	if ((c.d = ds_open(&o, why, sizeof why)) == NULL)
		tool_fatal(&t, "%s", why);

	if (merge) {
		for (int i = optind; i < argc; i++) {
			long n = ds_merge(c.d, argv[i], why, sizeof why);
			if (n < 0) {
				ds_abort(c.d);
				tool_fatal(&t, "%s", why);
			}
			if (!t.quiet)
				tool_warn(&t, "%s: %ld items merged", argv[i], n);
		}
	} else {
		if ((c.sc = sidecar_new()) == NULL)
			tool_fatal(&t, "out of memory");
		while ((st = next_record(&t, &r, why, sizeof why)) != REC_EOF) {
			if (st == REC_FATAL) {
				/*
				 * A cut stream: what was committed is sound, so the folder
				 * is closed (card, state) before exiting 2.
				 */
				char e2[512];
				rec_free(&r);
				if (ds_close(c.d, e2, sizeof e2))
					tool_warn(&t, "%s", e2);
				tool_fatal(&t, "%s: %s", t.rd.name, why);
			}
			rc = do_record(&c, &r, why, sizeof why);
			if (rc == -2) {
				rec_free(&r);
				ds_abort(c.d);
				tool_fatal(&t, "%s", why);
			}
			if (rc == -1) {
				tool_reject(&t, &r, "%s", why);
				continue;
			}
			if (rc == 1)
				c.skipped++;
			else
				c.written++;
			/* The progress line's "out": items written (or records passed on). */
			if (!c.pass && rc == 0)
				t.n_out++;
			if (c.pass)
				tool_emit(&t, &r);
			else
				rec_free(&r);
		}
		sidecar_free(c.sc);
		if (c.skipped && !t.quiet)
			tool_warn(&t, "%llu records already in %s were skipped",
			    (unsigned long long)c.skipped, o.dir);
	}
	if (ds_close(c.d, why, sizeof why))
		tool_fatal(&t, "%s", why);
	return tool_finish(&t);
}
