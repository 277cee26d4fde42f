/* atomicfile: temporary file, fsync, rename; never onto a non-file. */
#include "tutor/atomicfile.h"
#include "tutor/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Says why path cannot be written, and returns -1 with errno kept. */
static int fail(const char *path, char *err, size_t errlen, const char *why)
{
    int e = errno;
    snprintf(err, errlen, "%s: %s", path, why ? why : strerror(e));
    errno = e;
    return -1;
}

/* What is at path, judged: 0 with *st filled (st->st_mode 0 for a new
 * name), or -1 with a message. */
static int judge(const char *path, int flags, struct stat *st, char *err, size_t errlen)
{
    size_t len = path ? strlen(path) : 0;
    memset(st, 0, sizeof *st);
    if (len == 0) {
        errno = EINVAL;
        return fail("(no name)", err, errlen, "no file name");
    }
    if (path[len - 1] == '/') {
        errno = EISDIR;
        return fail(path, err, errlen, "names a directory; give a file name");
    }
    if (lstat(path, st) < 0) {
        if (errno != ENOENT)
            return fail(path, err, errlen, NULL);
        memset(st, 0, sizeof *st);
        return 0;
    }
    if (S_ISLNK(st->st_mode)) {
        errno = EPERM;
        return fail(path, err, errlen, "is a symbolic link; ponder writes only a regular "
                    "file or a new name (name the file the link points to)");
    }
    if (S_ISDIR(st->st_mode)) {
        errno = EISDIR;
        return fail(path, err, errlen, "is a directory; give a file name");
    }
    if (!S_ISREG(st->st_mode)) {
        errno = EPERM;
        return fail(path, err, errlen, "is not a regular file (a device, FIFO or socket); "
                    "ponder will not write there");
    }
    if (!(flags & ATOMICFILE_REPLACE)) {
        errno = EEXIST;
        return fail(path, err, errlen, "already exists");
    }
    return 0;
}

/* A new name beside path: "path.tmp.XXXXXX", opened O_EXCL with mode (the
 * umask applies). Returns the descriptor, or -1. */
static int make_tmp(const char *path, char **tmp, mode_t mode)
{
    static unsigned counter;
    size_t cap = strlen(path) + 16;
    struct timespec ts;
    *tmp = mem_alloc(cap);
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned id = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec;
    for (int attempt = 0; attempt < 64; attempt++) {
        id = id * 1103515245u + 12345u + counter++;
        snprintf(*tmp, cap, "%s.tmp.%06x", path, id & 0xffffff);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* fsync the directory holding path, so the rename itself is on disk.
 * Best effort: some file systems refuse to sync a directory. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = mem_strdup(!slash ? "." : slash == path ? "/" : path);
    if (slash && slash != path)
        dir[slash - path] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int atomicfile_check(const char *path, int flags, char *err, size_t errlen)
{
    struct stat st;
    char *tmp = NULL;
    if (judge(path, flags, &st, err, errlen) < 0)
        return -1;
    int fd = make_tmp(path, &tmp, 0600);
    if (fd < 0) {
        free(tmp);
        return fail(path, err, errlen, NULL);
    }
    close(fd);
    unlink(tmp);
    free(tmp);
    return 0;
}

int atomicfile_open(atomicfile *a, const char *path, int flags, mode_t mode,
                    char *err, size_t errlen)
{
    struct stat st;
    memset(a, 0, sizeof *a);
    if (judge(path, flags, &st, err, errlen) < 0)
        return -1;
    int fd = make_tmp(path, &a->tmp, mode);
    if (fd < 0) {
        fail(path, err, errlen, NULL);
        atomicfile_abort(a);
        return -1;
    }
    /* a file replaced keeps its permissions (fchmod ignores the umask),
     * not set-id bits: new contents must not inherit a setuid */
    if (st.st_mode && fchmod(fd, st.st_mode & 0777) < 0) {
        fail(path, err, errlen, NULL);
        close(fd);
        atomicfile_abort(a);
        return -1;
    }
    a->f = fdopen(fd, "w");
    if (!a->f) {
        fail(path, err, errlen, NULL);
        close(fd);
        atomicfile_abort(a);
        return -1;
    }
    a->path = mem_strdup(path);
    a->flags = flags;
    return 0;
}

void atomicfile_abort(atomicfile *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    memset(a, 0, sizeof *a);
}

/* Puts tmp at path: rename when replacing is allowed, else link, which
 * fails rather than replace a file made since the check. */
static int put_in_place(const atomicfile *a)
{
    if (!(a->flags & ATOMICFILE_REPLACE)) {
        if (link(a->tmp, a->path) == 0) {
            unlink(a->tmp);
            return 0;
        }
        if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK)
            return -1;
        /* a file system without hard links: rename, the check just made */
    }
    return rename(a->tmp, a->path);
}

int atomicfile_commit(atomicfile *a, char *err, size_t errlen)
{
    struct stat st;
    int rc = -1;
    if (!a->f) {
        errno = EINVAL;
        fail(a->path ? a->path : "(none)", err, errlen, "not open");
        atomicfile_abort(a);
        return -1;
    }
    if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0) {
        if (!errno) errno = EIO;
        fail(a->path, err, errlen, NULL);
    } else {
        int closed = fclose(a->f);
        a->f = NULL;
        /* judged again: something may have appeared at the path meanwhile */
        if (closed != 0)
            fail(a->path, err, errlen, NULL);
        else if (judge(a->path, a->flags, &st, err, errlen) == 0) {
            if (put_in_place(a) < 0)
                fail(a->path, err, errlen, NULL);
            else {
                sync_dir(a->path);
                free(a->tmp);
                a->tmp = NULL;      /* in place: nothing to unlink */
                rc = 0;
            }
        }
    }
    int e = errno;
    atomicfile_abort(a);
    errno = e;
    return rc;
}

int atomicfile_write(const char *path, const void *data, size_t len, int flags,
                     mode_t mode, char *err, size_t errlen)
{
    atomicfile a;
    if (atomicfile_open(&a, path, flags, mode, err, errlen) < 0)
        return -1;
    if (len && fwrite(data, 1, len, a.f) != len) {
        fail(path, err, errlen, NULL);
        atomicfile_abort(&a);
        return -1;
    }
    return atomicfile_commit(&a, err, errlen);
}
