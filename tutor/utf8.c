/* utf8: see utf8.h. Validation follows the well-formed byte table of the
 * Unicode standard (Table 3-7). */
#include "tutor/utf8.h"
#include <stdlib.h>
#include <string.h>

static const char REPL[3] = { (char)0xEF, (char)0xBF, (char)0xBD };

/* At s (n >= 1 bytes): returns k > 0 for a well-formed sequence of k
 * bytes, or -k for a maximal invalid subpart of k bytes. *trunc is set
 * when the subpart is a valid prefix cut short by the end of the input. */
static int scan(const unsigned char *s, size_t n, int *trunc)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    int need;
    *trunc = 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;          /* overlong */
        if (c == 0xED) hi = 0x9F;          /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;          /* overlong */
        if (c == 0xF4) hi = 0x8F;          /* above U+10FFFF */
    } else {
        return -1;
    }
    for (int k = 1; k <= need; k++) {
        if ((size_t)k >= n) {
            *trunc = 1;
            return -k;
        }
        if (s[k] < lo || s[k] > hi)
            return -k;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

static int dropped(const unsigned char *s, int k)
{
    if (k == 1)
        return (s[0] < 0x20 && s[0] != '\n' && s[0] != '\t') || s[0] == 0x7F;
    return k == 2 && s[0] == 0xC2 && s[1] < 0xA0;     /* C1 controls */
}

/* The core loop. With hold, stops before a truncated tail and returns how
 * many input bytes were consumed in *used. */
static size_t clean(char *dst, const unsigned char *s, size_t n, int hold,
                    size_t *used, int keep_controls)
{
    size_t i = 0, o = 0;
    while (i < n) {
        int trunc;
        int k = scan(s + i, n - i, &trunc);
        if (k < 0 && trunc && hold)
            break;
        if (k < 0) {
            memcpy(dst + o, REPL, 3);
            o += 3;
            i += (size_t)-k;
            continue;
        }
        if (keep_controls || !dropped(s + i, k)) {
            memcpy(dst + o, s + i, (size_t)k);
            o += (size_t)k;
        }
        i += (size_t)k;
    }
    dst[o] = 0;
    if (used)
        *used = i;
    return o;
}

size_t utf8_clean(char *dst, const char *s, size_t n)
{
    return clean(dst, (const unsigned char *)s, n, 0, NULL, 0);
}

size_t utf8_repair(char *dst, const char *s, size_t n)
{
    return clean(dst, (const unsigned char *)s, n, 0, NULL, 1);
}

int utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return 0;
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *utf8_sanitize(const char *s, size_t n, size_t *outlen)
{
    char *d = malloc(3 * n + 1);
    if (!d)
        return NULL;
    size_t len = utf8_clean(d, s, n);
    if (outlen)
        *outlen = len;
    return d;
}

void utf8_stream_init(utf8_stream *u)
{
    u->npend = 0;
}

char *utf8_stream_feed(utf8_stream *u, const char *s, size_t n, size_t *outlen)
{
    size_t total = u->npend + n;
    unsigned char *tmp = malloc(total ? total : 1);
    char *d = malloc(3 * total + 1);
    if (!tmp || !d) {
        free(tmp);
        free(d);
        return NULL;
    }
    memcpy(tmp, u->pend, u->npend);
    if (n)
        memcpy(tmp + u->npend, s, n);
    size_t used;
    size_t len = clean(d, tmp, total, 1, &used, 0);
    u->npend = total - used;           /* at most 3: a truncated prefix */
    memcpy(u->pend, tmp + used, u->npend);
    free(tmp);
    if (outlen)
        *outlen = len;
    return d;
}

char *utf8_stream_flush(utf8_stream *u, size_t *outlen)
{
    char *d = utf8_sanitize((const char *)u->pend, u->npend, outlen);
    u->npend = 0;
    return d;
}
