/* slurp: see slurp.h. */
#include "tutor/slurp.h"

#include <stdlib.h>

char *slurp_file(FILE *f, size_t max, size_t *len, slurp_status *st)
{
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t r;
    *st = SLURP_OK;
    /* Reads until fread gives nothing, so a pipe's short reads are not
     * taken for the end; the buffer doubles whenever it fills up. */
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 < cap)
            continue;
        if (cap > max) {
            free(buf);
            *st = SLURP_TOO_BIG;
            return NULL;
        }
        char *bigger = realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (!buf) {
        *st = SLURP_NO_MEMORY;
        return NULL;
    }
    if (ferror(f)) {
        free(buf);
        *st = SLURP_READ_ERROR;
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}
