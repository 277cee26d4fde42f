/* mem: allocation that cannot fail quietly. Running out of memory in the
 * domain layer is a programmer-level failure (DESIGN: startup and programmer
 * errors fail fast with file and line), so these abort with a message
 * rather than return NULL into code that has no way to recover. */
#ifndef PONDER_MEM_H
#define PONDER_MEM_H
#include <stddef.h>

void *mem_realloc_(void *p, size_t n, const char *file, int line);
#define mem_alloc(n) mem_realloc_(NULL, (n), __FILE__, __LINE__)
#define mem_realloc(p, n) mem_realloc_((p), (n), __FILE__, __LINE__)
/* n zeroed elements of size bytes; an n * size that overflows aborts too. */
void *mem_calloc_(size_t n, size_t size, const char *file, int line);
#define mem_calloc(n, size) mem_calloc_((n), (size), __FILE__, __LINE__)
/* A copy of s, or NULL for NULL. The caller frees it. */
char *mem_strdup(const char *s);

#endif
