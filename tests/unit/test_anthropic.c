/* test_anthropic: the Anthropic event decoder (models/anthropic_events.c)
 * on a recorded stream fed through the SSE parser split at every byte,
 * byte by byte, and on unknown, error, broken and non-UTF-8 events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "models/anthropic_events.h"
#include "models/reply.h"
#include "models/sse.h"

/* What the decoder said, as "T[text]" (thinking), "A[text]" (answer),
 * "stop=N", "usage=IN/OUT" and "!status", joined; plus the end state. */
typedef struct {
    char out[8192];
    size_t len;
    anthropic_ev ev;
    anthropic_ev_status last;
} rec;

static void put(rec *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->len += (size_t)vsnprintf(r->out + r->len, sizeof r->out - r->len, fmt, ap);
    va_end(ap);
}

static void on_text(void *ud, channel ch, const char *s, size_t n)
{
    put(ud, "%c[%.*s]", ch == CH_THINKING ? 'T' : 'A', (int)n, s);
}

static void on_stop(void *ud, model_finish why)
{
    put(ud, "stop=%d ", (int)why);
}

static void on_usage(void *ud, long in, long out)
{
    put(ud, "usage=%ld/%ld ", in, out);
}

static const anthropic_ev_sink *sink_of(rec *r)
{
    static anthropic_ev_sink k;
    k = (anthropic_ev_sink){ .ud = r, .on_text = on_text, .on_stop = on_stop,
                             .on_usage = on_usage };
    return &k;
}

static int on_event(void *ud, const char *name, const char *data, size_t len)
{
    rec *r = ud;
    r->last = anthropic_ev_feed(&r->ev, name, data, len, sink_of(r));
    if (r->last != AEV_OK)
        put(r, "!%d ", (int)r->last);
    return r->last == AEV_ERROR || r->last == AEV_BAD;
}

/* Feeds in[0..n) through the SSE parser cut at cuts[]; records into r. */
static void run_cuts(rec *r, const char *in, size_t n, const size_t *cuts, int ncuts)
{
    memset(r, 0, sizeof *r);
    anthropic_ev_init(&r->ev);
    sse_parser p;
    sse_init(&p, 0, on_event, r);
    size_t at = 0;
    for (int c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : n;
        sse_feed(&p, in + at, end - at);
        at = end;
    }
    sse_finish(&p);
    sse_done(&p);
    put(r, "| ended=%d sig=%s redacted=%d think=%zu text=%zu", r->ev.ended,
        r->ev.signature ? r->ev.signature : "-", r->ev.redacted,
        r->ev.thinking_bytes, r->ev.text_bytes);
    anthropic_ev_done(&r->ev);
}

static void check_all_splits(const char *in, const char *want)
{
    size_t n = strlen(in);
    rec *whole = calloc(1, sizeof *whole), *r = calloc(1, sizeof *r);
    run_cuts(whole, in, n, NULL, 0);
    assert_string_equal(whole->out, want);
    for (size_t i = 0; i <= n; i++) {
        run_cuts(r, in, n, &i, 1);
        assert_string_equal(r->out, whole->out);
    }
    size_t *cuts = malloc((n + 1) * sizeof *cuts);
    for (size_t i = 0; i < n; i++)
        cuts[i] = i;
    run_cuts(r, in, n, cuts, (int)n);
    assert_string_equal(r->out, whole->out);
    free(cuts);
    free(whole);
    free(r);
}

/* A stream as the API sends it with extended thinking on (ids and the
 * signature shortened). */
static const char STREAM[] =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\","
    "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\","
    "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":57,"
    "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":3}}}\n"
    "\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\","
    "\"thinking\":\"\",\"signature\":\"\"}}\n"
    "\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\","
    "\"thinking\":\"45 \\u2212 12 = 33, \"}}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\","
    "\"thinking\":\"33 + 30 = 63, 63 \xE2\x88\x92 18 = 45.\"}}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\","
    "\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"}}\n"
    "\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n"
    "\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
    "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix/LafPsn4a\"}}\n"
    "\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":1}\n"
    "\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"There are 45 left.\\n\"}}\n"
    "\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\","
    "\"text\":\"The answer is 45.\"}}\n"
    "\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":2}\n"
    "\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}\n"
    "\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n"
    "\n";

static void test_recorded_stream_every_split(void **s)
{
    (void)s;
    check_all_splits(STREAM,
        "usage=57/3 "
        "T[45 \xE2\x88\x92 12 = 33, ]T[33 + 30 = 63, 63 \xE2\x88\x92 18 = 45.]"
        "A[There are 45 left.\n]A[The answer is 45.]"
        "stop=0 usage=-1/89 !1 "
        "| ended=1 sig=EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds "
        "redacted=1 think=45 text=36");
}

static void test_crlf_stream(void **s)
{
    (void)s;
    /* The same events with CRLF line ends and no event: lines (the data's
     * "type" names each event). */
    check_all_splits(
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
        "{\"type\":\"text\",\"text\":\"Hi\"}}\r\n\r\n"
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
        "{\"type\":\"text_delta\",\"text\":\" there\"}}\r\n\r\n"
        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},"
        "\"usage\":{\"output_tokens\":2}}\r\n\r\n"
        "data: {\"type\":\"message_stop\"}\r\n\r\n",
        "A[Hi]A[ there]stop=1 usage=-1/2 !1 | ended=1 sig=- redacted=0 think=0 text=8");
}

static anthropic_ev_status feed1(rec *r, const char *name, const char *data)
{
    return anthropic_ev_feed(&r->ev, name, data, strlen(data), sink_of(r));
}

static void test_unknown_events_ignored(void **s)
{
    (void)s;
    rec *r = calloc(1, sizeof *r);
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "future_event", "{\"type\":\"future_event\",\"x\":[1,2]}"), AEV_OK);
    assert_int_equal(feed1(r, "message", "{\"no_type\":true}"), AEV_OK);
    assert_int_equal(feed1(r, "content_block_start",
                           "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                           "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"calc\",\"input\":{}}}"),
                     AEV_OK);
    assert_string_equal(r->ev.block_type, "tool_use");
    assert_int_equal(feed1(r, "content_block_delta",
                           "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                           "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}"),
                     AEV_OK);
    assert_int_equal(feed1(r, "content_block_delta",
                           "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                           "{\"type\":\"citations_delta\",\"citation\":{}}}"), AEV_OK);
    assert_int_equal(feed1(r, "content_block_delta",
                           "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\","
                           "\"text\":42}}"), AEV_OK);            /* wrong type: no text */
    assert_int_equal(feed1(r, "ping", "not json at all"), AEV_OK);
    assert_int_equal(feed1(r, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                     AEV_OK);
    assert_int_equal(r->ev.block, -1);
    assert_string_equal(r->out, "");
    assert_int_equal(r->ev.events, 8);
    anthropic_ev_done(&r->ev);
    free(r);
}

static void test_error_events(void **s)
{
    (void)s;
    rec *r = calloc(1, sizeof *r);
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "error", "{\"type\":\"error\",\"error\":{\"type\":"
                           "\"overloaded_error\",\"message\":\"Overloaded\"}}"), AEV_ERROR);
    assert_true(r->ev.retryable);
    assert_string_equal(r->ev.err_type, "overloaded_error");
    assert_string_equal(r->ev.err, "overloaded_error: Overloaded");
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "error", "{\"type\":\"error\",\"error\":{\"type\":"
                           "\"invalid_request_error\",\"message\":\"prompt is too long\"}}"),
                     AEV_ERROR);
    assert_false(r->ev.retryable);
    assert_string_equal(r->ev.err, "invalid_request_error: prompt is too long");
    /* The SSE name alone makes an error; a message with control bytes
     * comes out clean. */
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "error", "{\"error\":\"bad \\u001b[31mthing\"}"), AEV_ERROR);
    assert_string_equal(r->ev.err, "error: bad [31mthing");
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "error", "{\"type\":\"error\"}"), AEV_ERROR);
    assert_string_equal(r->ev.err, "error: (no message)");
    free(r);
}

static void test_garbage_json(void **s)
{
    (void)s;
    rec *r = calloc(1, sizeof *r);
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "content_block_delta", "{\"type\": oops not json"), AEV_BAD);
    assert_non_null(strstr(r->ev.err, "not JSON"));
    assert_non_null(strstr(r->ev.err, "oops"));
    assert_int_equal(feed1(r, "message", "[1, 2, 3]"), AEV_BAD);
    assert_int_equal(feed1(r, "message", ""), AEV_BAD);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(feed1(r, "message", big), AEV_BAD);
    assert_true(strlen(r->ev.err) < 100);                 /* quoted, cut */
    assert_non_null(strstr(r->ev.err, "...\")"));
    free(r);
}

/* Invalid UTF-8 inside a delta reaches on_text as it came; the reply
 * layer then makes it safe (as for every backend). */
typedef struct {
    char text[2][256];
    int control;
} sink_rec;

static void sink_delta(void *ud, int req, int sample, channel ch, const char *t,
                       int tokens, double lp)
{
    sink_rec *k = ud;
    (void)req; (void)sample; (void)tokens; (void)lp;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n')
            k->control = 1;
    strncat(k->text[ch], t, 255 - strlen(k->text[ch]));
}

static void to_reply(void *ud, channel ch, const char *s, size_t n)
{
    reply_text(ud, ch, s, n);
}

static void test_invalid_utf8_in_deltas(void **s)
{
    (void)s;
    sink_rec k = { 0 };
    model_sink sink = { .ud = &k, .on_delta = sink_delta };
    reply rp;
    reply_init(&rp, &sink, 0, 0);
    anthropic_ev ev;
    anthropic_ev_init(&ev);
    anthropic_ev_sink ak = { .ud = &rp, .on_text = to_reply };
    static const char *const deltas[] = {
        "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"caf\xC3\"}}",
        "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"\xA9 bad \xFF\xFE!\"}}",
        "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"nul\\u0000here\"}}",
        "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"\xE2\x82\"}}",
        "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"\xAC \\u001b[2J\"}}",
    };
    for (size_t i = 0; i < sizeof deltas / sizeof *deltas; i++)
        assert_int_equal(anthropic_ev_feed(&ev, "content_block_delta", deltas[i],
                                           strlen(deltas[i]), &ak), AEV_OK);
    reply_end(&rp, FINISH_STOP);
    /* The NUL is dropped and the text after it kept (json_parse). */
    assert_string_equal(k.text[CH_ANSWER], "caf\xC3\xA9 bad \xEF\xBF\xBD\xEF\xBF\xBD!nulhere");
    assert_string_equal(k.text[CH_THINKING], "\xE2\x82\xAC [2J");
    assert_false(k.control);
    anthropic_ev_done(&ev);
}

static void test_stop_reasons_and_usage(void **s)
{
    (void)s;
    assert_int_equal(anthropic_ev_finish("end_turn"), FINISH_STOP);
    assert_int_equal(anthropic_ev_finish("stop_sequence"), FINISH_STOP);
    assert_int_equal(anthropic_ev_finish("max_tokens"), FINISH_LENGTH);
    assert_int_equal(anthropic_ev_finish("refusal"), FINISH_STOP);
    assert_int_equal(anthropic_ev_finish(NULL), FINISH_STOP);
    rec *r = calloc(1, sizeof *r);
    anthropic_ev_init(&r->ev);
    assert_int_equal(feed1(r, "message_delta", "{\"type\":\"message_delta\",\"delta\":"
                           "{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"\\n\\n\"},"
                           "\"usage\":{\"input_tokens\":10,\"output_tokens\":-5}}"), AEV_OK);
    assert_int_equal(feed1(r, "message_delta", "{\"type\":\"message_delta\",\"delta\":{}}"), AEV_OK);
    assert_string_equal(r->out, "stop=0 usage=10/-1 ");
    free(r);
}

static void test_whole_message(void **s)
{
    (void)s;
    rec *r = calloc(1, sizeof *r);
    anthropic_ev_init(&r->ev);
    const char *msg = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":"
        "[{\"type\":\"thinking\",\"thinking\":\"45-12=33\",\"signature\":\"sig\"},"
        "{\"type\":\"redacted_thinking\",\"data\":\"xx\"},"
        "{\"type\":\"text\",\"text\":\"The answer is 45.\"}],"
        "\"stop_reason\":\"max_tokens\",\"usage\":{\"input_tokens\":42,\"output_tokens\":7}}";
    assert_int_equal(anthropic_ev_message(&r->ev, msg, strlen(msg), sink_of(r)), AEV_END);
    assert_string_equal(r->out, "T[45-12=33]A[The answer is 45.]stop=1 usage=42/7 ");
    assert_string_equal(r->ev.signature, "sig");
    assert_int_equal(r->ev.redacted, 1);
    anthropic_ev_done(&r->ev);
    const char *err = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}";
    assert_int_equal(anthropic_ev_message(&r->ev, err, strlen(err), sink_of(r)), AEV_ERROR);
    assert_string_equal(r->ev.err, "api_error: boom");
    assert_int_equal(anthropic_ev_message(&r->ev, "{\"choices\":[]}", 14, sink_of(r)), AEV_BAD);
    assert_non_null(strstr(r->ev.err, "not a message"));
    assert_int_equal(anthropic_ev_message(&r->ev, "<html>", 6, sink_of(r)), AEV_BAD);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_stream_every_split),
        cmocka_unit_test(test_crlf_stream),
        cmocka_unit_test(test_unknown_events_ignored),
        cmocka_unit_test(test_error_events),
        cmocka_unit_test(test_garbage_json),
        cmocka_unit_test(test_invalid_utf8_in_deltas),
        cmocka_unit_test(test_stop_reasons_and_usage),
        cmocka_unit_test(test_whole_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
