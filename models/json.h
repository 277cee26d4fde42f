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

/* cJSON_ParseWithLength(s, n) without "\u0000" escapes. The caller deletes
 * the result; NULL if s is not JSON (or memory ran out). */
cJSON *json_parse(const char *s, size_t n);

#endif
