/* Whole chains (cot, sc, bon) through the one batch runner, on the
 * scripted backend: a chain cut off by the length limit is truncated and
 * never votes; every chain's every step goes through the step checker,
 * thinking channel included, and its first wrong step is marked; a Game of
 * 24 expression that breaks the puzzle's rule is never the answer, and a
 * run with none ends as no_solution_found, with the exact solver's word on
 * whether the puzzle has a solution at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "strategies/strategy.h"
#include "tests/fixtures/scripted_open.h"

typedef struct {
    int votes, truncated;
    char notice[2048];
    char done_json[1024];
} seen;

static void collect(void *ud, const event *ev)
{
    seen *s = ud;
    if (ev->kind == EV_VOTE)
        s->votes++;
    if (ev->kind == EV_STATUS && ev->status == NS_TRUNCATED)
        s->truncated++;
    if (ev->kind == EV_NOTICE && ev->text) {
        size_t l = strlen(s->notice);
        snprintf(s->notice + l, sizeof s->notice - l, "%s\n", ev->text);
    }
    if (ev->kind == EV_DONE) {
        char *j = event_to_json(ev);
        snprintf(s->done_json, sizeof s->done_json, "%s", j);
        free(j);
    }
}

static atomic_int no_cancel;

static run_status run(model *m, strategy_ctx *ctx, seen *s, const char *problem,
                      strategy_opts o)
{
    memset(ctx, 0, sizeof *ctx);
    memset(s, 0, sizeof *s);
    atomic_store(&no_cancel, 0);
    if (o.temperature == 0)
        o.temperature = -1;
    o.top_p = 1.0;
    o.seed = -1;
    if (!o.agg)
        o.agg = -1;
    o.weighted = o.weighted ? o.weighted : -1;
    ctx->model = m;
    ctx->problem = problem;
    ctx->opt = o;
    ctx->emit = collect;
    ctx->emit_ud = s;
    ctx->cancel = &no_cancel;
    return strategy_run(ctx);
}

static const trace_node *sample(const strategy_ctx *ctx, int i)
{
    const trace_node *n = trace_cget(&ctx->trace, i);
    assert_non_null(n);
    return n;
}

#define BAKERY "A bakery has 45 croissants. They sell 12. How many croissants remain?"

/* Two short chains finish; two long ones run into max_tokens (scripted: one
 * chunk a word). The cut-off ones end with a number, so the old runner,
 * which let a length finish vote through the last-number fallback, gave
 * them two votes and a tie. A cut-off chain's steps are still checked. */
static void test_truncated_never_votes(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [], \"rules\": [{\"contains\": \"step\", \"replies\": ["
        "\"45 - 12 = 33. The answer is 33.\","
        "\"45 - 12 = 34. Then 34 + 30 = 64. Then 64 and more and more words to 64\","
        "\"45 - 12 = 33. The answer is 33.\","
        "\"45 - 12 = 34. Then 34 + 30 = 64. Then 64 and more and more words to 64\"]}]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "sc", .n = 4, .max_tokens = 10 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    assert_string_equal(ctx.answer, "33");
    assert_int_equal(s.truncated, 2);
    assert_int_equal(s.votes, 2);
    assert_int_equal(ctx.trace.votes.total, 2);
    assert_int_equal(sample(&ctx, 2)->status, NS_TRUNCATED);
    assert_null(sample(&ctx, 2)->answer);
    assert_int_equal(sample(&ctx, 2)->scores.check, CHECK_WRONG);
    assert_non_null(strstr(sample(&ctx, 2)->mark, "Step 1: 45 - 12 = 34"));
    assert_non_null(strstr(s.notice, "2 of 4 samples were cut off by the length limit "
                                     "(max_tokens 10)"));
    assert_non_null(strstr(s.notice, "larger max_tokens"));
    trace_done(&ctx.trace);
    model_close(m);

    /* cot: a single chain cut off gives no answer, and says why */
    m = scripted_open_json("{\"caps\": [], \"rules\": [], \"default\": \"45 - 12 = 33. Then 33 + 30 = 63. Then 63 and more\"}");
    o = (strategy_opts){ .name = "cot", .max_tokens = 6 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_NO_ANSWER);
    assert_int_equal(s.truncated, 1);
    assert_non_null(strstr(s.notice, "1 of 1 sample was cut off"));
    assert_string_equal(ctx.answer, "");
    trace_done(&ctx.trace);
    model_close(m);
}

/* The built-in model writes its steps on the thinking channel and only
 * "The answer is" on the answer channel; bon used to check the answer
 * channel alone, so "4 * 6 = 22." went unchecked and "4 - 6 = 0." got a
 * ✓. Every step of every chain is checked now. */
static void test_bon_checks_thinking_steps(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"thinking\"], \"rules\": ["
        "{\"contains\": \"step\", \"thinking\": \"4 * 6 = 22.\", \"replies\": [\"The answer is 22.\"]}]}");
    strategy_ctx ctx;
    seen s;
    const char *pencils = "There are 4 boxes with 6 pencils each. How many pencils?";
    strategy_opts o = { .name = "bon", .n = 2 };
    run(m, &ctx, &s, pencils, o);
    for (int i = 1; i <= 2; i++) {
        const trace_node *n = sample(&ctx, i);
        assert_true(n->scores.has & SCORE_CHECK);
        assert_int_equal(n->scores.check, CHECK_WRONG);
        assert_non_null(n->mark);
        assert_non_null(strstr(n->mark, "Step 1: 4 * 6 = 22"));
        assert_non_null(strstr(n->mark, "24"));
        assert_true(n->scores.prm == 0);
    }
    trace_done(&ctx.trace);
    model_close(m);

    m = scripted_open_json(
        "{\"caps\": [\"thinking\"], \"rules\": ["
        "{\"contains\": \"step\", \"thinking\": \"4 - 6 = 0.\", \"replies\": [\"The answer is 0.\"]}]}");
    run(m, &ctx, &s, pencils, o);
    assert_int_equal(sample(&ctx, 1)->scores.check, CHECK_WRONG);
    assert_non_null(strstr(sample(&ctx, 1)->mark, "4 - 6 = 0"));
    trace_done(&ctx.trace);
    model_close(m);
}

/* sc samples get step marks too: where each chain went wrong. */
static void test_sc_marks_steps(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [], \"rules\": [{\"contains\": \"step\", \"replies\": ["
        "\"13 + 13 = 26. The answer is 23.\", \"13 + 13 = 26. The answer is 26.\","
        "\"13 + 13 = 25. The answer is 25.\"]}]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "sc", .n = 3 };
    assert_int_equal(run(m, &ctx, &s, "Ann has 13 apples and gets 13 more. How many apples?", o),
                     RUN_OK);
    const trace_node *a = sample(&ctx, 1), *b = sample(&ctx, 2), *c = sample(&ctx, 3);
    assert_true(a->scores.has & SCORE_CHECK);
    assert_int_not_equal(a->scores.check, CHECK_OK);
    assert_non_null(strstr(a->mark, "Step 2"));
    assert_non_null(strstr(a->mark, "23"));
    assert_int_equal(b->scores.check, CHECK_OK);
    assert_int_equal(c->scores.check, CHECK_WRONG);
    assert_non_null(strstr(c->mark, "Step 1: 13 + 13 = 25"));
    /* the vote stays a plain majority over all three */
    assert_int_equal(ctx.trace.votes.total, 3);
    trace_done(&ctx.trace);
    model_close(m);
}

/* Game of 24 over chat: "1 4 8 8" and an expression that makes 68. sc used
 * to print it with status ok. */
static void test_24_non_solution_is_no_answer(void **state)
{
    (void)state;
    const char *json =
        "{\"caps\": [], \"rules\": [], \"default\": \"8 * 8 = 64. 64 + 4 / 1 = 68.\\nAnswer: (8*8)+(4/1) = 24\"}";
    static const char *const strategies[] = { "sc", "cot", "bon" };
    for (size_t k = 0; k < sizeof strategies / sizeof *strategies; k++) {
        model *m = scripted_open_json(json);
        strategy_ctx ctx;
        seen s;
        strategy_opts o = { .name = strategies[k], .n = 3, .task = TASK_24 };
        run_status st = run(m, &ctx, &s, "1 4 8 8", o);
        if (st != RUN_NO_SOLUTION)
            fail_msg("%s: status %s, answer \"%s\"", strategies[k], run_status_name(st),
                     ctx.answer);
        assert_string_equal(ctx.answer, "");
        assert_non_null(strstr(s.done_json, "\"status\":\"no_solution_found\""));
        assert_non_null(strstr(s.notice, "the puzzle has one"));
        const trace_node *n = sample(&ctx, 1);
        assert_int_equal(n->scores.check, CHECK_WRONG);
        assert_non_null(strstr(n->mark, "68"));
        trace_done(&ctx.trace);
        model_close(m);
    }

    /* 1 1 1 1 has no solution at all; the solver says so after the run */
    model *m = scripted_open_json("{\"caps\": [], \"rules\": [], \"default\": \"Answer: (1+1)*(1+1) = 24\"}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "sc", .n = 2, .task = TASK_24 };
    assert_int_equal(run(m, &ctx, &s, "1 1 1 1", o), RUN_NO_SOLUTION);
    assert_non_null(strstr(s.notice, "there is none"));
    trace_done(&ctx.trace);
    model_close(m);

    /* 0 0 0 0 is a puzzle like any other, with no solution */
    m = scripted_open_json("{\"caps\": [], \"rules\": [], \"default\": \"Answer: (0+0)*(0+0) = 24\"}");
    assert_int_equal(run(m, &ctx, &s, "0 0 0 0", o), RUN_NO_SOLUTION);
    assert_non_null(strstr(s.notice, "there is none"));
    trace_done(&ctx.trace);
    model_close(m);

    /* a real solution still wins, and the solver stays silent */
    m = scripted_open_json("{\"caps\": [], \"rules\": [{\"contains\": \"4 9 10 13\", \"replies\": ["
                  "\"Answer: (13-9)*(10-4) = 24\", \"Answer: 13+9+10-4 = 24\"]}]}");
    o.n = 2;
    assert_int_equal(run(m, &ctx, &s, "4 9 10 13", o), RUN_OK);
    assert_string_equal(ctx.answer, "(13-9)*(10-4)");
    assert_int_equal(tally_count(&ctx.trace.votes, "13+9+10-4"), 0);
    assert_null(strstr(s.notice, "solver"));
    trace_done(&ctx.trace);
    model_close(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncated_never_votes),
        cmocka_unit_test(test_bon_checks_thinking_steps),
        cmocka_unit_test(test_sc_marks_steps),
        cmocka_unit_test(test_24_non_solution_is_no_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
