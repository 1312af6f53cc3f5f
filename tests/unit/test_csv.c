/* test_csv.c - the RFC 4180 cases a hand-written CSV meets. */
#include <string.h>

#include "csv.h"
#include "unit.h"

int
main(void)
{
	static const char doc[] = "\xef\xbb\xbfid,name,lat\r\n"
	    "1,\"Jar\xc5\xa1" "e, Slovenia\",46.03\r\n"
	    "\r\n"
	    "2,\"say \"\"hi\"\"\",\"-4.5\"\n"
	    "3,\"two\nlines\",\n"
	    "4,,x";
	struct csv c;
	int st;

	csv_init(&c, doc, sizeof doc - 1);
	st = csv_next(&c);
	CHECK(st == 1 && c.nfield == 3 && strcmp(c.field[0], "id") == 0 &&
	    strcmp(c.field[2], "lat") == 0, "header, byte order mark skipped, CRLF");
	st = csv_next(&c);
	CHECK(st == 1 && c.nfield == 3 &&
	    strcmp(c.field[1], "Jar\xc5\xa1" "e, Slovenia") == 0 &&
	    strcmp(c.field[2], "46.03") == 0, "quoted comma, UTF-8 kept");
	st = csv_next(&c);
	CHECK(st == 1 && strcmp(c.field[1], "say \"hi\"") == 0 &&
	    strcmp(c.field[2], "-4.5") == 0, "blank line skipped, doubled quotes");
	CHECK(c.rec_line == 4, "record line number counts the blank line (%ld)", c.rec_line);
	st = csv_next(&c);
	CHECK(st == 1 && c.nfield == 3 && strcmp(c.field[1], "two\nlines") == 0 &&
	    strcmp(c.field[2], "") == 0, "line break inside quotes, empty last field");
	st = csv_next(&c);
	CHECK(st == 1 && c.nfield == 3 && strcmp(c.field[1], "") == 0 &&
	    strcmp(c.field[2], "x") == 0, "last record without a newline");
	st = csv_next(&c);
	CHECK(st == 0, "end of data");
	csv_free(&c);

	csv_init(&c, "a,b\n1,\"open\n", 13);
	st = csv_next(&c);
	CHECK(st == 1, "header before an open quote");
	st = csv_next(&c);
	CHECK(st == -1 && c.rec_line == 2, "unterminated quote reported at line 2");
	csv_free(&c);
	UNIT_DONE();
}
