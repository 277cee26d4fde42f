/* test_ui_view: the screen's view model, built only from events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/view.h"

static void apply(view *v, event ev, double now) { view_apply(v, &ev, now); }

static void add_node(view *v, int id, int parent, node_kind k)
{
    event ev = event_make(EV_NODE_ADD);
    ev.node = id;
    ev.parent = parent;
    ev.nkind = k;
    apply(v, ev, 0);
}

static void text(view *v, int id, const char *s, int tokens)
{
    event ev = event_make(EV_TEXT);
    ev.node = id;
    ev.ch = CH_ANSWER;
    ev.text = s;
    ev.tokens = tokens;
    apply(v, ev, 0);
}

static void status(view *v, int id, node_status st)
{
    event ev = event_make(EV_STATUS);
    ev.node = id;
    ev.status = st;
    apply(v, ev, 0);
}

static void test_sc_run(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    assert_int_equal(view_focus(&v), -1);
    view_reset(&v, 100.0);
    assert_true(v.running);

    event ev = event_make(EV_RUN_START);
    ev.strategy = "sc";
    ev.model = "openai:test";
    ev.n = 3;
    ev.temperature = 0.8;
    ev.text = "a problem";
    apply(&v, ev, 100.0);
    assert_string_equal(v.strategy, "sc");
    assert_int_equal(v.n, 3);
    add_node(&v, 0, -1, NODE_ROOT);
    assert_int_equal(view_focus(&v), 0);            /* only the root so far */
    for (int i = 1; i <= 3; i++) add_node(&v, i, 0, NODE_SAMPLE);

    int ids[8], count;
    assert_int_equal(view_followable(&v, ids, 8), 3);
    assert_int_equal(ids[0], 1);
    assert_int_equal(view_focus(&v), 1);            /* automatic: the first sample */
    assert_int_equal(view_focus_index(&v, &count), 0);
    assert_int_equal(count, 3);

    text(&v, 1, "Let's think", 2);
    text(&v, 2, "step by step", 3);
    assert_int_equal(view_tokens_out(&v), 5);       /* live count before usage */
    ev = event_make(EV_USAGE);
    ev.tokens_in = 30;
    ev.tokens_out = 40;
    apply(&v, ev, 0);
    assert_int_equal(view_tokens_out(&v), 40);

    /* Tab moves on and wraps; a finished sample is read from the top */
    status(&v, 2, NS_DONE);
    view_cycle(&v, 1);
    assert_int_equal(view_focus(&v), 2);
    assert_false(v.follow);
    view_cycle(&v, 1);
    assert_int_equal(view_focus(&v), 3);
    assert_true(v.follow);                          /* still streaming: follow it */
    view_cycle(&v, 1);
    assert_int_equal(view_focus(&v), 1);
    view_cycle(&v, -1);
    assert_int_equal(view_focus(&v), 3);

    /* a retry message lasts until text flows again */
    ev = event_make(EV_ERROR);
    ev.retryable = 1;
    ev.text = "HTTP 429; retrying in 1.0 s";
    apply(&v, ev, 0);
    assert_string_equal(v.retry, "HTTP 429; retrying in 1.0 s");
    assert_null(view_run_error(&v));                /* a retry is not a failure */
    text(&v, 3, "more", 1);
    assert_string_equal(v.retry, "");

    assert_true(view_elapsed(&v, 102.5) > 2.4 && view_elapsed(&v, 102.5) < 2.6);
    ev = event_make(EV_DONE);
    ev.run = RUN_OK;
    ev.answer = "45";
    ev.elapsed_ms = 1500;
    ev.confidence = 0.66;
    apply(&v, ev, 103.0);
    assert_false(v.running);
    assert_string_equal(v.tr.answer, "45");
    assert_true(view_elapsed(&v, 500.0) == 1.5);     /* frozen at the run's own figure */
    ev = event_make(EV_ERROR);
    ev.text = "openai: 401";
    apply(&v, ev, 0);
    assert_string_equal(view_run_error(&v), "openai: 401");
    view_done(&v);
}

static void test_messages(void **state)
{
    (void)state;
    view v;
    view_init(&v);
    assert_null(view_current_message(&v, 0));
    view_message(&v, ROLE_STATUS_ERROR, 10.0, 5.0, "bad %s", "theme");
    assert_string_equal(view_current_message(&v, 12.0), "bad theme");
    assert_null(view_current_message(&v, 15.0));
    view_message(&v, ROLE_STATUS, 10.0, 0, "sticky");
    assert_string_equal(view_current_message(&v, 1e9), "sticky");
    /* a new run keeps the message that was showing */
    view_reset(&v, 20.0);
    assert_string_equal(view_current_message(&v, 21.0), "sticky");
    view_done(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sc_run),
        cmocka_unit_test(test_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
