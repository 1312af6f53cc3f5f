/*
 * url.c - RFC 3986 reference resolution, the algorithm of section 5.2 written
 * out over a small split of the URI into its five components.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

/* A URI split per RFC 3986 appendix B; each part is [p, p+n) of the source. */
struct part {
	const char *p;
	size_t n;
	int set;
};

struct uri {
	struct part scheme, authority, path, query, fragment;
};

static void
split(const char *s, struct uri *u)
{
	const char *p = s, *e;

	memset(u, 0, sizeof *u);
	if (url_has_scheme(s)) {
		e = strchr(s, ':');
		u->scheme = (struct part){ s, (size_t)(e - s), 1 };
		p = e + 1;
	}
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		e = p + strcspn(p, "/?#");
		u->authority = (struct part){ p, (size_t)(e - p), 1 };
		p = e;
	}
	e = p + strcspn(p, "?#");
	u->path = (struct part){ p, (size_t)(e - p), 1 };
	p = e;
	if (*p == '?') {
		p++;
		e = p + strcspn(p, "#");
		u->query = (struct part){ p, (size_t)(e - p), 1 };
		p = e;
	}
	if (*p == '#') {
		p++;
		u->fragment = (struct part){ p, strlen(p), 1 };
	}
}

int
url_has_scheme(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

/* Remove the last segment and its preceding "/" from out (RFC 3986 5.2.4 C, D). */
static void
pop_segment(char *out, size_t *n)
{
	while (*n > 0 && out[*n - 1] != '/')
		(*n)--;
	if (*n > 0)
		(*n)--;
}

char *
url_remove_dot_segments(const char *path)
{
	size_t len = strlen(path), n = 0;
	char *out = malloc(len + 1);
	const char *in = path, *end = path + len;

	if (out == NULL)
		return NULL;
	while (in < end) {
		size_t left = (size_t)(end - in);

		if (left >= 3 && strncmp(in, "../", 3) == 0)
			in += 3;
		else if (left >= 2 && strncmp(in, "./", 2) == 0)
			in += 2;
		else if (left >= 3 && strncmp(in, "/./", 3) == 0)
			in += 2;
		else if (left == 2 && strncmp(in, "/.", 2) == 0) {
			in += 1;
			/* "/." at the end becomes "/". */
			out[n++] = '/';
			in += 1;
		} else if (left >= 4 && strncmp(in, "/../", 4) == 0) {
			in += 3;
			pop_segment(out, &n);
		} else if (left == 3 && strncmp(in, "/..", 3) == 0) {
			in += 3;
			pop_segment(out, &n);
			out[n++] = '/';
		} else if ((left == 1 && in[0] == '.') ||
		    (left == 2 && strncmp(in, "..", 2) == 0))
			in = end;
		else {
			/* Move the first segment (with its leading "/") to the output. */
			const char *s = in + (*in == '/');
			size_t k = strcspn(s, "/");

			k += (size_t)(s - in);
			memcpy(out + n, in, k);
			n += k;
			in += k;
		}
	}
	out[n] = '\0';
	return out;
}

static void
put(char **o, const char *p, size_t n)
{
	memcpy(*o, p, n);
	*o += n;
}

char *
url_resolve(const char *base, const char *ref)
{
	struct uri b, r;
	struct part scheme, authority, query, fragment;
	char *merged = NULL, *path = NULL, *out, *o;
	size_t cap;

	split(base, &b);
	split(ref, &r);
	if (r.scheme.set) {
		scheme = r.scheme;
		authority = r.authority;
		merged = strndup(r.path.p, r.path.n);
		query = r.query;
	} else {
		scheme = b.scheme;
		if (r.authority.set) {
			authority = r.authority;
			merged = strndup(r.path.p, r.path.n);
			query = r.query;
		} else {
			authority = b.authority;
			if (r.path.n == 0) {
				merged = strndup(b.path.p, b.path.n);
				query = r.query.set ? r.query : b.query;
			} else {
				query = r.query;
				if (r.path.p[0] == '/')
					merged = strndup(r.path.p, r.path.n);
				else if (b.authority.set && b.path.n == 0) {
					/* 5.2.3: "/" + reference path. */
					if ((merged = malloc(r.path.n + 2)) != NULL)
						snprintf(merged, r.path.n + 2, "/%.*s",
						    (int)r.path.n, r.path.p);
				} else {
					/* 5.2.3: base path up to its last "/". */
					size_t k = b.path.n;

					while (k > 0 && b.path.p[k - 1] != '/')
						k--;
					if ((merged = malloc(k + r.path.n + 1)) != NULL) {
						memcpy(merged, b.path.p, k);
						memcpy(merged + k, r.path.p, r.path.n);
						merged[k + r.path.n] = '\0';
					}
				}
			}
		}
	}
	fragment = r.fragment;
	if (merged == NULL)
		return NULL;
	path = url_remove_dot_segments(merged);
	free(merged);
	if (path == NULL)
		return NULL;
	cap = scheme.n + authority.n + strlen(path) + query.n + fragment.n + 8;
	if ((out = malloc(cap)) == NULL) {
		free(path);
		return NULL;
	}
	o = out;
	if (scheme.set) {
		put(&o, scheme.p, scheme.n);
		put(&o, ":", 1);
	}
	if (authority.set) {
		put(&o, "//", 2);
		put(&o, authority.p, authority.n);
	}
	put(&o, path, strlen(path));
	if (query.set) {
		put(&o, "?", 1);
		put(&o, query.p, query.n);
	}
	if (fragment.set) {
		put(&o, "#", 1);
		put(&o, fragment.p, fragment.n);
	}
	*o = '\0';
	free(path);
	return out;
}

char *
url_join(const char *base, const char *tail)
{
	size_t n = strlen(base);
	char *s;

	while (*tail == '/')
		tail++;
	if (asprintf(&s, "%s%s%s", base, n > 0 && base[n - 1] == '/' ? "" : "/",
	    tail) < 0)
		return NULL;
	return s;
}
