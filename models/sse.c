/* sse: see sse.h. Fields are read from whole lines (models/lines.c): the
 * whole line is needed before its field can be known. */
#include "models/sse.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sse_init(sse_parser *p, size_t max_line, sse_event_fn fn, void *ud)
{
    memset(p, 0, sizeof *p);
    p->fn = fn;
    p->ud = ud;
    p->max_line = max_line ? max_line : SSE_DEFAULT_MAX_LINE;
    p->at_start = 1;
    lines_init(&p->lines, p->max_line);
}

void sse_done(sse_parser *p)
{
    lines_done(&p->lines);
    free(p->data);
    p->data = NULL;
    p->data_len = p->data_cap = 0;
}

const char *sse_error(const sse_parser *p)
{
    return lines_error(&p->stop);
}

/* Grows *buf to hold need+1 bytes (room for a NUL). */
static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need + 1 <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need + 1)
        c *= 2;
    char *nb = realloc(*buf, c);
    if (!nb)
        return -1;
    *buf = nb;
    *cap = c;
    return 0;
}

static int dispatch(sse_parser *p)
{
    int rc = 0;
    if (p->has_data) {
        if (!p->data) {     /* "data:" with nothing: an empty event */
            if (reserve(&p->data, &p->data_cap, 0))
                return lines_settle(&p->stop, LINES_NOMEM, "SSE event data", 0);
        }
        p->data[p->data_len] = 0;
        rc = p->fn ? p->fn(p->ud, p->event[0] ? p->event : "message",
                           p->data, p->data_len) : 0;
        if (rc)
            p->stop.stopped = rc;
    }
    p->data_len = 0;
    p->has_data = 0;
    p->event[0] = 0;
    return rc;
}

/* Handles one complete line (without its terminator). */
static int on_line(void *ud, char *l, size_t n)
{
    sse_parser *p = ud;
    if (n == 0)
        return dispatch(p);
    if (l[0] == ':')
        return 0;                               /* comment / keep-alive */
    const char *colon = memchr(l, ':', n);
    size_t flen = colon ? (size_t)(colon - l) : n;
    const char *v = colon ? colon + 1 : l + n;
    size_t vlen = n - (size_t)(v - l);
    if (vlen && *v == ' ') {
        v++;
        vlen--;
    }
    /* llama-server writes its errors as "error: {...}" lines: take them as
     * the data of an "error" event rather than drop them. */
    int error_field = flen == 5 && !memcmp(l, "error", 5);
    if (error_field && !p->event[0])
        memcpy(p->event, "error", 6);
    if ((flen == 4 && !memcmp(l, "data", 4)) || error_field) {
        size_t need = p->data_len + (p->has_data ? 1 : 0) + vlen;
        if (need > p->max_line || reserve(&p->data, &p->data_cap, need))
            return lines_settle(&p->stop, need > p->max_line ? LINES_TOO_LONG : LINES_NOMEM,
                                "SSE event data", p->max_line);
        if (p->has_data)
            p->data[p->data_len++] = '\n';
        memcpy(p->data + p->data_len, v, vlen);
        p->data_len += vlen;
        p->has_data = 1;
    } else if (flen == 5 && !memcmp(l, "event", 5)) {
        size_t k = vlen < sizeof p->event - 1 ? vlen : sizeof p->event - 1;
        memcpy(p->event, v, k);
        p->event[k] = 0;
    }
    /* id, retry and unknown fields: ignored. */
    return 0;
}

static int settle(sse_parser *p, int rc)
{
    return lines_settle(&p->stop, rc, "SSE line", p->max_line);
}

int sse_feed(sse_parser *p, const char *buf, size_t n)
{
    static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
    if (p->stop.stopped)
        return p->stop.stopped;
    /* A byte-order mark may open the stream, itself split across feeds. */
    while (p->at_start && n) {
        if ((unsigned char)*buf == bom[p->bom_seen]) {
            buf++;
            n--;
            if (++p->bom_seen == 3)
                p->at_start = 0;
            continue;
        }
        p->at_start = 0;
        /* A partial BOM was real text after all: replay it. */
        int rc = settle(p, lines_feed(&p->lines, (const char *)bom, p->bom_seen, on_line, p));
        if (rc)
            return rc;
    }
    return settle(p, lines_feed(&p->lines, buf, n, on_line, p));
}

int sse_finish(sse_parser *p)
{
    if (p->stop.stopped)
        return p->stop.stopped;
    int rc = settle(p, lines_finish(&p->lines, on_line, p));
    return rc ? rc : dispatch(p);
}
