/* json: cJSON parsing for what the servers stream.
 *
 * cJSON decodes a "\u0000" escape into a NUL inside valuestring, and every
 * reader of that C string then loses the rest of it: "nul\u0000here" reads
 * as "nul". json_parse drops such escapes before parsing, as the reply path
 * drops the other control characters, so the text after a NUL survives. */
#ifndef PONDER_JSON_H
#define PONDER_JSON_H
#include <stddef.h>
#include <cjson/cJSON.h>
#include "models/reply.h"

/* cJSON_ParseWithLength(s, n) without "\u0000" escapes. The caller deletes
 * the result; NULL if s is not JSON (or memory ran out). */
cJSON *json_parse(const char *s, size_t n);

/* obj's string member key, or NULL if missing or not a string. */
const char *json_str(const cJSON *obj, const char *key);

/* A count or index the server sent: -1 if missing, not a number or
 * negative; a huge one saturates at INT_MAX (converting a double out of
 * long's range is undefined: fuzzing found "output_tokens": 1e308). */
long json_count(const cJSON *obj, const char *key);

/* reply_text with obj's string member key, if it has one. */
void json_reply_text(reply *r, channel ch, const cJSON *obj, const char *key);

/* Adds the first at most max of v[0..n) as obj's string array key (none
 * when n is 0). */
void json_add_strings(cJSON *obj, const char *key, const char *const *v, int n, int max);

/* root printed unformatted (the request body, caller frees), then root
 * deleted. NULL if out of memory. */
char *json_print_free(cJSON *root);

#endif
