/* ndjson: an incremental line splitter for newline-delimited JSON (Ollama).
 *
 * Feed bytes split anywhere; it calls back once per non-blank line, without
 * its terminator. Lines end in LF, CRLF or CR (a raw CR cannot occur inside
 * a JSON value, so treating it as an end is safe). Lines holding only
 * spaces and tabs are skipped. It does not parse the JSON.
 *
 * A line longer than max_line bytes is an error: one message is recorded,
 * nothing more is called, and every later feed returns -1. */
#ifndef PONDER_NDJSON_H
#define PONDER_NDJSON_H
#include <stddef.h>
#include "models/lines.h"

#define NDJSON_DEFAULT_MAX_LINE (1u << 20)   /* 1 MiB */

/* `line` is NUL-terminated and valid only during the call. Return 0 to go
 * on, nonzero to stop (the feed returns that value from then on). */
typedef int (*ndjson_line_fn)(void *ud, const char *line, size_t len);

typedef struct {
    ndjson_line_fn fn;
    void *ud;
    size_t max_line;
    lines lines;
    lines_stop stop;
} ndjson_parser;

/* max_line 0 means NDJSON_DEFAULT_MAX_LINE. */
void ndjson_init(ndjson_parser *p, size_t max_line, ndjson_line_fn fn, void *ud);
void ndjson_done(ndjson_parser *p);
/* Returns 0, the callback's stop value, or -1 on error (see ndjson_error). */
int ndjson_feed(ndjson_parser *p, const char *buf, size_t n);
/* End of stream: a last line without a terminator is delivered. */
int ndjson_finish(ndjson_parser *p);
const char *ndjson_error(const ndjson_parser *p);

#endif
