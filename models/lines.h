/* lines: splits a byte stream into lines, the layer under both the SSE and
 * the NDJSON parsers. Feed bytes split anywhere; each complete line arrives
 * once, without its terminator (LF, CRLF or CR), NUL-terminated. A line over
 * the cap is an error rather than unbounded memory. */
#ifndef PONDER_LINES_H
#define PONDER_LINES_H
#include <stddef.h>

/* Distinct from any value a callback returns to stop (such as -1). */
enum { LINES_TOO_LONG = -1001, LINES_NOMEM = -1002 };

/* line is valid only during the call. Return 0 to go on, nonzero to stop
 * (lines_feed then returns that value). */
typedef int (*lines_fn)(void *ud, char *line, size_t len);

typedef struct {
    size_t max;             /* longest line accepted */
    char *buf;
    size_t len, cap;
    int after_cr;           /* last byte was CR: a following LF is part of it */
} lines;

/* What stopped a parser that reads through lines (SSE, NDJSON): an error,
 * with its message, or the callback's stop value. Once stopped, a parser
 * returns the same value for every later feed. */
typedef struct {
    int stopped;            /* 0 going; -1 an error; else the callback's value */
    char err[128];          /* "" unless an error */
} lines_stop;

/* Records rc, a lines_feed or lines_finish result for a parser reading
 * `unit`s ("SSE line") of at most max bytes: LINES_TOO_LONG and
 * LINES_NOMEM become -1 with a message, any other nonzero value is the
 * callback's stop. Returns what the parser's feed should return. */
int lines_settle(lines_stop *s, int rc, const char *unit, size_t max);
/* Records a parser's own error (printf-style message); returns -1. */
int lines_fail(lines_stop *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The message, or NULL if none. */
const char *lines_error(const lines_stop *s);

void lines_init(lines *l, size_t max);
void lines_done(lines *l);
/* Returns 0, the callback's nonzero value, LINES_TOO_LONG or LINES_NOMEM. */
int lines_feed(lines *l, const char *buf, size_t n, lines_fn fn, void *ud);
/* End of stream: a last line without a terminator is delivered. */
int lines_finish(lines *l, lines_fn fn, void *ud);

#endif
