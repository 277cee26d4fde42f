/* transcript: JSON Lines written one event at a time, read back leniently. */
#include "tutor/transcript.h"
#include "tutor/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- writing ---- */

struct transcript_writer {
    int fd;
    int failed;         /* a write failed: nothing more is written */
    char *path;
};

transcript_writer *transcript_create(const char *path, char *err, size_t errlen)
{
    transcript_writer *w;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    w = mem_alloc(sizeof *w);
    w->fd = fd;
    w->failed = 0;
    w->path = mem_strdup(path);
    return w;
}

const char *transcript_path(const transcript_writer *w)
{
    return w ? w->path : "";
}

/* Writes all of buf, retrying short writes and EINTR. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = ENOSPC;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int transcript_write(transcript_writer *w, const event *ev, long t_ms,
                     char *err, size_t errlen)
{
    if (!w || w->failed)
        return -1;
    char *js = event_to_json_at(ev, t_ms);
    if (!js) {
        w->failed = 1;
        snprintf(err, errlen, "%s: out of memory", w->path);
        return -1;
    }
    /* one write() for the line and its newline: the kernel has the whole
     * event as soon as this returns, whatever happens to the process */
    size_t len = strlen(js);
    js[len] = '\n';             /* replaces the NUL; the length is known */
    int rc = write_all(w->fd, js, len + 1);
    free(js);
    if (rc < 0) {
        w->failed = 1;
        snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
        return -1;
    }
    return 0;
}

int transcript_close(transcript_writer *w, char *err, size_t errlen)
{
    int rc = 0;
    if (!w)
        return 0;
    if (fsync(w->fd) < 0 && !w->failed) {
        snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
        rc = -1;
    }
    if (close(w->fd) < 0 && !w->failed && rc == 0) {
        snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
        rc = -1;
    }
    free(w->path);
    free(w);
    return rc;
}

/* ---- reading ---- */

void transcript_data_init(transcript_data *d)
{
    memset(d, 0, sizeof *d);
}

void transcript_data_done(transcript_data *d)
{
    for (int i = 0; i < d->n; i++)
        event_clear(&d->ev[i]);
    free(d->ev);
    free(d->t_ms);
    memset(d, 0, sizeof *d);
}

static void push(transcript_data *d, const event *ev, long t_ms)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->ev = mem_realloc(d->ev, (size_t)d->cap * sizeof *d->ev);
        d->t_ms = mem_realloc(d->t_ms, (size_t)d->cap * sizeof *d->t_ms);
    }
    d->ev[d->n] = *ev;
    d->t_ms[d->n] = t_ms;
    d->n++;
    if (ev->kind == EV_DONE)
        d->has_done = 1;
}

/* One line, without its newline. Returns 0 when it held an event (or was
 * blank), -1 when it could not be read. */
static int parse_line(transcript_data *d, const char *s, size_t len)
{
    if (len > 0 && s[len - 1] == '\r')
        len--;
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == len)
        return 0;
    if (memchr(s, '\0', len))
        return -1;
    char *line = mem_alloc(len + 1);
    memcpy(line, s, len);
    line[len] = '\0';
    event ev;
    long t = -1;
    int rc = event_from_json_at(line, &ev, &t);
    free(line);
    if (rc < 0)
        return -1;
    push(d, &ev, t);
    return 0;
}

void transcript_parse(transcript_data *d, const char *buf, size_t len)
{
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(buf + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - buf) : len;
        d->lines++;
        if (parse_line(d, buf + at, end - at) < 0) {
            if (!nl) {
                d->truncated = 1;       /* a run killed mid-write */
            } else {
                if (d->bad < TRANSCRIPT_BAD_KEPT)
                    d->bad_line[d->bad] = d->lines;
                d->bad++;
            }
        }
        at = end + 1;
    }
}

int transcript_load(const char *path, transcript_data *d, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? 2 * cap : 1 << 17;
            buf = mem_realloc(buf, cap);
        }
        size_t want = cap - len;
        if (want > TRANSCRIPT_MAX_BYTES + 1 - len)
            want = TRANSCRIPT_MAX_BYTES + 1 - len;
        size_t got = fread(buf + len, 1, want, f);
        len += got;
        if (got == 0)
            break;
        if (len > TRANSCRIPT_MAX_BYTES) {
            /* what a crafted or runaway file holds past the cap is not
             * read; the cut line at the end counts as cut */
            len = TRANSCRIPT_MAX_BYTES;
            d->too_big = 1;
            break;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    transcript_parse(d, buf, len);
    free(buf);
    return 0;
}

void transcript_describe(const transcript_data *d, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    if (d->bad > 0) {
        len += (size_t)snprintf(buf, cap, "skipped %d unreadable line%s (", d->bad,
                                d->bad == 1 ? "" : "s");
        for (int i = 0; i < d->bad && i < TRANSCRIPT_BAD_KEPT && len < cap; i++)
            len += (size_t)snprintf(buf + len, cap - len, "%s%d", i ? ", " : "", d->bad_line[i]);
        if (len < cap)
            len += (size_t)snprintf(buf + len, cap - len, "%s)",
                                    d->bad > TRANSCRIPT_BAD_KEPT ? ", ..." : "");
    }
    if (d->truncated && len < cap)
        len += (size_t)snprintf(buf + len, cap - len, "%sthe last line was cut off",
                                len ? "; " : "");
    if (d->too_big && len < cap)
        snprintf(buf + len, cap - len, "%sonly the first %d MB were read", len ? "; " : "",
                 TRANSCRIPT_MAX_BYTES >> 20);
}
