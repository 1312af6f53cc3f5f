/* test_url.c - RFC 3986 section 5.4 examples, plus local paths and file:// URLs. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "url.h"

static void
t(const char *base, const char *ref, const char *want)
{
	char *got = url_resolve(base, ref);

	CHECK(got != NULL && strcmp(got, want) == 0, "resolve(%s, %s) = %s (got %s)",
	    base, ref, want, got ? got : "NULL");
	free(got);
}

int
main(void)
{
	const char *b = "http://a/b/c/d;p?q";
	char *s;

	/* 5.4.1 normal examples */
	t(b, "g:h", "g:h");
	t(b, "g", "http://a/b/c/g");
	t(b, "./g", "http://a/b/c/g");
	t(b, "g/", "http://a/b/c/g/");
	t(b, "/g", "http://a/g");
	t(b, "//g", "http://g");
	t(b, "?y", "http://a/b/c/d;p?y");
	t(b, "g?y", "http://a/b/c/g?y");
	t(b, "#s", "http://a/b/c/d;p?q#s");
	t(b, "g#s", "http://a/b/c/g#s");
	t(b, "g?y#s", "http://a/b/c/g?y#s");
	t(b, ";x", "http://a/b/c/;x");
	t(b, "g;x", "http://a/b/c/g;x");
	t(b, "g;x?y#s", "http://a/b/c/g;x?y#s");
	t(b, "", "http://a/b/c/d;p?q");
	t(b, ".", "http://a/b/c/");
	t(b, "./", "http://a/b/c/");
	t(b, "..", "http://a/b/");
	t(b, "../", "http://a/b/");
	t(b, "../g", "http://a/b/g");
	t(b, "../..", "http://a/");
	t(b, "../../", "http://a/");
	t(b, "../../g", "http://a/g");
	/* 5.4.2 abnormal examples */
	t(b, "../../../g", "http://a/g");
	t(b, "../../../../g", "http://a/g");
	t(b, "/./g", "http://a/g");
	t(b, "/../g", "http://a/g");
	t(b, "g.", "http://a/b/c/g.");
	t(b, ".g", "http://a/b/c/.g");
	t(b, "g..", "http://a/b/c/g..");
	t(b, "..g", "http://a/b/c/..g");
	t(b, "./../g", "http://a/b/g");
	t(b, "./g/.", "http://a/b/c/g/");
	t(b, "g/./h", "http://a/b/c/g/h");
	t(b, "g/../h", "http://a/b/c/h");
	t(b, "g;x=1/./y", "http://a/b/c/g;x=1/y");
	t(b, "g;x=1/../y", "http://a/b/c/y");
	t(b, "g?y/./x", "http://a/b/c/g?y/./x");
	t(b, "g?y/../x", "http://a/b/c/g?y/../x");
	t(b, "g#s/./x", "http://a/b/c/g#s/./x");
	t(b, "g#s/../x", "http://a/b/c/g#s/../x");
	t(b, "http:g", "http:g");

	/* The trailing slash matters (external-services.md section 3). */
	t("https://h/folder/catalog.json", "item.json", "https://h/folder/item.json");
	t("https://h/folder", "item.json", "https://h/item.json");
	t("http://h", "x.json", "http://h/x.json");
	/* The static catalog fixture's own links. */
	t("/fx/cat/sentinel-2-l2a/collection.json",
	    "./S2A_33TWL_20230815_0_L2A/S2A_33TWL_20230815_0_L2A.json",
	    "/fx/cat/sentinel-2-l2a/S2A_33TWL_20230815_0_L2A/S2A_33TWL_20230815_0_L2A.json");
	t("/fx/cat/sentinel-2-l2a/X/X.json", "../../catalog.json", "/fx/cat/catalog.json");
	t("/fx/cat/sentinel-2-l2a/X/X.json", "B04.tif", "/fx/cat/sentinel-2-l2a/X/B04.tif");
	t("file:///fx/cat/catalog.json", "./sentinel-2-l2a/collection.json",
	    "file:///fx/cat/sentinel-2-l2a/collection.json");
	t("dir/catalog.json", "sub/item.json", "dir/sub/item.json");
	t("/fx/a.json", "s3://bucket/k.json", "s3://bucket/k.json");

	CHECK(url_has_scheme("https://x") && url_has_scheme("s3://b") &&
	    !url_has_scheme("/abs/path") && !url_has_scheme("rel/x:y"), "url_has_scheme");
	s = url_join("http://h/v1/", "/search");
	CHECK(strcmp(s, "http://h/v1/search") == 0, "url_join collapses slashes: %s", s);
	free(s);
	s = url_join("http://h/v1", "search");
	CHECK(strcmp(s, "http://h/v1/search") == 0, "url_join adds a slash: %s", s);
	free(s);
	UNIT_DONE();
}
