/* test_faults: every HTTP backend (openai, llamacpp, ollama, anthropic)
 * against every fault, one table row per (backend, fault), each pinning
 * the whole outcome: model_generate's count of errors, on_done's finish
 * (exactly once, no delta after it), the answer text exactly (the part
 * kept before a mid-stream failure), the retries announced and what they
 * say, the error's words and its HTTP status. A canary key sits in every
 * backend's key variable for every row (ollama has none; OLLAMA_API_KEY
 * is set to show nothing reads it) and must reach no callback.
 *
 * The faults are server.py's scenarios, plus "refused" (127.0.0.1:1) and
 * "dns" (https://ponder-no-such-host.invalid: https, since a key goes over
 * plain http only to this machine). "drip" sends only the first 40
 * body bytes one at a time, 100 ms apart, and the rest at once: the
 * parsers still see one-byte reads, and the suite stays fast.
 *
 * Nothing here asserts on time. garbage10m asserts on memory: peak RSS
 * may grow by at most GARBAGE_RSS_KB while 10 MB of garbage arrives; and
 * against an endless stream, whose sample the cap ends, the process's peak
 * RSS stays under ENDLESS_RSS_KB while the sink keeps every byte.
 * PONDER_FAULTS_SHOW=1 prints each row's outcome. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "models/model.h"
#include "tests/fixtures/model_rec.h"

#define CANARY "sk-canary-faults-31337-never-shown"
#define GARBAGE_RSS_KB (8 * 1024)   /* the cap on a line is 1 MiB */
#define ENDLESS_RSS_KB (64 * 1024)  /* peak RSS against an endless stream */
#define DRIP_DEADLINE_S 2.0
/* ASan's shadow memory and quarantine make any RSS bound meaningless. */
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

/* The badutf8 reply as a sink sees it: bad bytes are U+FFFD, a character
 * split across deltas is whole, NUL and ESC are dropped (the text after a
 * NUL is kept). */
#define CLEAN "caf\xC3\xA9 costs 5 \xE2\x82\xAC; bad \xEF\xBF\xBD\xEF\xBF\xBD" \
              " byte nulhere esc[31m red. " FINAL

typedef struct {
    const char *backend;        /* openai | llamacpp | ollama | anthropic */
    const char *fault;          /* a server.py scenario, "refused" or "dns" */
    int errors;                 /* model_generate's return */
    model_finish finish;
    int retries;                /* on_retry calls */
    const char *retry_has;      /* in each retry's message */
    double min_delay;           /* each retry's delay at least (Retry-After) */
    const char *text;           /* the answer channel, exactly */
    int status;                 /* model_result.http_status: 200 when the
                                   stream broke after a 200 */
    const char *has[3];         /* words the error holds, after "BACKEND at URL" */
    const char *lacks;          /* words the error must not hold, or NULL */
} fault_row;

#define OK(b, f) { b, f, 0, FINISH_STOP, 0, NULL, 0, COT, 0, { NULL }, NULL }
#define RETRY(b, f, why, delay) { b, f, 0, FINISH_STOP, 1, why, delay, COT, 0, { NULL }, NULL }
#define FAIL(b, f, text, status, ...) { b, f, 1, FINISH_ERROR, 0, NULL, 0, text, status, \
                                        { __VA_ARGS__ }, NULL }

/* An endless stream: the sample's own cap (MODEL_MAX_REPLY_BYTES) ends it
 * as a length finish; text NULL: the answer is long, "All work ..." */
#define ENDLESS(b) { b, "endless", 0, FINISH_LENGTH, 0, NULL, 0, NULL, 0, { NULL }, NULL }
/* Keep-alives more often than the idle timeout: the reply deadline
 * (DRIP_DEADLINE_S here) ends it. */
#define DRIP(b) FAIL(b, "comment-drip", PART2, 200, \
                     "no complete reply within 2 s (the reply deadline)", KEPT)
/* Compressed bytes are no stream, and no base URL is to blame. */
#define GZIP(b) { b, "gzip", 1, FINISH_ERROR, 0, NULL, 0, "", 200, \
                  { "the reply is gzip-compressed", "reach the server directly" }, \
                  "check the base URL" }
#define ECHO(b, f, text, status, what) FAIL(b, f, text, status, what, "***")

#define KEPT "the text so far is kept"
#define R429 "HTTP 429 Too Many Requests: fixture: slow down"
#define R500 "HTTP 500 Internal Server Error: fixture: internal error"
#define R502 "HTTP 502 Bad Gateway: fixture: bad gateway"
#define R503 "HTTP 503 Service Unavailable: fixture: unavailable"
#define RESOLVE "cannot resolve the host name"
#define RESET "the connection broke after"
#define IDLE "no data for 1 s (idle timeout)"
#define CUT "the stream ended before the reply was complete"
#define LONG_SSE "malformed stream: SSE line longer than 1048576 bytes"
#define LONG_ND "malformed stream: JSON line longer than 1048576 bytes"
#define PART5 "Let's think step by step."
#define PART3 "Let's think step"
#define PART2 "Let's think"

static const fault_row ROWS[] = {
    FAIL("openai", "refused", "", 0, "could not connect: connection refused", "is the server running at"),
    FAIL("llamacpp", "refused", "", 0, "could not connect: connection refused", "is llama-server running?"),
    FAIL("ollama", "refused", "", 0, "could not connect: connection refused", "is Ollama running?"),
    FAIL("anthropic", "refused", "", 0, "could not connect: connection refused", "is the server running at"),

    FAIL("openai", "dns", "", 0, RESOLVE, "check the base URL"),
    FAIL("llamacpp", "dns", "", 0, RESOLVE, "check the base URL"),
    FAIL("ollama", "dns", "", 0, RESOLVE, "check OLLAMA_HOST or --base-url"),
    FAIL("anthropic", "dns", "", 0, RESOLVE, "check the base URL"),

    FAIL("openai", "reset", PART5, 200, RESET, "Connection reset by peer", KEPT),
    FAIL("llamacpp", "reset", PART5, 200, RESET, "Connection reset by peer", KEPT),
    FAIL("ollama", "reset", PART5, 200, RESET, "Connection reset by peer", KEPT),
    FAIL("anthropic", "reset", PART5, 200, RESET, "Connection reset by peer", KEPT),

    FAIL("openai", "stall", PART3, 200, IDLE, KEPT),
    FAIL("llamacpp", "stall", PART3, 200, IDLE, KEPT),
    FAIL("ollama", "stall", PART3, 200, IDLE, KEPT),
    FAIL("anthropic", "stall", PART3, 200, IDLE, KEPT),

    OK("openai", "drip"), OK("llamacpp", "drip"), OK("ollama", "drip"), OK("anthropic", "drip"),

    RETRY("openai", "429", R429, 1.0), RETRY("llamacpp", "429", R429, 1.0),
    RETRY("ollama", "429", R429, 1.0), RETRY("anthropic", "429", R429, 1.0),

    RETRY("openai", "500-then-ok", R500, 0.05), RETRY("llamacpp", "500-then-ok", R500, 0.05),
    RETRY("ollama", "500-then-ok", R500, 0.05), RETRY("anthropic", "500-then-ok", R500, 0.05),

    RETRY("openai", "502-then-ok", R502, 0.05), RETRY("llamacpp", "502-then-ok", R502, 0.05),
    RETRY("ollama", "502-then-ok", R502, 0.05), RETRY("anthropic", "502-then-ok", R502, 0.05),

    RETRY("openai", "503-then-ok", R503, 0.05), RETRY("llamacpp", "503-then-ok", R503, 0.05),
    RETRY("ollama", "503-then-ok", R503, 0.05), RETRY("anthropic", "503-then-ok", R503, 0.05),

    FAIL("openai", "401", "", 401, "HTTP 401 Unauthorized",
         "check OPENAI_API_KEY (the server rejected the key)"),
    /* llamacpp sends no OPENAI_API_KEY: only a key_env in [llamacpp]. */
    FAIL("llamacpp", "401", "", 401, "HTTP 401 Unauthorized",
         "this server wants a key: name its variable in key_env under [llamacpp]"),
    FAIL("ollama", "401", "", 401, "HTTP 401 Unauthorized",
         "the ollama backend sends no key"),
    FAIL("anthropic", "401", "", 401, "HTTP 401 Unauthorized",
         "check ANTHROPIC_API_KEY (the server rejected the key)"),

    FAIL("openai", "404-model", "", 404, "HTTP 404 Not Found: model '404-model' not found",
         "check the model name \"404-model\""),
    FAIL("llamacpp", "404-model", "", 404, "HTTP 404 Not Found: model '404-model' not found",
         "check the model name \"404-model\""),
    FAIL("ollama", "404-model", "", 404, "HTTP 404 Not Found: model '404-model' not found",
         "try `ollama pull 404-model`"),
    FAIL("anthropic", "404-model", "", 404, "HTTP 404 Not Found: model: 404-model",
         "check the model name \"404-model\""),

    FAIL("openai", "truncated", PART2, 200, "malformed stream: a data line is not JSON",
         "(\"{\"object\":\"chat.completion.chunk\""),
    FAIL("llamacpp", "truncated", PART2, 200, "malformed stream: a data line is not JSON",
         "(\"{\"object\":\"chat.completion.chunk\""),
    FAIL("ollama", "truncated", PART2, 200, "malformed stream: a line is not JSON",
         "(\"{\"model\":\"fixture\""),
    FAIL("anthropic", "truncated", PART2, 200, "malformed stream: an event's data is not JSON",
         "(\"{\"type\":\"content_block_delt\")"),

    FAIL("openai", "garbage10m", "", 200, LONG_SSE),
    FAIL("llamacpp", "garbage10m", "", 200, LONG_SSE),
    FAIL("ollama", "garbage10m", "", 200, LONG_ND),
    FAIL("anthropic", "garbage10m", "", 200, LONG_SSE),

    { "openai", "badutf8", 0, FINISH_STOP, 0, NULL, 0, CLEAN, 0, { NULL }, NULL },
    { "llamacpp", "badutf8", 0, FINISH_STOP, 0, NULL, 0, CLEAN, 0, { NULL }, NULL },
    { "ollama", "badutf8", 0, FINISH_STOP, 0, NULL, 0, CLEAN, 0, { NULL }, NULL },
    { "anthropic", "badutf8", 0, FINISH_STOP, 0, NULL, 0, CLEAN, 0, { NULL }, NULL },

    /* No stop reason and no end marker: the text may be cut, so it is kept
     * and the sample ends in error. */
    FAIL("openai", "nodone", COT, 200, CUT, "(no finish_reason or [DONE])", KEPT),
    FAIL("llamacpp", "nodone", COT, 200, CUT, "(no finish_reason or [DONE])", KEPT),
    FAIL("ollama", "nodone", COT, 200, CUT, "(no \"done\":true line)", KEPT),
    FAIL("anthropic", "nodone", COT, 200, CUT, "(no message_stop)", KEPT),

    /* The stop reason came, only the end marker is missing: the reply is
     * whole. (For Ollama the "done":true line is both.) */
    OK("openai", "nomarker"), OK("llamacpp", "nomarker"),
    OK("ollama", "nomarker"), OK("anthropic", "nomarker"),

    ENDLESS("openai"), ENDLESS("llamacpp"), ENDLESS("ollama"), ENDLESS("anthropic"),
    DRIP("openai"), DRIP("llamacpp"), DRIP("ollama"), DRIP("anthropic"),
    GZIP("openai"), GZIP("llamacpp"), GZIP("ollama"), GZIP("anthropic"),

    /* The key echoed across each place a message is cut (200 bytes of an
     * error body, 300 / 240 of an in-stream error, 60 of a line that is
     * not JSON): no 8 characters of it may show. llamacpp and ollama send
     * no key, so there is nothing to echo. */
    ECHO("openai", "keyecho-status", "", 400, "HTTP 400 Bad Request: xxx"),
    ECHO("openai", "keyecho-stream", "Let's", 200, "the server reported an error: yyy"),
    ECHO("openai", "keyecho-line", "Let's", 200, "a data line is not JSON"),
    ECHO("anthropic", "keyecho-status", "", 400, "HTTP 400 Bad Request: xxx"),
    ECHO("anthropic", "keyecho-stream", "Let's", 200, "the server reported an error: api_error: yyy"),
    ECHO("anthropic", "keyecho-line", "Let's", 200, "an event's data is not JSON"),
};
#define N_ROWS (sizeof ROWS / sizeof *ROWS)

static const char *suffix_of(const char *backend)
{
    return !strcmp(backend, "ollama") || !strcmp(backend, "anthropic") ? "" : "/v1";
}

static const char *path_of(const char *backend)
{
    return !strcmp(backend, "ollama") ? "/api/chat"
         : !strcmp(backend, "anthropic") ? "/v1/messages" : "/v1/chat/completions";
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Fails if s holds any 8 consecutive characters of the canary. */
static void no_piece(const char *s)
{
    size_t n = strlen(CANARY);
    for (size_t i = 0; i + 8 <= n; i++) {
        char piece[9];
        memcpy(piece, CANARY + i, 8);
        piece[8] = 0;
        if (strstr(s, piece))
            fail_msg("\"%s\" shows \"%s\" of the key", s, piece);
    }
}

static void no_canary(const rec *r)
{
    for (int ch = 0; ch < 2; ch++)
        no_piece(r->text[0][0][ch]);
    no_piece(r->err[0][0]);
    no_piece(r->notice);
    for (int i = 0; i < r->retries && i < 8; i++)
        no_piece(r->retry_why[i]);
}

/* The sink of a strategy keeps every byte of every sample; so does this
 * one for the endless rows, so that peak RSS measures what a run would. */
typedef struct {
    rec *r;
    char *all;
    size_t len;
} keeper;

static void keep_delta(void *ud, int req, int sample, channel ch, const char *t,
                       int tokens, double lp)
{
    keeper *k = ud;
    size_t n = strlen(t);
    char *nb = realloc(k->all, k->len + n + 1);
    assert_non_null(nb);
    memcpy(nb + k->len, t, n + 1);
    k->all = nb;
    k->len += n;
    on_delta(k->r, req, sample, ch, t, tokens, lp);
}

static void keep_done(void *ud, int req, int sample, const model_result *res)
{
    on_done(((keeper *)ud)->r, req, sample, res);
}

static void keep_retry(void *ud, int req, int attempt, int max, double delay, const char *why)
{
    on_retry(((keeper *)ud)->r, req, attempt, max, delay, why);
}

static void keep_notice(void *ud, int req, const char *msg)
{
    on_notice(((keeper *)ud)->r, req, msg);
}

static void show(const fault_row *row, const rec *r, size_t kept)
{
    if (!getenv("PONDER_FAULTS_SHOW"))
        return;
    static const char *fin[] = { "stop", "length", "cancelled", "error" };
    char text[80];
    snprintf(text, sizeof text, "%.60s%s", r->text[0][0][CH_ANSWER],
             strlen(r->text[0][0][CH_ANSWER]) > 60 ? "..." : "");
    printf("| %s | %s | %s, %d retr%s%s%s | \"%s\" | %s |", row->backend, row->fault,
           fin[r->res[0][0].finish], r->retries, r->retries == 1 ? "y" : "ies",
           r->retries ? ": " : "", r->retries ? r->retry_why[0] : "", text, r->err[0][0]);
    if (!strcmp(row->fault, "endless"))
        printf(" %zu bytes kept, peak RSS %.1f MB |", kept, peak_rss_kb() / 1024.0);
    printf("\n");
}

static void test_row(void **state)
{
    const fault_row *row = *state;
    char spec[96], base[160], prefix[256], err[512];
    snprintf(spec, sizeof spec, "%s:%s", row->backend, row->fault);
    const char *host = !strcmp(row->fault, "refused") ? "http://127.0.0.1:1"
                     : !strcmp(row->fault, "dns") ? "https://ponder-no-such-host.invalid"
                     : srv.base;
    snprintf(base, sizeof base, "%s%s", host, suffix_of(row->backend));
    snprintf(prefix, sizeof prefix, "%s at %s%s", row->backend, host, path_of(row->backend));
    reset_server();     /* the one-shot faults count from here */

    model_config cfg = { .spec = spec, .base_url = base, .max_retries = -1,
                         /* short, in case this machine's resolver is slow */
                         .connect_timeout_s = !strcmp(row->fault, "dns") ? 2 : 5,
                         .retry_base_s = 0.05,
                         .idle_timeout_s = !strcmp(row->fault, "stall") ? 1 : 10,
                         .reply_timeout_s = !strcmp(row->fault, "comment-drip")
                                            ? DRIP_DEADLINE_S : 0 };
    model *m = model_open(&cfg, err, sizeof err);
    if (!m)
        fail_msg("model_open(%s): %s", spec, err);
    rec *r = rec_new();
    prompt p = chat_prompt();
    model_request rq = request(&p, 1);
    long rss0 = peak_rss_kb();
    keeper k = { .r = r };
    model_sink sink = { &k, keep_delta, keep_done, keep_retry, keep_notice };
    int errors = model_generate(m, &rq, 1, &sink, &r->cancel);
    long grew = peak_rss_kb() - rss0;
    model_close(m);
    show(row, r, k.len);
    free(k.all);

    assert_int_equal(errors, row->errors);
    assert_int_equal(r->done[0][0], 1);
    assert_false(r->delta_after_done);
    assert_int_equal(r->res[0][0].finish, row->finish);
    if (row->text)
        assert_string_equal(r->text[0][0][CH_ANSWER], row->text);
    else if (strncmp(r->text[0][0][CH_ANSWER], "All work", 8) || k.len < MODEL_MAX_REPLY_BYTES)
        fail_msg("the endless reply kept %zu bytes, not the cap's %zu", k.len,
                 (size_t)MODEL_MAX_REPLY_BYTES);
    assert_string_equal(r->text[0][0][CH_THINKING], "");
    assert_false(r->zero_byte);
    assert_int_equal(r->retries, row->retries);
    for (int i = 0; i < r->retries && i < 8; i++) {
        if (!strstr(r->retry_why[i], row->retry_has))
            fail_msg("retry \"%s\" lacks \"%s\"", r->retry_why[i], row->retry_has);
        assert_true(r->retry_delay[i] >= row->min_delay);
    }
    assert_int_equal(r->res[0][0].http_status, row->status);
    if (row->errors) {
        if (strncmp(r->err[0][0], prefix, strlen(prefix)))
            fail_msg("error \"%s\" does not start \"%s\"", r->err[0][0], prefix);
        for (int i = 0; i < 3 && row->has[i]; i++)
            if (!strstr(r->err[0][0], row->has[i]))
                fail_msg("error \"%s\" lacks \"%s\"", r->err[0][0], row->has[i]);
        if (row->lacks && strstr(r->err[0][0], row->lacks))
            fail_msg("error \"%s\" holds \"%s\"", r->err[0][0], row->lacks);
    } else {
        assert_string_equal(r->err[0][0], "");
    }
    no_canary(r);
    if (!strcmp(row->fault, "garbage10m") && grew > GARBAGE_RSS_KB)
        fail_msg("peak RSS grew %ld KB reading 10 MB of garbage (bound %d KB)",
                 grew, GARBAGE_RSS_KB);
    if (!strcmp(row->fault, "endless") && !SANITIZED && peak_rss_kb() > ENDLESS_RSS_KB)
        fail_msg("peak RSS %ld KB against an endless stream (bound %d KB)",
                 peak_rss_kb(), ENDLESS_RSS_KB);
    free(r);
}

static int group_setup(void **st)
{
    (void)st;
    signal(SIGPIPE, SIG_IGN);
    setenv("OPENAI_API_KEY", CANARY, 1);
    setenv("ANTHROPIC_API_KEY", CANARY, 1);
    setenv("OLLAMA_API_KEY", CANARY, 1);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return fixture_start(&srv, NULL);
}

static int group_teardown(void **st)
{
    (void)st;
    fixture_stop(&srv);
    unsetenv("OPENAI_API_KEY");
    unsetenv("ANTHROPIC_API_KEY");
    unsetenv("OLLAMA_API_KEY");
    return 0;
}

int main(void)
{
    static struct CMUnitTest tests[N_ROWS];
    static char names[N_ROWS][64];
    for (size_t i = 0; i < N_ROWS; i++) {
        snprintf(names[i], sizeof names[i], "%s/%s", ROWS[i].backend, ROWS[i].fault);
        tests[i] = (struct CMUnitTest){ .name = names[i], .test_func = test_row,
                                        .initial_state = (void *)&ROWS[i] };
    }
    return _cmocka_run_group_tests("test_faults", tests, N_ROWS, group_setup,
                                   group_teardown);
}
