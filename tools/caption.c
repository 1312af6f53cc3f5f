/*
 * caption - turn a tile's land-cover label into grounding boxes, a caption,
 * class fractions and SFT rows (specs/reference-pipeline.md section 5).
 *
 * Reads tile records (a "label" raster and "landcover.classes"), adds
 * "regions", "caption", "class_fractions" and "rows", and passes everything
 * else through.  Class names come from the record only.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "grounding.h"
#include "labelclasses.h"
#include "regions.h"
#include "sentences.h"
#include "sftrow.h"
#include "templates.h"
#include "tool.h"

static const char usage_text[] =
    "usage: caption [-hq] [--min-area N] [--max-per-class N] [--caption-classes N]\n"
    "               [--min-class-fraction F] [--max-classes-per-tile N]\n"
    "               [--no-grounding] [--no-per-class] [--no-per-class-grounding]\n"
    "               [--templates FILE] [--print-templates] [--rejects FILE]\n"
    "               [--spool DIR] [--progress] [--version] < tiles > captioned\n"
    "  --min-area N              smallest region, in native pixels, scaled by the\n"
    "                            tile's out/size (default 50)\n"
    "  --max-per-class N         regions kept per class, largest first (default 24;\n"
    "                            0: all)\n"
    "  --caption-classes N       classes named in the caption (default 4)\n"
    "  --min-class-fraction F    per-class rows for classes covering at least F of\n"
    "                            the valid pixels (default 0.05)\n"
    "  --max-classes-per-tile N  at most N classes get per-class rows (default 9)\n"
    "  --no-grounding            no grounding rows at all\n"
    "  --no-per-class            no per-class rows (class focus and grounding)\n"
    "  --no-per-class-grounding  no per-class grounding rows\n"
    "  --templates FILE          prompts and answers from a JSON file\n"
    "  --print-templates         write the templates in force as JSON and exit\n"
    "  -q, --quiet               no progress line, no per-record messages\n"
    "  --rejects FILE            rejected records go to FILE (default stderr)\n"
    "  --spool DIR               write rasters as GeoTIFFs in DIR\n"
    "  --progress                show the progress line even off a terminal\n"
    "  -h, --help                this text\n"
    "  --version                 the version\n";

enum {
	OPT_MIN_AREA = OPT_TOOL_FIRST, OPT_MAX_PER_CLASS, OPT_CAPTION_CLASSES,
	OPT_MIN_CLASS_FRACTION, OPT_MAX_CLASSES, OPT_NO_GROUNDING, OPT_NO_PER_CLASS,
	OPT_NO_PER_CLASS_GROUNDING, OPT_TEMPLATES, OPT_PRINT_TEMPLATES
};

static struct option longopts[] = {
	TOOL_LONGOPTS,
	{ "min-area", required_argument, 0, OPT_MIN_AREA },
	{ "max-per-class", required_argument, 0, OPT_MAX_PER_CLASS },
	{ "caption-classes", required_argument, 0, OPT_CAPTION_CLASSES },
	{ "min-class-fraction", required_argument, 0, OPT_MIN_CLASS_FRACTION },
	{ "max-classes-per-tile", required_argument, 0, OPT_MAX_CLASSES },
	{ "no-grounding", no_argument, 0, OPT_NO_GROUNDING },
	{ "no-per-class", no_argument, 0, OPT_NO_PER_CLASS },
	{ "no-per-class-grounding", no_argument, 0, OPT_NO_PER_CLASS_GROUNDING },
	{ "templates", required_argument, 0, OPT_TEMPLATES },
	{ "print-templates", no_argument, 0, OPT_PRINT_TEMPLATES },
	{ 0, 0, 0, 0 }
};

struct opts {
	long min_area;
	int max_per_class;
	int caption_classes;
	double min_class_fraction;
	int max_classes;
	int grounding, per_class, per_class_grounding;
	struct templates tp;
};

struct state {
	struct tool *t;
	struct opts *o;
	uint8_t warned[(UINT16_MAX + 1) / 8];	/* ids already warned about */
	struct labelclasses lc;
};

/* Which value is nodata: the raster's own, else landcover.nodata, else by dtype; 0: none. */
static int
label_nodata(const struct raster *lab, json_t *lc, uint16_t *nodata)
{
	double max = lab->dtype == DT_UINT8 ? 255 : 65535, nd = max;
	json_t *lnd = json_object_get(lc, "nodata");

	if (lab->has_nodata)
		nd = lab->nodata;
	else if (json_is_number(lnd))
		nd = json_number_value(lnd);
	if (!(nd >= 0 && nd <= max && nd == floor(nd)))
		return 0;
	*nodata = (uint16_t)nd;
	return 1;
}

/*
 * The region threshold at the tile's scale: max(1, floor(min_area * out /
 * size)), as the original; unscaled when the record has no tile key.
 */
static long
scaled_min_area(json_t *rec, long min_area)
{
	json_t *tile = json_object_get(rec, "tile");
	json_t *size = json_object_get(tile, "size"), *out = json_object_get(tile, "out");
	long v = min_area;

	if (json_is_integer(size) && json_is_integer(out) && json_integer_value(size) > 0 &&
	    json_integer_value(out) > 0)
		v = (long)((long long)min_area * json_integer_value(out) /
		    json_integer_value(size));
	return v < 1 ? 1 : v;
}

/* A label value missing from the table gets a made-up name: say so, once a run. */
static void
warn_unnamed(struct state *st, const struct rec *r, const struct labelclass *cl, size_t ncl)
{
	size_t i;

	for (i = 0; i < ncl; i++) {
		unsigned id = cl[i].id;

		if (cl[i].named || (st->warned[id / 8] & (1 << (id % 8))))
			continue;
		st->warned[id / 8] |= 1 << (id % 8);
		if (!st->t->quiet)
			tool_warn(st->t, "record %lld: label value %u is not in "
			    "landcover.classes; named \"class %u\" (warned once)", r->number, id, id);
	}
}

/*
 * The rows, in the original's order: the caption; grounding over all
 * regions; per class, most pixels first, its focus row and its grounding.
 */
static json_t *
make_rows(const struct opts *o, const char *caption, const struct region *reg, size_t nreg,
    const struct labelclass *cl, size_t ncl, struct labelclass *const *by_pixels,
    long valid, int w, int h)
{
	const struct templates *tp = &o->tp;
	json_t *rows = json_array();
	char tag[160];
	size_t i;

	if (rows == NULL || sftrow_append(rows, "caption", grounding_boxes(reg, nreg,
	    GROUNDING_ALL), strdup(tpl_text(tp, TPL_CAPTION_PROMPT)), strdup(caption)) == -1)
		goto oom;
	if (o->grounding && nreg > 0 && sftrow_append(rows, "ground_all",
	    grounding_boxes(reg, nreg, GROUNDING_ALL),
	    sentences_grounding(tp, tpl_text(tp, TPL_GROUND_ALL_TARGET)),
	    grounding_answer(reg, nreg, cl, ncl, GROUNDING_ALL, w, h)) == -1)
		goto oom;
	for (i = 0; o->per_class && i < ncl && i < (size_t)o->max_classes; i++) {
		const struct labelclass *c = by_pixels[i];
		double frac = (double)c->pixels / valid;

		if (frac < o->min_class_fraction)
			continue;
		snprintf(tag, sizeof tag, "classfocus_%s", c->slug);
		if (sftrow_append(rows, tag, grounding_boxes(reg, nreg, c->id),
		    sentences_class(tp, TPL_FOCUS_PROMPT, c, frac * 100),
		    sentences_class(tp, TPL_FOCUS_ANSWER, c, frac * 100)) == -1)
			goto oom;
		if (o->grounding && o->per_class_grounding && c->nregions > 0) {
			char *target = sentences_class(tp, TPL_GROUND_CLASS_TARGET, c, frac * 100);
			char *prompt = sentences_grounding(tp, target);

			free(target);
			snprintf(tag, sizeof tag, "ground_%s", c->slug);
			if (sftrow_append(rows, tag, grounding_boxes(reg, nreg, c->id), prompt,
			    grounding_answer(reg, nreg, cl, ncl, c->id, w, h)) == -1)
				goto oom;
		}
	}
	return rows;
oom:
	json_decref(rows);
	return NULL;
}

/* Everything caption adds to one record; a message in why when it cannot. */
static int
caption_record(struct state *st, struct rec *r, char *why, size_t whylen)
{
	struct opts *o = st->o;
	struct raster *lab = rec_find_raster(r, "label");
	json_t *lc, *classes, *regions = NULL, *fractions = NULL, *rows = NULL;
	struct labelclass *cl = NULL, **by_area = NULL, **by_pixels = NULL;
	struct region *reg = NULL;
	uint16_t *buf = NULL, nodata = 0;
	const uint16_t *px;
	size_t ncl = 0, nreg = 0, i, npx;
	long valid = 0, min_area;
	int has_nodata, rc = -1;
	char *caption = NULL;

	if (lab == NULL) {
		snprintf(why, whylen, "no \"label\" raster: caption needs a tile with labels "
		    "(lc-align, then tile)");
		return -1;
	}
	lc = json_object_get(r->json, "landcover");
	classes = json_object_get(lc, "classes");
	if (!json_is_array(classes)) {
		snprintf(why, whylen, "no landcover.classes: the class names come from the "
		    "record (as lc-align writes them)");
		return -1;
	}
	if (lab->dtype != DT_UINT8 && lab->dtype != DT_UINT16) {
		snprintf(why, whylen, "label raster is %s: expected uint8 or uint16",
		    dtype_name(lab->dtype));
		return -1;
	}
	if (lab->nbands != 1) {
		snprintf(why, whylen, "label raster has %d bands: expected 1", lab->nbands);
		return -1;
	}
	has_nodata = label_nodata(lab, lc, &nodata);

	npx = (size_t)lab->width * lab->height;
	if (lab->dtype == DT_UINT8) {
		const uint8_t *s = lab->data;

		if ((buf = malloc(npx * sizeof *buf)) == NULL)
			goto oom;
		for (i = 0; i < npx; i++)
			buf[i] = s[i];
		px = buf;
	} else
		px = lab->data;

	/* The table's classes the tile holds, then every present value it misses. */
	rc = labelclasses_find(&st->lc, px, npx, has_nodata, nodata, classes, &cl, &ncl, &valid,
	    why, whylen);
	if (rc == -2)
		goto oom;
	if (rc == -1)
		goto out;
	rc = -1;
	warn_unnamed(st, r, cl, ncl);

	/*
	 * Regions.  Drop those under the threshold before sorting: a noisy label
	 * has millions of specks, and sorting them all was 80 % of the time.
	 * The order and the per-class cap of what remains do not change.
	 */
	min_area = scaled_min_area(r->json, o->min_area);
	if (regions_find(px, lab->width, lab->height, has_nodata, nodata, &reg, &nreg) == -1 ||
	    regions_select(reg, &nreg, min_area, 0) == -1)
		goto oom;
	regions_sort(reg, nreg);
	if (regions_select(reg, &nreg, min_area, o->max_per_class) == -1)
		goto oom;
	/* Every labelled value has a class: a failure here is out of memory. */
	if (labelclasses_add_regions(cl, ncl, reg, nreg) == -1 ||
	    (regions = grounding_regions(reg, nreg, cl, ncl, lab->width, lab->height)) == NULL)
		goto oom;

	/* Caption: the classes with the most region area, as shares of the whole tile. */
	if ((by_area = labelclasses_sorted(cl, ncl, LABELCLASSES_BY_REGION_AREA)) == NULL ||
	    (caption = sentences_caption(&o->tp, by_area, ncl, (size_t)o->caption_classes,
	    (double)lab->width * lab->height)) == NULL)
		goto oom;

	if ((fractions = labelclasses_fractions(cl, ncl, valid)) == NULL ||
	    (by_pixels = labelclasses_sorted(cl, ncl, LABELCLASSES_BY_PIXELS)) == NULL ||
	    (rows = make_rows(o, caption, reg, nreg, cl, ncl, by_pixels, valid, lab->width,
	    lab->height)) == NULL)
		goto oom;

	if (json_object_set_new(r->json, "regions", regions) == -1 ||
	    json_object_set_new(r->json, "caption", json_string(caption)) == -1 ||
	    json_object_set_new(r->json, "class_fractions", fractions) == -1 ||
	    json_object_set_new(r->json, "rows", rows) == -1) {
		regions = fractions = rows = NULL;
		goto oom;
	}
	regions = fractions = rows = NULL;
	rc = 0;
	goto out;
oom:
	snprintf(why, whylen, "out of memory");
	rc = -2;
out:
	json_decref(regions);
	json_decref(fractions);
	json_decref(rows);
	free(caption);
	free(by_area);
	free(by_pixels);
	free(reg);
	free(cl);
	free(buf);
	return rc;
}

int
main(int argc, char **argv)
{
	static struct state st;
	struct tool t;
	struct opts o = { 50, 24, 4, 0.05, 9, 1, 1, 1, { { NULL } } };
	struct rec r;
	const char *tpl_path = NULL;
	char err[1024];
	int ch, print = 0;
	long v;
	double d;

	tool_init(&t, "caption", usage_text);
	tpl_defaults(&o.tp);
	while ((ch = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		if (tool_option(&t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_MIN_AREA:
			if (parse_long(optarg, 0, 1000000000L, &v))
				tool_usage_error(&t, "--min-area: expected pixels in 0..1e9, got '%s'",
				    optarg);
			o.min_area = v;
			break;
		case OPT_MAX_PER_CLASS:
			if (parse_long(optarg, 0, 1000000L, &v))
				tool_usage_error(&t, "--max-per-class: expected 0..1000000, got '%s'",
				    optarg);
			o.max_per_class = (int)v;
			break;
		case OPT_CAPTION_CLASSES:
			if (parse_long(optarg, 1, 64, &v))
				tool_usage_error(&t, "--caption-classes: expected 1..64, got '%s'",
				    optarg);
			o.caption_classes = (int)v;
			break;
		case OPT_MIN_CLASS_FRACTION:
			if (parse_double(optarg, &d) || !(d >= 0 && d <= 1))
				tool_usage_error(&t, "--min-class-fraction: expected a fraction in "
				    "0..1, got '%s'", optarg);
			o.min_class_fraction = d;
			break;
		case OPT_MAX_CLASSES:
			if (parse_long(optarg, 0, 65536, &v))
				tool_usage_error(&t, "--max-classes-per-tile: expected 0..65536, got "
				    "'%s'", optarg);
			o.max_classes = (int)v;
			break;
		case OPT_NO_GROUNDING:
			o.grounding = 0;
			break;
		case OPT_NO_PER_CLASS:
			o.per_class = 0;
			break;
		case OPT_NO_PER_CLASS_GROUNDING:
			o.per_class_grounding = 0;
			break;
		case OPT_TEMPLATES:
			tpl_path = optarg;
			break;
		case OPT_PRINT_TEMPLATES:
			print = 1;
			break;
		default:
			tool_usage_error(&t, NULL);
		}
	}
	if (tpl_path != NULL && tpl_load(&o.tp, tpl_path, err, sizeof err) == -1) {
		/* A bad file is no misuse of options: no synopsis, just why. */
		fprintf(stderr, "caption: --templates %s\n", err);
		return 2;
	}
	if (print) {
		if (tpl_write(stdout, &o.tp) == -1 || fflush(stdout) == EOF) {
			fprintf(stderr, "caption: stdout: %s\n", strerror(errno ? errno : EIO));
			return 2;
		}
		tpl_free(&o.tp);
		return 0;
	}
	tool_start(&t, argc - optind, argv + optind);

	st.t = &t;
	st.o = &o;
	while (tool_next(&t, &r)) {
		int rc = caption_record(&st, &r, err, sizeof err);

		if (rc == -2) {
			long long n = r.number;

			rec_free(&r);
			tool_fatal(&t, "record %lld: %s", n, err);
		}
		if (rc == -1) {
			tool_reject(&t, &r, "%s", err);
			continue;
		}
		tool_emit(&t, &r);
	}
	tpl_free(&o.tp);
	return tool_finish(&t);
}
