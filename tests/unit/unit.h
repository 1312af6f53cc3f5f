/* unit.h - the smallest test harness: CHECK prints "ok - ..." or "not ok - ...". */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <jansson.h>

static int unit_failed;

/* The condition is evaluated once: it may call functions with side effects. */
#define CHECK(cond, ...) do { \
	int unit_ok_ = (cond) ? 1 : 0; \
	printf(unit_ok_ ? "ok - " : "not ok - "); \
	if (!unit_ok_) unit_failed = 1; \
	printf(__VA_ARGS__); \
	if (!unit_ok_) printf("\n#   %s:%d: %s", __FILE__, __LINE__, #cond); \
	printf("\n"); \
} while (0)

#define CHECK_NEAR(a, b, tol, ...) CHECK(fabs((double)(a) - (double)(b)) <= (tol), __VA_ARGS__)

/* The path of a file of ../shared/fixtures (S2VL_FIXTURES overrides: tests run
 * from the checkout), in a buffer that the next call reuses. */
static inline const char *
unit_fixture(const char *rel)
{
	static char path[1024];
	const char *fx = getenv("S2VL_FIXTURES");

	snprintf(path, sizeof path, "%s/%s", fx ? fx : "../shared/fixtures", rel);
	return path;
}

/* s (malloc'd, NULL for a failed call) is want: freed, and both shown when not. */
static inline int
unit_text_is(char *s, const char *want)
{
	int ok = s != NULL && strcmp(s, want) == 0;

	if (!ok)
		printf("#   got  %s\n#   want %s\n", s ? s : "(null)", want);
	free(s);
	return ok;
}

/* j dumped as records are (compact, reals to 15 digits) is want. */
static inline int
unit_json_is(const json_t *j, const char *want)
{
	return unit_text_is(j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(15)) : NULL, want);
}

#define UNIT_DONE() return unit_failed

/* A whole file in memory (malloc'd), NULL if it cannot be read. */
static inline unsigned char *
unit_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 &&
	    (b = malloc((size_t)n)) != NULL) {
		rewind(fp);
		if (fread(b, 1, (size_t)n, fp) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*len = (size_t)n;
	}
	fclose(fp);
	return b;
}
#endif
