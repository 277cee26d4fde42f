/* The built-in backend (models/builtin.c) on a small random model made by
 * the test: batching, determinism, cancel, notices, load errors, and a
 * whole sc run through the strategy layer. The shipped weights are tested
 * end to end elsewhere; this checks the plumbing, which random weights
 * exercise just as well. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm/gpt.h"
#include "lm/vocab.h"
#include "lm/weights.h"
#include "models/model.h"
#include "strategies/sample.h"

static char path[64];

static int setup(void **state)
{
    (void)state;
    lm_vocab v;
    if (lm_vocab_build(&v))
        return -1;
    lm_config cfg = { v.n, 64, 32, 2, 4, 64 };
    size_t n = lm_param_sizes(&cfg, (size_t[P_NUM]){ 0 });
    float *p = malloc(n * sizeof *p);
    lm_params_init(p, &cfg, 7);
    lm_params q;
    lm_params_point(&q, &cfg, p);
    for (size_t i = 0; i < (size_t)cfg.vocab * cfg.dim; i++)
        q.t[P_OUT][i] *= 100;         /* sharper logits: samples differ */
    snprintf(path, sizeof path, "/tmp/test_builtin.%d.bin", (int)getpid());
    char err[256];
    int rc = lm_weights_save(path, &cfg, &v, p, err, sizeof err);
    lm_vocab_done(&v);
    free(p);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

typedef struct {
    char text[8][2][1024];
    int done[8];
    model_finish finish[8];
    long tokens_out[8];
    int notices;
    char notice[2048];
    atomic_int *cancel_after;   /* set cancel once this many deltas arrived */
    int deltas;
} rec;

static void on_delta(void *ud, int req, int s, channel ch, const char *t, int tokens, double lp)
{
    (void)req;
    (void)tokens;
    (void)lp;
    rec *r = ud;
    size_t have = strlen(r->text[s][ch]);
    snprintf(r->text[s][ch] + have, sizeof r->text[s][ch] - have, "%s", t);
    if (r->cancel_after && ++r->deltas == 5)
        atomic_store(r->cancel_after, 1);
}

static void on_done(void *ud, int req, int s, const model_result *res)
{
    (void)req;
    rec *r = ud;
    r->done[s]++;
    r->finish[s] = res->finish;
    r->tokens_out[s] = res->tokens_out;
}

static void on_notice(void *ud, int req, const char *msg)
{
    (void)req;
    rec *r = ud;
    r->notices++;
    size_t have = strlen(r->notice);      /* all notices, in order */
    snprintf(r->notice + have, sizeof r->notice - have, "%s\n", msg);
}

static model *open_builtin(void)
{
    char err[512];
    model_config cfg = { .spec = "builtin", .builtin_path = path, .max_retries = -1 };
    model *m = model_open(&cfg, err, sizeof err);
    if (!m)
        fail_msg("%s", err);
    return m;
}

static void generate(model *m, const char *problem, int n, long long seed, rec *r,
                     atomic_int *cancel)
{
    memset(r, 0, sizeof *r);
    prompt p;
    prompt_build(&p, PROMPT_COT, problem, 1);
    model_request rq = { .prompt = &p, .n = n, .temperature = 1.0, .top_p = 1,
                         .max_tokens = 24, .seed = seed };
    model_sink sink = { .ud = r, .on_delta = on_delta, .on_done = on_done, .on_notice = on_notice };
    if (cancel)
        r->cancel_after = cancel;
    model_generate(m, &rq, 1, &sink, cancel);
    prompt_free(&p);
}

static void test_caps_and_batch(void **st)
{
    (void)st;
    model *m = open_builtin();
    unsigned caps = model_caps(m);
    assert_true(caps & CAP_RAW_FORMAT);
    assert_true(caps & CAP_NATIVE_N);
    assert_true(caps & CAP_LOGPROBS);
    assert_false(caps & CAP_THINKING);
    assert_string_equal(model_name(m), "builtin");
    static rec r;
    generate(m, "A store has 20 oranges. They sell 8. How many oranges are left?", 4, 11, &r, NULL);
    for (int s = 0; s < 4; s++) {
        assert_int_equal(r.done[s], 1);
        assert_true(r.tokens_out[s] > 0);
        assert_int_not_equal(r.finish[s], FINISH_ERROR);
    }
    /* random weights, sharp logits: the four samples are not all alike */
    int differ = 0;
    for (int s = 1; s < 4; s++)
        differ += strcmp(r.text[s][CH_THINKING], r.text[0][CH_THINKING]) != 0;
    assert_true(differ > 0);
    model_close(m);
}

static void test_deterministic_with_seed(void **st)
{
    (void)st;
    model *m = open_builtin();
    static rec a, b;
    generate(m, "Maria has 12 apples. She eats 5. How many apples does she have now?", 3, 99, &a, NULL);
    generate(m, "Maria has 12 apples. She eats 5. How many apples does she have now?", 3, 99, &b, NULL);
    for (int s = 0; s < 3; s++)
        for (int c = 0; c < 2; c++)
            assert_string_equal(a.text[s][c], b.text[s][c]);
    model_close(m);
}

static void test_cancel(void **st)
{
    (void)st;
    model *m = open_builtin();
    static rec r;
    atomic_int cancel = 0;
    generate(m, "A library has 300 books. It lends out 120. How many books are left?", 2, 5, &r, &cancel);
    assert_int_equal(r.done[0], 1);
    assert_int_equal(r.done[1], 1);
    assert_int_equal(r.finish[0], FINISH_CANCELLED);
    assert_int_equal(r.finish[1], FINISH_CANCELLED);
    model_close(m);
}

static void test_unknown_words_notice(void **st)
{
    (void)st;
    model *m = open_builtin();
    static rec r;
    generate(m, "A quasar emits 40 photons through the zygomatic nebula. Then quarks "
                "annihilate 12. How many photons are detected?", 1, 1, &r, NULL);
    assert_true(r.notices >= 1);
    assert_non_null(strstr(r.notice, "outside what the built-in model knows"));
    assert_non_null(strstr(r.notice, "quasar"));
    assert_non_null(strstr(r.notice, "--model ollama"));
    assert_int_equal(r.done[0], 1);                 /* it still answers */
    generate(m, "A store has 20 oranges. They sell 8. How many oranges are left?", 1, 1, &r, NULL);
    assert_null(strstr(r.notice, "outside what"));
    model_close(m);
}

static void test_truncation_notice(void **st)
{
    (void)st;
    model *m = open_builtin();
    static char big[8192];
    big[0] = '\0';
    for (int i = 0; i < 60; i++)
        strcat(big, "A store has 20 oranges. ");
    static rec r;
    generate(m, big, 1, 1, &r, NULL);
    assert_non_null(strstr(r.notice, "context"));
    assert_non_null(strstr(r.notice, "dropped"));
    model_close(m);
}

static void test_load_errors(void **st)
{
    (void)st;
    char err[512];
    model_config cfg = { .spec = "builtin", .builtin_path = "/nonexistent/w.bin", .max_retries = -1 };
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "built-in model"));
    assert_non_null(strstr(err, "--model"));
    /* a truncated copy */
    char bad[64];
    snprintf(bad, sizeof bad, "/tmp/test_builtin_bad.%d.bin", (int)getpid());
    FILE *in = fopen(path, "rb"), *out = fopen(bad, "wb");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, in);
    fwrite(buf, 1, n / 2, out);
    fclose(in);
    fclose(out);
    cfg.builtin_path = bad;
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "could not be loaded"));
    unlink(bad);
}

typedef struct {
    int votes, truncated;
    char notice[512];
} sc_seen;

static void count_votes(void *ud, const event *ev)
{
    sc_seen *s = ud;
    if (ev->kind == EV_VOTE)
        s->votes++;
    if (ev->kind == EV_STATUS && ev->status == NS_TRUNCATED)
        s->truncated++;
    if (ev->kind == EV_NOTICE && ev->text && strstr(ev->text, "cut off"))
        snprintf(s->notice, sizeof s->notice, "%s", ev->text);
}

static void test_sc_through_strategy(void **st)
{
    (void)st;
    model *m = open_builtin();
    atomic_int cancel = 0;
    sc_seen seen = { 0 };
    strategy_ctx ctx = {
        .model = m,
        .problem = "A bakery has 45 croissants. They sell 12. How many croissants remain?",
        .opt = { .name = "sc", .n = 6, .temperature = 0.8, .top_p = 1, .seed = 3, .max_tokens = 20 },
        .emit = count_votes,
        .emit_ud = &seen,
        .cancel = &cancel,
    };
    /* Untrained weights never say "The answer is": every sample runs into
     * max_tokens, is truncated, and casts no vote (a cut-off chain's last
     * number is not its answer); the run says how many were cut off. */
    run_status rs = strategy_run(&ctx);
    assert_int_equal(rs, RUN_NO_ANSWER);
    assert_int_equal(seen.truncated, 6);
    assert_int_equal(seen.votes, 0);
    assert_int_equal(ctx.trace.votes.total, 0);
    assert_non_null(strstr(seen.notice, "6 of 6 samples were cut off"));
    assert_int_equal(ctx.trace.done, 1);
    trace_done(&ctx.trace);
    model_close(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_and_batch),
        cmocka_unit_test(test_deterministic_with_seed),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_unknown_words_notice),
        cmocka_unit_test(test_truncation_notice),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_sc_through_strategy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
