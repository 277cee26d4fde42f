/* mem: see mem.h. */
#include "tutor/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *mem_realloc_(void *p, size_t n, const char *file, int line)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "%s:%d: out of memory\n", file, line);
        abort();
    }
    return q;
}

void *mem_calloc_(size_t n, size_t size, const char *file, int line)
{
    void *q = calloc(n ? n : 1, size ? size : 1);
    if (!q) {
        fprintf(stderr, "%s:%d: out of memory\n", file, line);
        abort();
    }
    return q;
}

char *mem_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(mem_alloc(n), s, n);
}
