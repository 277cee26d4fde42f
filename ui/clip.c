#include "ui/clip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t clip_base64(const unsigned char *in, size_t len, char *out, size_t cap)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t need = 4 * ((len + 2) / 3) + 1, o = 0;
    if (cap < need) return 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len) v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len) v |= in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

int clip_osc52(int fd, const char *s)
{
    size_t len = strlen(s), cap = 4 * ((len + 2) / 3) + 16, n, off = 0;
    char *buf = malloc(cap);
    int rc = 0;
    if (!buf) return -1;
    memcpy(buf, "\033]52;c;", 7);
    n = 7 + clip_base64((const unsigned char *)s, len, buf + 7, cap - 8);
    buf[n++] = '\a';
    while (off < n) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            rc = -1;
            break;
        }
        off += (size_t)w;
    }
    free(buf);
    return rc;
}
