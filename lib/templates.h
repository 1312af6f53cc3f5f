/*
 * templates.h - the prompts and answer sentences of caption rows, with the
 * original builder's wording as defaults and overrides from a JSON file.
 *
 * Calling sequence:
 *
 *	struct templates tp;
 *	tpl_defaults(&tp);
 *	if (path && tpl_load(&tp, path, err, sizeof err) == -1) ...usage error...
 *	s = tpl_expand(tpl_text(&tp, TPL_FOCUS_ANSWER), vars);	// malloc'd, NULL on OOM
 *	tpl_free(&tp);
 *
 * A template is plain text with placeholders {name}.  Only the placeholders
 * a template knows are replaced (tpl_load refuses the file when a template
 * uses an unknown one, so typos show); any other brace, such as the JSON
 * example in the grounding prompt, is copied as it is.
 */
#ifndef TEMPLATES_H
#define TEMPLATES_H

#include <stddef.h>
#include <stdio.h>

enum tpl_id {
	TPL_CAPTION_PROMPT,	/* user text of the caption row */
	TPL_CAPTION_ANSWER,	/* {classes}: the joined list of caption_class items */
	TPL_CAPTION_CLASS,	/* one item: {name} {words} {id} {percent} */
	TPL_CAPTION_EMPTY,	/* the answer when the tile has no region */
	TPL_LIST_PAIR,		/* between the two items of a list of two */
	TPL_LIST_SEP,		/* between items of longer lists */
	TPL_LIST_LAST,		/* before the last item of a list of three or more */
	TPL_GROUND_PROMPT,	/* {target} */
	TPL_GROUND_ALL_TARGET,	/* target of the row over all regions */
	TPL_GROUND_CLASS_TARGET, /* target of a per-class row: {name} {words} {id} */
	TPL_FOCUS_PROMPT,	/* {name} {words} {id} */
	TPL_FOCUS_ANSWER,	/* {name} {words} {id} {percent} {layout} */
	TPL_LAYOUT_NONE,	/* layout words: no region of the class */
	TPL_LAYOUT_FEW,		/* 1 or 2 regions */
	TPL_LAYOUT_SEVERAL,	/* 3 to 5 */
	TPL_LAYOUT_MANY,	/* more */
	TPL_COUNT
};

struct templates {
	char *s[TPL_COUNT];	/* overrides; NULL: the default */
};

/* The key of a template in the JSON file, e.g. "caption_prompt". */
const char *tpl_key(enum tpl_id id);

void tpl_defaults(struct templates *tp);
/* The text in force: the override, else the default. */
const char *tpl_text(const struct templates *tp, enum tpl_id id);
void tpl_free(struct templates *tp);

/*
 * Override the templates named in a JSON object file; keys left out keep
 * their value.  -1 (err set, tp unchanged) on an unreadable file, bad JSON,
 * an unknown key, a value that is not a string, or an unknown placeholder.
 */
int tpl_load(struct templates *tp, const char *path, char *err, size_t errlen);

/* Write tp as the JSON object tpl_load reads (pretty, keys in enum order). */
int tpl_write(FILE *fp, const struct templates *tp);

/*
 * Expand a template.  vars holds name, value pairs and ends with NULL:
 * { "name", "water", "percent", "12.5", NULL }.  Malloc'd; NULL on OOM.
 */
char *tpl_expand(const char *tpl, const char *const *vars);

#endif
