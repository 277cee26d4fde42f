/* bench_practice: practice mode's two figures (issue 11), through the
 * ponder binary over pipes, as a front-end sees them:
 *   - a step's verdict: from writing the line to reading its JSON reply
 *     (goal <= 5 ms), and the checker alone in process;
 *   - a hint on the built-in model: the first hint of a problem draws the
 *     samples (hint_samples, default 8), so it is the slow one (goal: median
 *     <= 300 ms on 2 cores).
 * Usage: bench_practice PONDER SET. Prints figures; never fails on speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lm/curriculum.h"
#include "tutor/practice.h"

static double ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n, double goal)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    printf("%-34s median %.3f ms, p90 %.3f ms, max %.3f ms over %d (goal <= %g ms)\n", what,
           v[n / 2], v[n * 9 / 10], v[n - 1], n, goal);
}

/* The checker alone: every step of the curriculum's worked solutions. */
static void bench_engine(void)
{
    static double t[4000];
    int n = 0;
    practice *p = practice_new();
    for (int i = 0; i < 400 && n < 4000; i++) {
        lm_rng r = lm_rng_stream(0x42454e43, (uint64_t)i, 0);
        char problem[CUR_TEXT], cot[CUR_TEXT];
        long ans;
        cur_practice_problem(&r, i % 6, i % 3, problem, cot, &ans);
        practice_problem pb = { .skill = i % 6, .tier = i % 3 };
        snprintf(pb.text, sizeof pb.text, "%s", problem);
        practice_start(p, &pb, "0", 0);
        for (char *s = strtok(cot, "."); s && n < 4000; s = strtok(NULL, ".")) {
            double a = ms_now();
            practice_step_enter(p, s, NULL);
            t[n++] = ms_now() - a;
        }
    }
    practice_free(p);
    report("step verdict, engine alone", t, n, 5);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_practice PONDER SET\n");
        return 2;
    }
    bench_engine();
    int to[2], from[2];
    if (pipe(to) || pipe(from))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[1]);
        close(from[0]);
        execl(argv[1], argv[1], "practice", "--json", "-m", "builtin", "--set", argv[2],
              "--seed", "1", "--student", "bench", (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    FILE *in = fdopen(to[1], "w"), *out = fdopen(from[0], "r");
    char *line = NULL;
    size_t cap = 0;
    double steps[64], hints[64];
    int ns = 0, nh = 0;
    if (getline(&line, &cap, out) < 0)   /* the first problem */
        return 1;
    for (int k = 0; k < 36 && nh < 64; k++) {
        /* a step: any line with a claim is checked the same way */
        double a = ms_now();
        fputs("2 + 3 = 5\n", in);
        fflush(in);
        if (getline(&line, &cap, out) < 0)
            break;
        steps[ns++] = ms_now() - a;
        a = ms_now();
        fputs("hint\n", in);
        fflush(in);
        if (getline(&line, &cap, out) < 0)
            break;
        hints[nh++] = ms_now() - a;
        fputs("next\n", in);   /* a mastery line, then the next problem */
        fflush(in);
        if (getline(&line, &cap, out) < 0 || getline(&line, &cap, out) < 0)
            break;
    }
    fclose(in);
    while (getline(&line, &cap, out) >= 0)
        ;
    free(line);
    waitpid(pid, NULL, 0);
    if (ns)
        report("step verdict, through the pipe", steps, ns, 5);
    if (nh)
        report("first hint, built-in, 8 samples", hints, nh, 300);
    return 0;
}
