/* eval.c: lm-eval, the built-in model's report (make bench-model).
 *
 * Per tier, held-out problems (cur_test_problem: a seed domain never used in
 * training): direct, CoT greedy, per-sample CoT at T=0.8, SC@5 and SC@16
 * (majority vote over "The answer is N"; ties go to the answer that reached
 * the count first). Game of 24 proposal validity and value accuracy on
 * held-out puzzles. The seed bakery problem under each strategy. Speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lm/curriculum.h"
#include "lm/g24.h"
#include "lm/kernels.h"
#include "lm/lm.h"

#define MAXS 16

typedef struct { char text[MAXS][2048]; size_t len[MAXS]; } collect;

static int on_token(void *ud, int sample, const char *piece, float lp)
{
    (void)lp;
    collect *c = ud;
    size_t n = strlen(piece);
    if (c->len[sample] + n < sizeof c->text[0]) {
        memcpy(c->text[sample] + c->len[sample], piece, n + 1);
        c->len[sample] += n;
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long tokens_out;

/* Generates n continuations; texts land in c. */
static void run(const lm_model *m, const char *prompt, int n, float temp, unsigned long long seed,
                int max_tokens, collect *c)
{
    lm_sample_opts o = { temp, 0, 1.0f, seed, max_tokens, NULL, 0, 0 };
    lm_sample_result res[MAXS];
    char err[256];
    memset(c->len, 0, sizeof c->len);
    for (int i = 0; i < n; i++) c->text[i][0] = 0;
    if (lm_generate(m, prompt, n, &o, on_token, c, NULL, res, NULL, err, sizeof err))
        fprintf(stderr, "lm-eval: %s\n", err);
    for (int i = 0; i < n; i++) tokens_out += res[i].n_tokens;
}

/* Majority answer of samples [0, n); returns 0 if none has an answer. */
static int vote(collect *c, int n, long *out)
{
    long ans[MAXS];
    int ok[MAXS], best = -1, bestc = 0;
    for (int i = 0; i < n; i++) ok[i] = cur_extract_answer(c->text[i], &ans[i]);
    for (int i = 0; i < n; i++) {
        if (!ok[i]) continue;
        int k = 0;
        for (int j = 0; j < n; j++) k += ok[j] && ans[j] == ans[i];
        if (k > bestc) { bestc = k; best = i; }
    }
    if (best < 0) return 0;
    *out = ans[best];
    return 1;
}

static int direct_answer(const char *cont, long *out)
{
    char buf[2100];
    snprintf(buf, sizeof buf, "The answer is%s", cont);
    return cur_extract_answer(buf, out);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "lm/ponder-tiny.bin";
    int nprob = argc > 2 ? atoi(argv[2]) : 200;
    int ntiers = argc > 3 ? atoi(argv[3]) : CUR_NTIERS;
    int quick = argc > 4 && !strcmp(argv[4], "quick");  /* direct and greedy CoT only */
    int speed_only = argc > 4 && !strcmp(argv[4], "speed");
    char err[512];
    lm_model *m = lm_load(path, err, sizeof err);
    if (!m) { fprintf(stderr, "lm-eval: %s\n", err); return 1; }
    static collect c;
    static char prompt[CUR_TEXT];
    long a;

    printf("model %s, %d held-out problems per tier (test seed domain \"TEST\", never trained)\n",
           path, nprob);
    printf("%-7s %7s %10s %11s %7s %7s\n", "tier", "direct", "CoT-greedy", "per-sample", "SC@5",
           "SC@16");
    double t0 = now();
    for (int tier = 0; tier < ntiers; tier++) {
        int direct = 0, cot = 0, per = 0, sc5 = 0, sc16 = 0;
        for (int i = 0; i < nprob; i++) {
            cur_example ex;
            cur_test_problem(tier, i, &ex);
            cur_prompt_direct(ex.problem, prompt);
            run(m, prompt, 1, 0, 1, 12, &c);
            direct += direct_answer(c.text[0], &a) && a == ex.answer;
            cur_prompt_cot(ex.problem, prompt);
            run(m, prompt, 1, 0, 1, 200, &c);
            cot += cur_extract_answer(c.text[0], &a) && a == ex.answer;
            if (quick && i < 2) printf("  [%s] %s\n   -> %s\n", cur_tier_name(tier), ex.target, c.text[0]);
            if (quick) continue;
            run(m, prompt, 16, 0.8f, 1000 + (unsigned long long)i, 200, &c);
            for (int s = 0; s < 16; s++) per += cur_extract_answer(c.text[s], &a) && a == ex.answer;
            sc5 += vote(&c, 5, &a) && a == ex.answer;
            sc16 += vote(&c, 16, &a) && a == ex.answer;
        }
        printf("%-7s %6.1f%% %9.1f%% %10.1f%% %6.1f%% %6.1f%%\n", cur_tier_name(tier),
               100.0 * direct / nprob, 100.0 * cot / nprob, 100.0 * per / (16.0 * nprob),
               100.0 * sc5 / nprob, 100.0 * sc16 / nprob);
        fflush(stdout);
    }
    printf("(accuracy evaluation took %.0f s)\n", now() - t0);
    if (quick) { lm_free(m); return 0; }

    if (speed_only) goto speed;
    /* the seed problem */
    printf("\nseed problem: %s (answer %d)\n", cur_seed_problem, CUR_SEED_ANSWER);
    cur_prompt_direct(cur_seed_problem, prompt);
    run(m, prompt, 1, 0, 1, 12, &c);
    printf("  direct:     The answer is%s\n", c.text[0]);
    cur_prompt_cot(cur_seed_problem, prompt);
    run(m, prompt, 1, 0, 1, 200, &c);
    printf("  CoT greedy: Let's think step by step.%s\n", c.text[0]);
    run(m, prompt, 16, 0.8f, 7, 200, &c);
    int okc = 0;
    for (int s = 0; s < 16; s++) okc += cur_extract_answer(c.text[s], &a) && a == CUR_SEED_ANSWER;
    printf("  per-sample: %d/16 correct at T=0.8\n", okc);
    printf("  SC@5:       %s\n", vote(&c, 5, &a) ? (snprintf(prompt, sizeof prompt, "%ld", a), prompt) : "none");
    printf("  SC@16:      %s\n", vote(&c, 16, &a) ? (snprintf(prompt, sizeof prompt, "%ld", a), prompt) : "none");

    /* Game of 24 */
    int valid = 0, total = 0, vok = 0, greedy_valid = 0;
    for (int i = 0; i < 100; i++) {
        lm_rng r = lm_rng_stream(0x47323454 /* "G24T" */, 0, (uint64_t)i);
        int v[4], n = g24_random_state(&r, i % 3, v);
        if (n < 2) continue;
        g24_prompt(v, n, "Step", prompt, sizeof prompt);
        run(m, prompt, 1, 0, 1, 32, &c);
        greedy_valid += g24_check_step(v, n, c.text[0]);
        run(m, prompt, 5, 0.8f, 100 + (unsigned long long)i, 32, &c);
        for (int s = 0; s < 5; s++) valid += g24_check_step(v, n, c.text[s]);
        total++;
        g24_prompt(v, n, "Value", prompt, sizeof prompt);
        run(m, prompt, 1, 0, 1, 4, &c);
        vok += !strncmp(c.text[0] + (c.text[0][0] == ' '), g24_value_name(g24_value_of(v, n)),
                        strlen(g24_value_name(g24_value_of(v, n))));
    }
    printf("\nGame of 24 (held-out states): proposals valid %.1f%% greedy, %.1f%% at T=0.8 (%d states); "
           "value label accuracy %.1f%%\n", 100.0 * greedy_valid / total, 100.0 * valid / (5.0 * total),
           total, 100.0 * vok / total);

    /* speed */
speed:;
    cur_example ex;
    cur_test_problem(CUR_MEDIUM, 0, &ex);
    cur_prompt_cot(ex.problem, prompt);
    tokens_out = 0;
    double t = now();
    for (int k = 0; k < 5; k++) run(m, prompt, 1, 0.8f, (unsigned long long)k, 200, &c);
    double single = tokens_out / (now() - t);
    tokens_out = 0;
    t = now();
    for (int k = 0; k < 3; k++) run(m, prompt, 16, 0.8f, (unsigned long long)k, 200, &c);
    double el16 = (now() - t) / 3;
    double batched = tokens_out / (3 * el16);
    printf("\nspeed: single-stream decode %.0f tok/s; batched N=16 decode %.0f tok/s "
           "(one sc n=16 medium problem: %.0f ms)\n", single, batched, el16 * 1000);

    /* own matmul peak on a training-sized product */
    int M = 4096, K = 128, N = 512;
    float *A = malloc((size_t)M * K * 4), *B = malloc((size_t)N * K * 4), *C = malloc((size_t)M * N * 4);
    for (int i = 0; i < M * K; i++) A[i] = (float)(i % 7) * 0.1f;
    for (int i = 0; i < N * K; i++) B[i] = (float)(i % 5) * 0.1f;
    lm_gemm_omp(0, 1, M, N, K, A, K, B, K, 0, C, N);
    t = now();
    for (int k = 0; k < 10; k++) lm_gemm_omp(0, 1, M, N, K, A, K, B, K, 0, C, N);
    printf("own OpenMP matmul (4096x128 by 128x512): %.1f GFLOP/s\n",
           10 * 2.0 * M * N * K / (now() - t) / 1e9);
    free(A); free(B); free(C);

    /* training throughput, from the log of the run that produced the weights */
    const char *log = getenv("LM_TRAIN_LOG") ? getenv("LM_TRAIN_LOG") : "lm/ponder-tiny.train.log";
    FILE *f = fopen(log, "r");
    char line[512], done[512] = "";
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "lm-train: done", 14)) snprintf(done, sizeof done, "%s", line);
    if (f) fclose(f);
    if (done[0]) printf("training (%s): %s", log, done + 10);
    else printf("training: no finished run in %s\n", log);
    lm_free(m);
    return 0;
}
