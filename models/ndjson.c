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
}

void ndjson_done(ndjson_parser *p)
{
    free(p->line);
    p->line = NULL;
    p->len = p->cap = 0;
}

const char *ndjson_error(const ndjson_parser *p)
{
    return p->err[0] ? p->err : NULL;
}

static int fail(ndjson_parser *p, int oom)
{
    if (oom)
        snprintf(p->err, sizeof p->err, "out of memory reading a JSON line");
    else
        snprintf(p->err, sizeof p->err,
                 "JSON line longer than %zu bytes (the server sent an "
                 "oversized or endless line)", p->max_line);
    p->stopped = -1;
    return -1;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static int take_line(ndjson_parser *p)
{
    size_t n = p->len;
    p->len = 0;
    if (n == 0 || blank(p->line, n))
        return 0;
    p->line[n] = 0;
    int rc = p->fn ? p->fn(p->ud, p->line, n) : 0;
    if (rc)
        p->stopped = rc;
    return rc;
}

int ndjson_feed(ndjson_parser *p, const char *buf, size_t n)
{
    if (p->stopped)
        return p->stopped;
    size_t i = 0;
    while (i < n) {
        char c = buf[i];
        if (c == '\n' && p->after_cr) {
            p->after_cr = 0;
            i++;
            continue;
        }
        p->after_cr = (c == '\r');
        if (c == '\r' || c == '\n') {
            i++;
            int rc = take_line(p);
            if (rc)
                return rc;
            continue;
        }
        size_t j = i;
        while (j < n && buf[j] != '\r' && buf[j] != '\n')
            j++;
        size_t run = j - i;
        if (p->len + run > p->max_line)
            return fail(p, 0);
        if (p->len + run + 1 > p->cap) {
            size_t c2 = p->cap ? p->cap : 256;
            while (c2 < p->len + run + 1)
                c2 *= 2;
            char *nl = realloc(p->line, c2);
            if (!nl)
                return fail(p, 1);
            p->line = nl;
            p->cap = c2;
        }
        memcpy(p->line + p->len, buf + i, run);
        p->len += run;
        i = j;
    }
    return 0;
}

int ndjson_finish(ndjson_parser *p)
{
    if (p->stopped)
        return p->stopped;
    return p->len ? take_line(p) : 0;
}
