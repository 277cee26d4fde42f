/* files: the few file operations the UI needs, done safely. */
#ifndef PONDER_UI_FILES_H
#define PONDER_UI_FILES_H
#include <stddef.h>

/* mkdir -p with mode 0700 for new directories. Returns 0 or -1 (errno). */
int files_mkdirs(const char *dir);
/* Writes data to path through tutor/atomicfile.h (temporary file, fsync,
 * rename, directory fsync), so a crash leaves the old file or the new one.
 * A new file is 0600; a replaced one keeps its mode; a symlink, directory
 * or device at path is refused. Returns 0, or -1 with "path: reason". */
int files_write_atomic(const char *path, const char *data, size_t len,
                       char *err, size_t errlen);

#endif
