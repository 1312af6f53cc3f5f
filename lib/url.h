/*
 * url.h - RFC 3986 reference resolution (section 5.2) for STAC link hrefs,
 * working on http(s)://, file:// URLs and on plain local paths alike.
 *
 *	char *u = url_resolve("https://h/a/b/catalog.json", "../c/item.json");
 *	// "https://h/a/c/item.json"; free(u)
 *
 * A base that is a plain path (no scheme) is resolved with the same rules as a
 * URL path, so "dir/catalog.json" + "x/item.json" gives "dir/x/item.json";
 * callers should make local bases absolute first, or ".." may be lost past the
 * start of a relative path (as RFC 3986 drops it past the root).
 */
#ifndef URL_H
#define URL_H

#include <stddef.h>

/* Target URI of reference ref against base (RFC 3986 5.2.2), malloc'd; NULL on OOM. */
char *url_resolve(const char *base, const char *ref);
/* 1 if s starts with a scheme ("http:", "file:", "s3:"...). */
int url_has_scheme(const char *s);
/* Copy of s with "." and ".." segments removed (RFC 3986 5.2.4), malloc'd. */
char *url_remove_dot_segments(const char *path);
/* Append "/" + tail to base unless base already ends with "/"; malloc'd. */
char *url_join(const char *base, const char *tail);

#endif
