/* test_backends: the openai, llamacpp and ollama backends against the
 * fixture server (tests/fixtures/server.py): specs, endpoints and normal
 * replies. Assertions are on the recorded callbacks and the server's
 * /stats, never on wall time. Faults: test_model_faults.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "models/model.h"
#include "tests/fixtures/model_rec.h"

/* ---- specs and endpoints ---- */

static void test_specs(void **st)
{
    (void)st;
    char err[512];
    assert_int_equal(model_spec_valid("openai:gpt-4o-mini", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("llamacpp", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("llamacpp:qwen", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("ollama:llama3.2", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("builtin", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("gpt4", err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown model \"gpt4\""));
    assert_non_null(strstr(err, "ollama:NAME"));
    assert_int_equal(model_spec_valid("openai", err, sizeof err), -1);
    assert_non_null(strstr(err, "openai:NAME"));
    assert_int_equal(model_spec_valid("ollama:", err, sizeof err), -1);
    assert_int_equal(model_spec_valid("", err, sizeof err), -1);
    assert_int_equal(model_spec_valid(NULL, NULL, 0), -1);

    model_config cfg = { .spec = "builtin", .max_retries = -1,
                         .builtin_path = "/nonexistent/ponder-tiny.bin" };
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "built-in model"));
    assert_non_null(strstr(err, "--model ollama:NAME"));
    cfg.builtin_path = NULL;
    cfg.spec = "nonsense:x";
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "unknown model"));
}

static void test_endpoints(void **st)
{
    (void)st;
    char err[256];
    static const struct { const char *env, *want; } hosts[] = {
        { NULL, "http://127.0.0.1:11434" },
        { "example.org", "http://example.org:11434" },
        { "example.org:1234", "http://example.org:1234" },
        { "0.0.0.0", "http://127.0.0.1:11434" },
        { "0.0.0.0:9999", "http://127.0.0.1:9999" },
        { "http://h:5/", "http://h:5" },
        { "https://ollama.example", "https://ollama.example" },
    };
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
        if (hosts[i].env)
            setenv("OLLAMA_HOST", hosts[i].env, 1);
        else
            unsetenv("OLLAMA_HOST");
        model_config cfg = { .spec = "ollama:x", .max_retries = -1 };
        model *m = model_open(&cfg, err, sizeof err);
        assert_string_equal(model_url(m), hosts[i].want);
        assert_string_equal(model_name(m), "ollama:x");
        model_close(m);
    }
    unsetenv("OLLAMA_HOST");
    unsetenv("OPENAI_BASE_URL");
    model_config cfg = { .spec = "openai:gpt-4o-mini", .max_retries = -1 };
    model *m = model_open(&cfg, err, sizeof err);
    assert_string_equal(model_url(m), "https://api.openai.com/v1");
    assert_true(model_caps(m) & CAP_NATIVE_N);          /* auto: OpenAI has n */
    model_close(m);
    setenv("OPENAI_BASE_URL", "http://localhost:8000/v1/", 1);
    m = model_open(&cfg, err, sizeof err);
    assert_string_equal(model_url(m), "http://localhost:8000/v1");
    assert_false(model_caps(m) & CAP_NATIVE_N);         /* auto: others may not */
    model_close(m);
    cfg.native_n = NATIVE_N_YES;
    m = model_open(&cfg, err, sizeof err);
    assert_true(model_caps(m) & CAP_NATIVE_N);
    model_close(m);
    cfg.native_n = NATIVE_N_AUTO;
    cfg.base_url = "http://override/v1";
    m = model_open(&cfg, err, sizeof err);
    assert_string_equal(model_url(m), "http://override/v1");
    model_close(m);
    unsetenv("OPENAI_BASE_URL");
    cfg.spec = "llamacpp";
    cfg.base_url = NULL;
    m = model_open(&cfg, err, sizeof err);
    assert_string_equal(model_url(m), "http://127.0.0.1:8080/v1");
    assert_true(model_caps(m) & CAP_RAW);
    assert_false(model_caps(m) & CAP_NATIVE_N);
    model_close(m);
}

/* ---- normal replies ---- */

static void test_openai_cot(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    assert_int_equal(run_one("openai:cot", "/v1", 1, r), 0);
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    assert_string_equal(r->text[0][0][CH_THINKING], "");
    assert_int_equal(r->done[0][0], 1);
    assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    assert_int_equal(r->res[0][0].tokens_in, 42);       /* from usage */
    assert_int_equal(r->res[0][0].tokens_out, 24);      /* words */
    assert_int_equal(r->retries, 0);
    cJSON *s = server_json("/stats");
    assert_int_equal(stat_num(s, "requests"), 1);
    cJSON *b = cJSON_GetObjectItem(s, "last_body");
    assert_string_equal(cJSON_GetObjectItem(b, "model")->valuestring, "cot");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(b, "stream")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(
        cJSON_GetObjectItem(b, "stream_options"), "include_usage")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "messages")), 2);
    assert_null(cJSON_GetObjectItem(b, "n"));
    assert_int_equal(cJSON_GetObjectItem(b, "max_tokens")->valueint, 256);
    cJSON_Delete(s);
    free(r);
}

static void test_openai_reasoning_content(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("openai:cot-reasoning", "/v1", 1, r), 0);
    assert_string_equal(r->text[0][0][CH_THINKING], REASONING);
    assert_string_equal(r->text[0][0][CH_ANSWER], FINAL);
    assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    free(r);
}

static void test_openai_think_inline(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("llamacpp:think-inline", "/v1", 1, r), 0);
    assert_string_equal(r->text[0][0][CH_THINKING], REASONING);
    assert_string_equal(r->text[0][0][CH_ANSWER], "\n" FINAL);
    free(r);
}

static void check_votes(rec *r, int n, int by_index)
{
    int c45 = 0, c44 = 0, c35 = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(r->done[0][i], 1);
        assert_int_equal(r->res[0][i].finish, FINISH_STOP);
        const char *t = r->text[0][i][CH_ANSWER];
        const char *a = strstr(t, "The answer is ");
        assert_non_null(a);
        int v = atoi(a + 14);
        if (by_index)
            assert_int_equal(v, ANSWERS[i]);
        c45 += v == 45;
        c44 += v == 44;
        c35 += v == 35;
    }
    assert_int_equal(c45, 6);
    assert_int_equal(c44, 2);
    assert_int_equal(c35, 2);
}

static void test_openai_native_n(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    model *m = open_model("openai:sc-n", "/v1", 5);
    assert_true(model_caps(m) & CAP_NATIVE_N);
    prompt p = chat_prompt();
    model_request rq = request(&p, 10);
    assert_int_equal(run(m, &rq, 1, r), 0);
    check_votes(r, 10, 1);
    assert_int_equal(r->notices, 0);
    cJSON *s = server_json("/stats");
    assert_int_equal(stat_num(s, "requests"), 1);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "last_body"), "n")->valueint, 10);
    cJSON_Delete(s);
    model_close(m);
    free(r);
}

static void test_openai_n_ignored_falls_back(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    model *m = open_model("openai:sc", "/v1", 5);
    prompt p = chat_prompt();
    model_request rq = request(&p, 10);
    rq.seed = 100;
    assert_int_equal(run(m, &rq, 1, r), 0);
    check_votes(r, 10, 0);
    assert_int_equal(r->notices, 1);
    assert_non_null(strstr(r->notice, "ignored n=10"));
    assert_false(model_caps(m) & CAP_NATIVE_N);
    cJSON *s = server_json("/stats");
    assert_int_equal(stat_num(s, "requests"), 10);      /* 1 native + 9 single */
    /* Singles carry distinct seeds: 101..109 after the native 100. */
    cJSON *b = cJSON_GetObjectItem(s, "last_body");
    assert_null(cJSON_GetObjectItem(b, "n"));
    assert_true(cJSON_GetObjectItem(b, "seed")->valueint > 100);
    cJSON_Delete(s);
    /* The model remembers: a second run sends 10 single requests. */
    reset_server();
    rec *r2 = rec_new();
    assert_int_equal(run(m, &rq, 1, r2), 0);
    check_votes(r2, 10, 0);
    assert_int_equal(r2->notices, 0);
    s = server_json("/stats");
    assert_int_equal(stat_num(s, "requests"), 10);
    cJSON_Delete(s);
    model_close(m);
    free(r);
    free(r2);
}

static void test_concurrent_requests(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    /* slow: each reply takes --delay (0.6 s); 4 samples overlap. */
    assert_int_equal(run_one("llamacpp:slow", "/v1", 4, r), 0);
    for (int i = 0; i < 4; i++)
        assert_string_equal(r->text[0][i][CH_ANSWER], COT);
    cJSON *s = server_json("/stats");
    assert_int_equal(stat_num(s, "requests"), 4);
    assert_int_equal(stat_num(s, "max_concurrent"), 4);
    cJSON_Delete(s);
    free(r);
}

static void test_batch_of_requests(void **st)
{
    (void)st;
    rec *r = rec_new();
    model *m = open_model("ollama:cot", "", 5);
    prompt p = chat_prompt();
    model_request rq[2] = { request(&p, 1), request(&p, 2) };
    assert_int_equal(run(m, rq, 2, r), 0);
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    assert_string_equal(r->text[1][0][CH_ANSWER], COT);
    assert_string_equal(r->text[1][1][CH_ANSWER], COT);
    assert_int_equal(r->done[1][1], 1);
    assert_int_equal(r->done[0][1], 0);
    model_close(m);
    free(r);
}

static void test_ollama_thinking(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    model *m = open_model("ollama:cot-reasoning", "", 5);
    assert_true(model_caps(m) & CAP_THINKING);
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    rq.think = THINK_ON;
    rq.seed = 7;
    const char *stop[] = { "\n\n" };
    rq.stop = stop;
    rq.n_stop = 1;
    assert_int_equal(run(m, &rq, 1, r), 0);
    assert_string_equal(r->text[0][0][CH_THINKING], REASONING);
    assert_string_equal(r->text[0][0][CH_ANSWER], FINAL);
    assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    assert_int_equal(r->res[0][0].tokens_in, 42);
    assert_int_equal(r->res[0][0].tokens_out, 24);      /* eval_count */
    assert_int_equal(r->res[0][0].thinking_tokens, 20); /* counted deltas */
    cJSON *s = server_json("/stats");
    cJSON *b = cJSON_GetObjectItem(s, "last_body");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(b, "think")));
    cJSON *o = cJSON_GetObjectItem(b, "options");
    assert_int_equal(cJSON_GetObjectItem(o, "seed")->valueint, 7);
    assert_int_equal(cJSON_GetObjectItem(o, "num_predict")->valueint, 256);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "stop"), 0)->valuestring, "\n\n");
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "by_path"), "/api/chat"));
    cJSON_Delete(s);
    model_close(m);
    free(r);
}

/* --think on each HTTP backend: what goes in the body, and a notice when
 * the backend cannot do what was asked. */
typedef struct {
    const char *spec, *suffix;
    think_mode mode;
    int budget;
    const char *field;          /* body field to look at ("a.b" for nested) */
    const char *want;           /* its JSON, or NULL for "absent" */
    const char *notice;         /* a notice containing this, or NULL for none */
} think_case;

static void test_think_mapping(void **st)
{
    (void)st;
    static const think_case cases[] = {
        { "openai:cot", "/v1", THINK_LOW, 0, "reasoning_effort", "\"low\"", NULL },
        { "openai:cot", "/v1", THINK_HIGH, 0, "reasoning_effort", "\"high\"", NULL },
        { "openai:cot", "/v1", THINK_BUDGET, 3000, "reasoning_effort", "\"medium\"", "not a budget" },
        { "openai:cot", "/v1", THINK_OFF, 0, "reasoning_effort", NULL, "cannot stop thinking" },
        { "openai:cot", "/v1", THINK_DEFAULT, 0, "reasoning_effort", NULL, NULL },
        { "llamacpp:cot", "/v1", THINK_OFF, 0, "chat_template_kwargs.enable_thinking", "false", NULL },
        { "llamacpp:cot", "/v1", THINK_ON, 0, "chat_template_kwargs.enable_thinking", "true", NULL },
        { "llamacpp:cot", "/v1", THINK_BUDGET, 500, "reasoning_budget", "500", NULL },
        { "llamacpp:cot", "/v1", THINK_MEDIUM, 0, "chat_template_kwargs.enable_thinking", "true",
          "no thinking levels" },
        { "ollama:cot", "", THINK_MEDIUM, 0, "think", "\"medium\"", NULL },
        { "ollama:cot", "", THINK_OFF, 0, "think", "false", NULL },
        { "ollama:cot", "", THINK_BUDGET, 900, "think", "true", "no thinking budget" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const think_case *c = &cases[i];
        reset_server();
        rec *r = rec_new();
        model *m = open_model(c->spec, c->suffix, 5);
        prompt p = chat_prompt();
        model_request rq = request(&p, 1);
        rq.think = c->mode;
        rq.think_budget = c->budget;
        assert_int_equal(run(m, &rq, 1, r), 0);
        cJSON *s = server_json("/stats");
        cJSON *v = cJSON_GetObjectItem(s, "last_body");
        char key[64];
        snprintf(key, sizeof key, "%s", c->field);
        for (char *k = key, *dot; v && k; k = dot ? dot + 1 : NULL) {
            dot = strchr(k, '.');
            if (dot)
                *dot = '\0';
            v = cJSON_GetObjectItem(v, k);
        }
        char *got = v ? cJSON_PrintUnformatted(v) : NULL;
        if (c->want ? !got || strcmp(got, c->want) : got != NULL)
            fail_msg("case %zu (%s): %s is %s, want %s", i, c->spec, c->field,
                     got ? got : "absent", c->want ? c->want : "absent");
        if (c->notice ? !r->notices || !strstr(r->notice, c->notice) : r->notices != 0)
            fail_msg("case %zu (%s): notice \"%s\", want %s", i, c->spec,
                     r->notices ? r->notice : "", c->notice ? c->notice : "none");
        free(got);
        cJSON_Delete(s);
        model_close(m);
        free(r);
    }
}

static void test_raw_prompts(void **st)
{
    (void)st;
    reset_server();
    prompt p;
    memset(&p, 0, sizeof p);
    p.raw = (char *)"Q: 45 - 12 + 30 - 18?\nA:";
    model_request rq = request(&p, 1);
    const char *specs[] = { "ollama:cot", "llamacpp:cot" };
    const char *suffix[] = { "", "/v1" };
    for (int i = 0; i < 2; i++) {
        rec *r = rec_new();
        model *m = open_model(specs[i], suffix[i], 5);
        assert_true(model_caps(m) & CAP_RAW);
        assert_int_equal(run(m, &rq, 1, r), 0);
        assert_string_equal(r->text[0][0][CH_ANSWER], COT);
        model_close(m);
        free(r);
    }
    cJSON *s = server_json("/stats");
    cJSON *bp = cJSON_GetObjectItem(s, "by_path");
    assert_non_null(cJSON_GetObjectItem(bp, "/api/generate"));
    assert_non_null(cJSON_GetObjectItem(bp, "/v1/completions"));
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "last_body"),
                                            "prompt")->valuestring, p.raw);
    cJSON_Delete(s);
}

static void test_badutf8_sanitized(void **st)
{
    (void)st;
    const char *want = "caf\xC3\xA9 costs 5 \xE2\x82\xAC; bad \xEF\xBF\xBD\xEF\xBF\xBD"
                       " byte nulhere esc[31m red. " FINAL;
    const char *specs[] = { "openai:badutf8", "ollama:badutf8" };
    const char *suffix[] = { "/v1", "" };
    for (int i = 0; i < 2; i++) {
        rec *r = rec_new();
        assert_int_equal(run_one(specs[i], suffix[i], 1, r), 0);
        assert_string_equal(r->text[0][0][CH_ANSWER], want);
        assert_false(r->zero_byte);
        free(r);
    }
}

/* A request that leaves max_tokens 0 still carries a bound: max_tokens
 * (openai, llamacpp, anthropic) or options.num_predict (ollama). */
static void test_max_tokens_always_sent(void **st)
{
    (void)st;
    static const char *const specs[] = { "openai:cot", "llamacpp:cot", "ollama:cot" };
    static const char *const suffix[] = { "/v1", "/v1", "" };
    for (int i = 0; i < 3; i++) {
        model *m = open_model(specs[i], suffix[i], 5);
        rec *r = rec_new();
        prompt p = chat_prompt();
        model_request rq = request(&p, 1);
        rq.max_tokens = 0;
        assert_int_equal(run(m, &rq, 1, r), 0);
        model_close(m);
        free(r);
        cJSON *s = server_json("/stats");
        cJSON *b = cJSON_GetObjectItem(s, "last_body");
        cJSON *o = i == 2 ? cJSON_GetObjectItem(b, "options") : b;
        cJSON *v = cJSON_GetObjectItem(o, i == 2 ? "num_predict" : "max_tokens");
        assert_non_null(v);
        assert_int_equal(v->valueint, MODEL_MAX_TOKENS);
        cJSON_Delete(s);
    }
}

static int group_setup(void **st)
{
    (void)st;
    const char *args[] = { "--delay", "0.6", NULL };
    signal(SIGPIPE, SIG_IGN);
    unsetenv("OPENAI_API_KEY");
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
        cmocka_unit_test(test_specs),
        cmocka_unit_test(test_endpoints),
        cmocka_unit_test(test_openai_cot),
        cmocka_unit_test(test_openai_reasoning_content),
        cmocka_unit_test(test_openai_think_inline),
        cmocka_unit_test(test_openai_native_n),
        cmocka_unit_test(test_openai_n_ignored_falls_back),
        cmocka_unit_test(test_concurrent_requests),
        cmocka_unit_test(test_batch_of_requests),
        cmocka_unit_test(test_ollama_thinking),
        cmocka_unit_test(test_think_mapping),
        cmocka_unit_test(test_raw_prompts),
        cmocka_unit_test(test_badutf8_sanitized),
        cmocka_unit_test(test_max_tokens_always_sent),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
