/* test_model_faults: the HTTP backends against the fixture server's
 * faults: broken streams, retries, fatal statuses, timeouts, oversized
 * lines, cancellation. Assertions are on the recorded callbacks, never
 * on wall time. */
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
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "models/model.h"
#include "models/redact.h"
#include "tests/fixtures/model_rec.h"

/* ---- faults ---- */

static void test_disconnect_keeps_partial(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("openai:disconnect", "/v1", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think step by step.");
    expect_error(r, "openai", "/v1/chat/completions", "connection broke");
    assert_non_null(strstr(r->err[0][0], "text so far is kept"));
    assert_int_equal(r->retries, 0);
    free(r);
    r = rec_new();
    assert_int_equal(run_one("ollama:disconnect", "", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think step by step.");
    expect_error(r, "ollama", "/api/chat", "connection broke");
    free(r);
}

static void test_garbage_json(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("openai:garbage", "/v1", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think");
    expect_error(r, "openai", "/v1/chat/completions", "malformed stream");
    assert_false(r->delta_after_done);
    free(r);
    r = rec_new();
    assert_int_equal(run_one("ollama:garbage", "", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think");
    expect_error(r, "ollama", "/api/chat", "not JSON");
    free(r);
}

static void test_not_a_stream(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("openai:html", "/v1", 1, r), 1);
    expect_error(r, "openai", "/v1/chat/completions", "not an event stream");
    assert_non_null(strstr(r->err[0][0], "<!DOCTYPE html>"));
    memset(r, 0, sizeof *r);
    assert_int_equal(run_one("ollama:html", "", 1, r), 1);
    expect_error(r, "ollama", "/api/chat", "not JSON");
    free(r);
}

static void test_500_then_ok(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    assert_int_equal(run_one("openai:500-then-ok", "/v1", 1, r), 0);
    assert_int_equal(r->retries, 1);
    assert_non_null(strstr(r->retry_why[0], "HTTP 500"));
    assert_non_null(strstr(r->retry_why[0], "fixture: internal error"));
    assert_int_equal(r->last_attempt, 1);       /* retry 1 of 4 */
    assert_int_equal(r->max_attempts, 4);
    assert_true(r->retry_delay[0] >= 0.05);
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    free(r);
}

static void test_retries_run_out(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("llamacpp:500-always", "/v1", 1, r), 1);
    assert_int_equal(r->retries, 4);                    /* the default */
    assert_int_equal(r->last_attempt, 4);
    for (int i = 1; i < 4; i++)                         /* doubling */
        assert_true(r->retry_delay[i] >= 1.9 * r->retry_delay[i - 1] * 0.8);
    expect_error(r, "llamacpp", "/v1/chat/completions", "HTTP 500 Internal Server Error");
    assert_non_null(strstr(r->err[0][0], "after 4 retries"));
    free(r);
}

static void test_429_retry_after(void **st)
{
    (void)st;
    reset_server();
    rec *r = rec_new();
    assert_int_equal(run_one("ollama:429", "", 1, r), 0);
    assert_int_equal(r->retries, 1);
    assert_true(r->retry_delay[0] >= 1.0);
    assert_non_null(strstr(r->retry_why[0], "429"));
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    free(r);
}

static void test_401_hides_key(void **st)
{
    (void)st;
    setenv("OPENAI_API_KEY", "sk-canary-123", 1);
    rec *r = rec_new();
    assert_int_equal(run_one("openai:401", "/v1", 1, r), 1);
    unsetenv("OPENAI_API_KEY");
    expect_error(r, "openai", "/v1/chat/completions", "HTTP 401 Unauthorized");
    assert_non_null(strstr(r->err[0][0], "OPENAI_API_KEY"));
    assert_null(strstr(r->err[0][0], "sk-canary"));
    assert_int_equal(r->res[0][0].http_status, 401);
    assert_int_equal(r->retries, 0);
    free(r);
}

static void test_404_model(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("ollama:404-model", "", 1, r), 1);
    expect_error(r, "ollama", "/api/chat", "model '404-model' not found");
    assert_non_null(strstr(r->err[0][0], "ollama pull 404-model"));
    assert_int_equal(r->res[0][0].http_status, 404);
    free(r);
}

static void test_stall_idle_timeout(void **st)
{
    (void)st;
    rec *r = rec_new();
    model *m = open_model("openai:stall", "/v1", 1.0);
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    assert_int_equal(run(m, &rq, 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think step");
    expect_error(r, "openai", "/v1/chat/completions", "idle timeout");
    model_close(m);
    free(r);
}

static void test_huge_line(void **st)
{
    (void)st;
    const char *specs[] = { "openai:hugeline", "ollama:hugeline" };
    const char *suffix[] = { "/v1", "" };
    for (int i = 0; i < 2; i++) {
        rec *r = rec_new();
        assert_int_equal(run_one(specs[i], suffix[i], 1, r), 1);
        assert_int_equal(r->res[0][0].finish, FINISH_ERROR);
        assert_non_null(strstr(r->err[0][0], "longer than 1048576 bytes"));
        assert_string_equal(r->text[0][0][CH_ANSWER], "");
        free(r);
    }
}

static void test_cancel_mid_stream(void **st)
{
    (void)st;
    rec *r = rec_new();
    r->cancel_after = 3;        /* the sink cancels after the third delta */
    assert_int_equal(run_one("openai:slow", "/v1", 3, r), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r->done[0][i], 1);
        assert_int_equal(r->res[0][i].finish, FINISH_CANCELLED);
    }
    assert_true(r->ndeltas >= 3 && r->ndeltas < 3 * 23);
    free(r);
}

static void *cancel_later(void *ud)
{
    rec *r = ud;
    struct timespec ts = { 0, 200 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    atomic_store(&r->cancel, 1);
    return NULL;
}

static void test_cancel_from_other_thread(void **st)
{
    (void)st;
    rec *r = rec_new();
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, r);
    assert_int_equal(run_one("ollama:stall", "", 2, r), 0);
    pthread_join(t, NULL);
    for (int i = 0; i < 2; i++)
        assert_int_equal(r->res[0][i].finish, FINISH_CANCELLED);
    free(r);
}

static void test_connection_refused(void **st)
{
    (void)st;
    const char *specs[] = { "openai:x", "ollama:x", "llamacpp" };
    const char *hint[] = { "is the server running", "ollama serve", "llama-server" };
    for (int i = 0; i < 3; i++) {
        char err[512];
        model_config cfg = { .spec = specs[i], .base_url = "http://127.0.0.1:1/v1",
                             .max_retries = -1, .retry_base_s = 0.01 };
        model *m = model_open(&cfg, err, sizeof err);
        assert_non_null(m);
        rec *r = rec_new();
        prompt p = chat_prompt();
        model_request rq = request(&p, 1);
        assert_int_equal(run(m, &rq, 1, r), 1);
        assert_int_equal(r->res[0][0].finish, FINISH_ERROR);
        assert_non_null(strstr(r->err[0][0], "127.0.0.1:1/v1"));
        assert_non_null(strstr(r->err[0][0], "could not connect"));
        assert_non_null(strstr(r->err[0][0], hint[i]));
        assert_int_equal(r->retries, 0);
        model_close(m);
        free(r);
    }
}

static void test_close_framing(void **st)
{
    (void)st;
    /* A server that ends streams by closing: a cut-off stream looks like a
     * normal end, and only the missing [DONE] / done line tells. */
    fixture s2;
    const char *args[] = { "--framing", "close", NULL };
    assert_int_equal(fixture_start(&s2, args), 0);
    fixture keep = srv;
    srv = s2;
    rec *r = rec_new();
    assert_int_equal(run_one("openai:cot", "/v1", 1, r), 0);
    assert_string_equal(r->text[0][0][CH_ANSWER], COT);
    free(r);
    r = rec_new();
    assert_int_equal(run_one("openai:disconnect", "/v1", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think step by step.");
    expect_error(r, "openai", "/v1/chat/completions", "stream ended before");
    free(r);
    r = rec_new();
    assert_int_equal(run_one("ollama:disconnect", "", 1, r), 1);
    expect_error(r, "ollama", "/api/chat", "stream ended before");
    free(r);
    srv = keep;
    fixture_stop(&s2);
}

static void test_linger_after_done(void **st)
{
    (void)st;
    /* The reply is complete but the server keeps the response open: the
     * sample still ends normally (after a short grace, not the idle
     * timeout of 5 s used here). */
    const char *specs[] = { "openai:linger", "ollama:linger" };
    const char *suffix[] = { "/v1", "" };
    rec *r = rec_new();
    for (int i = 0; i < 2; i++) {
        memset(r, 0, sizeof *r);
        assert_int_equal(run_one(specs[i], suffix[i], 1, r), 0);
        assert_string_equal(r->text[0][0][CH_ANSWER], COT);
        assert_int_equal(r->res[0][0].finish, FINISH_STOP);
    }
    free(r);
}

static void test_nostream_reply(void **st)
{
    (void)st;
    const char *specs[] = { "openai:nostream", "ollama:nostream" };
    const char *suffix[] = { "/v1", "" };
    rec *r = rec_new();
    for (int i = 0; i < 2; i++) {
        memset(r, 0, sizeof *r);
        assert_int_equal(run_one(specs[i], suffix[i], 1, r), 0);
        assert_string_equal(r->text[0][0][CH_ANSWER], COT);
        assert_int_equal(r->res[0][0].finish, FINISH_STOP);
        assert_int_equal(r->res[0][0].tokens_in, 42);
    }
    free(r);
}

static void test_error_in_stream(void **st)
{
    (void)st;
    rec *r = rec_new();
    assert_int_equal(run_one("openai:stream-error", "/v1", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think");
    expect_error(r, "openai", "/v1/chat/completions",
                 "the server reported an error: fixture: context length exceeded");
    memset(r, 0, sizeof *r);
    assert_int_equal(run_one("ollama:stream-error", "", 1, r), 1);
    assert_string_equal(r->text[0][0][CH_ANSWER], "Let's think");
    expect_error(r, "ollama", "/api/chat",
                 "the server reported an error: fixture: context length exceeded");
    free(r);
}

/* ---- base URLs and keys ---- */

/* The key at every offset around a cut of every size: neither the whole
 * key nor any 8 characters of it survive, and the cut still holds. */
static void test_redact_every_cut(void **st)
{
    (void)st;
    const char *key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF";
    size_t kl = strlen(key);
    for (size_t max = 20; max <= 300; max += 40)
        for (size_t off = 0; off < max + 4; off++) {
            char in[1024], out[400];
            memset(in, 'x', off);
            snprintf(in + off, sizeof in - off, "%s tail", key);
            redact_clip(out, sizeof out, in, strlen(in), max, key);
            assert_true(strlen(out) <= max + 3);
            for (size_t i = 0; i + 8 <= kl; i++) {
                char piece[9];
                memcpy(piece, key + i, 8);
                piece[8] = 0;
                if (strstr(out, piece))
                    fail_msg("cut %zu, key at %zu: \"%s\"", max, off, out);
            }
        }
    char out[64];
    redact_text(out, sizeof out, "a sk-proj-abcdefgh b", key);     /* a run of 16 */
    assert_string_equal(out, "a *** b");
    redact_text(out, sizeof out, "a sk-proj b", key);              /* 7: too short */
    assert_string_equal(out, "a sk-proj b");
}

/* model_open's verdict on spec at base (NULL: the backend's default). */
static int opens(const char *spec, const char *base, int insecure, char *err, size_t cap)
{
    model_config cfg = { .spec = spec, .base_url = base, .max_retries = -1,
                         .insecure = insecure };
    model *m = model_open(&cfg, err, cap);
    model_close(m);
    return m != NULL;
}

static void test_base_url_checked(void **st)
{
    (void)st;
    char err[512];
    static const char *const specs[] = { "openai:x", "llamacpp", "ollama:x", "anthropic:x" };
    for (size_t i = 0; i < 4; i++) {
        /* "http://" once became the host "chat" of ".../chat/completions". */
        assert_false(opens(specs[i], "http://", 0, err, sizeof err));
        assert_non_null(strstr(err, "names no host"));
        assert_false(opens(specs[i], "ftp://127.0.0.1/v1", 0, err, sizeof err));
        assert_non_null(strstr(err, "must start with http:// or https://"));
        assert_false(opens(specs[i], "127.0.0.1:8080", 0, err, sizeof err));
        assert_true(opens(specs[i], "http://127.0.0.1:8080/v1", 0, err, sizeof err));
    }
    /* The environment's URL is checked too. */
    setenv("OPENAI_BASE_URL", "http:///v1", 1);
    assert_false(opens("openai:x", NULL, 0, err, sizeof err));
    unsetenv("OPENAI_BASE_URL");
    setenv("OLLAMA_HOST", "ftp://h", 1);
    assert_false(opens("ollama:x", NULL, 0, err, sizeof err));
    unsetenv("OLLAMA_HOST");
}

/* A key goes over plain http only to this machine, or with --insecure. */
static void test_key_not_sent_in_clear(void **st)
{
    (void)st;
    char err[512];
    setenv("OPENAI_API_KEY", "sk-test-clear-text-0123456789", 1);
    setenv("ANTHROPIC_API_KEY", "sk-ant-clear-text-0123456789", 1);
    assert_false(opens("openai:x", "http://example.com/v1", 0, err, sizeof err));
    assert_non_null(strstr(err, "refusing to send an API key in clear text to example.com"));
    assert_non_null(strstr(err, "--insecure"));
    assert_false(opens("anthropic:x", "http://example.com", 0, err, sizeof err));
    assert_true(opens("openai:x", "http://example.com/v1", 1, err, sizeof err));
    assert_true(opens("openai:x", "https://example.com/v1", 0, err, sizeof err));
    assert_true(opens("openai:x", "http://localhost:8080/v1", 0, err, sizeof err));
    assert_true(opens("openai:x", "http://[::1]:8080/v1", 0, err, sizeof err));
    /* user@host is not the host "127.0.0.1" */
    assert_false(opens("openai:x", "http://127.0.0.1@example.com/v1", 0, err, sizeof err));
    /* llamacpp takes no OPENAI_API_KEY, so it may talk plain http anywhere. */
    assert_true(opens("llamacpp", "http://example.com/v1", 0, err, sizeof err));
    unsetenv("OPENAI_API_KEY");
    unsetenv("ANTHROPIC_API_KEY");
    assert_true(opens("openai:x", "http://example.com/v1", 0, err, sizeof err));
}

/* -m llamacpp must not hand OPENAI_API_KEY to llama-server; a key_env
 * named for it in the config is sent. */
static void test_llamacpp_no_openai_key(void **st)
{
    (void)st;
    char url[160], err[512];
    snprintf(url, sizeof url, "%s/v1", srv.base);
    setenv("OPENAI_API_KEY", "sk-openai-only-0123456789", 1);
    setenv("LLAMA_KEY_FOR_TEST", "llama-key-0123456789", 1);
    for (int named = 0; named < 2; named++) {
        model_config cfg = { .spec = "llamacpp:cot", .base_url = url, .max_retries = -1,
                             .key_env = named ? "LLAMA_KEY_FOR_TEST" : NULL };
        model *m = model_open(&cfg, err, sizeof err);
        assert_non_null(m);
        rec *r = rec_new();
        prompt p = chat_prompt();
        model_request rq = request(&p, 1);
        assert_int_equal(run(m, &rq, 1, r), 0);
        model_close(m);
        free(r);
        cJSON *stats = server_json("/stats");
        const cJSON *auth = cJSON_GetObjectItem(cJSON_GetObjectItem(stats, "last_headers"),
                                                "authorization");
        if (named)
            assert_string_equal(cJSON_GetStringValue(auth), "Bearer llama-key-0123456789");
        else
            assert_null(auth);
        cJSON_Delete(stats);
    }
    unsetenv("OPENAI_API_KEY");
    unsetenv("LLAMA_KEY_FOR_TEST");
}

/* Out of file descriptors is this machine's trouble, not a server that
 * refuses connections. In a child, so the limit stays there. */
static void test_out_of_fds(void **st)
{
    (void)st;
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        char url[160], err[512];
        snprintf(url, sizeof url, "%s/v1", srv.base);
        model_config cfg = { .spec = "openai:cot", .base_url = url, .max_retries = 0 };
        model *m = model_open(&cfg, err, sizeof err);
        struct rlimit rl = { 64, 64 };
        setrlimit(RLIMIT_NOFILE, &rl);
        while (dup(0) >= 0)
            ;                               /* every descriptor taken */
        rec *r = m ? rec_new() : NULL;
        prompt p = chat_prompt();
        model_request rq = request(&p, 1);
        if (r)
            run(m, &rq, 1, r);
        const char *msg = r ? r->err[0][0] : err;
        if (write(fd[1], msg, strlen(msg)) < 0)
            _exit(2);
        _exit(0);
    }
    close(fd[1]);
    char msg[1024] = "";
    size_t n = 0;
    ssize_t k;
    while ((k = read(fd[0], msg + n, sizeof msg - 1 - n)) > 0)
        n += (size_t)k;
    msg[n] = 0;
    close(fd[0]);
    waitpid(pid, NULL, 0);
    if (!strstr(msg, "Too many open files") || !strstr(msg, "ulimit -n") ||
        strstr(msg, "refused") || strstr(msg, "is the server running"))
        fail_msg("out of descriptors reads \"%s\"", msg);
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
        cmocka_unit_test(test_disconnect_keeps_partial),
        cmocka_unit_test(test_garbage_json),
        cmocka_unit_test(test_not_a_stream),
        cmocka_unit_test(test_500_then_ok),
        cmocka_unit_test(test_retries_run_out),
        cmocka_unit_test(test_429_retry_after),
        cmocka_unit_test(test_401_hides_key),
        cmocka_unit_test(test_404_model),
        cmocka_unit_test(test_stall_idle_timeout),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_cancel_mid_stream),
        cmocka_unit_test(test_cancel_from_other_thread),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_close_framing),
        cmocka_unit_test(test_linger_after_done),
        cmocka_unit_test(test_nostream_reply),
        cmocka_unit_test(test_error_in_stream),
        cmocka_unit_test(test_redact_every_cut),
        cmocka_unit_test(test_base_url_checked),
        cmocka_unit_test(test_key_not_sent_in_clear),
        cmocka_unit_test(test_llamacpp_no_openai_key),
        cmocka_unit_test(test_out_of_fds),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
