/*
 * test_templates.c - lib/templates: expansion, defaults, overrides and the
 * errors a user's template file can have.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "templates.h"
#include "unit.h"

static char dir[] = "/tmp/test_templates.XXXXXX";

static const char *
file(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

int
main(void)
{
	struct templates tp;
	char err[512], *s;
	const char *p;
	int rc;	/* CHECK evaluates its condition twice: no calls inside it */

	if (mkdtemp(dir) == NULL)
		return 1;
	tpl_defaults(&tp);

	s = tpl_expand("{name} ({percent}%) {nope} {\"label\": str} {}",
	    (const char *[]){ "name", "water", "percent", "12.5", NULL });
	CHECK(s && strcmp(s, "water (12.5%) {nope} {\"label\": str} {}") == 0,
	    "expand: known placeholders replaced, other braces kept: %s", s ? s : "(null)");
	free(s);

	s = tpl_expand(tpl_text(&tp, TPL_GROUND_PROMPT),
	    (const char *[]){ "target", "water", NULL });
	CHECK(s && strcmp(s, "The input is satellite imagery. Inspect it and detect the water. "
	    "Provide result as a valid JSON: [{\"label\": str, \"bbox\": [x1,y1,x2,y2]}, ...]. "
	    "Coordinates must be normalized to 0-1.") == 0, "default grounding prompt");
	free(s);

	p = file("ok.json", "{\"_comment\": \"mine\", \"caption_answer\": \"Mostly {classes}!\","
	    " \"list_last\": \" & \"}");
	rc = tpl_load(&tp, p, err, sizeof err);
	CHECK(rc == 0, "load overrides: %s", err);
	CHECK(strcmp(tpl_text(&tp, TPL_CAPTION_ANSWER), "Mostly {classes}!") == 0 &&
	    strcmp(tpl_text(&tp, TPL_LIST_LAST), " & ") == 0 &&
	    strcmp(tpl_text(&tp, TPL_LIST_SEP), ", ") == 0, "overridden and default side by side");

	p = file("unknown.json", "{\"caption_answr\": \"x\"}");
	rc = tpl_load(&tp, p, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "unknown template "
	    "\"caption_answr\""), "unknown key refused: %s", err);
	p = file("var.json", "{\"classfocus_answer\": \"{name} is {precent}%\"}");
	rc = tpl_load(&tp, p, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "unknown placeholder "
	    "{precent}") && strstr(err, "{percent}"), "unknown placeholder refused: %s", err);
	p = file("num.json", "{\"caption_prompt\": 3}");
	rc = tpl_load(&tp, p, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "not a string"),
	    "non-string refused: %s", err);
	p = file("bad.json", "{\"caption_prompt\": \"x\",\n");
	rc = tpl_load(&tp, p, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "bad.json:2:"),
	    "bad JSON names file and line: %s", err);
	p = file("arr.json", "[]");
	rc = tpl_load(&tp, p, err, sizeof err);
	CHECK(rc == -1 && strstr(err, "not a JSON object"),
	    "array refused: %s", err);
	rc = tpl_load(&tp, "/nonexistent/t.json", err, sizeof err);
	CHECK(rc == -1 &&
	    strstr(err, "/nonexistent/t.json"), "missing file: %s", err);
	CHECK(strcmp(tpl_text(&tp, TPL_CAPTION_ANSWER), "Mostly {classes}!") == 0,
	    "failed loads leave the templates as they were");

	tpl_free(&tp);
	unlink(file("ok.json", "")); unlink(file("unknown.json", "")); unlink(file("var.json", ""));
	unlink(file("num.json", "")); unlink(file("bad.json", "")); unlink(file("arr.json", ""));
	rmdir(dir);
	UNIT_DONE();
}
