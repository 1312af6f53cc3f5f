/*
 * round4.h - numbers rounded to 4 decimals the way the original Python
 * builder wrote them, repr(round(v, 4)): "0.125", "1.0", "0.6667", never
 * "-0.0".  caption's boxes and class fractions use them, in the JSON of a
 * record and in the text of a grounding answer alike, so both agree.
 *
 *	char buf[ROUND4_LEN];
 *	round4_text(buf, sizeof buf, v);	"0.6667"
 *	json_t *j = round4_json(v);		a real that dumps as those digits
 *						(with JSON_REAL_PRECISION(15))
 */
#ifndef ROUND4_H
#define ROUND4_H

#include <stddef.h>
#include <jansson.h>

#define ROUND4_LEN 64	/* enough for any value a box or a fraction has */

/* "%.4f" less trailing zeros, one kept after the point; "-0.0" becomes "0.0". */
void round4_text(char *buf, size_t len, double v);

/* A new JSON real holding v rounded to 4 decimals; NULL on OOM. */
json_t *round4_json(double v);

#endif
