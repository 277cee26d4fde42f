/* test_trace: the tree that events build, and its robustness to bad events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/trace.h"

static int add(trace *t, int id, int parent, node_kind k, const char *label)
{
    event ev = event_make(EV_NODE_ADD);
    ev.node = id;
    ev.parent = parent;
    ev.nkind = k;
    ev.text = label;
    return trace_apply(t, &ev);
}

static int text(trace *t, int id, channel ch, const char *s, int tokens)
{
    event ev = event_make(EV_TEXT);
    ev.node = id;
    ev.ch = ch;
    ev.text = s;
    ev.tokens = tokens;
    return trace_apply(t, &ev);
}

static int status(trace *t, int id, node_status st, const char *answer)
{
    event ev = event_make(EV_STATUS);
    ev.node = id;
    ev.status = st;
    ev.answer = answer;
    return trace_apply(t, &ev);
}

static void test_text_buf(void **state)
{
    (void)state;
    text_buf b = { 0 };
    text_buf_append(&b, "", 0);
    assert_non_null(b.s);
    assert_string_equal(b.s, "");
    for (int i = 0; i < 1000; i++)
        text_buf_append(&b, "abc", 2);
    assert_int_equal(b.len, 2000);
    assert_int_equal(strlen(b.s), 2000);
    assert_true(b.cap > b.len);
    assert_memory_equal(b.s + 1998, "ab", 2);
    free(b.s);
}

static void test_build_tree(void **state)
{
    (void)state;
    trace t;
    trace_init(&t);
    assert_int_equal(add(&t, 0, -1, NODE_ROOT, "problem"), 0);
    assert_int_equal(add(&t, 1, 0, NODE_SAMPLE, "sample 1"), 0);
    assert_int_equal(add(&t, 2, 0, NODE_SAMPLE, NULL), 0);
    assert_int_equal(add(&t, 3, 1, NODE_STEP, NULL), 0);
    assert_int_equal(t.n, 4);

    const trace_node *root = trace_cget(&t, 0);
    assert_int_equal(root->depth, 0);
    assert_int_equal(root->parent, -1);
    assert_int_equal(root->kind, NODE_ROOT);
    assert_string_equal(root->label, "problem");
    assert_int_equal(root->n_children, 2);
    assert_int_equal(root->children[0], 1);
    assert_int_equal(root->children[1], 2);
    assert_int_equal(trace_cget(&t, 3)->depth, 2);
    assert_int_equal(trace_cget(&t, 1)->children[0], 3);
    assert_int_equal(trace_cget(&t, 2)->status, NS_STREAMING);
    assert_null(trace_cget(&t, 2)->label);
    assert_string_equal(trace_cget(&t, 2)->thinking.s, "");
    assert_string_equal(trace_cget(&t, 2)->answer_text.s, "");
    trace_done(&t);
    assert_int_equal(t.n, 0);
}

static void test_many_nodes(void **state)
{
    (void)state;
    trace t;
    trace_init(&t);
    assert_int_equal(add(&t, 0, -1, NODE_ROOT, NULL), 0);
    for (int i = 1; i < 500; i++)
        assert_int_equal(add(&t, i, (i - 1) / 2, NODE_THOUGHT, NULL), 0);
    assert_int_equal(t.n, 500);
    assert_int_equal(trace_cget(&t, 499)->depth, 8);
    assert_int_equal(trace_cget(&t, 0)->n_children, 2);
    trace_done(&t);
}

static void test_bad_ids_ignored(void **state)
{
    (void)state;
    trace t;
    trace_init(&t);
    assert_int_equal(add(&t, 1, -1, NODE_ROOT, NULL), -1); /* root must be 0 */
    assert_int_equal(add(&t, 0, 0, NODE_ROOT, NULL), -1);  /* parent not yet there */
    assert_int_equal(text(&t, 0, CH_ANSWER, "x", 1), -1);
    assert_int_equal(add(&t, 0, -1, NODE_ROOT, NULL), 0);
    assert_int_equal(add(&t, 0, -1, NODE_ROOT, NULL), -1); /* duplicate */
    assert_int_equal(add(&t, 2, 0, NODE_SAMPLE, NULL), -1); /* gap */
    assert_int_equal(add(&t, 1, -1, NODE_SAMPLE, NULL), -1); /* second root */
    assert_int_equal(add(&t, 1, 7, NODE_SAMPLE, NULL), -1);
    assert_int_equal(add(&t, 1, -5, NODE_SAMPLE, NULL), -1);
    assert_int_equal(add(&t, 2147483647, 0, NODE_SAMPLE, NULL), -1);
    assert_int_equal(t.n, 1);
    int ids[] = { -7, -1, 1, 99, 2147483647, -2147483647 - 1 };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        assert_int_equal(text(&t, ids[i], CH_THINKING, "x", 1), -1);
        assert_int_equal(status(&t, ids[i], NS_DONE, "1"), -1);
        event ev = event_make(EV_SCORE);
        ev.node = ids[i];
        assert_int_equal(trace_apply(&t, &ev), -1);
    }
    event ev = event_make(EV_ERROR);
    ev.node = 42;
    ev.text = "nope";
    assert_int_equal(trace_apply(&t, &ev), -1);
    ev = event_make(EV__COUNT);
    assert_int_equal(trace_apply(&t, &ev), -1);
    ev.kind = (event_kind)-3;
    assert_int_equal(trace_apply(&t, &ev), -1);
    assert_int_equal(trace_apply(&t, NULL), -1);
    assert_int_equal(trace_apply(NULL, &ev), -1);
    assert_null(trace_get(&t, -1));
    assert_null(trace_get(&t, 1));
    assert_null(trace_get(NULL, 0));
    assert_string_equal(trace_cget(&t, 0)->thinking.s, "");
    trace_done(&t);
}

static void test_text_status_scores(void **state)
{
    (void)state;
    trace t;
    trace_init(&t);
    add(&t, 0, -1, NODE_ROOT, NULL);
    add(&t, 1, 0, NODE_SAMPLE, NULL);
    assert_int_equal(text(&t, 1, CH_THINKING, "20 - 8 ", 3), 0);
    assert_int_equal(text(&t, 1, CH_THINKING, "= 12.", 2), 0);
    assert_int_equal(text(&t, 1, CH_ANSWER, "The answer is 27.", 5), 0);
    assert_int_equal(text(&t, 1, CH_ANSWER, NULL, 0), 0);
    const trace_node *n = trace_cget(&t, 1);
    assert_string_equal(n->thinking.s, "20 - 8 = 12.");
    assert_string_equal(n->answer_text.s, "The answer is 27.");
    assert_int_equal(n->tokens, 10);

    assert_int_equal(status(&t, 1, NS_DONE, "27"), 0);
    assert_int_equal(n->status, NS_DONE);
    assert_string_equal(n->answer, "27");
    assert_int_equal(status(&t, 1, NS_CHOSEN, NULL), 0);
    assert_int_equal(n->status, NS_CHOSEN);
    assert_string_equal(n->answer, "27");

    event ev = event_make(EV_SCORE);
    ev.node = 1;
    ev.scores.has = SCORE_PRM;
    ev.scores.prm = 0.5;
    assert_int_equal(trace_apply(&t, &ev), 0);
    ev.scores = (node_scores){ 0 };
    ev.scores.has = SCORE_VISITS | SCORE_W;
    ev.scores.visits = 3;
    ev.scores.w = 2.5;
    ev.scores.prm = 99; /* not in has: ignored */
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_int_equal(n->scores.has, SCORE_PRM | SCORE_VISITS | SCORE_W);
    assert_true(n->scores.prm == 0.5);
    assert_int_equal(n->scores.visits, 3);
    assert_true(n->scores.w == 2.5);

    ev = event_make(EV_ERROR);
    ev.node = 1;
    ev.text = "first";
    assert_int_equal(trace_apply(&t, &ev), 0);
    ev.text = "second";
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_string_equal(n->error, "second");
    ev.node = -1;
    ev.text = "run failed";
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_string_equal(t.error, "run failed");

    ev = event_make(EV_NOTICE);
    ev.text = "fyi";
    assert_int_equal(trace_apply(&t, &ev), 0);
    trace_done(&t);
}

static void test_run_level(void **state)
{
    (void)state;
    trace t;
    trace_init(&t);
    event ev = event_make(EV_RUN_START);
    ev.text = "A store has 20 oranges.";
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_string_equal(t.problem, "A store has 20 oranges.");
    assert_int_equal(trace_apply(&t, &ev), 0); /* replacing does not leak */

    ev = event_make(EV_VOTE);
    tally_init(&ev.votes);
    tally_add(&ev.votes, "27");
    ev.has_votes = 1;
    assert_int_equal(trace_apply(&t, &ev), 0);
    tally_add(&ev.votes, "27");
    tally_add(&ev.votes, NULL);
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_int_equal(t.has_votes, 1);
    assert_int_equal(tally_count(&t.votes, "27"), 2);
    assert_int_equal(t.votes.no_answer, 1);
    assert_ptr_not_equal(t.votes.e, ev.votes.e);
    tally_done(&ev.votes);

    ev = event_make(EV_USAGE);
    ev.tokens_in = 10;
    ev.tokens_out = 200;
    ev.thinking_tokens = 50;
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_int_equal(t.tokens_in, 10);
    assert_int_equal(t.tokens_out, 200);
    assert_int_equal(t.thinking_tokens, 50);

    assert_int_equal(t.done, 0);
    ev = event_make(EV_DONE);
    ev.run = RUN_OK;
    ev.answer = "27";
    tally_init(&ev.votes);
    tally_add(&ev.votes, "27");
    tally_add(&ev.votes, "27");
    tally_add(&ev.votes, "27");
    ev.has_votes = 1;
    assert_int_equal(trace_apply(&t, &ev), 0);
    tally_done(&ev.votes);
    assert_int_equal(t.done, 1);
    assert_int_equal(t.run, RUN_OK);
    assert_string_equal(t.answer, "27");
    assert_int_equal(tally_count(&t.votes, "27"), 3);

    ev = event_make(EV_DONE); /* a second done without votes keeps the tally */
    ev.run = RUN_CANCELLED;
    assert_int_equal(trace_apply(&t, &ev), 0);
    assert_null(t.answer);
    assert_int_equal(t.run, RUN_CANCELLED);
    assert_int_equal(tally_count(&t.votes, "27"), 3);
    trace_done(&t);
}

/* The UI's view and the strategy's trace agree when fed the same events,
 * including through their JSON form. */
static void test_replay_through_json(void **state)
{
    (void)state;
    trace a, b;
    trace_init(&a);
    trace_init(&b);
    event evs[6];
    evs[0] = event_make(EV_NODE_ADD);
    evs[0].node = 0;
    evs[1] = event_make(EV_NODE_ADD);
    evs[1].node = 1;
    evs[1].parent = 0;
    evs[1].nkind = NODE_SAMPLE;
    evs[2] = event_make(EV_TEXT);
    evs[2].node = 1;
    evs[2].text = "The answer is 45.";
    evs[2].tokens = 6;
    evs[3] = event_make(EV_STATUS);
    evs[3].node = 1;
    evs[3].status = NS_DONE;
    evs[3].answer = "45";
    evs[4] = event_make(EV_SCORE);
    evs[4].node = 1;
    evs[4].scores.has = SCORE_ORM;
    evs[4].scores.orm = 0.9;
    evs[5] = event_make(EV_DONE);
    evs[5].answer = "45";
    for (int i = 0; i < 6; i++) {
        assert_int_equal(trace_apply(&a, &evs[i]), 0);
        char *json = event_to_json(&evs[i]);
        event back;
        assert_int_equal(event_from_json(json, &back), 0);
        assert_int_equal(trace_apply(&b, &back), 0);
        event_clear(&back);
        free(json);
    }
    assert_int_equal(a.n, b.n);
    assert_string_equal(a.nodes[1].answer_text.s, b.nodes[1].answer_text.s);
    assert_int_equal(a.nodes[1].tokens, b.nodes[1].tokens);
    assert_string_equal(a.nodes[1].answer, b.nodes[1].answer);
    assert_true(a.nodes[1].scores.orm == b.nodes[1].scores.orm);
    assert_string_equal(a.answer, b.answer);
    trace_done(&a);
    trace_done(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_buf),
        cmocka_unit_test(test_build_tree),
        cmocka_unit_test(test_many_nodes),
        cmocka_unit_test(test_bad_ids_ignored),
        cmocka_unit_test(test_text_status_scores),
        cmocka_unit_test(test_run_level),
        cmocka_unit_test(test_replay_through_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
