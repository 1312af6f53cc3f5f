/*
 * sentences.c - caption, class focus and grounding sentences from templates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentences.h"

static const char *
layout_words(const struct templates *tp, size_t nregions)
{
	if (nregions == 0)
		return tpl_text(tp, TPL_LAYOUT_NONE);
	if (nregions <= 2)
		return tpl_text(tp, TPL_LAYOUT_FEW);
	if (nregions <= 5)
		return tpl_text(tp, TPL_LAYOUT_SEVERAL);
	return tpl_text(tp, TPL_LAYOUT_MANY);
}

char *
sentences_class(const struct templates *tp, enum tpl_id id, const struct labelclass *c,
    double percent)
{
	char pct[32], idbuf[24];

	snprintf(pct, sizeof pct, "%.1f", percent);
	snprintf(idbuf, sizeof idbuf, "%u", c->id);
	return tpl_expand(tpl_text(tp, id), (const char *[]){ "name", c->name, "words",
	    c->words, "id", idbuf, "percent", pct, "layout", layout_words(tp, c->nregions),
	    NULL });
}

char *
sentences_grounding(const struct templates *tp, const char *target)
{
	if (target == NULL)
		return NULL;
	return tpl_expand(tpl_text(tp, TPL_GROUND_PROMPT), (const char *[]){ "target", target,
	    NULL });
}

char *
sentences_caption(const struct templates *tp, struct labelclass *const *by_area, size_t n,
    size_t max_classes, double tile_pixels)
{
	char *list = NULL, *item, *caption;
	size_t len, i, k = 0;
	FILE *fp;
	int bad = 0;

	while (k < n && k < max_classes && by_area[k]->region_area > 0)
		k++;
	if (k == 0)
		return strdup(tpl_text(tp, TPL_CAPTION_EMPTY));
	if ((fp = open_memstream(&list, &len)) == NULL)
		return NULL;
	for (i = 0; i < k; i++) {
		if (i > 0)
			fputs(tpl_text(tp, k == 2 ? TPL_LIST_PAIR : i == k - 1 ? TPL_LIST_LAST :
			    TPL_LIST_SEP), fp);
		item = sentences_class(tp, TPL_CAPTION_CLASS, by_area[i],
		    100.0 * by_area[i]->region_area / tile_pixels);
		if (item == NULL)
			bad = 1;
		else
			fputs(item, fp);
		free(item);
	}
	if (ferror(fp))
		bad = 1;
	if (fclose(fp) != 0 || bad) {
		free(list);
		return NULL;
	}
	caption = tpl_expand(tpl_text(tp, TPL_CAPTION_ANSWER), (const char *[]){ "classes", list,
	    NULL });
	free(list);
	return caption;
}
