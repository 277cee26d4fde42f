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

void lines_init(lines *l, size_t max);
void lines_done(lines *l);
/* Returns 0, the callback's nonzero value, LINES_TOO_LONG or LINES_NOMEM. */
int lines_feed(lines *l, const char *buf, size_t n, lines_fn fn, void *ud);
/* End of stream: a last line without a terminator is delivered. */
int lines_finish(lines *l, lines_fn fn, void *ud);

#endif
