/* test_sse: the SSE parser gives the same events however the input is split. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "models/sse.h"

/* Events recorded as "name|data" joined by '#', plus the final status. */
typedef struct {
    char out[8192];
    size_t len;
    int stop_on;        /* stop after this many events; 0 = never */
    int count;
} rec;

static int on_event(void *ud, const char *ev, const char *data, size_t len)
{
    rec *r = ud;
    assert_int_equal(strlen(data), len);       /* NUL-terminated, no NULs */
    r->len += (size_t)snprintf(r->out + r->len, sizeof r->out - r->len,
                               "%s|%s#", ev, data);
    r->count++;
    return r->stop_on && r->count >= r->stop_on ? 7 : 0;
}

/* Feeds in[0..n) cut at the given points; returns the record plus status. */
static void run_cuts(rec *r, const char *in, size_t n, const size_t *cuts,
                     int ncuts, size_t max_line, int finish)
{
    sse_parser p;
    sse_init(&p, max_line, on_event, r);
    size_t at = 0;
    int rc = 0;
    for (int c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : n;
        int r2 = sse_feed(&p, in + at, end - at);
        if (!rc)
            rc = r2;
        at = end;
    }
    if (finish) {
        int r2 = sse_finish(&p);
        if (!rc)
            rc = r2;
    }
    r->len += (size_t)snprintf(r->out + r->len, sizeof r->out - r->len,
                               "rc=%d err=%s", rc,
                               sse_error(&p) ? sse_error(&p) : "-");
    sse_done(&p);
}

/* Checks that every two-way split and a byte-by-byte feed agree with the
 * one-shot parse, and that the one-shot parse equals want. */
static void check_all_splits(const char *in, size_t n, size_t max_line,
                             int stop_on, const char *want)
{
    rec whole = { .stop_on = stop_on };
    run_cuts(&whole, in, n, NULL, 0, max_line, 1);
    if (want)
        assert_string_equal(whole.out, want);
    for (size_t i = 0; i <= n; i++) {
        rec r = { .stop_on = stop_on };
        run_cuts(&r, in, n, &i, 1, max_line, 1);
        assert_string_equal(r.out, whole.out);
    }
    size_t *cuts = malloc((n + 1) * sizeof *cuts);
    for (size_t i = 0; i < n; i++)
        cuts[i] = i;
    rec r = { .stop_on = stop_on };
    run_cuts(&r, in, n, cuts, (int)n, max_line, 1);
    assert_string_equal(r.out, whole.out);
    free(cuts);
}

#define CHECK(in, want) check_all_splits(in, sizeof in - 1, 0, 0, want)

static void test_basic_lf(void **s)
{
    (void)s;
    CHECK("data: {\"a\":1}\n\ndata: [DONE]\n\n",
          "message|{\"a\":1}#message|[DONE]#rc=0 err=-");
}

static void test_crlf_and_cr(void **s)
{
    (void)s;
    CHECK("data: one\r\n\r\ndata: two\r\rdata: three\n\n",
          "message|one#message|two#message|three#rc=0 err=-");
    /* CR then LF in separate places, CR CR is two line ends. */
    CHECK("data: a\r\r\n\n", "message|a#rc=0 err=-");
}

static void test_comments_keepalive_fields(void **s)
{
    (void)s;
    CHECK(": keep-alive\n\n:ping\r\n"
          "id: 7\nretry: 1000\nevent: delta\nfoo: bar\ndata: x\n\n"
          "event: error\ndata: {\"error\":1}\n\n",
          "delta|x#error|{\"error\":1}#rc=0 err=-");
}

static void test_multiline_data_and_spaces(void **s)
{
    (void)s;
    CHECK("data:first\ndata:  second\ndata\ndata: \n\n",
          "message|first\n second\n\n#rc=0 err=-");
}

static void test_event_without_data_not_dispatched(void **s)
{
    (void)s;
    CHECK("event: x\n\nid: 3\n\ndata: y\n\n", "message|y#rc=0 err=-");
}

static void test_bom_and_missing_final_blank(void **s)
{
    (void)s;
    CHECK("\xEF\xBB\xBF" "data: a\n\ndata: b", "message|a#message|b#rc=0 err=-");
    /* A partial BOM is ordinary text: the line "\xEF\xBBxdata..." has no
     * known field, so nothing is dispatched. */
    CHECK("\xEF\xBBxdata: a\n\ndata: c\n\n", "message|c#rc=0 err=-");
}

static void test_llama_server_error_lines(void **s)
{
    (void)s;
    CHECK("data: {\"a\":1}\n\nerror: {\"code\":500}\n\n"
          "event: x\nerror: e\n\n",
          "message|{\"a\":1}#error|{\"code\":500}#x|e#rc=0 err=-");
}

/* Random inputs over an alphabet that hits every branch, fed whole and in
 * random pieces, give the same events. */
static void test_random_splits(void **s)
{
    (void)s;
    static const char *atoms[] = { "data:", "data: ", "event: e", ":", "id: 1",
                                   "\r", "\n", "\r\n", "x", " ", "\xEF\xBB\xBF",
                                   "error:" };
    unsigned seed = 12345;
    for (int iter = 0; iter < 2000; iter++) {
        char in[256] = "";
        size_t n = 0;
        int k = 1 + (int)(rand_r(&seed) % 24);
        for (int a = 0; a < k; a++) {
            const char *t = atoms[rand_r(&seed) % (sizeof atoms / sizeof *atoms)];
            memcpy(in + n, t, strlen(t));
            n += strlen(t);
        }
        size_t max_line = rand_r(&seed) % 2 ? 0 : 8;
        rec whole = { 0 };
        run_cuts(&whole, in, n, NULL, 0, max_line, 1);
        size_t cuts[8];
        int nc = (int)(rand_r(&seed) % 8);
        for (int c = 0; c < nc; c++)
            cuts[c] = n ? rand_r(&seed) % (n + 1) : 0;
        for (int a = 1; a < nc; a++)            /* sort the cut points */
            for (int b = a; b > 0 && cuts[b - 1] > cuts[b]; b--) {
                size_t t = cuts[b];
                cuts[b] = cuts[b - 1];
                cuts[b - 1] = t;
            }
        rec r = { 0 };
        run_cuts(&r, in, n, cuts, nc, max_line, 1);
        assert_string_equal(r.out, whole.out);
    }
}

static void test_callback_stop(void **s)
{
    (void)s;
    const char in[] = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
    check_all_splits(in, sizeof in - 1, 0, 2, "message|1#message|2#rc=7 err=-");
}

static void test_line_cap(void **s)
{
    (void)s;
    const char in[] = "data: short\n\ndata: 0123456789abcdef\n\ndata: after\n\n";
    rec r = { 0 };
    run_cuts(&r, in, sizeof in - 1, NULL, 0, 16, 1);
    assert_non_null(strstr(r.out, "message|short#rc=-1"));
    assert_non_null(strstr(r.out, "longer than 16 bytes"));
    assert_null(strstr(r.out, "after"));
    check_all_splits(in, sizeof in - 1, 16, 0, NULL);
    /* Multi-line data is capped as a whole. */
    const char in2[] = "data: 0123456789\ndata: 0123456789\n\n";
    rec r2 = { 0 };
    run_cuts(&r2, in2, sizeof in2 - 1, NULL, 0, 16, 1);
    assert_non_null(strstr(r2.out, "event data longer than 16"));
}

static void test_huge_line_default_cap(void **s)
{
    (void)s;
    size_t n = 5u << 20;
    char *big = malloc(n + 20);
    memcpy(big, "data: ", 6);
    memset(big + 6, 'x', n);
    memcpy(big + 6 + n, "\n\n", 2);
    sse_parser p;
    rec r = { 0 };
    sse_init(&p, 0, on_event, &r);
    int rc = 0;
    for (size_t at = 0; at < n + 8 && !rc; at += 16384) {
        size_t k = n + 8 - at < 16384 ? n + 8 - at : 16384;
        rc = sse_feed(&p, big + at, k);
    }
    assert_int_equal(rc, -1);
    assert_int_equal(r.count, 0);
    assert_non_null(strstr(sse_error(&p), "1048576"));
    assert_int_equal(sse_feed(&p, "data: y\n\n", 9), -1);
    assert_int_equal(r.count, 0);
    sse_done(&p);
    free(big);
}

static void test_binary_bytes_pass_through(void **s)
{
    (void)s;
    /* The parser is byte-transparent; UTF-8 is cleaned later. */
    CHECK("data: \xff\xfe caf\xc3\xa9\n\n", "message|\xff\xfe caf\xc3\xa9#rc=0 err=-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_lf),
        cmocka_unit_test(test_crlf_and_cr),
        cmocka_unit_test(test_comments_keepalive_fields),
        cmocka_unit_test(test_multiline_data_and_spaces),
        cmocka_unit_test(test_event_without_data_not_dispatched),
        cmocka_unit_test(test_bom_and_missing_final_blank),
        cmocka_unit_test(test_llama_server_error_lines),
        cmocka_unit_test(test_random_splits),
        cmocka_unit_test(test_callback_stop),
        cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_huge_line_default_cap),
        cmocka_unit_test(test_binary_bytes_pass_through),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
