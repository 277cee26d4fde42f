/* sse: an incremental Server-Sent Events parser (the text/event-stream
 * format of the HTML standard), as spoken by OpenAI-compatible servers.
 *
 * Feed it bytes split anywhere; it calls back once per dispatched event.
 * Lines end in LF, CRLF or CR. Lines starting with ':' are comments
 * (keep-alives). "data:" lines are joined with '\n'; "event:" names the
 * event; "id:" and "retry:" and unknown fields are ignored. A blank line
 * dispatches. A leading UTF-8 BOM is skipped. One extension: llama-server
 * sends errors as "error: {...}" lines; those are data of an event named
 * "error" (unless an event: field named it).
 *
 * A line longer than max_line bytes (or an event whose data grows past it)
 * is an error: the parser records one message, calls nothing more, and
 * every later feed returns -1. */
#ifndef PONDER_SSE_H
#define PONDER_SSE_H
#include <stddef.h>
#include "models/lines.h"

#define SSE_DEFAULT_MAX_LINE (1u << 20)   /* 1 MiB */

/* One event. `event` is "message" unless an event: field named it; `data`
 * is NUL-terminated (data[len] == 0) and valid only during the call.
 * Return 0 to go on, nonzero to stop: the feed returns that value and the
 * parser accepts no more input. */
typedef int (*sse_event_fn)(void *ud, const char *event, const char *data,
                            size_t len);

typedef struct {
    sse_event_fn fn;
    void *ud;
    size_t max_line;
    lines lines;            /* the line splitter under the fields */
    char *data;             /* data of the event being built */
    size_t data_len, data_cap;
    int has_data;           /* a data field was seen since the last dispatch */
    char event[64];         /* event name, truncated; "" = message */
    int at_start;           /* nothing read yet (for the BOM) */
    size_t bom_seen;        /* BOM bytes matched so far */
    lines_stop stop;        /* an error, or a callback's stop */
} sse_parser;

/* max_line 0 means SSE_DEFAULT_MAX_LINE. Nothing is allocated until input. */
void sse_init(sse_parser *p, size_t max_line, sse_event_fn fn, void *ud);
void sse_done(sse_parser *p);
/* Returns 0, the callback's nonzero stop value, or -1 on error (see
 * sse_error). After any nonzero return, further feeds return it again. */
int sse_feed(sse_parser *p, const char *buf, size_t n);
/* End of stream. The standard drops an event not ended by a blank line;
 * servers that close right after their last data line are common, so a
 * pending line and a pending event are dispatched here instead. */
int sse_finish(sse_parser *p);
/* The error message, or NULL. */
const char *sse_error(const sse_parser *p);

#endif
