/* wcwidth() is XSI */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "ui/text.h"

#include <stdlib.h>
#include <string.h>

static int g_utf8 = 1;

void text_set_utf8(int on) { g_utf8 = on; }
int text_utf8(void) { return g_utf8; }

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF.
 * Returns bytes used, or 0 for an invalid or truncated sequence. */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xc2 && c <= 0xdf) { n = 2; *cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; *cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; *cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) return 0;
    return n;
}

size_t text_next(const char *s, size_t len, wchar_t *wc, int *cols)
{
    unsigned cp = 0;
    size_t n = utf8_decode((const unsigned char *)s, len, &cp);
    wchar_t bad = g_utf8 ? (wchar_t)0xfffd : L'?';
    if (n == 0) { *wc = bad; *cols = 1; return 1; }
    if (cp == '\t') { *wc = L' '; *cols = 1; return n; }
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
        *wc = bad; *cols = 1; return n;
    }
    if (cp < 0x80) { *wc = (wchar_t)cp; *cols = 1; return n; }
    if (!g_utf8) { *wc = L'?'; *cols = 1; return n; }
    int w = wcwidth((wchar_t)cp);
    if (w < 0) { *wc = bad; *cols = 1; return n; }
    *wc = (wchar_t)cp;
    *cols = w > 2 ? 2 : w;
    return n;
}

int text_width(const char *s, size_t len)
{
    int cols = 0;
    size_t i = 0;
    while (i < len) {
        wchar_t wc; int w;
        if (s[i] == '\n') { i++; continue; }
        i += text_next(s + i, len - i, &wc, &w);
        cols += w;
    }
    return cols;
}

int text_fit(const char *s, size_t len, int cols, wchar_t *out, size_t cap,
             size_t *used)
{
    int got = 0;
    size_t i = 0, k = 0;
    if (cap == 0) { if (used) *used = 0; return 0; }
    while (i < len && k + 1 < cap) {
        wchar_t wc; int w;
        size_t n;
        if (s[i] == '\n') break;
        n = text_next(s + i, len - i, &wc, &w);
        if (got + w > cols) break;
        /* a combining mark may not start the output: it would attach to
         * whatever ncurses has in the cell before */
        if (w == 0 && k == 0) wc = L' ', w = 1;
        out[k++] = wc;
        got += w;
        i += n;
    }
    out[k] = 0;
    if (used) *used = i;
    return got;
}

void wrap_init(wrap_lines *w) { memset(w, 0, sizeof *w); }
void wrap_done(wrap_lines *w) { free(w->v); wrap_init(w); }
void wrap_clear(wrap_lines *w) { w->n = 0; }

static void push(wrap_lines *w, size_t off, size_t len, int seg)
{
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 64;
        wrap_line *v = realloc(w->v, (size_t)cap * sizeof *v);
        if (!v) return;     /* out of memory: show fewer lines, never crash */
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = (wrap_line){ off, len, seg };
}

void text_wrap(wrap_lines *w, const char *s, size_t len, size_t from,
               int width, int seg)
{
    size_t i = from;
    if (width < 1) width = 1;
    while (i < len) {
        size_t start = i, brk = 0, after = 0;
        int cols = 0;
        /* scan one line; brk/after remember the last space seen */
        while (i < len && s[i] != '\n') {
            wchar_t wc; int cw;
            size_t n = text_next(s + i, len - i, &wc, &cw);
            if (cols + cw > width) break;
            if (s[i] == ' ') { brk = i; after = i + 1; }
            cols += cw;
            i += n;
        }
        if (i >= len) { push(w, start, i - start, seg); break; }
        if (s[i] == '\n') {
            push(w, start, i - start, seg);
            if (++i == len) push(w, i, 0, seg);
            continue;
        }
        /* the line is full; spaces at the break are dropped */
        if (s[i] == ' ') {
            size_t e = i;
            while (e > start && s[e - 1] == ' ') e--;
            push(w, start, e - start, seg);
            i++;
        }
        else if (brk > start) {
            size_t e = brk;
            while (e > start && s[e - 1] == ' ') e--;
            push(w, start, e - start, seg);
            i = after;
        }
        else if (i == start) {     /* a character wider than the line */
            wchar_t wc; int cw;
            i += text_next(s + i, len - i, &wc, &cw);
            push(w, start, i - start, seg);
        } else push(w, start, i - start, seg);
        while (i < len && s[i] == ' ') i++;
    }
}
