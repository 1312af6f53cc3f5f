/*
 * csv.h - read RFC 4180 CSV from memory: quoted fields with "" escapes and
 * line breaks inside quotes, CRLF or LF line ends, a UTF-8 byte order mark
 * skipped.  Fields come back as NUL-terminated copies.
 */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

struct csv {
	const char *p, *end;	/* what is left to read */
	long line;		/* 1-based line the reader is on */
	long rec_line;		/* line where the last record (or open quote) began */
	char **field;		/* fields of the last record read */
	size_t nfield, cap;
	char *buf;		/* their storage */
	size_t bufcap;
};

void	csv_init(struct csv *, const char *data, size_t len);
/* Next record into c->field/c->nfield: 1 read, 0 end of data, -1 a quote
 * left open at the end (c->rec_line says where it began).  Blank lines are skipped. */
int	csv_next(struct csv *);
void	csv_free(struct csv *);

#endif
