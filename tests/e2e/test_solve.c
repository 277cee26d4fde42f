/* End to end: `ponder solve --json` against the fixture server, one
 * scenario per test. Each asserts the events and the exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/resource.h>

#include "tests/e2e/harness.h"

#define PROBLEM "A bakery has 45 croissants. They sell 12 in the morning, receive a " \
                "delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
#define CONFIG "[network]\nidle_timeout = 1.5\nconnect_timeout = 2\nretries = 2\n"


/* Runs one solve against a fresh server with the given scenario. */
static void solve(run_result *r, const char *scenario, const char *backend,
                  const char *strategy, const char *extra)
{
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, scenario), 0);
    char url[128], model[64];
    int ollama = !strcmp(backend, "ollama");
    snprintf(url, sizeof url, ollama ? "http://127.0.0.1:%d" : "http://127.0.0.1:%d/v1", fx.port);
    snprintf(model, sizeof model, "%s:test", backend);
    const char *argv[16] = { "solve", "--json", "-m", model, "--base-url", url, "-s", strategy };
    int n = 8;
    if (extra)
        argv[n++] = extra;
    argv[n++] = PROBLEM;
    argv[n] = NULL;
    run_ponder(r, harness_dir, CONFIG, NULL, argv);
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

static void test_cot_openai(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "cot", "openai", "cot", NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    char *ans = joined_text(&r, CH_ANSWER);
    assert_non_null(strstr(ans, "45 - 12 = 33"));
    assert_non_null(strstr(ans, "The answer is 45."));
    assert_true(count_kind(&r, EV_TEXT) > 5);       /* streamed, not one blob */
    free(ans);
    run_free(&r);
}

static void test_reasoning_content_openai(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "cot-reasoning", "openai", "cot", NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    char *th = joined_text(&r, CH_THINKING);
    assert_non_null(strstr(th, "45 - 12 = 33"));
    free(th);
    run_free(&r);
}

static void test_think_inline(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "think-inline", "openai", "cot", NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    char *th = joined_text(&r, CH_THINKING), *an = joined_text(&r, CH_ANSWER);
    assert_true(strlen(th) > 0);
    assert_null(strstr(an, "<think>"));
    assert_null(strstr(th, "<think>"));
    free(th);
    free(an);
    run_free(&r);
}

static void test_cot_ollama_thinking(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "cot-reasoning", "ollama", "cot", NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    char *th = joined_text(&r, CH_THINKING);
    assert_true(strlen(th) > 0);
    free(th);
    const event *d = last_event(&r);
    assert_true(d->tokens_out > 0);                 /* the final line's counters */
    run_free(&r);
}

static void assert_sc_votes(const run_result *r)
{
    assert_int_equal(r->status, 0);
    assert_done(r, "45");
    const event *d = last_event(r);
    assert_int_equal(d->has_votes, 1);
    assert_int_equal(d->votes.n, 3);
    assert_int_equal(tally_count(&d->votes, "45"), 6);
    assert_int_equal(tally_count(&d->votes, "44"), 2);
    assert_int_equal(tally_count(&d->votes, "35"), 2);
    assert_true(d->confidence > 0.59 && d->confidence < 0.61);
    assert_int_equal(count_kind(r, EV_VOTE), 10);
    /* the tally grows one vote at a time */
    int seen = 0;
    for (int i = 0; i < r->n_ev; i++)
        if (r->ev[i].kind == EV_VOTE)
            assert_int_equal(r->ev[i].votes.total, ++seen);
}

static void test_sc_openai(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "sc", "openai", "sc", NULL);
    assert_sc_votes(&r);
    run_free(&r);
}

static void test_sc_ollama(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "sc", "ollama", "sc", NULL);
    assert_sc_votes(&r);
    run_free(&r);
}

static void test_sc_native_n(void **state)
{
    (void)state;
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "sc-n"), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", fx.port);
    const char *argv[] = { "solve", "--json", "-m", "openai:sc-n", "--base-url", url, "-s", "sc",
                           PROBLEM, NULL };
    run_result r;
    run_ponder(&r, harness_dir, CONFIG "[openai]\nnative_n = yes\n", NULL, argv);
    char *stats = fixture_get(&fx, "/stats");
    fixture_stop(&fx);
    assert_sc_votes(&r);
    assert_non_null(strstr(stats, "\"requests\": 1,"));   /* one request, n=10 */
    free(stats);
    run_free(&r);
}

static void test_sc_early_stop(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "sc-early", "openai", "sc", "--early-stop");
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    const event *d = last_event(&r);
    /* The fixture's answers arrive 0.3 s apart: after the 6th, 45 leads 6-0
     * with 4 to come, so nothing can catch it and exactly 4 are saved. */
    assert_int_equal(d->saved, 4);
    assert_int_equal(tally_count(&d->votes, "45"), 10 - d->saved);
    assert_int_equal(count_kind(&r, EV_VOTE), 10 - d->saved);
    assert_int_equal(count_kind(&r, EV_NOTICE), 1);
    run_free(&r);
}

static void test_disconnect_keeps_partial_text(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "disconnect", "openai", "cot", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(last_event(&r)->kind, EV_DONE);
    assert_true(count_kind(&r, EV_TEXT) > 0);
    assert_non_null(find_error(&r, 0));
    assert_true(strlen(r.err) > 0);
    run_free(&r);
}

static void test_garbage_json(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "garbage", "openai", "cot", NULL);
    assert_int_equal(r.status, 1);
    const event *e = find_error(&r, 0);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "127.0.0.1"));  /* names the URL */
    run_free(&r);
}

static void test_500_then_ok(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "500-then-ok", "openai", "cot", NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    const event *e = find_error(&r, 1);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "500"));
    run_free(&r);
}

static void test_429_retry_after(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "429", "openai", "cot", NULL);
    assert_int_equal(r.status, 0);
    assert_done(&r, "45");
    const event *e = find_error(&r, 1);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "429"));
    assert_non_null(strstr(e->text, "retrying in 1.0 s"));  /* Retry-After: 1 */
    run_free(&r);
}

static void test_401_no_key_leak(void **state)
{
    (void)state;
    setenv("OPENAI_API_KEY", "sk-canary-e2e-5150", 1);
    run_result r;
    solve(&r, "401", "openai", "cot", NULL);
    unsetenv("OPENAI_API_KEY");
    assert_int_equal(r.status, 1);
    const event *e = find_error(&r, 0);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "401"));
    assert_non_null(strstr(e->text, "openai"));
    assert_null(strstr(r.out, "sk-canary-e2e-5150"));
    assert_null(strstr(r.err, "sk-canary-e2e-5150"));
    assert_null(find_error(&r, 1));                 /* 401 is never retried */
    run_free(&r);
}

/* A canary key, from the environment and from config.ini, through every
 * error path the fixture can produce, on every HTTP backend that takes a
 * key: it must appear in no output, no event, no message. (The 401 body
 * echoes the Authorization header back, as a hostile server might.) */
static void test_canary_everywhere(void **state)
{
    (void)state;
    static const char *const scenarios[] = { "401", "404-model", "500-always", "stream-error",
                                             "html", "garbage", "disconnect" };
    static const struct { const char *name, *suffix, *env, *section; } backends[] = {
        { "openai", "/v1", "OPENAI_API_KEY", "openai" },
        { "llamacpp", "/v1", "OPENAI_API_KEY", "openai" },
        { "anthropic", "", "ANTHROPIC_API_KEY", "anthropic" },
    };
    const char *canary = "sk-canary-everywhere-4242";
    /* One server for all 42 runs: the model's name picks the scenario, and
     * none of these depends on how many requests came before. */
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "cot"), 0);
    for (int from_config = 0; from_config < 2; from_config++)
        for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++)
            for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
                char url[128], model[64], cfg[512];
                snprintf(url, sizeof url, "http://127.0.0.1:%d%s", fx.port, backends[b].suffix);
                snprintf(model, sizeof model, "%s:%s", backends[b].name, scenarios[i]);
                snprintf(cfg, sizeof cfg, "%s[%s]\napi_key = %s\n", CONFIG, backends[b].section,
                         from_config ? canary : "not-the-canary");
                if (!from_config)
                    setenv(backends[b].env, canary, 1);
                const char *argv[] = { "solve", "--json", "-m", model, "--base-url", url,
                                       "-s", "cot", PROBLEM, NULL };
                run_result r;
                run_ponder(&r, harness_dir, from_config ? cfg : CONFIG, NULL, argv);
                unsetenv(backends[b].env);
                if (strstr(r.out, canary) || strstr(r.err, canary))
                    fail_msg("%s via %s (%s): the key leaked", scenarios[i], backends[b].name,
                             from_config ? "config" : "environment");
                if (!find_error(&r, 0))     /* the scenario was served */
                    fail_msg("%s via %s: no error reported: %s", scenarios[i],
                             backends[b].name, r.out);
                run_free(&r);
            }
    fixture_stop(&fx);
}

/* A server that repeats the key in an error ponder does show (a 400 body,
 * an error inside the stream; unlike a 401, which ponder never prints):
 * the message reaches the user with the key replaced by ***. */
static void test_echoed_key_redacted(void **state)
{
    (void)state;
    static const char *const scenarios[] = { "echo-key", "echo-key-stream" };
    static const struct { const char *name, *suffix, *env; } backends[] = {
        { "openai", "/v1", "OPENAI_API_KEY" },
        { "anthropic", "", "ANTHROPIC_API_KEY" },
    };
    const char *canary = "sk-canary-echo-7319";
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "cot"), 0);  /* the model picks the scenario */
    for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++)
        for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
            char url[128], model[64];
            snprintf(url, sizeof url, "http://127.0.0.1:%d%s", fx.port, backends[b].suffix);
            snprintf(model, sizeof model, "%s:%s", backends[b].name, scenarios[i]);
            setenv(backends[b].env, canary, 1);
            const char *argv[] = { "solve", "--json", "-m", model, "--base-url", url,
                                   "-s", "cot", PROBLEM, NULL };
            run_result r;
            run_ponder(&r, harness_dir, CONFIG, NULL, argv);
            unsetenv(backends[b].env);
            const event *e = find_error(&r, 0);
            if (!e || !strstr(e->text, "quota exceeded for key"))
                fail_msg("%s via %s: no error with the server's message: %s", scenarios[i],
                         backends[b].name, r.out);
            if (strstr(r.out, canary) || strstr(r.err, canary))
                fail_msg("%s via %s: the key leaked", scenarios[i], backends[b].name);
            if (!strstr(e->text, "***"))
                fail_msg("%s via %s: the key is not shown as ***: %s", scenarios[i],
                         backends[b].name, e->text);
            run_free(&r);
        }
    fixture_stop(&fx);
}

static void test_stall_idle_timeout(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "stall", "openai", "cot", NULL);
    assert_int_equal(r.status, 1);
    assert_true(count_kind(&r, EV_TEXT) > 0);       /* what arrived is kept */
    const event *e = find_error(&r, 0);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "timeout") ? e->text : strstr(e->text, "no data"));
    run_free(&r);
}

static void test_huge_line(void **state)
{
    (void)state;
    run_result r;
    solve(&r, "hugeline", "openai", "cot", NULL);
    assert_int_equal(r.status, 1);
    assert_int_equal(last_event(&r)->kind, EV_DONE);
    assert_non_null(find_error(&r, 0));
    assert_true(strlen(r.out) < 1024 * 1024);       /* the 5 MB never reached us whole */
    run_free(&r);
}

static void test_connection_refused(void **state)
{
    (void)state;
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "cot"), 0);
    int port = fx.port;
    fixture_stop(&fx);                              /* nothing listens there now */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", port);
    const char *argv[] = { "solve", "--json", "-m", "openai:test", "--base-url", url, "-s", "cot",
                           PROBLEM, NULL };
    run_result r;
    run_ponder(&r, harness_dir, CONFIG, NULL, argv);
    assert_int_equal(r.status, 1);
    assert_non_null(find_error(&r, 0));
    assert_non_null(strstr(r.err, url));
    run_free(&r);
}

static void test_stdin_problem_and_text_mode(void **state)
{
    (void)state;
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "cot"), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", fx.port);
    const char *argv[] = { "solve", "-m", "openai:test", "--base-url", url, "-s", "cot", "-", NULL };
    run_result r;
    run_ponder(&r, harness_dir, CONFIG, PROBLEM "\n", argv);
    fixture_stop(&fx);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "45 - 12 = 33"));
    assert_non_null(strstr(r.out, "Answer: 45"));
    run_free(&r);
}

static void test_usage_errors(void **state)
{
    (void)state;
    run_result r;
    const char *a1[] = { "solve", NULL };
    run_ponder(&r, harness_dir, NULL, NULL, a1);
    assert_int_equal(r.status, 2);
    run_free(&r);
    const char *a2[] = { "-m", "gpt4", NULL };
    run_ponder(&r, harness_dir, NULL, NULL, a2);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "gpt4"));
    run_free(&r);
    const char *a3[] = { "solve", "-s", "sc", "-n", "-3", "x", NULL };
    run_ponder(&r, harness_dir, NULL, NULL, a3);
    assert_int_equal(r.status, 2);
    run_free(&r);
}

/* Fails if text holds any 8 consecutive characters of key. */
static void no_key_piece(const char *text, const char *key, const char *where)
{
    for (size_t i = 0; i + 8 <= strlen(key); i++) {
        char piece[9];
        memcpy(piece, key + i, 8);
        piece[8] = 0;
        if (strstr(text, piece))
            fail_msg("%s shows \"%s\" of the key", where, piece);
    }
}

/* A server that echoes the key across each place a message is cut: no
 * piece of it reaches stdout, stderr, the transcript or the export. */
static void test_key_pieces_nowhere(void **state)
{
    (void)state;
    static const char *const scenarios[] = { "keyecho-status", "keyecho-stream",
                                             "keyecho-line" };
    static const struct { const char *name, *suffix, *env; } backends[] = {
        { "openai", "/v1", "OPENAI_API_KEY" }, { "anthropic", "", "ANTHROPIC_API_KEY" },
    };
    const char *canary = "sk-canary-cut-points-0123456789-abcdefghijklmnop";
    for (size_t b = 0; b < 2; b++)
        for (size_t i = 0; i < 3; i++) {
            fixture fx = { 0 };
            assert_int_equal(fixture_scenario(&fx, scenarios[i]), 0);
            char url[128], model[64], md[256], cmd[600];
            snprintf(url, sizeof url, "http://127.0.0.1:%d%s", fx.port, backends[b].suffix);
            snprintf(model, sizeof model, "%s:test", backends[b].name);
            snprintf(md, sizeof md, "%s/cut-%zu-%zu.md", harness_dir, b, i);
            setenv(backends[b].env, canary, 1);
            const char *argv[] = { "solve", "--json", "-m", model, "--base-url", url,
                                   "-s", "cot", "--export", md, PROBLEM, NULL };
            run_result r;
            run_ponder(&r, harness_dir, CONFIG, NULL, argv);
            unsetenv(backends[b].env);
            fixture_stop(&fx);
            assert_int_equal(r.status, 1);
            assert_non_null(strstr(r.out, "***"));      /* the echo was there */
            no_key_piece(r.out, canary, "stdout");
            no_key_piece(r.err, canary, "stderr");
            char *exported = slurp(md);
            no_key_piece(exported, canary, "the export");
            free(exported);
            snprintf(cmd, sizeof cmd, "cat %s/data/ponder/runs/* > %s/runs.txt 2>/dev/null",
                     harness_dir, harness_dir);
            if (system(cmd) != 0)
                fail_msg("no transcript was saved");
            snprintf(md, sizeof md, "%s/runs.txt", harness_dir);
            char *runs = slurp(md);
            no_key_piece(runs, canary, "a transcript");
            free(runs);
            run_free(&r);
        }
}

/* ASan's shadow memory puts a sanitized ponder over any RSS bound. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* A server that streams forever: the sample's cap ends it (cut off by
 * length), and ponder's peak RSS stays under 64 MB (in builds without
 * ASan, which `make asan` builds the test with as well as ponder).
 * RUSAGE_CHILDREN's peak covers every child reaped so far (fixture servers
 * too), so it bounds ponder's from above. */
static void test_endless_stream_bounded(void **state)
{
    (void)state;
    static const char *const backends[] = { "openai", "ollama" };
    for (int b = 0; b < 2; b++) {
        run_result r;
        solve(&r, "endless", backends[b], "cot", NULL);
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        if (!SANITIZED && ru.ru_maxrss > 64 * 1024)
            fail_msg("%s: peak RSS %ld KB against an endless stream", backends[b],
                     ru.ru_maxrss);
        assert_true(count_kind(&r, EV_TEXT) > 0);
        assert_int_equal(count_kind(&r, EV_DONE), 1);
        run_free(&r);
    }
}

/* [network] reply_timeout and max_reply_bytes from config.ini reach the
 * model: keep-alives alone cannot hold a run, and a sample stops at the
 * configured size. */
static void test_network_limits_from_config(void **state)
{
    (void)state;
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "comment-drip"), 0);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", fx.port);
    const char *argv[] = { "solve", "--json", "-m", "openai:test", "--base-url", url,
                           "-s", "cot", PROBLEM, NULL };
    run_result r;
    run_ponder(&r, harness_dir, CONFIG "reply_timeout = 2\n", NULL, argv);
    fixture_stop(&fx);
    assert_int_equal(r.status, 1);
    const event *e = find_error(&r, 0);
    assert_non_null(e);
    assert_non_null(strstr(e->text, "no complete reply within 2 s (the reply deadline)"));
    run_free(&r);

    assert_int_equal(fixture_scenario(&fx, "endless"), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", fx.port);
    run_ponder(&r, harness_dir, CONFIG "max_reply_bytes = 8192\n", NULL, argv);
    fixture_stop(&fx);
    char *text = joined_text(&r, CH_ANSWER);
    assert_true(strlen(text) > 8192 && strlen(text) <= 8192 + 1024);   /* one 1 KB delta over */
    free(text);
    assert_int_equal(count_kind(&r, EV_DONE), 1);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cot_openai),
        cmocka_unit_test(test_reasoning_content_openai),
        cmocka_unit_test(test_think_inline),
        cmocka_unit_test(test_cot_ollama_thinking),
        cmocka_unit_test(test_sc_openai),
        cmocka_unit_test(test_sc_ollama),
        cmocka_unit_test(test_sc_native_n),
        cmocka_unit_test(test_sc_early_stop),
        cmocka_unit_test(test_disconnect_keeps_partial_text),
        cmocka_unit_test(test_garbage_json),
        cmocka_unit_test(test_500_then_ok),
        cmocka_unit_test(test_429_retry_after),
        cmocka_unit_test(test_401_no_key_leak),
        cmocka_unit_test(test_canary_everywhere),
        cmocka_unit_test(test_echoed_key_redacted),
        cmocka_unit_test(test_stall_idle_timeout),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_stdin_problem_and_text_mode),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_key_pieces_nowhere),
        cmocka_unit_test(test_endless_stream_bounded),
        cmocka_unit_test(test_network_limits_from_config),
    };
    /* make mutants runs only the tests a mutant names (a cmocka pattern) */
    if (getenv("PONDER_TEST_FILTER"))
        cmocka_set_test_filter(getenv("PONDER_TEST_FILTER"));
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
