/* test_lm_engine.c: generation on a small random model: deterministic
 * sampling, batch = single stream, engine logits = training forward, stop
 * strings, cancel, context truncation. */
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
#include <unistd.h>

#include "lm/gpt.h"
#include "lm/lm.h"
#include "lm/vocab.h"
#include "lm/weights.h"

static char path[64];
static lm_model *M;
static lm_config CFG;
static float *P;

static int setup(void **state)
{
    (void)state;
    lm_vocab v;
    if (lm_vocab_build(&v)) return -1;
    CFG = (lm_config){ v.n, 64, 32, 2, 4, 64 };
    size_t n = lm_param_sizes(&CFG, (size_t[P_NUM]){ 0 });
    P = malloc(n * sizeof *P);
    lm_params_init(P, &CFG, 5);
    /* sharper logits than the 0.02 init, so that samples differ visibly */
    lm_params q;
    lm_params_point(&q, &CFG, P);
    for (size_t i = 0; i < (size_t)CFG.vocab * CFG.dim; i++) q.t[P_OUT][i] *= 100;
    snprintf(path, sizeof path, "/tmp/test_lm_engine.%d.bin", (int)getpid());
    char err[256];
    int rc = lm_weights_save(path, &CFG, &v, P, err, sizeof err);
    lm_vocab_done(&v);
    if (rc) return -1;
    M = lm_load(path, err, sizeof err);
    return M ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    lm_free(M);
    free(P);
    unlink(path);
    return 0;
}

typedef struct { char text[8][4096]; int calls; } sink;

static int collect(void *ud, int sample, const char *piece, float lp)
{
    sink *s = ud;
    assert_true(lp <= 0.0f);
    strncat(s->text[sample], piece, sizeof s->text[0] - strlen(s->text[sample]) - 1);
    s->calls++;
    return 0;
}

static void gen(const char *prompt, int n, float temp, unsigned long long seed, int max,
                const char *const *stop, int nstop, sink *s, lm_sample_result *res)
{
    lm_sample_opts o = { temp, 0, 1.0f, seed, max, stop, nstop, 1 };
    char err[128];
    memset(s, 0, sizeof *s);
    assert_int_equal(lm_generate(M, prompt, n, &o, collect, s, NULL, res, NULL, err, sizeof err), 0);
}

static void test_deterministic_sampling(void **state)
{
    (void)state;
    static sink a, b, c;
    lm_sample_result ra[4], rb[4], rc[4];
    gen("Question: A bakery has 45 croissants.", 4, 0.9f, 42, 20, NULL, 0, &a, ra);
    gen("Question: A bakery has 45 croissants.", 4, 0.9f, 42, 20, NULL, 0, &b, rb);
    gen("Question: A bakery has 45 croissants.", 4, 0.9f, 43, 20, NULL, 0, &c, rc);
    int differ = 0;
    for (int i = 0; i < 4; i++) {
        assert_string_equal(a.text[i], b.text[i]);
        assert_int_equal(ra[i].n_tokens, rb[i].n_tokens);
        assert_true(ra[i].sum_logprob == rb[i].sum_logprob);
        differ |= strcmp(a.text[i], c.text[i]) != 0;
    }
    assert_true(differ);
    assert_true(strcmp(a.text[0], a.text[1]) || strcmp(a.text[1], a.text[2]));
}

static void test_batch_matches_single(void **state)
{
    (void)state;
    static sink one, four;
    lm_sample_result r1[1], r4[4];
    gen("Numbers: 4 9 10 13 Step:", 1, 0, 1, 30, NULL, 0, &one, r1);
    gen("Numbers: 4 9 10 13 Step:", 4, 0, 1, 30, NULL, 0, &four, r4);
    for (int i = 0; i < 4; i++) {
        assert_string_equal(four.text[i], one.text[0]);
        assert_true(fabs(r4[i].sum_logprob - r1[0].sum_logprob) < 1e-4);
    }
    /* sample 0 of a sampled batch equals a sampled single stream */
    gen("Numbers: 4 9 Step:", 1, 1.0f, 9, 30, NULL, 0, &one, r1);
    gen("Numbers: 4 9 Step:", 4, 1.0f, 9, 30, NULL, 0, &four, r4);
    assert_string_equal(four.text[0], one.text[0]);
}

/* The engine's logits agree with the training forward pass. */
static void test_engine_matches_training_forward(void **state)
{
    (void)state;
    int ids[64];
    ids[0] = 1;
    int n = 1 + lm_tokenize(M, "A bakery has 45 croissants. They sell 12.", ids + 1, 60, NULL, NULL, 0);
    float *logits = malloc((size_t)CFG.vocab * sizeof *logits);
    assert_int_equal(lm_logits(M, ids, n, logits), 0);
    lm_gpt *g = lm_gpt_new(&CFG, n);
    memcpy(g->params, P, g->nparams * sizeof *P);
    for (int i = 0; i < n; i++) { g->inp[i] = ids[i]; g->pos[i] = i; g->start[i] = 0; g->targets[i] = -1; }
    int target = 17;
    g->targets[n - 1] = target;
    double loss = lm_gpt_forward(g);
    double mx = logits[0], z = 0;
    for (int v = 1; v < CFG.vocab; v++) if (logits[v] > mx) mx = logits[v];
    for (int v = 0; v < CFG.vocab; v++) z += exp(logits[v] - mx);
    double want = mx + log(z) - logits[target];
    assert_true(fabs(loss - want) < 1e-3 * (1 + fabs(want)));
    lm_gpt_free(g);
    free(logits);
}

static void test_stop_strings(void **state)
{
    (void)state;
    static sink s;
    lm_sample_result r[4];
    const char *stop[] = { " " };
    gen("The answer is", 4, 1.0f, 3, 40, stop, 1, &s, r);
    for (int i = 0; i < 4; i++) {
        assert_null(strchr(s.text[i], ' '));
        assert_true(r[i].finish == LM_FINISH_STOP || r[i].finish == LM_FINISH_EOS ||
                    r[i].finish == LM_FINISH_LENGTH);
    }
}

static void test_cancel_and_length(void **state)
{
    (void)state;
    static sink s;
    lm_sample_result r[2];
    volatile int cancel = 1;
    lm_sample_opts o = { 0.8f, 0, 1.0f, 1, 50, NULL, 0, 0 };
    char err[128];
    assert_int_equal(lm_generate(M, "Question:", 2, &o, collect, &s, &cancel, r, NULL, err, sizeof err), 0);
    assert_int_equal(r[0].finish, LM_FINISH_CANCELLED);
    assert_int_equal(r[0].n_tokens, 0);
    gen("Question:", 2, 0, 1, 3, NULL, 0, &s, r);
    assert_true(r[0].n_tokens <= 3);
    if (r[0].n_tokens == 3) assert_int_equal(r[0].finish, LM_FINISH_LENGTH);
}

static void test_context_truncation(void **state)
{
    (void)state;
    char prompt[4096] = "";
    for (int i = 0; i < 100; i++) strcat(prompt, "They sell 12. ");
    lm_sample_opts o = { 0, 0, 1.0f, 1, 100, NULL, 0, 0 };
    lm_sample_result r[1];
    int dropped = -1;
    char err[128];
    assert_int_equal(lm_generate(M, prompt, 1, &o, NULL, NULL, NULL, r, &dropped, err, sizeof err), 0);
    assert_true(dropped > 0);
    assert_true(r[0].finish == LM_FINISH_CONTEXT || r[0].finish == LM_FINISH_EOS);
}

int main(void)
{
    omp_set_num_threads(1);  /* tiny sizes; and the suite may share the CPU */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic_sampling), cmocka_unit_test(test_batch_matches_single),
        cmocka_unit_test(test_engine_matches_training_forward), cmocka_unit_test(test_stop_strings),
        cmocka_unit_test(test_cancel_and_length), cmocka_unit_test(test_context_truncation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
