/* atomicfile: a file that appears whole or not at all, written where a
 * user asked and never onto something that is not a file.
 *
 * The one writer for every file ponder saves (exports, the history, the
 * last answer): a temporary file beside the target, fsync, then rename (or
 * link, when an existing file must not be replaced), then fsync of the
 * directory so the rename itself survives a crash.
 *
 * What may be at the path: nothing (a new name), or a regular file, which
 * is replaced only with ATOMICFILE_REPLACE and keeps its mode. A symbolic
 * link, a directory, a device, a FIFO or a socket is refused and left as it
 * is (root exporting to /dev/full must not turn it into a regular file).
 * A new file is created with the mode given, less the umask.
 *
 * Messages are "path: reason". When a refusal is because a file exists and
 * replacing was not allowed, errno is EEXIST, so a caller can ask. */
#ifndef PONDER_ATOMICFILE_H
#define PONDER_ATOMICFILE_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum { ATOMICFILE_REPLACE = 1 };    /* an existing regular file may be replaced */

typedef struct {
    FILE *f;            /* write the contents here, between open and commit */
    char *path, *tmp;   /* owned */
    int flags;
} atomicfile;

/* Whether path can be written with these flags, checked now, before any
 * work whose result would go there: what is at path, and that a file can
 * be made in its directory (one is made and removed). Returns 0, or -1. */
int atomicfile_check(const char *path, int flags, char *err, size_t errlen);
/* Starts writing path: the checks above, then a temporary file opened on
 * a->f. Returns 0, or -1 with a message (a is then empty). */
int atomicfile_open(atomicfile *a, const char *path, int flags, mode_t mode,
                    char *err, size_t errlen);
/* Flushes, fsyncs and puts the file in place. Frees a either way. Returns
 * 0, or -1 with a message (nothing at path has changed). */
int atomicfile_commit(atomicfile *a, char *err, size_t errlen);
/* Drops the temporary file; path is untouched. Frees a (an empty a is fine). */
void atomicfile_abort(atomicfile *a);
/* open, one write of len bytes, commit. Returns 0, or -1 with a message. */
int atomicfile_write(const char *path, const void *data, size_t len, int flags,
                     mode_t mode, char *err, size_t errlen);

#endif
