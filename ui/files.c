#include "ui/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* fsync the directory holding path, so the rename itself is on disk.
 * Best effort: some file systems refuse to sync a directory. */
static void sync_dir(const char *path)
{
    char dir[1100];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int files_write_atomic(const char *path, const char *data, size_t len,
                       char *err, size_t errlen)
{
    char tmp[1100];
    int fd;
    size_t off = 0;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    /* a fresh name of our own (O_EXCL, 0600): never someone else's file */
    fd = mkstemp(tmp);
    if (fd < 0) goto fail;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            goto fail_fd;
        }
        off += (size_t)w;
    }
    if (fsync(fd) < 0) goto fail_fd;
    if (close(fd) < 0) { fd = -1; goto fail_unlink; }
    if (rename(tmp, path) < 0) goto fail_unlink;
    sync_dir(path);
    return 0;
fail_fd:
    {
        int e = errno;
        close(fd);
        errno = e;
    }
fail_unlink:
    {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
fail:
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
}
