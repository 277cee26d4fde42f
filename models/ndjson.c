/* ndjson: see ndjson.h. */
#include "models/ndjson.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ndjson_init(ndjson_parser *p, size_t max_line, ndjson_line_fn fn, void *ud)
{
    memset(p, 0, sizeof *p);
    p->fn = fn;
    p->ud = ud;
    p->max_line = max_line ? max_line : NDJSON_DEFAULT_MAX_LINE;
    lines_init(&p->lines, p->max_line);
}

void ndjson_done(ndjson_parser *p)
{
    lines_done(&p->lines);
}

const char *ndjson_error(const ndjson_parser *p)
{
    return p->err[0] ? p->err : NULL;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static int on_line(void *ud, char *line, size_t n)
{
    ndjson_parser *p = ud;
    if (n == 0 || blank(line, n))
        return 0;
    return p->fn ? p->fn(p->ud, line, n) : 0;
}

/* Records what ended the stream: an error of the splitter or the
 * callback's stop value. */
static int settle(ndjson_parser *p, int rc)
{
    if (rc == LINES_TOO_LONG)
        snprintf(p->err, sizeof p->err,
                 "JSON line longer than %zu bytes (the server sent an "
                 "oversized or endless line)", p->max_line);
    else if (rc == LINES_NOMEM)
        snprintf(p->err, sizeof p->err, "out of memory reading a JSON line");
    if (rc == LINES_TOO_LONG || rc == LINES_NOMEM)
        rc = -1;
    if (rc)
        p->stopped = rc;
    return rc;
}

int ndjson_feed(ndjson_parser *p, const char *buf, size_t n)
{
    if (p->stopped)
        return p->stopped;
    return settle(p, lines_feed(&p->lines, buf, n, on_line, p));
}

int ndjson_finish(ndjson_parser *p)
{
    if (p->stopped)
        return p->stopped;
    return settle(p, lines_finish(&p->lines, on_line, p));
}
