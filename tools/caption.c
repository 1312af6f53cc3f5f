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

#include "regions.h"
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

/* One class of the record's table, and what the tile holds of it. */
struct cls {
	unsigned id;
	const char *name;	/* from landcover.classes, or the fallback below */
	char fallback[24];	/* "class 7" for ids missing from the table */
	char words[128];	/* name with underscores as spaces */
	char slug[128];		/* name for row tags: classfocus_<slug> */
	long pixels;		/* valid pixels of this class */
	long region_area;	/* summed area of its kept regions */
	size_t nregions;
};

struct state {
	struct tool *t;
	struct opts *o;
	uint8_t warned[(UINT16_MAX + 1) / 8];	/* ids already warned about */
	long hist[UINT16_MAX + 1];		/* all zero between records */
	uint16_t present[UINT16_MAX + 1];	/* values with a count, this record */
	size_t npresent;
};

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Python's repr of round(v, 4) for the values we write: "%.4f" less trailing zeros. */
static void
fmt4(char *buf, size_t len, double v)
{
	size_t n;

	snprintf(buf, len, "%.4f", v);
	n = strlen(buf);
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0.0") == 0)
		snprintf(buf, len, "0.0");
}

/* A JSON real holding v rounded to 4 decimals (dumped with precision 15: no noise). */
static json_t *
real4(double v)
{
	char buf[64];

	fmt4(buf, sizeof buf, v);
	return json_real(strtod(buf, NULL));
}

static void
make_words(struct cls *c)
{
	size_t i;

	snprintf(c->words, sizeof c->words, "%s", c->name);
	for (i = 0; c->words[i] != '\0'; i++)
		if (c->words[i] == '_')
			c->words[i] = ' ';
}

/*
 * Tags name files downstream: ASCII letters and digits stay (lower case),
 * other ASCII becomes one '_', UTF-8 bytes stay.  "flooded_vegetation" is
 * unchanged; "Tree cover" gives "tree_cover".
 */
static void
make_slug(struct cls *c)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)c->name; *p != '\0' && n + 2 < sizeof c->slug; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
			c->slug[n++] = (char)*p;
		else if (*p >= 'A' && *p <= 'Z')
			c->slug[n++] = (char)(*p - 'A' + 'a');
		else if (n > 0 && c->slug[n - 1] != '_')
			c->slug[n++] = '_';
	}
	while (n > 0 && c->slug[n - 1] == '_')
		n--;
	c->slug[n] = '\0';
	if (n == 0)
		snprintf(c->slug, sizeof c->slug, "class_%u", c->id);
}

/* {"role":"user","content":[{"type":"image","image":"{image}"},{"type":"text",...}]}... */
static json_t *
messages(const char *prompt, const char *answer)
{
	return json_pack("[{s:s, s:[{s:s, s:s}, {s:s, s:s}]}, {s:s, s:[{s:s, s:s}]}]",
	    "role", "user", "content",
	    "type", "image", "image", "{image}",
	    "type", "text", "text", prompt,
	    "role", "assistant", "content",
	    "type", "text", "text", answer);
}

/* Append {"tag","boxes","messages"} to rows; takes prompt and answer. -1 on OOM. */
static int
add_row(json_t *rows, const char *tag, const struct region *reg, size_t nreg,
    const struct cls *only, char *prompt, char *answer)
{
	json_t *row = NULL, *boxes = NULL, *msg = NULL;
	size_t i;
	int rc = -1;

	if (prompt == NULL || answer == NULL)
		goto out;
	if ((boxes = json_array()) == NULL)
		goto out;
	for (i = 0; i < nreg; i++)
		if (only == NULL || reg[i].class_id == only->id)
			if (json_array_append_new(boxes, json_integer((json_int_t)i)) == -1)
				goto out;
	if ((msg = messages(prompt, answer)) == NULL)
		goto out;
	row = json_pack("{s:s, s:o, s:o}", "tag", tag, "boxes", boxes, "messages", msg);
	boxes = msg = NULL;
	if (row == NULL || json_array_append_new(rows, row) == -1)
		goto out;
	rc = 0;
out:
	json_decref(boxes);
	json_decref(msg);
	free(prompt);
	free(answer);
	return rc;
}

/* Dynamic string for the grounding answer text. */
struct buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void
bput(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	char *ns;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((ns = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/*
 * The answer of a grounding row, as the original's json.dumps wrote it:
 * [{"label": "water", "bbox": [0.0, 0.125, 0.5, 1.0]}, ...].  NULL on OOM.
 */
static char *
boxes_text(const struct region *reg, size_t nreg, struct cls *cl, size_t ncl,
    const struct cls *only, int w, int h)
{
	struct buf b = { NULL, 0, 0, 0 };
	char num[64];
	size_t i, k, n = 0;
	json_t *js;
	char *lab;

	bput(&b, "[");
	for (i = 0; i < nreg; i++) {
		const struct cls *c = NULL;

		if (only != NULL && reg[i].class_id != only->id)
			continue;
		for (k = 0; k < ncl; k++)
			if (cl[k].id == reg[i].class_id)
				c = &cl[k];
		if (c == NULL)
			continue;
		js = json_string(c->name);
		lab = js == NULL ? NULL : json_dumps(js, JSON_ENCODE_ANY);
		json_decref(js);
		bput(&b, n++ ? ", {\"label\": " : "{\"label\": ");
		if (lab == NULL)
			b.oom = 1;
		else
			bput(&b, lab);
		free(lab);
		fmt4(num, sizeof num, (double)reg[i].x0 / w);
		bput(&b, ", \"bbox\": [");
		bput(&b, num);
		fmt4(num, sizeof num, (double)reg[i].y0 / h);
		bput(&b, ", ");
		bput(&b, num);
		fmt4(num, sizeof num, (double)(reg[i].x1 + 1) / w);
		bput(&b, ", ");
		bput(&b, num);
		fmt4(num, sizeof num, (double)(reg[i].y1 + 1) / h);
		bput(&b, ", ");
		bput(&b, num);
		bput(&b, "]}");
	}
	bput(&b, "]");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Join the items with the template's list words: "A", "A and B", "A, B, and C". */
static char *
join_list(const struct templates *tp, char **items, size_t n)
{
	struct buf b = { NULL, 0, 0, 0 };
	size_t i;

	bput(&b, "");
	for (i = 0; i < n; i++) {
		if (i > 0)
			bput(&b, n == 2 ? tpl_text(tp, TPL_LIST_PAIR) :
			    i == n - 1 ? tpl_text(tp, TPL_LIST_LAST) : tpl_text(tp, TPL_LIST_SEP));
		if (items[i] == NULL)
			b.oom = 1;
		else
			bput(&b, items[i]);
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static int
cmp_by_region_area(const void *pa, const void *pb)
{
	const struct cls *a = *(const struct cls *const *)pa, *b = *(const struct cls *const *)pb;

	if (a->region_area != b->region_area)
		return a->region_area > b->region_area ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
cmp_by_pixels(const void *pa, const void *pb)
{
	const struct cls *a = *(const struct cls *const *)pa, *b = *(const struct cls *const *)pb;

	if (a->pixels != b->pixels)
		return a->pixels > b->pixels ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static const char *
layout_words(const struct templates *tp, size_t n)
{
	if (n == 0)
		return tpl_text(tp, TPL_LAYOUT_NONE);
	if (n <= 2)
		return tpl_text(tp, TPL_LAYOUT_FEW);
	if (n <= 5)
		return tpl_text(tp, TPL_LAYOUT_SEVERAL);
	return tpl_text(tp, TPL_LAYOUT_MANY);
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

/* Everything caption adds to one record; a message in why when it cannot. */
static int
caption_record(struct state *st, struct rec *r, char *why, size_t whylen)
{
	struct opts *o = st->o;
	const struct templates *tp = &o->tp;
	struct raster *lab = rec_find_raster(r, "label");
	json_t *lc, *classes, *e, *regions = NULL, *fractions = NULL, *rows = NULL, *v;
	struct cls *cl = NULL, **order = NULL;
	struct region *reg = NULL;
	uint16_t *buf = NULL, nodata = 0;
	const uint16_t *px;
	size_t ncl = 0, ntable, nreg = 0, i, k, npx;
	long valid = 0, min_area;
	int has_nodata = 0, rc = -1;
	char *caption = NULL, *items[64];
	char pct[32], idbuf[24];

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

	/* Which value is nodata: the raster's own, else landcover.nodata, else by dtype. */
	{
		double nd = lab->dtype == DT_UINT8 ? 255 : 65535;
		json_t *lnd = json_object_get(lc, "nodata");

		has_nodata = 1;
		if (lab->has_nodata)
			nd = lab->nodata;
		else if (json_is_number(lnd))
			nd = json_number_value(lnd);
		if (!(nd >= 0 && nd <= (lab->dtype == DT_UINT8 ? 255 : 65535) && nd == floor(nd)))
			has_nodata = 0;
		else
			nodata = (uint16_t)nd;
	}

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

	/*
	 * Histogram of the values present; only those entries are touched and
	 * reset (at out:), so a tile costs its pixels, not 65536 bins.
	 */
	for (i = 0; i < npx; i++)
		if (st->hist[px[i]]++ == 0)
			st->present[st->npresent++] = px[i];
	qsort(st->present, st->npresent, sizeof *st->present, cmp_u16);

	/* The table of the record, then every present value it misses. */
	ntable = json_array_size(classes);
	if ((cl = calloc(ntable + st->npresent + 1, sizeof *cl)) == NULL)
		goto oom;
	json_array_foreach(classes, i, e) {
		json_t *id = json_object_get(e, "id"), *name = json_object_get(e, "name");

		if (!json_is_integer(id) || json_integer_value(id) < 0 ||
		    !json_is_string(name)) {
			snprintf(why, whylen, "landcover.classes[%zu]: needs an integer \"id\" >= 0 "
			    "and a string \"name\"", i);
			goto out;
		}
		if (json_integer_value(id) > UINT16_MAX)
			continue;	/* cannot occur in a uint16 label */
		for (k = 0; k < ncl; k++)
			if (cl[k].id == (unsigned)json_integer_value(id)) {
				snprintf(why, whylen, "landcover.classes: id %u appears twice",
				    cl[k].id);
				goto out;
			}
		cl[ncl].id = (unsigned)json_integer_value(id);
		cl[ncl].name = json_string_value(name);
		ncl++;
	}
	/* Keep the present classes of the table, marking them (negative counts). */
	for (i = 0, k = 0; i < ncl; i++)
		if (st->hist[cl[i].id] > 0 && !(has_nodata && cl[i].id == nodata)) {
			if (k != i)
				cl[k] = cl[i];
			cl[k].pixels = st->hist[cl[k].id];
			st->hist[cl[k].id] = -st->hist[cl[k].id];
			k++;
		}
	ncl = k;
	for (i = 0; i < st->npresent; i++) {
		unsigned id = st->present[i];

		if (st->hist[id] < 0 || (has_nodata && id == nodata))
			continue;
		cl[ncl].id = id;
		snprintf(cl[ncl].fallback, sizeof cl[ncl].fallback, "class %u", id);
		cl[ncl].name = cl[ncl].fallback;
		cl[ncl].pixels = st->hist[id];
		if (!(st->warned[id / 8] & (1 << (id % 8)))) {
			st->warned[id / 8] |= 1 << (id % 8);
			if (!st->t->quiet)
				tool_warn(st->t, "record %lld: label value %u is not in "
				    "landcover.classes; named \"class %u\" (warned once)",
				    r->number, id, id);
		}
		ncl++;
	}
	for (i = 0; i < ncl; i++) {
		valid += cl[i].pixels;
		make_words(&cl[i]);
		make_slug(&cl[i]);
	}

	/* Regions. */
	min_area = scaled_min_area(r->json, o->min_area);
	if (regions_find(px, lab->width, lab->height, has_nodata, nodata, &reg, &nreg) == -1)
		goto oom;
	/*
	 * Drop the regions under the threshold before sorting: a noisy label
	 * has millions of specks, and sorting them all was 80 % of the time.
	 * The order and the per-class cap of what remains do not change.
	 */
	if (regions_select(reg, &nreg, min_area, 0) == -1)
		goto oom;
	regions_sort(reg, nreg);
	if (regions_select(reg, &nreg, min_area, o->max_per_class) == -1)
		goto oom;
	if ((regions = json_array()) == NULL)
		goto oom;
	for (i = 0; i < nreg; i++) {
		struct cls *c = NULL;

		for (k = 0; k < ncl; k++)
			if (cl[k].id == reg[i].class_id)
				c = &cl[k];
		if (c == NULL)
			goto oom;	/* cannot happen: every labelled value has a class */
		c->region_area += reg[i].area;
		c->nregions++;
		v = json_pack("{s:s, s:i, s:[o, o, o, o], s:I}", "label", c->name,
		    "class_id", (int)c->id,
		    "bbox", real4((double)reg[i].x0 / lab->width),
		    real4((double)reg[i].y0 / lab->height),
		    real4((double)(reg[i].x1 + 1) / lab->width),
		    real4((double)(reg[i].y1 + 1) / lab->height),
		    "area_px", (json_int_t)reg[i].area);
		if (v == NULL || json_array_append_new(regions, v) == -1)
			goto oom;
	}

	/* Caption: the classes with the most region area, as shares of the whole tile. */
	if ((order = malloc((ncl ? ncl : 1) * sizeof *order)) == NULL)
		goto oom;
	for (i = 0; i < ncl; i++)
		order[i] = &cl[i];
	qsort(order, ncl, sizeof *order, cmp_by_region_area);
	if (nreg == 0) {
		if ((caption = strdup(tpl_text(tp, TPL_CAPTION_EMPTY))) == NULL)
			goto oom;
	} else {
		size_t n = 0;
		char *list;

		for (i = 0; i < ncl && n < (size_t)o->caption_classes && n < 64; i++) {
			struct cls *c = order[i];

			if (c->region_area == 0)
				break;
			snprintf(pct, sizeof pct, "%.1f", 100.0 * c->region_area /
			    ((double)lab->width * lab->height));
			snprintf(idbuf, sizeof idbuf, "%u", c->id);
			items[n++] = tpl_expand(tpl_text(tp, TPL_CAPTION_CLASS),
			    (const char *[]){ "name", c->name, "words", c->words, "id", idbuf,
			    "percent", pct, NULL });
		}
		list = join_list(tp, items, n);
		for (i = 0; i < n; i++)
			free(items[i]);
		if (list == NULL)
			goto oom;
		caption = tpl_expand(tpl_text(tp, TPL_CAPTION_ANSWER),
		    (const char *[]){ "classes", list, NULL });
		free(list);
		if (caption == NULL)
			goto oom;
	}

	/* Class fractions over valid pixels, by class id. */
	qsort(order, ncl, sizeof *order, cmp_by_pixels);
	if ((fractions = json_object()) == NULL)
		goto oom;
	{
		struct cls **byid = malloc((ncl ? ncl : 1) * sizeof *byid);
		size_t a, b;

		if (byid == NULL)
			goto oom;
		memcpy(byid, order, ncl * sizeof *byid);
		/* ids are unique and few: insertion sort */
		for (a = 1; a < ncl; a++)
			for (b = a; b > 0 && byid[b - 1]->id > byid[b]->id; b--) {
				struct cls *tmp = byid[b];
				byid[b] = byid[b - 1];
				byid[b - 1] = tmp;
			}
		for (a = 0; a < ncl; a++) {
			snprintf(idbuf, sizeof idbuf, "%u", byid[a]->id);
			if (json_object_set_new(fractions, idbuf,
			    real4((double)byid[a]->pixels / valid)) == -1) {
				free(byid);
				goto oom;
			}
		}
		free(byid);
	}

	/* Rows, in the original's order. */
	if ((rows = json_array()) == NULL)
		goto oom;
	if (add_row(rows, "caption", reg, nreg, NULL, strdup(tpl_text(tp, TPL_CAPTION_PROMPT)),
	    strdup(caption)) == -1)
		goto oom;
	if (o->grounding && nreg > 0 &&
	    add_row(rows, "ground_all", reg, nreg, NULL,
	    tpl_expand(tpl_text(tp, TPL_GROUND_PROMPT),
	    (const char *[]){ "target", tpl_text(tp, TPL_GROUND_ALL_TARGET), NULL }),
	    boxes_text(reg, nreg, cl, ncl, NULL, lab->width, lab->height)) == -1)
		goto oom;
	for (i = 0; o->per_class && i < ncl && i < (size_t)o->max_classes; i++) {
		struct cls *c = order[i];
		double frac = (double)c->pixels / valid;
		char tag[160];
		const char *cv[] = { "name", c->name, "words", c->words, "id", idbuf,
		    "percent", pct, "layout", layout_words(tp, c->nregions), NULL };

		if (frac < o->min_class_fraction)
			continue;
		snprintf(idbuf, sizeof idbuf, "%u", c->id);
		snprintf(pct, sizeof pct, "%.1f", frac * 100);
		snprintf(tag, sizeof tag, "classfocus_%s", c->slug);
		if (add_row(rows, tag, reg, nreg, c, tpl_expand(tpl_text(tp, TPL_FOCUS_PROMPT), cv),
		    tpl_expand(tpl_text(tp, TPL_FOCUS_ANSWER), cv)) == -1)
			goto oom;
		if (o->grounding && o->per_class_grounding && c->nregions > 0) {
			char *target = tpl_expand(tpl_text(tp, TPL_GROUND_CLASS_TARGET), cv);
			char *prompt = target == NULL ? NULL :
			    tpl_expand(tpl_text(tp, TPL_GROUND_PROMPT),
			    (const char *[]){ "target", target, NULL });

			free(target);
			snprintf(tag, sizeof tag, "ground_%s", c->slug);
			if (add_row(rows, tag, reg, nreg, c, prompt,
			    boxes_text(reg, nreg, cl, ncl, c, lab->width, lab->height)) == -1)
				goto oom;
		}
	}

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
	for (i = 0; i < st->npresent; i++)
		st->hist[st->present[i]] = 0;
	st->npresent = 0;
	json_decref(regions);
	json_decref(fractions);
	json_decref(rows);
	free(caption);
	free(order);
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
