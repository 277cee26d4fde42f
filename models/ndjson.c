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
    return lines_error(&p->stop);
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

static int settle(ndjson_parser *p, int rc)
{
    return lines_settle(&p->stop, rc, "JSON line", p->max_line);
}

int ndjson_feed(ndjson_parser *p, const char *buf, size_t n)
{
    if (p->stop.stopped)
        return p->stop.stopped;
    return settle(p, lines_feed(&p->lines, buf, n, on_line, p));
}

int ndjson_finish(ndjson_parser *p)
{
    if (p->stop.stopped)
        return p->stop.stopped;
    return settle(p, lines_finish(&p->lines, on_line, p));
}
