/*
 * csv.c - a small RFC 4180 reader over a buffer.  Fields are unquoted into
 * one growing buffer; the field pointers are set once the record is complete
 * (the buffer may move while it grows).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

void
csv_init(struct csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = data;
	c->end = data + len;
	c->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
}

void
csv_free(struct csv *c)
{
	free(c->field);
	free(c->buf);
	c->field = NULL;
	c->buf = NULL;
}

static int
put(struct csv *c, size_t *n, char ch)
{
	if (*n + 1 >= c->bufcap) {
		size_t cap = c->bufcap ? 2 * c->bufcap : 256;
		char *b = realloc(c->buf, cap);

		if (b == NULL)
			return -1;
		c->buf = b;
		c->bufcap = cap;
	}
	c->buf[(*n)++] = ch;
	return 0;
}

/* Start offsets of the fields are kept in c->field as integers until the end. */
static int
mark(struct csv *c, size_t off)
{
	if (c->nfield == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		char **f = realloc(c->field, cap * sizeof(*f));

		if (f == NULL)
			return -1;
		c->field = f;
		c->cap = cap;
	}
	c->field[c->nfield++] = (char *)(uintptr_t)off;
	return 0;
}

int
csv_next(struct csv *c)
{
	size_t n = 0, i;
	int quoted;

	/* Skip blank lines between records. */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->line++;
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	c->nfield = 0;
	c->rec_line = c->line;
	for (;;) {
		if (mark(c, n) == -1)
			return -1;
		quoted = c->p < c->end && *c->p == '"';
		if (quoted) {
			c->rec_line = c->line;
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return -1;
				if (*c->p == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						if (put(c, &n, '"') == -1)
							return -1;
						c->p += 2;
						continue;
					}
					c->p++;
					break;
				}
				if (*c->p == '\n')
					c->line++;
				if (put(c, &n, *c->p++) == -1)
					return -1;
			}
		}
		/* Unquoted text (or text after a closing quote, kept as is). */
		while (c->p < c->end && *c->p != ',' && *c->p != '\n' &&
		    !(*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'))) {
			if (put(c, &n, *c->p++) == -1)
				return -1;
		}
		if (put(c, &n, '\0') == -1)
			return -1;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->line++;
		}
		break;
	}
	for (i = 0; i < c->nfield; i++)
		c->field[i] = c->buf + (uintptr_t)c->field[i];
	return 1;
}
