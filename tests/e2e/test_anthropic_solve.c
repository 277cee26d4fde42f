/* End to end: `ponder solve --json -m anthropic:test` against the fixture
 * server's Anthropic Messages stream. Each asserts the events and the
 * exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/e2e/harness.h"

#define PROBLEM "A bakery has 45 croissants. They sell 12 in the morning, receive a " \
                "delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
#define CONFIG "[network]\nidle_timeout = 1.5\nconnect_timeout = 2\nretries = 2\n"

/* Runs one solve against a fresh server on the scenario; stats, if not
 * NULL, gets the server's /stats (caller frees). */
static void solve(run_result *r, const char *scenario, const char *const *opts,
                  char **stats)
{
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, scenario), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", fx.port);
    const char *argv[24] = { "solve", "--json", "-m", "anthropic:test", "--base-url", url };
    int n = 6;
    for (; opts && *opts && n < 22; opts++)
        argv[n++] = *opts;
    argv[n++] = PROBLEM;
    argv[n] = NULL;
    run_ponder(r, harness_dir, CONFIG, NULL, argv);
    if (stats)
        *stats = fixture_get(&fx, "/stats");
    fixture_stop(&fx);
}

static void assert_done(const run_result *r, const char *answer)
{
    const event *d = last_event(r);
    assert_non_null(d);
    assert_int_equal(d->kind, EV_DONE);
    assert_string_equal(d->answer ? d->answer : "", answer);
    assert_int_equal(r->bad_lines, 0);
    assert_int_equal(count_kind(r, EV_DONE), 1);
    assert_int_equal(r->ev[0].kind, EV_RUN_START);
}

static void test_cot(void **state)
{
    (void)state;
    const char *opts[] = { "-s", "cot", NULL };
    run_result r;
    char *stats;
    solve(&r, "cot", opts, &stats);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    char *ans = joined_text(&r, CH_ANSWER), *th = joined_text(&r, CH_THINKING);
    assert_non_null(strstr(ans, "45 - 12 = 33"));
    assert_non_null(strstr(ans, "The answer is 45."));
    assert_string_equal(th, "");
    assert_true(count_kind(&r, EV_TEXT) > 5);       /* streamed, not one blob */
    assert_int_equal(last_event(&r)->tokens_in, 42);
    assert_int_equal(last_event(&r)->tokens_out, 24);
    assert_non_null(strstr(stats, "\"/v1/messages\": 1"));
    assert_non_null(strstr(stats, "\"anthropic-version\": \"2023-06-01\""));
    assert_non_null(strstr(stats, "\"system\": "));
    free(ans);
    free(th);
    free(stats);
    run_free(&r);
}

static void test_cot_thinking(void **state)
{
    (void)state;
    const char *opts[] = { "-s", "cot", NULL };
    run_result r;
    solve(&r, "cot-reasoning", opts, NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    char *th = joined_text(&r, CH_THINKING), *ans = joined_text(&r, CH_ANSWER);
    assert_non_null(strstr(th, "45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45."));
    assert_string_equal(ans, "The answer is 45.");
    assert_null(strstr(r.out, "EqQB"));            /* the signature stays inside */
    const event *d = last_event(&r);
    assert_true(d->thinking_tokens > 0 && d->thinking_tokens < d->tokens_out);
    free(th);
    free(ans);
    run_free(&r);
}

static void test_sc_votes(void **state)
{
    (void)state;
    const char *opts[] = { "-s", "sc", "-n", "5", NULL };
    run_result r;
    char *stats;
    solve(&r, "sc", opts, &stats);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    const event *d = last_event(&r);
    assert_int_equal(d->has_votes, 1);
    /* Requests 0-4 answer 45, 44, 45, 35, 45 in some order. */
    assert_int_equal(tally_count(&d->votes, "45"), 3);
    assert_int_equal(tally_count(&d->votes, "44"), 1);
    assert_int_equal(tally_count(&d->votes, "35"), 1);
    assert_int_equal(count_kind(&r, EV_VOTE), 5);
    assert_non_null(strstr(stats, "\"requests\": 5,"));  /* no native n */
    free(stats);
    run_free(&r);
}

static void test_missing_key(void **state)
{
    (void)state;
    const char *argv[] = { "solve", "--json", "-m", "anthropic:claude-sonnet-4-5",
                           "-s", "cot", PROBLEM, NULL };
    unsetenv("ANTHROPIC_API_KEY");
    run_result r;
    run_ponder(&r, harness_dir, CONFIG, NULL, argv);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "set ANTHROPIC_API_KEY"));
    run_free(&r);
}

static void test_401_no_key_leak(void **state)
{
    (void)state;
    const char *opts[] = { "-s", "cot", NULL };
    setenv("ANTHROPIC_API_KEY", "sk-ant-canary-e2e-4242", 1);
    run_result r;
    solve(&r, "401", opts, NULL);
    unsetenv("ANTHROPIC_API_KEY");
    assert_int_equal(r.status, 1);
    const event *e = find_error(&r, 0);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "401"));
    assert_non_null(strstr(e->text, "ANTHROPIC_API_KEY"));
    assert_null(strstr(r.out, "sk-ant-canary-e2e-4242"));
    assert_null(strstr(r.err, "sk-ant-canary-e2e-4242"));
    assert_null(find_error(&r, 1));                 /* 401 is never retried */
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cot),
        cmocka_unit_test(test_cot_thinking),
        cmocka_unit_test(test_sc_votes),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_401_no_key_leak),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
