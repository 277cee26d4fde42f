/* slurp: the whole of an open file as one string, with a size cap.
 *
 * The one reader for the files ponder loads whole (the progress file, a
 * scripted model's file). The cap matters because the path may name
 * /dev/zero or a FIFO, which would otherwise be read forever. */
#ifndef PONDER_SLURP_H
#define PONDER_SLURP_H
#include <stddef.h>
#include <stdio.h>

typedef enum {
    SLURP_OK,
    SLURP_TOO_BIG,      /* more than about max bytes */
    SLURP_READ_ERROR,   /* errno says why */
    SLURP_NO_MEMORY,
} slurp_status;

/* Reads f to its end into a fresh NUL-terminated buffer the caller frees,
 * and sets *len (may be NULL) to its length. NULL unless *st is SLURP_OK.
 * f stays open. */
char *slurp_file(FILE *f, size_t max, size_t *len, slurp_status *st);

#endif
