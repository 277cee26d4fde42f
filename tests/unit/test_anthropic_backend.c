/* test_anthropic_backend: the anthropic backend against the fixture
 * server (tests/fixtures/server.py, POST /v1/messages): the spec and key
 * rules, the headers and body it sends, thinking, n concurrent requests,
 * retries, fatal statuses that never show the key, and broken streams.
 * Assertions are on the recorded callbacks and the server's /stats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "models/model.h"
#include "tests/fixtures/model_rec.h"

#define CANARY "sk-ant-canary-9876-do-not-show"

static cJSON *last(cJSON *stats, const char *what)
{
    return cJSON_GetObjectItem(stats, what);
}

static const char *jstr(cJSON *obj, const char *key)
{
    cJSON *v = cJSON_GetObjectItem(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Runs one request on spec and returns the server's /stats (caller
 * deletes). */
static cJSON *run_req(const char *spec, model_request *rq, rec *r, int want_errors)
{
    reset_server();
    model *m = open_model(spec, "", 5);
    assert_int_equal(run(m, rq, 1, r), want_errors);
    model_close(m);
    return server_json("/stats");
}

/* ---- the spec, the URL and the key ---- */

static void test_spec_and_key(void **st)
{
    (void)st;
    char err[512];
    assert_int_equal(model_spec_valid("anthropic:claude-sonnet-4-5", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("anthropic", err, sizeof err), -1);
    assert_non_null(strstr(err, "anthropic:NAME"));
    assert_int_equal(model_spec_valid("gpt4", err, sizeof err), -1);
    assert_non_null(strstr(err, "anthropic:NAME"));     /* listed among the forms */

    unsetenv("ANTHROPIC_API_KEY");
    model_config cfg = { .spec = "anthropic:claude-x", .max_retries = -1 };
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "ANTHROPIC_API_KEY"));
    assert_null(strchr(err, '\n'));
    cfg.key_env = "PONDER_TEST_ANTHROPIC_KEY";
    unsetenv("PONDER_TEST_ANTHROPIC_KEY");
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "PONDER_TEST_ANTHROPIC_KEY"));
    setenv("PONDER_TEST_ANTHROPIC_KEY", CANARY, 1);
    model *m = model_open(&cfg, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(model_url(m), "https://api.anthropic.com");
    assert_string_equal(model_name(m), "anthropic:claude-x");
    assert_int_equal(model_caps(m), CAP_THINKING);      /* no native n, no raw */
    model_close(m);
    unsetenv("PONDER_TEST_ANTHROPIC_KEY");
    /* A server on this machine needs no key; a trailing /v1 is taken. */
    cfg.key_env = NULL;
    cfg.base_url = "http://127.0.0.1:9/v1/";
    m = model_open(&cfg, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(model_url(m), "http://127.0.0.1:9");
    model_close(m);
    static const struct { const char *url; int ok; } hosts[] = {
        { "http://localhost:8080", 1 }, { "http://[::1]:9/", 1 },
        { "https://127.0.0.1", 1 }, { "http://localhost.example.org", 0 },
        { "http://127.0.0.1.example.org/v1", 0 }, { "https://proxy.example/", 0 },
    };
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
        cfg.base_url = hosts[i].url;
        m = model_open(&cfg, err, sizeof err);
        if (!!m != hosts[i].ok)
            fail_msg("%s: %s", hosts[i].url, m ? "opened without a key" : err);
        model_close(m);
    }
}

/* ---- what is sent ---- */

static void test_headers_and_body(void **st)
{
    (void)st;
    setenv("ANTHROPIC_API_KEY", CANARY, 1);
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    const char *stop[] = { "\n\n", "Q:" };
    rq.stop = stop;
    rq.n_stop = 2;
    rq.top_p = 0.9;
    cJSON *s = run_req("anthropic:cot", &rq, r, 0);
    unsetenv("ANTHROPIC_API_KEY");
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    assert_string_equal(r->text[0][0][CH_THINKING], "");
    assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    assert_int_equal(r->res[0][0].tokens_in, 42);       /* message_start */
    assert_int_equal(r->res[0][0].tokens_out, 24);      /* message_delta */
    assert_int_equal(r->res[0][0].thinking_tokens, 0);
    assert_non_null(cJSON_GetObjectItem(last(s, "by_path"), "/v1/messages"));
    cJSON *h = last(s, "last_headers");
    assert_string_equal(jstr(h, "x-api-key"), CANARY);
    assert_string_equal(jstr(h, "anthropic-version"), "2023-06-01");
    assert_string_equal(jstr(h, "content-type"), "application/json");
    assert_null(cJSON_GetObjectItem(h, "authorization"));
    cJSON *b = last(s, "last_body");
    assert_string_equal(jstr(b, "model"), "cot");
    assert_string_equal(jstr(b, "system"), "You are a careful tutor.");
    cJSON *msgs = cJSON_GetObjectItem(b, "messages");
    assert_int_equal(cJSON_GetArraySize(msgs), 1);       /* the system is not a message */
    assert_string_equal(jstr(cJSON_GetArrayItem(msgs, 0), "role"), "user");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(b, "stream")));
    assert_int_equal(cJSON_GetObjectItem(b, "max_tokens")->valueint, 256);
    assert_true(fabs(cJSON_GetObjectItem(b, "temperature")->valuedouble - 0.7) < 1e-9);
    assert_true(fabs(cJSON_GetObjectItem(b, "top_p")->valuedouble - 0.9) < 1e-9);
    cJSON *ss = cJSON_GetObjectItem(b, "stop_sequences");
    assert_int_equal(cJSON_GetArraySize(ss), 2);
    assert_string_equal(cJSON_GetArrayItem(ss, 1)->valuestring, "Q:");
    assert_null(cJSON_GetObjectItem(b, "n"));
    assert_null(cJSON_GetObjectItem(b, "thinking"));
    assert_null(cJSON_GetObjectItem(b, "stop"));
    cJSON_Delete(s);
    /* No key for a local server: no x-api-key header at all; no max_tokens
     * in the request means the default. */
    memset(r, 0, sizeof *r);
    rq.max_tokens = 0;
    rq.n_stop = 0;
    s = run_req("anthropic:cot", &rq, r, 0);
    assert_null(cJSON_GetObjectItem(last(s, "last_headers"), "x-api-key"));
    assert_int_equal(cJSON_GetObjectItem(last(s, "last_body"), "max_tokens")->valueint, 4096);
    assert_null(cJSON_GetObjectItem(last(s, "last_body"), "stop_sequences"));
    cJSON_Delete(s);
    free(r);
}

/* Sends one request with the thinking setting and checks the body. */
static void check_thinking(think_mode mode, int budget_in, int max_in,
                           int want_budget, int want_max)
{
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    rq.think = mode;
    rq.think_budget = budget_in;
    rq.max_tokens = max_in;
    cJSON *s = run_req("anthropic:cot", &rq, r, 0);
    cJSON *b = last(s, "last_body");
    cJSON *t = cJSON_GetObjectItem(b, "thinking");
    if (want_budget) {
        assert_string_equal(jstr(t, "type"), "enabled");
        assert_int_equal(cJSON_GetObjectItem(t, "budget_tokens")->valueint, want_budget);
        assert_null(cJSON_GetObjectItem(b, "temperature"));   /* the API wants 1 */
    } else {
        assert_null(t);
        assert_non_null(cJSON_GetObjectItem(b, "temperature"));
    }
    assert_int_equal(cJSON_GetObjectItem(b, "max_tokens")->valueint, want_max);
    cJSON_Delete(s);
    free(r);
}

static void test_thinking_budget_and_max_tokens(void **st)
{
    (void)st;
    check_thinking(THINK_ON, 0, 256, 4096, 4096 + 1024);      /* raised above N */
    check_thinking(THINK_LOW, 0, 8000, 1024, 8000);
    check_thinking(THINK_MEDIUM, 0, 0, 4096, 4096 + 1024);    /* default 4096 <= N */
    check_thinking(THINK_HIGH, 0, 32000, 16384, 32000);
    check_thinking(THINK_BUDGET, 2000, 8000, 2000, 8000);
    check_thinking(THINK_BUDGET, 100, 8000, 1024, 8000);      /* the API's minimum */
    check_thinking(THINK_BUDGET, 3000, 3000, 3000, 4024);     /* budget < max_tokens */
    check_thinking(THINK_OFF, 0, 256, 0, 256);
    check_thinking(THINK_DEFAULT, 5000, 256, 0, 256);
}

static void test_thinking_stream(void **st)
{
    (void)st;
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    rq.think = THINK_ON;
    cJSON *s = run_req("anthropic:cot-reasoning", &rq, r, 0);
    assert_string_equal(r->text[0][0][CH_THINKING], REASONING);
    assert_string_equal(r->text[0][0][CH_ANSWER], FINAL);
    assert_null(strstr(r->text[0][0][CH_ANSWER], "EqQB"));  /* the signature */
    assert_null(strstr(r->text[0][0][CH_THINKING], "EqQB"));
    assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    assert_int_equal(r->res[0][0].tokens_out, 24);
    /* output_tokens shared out by bytes of thinking and of text */
    double share = (double)strlen(REASONING) / (double)(strlen(REASONING) + strlen(FINAL));
    assert_int_equal(r->res[0][0].thinking_tokens, lround(24 * share));
    cJSON_Delete(s);
    free(r);
}

static void test_n3_concurrent(void **st)
{
    (void)st;
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 3);
    cJSON *s = run_req("anthropic:slow", &rq, r, 0);     /* each takes 0.6 s */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r->done[0][i], 1);
        assert_string_equal(r->text[0][i][CH_ANSWER], COT);
    }
    assert_int_equal(stat_num(s, "requests"), 3);
    assert_int_equal(stat_num(s, "max_concurrent"), 3);
    assert_null(cJSON_GetObjectItem(last(s, "last_body"), "n"));
    cJSON_Delete(s);
    free(r);
}

static void test_sc_votes(void **st)
{
    (void)st;
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 10);
    cJSON *s = run_req("anthropic:sc", &rq, r, 0);
    int c45 = 0;
    for (int i = 0; i < 10; i++) {
        const char *a = strstr(r->text[0][i][CH_ANSWER], "The answer is ");
        assert_non_null(a);
        c45 += atoi(a + 14) == 45;
    }
    assert_int_equal(c45, 6);
    assert_int_equal(stat_num(s, "requests"), 10);
    cJSON_Delete(s);
    free(r);
}

/* ---- retries ---- */

static void test_retries(void **st)
{
    (void)st;
    static const struct { const char *spec, *why; double min_delay; } cases[] = {
        { "anthropic:429", "429", 1.0 },                /* Retry-After: 1 */
        { "anthropic:500-then-ok", "HTTP 500", 0.05 },
        { "anthropic:529-then-ok", "HTTP 529", 0.05 },
        { "anthropic:overloaded-then-ok", "overloaded_error: Overloaded", 0.05 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rec *r = rec_new();
        prompt p = chat_prompt();
        model_request rq = request(&p, 1);
        cJSON *s = run_req(cases[i].spec, &rq, r, 0);
        if (r->retries != 1 || !strstr(r->retry_why[0], cases[i].why))
            fail_msg("%s: %d retries, why \"%s\"", cases[i].spec, r->retries, r->retry_why[0]);
        assert_true(r->retry_delay[0] >= cases[i].min_delay);
        assert_string_equal(r->text[0][0][CH_ANSWER], COT);    /* once, not twice */
        assert_int_equal(r->res[0][0].finish, FINISH_STOP);
        assert_int_equal(stat_num(s, "requests"), 2);
        cJSON_Delete(s);
        free(r);
    }
    rec *r = rec_new();
    assert_int_equal(run_one("anthropic:500-always", "", 1, r), 1);
    assert_int_equal(r->retries, 4);
    expect_error(r, "anthropic", "/v1/messages", "HTTP 500 Internal Server Error");
    assert_non_null(strstr(r->err[0][0], "after 4 retries"));
    free(r);
}

/* ---- fatal statuses ---- */

static void no_canary(const rec *r)
{
    for (int i = 0; i < MAXS; i++)
        assert_null(strstr(r->err[0][i], "canary"));
    for (int i = 0; i < 8; i++)
        assert_null(strstr(r->retry_why[i], "canary"));
    assert_null(strstr(r->notice, "canary"));
    for (int c = 0; c < 2; c++)
        assert_null(strstr(r->text[0][0][c], "canary"));
}

static void test_401_never_shows_key(void **st)
{
    (void)st;
    setenv("ANTHROPIC_API_KEY", CANARY, 1);
    rec *r = rec_new();
    assert_int_equal(run_one("anthropic:401", "", 1, r), 1);
    expect_error(r, "anthropic", "/v1/messages", "HTTP 401 Unauthorized");
    assert_non_null(strstr(r->err[0][0], "ANTHROPIC_API_KEY"));
    assert_int_equal(r->res[0][0].http_status, 401);
    assert_int_equal(r->retries, 0);
    no_canary(r);
    free(r);
    /* The server did get the key (and echoed it back). */
    cJSON *s = server_json("/stats");
    assert_string_equal(jstr(last(s, "last_headers"), "x-api-key"), CANARY);
    cJSON_Delete(s);
    /* A key in another variable is named as such. */
    unsetenv("ANTHROPIC_API_KEY");
    setenv("PONDER_TEST_ANTHROPIC_KEY", CANARY, 1);
    char url[128], err[256];
    snprintf(url, sizeof url, "%s", srv.base);
    model_config cfg = { .spec = "anthropic:401", .base_url = url, .max_retries = -1,
                         .key_env = "PONDER_TEST_ANTHROPIC_KEY", .retry_base_s = 0.05 };
    model *m = model_open(&cfg, err, sizeof err);
    assert_non_null(m);
    r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 2);
    assert_int_equal(run(m, &rq, 1, r), 2);
    for (int i = 0; i < 2; i++)
        assert_non_null(strstr(r->err[0][i], "check PONDER_TEST_ANTHROPIC_KEY"));
    no_canary(r);
    model_close(m);
    unsetenv("PONDER_TEST_ANTHROPIC_KEY");
    free(r);
}

static void test_404_model(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("anthropic:404-model", "", 1, r), 1);
    expect_error(r, "anthropic", "/v1/messages", "HTTP 404 Not Found: model: 404-model");
    assert_non_null(strstr(r->err[0][0], "check the model name \"404-model\""));
    assert_int_equal(r->res[0][0].http_status, 404);
    assert_int_equal(r->retries, 0);
    free(r);
}

static void test_thinking_rejected(void **st)
{
    (void)st;
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    rq.think = THINK_HIGH;
    cJSON *s = run_req("anthropic:anthropic-thinking-400", &rq, r, 1);
    cJSON_Delete(s);
    expect_error(r, "anthropic", "/v1/messages",
                 "HTTP 400 Bad Request: thinking is not supported for this model");
    assert_non_null(strstr(r->err[0][0], "this model rejected extended thinking"));
    assert_non_null(strstr(r->err[0][0], "--think off"));
    assert_int_equal(r->retries, 0);
    /* The same model without thinking answers. */
    memset(r, 0, sizeof *r);
    rq.think = THINK_OFF;
    s = run_req("anthropic:anthropic-thinking-400", &rq, r, 0);
    cJSON_Delete(s);
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    free(r);
}

/* ---- broken streams ---- */

static void test_disconnect_keeps_partial(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("anthropic:disconnect", "", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think step by step.");
    expect_error(r, "anthropic", "/v1/messages", "connection broke");
    assert_non_null(strstr(r->err[0][0], "text so far is kept"));
    assert_int_equal(r->retries, 0);
    free(r);
}

static void test_stall_idle_timeout(void **st)
{
    (void)st;
    rec *r = rec_new();
    model *m = open_model("anthropic:stall", "", 1.0);
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    assert_int_equal(run(m, &rq, 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think step");
    expect_error(r, "anthropic", "/v1/messages", "idle timeout");
    model_close(m);
    free(r);
}

static void test_cancel_mid_stream(void **st)
{
    (void)st;
    rec *r = rec_new();
    r->cancel_after = 3;
    assert_int_equal(run_one("anthropic:slow", "", 3, r), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r->done[0][i], 1);
        assert_int_equal(r->res[0][i].finish, FINISH_CANCELLED);
    }
    assert_true(r->ndeltas >= 3 && r->ndeltas < 3 * 23);
    free(r);
}

static void test_errors_in_stream(void **st)
{
    (void)st;
    rec *r = rec_new();
    /* Overloaded after text: not retried (the text would repeat). */
    assert_int_equal(run_one("anthropic:stream-error", "", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think");
    expect_error(r, "anthropic", "/v1/messages",
                 "the server reported an error: overloaded_error: Overloaded");
    assert_non_null(strstr(r->err[0][0], "text so far is kept"));
    assert_int_equal(r->retries, 0);
    memset(r, 0, sizeof *r);
    assert_int_equal(run_one("anthropic:garbage", "", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think");
    expect_error(r, "anthropic", "/v1/messages", "malformed stream");
    assert_false(r->delta_after_done);
    memset(r, 0, sizeof *r);
    assert_int_equal(run_one("anthropic:html", "", 1, r), 1);
    expect_error(r, "anthropic", "/v1/messages", "not an event stream");
    assert_non_null(strstr(r->err[0][0], "<!DOCTYPE html>"));
    memset(r, 0, sizeof *r);
    assert_int_equal(run_one("anthropic:hugeline", "", 1, r), 1);
    assert_non_null(strstr(r->err[0][0], "longer than 1048576 bytes"));
    free(r);
}

static void test_odd_but_fine_replies(void **st)
{
    (void)st;
    const char *want = "caf\xC3\xA9 costs 5 \xE2\x82\xAC; bad \xEF\xBF\xBD\xEF\xBF\xBD"
                       " byte nulhere esc[31m red. " FINAL;
    rec *r = rec_new();
    assert_int_equal(run_one("anthropic:badutf8", "", 1, r), 0);
    assert_string_equal(r->text[0][0][CH_ANSWER], want);
    assert_false(r->zero_byte);
    static const char *const specs[] = { "anthropic:nostream", "anthropic:linger" };
    for (int i = 0; i < 2; i++) {
        memset(r, 0, sizeof *r);
        assert_int_equal(run_one(specs[i], "", 1, r), 0);
        assert_string_equal(r->text[0][0][CH_ANSWER], COT);
        assert_int_equal(r->res[0][0].finish, FINISH_STOP);
        assert_int_equal(r->res[0][0].tokens_in, 42);
    }
    free(r);
}

static int group_setup(void **st)
{
    (void)st;
    const char *args[] = { "--delay", "0.6", NULL };
    signal(SIGPIPE, SIG_IGN);
    unsetenv("ANTHROPIC_API_KEY");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return fixture_start(&srv, args);
}

static int group_teardown(void **st)
{
    (void)st;
    fixture_stop(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_and_key),
        cmocka_unit_test(test_headers_and_body),
        cmocka_unit_test(test_thinking_budget_and_max_tokens),
        cmocka_unit_test(test_thinking_stream),
        cmocka_unit_test(test_n3_concurrent),
        cmocka_unit_test(test_sc_votes),
        cmocka_unit_test(test_retries),
        cmocka_unit_test(test_401_never_shows_key),
        cmocka_unit_test(test_404_model),
        cmocka_unit_test(test_thinking_rejected),
        cmocka_unit_test(test_disconnect_keeps_partial),
        cmocka_unit_test(test_stall_idle_timeout),
        cmocka_unit_test(test_cancel_mid_stream),
        cmocka_unit_test(test_errors_in_stream),
        cmocka_unit_test(test_odd_but_fine_replies),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
