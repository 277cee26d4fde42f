/* End to end: the search strategies over real HTTP. The fixture server's
 * "search" scenario reads each prompt like a tutor model would (next step,
 * value, judge, rollout, Game of 24 step and value), so bon, beam, tot and
 * mcts run their chat emulation of step-by-step continuation against
 * OpenAI SSE and Ollama NDJSON. Every third step it proposes is wrong: the
 * step checker must prune those, and the run must still answer 45. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/e2e/harness.h"

#define PROBLEM "A bakery has 45 croissants. They sell 12 in the morning, receive a " \
                "delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
#define CONFIG "[network]\nidle_timeout = 5\nconnect_timeout = 2\nretries = 1\n"

static void solve(run_result *r, const char *backend, const char *const *opts,
                  const char *problem)
{
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "search"), 0);
    char url[128], model[64];
    int ollama = !strcmp(backend, "ollama");
    snprintf(url, sizeof url, ollama ? "http://127.0.0.1:%d" : "http://127.0.0.1:%d/v1", fx.port);
    snprintf(model, sizeof model, "%s:test", backend);
    const char *argv[32] = { "solve", "--json", "-m", model, "--base-url", url };
    int n = 6;
    for (; *opts && n < 30; opts++)
        argv[n++] = *opts;
    argv[n++] = problem;
    argv[n] = NULL;
    run_ponder(r, harness_dir, CONFIG, NULL, argv);
    fixture_stop(&fx);
}

static int count_status(const run_result *r, node_status st)
{
    int n = 0;
    for (int i = 0; i < r->n_ev; i++)
        n += r->ev[i].kind == EV_STATUS && r->ev[i].status == st;
    return n;
}

static int count_wrong(const run_result *r)
{
    int n = 0;
    for (int i = 0; i < r->n_ev; i++)
        n += r->ev[i].kind == EV_SCORE && (r->ev[i].scores.has & SCORE_CHECK) &&
             r->ev[i].scores.check == CHECK_WRONG;
    return n;
}

static void assert_answer(const run_result *r, const char *answer)
{
    const event *d = last_event(r);
    assert_non_null(d);
    assert_int_equal(d->kind, EV_DONE);
    if (strcmp(d->answer ? d->answer : "", answer) != 0)
        fail_msg("answer '%s', wanted '%s'; stderr: %s", d->answer, answer, r->err);
    assert_int_equal(r->bad_lines, 0);
    assert_int_equal(r->status, 0);
}

static void test_step_search_openai_and_ollama(void **state)
{
    (void)state;
    static const char *const backends[] = { "openai", "ollama" };
    static const char *const strategies[] = { "beam", "tot", "mcts" };
    for (int b = 0; b < 2; b++)
        for (int s = 0; s < 3; s++) {
            const char *opts[] = { "-s", strategies[s], "-n", "2", "-k", "3",
                                   "--iterations", "6", NULL };
            run_result r;
            solve(&r, backends[b], opts, PROBLEM);
            assert_answer(&r, "45");
            /* the wrong proposals were caught by the checker and pruned */
            assert_true(count_wrong(&r) > 0);
            assert_true(count_status(&r, NS_PRUNED) > 0);
            assert_true(count_status(&r, NS_CHOSEN) > 0);
            run_free(&r);
        }
}

/* bon with the judge: the server rates chains 8 (right) or 3 (wrong). */
static void test_bon_judge(void **state)
{
    (void)state;
    const char *opts[] = { "-s", "bon", "-n", "3", "--verifier", "judge", NULL };
    run_result r;
    solve(&r, "openai", opts, PROBLEM);
    assert_answer(&r, "45");
    const event *d = last_event(&r);
    assert_true(d->votes.weighted);
    run_free(&r);
}

/* Game of 24 over chat: the ToT propose and value prompts. */
static void test_tot_24(void **state)
{
    (void)state;
    const char *opts[] = { "--task", "24", "-s", "tot", "-n", "1", "-k", "2",
                           "--value-samples", "1", NULL };
    run_result r;
    solve(&r, "openai", opts, "4 9 10 13");
    assert_answer(&r, "(13-9)*(10-4)");
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_search_openai_and_ollama),
        cmocka_unit_test(test_bon_judge),
        cmocka_unit_test(test_tot_24),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
