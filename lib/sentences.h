/*
 * sentences.h - the text of a tile's rows: the templates (templates.h)
 * filled in with the tile's classes (labelclasses.h).  Each function returns
 * a malloc'd string, NULL when out of memory.
 *
 *	caption = sentences_caption(tp, by_area, n, 4, (double)w * h);
 *	prompt = sentences_class(tp, TPL_FOCUS_PROMPT, c, percent);
 *	prompt = sentences_grounding(tp, target);
 */
#ifndef SENTENCES_H
#define SENTENCES_H

#include <stddef.h>

#include "labelclasses.h"
#include "templates.h"

/*
 * The caption: up to max_classes of by_area (sorted by region area, most
 * first) that have regions, each with its share of the tile's tile_pixels,
 * joined by the list words ("A", "A and B", "A, B, and C"); the empty
 * caption when no class has a region.
 */
char *sentences_caption(const struct templates *tp, struct labelclass *const *by_area,
    size_t n, size_t max_classes, double tile_pixels);

/*
 * Template id about class c: {name} {words} {id}, {percent} (one decimal
 * of percent) and {layout} (the layout words for its number of regions).
 */
char *sentences_class(const struct templates *tp, enum tpl_id id, const struct labelclass *c,
    double percent);

/* The grounding prompt for target (the all-regions target, or a class's). */
char *sentences_grounding(const struct templates *tp, const char *target);

#endif
