/*
 * sftrow.h - the rows of a record, one supervised fine-tuning example each:
 *
 *	"rows": [{"tag": "caption", "boxes": [0, 2], "messages": [
 *	    {"role": "user", "content": [{"type": "image", "image": "{image}"},
 *	                                 {"type": "text", "text": PROMPT}]},
 *	    {"role": "assistant", "content": [{"type": "text", "text": ANSWER}]}]}]
 *
 * "boxes" index the record's "regions"; SFTROW_IMAGE stands for the image
 * until shard-write knows its path.  caption appends rows, shard-write
 * checks them before it writes any.
 */
#ifndef SFTROW_H
#define SFTROW_H

#include <stddef.h>
#include <jansson.h>

#define SFTROW_IMAGE "{image}"

/*
 * Append {"tag", "boxes", "messages"} to the array rows.  Takes boxes (a
 * JSON array), prompt and answer (malloc'd), freeing them whatever happens,
 * so that the calls making them can be its arguments: any of them NULL means
 * those ran out of memory.  0 ok, -1 out of memory.
 */
int sftrow_append(json_t *rows, const char *tag, json_t *boxes, char *prompt, char *answer);

/*
 * rows absent, or an array of objects with a "messages" array, an optional
 * string "tag" and optional "boxes" of region indexes below nregions.
 * 0 ok, -1 with err naming the first bad place ("rows[2].boxes[0]: ...").
 */
int sftrow_check(const json_t *rows, size_t nregions, char *err, size_t errlen);

#endif
