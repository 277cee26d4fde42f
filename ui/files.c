#include "ui/files.h"
#include "tutor/atomicfile.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int files_mkdirs(const char *dir)
{
    char buf[1024];
    size_t len = strlen(dir);
    struct stat st;
    if (len == 0 || len >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, dir, len + 1);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0700) < 0 && errno != EEXIST) return -1;
            *p = c;
            if (!c) break;
        }
    }
    if (stat(dir, &st) < 0) return -1;
    if (!S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}

int files_write_atomic(const char *path, const char *data, size_t len,
                       char *err, size_t errlen)
{
    /* ponder's own state: private when new, its mode kept when replaced */
    return atomicfile_write(path, data, len, ATOMICFILE_REPLACE, 0600, err, errlen);
}
