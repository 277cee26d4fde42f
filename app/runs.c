/* runs: transcript file names, the runs directory and `ponder runs`. */
#include "app/runs.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/config.h"
#include "tutor/utf8.h"

enum { PROBLEM_CHARS = 50, ANSWER_CHARS = 24, HEAD_MAX = 1 << 20, TAIL_MAX = 16 << 20 };

int runs_dir(char *buf, size_t cap, int create)
{
    char base[900];
    if (config_data_dir(base, sizeof base) < 0)
        return -1;
    if (snprintf(buf, cap, "%s/runs", base) >= (int)cap) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (create && mkdir(buf, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

transcript_writer *runs_create(char *err, size_t errlen)
{
    char dir[1024], path[1200], stamp[32];
    struct timespec ts;
    struct tm tm;
    if (runs_dir(dir, sizeof dir, 1) < 0) {
        snprintf(err, errlen, "no runs directory (%s)",
                 errno ? strerror(errno) : "set XDG_DATA_HOME or HOME");
        return NULL;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    /* the id tells apart runs started in the same second: the pid and the
     * nanoseconds, then the next try's if the name is taken */
    unsigned id = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec;
    for (int attempt = 0; attempt < 16; attempt++, id = id * 1103515245u + 12345u) {
        snprintf(path, sizeof path, "%s/%s-%06x.jsonl", dir, stamp, id & 0xffffff);
        transcript_writer *w = transcript_create(path, err, errlen);
        if (w || errno != EEXIST)
            return w;
    }
    return NULL;
}

/* ---- reading a run's first and last lines ---- */

/* Copies at most max characters (UTF-8) of s into out, newlines and tabs
 * as spaces, "…" when cut. A transcript is untrusted: the text is first
 * made safe for a terminal as the TUI's is (models/utf8.h: escape
 * sequences lose their ESC, bad UTF-8 becomes U+FFFD). */
static void cut_chars(char *out, size_t cap, const char *raw, int max)
{
    size_t o = 0;
    int chars = 0;
    char *clean = utf8_sanitize(raw ? raw : "", raw ? strlen(raw) : 0, NULL);
    const char *s = clean ? clean : "";
    while (*s == ' ' || *s == '\n' || *s == '\t') s++;
    while (*s && o + 5 < cap) {
        if (((unsigned char)*s & 0xc0) != 0x80 && chars++ == max) {
            memcpy(out + o, "\xe2\x80\xa6", 3);
            o += 3;
            break;
        }
        char c = *s++;
        out[o++] = (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
    }
    out[o] = '\0';
    free(clean);
}

/* The file's last line (a cut one too), read from a tail that grows until
 * it holds the line's start. Caller frees; NULL when the file is empty. */
static char *last_line(FILE *f)
{
    long size;
    if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) <= 0)
        return NULL;
    for (long chunk = 65536; ; chunk *= 2) {
        long from = size > chunk ? size - chunk : 0;
        size_t want = (size_t)(size - from);
        char *buf = malloc(want + 1);
        if (!buf || fseek(f, from, SEEK_SET) < 0 || fread(buf, 1, want, f) != want) {
            free(buf);
            return NULL;
        }
        buf[want] = '\0';
        size_t end = want;
        while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r'))
            buf[--end] = '\0';
        char *nl = NULL;
        for (size_t i = end; i > 0 && !nl; i--)
            if (buf[i - 1] == '\n') nl = buf + i - 1;
        if (nl || from == 0) {
            char *line = strdup(nl ? nl + 1 : buf);
            free(buf);
            return line;
        }
        free(buf);
        if (chunk >= TAIL_MAX)
            return NULL;
    }
}

/* The first line, at most HEAD_MAX bytes (a run_start is far shorter; a
 * crafted file's one huge line is not read whole). Caller frees; NULL when
 * there is none or it is longer. */
static char *first_line(FILE *f)
{
    char *buf = malloc(HEAD_MAX + 1);
    size_t n = 0;
    int c = 0;
    if (!buf)
        return NULL;
    while (n < HEAD_MAX && (c = getc(f)) != EOF && c != '\n')
        buf[n++] = (char)c;
    if (n == 0 || (n == HEAD_MAX && c != '\n')) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static void when_of(const char *name, const char *path, char *out, size_t cap)
{
    int ok = strlen(name) >= 15 && name[8] == '-';
    for (int i = 0; ok && i < 15; i++)
        if (i != 8 && (name[i] < '0' || name[i] > '9')) ok = 0;
    if (ok) {
        snprintf(out, cap, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s", name, name + 4, name + 6,
                 name + 9, name + 11, name + 13);
        return;
    }
    struct stat st;
    struct tm tm;
    if (stat(path, &st) == 0 && localtime_r(&st.st_mtime, &tm))
        strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
    else
        snprintf(out, cap, "?");
}

int runs_summarize(const char *path, run_summary *s)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL, *tail = NULL, tmp[64];
    event ev;
    const char *base = strrchr(path, '/');
    memset(s, 0, sizeof *s);
    if (!f)
        return -1;
    cut_chars(s->file, sizeof s->file, base ? base + 1 : path, 200);
    line = first_line(f);
    if (!line || event_from_json(line, &ev) < 0) {
        free(line);
        fclose(f);
        return -1;
    }
    free(line);
    if (ev.kind != EV_RUN_START) {
        event_clear(&ev);
        fclose(f);
        return -1;
    }
    when_of(s->file, path, s->when, sizeof s->when);
    snprintf(tmp, sizeof tmp, "%s%.20s", ev.task == 1 ? "24:" : "", ev.strategy ? ev.strategy : "?");
    cut_chars(s->strategy, sizeof s->strategy, tmp, 24);
    cut_chars(s->model, sizeof s->model, ev.model ? ev.model : "?", 60);
    cut_chars(s->problem, sizeof s->problem, ev.text, PROBLEM_CHARS);
    event_clear(&ev);

    snprintf(s->outcome, sizeof s->outcome, "cut off");
    tail = last_line(f);
    fclose(f);
    if (tail && event_from_json(tail, &ev) == 0) {
        if (ev.kind == EV_DONE) {
            if (ev.run == RUN_FAILED) snprintf(s->outcome, sizeof s->outcome, "failed");
            else if (ev.run == RUN_CANCELLED) snprintf(s->outcome, sizeof s->outcome, "cancelled");
            else if (!ev.answer || !*ev.answer) snprintf(s->outcome, sizeof s->outcome, "no answer");
            else cut_chars(s->outcome, sizeof s->outcome, ev.answer, ANSWER_CHARS);
        }
        event_clear(&ev);
    }
    free(tail);
    return 0;
}

/* ---- the table ---- */

/* Display width, counting one column per character. */
static int chars_of(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void cell(FILE *f, const char *s, int width, int last)
{
    fputs(s, f);
    if (last)
        return;
    for (int i = chars_of(s); i < width + 2; i++)
        fputc(' ', f);
}

void runs_print(FILE *f, const run_summary *rows, int n)
{
    static const char *const head[] = { "WHEN", "STRATEGY", "MODEL", "ANSWER", "PROBLEM", "FILE" };
    enum { NCOL = 6 };
    int w[NCOL];
    for (int c = 0; c < NCOL; c++)
        w[c] = chars_of(head[c]);
    for (int i = 0; i < n; i++) {
        const char *col[NCOL] = { rows[i].when, rows[i].strategy, rows[i].model,
                                  rows[i].outcome, rows[i].problem, rows[i].file };
        for (int c = 0; c < NCOL; c++)
            if (chars_of(col[c]) > w[c]) w[c] = chars_of(col[c]);
    }
    for (int c = 0; c < NCOL; c++)
        cell(f, head[c], w[c], c == NCOL - 1);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        const char *col[NCOL] = { rows[i].when, rows[i].strategy, rows[i].model,
                                  rows[i].outcome, rows[i].problem, rows[i].file };
        for (int c = 0; c < NCOL; c++)
            cell(f, col[c], w[c], c == NCOL - 1);
        fputc('\n', f);
    }
}

static int newest_first(const void *a, const void *b)
{
    return strcmp(((const run_summary *)b)->file, ((const run_summary *)a)->file);
}

static int is_jsonl(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && name[0] != '.' && strcmp(name + n - 6, ".jsonl") == 0;
}

int runs_command(FILE *out, FILE *err)
{
    char dir[1024], path[1400];
    run_summary *rows = NULL;
    int n = 0, cap = 0, unreadable = 0;
    if (runs_dir(dir, sizeof dir, 0) < 0) {
        fprintf(err, "ponder: no runs directory (set XDG_DATA_HOME or HOME)\n");
        return 1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) {
            fprintf(out, "No saved runs yet (they go in %s).\n", dir);
            return 0;
        }
        fprintf(err, "ponder: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    for (struct dirent *de; (de = readdir(d)); ) {
        if (!is_jsonl(de->d_name))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            run_summary *nr = realloc(rows, (size_t)cap * sizeof *rows);
            if (!nr) break;
            rows = nr;
        }
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (runs_summarize(path, &rows[n]) == 0) n++;
        else unreadable++;
    }
    closedir(d);
    if (n == 0)
        fprintf(out, "No saved runs yet (they go in %s).\n", dir);
    else {
        qsort(rows, (size_t)n, sizeof *rows, newest_first);
        runs_print(out, rows, n);
    }
    if (unreadable)
        fprintf(err, "ponder: %d file%s in %s could not be read as runs\n", unreadable,
                unreadable == 1 ? "" : "s", dir);
    free(rows);
    return 0;
}

int runs_resolve(const char *name, char *path, size_t cap, char *err, size_t errlen)
{
    char dir[1024];
    struct stat st;
    if (!name || !*name) {
        snprintf(err, errlen, "replay needs a FILE (see ponder runs)");
        return -1;
    }
    if (stat(name, &st) == 0 && S_ISREG(st.st_mode)) {
        snprintf(path, cap, "%s", name);
        return 0;
    }
    if (!strchr(name, '/') && runs_dir(dir, sizeof dir, 0) == 0) {
        for (int ext = 0; ext < 2; ext++) {
            if (snprintf(path, cap, "%s/%s%s", dir, name, ext ? ".jsonl" : "") >= (int)cap)
                break;
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                return 0;
        }
    }
    snprintf(err, errlen, "%s: no such file or saved run (ponder runs lists them)", name);
    return -1;
}
