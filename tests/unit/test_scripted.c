/* The scripted backend (models/scripted.c): rule matching and order,
 * per-rule reply counters across a batch and across calls, streaming
 * (chunks, UTF-8, interleaving, thinking), stop strings, max_tokens,
 * logprobs, errors, cancel, the prompt log, and file errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "models/scripted.h"

/* ---- helpers ---- */

/* Writes json to a new temp file; its path goes in path. */
static void write_temp(const char *json, char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, cap, "%s/test_scripted.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(json);
    assert_int_equal(write(fd, json, n), (ssize_t)n);
    close(fd);
}

/* Opens a scripted model on json; NULL with the message in err on failure.
 * The file is read at open, so it is removed at once. */
static model *open_json(const char *json, char *err, size_t errlen)
{
    char path[512], spec[600];
    write_temp(json, path, sizeof path);
    snprintf(spec, sizeof spec, "scripted:%s", path);
    model_config cfg = { .spec = spec, .max_retries = -1 };
    model *m = model_open(&cfg, err, errlen);
    unlink(path);
    return m;
}

static model *must_open(const char *json)
{
    char err[512] = "";
    model *m = open_json(json, err, sizeof err);
    if (!m)
        fail_msg("open failed: %s", err);
    return m;
}

enum { MAXR = 4, MAXS = 4, MAXD = 256 };

typedef struct {
    char text[MAXR][MAXS][2][512];      /* [req][sample][channel] */
    int done[MAXR][MAXS];
    model_result res[MAXR][MAXS];
    char error[MAXR][MAXS][256];
    double delta_lp[MAXR][MAXS];        /* sum of the deltas' logprobs */
    /* every delta and done, in order: req * 100 + sample * 10 + (done ? 9 : ch) */
    int order[MAXD];
    char chunk[MAXD][16];
    int n;
    int deltas;
    atomic_int *cancel_after;           /* set after this many deltas... */
    int cancel_at;
} rec;

static void on_delta(void *ud, int req, int s, channel ch, const char *t, int tokens, double lp)
{
    rec *r = ud;
    assert_int_equal(tokens, 1);
    assert_false(r->done[req][s]);
    size_t have = strlen(r->text[req][s][ch]);
    snprintf(r->text[req][s][ch] + have, sizeof r->text[req][s][ch] - have, "%s", t);
    r->delta_lp[req][s] += lp;
    if (r->n < MAXD) {
        snprintf(r->chunk[r->n], sizeof r->chunk[r->n], "%s", t);
        r->order[r->n++] = req * 100 + s * 10 + (int)ch;
    }
    if (r->cancel_after && ++r->deltas == r->cancel_at)
        atomic_store(r->cancel_after, 1);
}

static void on_done(void *ud, int req, int s, const model_result *res)
{
    rec *r = ud;
    assert_false(r->done[req][s]);
    r->done[req][s] = 1;
    r->res[req][s] = *res;
    snprintf(r->error[req][s], sizeof r->error[req][s], "%s", res->error ? res->error : "");
    if (r->n < MAXD)
        r->order[r->n++] = req * 100 + s * 10 + 9;
}

static const char *answer(const rec *r, int req, int s)
{
    return r->text[req][s][CH_ANSWER];
}

static void raw_prompt(prompt *p, const char *text)
{
    memset(p, 0, sizeof *p);
    p->raw = (char *)text;
}

/* Runs one raw request of n samples; returns model_generate's result. */
static int ask(model *m, rec *r, const char *text, int n, int max_tokens)
{
    prompt p;
    raw_prompt(&p, text);
    model_request rq = { .prompt = &p, .n = n, .max_tokens = max_tokens, .seed = -1 };
    model_sink sink = { .ud = r, .on_delta = on_delta, .on_done = on_done };
    memset(r, 0, sizeof *r);
    return model_generate(m, &rq, 1, &sink, NULL);
}

/* ---- matching ---- */

static void test_first_rule_wins(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": ["
        "{\"contains\": \"Step:\", \"suffix\": \"13 Step:\", \"replies\": [\"specific\"]},"
        "{\"contains\": \"Step:\", \"replies\": [\"general\"]},"
        "{\"suffix\": \"Step:\", \"replies\": [\"never\"]}]}");
    rec r;
    assert_int_equal(ask(m, &r, "Numbers: 4 9 10 13 Step:", 1, 0), 0);
    assert_string_equal(answer(&r, 0, 0), "specific");
    ask(m, &r, "Numbers: 4 9 10 12 Step:", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "general");
    model_close(m);

    /* The same rules the other way round: the general one shadows. */
    m = must_open("{\"rules\": ["
        "{\"contains\": \"Step:\", \"replies\": [\"general\"]},"
        "{\"suffix\": \"13 Step:\", \"replies\": [\"specific\"]}]}");
    ask(m, &r, "Numbers: 4 9 10 13 Step:", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "general");
    model_close(m);
}

static void test_prefix_suffix_contains(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": ["
        "{\"prefix\": \"Question:\", \"contains\": \"step\", \"replies\": [\"both\"]},"
        "{\"prefix\": \"Question:\", \"replies\": [\"prefix\"]},"
        "{\"suffix\": \"Value:  \\n\", \"replies\": [\"suffix\"]},"
        "{\"contains\": \"apples\", \"replies\": [\"contains\"]},"
        "{\"replies\": [\"catch-all\"]}]}");
    rec r;
    ask(m, &r, "Question: one step at a time", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "both");
    ask(m, &r, "Question: just this", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "prefix");
    ask(m, &r, "  Question: step (not a prefix)", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "catch-all");
    /* Trailing whitespace is trimmed on both sides of a suffix. */
    ask(m, &r, "Is 24 reachable? Value:", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "suffix");
    ask(m, &r, "Is 24 reachable? Value: \t\n\n", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "suffix");
    ask(m, &r, "Value: is not at the end", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "catch-all");
    ask(m, &r, "3 apples", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "contains");
    /* A suffix longer than the prompt. */
    ask(m, &r, "e:", 1, 0);
    assert_string_equal(answer(&r, 0, 0), "catch-all");
    model_close(m);
}

static void test_chat_and_raw(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": ["
        "{\"contains\": \"You are a tutor.\\nWhat is 2+2?\", \"replies\": [\"chat\"]},"
        "{\"prefix\": \"What is\", \"replies\": [\"raw\"]}]}");
    prompt chat = { .n_msgs = 3 };
    chat.msgs[0] = (prompt_msg){ ROLE_SYSTEM, "You are a tutor." };
    chat.msgs[1] = (prompt_msg){ ROLE_USER, "What is 2+2?" };
    chat.msgs[2] = (prompt_msg){ ROLE_ASSISTANT, "Let me see." };
    prompt raw;
    raw_prompt(&raw, "What is 2+2?");
    model_request rq[2] = {
        { .prompt = &chat, .n = 1, .seed = -1 },
        { .prompt = &raw, .n = 1, .seed = -1 },
    };
    rec r;
    memset(&r, 0, sizeof r);
    model_sink sink = { .ud = &r, .on_delta = on_delta, .on_done = on_done };
    assert_int_equal(model_generate(m, rq, 2, &sink, NULL), 0);
    assert_string_equal(answer(&r, 0, 0), "chat");
    assert_string_equal(answer(&r, 1, 0), "raw");
    assert_int_equal(scripted_calls(m), 2);
    assert_string_equal(scripted_prompt(m, 0), "You are a tutor.\nWhat is 2+2?\nLet me see.");
    assert_string_equal(scripted_prompt(m, 1), "What is 2+2?");
    model_close(m);
}

/* ---- counters and the prompt log ---- */

static void test_counters(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": ["
        "{\"suffix\": \"Step:\", \"replies\": [\"a\", \"b\", \"c\"]},"
        "{\"suffix\": \"Value:\", \"replies\": [\"x\", \"y\"]}]}");
    prompt p0, p1, p2;
    raw_prompt(&p0, "first Step:");
    raw_prompt(&p1, "second Step:");
    raw_prompt(&p2, "Value:");
    /* Request 0's three samples, then request 1's two: a b c, then a b. */
    model_request rq[3] = {
        { .prompt = &p0, .n = 3, .seed = -1 },
        { .prompt = &p2, .n = 1, .seed = -1 },
        { .prompt = &p1, .n = 2, .seed = -1 },
    };
    rec r;
    memset(&r, 0, sizeof r);
    model_sink sink = { .ud = &r, .on_delta = on_delta, .on_done = on_done };
    assert_int_equal(model_generate(m, rq, 3, &sink, NULL), 0);
    assert_string_equal(answer(&r, 0, 0), "a");
    assert_string_equal(answer(&r, 0, 1), "b");
    assert_string_equal(answer(&r, 0, 2), "c");
    assert_string_equal(answer(&r, 1, 0), "x");
    assert_string_equal(answer(&r, 2, 0), "a");
    assert_string_equal(answer(&r, 2, 1), "b");
    for (int q = 0; q < 3; q++)
        for (int s = 0; s < rq[q].n; s++)
            assert_int_equal(r.res[q][s].finish, FINISH_STOP);

    /* The counters live as long as the model. */
    ask(m, &r, "third Step:", 2, 0);
    assert_string_equal(answer(&r, 0, 0), "c");
    assert_string_equal(answer(&r, 0, 1), "a");
    ask(m, &r, "Value:", 2, 0);
    assert_string_equal(answer(&r, 0, 0), "y");
    assert_string_equal(answer(&r, 0, 1), "x");

    const char *want[] = { "first Step:", "first Step:", "first Step:", "Value:",
                           "second Step:", "second Step:", "third Step:", "third Step:",
                           "Value:", "Value:" };
    assert_int_equal(scripted_calls(m), 10);
    for (int i = 0; i < 10; i++)
        assert_string_equal(scripted_prompt(m, i), want[i]);
    assert_null(scripted_prompt(m, 10));
    assert_null(scripted_prompt(m, -1));
    model_close(m);
}

static void test_prompt_log_window(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [], \"default\": \"\"}");
    prompt p;
    raw_prompt(&p, "again");
    model_request rq = { .prompt = &p, .n = 4100, .seed = -1 };
    model_sink sink = { 0 };
    assert_int_equal(model_generate(m, &rq, 1, &sink, NULL), 0);
    assert_int_equal(scripted_calls(m), 4100);
    assert_null(scripted_prompt(m, 3));
    assert_string_equal(scripted_prompt(m, 4), "again");
    assert_string_equal(scripted_prompt(m, 4099), "again");
    model_close(m);
}

static void test_not_scripted(void **st)
{
    (void)st;
    char err[256];
    model_config cfg = { .spec = "llamacpp", .max_retries = -1 };
    model *m = model_open(&cfg, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(scripted_calls(m), 0);
    assert_null(scripted_prompt(m, 0));
    model_close(m);
    assert_int_equal(scripted_calls(NULL), 0);
    assert_null(scripted_prompt(NULL, 0));
}

/* ---- streaming ---- */

static void test_word_chunks_interleave(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"replies\": [\" 13 - 9 = 4\", \"ok\"]}]}");
    rec r;
    ask(m, &r, "p", 2, 0);
    /* Word by word, samples round robin; a done follows its last chunk. */
    const char *chunks[] = { " 13", "ok", " -", " 9", " =", " 4" };
    int order[] = { 1, 11, 19, 1, 1, 1, 1, 9 };
    assert_int_equal(r.n, 8);
    for (int i = 0, c = 0; i < r.n; i++) {
        assert_int_equal(r.order[i], order[i]);
        if (order[i] % 10 != 9)
            assert_string_equal(r.chunk[i], chunks[c++]);
    }
    assert_int_equal(r.res[0][0].tokens_out, 5);
    assert_int_equal(r.res[0][1].tokens_out, 1);
    assert_int_equal(r.res[0][0].tokens_in, 1 / 4 + 1);
    model_close(m);
}

static void test_chunk_utf8(void **st)
{
    (void)st;
    model *m = must_open("{\"chunk\": 1, \"rules\": [{\"replies\": [\"3×4=x²\"]}]}");
    rec r;
    ask(m, &r, "p", 1, 0);
    const char *want[] = { "3", "×", "4", "=", "x", "²" };
    assert_int_equal(r.n, 7);
    for (int i = 0; i < 6; i++)
        assert_string_equal(r.chunk[i], want[i]);
    assert_string_equal(answer(&r, 0, 0), "3×4=x²");
    assert_int_equal(r.res[0][0].tokens_out, 6);
    model_close(m);

    m = must_open("{\"chunk\": 4, \"rules\": [{\"replies\": [\"ab×cd²é\"]}]}");
    ask(m, &r, "p", 1, 0);
    /* a b ×(2) = 4 bytes; c d ²(2) = 4; é(2) */
    assert_string_equal(r.chunk[0], "ab×");
    assert_string_equal(r.chunk[1], "cd²");
    assert_string_equal(r.chunk[2], "é");
    model_close(m);

    m = must_open("{\"chunk\": 2, \"rules\": [{\"replies\": [\"a×\"]}]}");
    ask(m, &r, "p", 1, 0);
    /* The cut would fall inside × : the chunk grows to its end. */
    assert_string_equal(r.chunk[0], "a×");
    assert_int_equal(r.res[0][0].tokens_out, 1);
    model_close(m);
}

static void test_thinking(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"thinking\": \"12 + 33 = 45.\","
                         " \"replies\": [\"The answer is 45.\"]}]}");
    rec r;
    ask(m, &r, "Question: 12 and 33", 1, 0);
    assert_string_equal(r.text[0][0][CH_THINKING], "12 + 33 = 45.");
    assert_string_equal(answer(&r, 0, 0), "The answer is 45.");
    /* Thinking first: five chunks on CH_THINKING, then four answers. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(r.order[i], CH_THINKING);
    for (int i = 5; i < 9; i++)
        assert_int_equal(r.order[i], CH_ANSWER);
    assert_int_equal(r.res[0][0].thinking_tokens, 5);
    assert_int_equal(r.res[0][0].tokens_out, 9);
    /* Thinking carries no logprob; the answer's four chunks -1 each. */
    assert_true(r.res[0][0].logprob == -4.0);

    /* max_tokens counts thinking too. */
    ask(m, &r, "Question: 12 and 33", 1, 3);
    assert_string_equal(r.text[0][0][CH_THINKING], "12 + 33");
    assert_string_equal(answer(&r, 0, 0), "");
    assert_int_equal(r.res[0][0].finish, FINISH_LENGTH);
    model_close(m);
}

static void test_stop(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"replies\": ["
                         "{\"text\": \"45 - 12 = 33.\\nQuestion: next\\nAnswer\", \"logprob\": -0.9}]}]}");
    prompt p;
    raw_prompt(&p, "Question:");
    const char *stop[] = { "\nAnswer", "zzz", "", "\nQuestion:" };
    model_request rq = { .prompt = &p, .n = 1, .seed = -1, .stop = stop, .n_stop = 4 };
    rec r;
    memset(&r, 0, sizeof r);
    model_sink sink = { .ud = &r, .on_delta = on_delta, .on_done = on_done };
    model_generate(m, &rq, 1, &sink, NULL);
    /* The earliest stop wins and is not sent. */
    assert_string_equal(answer(&r, 0, 0), "45 - 12 = 33.");
    assert_int_equal(r.res[0][0].finish, FINISH_STOP);
    assert_int_equal(r.res[0][0].tokens_out, 5);
    /* The reply's logprob spreads over the text that was sent. */
    assert_true(r.res[0][0].logprob > -0.9 - 1e-9 && r.res[0][0].logprob < -0.9 + 1e-9);

    rq.n_stop = 2;
    stop[0] = "45";     /* a stop at the very start: an empty reply */
    memset(&r, 0, sizeof r);
    model_generate(m, &rq, 1, &sink, NULL);
    assert_string_equal(answer(&r, 0, 0), "");
    assert_int_equal(r.res[0][0].finish, FINISH_STOP);
    assert_int_equal(r.res[0][0].tokens_out, 0);
    model_close(m);
}

static void test_max_tokens(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"replies\": [\"a b c d e\"]}]}");
    rec r;
    ask(m, &r, "p", 2, 3);
    for (int s = 0; s < 2; s++) {
        assert_string_equal(answer(&r, 0, s), "a b c");
        assert_int_equal(r.res[0][s].finish, FINISH_LENGTH);
        assert_int_equal(r.res[0][s].tokens_out, 3);
    }
    ask(m, &r, "p", 1, 5);          /* exactly the reply: not cut */
    assert_string_equal(answer(&r, 0, 0), "a b c d e");
    assert_int_equal(r.res[0][0].finish, FINISH_STOP);
    ask(m, &r, "p", 1, 0);          /* 0: no limit */
    assert_int_equal(r.res[0][0].finish, FINISH_STOP);
    model_close(m);
}

static void test_logprobs(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"replies\": ["
                         "{\"text\": \"x y z\", \"logprob\": -0.6}, \"u v\", {\"text\": \"w\"}]}]}");
    rec r;
    ask(m, &r, "p", 3, 0);
    assert_true(r.res[0][0].has_logprob);
    assert_true(r.res[0][0].logprob > -0.6 - 1e-9 && r.res[0][0].logprob < -0.6 + 1e-9);
    assert_true(r.delta_lp[0][0] > -0.6 - 1e-9 && r.delta_lp[0][0] < -0.6 + 1e-9);
    assert_true(r.res[0][1].logprob == -2.0);     /* none given: -1 per chunk */
    assert_true(r.delta_lp[0][1] == -2.0);
    assert_true(r.res[0][2].logprob == -1.0);
    /* Cut by max_tokens: the sum over the chunks sent. */
    ask(m, &r, "p", 1, 1);
    assert_true(r.res[0][0].logprob > -0.2 - 1e-9 && r.res[0][0].logprob < -0.2 + 1e-9);
    model_close(m);

    /* Without the cap there are none. */
    m = must_open("{\"caps\": [\"raw\"], \"rules\": [{\"replies\": [{\"text\": \"x\", \"logprob\": -3}]}]}");
    ask(m, &r, "p", 1, 0);
    assert_false(r.res[0][0].has_logprob);
    assert_true(r.delta_lp[0][0] == 0);
    model_close(m);
}

static void test_caps(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": []}");
    assert_int_equal(model_caps(m), CAP_RAW | CAP_LOGPROBS);
    assert_string_equal(model_url(m), "");
    assert_non_null(strstr(model_name(m), "scripted:"));
    model_close(m);
    m = must_open("{\"caps\": [\"native_n\", \"thinking\", \"raw_format\"], \"rules\": []}");
    assert_int_equal(model_caps(m), CAP_NATIVE_N | CAP_THINKING | CAP_RAW_FORMAT);
    model_close(m);
    m = must_open("{\"caps\": [], \"rules\": []}");
    assert_int_equal(model_caps(m), 0);
    model_close(m);
}

/* ---- errors ---- */

static void test_error_rule(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": ["
                         "{\"suffix\": \"fail\", \"error\": \"simulated failure\"},"
                         "{\"replies\": [\"one\", \"two\"]}]}");
    prompt bad, good;
    raw_prompt(&bad, "please fail");
    raw_prompt(&good, "please work");
    model_request rq[2] = {
        { .prompt = &bad, .n = 2, .seed = -1 },
        { .prompt = &good, .n = 2, .seed = -1 },
    };
    rec r;
    memset(&r, 0, sizeof r);
    model_sink sink = { .ud = &r, .on_delta = on_delta, .on_done = on_done };
    assert_int_equal(model_generate(m, rq, 2, &sink, NULL), 2);
    for (int s = 0; s < 2; s++) {
        assert_int_equal(r.res[0][s].finish, FINISH_ERROR);
        assert_string_equal(r.error[0][s], "simulated failure");
        assert_string_equal(answer(&r, 0, s), "");
        assert_false(r.res[0][s].has_logprob);
    }
    /* Error samples take nothing from the other rule's counter. */
    assert_string_equal(answer(&r, 1, 0), "one");
    assert_string_equal(answer(&r, 1, 1), "two");
    assert_null(r.res[1][0].error);
    assert_int_equal(scripted_calls(m), 4);
    model_close(m);
}

static void test_no_match(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"prefix\": \"Q:\", \"replies\": [\"yes\"]}]}");
    rec r;
    assert_int_equal(ask(m, &r, "short\nprompt", 1, 0), 1);
    assert_int_equal(r.res[0][0].finish, FINISH_ERROR);
    assert_non_null(strstr(r.error[0][0], "no rule matches"));
    assert_non_null(strstr(r.error[0][0], "test_scripted."));
    assert_non_null(strstr(r.error[0][0], "\"short\\nprompt\""));

    /* A long prompt: only its last 60 bytes are quoted. */
    char longp[200];
    memset(longp, 'a', 100);
    for (int i = 0; i < 70; i++)
        longp[100 + i] = (char)('0' + i % 10);
    longp[170] = '\0';
    assert_int_equal(ask(m, &r, longp, 1, 0), 1);
    assert_non_null(strstr(r.error[0][0],
        "\"...012345678901234567890123456789012345678901234567890123456789\""));
    assert_null(strstr(r.error[0][0], "aaa"));
    model_close(m);

    m = must_open("{\"rules\": [{\"prefix\": \"Q:\", \"replies\": [\"yes\"]}],"
                  " \"default\": {\"text\": \"The answer is 0.\", \"logprob\": -2}}");
    assert_int_equal(ask(m, &r, "short\nprompt", 1, 0), 0);
    assert_string_equal(answer(&r, 0, 0), "The answer is 0.");
    assert_int_equal(r.res[0][0].finish, FINISH_STOP);
    assert_true(r.res[0][0].logprob > -2 - 1e-9 && r.res[0][0].logprob < -2 + 1e-9);
    model_close(m);
}

static void expect_open_error(const char *json, const char *want1, const char *want2)
{
    char err[512] = "";
    model *m = open_json(json, err, sizeof err);
    if (m) {
        model_close(m);
        fail_msg("opened: %s", json);
    }
    assert_non_null(strstr(err, "test_scripted."));     /* names the file */
    assert_null(strchr(err, '\n'));
    if (!strstr(err, want1) || (want2 && !strstr(err, want2)))
        fail_msg("for %s got: %s", json, err);
}

static void test_malformed(void **st)
{
    (void)st;
    expect_open_error("", "not valid JSON at line 1, column 1", NULL);
    expect_open_error("{\"rules\": [\n  {\"replies\": [\"a\"],}\n]}", "line 2, column", NULL);
    expect_open_error("{\"rules\": []} trailing", "not valid JSON at line 1, column 15", NULL);
    expect_open_error("[1, 2]", "top level", NULL);
    expect_open_error("{}", "\"rules\" must be an array", NULL);
    expect_open_error("{\"rules\": {}}", "\"rules\" must be an array", NULL);
    expect_open_error("{\"rules\": [{\"replies\": [\"a\"]}, {\"suffix\": \"x\"}]}",
                      "rules[1]", "\"replies\" or \"error\"");
    expect_open_error("{\"rules\": [{\"replies\": []}]}", "rules[0]", "non-empty");
    expect_open_error("{\"rules\": [{\"replies\": \"a\"}]}", "rules[0]", "non-empty array");
    expect_open_error("{\"rules\": [{\"replies\": [\"a\", 3]}]}", "rules[0].replies[1]", NULL);
    expect_open_error("{\"rules\": [{\"replies\": [{\"logprob\": -1}]}]}", "needs \"text\"", NULL);
    expect_open_error("{\"rules\": [{\"replies\": [{\"text\": \"a\", \"logprob\": \"x\"}]}]}",
                      "\"logprob\" must be a number", NULL);
    expect_open_error("{\"rules\": [{\"sufix\": \"a\", \"replies\": [\"a\"]}]}",
                      "rules[0]", "unknown key \"sufix\"");
    expect_open_error("{\"rules\": [{\"suffix\": 3, \"replies\": [\"a\"]}]}",
                      "\"suffix\" must be a string", NULL);
    expect_open_error("{\"rules\": [{\"error\": \"e\", \"replies\": [\"a\"]}]}", "both", NULL);
    expect_open_error("{\"rules\": [7]}", "rules[0]: a rule is an object", NULL);
    expect_open_error("{\"caps\": [\"raw\", \"vision\"], \"rules\": []}", "unknown cap \"vision\"", NULL);
    expect_open_error("{\"chunk\": 0, \"rules\": []}", "\"chunk\"", NULL);
    expect_open_error("{\"chunk\": 1.5, \"rules\": []}", "\"chunk\"", NULL);
    expect_open_error("{\"rules\": [], \"defualt\": \"x\"}", "unknown key \"defualt\"", NULL);

    char err[512];
    model_config cfg = { .spec = "scripted:/nonexistent/replies.json", .max_retries = -1 };
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/replies.json"));
    assert_non_null(strstr(err, "cannot open"));
}

static void test_spec(void **st)
{
    (void)st;
    char err[256];
    assert_int_equal(model_spec_valid("scripted:tests/x.json", err, sizeof err), 0);
    assert_int_equal(model_spec_valid("scripted", err, sizeof err), -1);
    assert_non_null(strstr(err, "scripted:FILE"));
    assert_int_equal(model_spec_valid("scripted:", err, sizeof err), -1);
}

/* ---- cancel ---- */

static void test_cancel(void **st)
{
    (void)st;
    model *m = must_open("{\"rules\": [{\"suffix\": \"fail\", \"error\": \"e\"},"
                         " {\"replies\": [\"a b c d\"]}]}");
    prompt p, bad;
    raw_prompt(&p, "go");
    raw_prompt(&bad, "fail");
    model_request rq[2] = {
        { .prompt = &p, .n = 3, .seed = -1 },
        { .prompt = &bad, .n = 1, .seed = -1 },
    };
    rec r;
    memset(&r, 0, sizeof r);
    model_sink sink = { .ud = &r, .on_delta = on_delta, .on_done = on_done };
    atomic_int cancel = 1;
    assert_int_equal(model_generate(m, rq, 2, &sink, &cancel), 0);
    for (int s = 0; s < 3; s++)
        assert_int_equal(r.res[0][s].finish, FINISH_CANCELLED);
    assert_int_equal(r.res[1][0].finish, FINISH_CANCELLED);
    assert_int_equal(r.n, 4);       /* four dones, no deltas */
    /* The batch was planned: the samples took their replies. */
    assert_int_equal(scripted_calls(m), 4);

    /* Cancelled mid-stream, after the fourth delta. */
    memset(&r, 0, sizeof r);
    atomic_store(&cancel, 0);
    r.cancel_after = &cancel;
    r.cancel_at = 4;
    model_generate(m, rq, 1, &sink, &cancel);
    assert_string_equal(answer(&r, 0, 0), "a b");
    assert_string_equal(answer(&r, 0, 1), "a");
    assert_string_equal(answer(&r, 0, 2), "a");
    for (int s = 0; s < 3; s++)
        assert_int_equal(r.res[0][s].finish, FINISH_CANCELLED);
    assert_int_equal(r.res[0][0].tokens_out, 2);
    assert_int_equal(r.res[0][1].tokens_out, 1);
    model_close(m);
}

/* A device that never ends (or a FIFO) is refused with a message, not
 * read until memory runs out. */
static void test_endless_file(void **st)
{
    (void)st;
    char err[512] = "";
    model_config cfg = { .spec = "scripted:/dev/zero", .max_retries = -1 };
    assert_null(model_open(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "scripted model file /dev/zero: larger than 16 MB"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_rule_wins),
        cmocka_unit_test(test_prefix_suffix_contains),
        cmocka_unit_test(test_chat_and_raw),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_prompt_log_window),
        cmocka_unit_test(test_not_scripted),
        cmocka_unit_test(test_word_chunks_interleave),
        cmocka_unit_test(test_chunk_utf8),
        cmocka_unit_test(test_thinking),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_max_tokens),
        cmocka_unit_test(test_logprobs),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_error_rule),
        cmocka_unit_test(test_no_match),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_spec),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_endless_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
