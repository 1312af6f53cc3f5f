/*
 * round4.c - 4-decimal numbers as Python's repr(round(v, 4)) prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "round4.h"

void
round4_text(char *buf, size_t len, double v)
{
	size_t n;

	snprintf(buf, len, "%.4f", v);
	n = strlen(buf);
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0.0") == 0)
		snprintf(buf, len, "0.0");
}

/* Through the text, so that the real is the double nearest those digits: dumped
 * with precision 15 it shows them and no binary noise. */
json_t *
round4_json(double v)
{
	char buf[ROUND4_LEN];

	round4_text(buf, sizeof buf, v);
	return json_real(strtod(buf, NULL));
}
