/* bench_24: the ToT paper's Table 2 comparison on ponder's built-in model.
 *
 * Puzzles 900-999 of data/24.csv (by rank, as in the paper), solved with
 * direct, cot, sc (N=16), tot (b=1) and tot (b=5). A puzzle counts as
 * solved when the run's answer is an expression that uses exactly the
 * puzzle's numbers and equals 24 (tutor/game24.c); the strategies never
 * see that check's verdict. Prints the success rate, mean tokens out and
 * mean wall time per puzzle for each. Not a test: it passes nothing.
 *
 * usage: bench_24 [CSV [FIRST [COUNT]]]   (default data/24.csv 900 100) */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/model.h"
#include "strategies/sample.h"
#include "strategies/strategy.h"
#include "tutor/game24.h"

typedef struct {
    const char *label, *strategy;
    int n;
    double t;
} config;

static const config configs[] = {
    { "direct (IO)",   "direct", 1, 0.0 },
    { "cot",           "cot",    1, 0.0 },
    { "sc, N=16",      "sc",    16, 0.8 },
    { "tot, b=1",      "tot",    1, 0.8 },
    { "tot, b=5",      "tot",    5, 0.8 },
};
enum { N_CONFIGS = (int)(sizeof configs / sizeof configs[0]) };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void quiet(void *ud, const event *ev)
{
    (void)ud;
    (void)ev;
}

/* Reads the puzzles of ranks [first, first+count) from the CSV. */
static int load(const char *path, int first, int count, char (*out)[32])
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < count) {
        int rank;
        char nums[32];
        if (sscanf(line, "%d,%31[^,]", &rank, nums) == 2 && rank >= first && rank < first + count)
            snprintf(out[n++], 32, "%s", nums);
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    const char *csv = argc > 1 ? argv[1] : "data/24.csv";
    int first = argc > 2 ? atoi(argv[2]) : 900;
    int count = argc > 3 ? atoi(argv[3]) : 100;
    if (count < 1 || count > 2000)
        count = 100;
    char (*puzzles)[32] = calloc((size_t)count, 32);
    int n = load(csv, first, count, puzzles);
    if (n <= 0) {
        fprintf(stderr, "bench_24: no puzzles of rank %d-%d in %s\n", first, first + count - 1, csv);
        return 1;
    }
    model_config mc = { .spec = "builtin", .max_retries = -1 };
    char err[512];
    model *m = model_open(&mc, err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_24: %s\n", err);
        return 1;
    }
    int solvable = 0;
    for (int i = 0; i < n; i++) {
        g24_state st;
        char expr[128];
        if (g24_parse(puzzles[i], &st) == 0 && g24_solve(&st, expr, sizeof expr))
            solvable++;
    }
    printf("Game of 24, puzzles %d-%d of %s (%d puzzles, %d solvable), built-in model, %ld cores\n",
           first, first + n - 1, csv, n, solvable, sysconf(_SC_NPROCESSORS_ONLN));
    printf("%-14s %9s %12s %12s   %s\n", "strategy", "success", "tokens/puz", "wall/puz", "ToT paper, GPT-4");
    static const char *paper[] = { "7.3%", "4.0%", "9.0%", "45%", "74%" };

    for (int c = 0; c < N_CONFIGS; c++) {
        int ok = 0, failed = 0;
        long tokens = 0;
        double wall = 0;
        for (int i = 0; i < n; i++) {
            atomic_int cancel = 0;
            strategy_ctx ctx = {
                .model = m, .problem = puzzles[i], .emit = quiet, .cancel = &cancel,
                .opt = { .name = configs[c].strategy, .n = configs[c].n,
                         .temperature = configs[c].t, .top_p = 1.0, .seed = 1000 + i,
                         .task = TASK_24, .agg = -1, .weighted = -1 },
            };
            double t0 = now_s();
            run_status st = strategy_run(&ctx);
            wall += now_s() - t0;
            tokens += ctx.trace.tokens_out;
            if (st == RUN_FAILED)
                failed++;
            g24_state gs;
            int nums[4];
            char why[128];
            if (ctx.answer[0] && g24_parse(puzzles[i], &gs) == 0) {
                for (int k = 0; k < gs.n; k++)
                    nums[k] = (int)gs.v[k].num;
                ok += g24_check_expr(nums, gs.n, ctx.answer, why, sizeof why);
            }
            trace_done(&ctx.trace);
        }
        if (failed == n)
            printf("%-14s %9s %12s %12s   %s  (the built-in model cannot run it: it was trained "
                   "to propose steps, not to answer in one go)\n",
                   configs[c].label, "n/a", "-", "-", paper[c]);
        else
            printf("%-14s %8.1f%% %12.0f %10.2f s   %s\n", configs[c].label, 100.0 * ok / n,
                   (double)tokens / n, wall / n, paper[c]);
        fflush(stdout);
    }
    model_close(m);
    free(puzzles);
    return 0;
}
