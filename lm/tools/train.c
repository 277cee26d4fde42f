/* train.c: ponder's trainer for the built-in model (lm-train).
 *
 * Generates the curriculum on the fly, packs examples into rows of ctx tokens
 * (attention stays inside each example), trains with AdamW, warmup + cosine,
 * gradient clipping and loss on the answer tokens only. Checkpoints (weights
 * file + optimizer state) are written every few minutes; --resume continues. */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lm/curriculum.h"
#include "lm/gpt.h"
#include "lm/kernels.h"
#include "lm/vocab.h"
#include "lm/weights.h"
#include "lm/trainlib.h"

/* Single-threaded OpenBLAS on each OpenMP thread's block of rows of C: mixing
 * OpenBLAS's own threads with OpenMP's makes them spin against each other. */
void openblas_set_num_threads(int n);
static void blas_gemm(int ta, int tb, int M, int N, int K, const float *A, int lda,
                      const float *B, int ldb, float beta, float *C, int ldc)
{
    int nt = omp_get_max_threads();
    if (M < 64 * nt) nt = 1;
    #pragma omp parallel for num_threads(nt) schedule(static)
    for (int p = 0; p < nt; p++) {
        int m0 = (int)((long)M * p / nt), m1 = (int)((long)M * (p + 1) / nt);
        const float *a = ta ? A + m0 : A + (size_t)m0 * lda;
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    m1 - m0, N, K, 1.0f, a, lda, B, ldb, beta, C + (size_t)m0 * ldc, ldc);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: lm-train [--steps N] [--rows B] [--seed S] [--lr X] [--dir DIR]\n"
            "                [--out FILE] [--resume] [--export-only] [--stop-at STEP] [--no-blas]\n"
            "                [--ckpt-min M]\n"
            "                [--bench]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    lm_train_opts o;
    lm_train_defaults(&o);
    const char *dir = "/work/lmrun", *out = NULL;
    int resume = 0, blas = 1, bench = 0, export_only = 0;
    double ckpt_min = 5;
    long stop_at = 0;  /* checkpoint and exit after this step (0: run to --steps) */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--resume")) resume = 1;
        else if (!strcmp(a, "--export-only")) export_only = resume = 1;
        else if (!strcmp(a, "--no-blas")) blas = 0;
        else if (!strcmp(a, "--bench")) bench = 1;
        else if (!v) usage();
        else if (!strcmp(a, "--steps")) o.steps = atol(argv[++i]);
        else if (!strcmp(a, "--rows")) o.rows = atoi(argv[++i]);
        else if (!strcmp(a, "--seed")) o.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--lr")) o.lr = (float)atof(argv[++i]);
        else if (!strcmp(a, "--warmup")) o.warmup = atol(argv[++i]);
        else if (!strcmp(a, "--dir")) dir = argv[++i];
        else if (!strcmp(a, "--out")) out = argv[++i];
        else if (!strcmp(a, "--ckpt-min")) ckpt_min = atof(argv[++i]);
        else if (!strcmp(a, "--stop-at")) stop_at = atol(argv[++i]);
        else if (!strcmp(a, "--dim")) o.cfg.dim = atoi(argv[++i]);
        else if (!strcmp(a, "--layers")) o.cfg.layers = atoi(argv[++i]);
        else usage();
    }
    if (blas) { openblas_set_num_threads(1); lm_gemm = blas_gemm; }
    char err[512], ckpt[4096], opt[4096];
    snprintf(ckpt, sizeof ckpt, "%s/ckpt.bin", dir);
    snprintf(opt, sizeof opt, "%s/ckpt.opt", dir);

    lm_trainer *t = lm_trainer_new(&o, err, sizeof err);
    if (!t) { fprintf(stderr, "lm-train: %s\n", err); return 1; }
    if (resume && lm_trainer_load(t, ckpt, opt, err, sizeof err)) {
        fprintf(stderr, "lm-train: %s\n", err);
        return 1;
    }
    if (export_only) {  /* the checkpoint in DIR, as shipped weights */
        if (!out || lm_trainer_export(t, out, err, sizeof err)) {
            fprintf(stderr, "lm-train: %s\n", out ? err : "--export-only needs --out");
            return 1;
        }
        printf("lm-train: exported step %ld (%ld examples) to %s\n", t->step, t->examples, out);
        lm_trainer_free(t);
        return 0;
    }
    printf("lm-train: vocab %d ctx %d dim %d layers %d heads %d ffn %d params %zu\n",
           o.cfg.vocab, o.cfg.ctx, o.cfg.dim, o.cfg.layers, o.cfg.heads, o.cfg.ffn,
           t->gpt->nparams);
    printf("lm-train: steps %ld rows %d (%d tokens/step) lr %g warmup %ld seed %llu "
           "threads %d gemm %s\n", o.steps, o.rows, o.rows * o.cfg.ctx, o.lr, o.warmup,
           o.seed, omp_get_max_threads(), blas ? "openblas" : "omp");
    fflush(stdout);

    double t0 = now(), last_ckpt = t0, flops = 0, ema = -1, tlog = t0, flog = 0;
    long start_step = t->step;
    long last = stop_at > 0 && stop_at < o.steps ? stop_at : o.steps;
    while (t->step < last) {
        double loss = lm_trainer_step(t);
        flops += lm_gpt_flops(t->gpt);
        flog += lm_gpt_flops(t->gpt);
        ema = ema < 0 ? loss : 0.98 * ema + 0.02 * loss;
        if (t->step % 20 == 0 || t->step == last) {
            double tn = now();
            printf("step %6ld/%ld ex %8ld loss %.4f ema %.4f lr %.2e gnorm %.2f "
                   "%.1f GFLOP/s %.2f s/step elapsed %.0f s\n",
                   t->step, o.steps, t->examples, loss, ema, t->last_lr, t->last_gnorm,
                   flog / (tn - tlog) / 1e9, (tn - tlog) / 20, tn - t0);
            fflush(stdout);
            tlog = tn;
            flog = 0;
        }
        if (bench && t->step - start_step >= 20) break;
        if (now() - last_ckpt > ckpt_min * 60 && t->step < last) {
            if (lm_trainer_save(t, ckpt, opt, err, sizeof err))
                fprintf(stderr, "lm-train: checkpoint: %s\n", err);
            else printf("checkpoint step %ld -> %s\n", t->step, ckpt);
            last_ckpt = now();
        }
    }
    double el = now() - t0;
    printf("lm-train: done %ld steps, %ld examples, %.0f s, %.1f GFLOP/s average\n",
           t->step - start_step, t->examples, el, flops / el / 1e9);
    if (!bench) {
        if (lm_trainer_save(t, ckpt, opt, err, sizeof err))
            fprintf(stderr, "lm-train: %s\n", err);
        if (out && t->step == o.steps && lm_trainer_export(t, out, err, sizeof err)) {
            fprintf(stderr, "lm-train: %s\n", err);
            return 1;
        }
        if (out && t->step == o.steps) printf("lm-train: wrote %s\n", out);
    }
    lm_trainer_free(t);
    return 0;
}
