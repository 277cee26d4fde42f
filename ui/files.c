#include "ui/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

int files_write_atomic(const char *path, const char *data, size_t len,
                       char *err, size_t errlen)
{
    char tmp[1100];
    int fd;
    size_t off = 0;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
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
