/* The search strategies pinned on the scripted backend: Tree of Thoughts
 * BFS and DFS (expansion order, value calls, the value cache, merging of
 * duplicate states, pruning of illegal steps, the chosen path), beam search
 * with the step checker as PRM, best-of-N weighted and best, and MCTS's
 * visit counts and back-propagated values. The exact prompts a strategy
 * sends, in order, come from scripted_prompt(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "models/scripted.h"
#include "strategies/strategy.h"
#include "tests/fixtures/scripted_open.h"
#include "tutor/export.h"
#include "tutor/game24.h"
#include "tutor/markdown.h"
#include "tutor/stepcheck.h"

typedef struct {
    int events, notices;
    char notice[2048];
} seen;

static void collect(void *ud, const event *ev)
{
    seen *s = ud;
    s->events++;
    if (ev->kind == EV_NOTICE && ev->text) {
        s->notices++;
        size_t l = strlen(s->notice);
        snprintf(s->notice + l, sizeof s->notice - l, "%s\n", ev->text);
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
    ctx->model = m;
    ctx->problem = problem;
    ctx->opt = o;
    ctx->emit = collect;
    ctx->emit_ud = s;
    ctx->cancel = &no_cancel;
    return strategy_run(ctx);
}

/* The node whose own text starts with text, or NULL. */
static const trace_node *find(const trace *t, const char *text)
{
    for (int i = 1; i < t->n; i++) {
        const char *s = t->nodes[i].answer_text.s;
        while (s && *s == ' ')
            s++;
        if (s && strncmp(s, text, strlen(text)) == 0)
            return &t->nodes[i];
    }
    return NULL;
}

static int count_prompts(const model *m, const char *suffix)
{
    int n = 0;
    for (int i = 0; i < scripted_calls(m); i++) {
        const char *p = scripted_prompt(m, i);
        size_t lp = strlen(p), ls = strlen(suffix);
        n += lp >= ls && strcmp(p + lp - ls, suffix) == 0;
    }
    return n;
}

static void assert_prompt(const model *m, int i, const char *suffix)
{
    const char *p = scripted_prompt(m, i);
    assert_non_null(p);
    size_t lp = strlen(p), ls = strlen(suffix);
    if (lp < ls || strcmp(p + lp - ls, suffix) != 0)
        fail_msg("prompt %d is \"%s\", wanted one ending \"%s\"", i, p, suffix);
}

/* ---- Tree of Thoughts on Game of 24 ---- */

static const char TOT_SCRIPT[] =
    "{\"caps\": [\"raw\", \"logprobs\", \"raw_format\"], \"rules\": ["
    "{\"suffix\": \"Numbers: 4 9 10 13 Step:\", \"replies\": ["
    "  \" 13 - 9 = 4 (left: 4 4 10)\", \" 10 - 4 = 6 (left: 6 9 13)\", \" 13 - 9 = 4 (left: 4 4 10)\"]},"
    "{\"suffix\": \"Numbers: 4 4 10 Step:\", \"replies\": ["
    "  \" 10 - 4 = 6 (left: 4 6)\", \" 4 + 4 = 8 (left: 8 10)\", \" 4 * 4 = 17 (left: 10 17)\"]},"
    "{\"suffix\": \"Numbers: 6 9 13 Step:\", \"replies\": ["
    "  \" 13 - 9 = 4 (left: 4 6)\", \" 6 + 9 = 15 (left: 13 15)\", \" 13 + 9 = 22 (left: 6 22)\"]},"
    "{\"suffix\": \"Numbers: 4 6 Step:\", \"replies\": ["
    "  \" 4 * 6 = 24 (left: 24)\", \" 6 - 4 = 2 (left: 2)\", \" 4 + 6 = 10 (left: 10)\"]},"
    "{\"suffix\": \"Numbers: 8 10 Step:\", \"replies\": ["
    "  \" 10 + 8 = 18 (left: 18)\", \" 10 * 8 = 80 (left: 80)\", \" 10 - 8 = 3 (left: 3)\"]},"
    "{\"suffix\": \"Numbers: 4 4 10 Value:\", \"replies\": [\" sure\"]},"
    "{\"suffix\": \"Numbers: 6 9 13 Value:\", \"replies\": [\" likely\"]},"
    "{\"suffix\": \"Numbers: 4 6 Value:\", \"replies\": [\" sure\"]},"
    "{\"suffix\": \"Numbers: 8 10 Value:\", \"replies\": [\" likely\"]},"
    "{\"suffix\": \"Numbers: 13 15 Value:\", \"replies\": [\" impossible\"]},"
    "{\"suffix\": \"Numbers: 6 22 Value:\", \"replies\": [\" likely\"]}"
    "]}";

static void assert_solution(const char *answer)
{
    int nums[4] = { 4, 9, 10, 13 };
    char why[128] = "";
    if (!g24_check_expr(nums, 4, answer, why, sizeof why))
        fail_msg("answer \"%s\" is not a solution: %s", answer, why);
}

static void test_tot_bfs(void **state)
{
    (void)state;
    model *m = scripted_open_json(TOT_SCRIPT);
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "tot", .n = 2, .k = 3, .value_samples = 1,
                        .task = TASK_24, .agg = -1, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, "4 9 10 13", o), RUN_OK);
    assert_solution(ctx.answer);

    /* Expansion order: the root, then both kept states (best value first),
     * then the two best of the next level. Values: one call per new state;
     * the merged duplicate and the illegal step get none. */
    static const char *const order[] = {
        "Numbers: 4 9 10 13 Step:", "Numbers: 4 9 10 13 Step:", "Numbers: 4 9 10 13 Step:",
        "Numbers: 4 4 10 Value:", "Numbers: 6 9 13 Value:",
        "Numbers: 4 4 10 Step:", "Numbers: 4 4 10 Step:", "Numbers: 4 4 10 Step:",
        "Numbers: 6 9 13 Step:", "Numbers: 6 9 13 Step:", "Numbers: 6 9 13 Step:",
        "Numbers: 4 6 Value:", "Numbers: 8 10 Value:", "Numbers: 13 15 Value:",
        "Numbers: 6 22 Value:",
        "Numbers: 4 6 Step:", "Numbers: 4 6 Step:", "Numbers: 4 6 Step:",
        "Numbers: 8 10 Step:", "Numbers: 8 10 Step:", "Numbers: 8 10 Step:",
    };
    int n_order = (int)(sizeof order / sizeof order[0]);
    assert_int_equal(scripted_calls(m), n_order);
    for (int i = 0; i < n_order; i++)
        assert_prompt(m, i, order[i]);

    const trace *t = &ctx.trace;
    /* The repeated first step is merged into the first. */
    int merged = 0;
    for (int i = 1; i < t->n; i++)
        if (t->nodes[i].status == NS_PRUNED && t->nodes[i].reason &&
            strstr(t->nodes[i].reason, "merged with #"))
            merged++;
    assert_int_equal(merged, 2);    /* "4 4 10" at depth 1, "4 6" at depth 2 */
    /* The illegal step is pruned with the checker's reason. */
    const trace_node *bad = find(t, "4 * 4 = 17");
    assert_non_null(bad);
    assert_int_equal(bad->status, NS_PRUNED);
    assert_int_equal(bad->scores.check, CHECK_WRONG);
    assert_non_null(bad->mark);
    /* Values are the paper's 20 / 1 / 0.001. */
    const trace_node *a = find(t, "13 - 9 = 4 (left: 4 4 10)");
    assert_true(a->scores.value == 20.0);
    assert_int_equal(a->status, NS_CHOSEN);
    assert_true(find(t, "6 + 9 = 15")->scores.value == 0.001);
    assert_int_equal(find(t, "6 + 9 = 15")->status, NS_PRUNED);
    /* "6 22" ties "8 10" at 1 and loses to the earlier proposal. */
    assert_int_equal(find(t, "13 + 9 = 22")->status, NS_PRUNED);
    assert_int_equal(find(t, "4 + 4 = 8")->status, NS_DONE);
    /* The chosen path: root's child, its child, the solving step. */
    assert_int_equal(find(t, "10 - 4 = 6 (left: 4 6)")->status, NS_CHOSEN);
    const trace_node *win = find(t, "4 * 6 = 24");
    assert_int_equal(win->status, NS_CHOSEN);
    assert_string_equal(win->answer, ctx.answer);
    /* A last step that ends at another number finishes with no answer. */
    assert_null(find(t, "10 + 8 = 18")->answer);
    trace_done(&ctx.trace);
    model_close(m);
}

static void test_tot_dfs(void **state)
{
    (void)state;
    model *m = scripted_open_json(TOT_SCRIPT);
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "tot", .n = 2, .k = 3, .value_samples = 1,
                        .task = TASK_24, .search = SEARCH_DFS, .agg = -1, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, "4 9 10 13", o), RUN_OK);
    assert_solution(ctx.answer);
    /* Depth first down the best child each time: it solves on the third
     * expansion and never expands "6 9 13". */
    static const char *const order[] = {
        "Numbers: 4 9 10 13 Step:", "Numbers: 4 9 10 13 Step:", "Numbers: 4 9 10 13 Step:",
        "Numbers: 4 4 10 Value:", "Numbers: 6 9 13 Value:",
        "Numbers: 4 4 10 Step:", "Numbers: 4 4 10 Step:", "Numbers: 4 4 10 Step:",
        "Numbers: 4 6 Value:", "Numbers: 8 10 Value:",
        "Numbers: 4 6 Step:", "Numbers: 4 6 Step:", "Numbers: 4 6 Step:",
    };
    int n_order = (int)(sizeof order / sizeof order[0]);
    assert_int_equal(scripted_calls(m), n_order);
    for (int i = 0; i < n_order; i++)
        assert_prompt(m, i, order[i]);
    assert_int_equal(count_prompts(m, "Numbers: 6 9 13 Step:"), 0);
    assert_int_equal(find(&ctx.trace, "10 - 4 = 6 (left: 6 9 13)")->status, NS_PRUNED);
    trace_done(&ctx.trace);
    model_close(m);
}

/* DFS backtracks out of a dead end: the best-valued state has no legal
 * move, so the search returns and tries the next one. */
static void test_tot_dfs_backtracks(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"raw\", \"raw_format\"], \"rules\": ["
        "{\"suffix\": \"Numbers: 2 3 4 Step:\", \"replies\": ["
        "  \" 2 + 3 = 5 (left: 4 5)\", \" 2 * 3 = 6 (left: 4 6)\"]},"
        "{\"suffix\": \"Numbers: 4 5 Step:\", \"replies\": [\" 4 + 5 = 10 (left: 10)\"]},"
        "{\"suffix\": \"Numbers: 4 6 Step:\", \"replies\": [\" 4 * 6 = 24 (left: 24)\"]},"
        "{\"suffix\": \"Numbers: 4 5 Value:\", \"replies\": [\" sure\"]},"
        "{\"suffix\": \"Numbers: 4 6 Value:\", \"replies\": [\" likely\"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "tot", .n = 1, .k = 2, .value_samples = 1,
                        .task = TASK_24, .search = SEARCH_DFS, .agg = -1, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, "2 3 4", o), RUN_OK);
    assert_string_equal(ctx.answer, "4*(2*3)");
    const trace_node *dead = find(&ctx.trace, "2 + 3 = 5");
    assert_int_equal(dead->status, NS_PRUNED);
    assert_non_null(dead->mark);
    assert_non_null(strstr(dead->mark, "backtrack"));
    assert_int_equal(find(&ctx.trace, "2 * 3 = 6")->status, NS_CHOSEN);
    assert_prompt(m, scripted_calls(m) - 1, "Numbers: 4 6 Step:");
    trace_done(&ctx.trace);
    model_close(m);
}

/* A step whose arithmetic is right but whose "(left: ...)" list is not goes
 * on from the true state, with a mark; wrong arithmetic is still pruned. */
static void test_tot_left_list(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"raw\", \"raw_format\"], \"rules\": ["
        "{\"suffix\": \"Numbers: 2 3 4 Step:\", \"replies\": ["
        "  \" 2 * 3 = 7 (left: 4 7)\", \" 2 * 3 = 6 (left: 4 7)\"]},"
        "{\"suffix\": \"Numbers: 4 6 Step:\", \"replies\": [\" 4 * 6 = 24 (left: 24)\"]},"
        "{\"suffix\": \"Numbers: 4 6 Value:\", \"replies\": [\" sure\"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "tot", .n = 1, .k = 2, .value_samples = 1,
                        .task = TASK_24, .agg = -1, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, "2 3 4", o), RUN_OK);
    assert_string_equal(ctx.answer, "4*(2*3)");
    const trace_node *wrong = find(&ctx.trace, "2 * 3 = 7");
    assert_int_equal(wrong->status, NS_PRUNED);
    assert_int_equal(wrong->scores.check, CHECK_WRONG);
    assert_non_null(wrong->reason);
    assert_non_null(strstr(wrong->reason, "2 * 3 is 6, not 7"));
    /* right arithmetic, wrong list of numbers left: kept, never a ✓ */
    const trace_node *fixed = find(&ctx.trace, "2 * 3 = 6");
    assert_int_equal(fixed->scores.check, CHECK_UNSUPPORTED);
    assert_non_null(fixed->mark);
    assert_non_null(strstr(fixed->mark, "list of numbers left"));
    assert_int_equal(fixed->status, NS_CHOSEN);
    trace_done(&ctx.trace);
    model_close(m);
}

/* A pruned node says why, on the trace node and in its status event, so
 * --json, transcripts and replays keep it; DOT and the Markdown outline
 * label each step with its own text, not "thought" or "step". */
static void test_prune_reasons_and_step_labels(void **state)
{
    (void)state;
    model *m = scripted_open_json(TOT_SCRIPT);
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "tot", .n = 2, .k = 3, .value_samples = 1,
                        .task = TASK_24, .agg = -1, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, "4 9 10 13", o), RUN_OK);
    const trace *t = &ctx.trace;
    int pruned = 0, merged = 0;
    for (int i = 1; i < t->n; i++) {
        const trace_node *n = &t->nodes[i];
        if (n->status != NS_PRUNED)
            continue;
        pruned++;
        if (!n->reason)
            fail_msg("pruned node %d has no reason", i);
        merged += strstr(n->reason, "merged with #") != NULL;
    }
    assert_true(pruned >= 3);
    assert_int_equal(merged, 2);
    const trace_node *bad = find(t, "4 * 4 = 17");
    assert_non_null(strstr(bad->reason, "4 * 4 is 16, not 17"));

    /* the reason survives the JSON form */
    event ev = event_make(EV_STATUS);
    ev.node = bad->id;
    ev.status = NS_PRUNED;
    ev.text = bad->reason;
    char *json = event_to_json(&ev);
    assert_non_null(strstr(json, "\"reason\":\"wrong step: 4 * 4 is 16, not 17"));
    event back;
    assert_int_equal(event_from_json(json, &back), 0);
    assert_string_equal(back.text, bad->reason);
    event_clear(&back);
    free(json);

    char *dot = NULL, *md = NULL;
    size_t dl = 0, ml = 0;
    FILE *f = open_memstream(&dot, &dl);
    assert_int_equal(export_dot(t, f), 0);
    fclose(f);
    f = open_memstream(&md, &ml);
    assert_int_equal(export_markdown(t, NULL, f), 0);
    fclose(f);
    assert_null(strstr(dot, "label=\"thought"));
    assert_null(strstr(dot, "label=\"step"));
    assert_non_null(strstr(dot, "label=\"10 - 4 = 6 (left: 4 6)"));
    assert_non_null(strstr(dot, "pruned: merged with #"));
    assert_non_null(strstr(md, "10 - 4 = 6 (left: 4 6)"));
    assert_non_null(strstr(md, "pruned: merged with \\#"));
    free(dot);
    free(md);
    trace_done(&ctx.trace);
    model_close(m);
}

/* ---- beam search on a word problem, the step checker as PRM ---- */

#define BAKERY "A bakery has 45 croissants. It sells 12 and bakes 30 more. How many now?"

static void test_beam_checker(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"raw\", \"logprobs\", \"raw_format\"], \"rules\": ["
        "{\"suffix\": \"45 - 12 = 33. 33 + 30 = 63.\", \"replies\": [\" The answer is 63.\"]},"
        "{\"suffix\": \"45 + 12 = 57. 57 + 30 = 87.\", \"replies\": [\" The answer is 87.\"]},"
        "{\"suffix\": \"step by step. 45 - 12 = 33.\", \"replies\": ["
        "  \" 33 + 30 = 63. \", \" 33 + 30 = 64. \", \" 33 + 30 = 63. \"]},"
        "{\"suffix\": \"step by step. 45 + 12 = 57.\", \"replies\": ["
        "  \" 57 + 30 = 87. \", \" 57 - 30 = 27. \", \" 57 + 30 = 88. \"]},"
        "{\"suffix\": \"step by step.\", \"replies\": ["
        "  \" 45 - 12 = 33. \", \" 45 - 12 = 32. \", \" 45 + 12 = 57. \"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "beam", .n = 2, .k = 3, .agg = AGG_MIN, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    const trace *t = &ctx.trace;
    /* The wrong step is pruned and marked with the correction. */
    const trace_node *bad = find(t, "45 - 12 = 32");
    assert_int_equal(bad->status, NS_PRUNED);
    assert_int_equal(bad->scores.check, CHECK_WRONG);
    assert_non_null(strstr(bad->mark, "33"));
    assert_int_equal(find(t, "33 + 30 = 64")->status, NS_PRUNED);
    /* Both beams reach an answer with the same score; the vote ties and
     * the first to arrive, 63, wins. */
    assert_string_equal(ctx.answer, "63");
    assert_true(t->has_votes);
    assert_true(fabs(t->votes.e[0].weight - 0.6) < 1e-9);
    /* The step prompts continue the raw format with the steps so far. */
    assert_prompt(m, 0, "Answer: Let's think step by step.");
    assert_int_equal(count_prompts(m, "step by step. 45 - 12 = 33."), 3);
    assert_int_equal(count_prompts(m, "step by step. 45 - 12 = 32."), 0);
    /* Every kept step has its PRM score; the chosen path ends in the answer. */
    const trace_node *first = find(t, "45 - 12 = 33");
    assert_true(first->scores.has & SCORE_PRM);
    assert_true(first->scores.prm == 1.0);
    assert_int_equal(first->status, NS_CHOSEN);
    trace_done(&ctx.trace);
    model_close(m);
}

/* ---- best-of-N: the checker outvotes a tie ---- */

static const char BON_SCRIPT[] =
    "{\"caps\": [\"raw\", \"logprobs\", \"raw_format\"], \"rules\": ["
    "{\"suffix\": \"step by step.\", \"replies\": ["
    "  {\"text\": \" 45 - 12 = 33. 33 + 30 = 63. The answer is 63.\", \"logprob\": -9},"
    "  {\"text\": \" 45 - 12 = 32. 32 + 30 = 62. The answer is 62.\", \"logprob\": -1},"
    "  {\"text\": \" 45 - 12 = 32. 32 + 30 = 62. The answer is 62.\", \"logprob\": -1},"
    "  {\"text\": \" 45 - 12 = 33. 33 + 30 = 63. The answer is 63.\", \"logprob\": -9}]}"
    "]}";

static void test_bon(void **state)
{
    (void)state;
    model *m = scripted_open_json(BON_SCRIPT);
    strategy_ctx ctx;
    seen s;
    /* Weighted by the checker: the two right chains score, the wrong ones
     * do not; a plain vote would tie 2-2. */
    strategy_opts o = { .name = "bon", .n = 4, .agg = AGG_MIN, .weighted = 1 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    assert_string_equal(ctx.answer, "63");
    const trace *t = &ctx.trace;
    assert_true(t->votes.weighted);
    assert_int_equal(tally_count(&t->votes, "62"), 2);
    assert_true(tally_weight(&t->votes, "62") == 0);
    int wrong = 0, chosen = 0;
    for (int i = 1; i < t->n; i++) {
        if (t->nodes[i].scores.check == CHECK_WRONG) {
            wrong++;
            assert_non_null(strstr(t->nodes[i].mark, "Step 1: 45 - 12 = 32"));
        }
        chosen += t->nodes[i].status == NS_CHOSEN;
    }
    assert_int_equal(wrong, 2);
    assert_int_equal(chosen, 1);
    trace_done(&ctx.trace);
    model_close(m);

    /* By logprob, the model's own favourite (the wrong chains) wins:
     * a verifier is only as good as what it measures. */
    m = scripted_open_json(BON_SCRIPT);
    o.verifier = VERIFIER_LOGPROB;
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    assert_string_equal(ctx.answer, "62");
    trace_done(&ctx.trace);
    model_close(m);

    /* The judge is a chat prompt; the built-in format falls back, and says so. */
    m = scripted_open_json(BON_SCRIPT);
    o.verifier = VERIFIER_JUDGE;
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    assert_non_null(strstr(s.notice, "not trained to judge"));
    trace_done(&ctx.trace);
    model_close(m);
}

/* Over chat, the judge is asked for a 0-10 score per chain (an ORM). */
static void test_bon_judge_chat(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [], \"rules\": ["
        "{\"contains\": \"Proposed solution: 45 - 12 = 32\", \"replies\": [\"2\"]},"
        "{\"contains\": \"Proposed solution: 45 - 12 = 33\", \"replies\": [\"Score: 9\"]},"
        "{\"contains\": \"step by step\", \"replies\": ["
        "  \"45 - 12 = 32\\n32 + 30 = 62\\nThe answer is 62.\","
        "  \"45 - 12 = 33\\n33 + 30 = 63\\nThe answer is 63.\","
        "  \"45 - 12 = 32\\n32 + 30 = 62\\nThe answer is 62.\"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "bon", .n = 3, .agg = -1, .weighted = 1,
                        .verifier = VERIFIER_JUDGE };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    /* 62 has two votes of 0.2; 63 one of 0.9. */
    assert_string_equal(ctx.answer, "63");
    assert_true(fabs(tally_weight(&ctx.trace.votes, "62") - 0.4) < 1e-9);
    assert_int_equal(scripted_calls(m), 6);
    trace_done(&ctx.trace);
    model_close(m);
}

/* ---- MCTS ---- */

static void test_mcts(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"raw\", \"logprobs\", \"raw_format\"], \"rules\": ["
        /* rollouts and steps share the raw prefix; rollouts have no stop,
         * so the stop string ends a step reply only */
        "{\"suffix\": \"step by step. 45 - 12 = 33.\", \"replies\": ["
        "  \" 33 + 30 = 63. The answer is 63.\"]},"
        "{\"suffix\": \"step by step. 45 - 12 = 32.\", \"replies\": ["
        "  \" 32 + 30 = 62. The answer is 62.\"]},"
        "{\"suffix\": \"step by step. 45 - 12 = 33. 33 + 30 = 63.\", \"replies\": ["
        "  \" The answer is 63.\"]},"
        "{\"suffix\": \"step by step.\", \"replies\": [\" 45 - 12 = 33. \", \" 45 - 12 = 34. \"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "mcts", .k = 2, .iterations = 4, .agg = AGG_MIN, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    assert_string_equal(ctx.answer, "63");
    const trace *t = &ctx.trace;
    /* The root was visited once per iteration; its children's visits sum
     * to the same; the illegal step was never visited. */
    assert_int_equal(t->nodes[0].scores.visits, 4);
    const trace_node *good = find(t, "45 - 12 = 33");
    const trace_node *bad = find(t, "45 - 12 = 34");
    assert_int_equal(bad->status, NS_PRUNED);
    assert_int_equal(bad->scores.visits, 0);
    assert_int_equal(good->scores.visits, 4);
    assert_int_equal(good->status, NS_CHOSEN);
    /* Q is the mean reward: W / N, each reward in [0, 1]. */
    assert_true(good->scores.w > 0 && good->scores.w <= 4.0);
    assert_true(fabs(t->nodes[0].scores.w - good->scores.w) < 1e-9);
    assert_true(t->has_votes);
    assert_string_equal(tally_leader(&t->votes, NULL), "63");
    trace_done(&ctx.trace);
    model_close(m);
}

/* UCT prefers the child with the better mean reward once both are
 * visited: the right step's subtree gets more of the visits. */
static void test_mcts_uct_prefers_reward(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"raw\", \"raw_format\"], \"rules\": ["
        "{\"suffix\": \"step by step. 45 - 12 = 33.\", \"replies\": ["
        "  \" 33 + 30 = 63. The answer is 63.\"]},"
        "{\"suffix\": \"step by step. 12 + 30 = 42.\", \"replies\": ["
        "  \" 45 + 42 = 88. The answer is 88.\"]},"
        "{\"suffix\": \"step by step.\", \"replies\": [\" 45 - 12 = 33. \", \" 12 + 30 = 42. \"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "mcts", .k = 2, .iterations = 12, .depth = 1,
                        .uct_c = 0.5, .agg = AGG_MIN, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    const trace_node *good = find(&ctx.trace, "45 - 12 = 33");
    const trace_node *worse = find(&ctx.trace, "12 + 30 = 42");
    assert_true(good->scores.visits > worse->scores.visits);
    assert_true(worse->scores.visits >= 1);
    assert_string_equal(ctx.answer, "63");
    trace_done(&ctx.trace);
    model_close(m);
}

/* UCT's choices and the backed-up values on a fixed tree, exactly.
 * Depth 1: the root's two children are rolled out, never expanded.
 *   it 1: expand the root (2 step calls), roll out A ("45 - 12 = 33."):
 *         steps 1, 1, answer 0.6 -> min 0.6; no earlier rollouts: reward
 *         0.7 * 0.6 = 0.42
 *   it 2: B is unvisited (UCT infinite): roll out B ("12 + 30 = 42."), whose
 *         "45 + 42 = 88" is wrong: reward 0 (and 63 has 1 of 1 earlier votes,
 *         88 none)
 *   it 3: N = 2, both visited once: A's 0.42 beats B's 0 at equal
 *         exploration; A again: 0.42 + 0.3 * (1 of 2 earlier answers agree)
 *         = 0.57, so W_A = 0.99. */
static void test_mcts_uct_exact(void **state)
{
    (void)state;
    model *m = scripted_open_json(
        "{\"caps\": [\"raw\", \"raw_format\"], \"rules\": ["
        "{\"suffix\": \"step by step. 45 - 12 = 33.\", \"replies\": ["
        "  \" 33 + 30 = 63. The answer is 63.\"]},"
        "{\"suffix\": \"step by step. 12 + 30 = 42.\", \"replies\": ["
        "  \" 45 + 42 = 88. The answer is 88.\"]},"
        "{\"suffix\": \"step by step.\", \"replies\": [\" 45 - 12 = 33. \", \" 12 + 30 = 42. \"]}"
        "]}");
    strategy_ctx ctx;
    seen s;
    strategy_opts o = { .name = "mcts", .k = 2, .iterations = 3, .depth = 1,
                        .uct_c = 1.4, .agg = AGG_MIN, .weighted = -1 };
    assert_int_equal(run(m, &ctx, &s, BAKERY, o), RUN_OK);
    assert_int_equal(scripted_calls(m), 5);
    assert_prompt(m, 0, "step by step.");
    assert_prompt(m, 1, "step by step.");
    assert_prompt(m, 2, "step by step. 45 - 12 = 33.");
    assert_prompt(m, 3, "step by step. 12 + 30 = 42.");
    assert_prompt(m, 4, "step by step. 45 - 12 = 33.");
    const trace_node *a = find(&ctx.trace, "45 - 12 = 33");
    const trace_node *b = find(&ctx.trace, "12 + 30 = 42");
    assert_int_equal(a->scores.visits, 2);
    assert_int_equal(b->scores.visits, 1);
    assert_true(fabs(a->scores.w - 0.99) < 1e-9);
    assert_true(fabs(b->scores.w - 0.0) < 1e-9);
    assert_int_equal(ctx.trace.nodes[0].scores.visits, 3);
    assert_true(fabs(ctx.trace.nodes[0].scores.w - 0.99) < 1e-9);
    assert_string_equal(ctx.answer, "63");
    trace_done(&ctx.trace);
    model_close(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tot_bfs),
        cmocka_unit_test(test_tot_dfs),
        cmocka_unit_test(test_tot_dfs_backtracks),
        cmocka_unit_test(test_tot_left_list),
        cmocka_unit_test(test_prune_reasons_and_step_labels),
        cmocka_unit_test(test_beam_checker),
        cmocka_unit_test(test_bon),
        cmocka_unit_test(test_bon_judge_chat),
        cmocka_unit_test(test_mcts),
        cmocka_unit_test(test_mcts_uct_prefers_reward),
        cmocka_unit_test(test_mcts_uct_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
