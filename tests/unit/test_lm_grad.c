/* test_lm_grad.c: every layer's backward against central finite differences,
 * then the whole model's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <omp.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/gpt.h"
#include "lm/kernels.h"
#include "lm/rng.h"

static lm_rng rng = { 42 };

static float *randv(size_t n, float scale)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = scale * (2 * lm_rng_float(&rng) - 1);
    return v;
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* Compares analytic grad g of x against finite differences of f. */
typedef double (*lossfn)(void *ud);
static void check(const char *what, float *x, const float *g, size_t n, lossfn f, void *ud)
{
    double worst = 0;
    for (size_t k = 0; k < n; k += 1 + n / 24) {
        float keep = x[k], e = 1e-2f;
        x[k] = keep + e; double lp = f(ud);
        x[k] = keep - e; double lm = f(ud);
        x[k] = keep;
        double num = (lp - lm) / (2 * e), err = fabs(num - g[k]) / (fabs(num) + fabs(g[k]) + 1e-2);
        if (err > worst) worst = err;
    }
    if (getenv("GRAD_VERBOSE")) print_message("%s: worst relative error %g\n", what, worst);
    if (worst > 2e-2) fail_msg("%s: relative error %g", what, worst);
}

enum { N = 12, C = 8, OC = 6, NH = 2, CTX = 12 };

/* ---- layernorm ---- */
typedef struct { float *x, *w, *b, *r, *out, mean[N], rstd[N]; } ln_t;
static double ln_loss(void *ud)
{
    ln_t *t = ud;
    layernorm_forward(t->out, t->mean, t->rstd, t->x, t->w, t->b, N, C);
    return dot(t->out, t->r, N * C);
}
static void test_layernorm(void **state)
{
    (void)state;
    ln_t t = { randv(N * C, 1), randv(C, 1), randv(C, 1), randv(N * C, 1), randv(N * C, 1), {0}, {0} };
    float dx[N * C] = { 0 }, dw[C] = { 0 }, db[C] = { 0 };
    ln_loss(&t);
    layernorm_backward(dx, dw, db, t.r, t.x, t.w, t.mean, t.rstd, N, C);
    check("layernorm dx", t.x, dx, N * C, ln_loss, &t);
    check("layernorm dw", t.w, dw, C, ln_loss, &t);
    check("layernorm db", t.b, db, C, ln_loss, &t);
    free(t.x); free(t.w); free(t.b); free(t.r); free(t.out);
}

/* ---- matmul ---- */
typedef struct { float *x, *w, *b, *r, *out; } mm_t;
static double mm_loss(void *ud)
{
    mm_t *t = ud;
    matmul_forward(t->out, t->x, t->w, t->b, N, C, OC);
    return dot(t->out, t->r, N * OC);
}
static void test_matmul(void **state)
{
    (void)state;
    mm_t t = { randv(N * C, 1), randv(OC * C, 1), randv(OC, 1), randv(N * OC, 1), randv(N * OC, 1) };
    float dx[N * C] = { 0 }, dw[OC * C] = { 0 }, db[OC] = { 0 };
    mm_loss(&t);
    matmul_backward(dx, dw, db, t.r, t.x, t.w, N, C, OC);
    check("matmul dx", t.x, dx, N * C, mm_loss, &t);
    check("matmul dw", t.w, dw, OC * C, mm_loss, &t);
    check("matmul db", t.b, db, OC, mm_loss, &t);
    free(t.x); free(t.w); free(t.b); free(t.r); free(t.out);
}

/* ---- attention over two packed documents ---- */
typedef struct { float *qkv, *r, *out, *att; int start[N]; } at_t;
static double at_loss(void *ud)
{
    at_t *t = ud;
    attention_forward(t->out, t->att, t->qkv, t->start, N, C, NH, CTX);
    return dot(t->out, t->r, N * C);
}
static void test_attention(void **state)
{
    (void)state;
    at_t t = { randv(N * 3 * C, 1), randv(N * C, 1), randv(N * C, 1), randv(NH * N * CTX, 1), {0} };
    for (int i = 0; i < N; i++) t.start[i] = i < 5 ? 0 : 5;
    float dqkv[N * 3 * C] = { 0 }, scratch[64 * CTX];
    at_loss(&t);
    attention_backward(dqkv, scratch, t.r, t.qkv, t.att, t.start, N, C, NH, CTX);
    check("attention dqkv", t.qkv, dqkv, N * 3 * C, at_loss, &t);
    free(t.qkv); free(t.r); free(t.out); free(t.att);
}

/* ---- gelu ---- */
typedef struct { float *x, *r, *out; } ge_t;
static double ge_loss(void *ud)
{
    ge_t *t = ud;
    gelu_forward(t->out, t->x, N * C);
    return dot(t->out, t->r, N * C);
}
static void test_gelu(void **state)
{
    (void)state;
    ge_t t = { randv(N * C, 3), randv(N * C, 1), randv(N * C, 1) };
    float dx[N * C] = { 0 };
    gelu_backward(dx, t.x, t.r, N * C);
    check("gelu dx", t.x, dx, N * C, ge_loss, &t);
    free(t.x); free(t.r); free(t.out);
}

/* ---- encoder ---- */
typedef struct { float *wte, *wpe, *r, *out; int inp[N], pos[N]; } en_t;
static double en_loss(void *ud)
{
    en_t *t = ud;
    encoder_forward(t->out, t->inp, t->pos, t->wte, t->wpe, N, C);
    return dot(t->out, t->r, N * C);
}
static void test_encoder(void **state)
{
    (void)state;
    en_t t = { randv(5 * C, 1), randv(CTX * C, 1), randv(N * C, 1), randv(N * C, 1), {0}, {0} };
    for (int i = 0; i < N; i++) { t.inp[i] = i % 5; t.pos[i] = i % 7; }
    float dwte[5 * C] = { 0 }, dwpe[CTX * C] = { 0 };
    encoder_backward(dwte, dwpe, t.r, t.inp, t.pos, N, C);
    check("encoder dwte", t.wte, dwte, 5 * C, en_loss, &t);
    check("encoder dwpe", t.wpe, dwpe, CTX * C, en_loss, &t);
    free(t.wte); free(t.wpe); free(t.r); free(t.out);
}

/* ---- softmax cross-entropy ---- */
typedef struct { float *logits, *work; int tg[N]; } ce_t;
static double ce_loss(void *ud)
{
    ce_t *t = ud;
    memcpy(t->work, t->logits, N * OC * sizeof(float));
    return crossentropy_forward_backward(t->work, t->tg, N, OC, 1.0f);
}
static void test_crossentropy(void **state)
{
    (void)state;
    ce_t t = { randv(N * OC, 2), randv(N * OC, 1), {0} };
    for (int i = 0; i < N; i++) t.tg[i] = i % OC;
    float g[N * OC];
    ce_loss(&t);
    memcpy(g, t.work, sizeof g);
    check("crossentropy dlogits", t.logits, g, N * OC, ce_loss, &t);
    free(t.logits); free(t.work);
}

/* ---- the whole model ---- */
static double model_loss(void *ud)
{
    return lm_gpt_forward(ud);
}
static void test_model(void **state)
{
    (void)state;
    lm_config c = { 11, 8, 8, 2, 2, 16 };
    lm_gpt *m = lm_gpt_new(&c, 2 * 8);
    assert_non_null(m);
    lm_params_init(m->params, &c, 7);
    /* larger random weights so that every path carries gradient */
    for (size_t i = 0; i < m->nparams; i++) m->params[i] += 0.3f * (2 * lm_rng_float(&rng) - 1);
    for (int i = 0; i < 16; i++) {
        int s = i < 3 ? 0 : i < 8 ? 3 : i < 13 ? 8 : 13;
        m->inp[i] = (i * 7) % 11;
        m->start[i] = s;
        m->pos[i] = i - s;
        m->targets[i] = (i % 3 == 0) ? -1 : (i * 5) % 11;
    }
    lm_gpt_forward(m);
    lm_gpt_backward(m);
    float *g = malloc(m->nparams * sizeof *g);
    memcpy(g, m->grads, m->nparams * sizeof *g);
    size_t s[P_NUM], off = 0;
    lm_param_sizes(&c, s);
    for (int k = 0; k < P_NUM; k++) {
        check(lm_param_name(k), m->params + off, g + off, s[k], model_loss, m);
        off += s[k];
    }
    free(g);
    lm_gpt_free(m);
}

int main(void)
{
    omp_set_num_threads(1);  /* tiny sizes; and the suite may share the CPU */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layernorm), cmocka_unit_test(test_matmul),
        cmocka_unit_test(test_attention), cmocka_unit_test(test_gelu),
        cmocka_unit_test(test_encoder), cmocka_unit_test(test_crossentropy),
        cmocka_unit_test(test_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
