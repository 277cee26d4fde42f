/* bench_startup: time to first frame and peak RSS of the TUI.
 *
 * Starts ponder (argv[1..]) on a pseudo-terminal of 80x24, reads what it
 * draws until the status line's "? help" marker has been written (the
 * first complete frame), then asks it to quit and collects its peak RSS
 * from wait4(). Repeats R times (env BENCH_RUNS, default 11) and prints
 * the medians. Not a test: it asserts nothing.
 *
 * With BENCH_SOLVE="problem", it also types the problem after the first
 * frame and waits (up to 30 s) for BENCH_DONE_MARKER (default "votes,", drawn when an sc run is done)
 * before quitting, so the peak RSS includes a solve (and a loaded model). */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads from fd until `marker` has been seen or timeout_ms passed. */
static int wait_for(int fd, const char *marker, double timeout_ms)
{
    char buf[65536];
    size_t have = 0;
    size_t keep = strlen(marker);
    double t0 = now_ms();
    while (now_ms() - t0 < timeout_ms) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n <= 0)
            return -1;
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, marker))
            return 0;
        if (have > sizeof buf / 2 && have > keep) {   /* keep a tail for split markers */
            memmove(buf, buf + have - keep, keep);
            have = keep;
        }
    }
    return -1;
}

/* One run: returns ms to first frame (or -1) and sets *rss_kb. */
static double one_run(char **argv, const char *marker, long *rss_kb)
{
    struct winsize ws = { .ws_row = 24, .ws_col = 80 };
    int fd;
    double t0 = now_ms();
    pid_t pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        execv(argv[0], argv);
        _exit(127);
    }
    char buf[65536];
    size_t have = 0;
    double first = -1;
    while (first < 0 && now_ms() - t0 < 10000) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, marker))
            first = now_ms() - t0;
        if (have > sizeof buf / 2) {            /* keep the tail for split markers */
            memmove(buf, buf + have - 64, 64);
            have = 64;
        }
    }
    const char *solve = getenv("BENCH_SOLVE");
    if (first >= 0 && solve) {
        const char *done = getenv("BENCH_DONE_MARKER") ? getenv("BENCH_DONE_MARKER") : "votes,";
        ssize_t w1 = write(fd, solve, strlen(solve));
        ssize_t w2 = write(fd, "\r", 1);
        (void)w1;
        (void)w2;
        if (wait_for(fd, done, 30000) < 0)
            fprintf(stderr, "bench_startup: no \"%s\" within 30 s\n", done);
        usleep(200 * 1000);
    }
    /* Quit: Ctrl-D on the empty problem line; drain output meanwhile. */
    ssize_t w = write(fd, "\x04", 1);
    (void)w;
    int status;
    struct rusage ru;
    double t1 = now_ms();
    for (;;) {
        pid_t r = wait4(pid, &status, WNOHANG, &ru);
        if (r == pid)
            break;
        if (now_ms() - t1 > 3000) {
            kill(pid, SIGTERM);
            wait4(pid, &status, 0, &ru);
            break;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 20) > 0 && read(fd, buf, sizeof buf) <= 0)
            usleep(1000);
    }
    close(fd);
    *rss_kb = ru.ru_maxrss;
    return first;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_startup PONDER [ARGS...]\n");
        return 2;
    }
    const char *env = getenv("BENCH_RUNS");
    int runs = env ? atoi(env) : 11;
    if (runs < 1 || runs > 100)
        runs = 11;
    const char *marker = getenv("BENCH_MARKER") ? getenv("BENCH_MARKER") : "help";
    double ms[100];
    double rss[100];
    int ok = 0;
    for (int i = 0; i < runs; i++) {
        long kb = 0;
        double t = one_run(argv + 1, marker, &kb);
        if (t < 0)
            continue;
        ms[ok] = t;
        rss[ok] = (double)kb;
        ok++;
    }
    if (!ok) {
        printf("startup: no frame seen (marker \"%s\")\n", marker);
        return 1;
    }
    qsort(ms, (size_t)ok, sizeof ms[0], cmp);
    qsort(rss, (size_t)ok, sizeof rss[0], cmp);
    printf("first frame   median %.1f ms  (min %.1f, max %.1f, %d runs)\n",
           ms[ok / 2], ms[0], ms[ok - 1], ok);
    printf("peak RSS      median %.1f MB  (max %.1f MB)\n", rss[ok / 2] / 1024, rss[ok - 1] / 1024);
    return 0;
}
