/*
 * grounding.c - boxes of a tile's regions, as JSON and as answer text.
 */
#include <stdio.h>
#include <stdlib.h>

#include "grounding.h"
#include "round4.h"

static void
box(const struct region *r, int w, int h, double b[4])
{
	b[0] = (double)r->x0 / w;
	b[1] = (double)r->y0 / h;
	b[2] = (double)(r->x1 + 1) / w;
	b[3] = (double)(r->y1 + 1) / h;
}

json_t *
grounding_regions(const struct region *reg, size_t nreg, const struct labelclass *cl,
    size_t ncl, int w, int h)
{
	json_t *regions = json_array(), *v;
	const struct labelclass *c;
	double b[4];
	size_t i;

	for (i = 0; regions != NULL && i < nreg; i++) {
		if ((c = labelclasses_get(cl, ncl, reg[i].class_id)) == NULL)
			goto fail;
		box(&reg[i], w, h, b);
		v = json_pack("{s:s, s:i, s:[o, o, o, o], s:I}", "label", c->name,
		    "class_id", (int)c->id, "bbox", round4_json(b[0]), round4_json(b[1]),
		    round4_json(b[2]), round4_json(b[3]), "area_px", (json_int_t)reg[i].area);
		if (v == NULL || json_array_append_new(regions, v) == -1)
			goto fail;
	}
	return regions;
fail:
	json_decref(regions);
	return NULL;
}

json_t *
grounding_boxes(const struct region *reg, size_t nreg, long class_id)
{
	json_t *boxes = json_array();
	size_t i;

	for (i = 0; boxes != NULL && i < nreg; i++)
		if ((class_id == GROUNDING_ALL || reg[i].class_id == (unsigned long)class_id) &&
		    json_array_append_new(boxes, json_integer((json_int_t)i)) == -1) {
			json_decref(boxes);
			boxes = NULL;
		}
	return boxes;
}

char *
grounding_answer(const struct region *reg, size_t nreg, const struct labelclass *cl,
    size_t ncl, long class_id, int w, int h)
{
	const struct labelclass *c;
	char *text = NULL, *label, num[ROUND4_LEN];
	size_t len, i, n = 0;
	double b[4];
	json_t *js;
	FILE *fp;
	int k, bad = 0;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return NULL;
	fputc('[', fp);
	for (i = 0; i < nreg; i++) {
		if (class_id != GROUNDING_ALL && reg[i].class_id != (unsigned long)class_id)
			continue;
		if ((c = labelclasses_get(cl, ncl, reg[i].class_id)) == NULL)
			continue;
		/* The label as JSON writes a string: quotes and escapes. */
		js = json_string(c->name);
		label = js == NULL ? NULL : json_dumps(js, JSON_ENCODE_ANY);
		json_decref(js);
		if (label == NULL)
			bad = 1;
		fprintf(fp, "%s{\"label\": %s, \"bbox\": [", n++ ? ", " : "", label ? label : "");
		free(label);
		box(&reg[i], w, h, b);
		for (k = 0; k < 4; k++) {
			round4_text(num, sizeof num, b[k]);
			fprintf(fp, "%s%s", k ? ", " : "", num);
		}
		fputs("]}", fp);
	}
	fputc(']', fp);
	if (ferror(fp))
		bad = 1;
	if (fclose(fp) != 0 || bad) {
		free(text);
		return NULL;
	}
	return text;
}
