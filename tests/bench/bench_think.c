/* bench_think: thinking length against accuracy on the built-in model, the
 * teacher's demo for budget forcing (s1). Greedy chain of thought on held-out
 * medium and hard problems, with --think off, 16, 32, 48, 64, 96 tokens and
 * no budget; then --min-think 48, which forces "Wait," into chains that end
 * early. Grading is after the run, against the curriculum's own answers.
 *
 * usage: bench_think [PROBLEMS_PER_TIER]   (default 100) */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm/curriculum.h"
#include "models/model.h"
#include "strategies/strategy.h"
#include "tutor/answer.h"

static void quiet(void *ud, const event *ev)
{
    (void)ud;
    (void)ev;
}

typedef struct { const char *label; think_mode mode; int budget, min_think; } setting;

int main(int argc, char **argv)
{
    int per_tier = argc > 1 ? atoi(argv[1]) : 100;
    if (per_tier < 1 || per_tier > 1000)
        per_tier = 100;
    model_config mc = { .spec = "builtin", .max_retries = -1 };
    char err[512];
    model *m = model_open(&mc, err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_think: %s\n", err);
        return 1;
    }
    static const setting settings[] = {
        { "off (0)", THINK_OFF, 0, 0 }, { "16 tokens", THINK_BUDGET, 16, 0 },
        { "32 tokens", THINK_BUDGET, 32, 0 }, { "48 tokens", THINK_BUDGET, 48, 0 },
        { "64 tokens", THINK_BUDGET, 64, 0 }, { "96 tokens", THINK_BUDGET, 96, 0 },
        { "no budget", THINK_DEFAULT, 0, 0 }, { "min-think 48", THINK_DEFAULT, 0, 48 },
    };
    static const int tiers[] = { CUR_MEDIUM, CUR_HARD };
    printf("thinking budget vs accuracy, built-in model, cot greedy, %d problems per tier, "
           "%ld cores\n", per_tier, sysconf(_SC_NPROCESSORS_ONLN));
    printf("%-14s %10s %10s %16s\n", "--think", "medium", "hard", "thinking tok/run");
    for (size_t k = 0; k < sizeof settings / sizeof settings[0]; k++) {
        double acc[2];
        long think = 0, runs = 0;
        for (int t = 0; t < 2; t++) {
            int ok = 0;
            for (int i = 0; i < per_tier; i++) {
                cur_example ex;
                cur_test_problem(tiers[t], i, &ex);
                atomic_int cancel = 0;
                strategy_ctx ctx = {
                    .model = m, .problem = ex.problem, .emit = quiet, .cancel = &cancel,
                    .opt = { .name = "cot", .n = 1, .temperature = 0, .top_p = 1.0, .seed = 1,
                             .think = settings[k].mode, .think_budget = settings[k].budget,
                             .min_think = settings[k].min_think, .agg = -1, .weighted = -1 },
                };
                strategy_run(&ctx);
                char gold[32];
                snprintf(gold, sizeof gold, "%ld", ex.answer);
                ok += ctx.answer[0] && answer_equal(ctx.answer, gold);
                think += ctx.trace.thinking_tokens;
                runs++;
                trace_done(&ctx.trace);
            }
            acc[t] = 100.0 * ok / per_tier;
        }
        printf("%-14s %9.1f%% %9.1f%% %16.1f\n", settings[k].label, acc[0], acc[1],
               (double)think / runs);
        fflush(stdout);
    }
    model_close(m);
    return 0;
}
