/* lines: see lines.h. Runs of ordinary bytes are copied in one go. */
#include "models/lines.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lines_init(lines *l, size_t max)
{
    memset(l, 0, sizeof *l);
    l->max = max;
}

void lines_done(lines *l)
{
    free(l->buf);
    memset(l, 0, sizeof *l);
}

static int take(lines *l, lines_fn fn, void *ud)
{
    size_t n = l->len;
    l->len = 0;
    if (!l->buf) {
        static char empty[1];
        return fn(ud, empty, 0);
    }
    l->buf[n] = '\0';
    return fn(ud, l->buf, n);
}

int lines_feed(lines *l, const char *buf, size_t n, lines_fn fn, void *ud)
{
    size_t i = 0;
    while (i < n) {
        char c = buf[i];
        if (c == '\n' && l->after_cr) {
            l->after_cr = 0;
            i++;
            continue;
        }
        l->after_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            i++;
            int rc = take(l, fn, ud);
            if (rc)
                return rc;
            continue;
        }
        size_t j = i;
        while (j < n && buf[j] != '\r' && buf[j] != '\n')
            j++;
        size_t run = j - i;
        if (l->len + run > l->max)
            return LINES_TOO_LONG;
        if (l->len + run + 1 > l->cap) {
            size_t cap = l->cap ? l->cap : 256;
            while (cap < l->len + run + 1)
                cap *= 2;
            char *nb = realloc(l->buf, cap);
            if (!nb)
                return LINES_NOMEM;
            l->buf = nb;
            l->cap = cap;
        }
        memcpy(l->buf + l->len, buf + i, run);
        l->len += run;
        i = j;
    }
    return 0;
}

int lines_finish(lines *l, lines_fn fn, void *ud)
{
    return l->len ? take(l, fn, ud) : 0;
}

int lines_fail(lines_stop *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->stopped = -1;
    return -1;
}

int lines_settle(lines_stop *s, int rc, const char *unit, size_t max)
{
    if (rc == LINES_TOO_LONG)
        return lines_fail(s, "%s longer than %zu bytes (the server sent an oversized "
                          "or endless line)", unit, max);
    if (rc == LINES_NOMEM)
        return lines_fail(s, "out of memory reading the stream (%s)", unit);
    if (rc)
        s->stopped = rc;
    return rc;
}

const char *lines_error(const lines_stop *s)
{
    return s->err[0] ? s->err : NULL;
}
