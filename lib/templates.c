/*
 * templates.c - caption row templates: the original builder's sentences as
 * defaults, JSON overrides, and {placeholder} expansion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "templates.h"

/* Placeholders, as bits, so each template says which it may use. */
enum {
	V_NAME = 1 << 0, V_WORDS = 1 << 1, V_ID = 1 << 2, V_PERCENT = 1 << 3,
	V_LAYOUT = 1 << 4, V_CLASSES = 1 << 5, V_TARGET = 1 << 6
};

static const char *const var_names[] = {
	"name", "words", "id", "percent", "layout", "classes", "target", NULL
};

#define V_CLASS (V_NAME | V_WORDS | V_ID)

static const struct {
	const char *key;
	unsigned vars;
	const char *text;
} defs[TPL_COUNT] = {
	[TPL_CAPTION_PROMPT] = { "caption_prompt", 0,
	    "The input is satellite imagery (RGB). Describe this imagery in detail, "
	    "including surface cover and structure where visible." },
	[TPL_CAPTION_ANSWER] = { "caption_answer", V_CLASSES,
	    "This satellite imagery is dominated by {classes}." },
	[TPL_CAPTION_CLASS] = { "caption_class", V_CLASS | V_PERCENT,
	    "{name} ({percent}%)" },
	[TPL_CAPTION_EMPTY] = { "caption_empty", 0,
	    "This satellite imagery shows no clear land-cover regions above the size "
	    "threshold in the model output resolution." },
	[TPL_LIST_PAIR] = { "list_pair", 0, " and " },
	[TPL_LIST_SEP] = { "list_sep", 0, ", " },
	[TPL_LIST_LAST] = { "list_last", 0, ", and " },
	[TPL_GROUND_PROMPT] = { "grounding_prompt", V_TARGET,
	    "The input is satellite imagery. Inspect it and detect the {target}. "
	    "Provide result as a valid JSON: [{\"label\": str, \"bbox\": [x1,y1,x2,y2]}, ...]. "
	    "Coordinates must be normalized to 0-1." },
	[TPL_GROUND_ALL_TARGET] = { "grounding_all_target", 0,
	    "land cover regions visible in this satellite imagery" },
	[TPL_GROUND_CLASS_TARGET] = { "grounding_class_target", V_CLASS, "{words}" },
	[TPL_FOCUS_PROMPT] = { "classfocus_prompt", V_CLASS,
	    "The input is satellite imagery with an aligned per-pixel land-cover label. "
	    "Describe only **{name}** in the imagery: approximate share of valid pixels "
	    "and brief spatial layout." },
	[TPL_FOCUS_ANSWER] = { "classfocus_answer", V_CLASS | V_PERCENT | V_LAYOUT,
	    "In this satellite imagery, **{name}** accounts for about {percent}% of valid "
	    "pixels, showing {layout}" },
	[TPL_LAYOUT_NONE] = { "layout_none", 0,
	    "spatially mixed appearance in this resolution." },
	[TPL_LAYOUT_FEW] = { "layout_few", 0, "one or two dominant contiguous patches." },
	[TPL_LAYOUT_SEVERAL] = { "layout_several", 0, "several separated patches." },
	[TPL_LAYOUT_MANY] = { "layout_many", 0, "many small fragments across the tile." },
};

const char *
tpl_key(enum tpl_id id)
{
	return (unsigned)id < TPL_COUNT ? defs[id].key : NULL;
}

void
tpl_defaults(struct templates *tp)
{
	int i;

	for (i = 0; i < TPL_COUNT; i++)
		tp->s[i] = NULL;
}

const char *
tpl_text(const struct templates *tp, enum tpl_id i)
{
	return tp->s[i] != NULL ? tp->s[i] : defs[i].text;
}

void
tpl_free(struct templates *tp)
{
	int i;

	for (i = 0; i < TPL_COUNT; i++) {
		free(tp->s[i]);
		tp->s[i] = NULL;
	}
}

/*
 * Length of a placeholder at p ("{word}"), 0 when p does not start one.
 * name and len get the word.
 */
static size_t
placeholder(const char *p, const char **name, size_t *len)
{
	const char *q = p + 1;

	if (*p != '{')
		return 0;
	while (*q == '_' || (*q >= 'a' && *q <= 'z'))
		q++;
	if (q == p + 1 || *q != '}')
		return 0;
	*name = p + 1;
	*len = q - (p + 1);
	return q + 1 - p;
}

static int
var_bit(const char *name, size_t len)
{
	int i;

	for (i = 0; var_names[i] != NULL; i++)
		if (strlen(var_names[i]) == len && memcmp(var_names[i], name, len) == 0)
			return 1 << i;
	return 0;
}

/* Checks the placeholders of s against what template i allows; 0 ok. */
static int
check_vars(int i, const char *s, char *err, size_t errlen)
{
	const char *name;
	size_t len, n;

	for (; *s != '\0'; s++) {
		if ((n = placeholder(s, &name, &len)) == 0)
			continue;
		if ((var_bit(name, len) & defs[i].vars) == 0) {
			int k, off = 0;
			char allowed[128] = "";

			for (k = 0; var_names[k] != NULL; k++)
				if (defs[i].vars & (1u << k))
					off += snprintf(allowed + off, sizeof allowed - off,
					    "%s{%s}", off ? " " : "", var_names[k]);
			snprintf(err, errlen, "\"%s\": unknown placeholder {%.*s} (%s%s)",
			    defs[i].key, (int)len, name, off ? "allowed: " : "none allowed",
			    allowed);
			return -1;
		}
		s += n - 1;
	}
	return 0;
}

int
tpl_load(struct templates *tp, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root, *v;
	FILE *fp;
	const char *key;
	char *news[TPL_COUNT] = { NULL }, why[256];
	int i;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	root = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
	fclose(fp);
	if (root == NULL) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: not a JSON object", path);
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, key, v) {
		/* "_comment" and the like: room for the user's notes. */
		if (key[0] == '_')
			continue;
		for (i = 0; i < TPL_COUNT; i++)
			if (strcmp(key, defs[i].key) == 0)
				break;
		if (i == TPL_COUNT) {
			snprintf(err, errlen, "%s: unknown template \"%s\"", path, key);
			goto fail;
		}
		if (!json_is_string(v)) {
			snprintf(err, errlen, "%s: \"%s\": not a string", path, key);
			goto fail;
		}
		if (check_vars(i, json_string_value(v), why, sizeof why) == -1) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto fail;
		}
		if ((news[i] = strdup(json_string_value(v))) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
			goto fail;
		}
	}
	for (i = 0; i < TPL_COUNT; i++)
		if (news[i] != NULL) {
			free(tp->s[i]);
			tp->s[i] = news[i];
		}
	json_decref(root);
	return 0;
fail:
	for (i = 0; i < TPL_COUNT; i++)
		free(news[i]);
	json_decref(root);
	return -1;
}

int
tpl_write(FILE *fp, const struct templates *tp)
{
	json_t *o = json_object();
	int i, rc;

	if (o == NULL)
		return -1;
	for (i = 0; i < TPL_COUNT; i++)
		if (json_object_set_new(o, defs[i].key, json_string(tpl_text(tp, i))) == -1) {
			json_decref(o);
			return -1;
		}
	rc = json_dumpf(o, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (rc == -1 || fputc('\n', fp) == EOF)
		return -1;
	return 0;
}

char *
tpl_expand(const char *tpl, const char *const *vars)
{
	size_t cap = strlen(tpl) + 64, len = 0, n, nl, vl;
	char *out = malloc(cap), *np;
	const char *name, *val;
	int k;

	if (out == NULL)
		return NULL;
	while (*tpl != '\0') {
		val = NULL;
		n = 1;
		if ((nl = placeholder(tpl, &name, &vl)) != 0) {
			for (k = 0; vars[k] != NULL && vars[k + 1] != NULL; k += 2)
				if (strlen(vars[k]) == vl && memcmp(vars[k], name, vl) == 0) {
					val = vars[k + 1];
					n = nl;
					break;
				}
		}
		if (val == NULL)
			val = tpl, vl = 1;
		else
			vl = strlen(val);
		if (len + vl + 1 > cap) {
			while (len + vl + 1 > cap)
				cap *= 2;
			if ((np = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = np;
		}
		memcpy(out + len, val, vl);
		len += vl;
		tpl += n;
	}
	out[len] = '\0';
	return out;
}
