/* test_ndjson: lines come out the same however the input is split. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "models/ndjson.h"

typedef struct {
    char out[4096];
    size_t len;
    int count, stop_on;
} rec;

static int on_line(void *ud, const char *line, size_t len)
{
    rec *r = ud;
    assert_int_equal(strlen(line), len);
    r->len += (size_t)snprintf(r->out + r->len, sizeof r->out - r->len, "[%s]", line);
    r->count++;
    return r->stop_on && r->count >= r->stop_on ? 5 : 0;
}

static void run_cuts(rec *r, const char *in, size_t n, const size_t *cuts,
                     int ncuts, size_t max_line)
{
    ndjson_parser p;
    ndjson_init(&p, max_line, on_line, r);
    size_t at = 0;
    int rc = 0;
    for (int c = 0; c <= ncuts; c++) {
        size_t end = c < ncuts ? cuts[c] : n;
        int r2 = ndjson_feed(&p, in + at, end - at);
        if (!rc)
            rc = r2;
        at = end;
    }
    int r2 = ndjson_finish(&p);
    if (!rc)
        rc = r2;
    r->len += (size_t)snprintf(r->out + r->len, sizeof r->out - r->len,
                               " rc=%d err=%s", rc,
                               ndjson_error(&p) ? ndjson_error(&p) : "-");
    ndjson_done(&p);
}

static void check_all_splits(const char *in, size_t n, size_t max_line,
                             int stop_on, const char *want)
{
    rec whole = { .stop_on = stop_on };
    run_cuts(&whole, in, n, NULL, 0, max_line);
    if (want)
        assert_string_equal(whole.out, want);
    for (size_t i = 0; i <= n; i++) {
        rec r = { .stop_on = stop_on };
        run_cuts(&r, in, n, &i, 1, max_line);
        assert_string_equal(r.out, whole.out);
    }
    size_t *cuts = malloc((n + 1) * sizeof *cuts);
    for (size_t i = 0; i < n; i++)
        cuts[i] = i;
    rec r = { .stop_on = stop_on };
    run_cuts(&r, in, n, cuts, (int)n, max_line);
    assert_string_equal(r.out, whole.out);
    free(cuts);
}

#define CHECK(in, want) check_all_splits(in, sizeof in - 1, 0, 0, want)

static void test_lines(void **s)
{
    (void)s;
    CHECK("{\"a\":1}\n{\"b\":2}\n", "[{\"a\":1}][{\"b\":2}] rc=0 err=-");
}

static void test_endings_and_blank_lines(void **s)
{
    (void)s;
    CHECK("\n\r\n{\"a\":1}\r\n  \t \n{\"b\":2}\r{\"c\":3}\n\n",
          "[{\"a\":1}][{\"b\":2}][{\"c\":3}] rc=0 err=-");
}

static void test_last_line_without_newline(void **s)
{
    (void)s;
    CHECK("{\"a\":1}\n{\"done\":true}", "[{\"a\":1}][{\"done\":true}] rc=0 err=-");
}

static void test_stop(void **s)
{
    (void)s;
    const char in[] = "1\n2\n3\n";
    check_all_splits(in, sizeof in - 1, 0, 1, "[1] rc=5 err=-");
}

static void test_cap(void **s)
{
    (void)s;
    const char in[] = "short\n0123456789abcdefXYZ\nafter\n";
    rec r = { 0 };
    run_cuts(&r, in, sizeof in - 1, NULL, 0, 16);
    assert_non_null(strstr(r.out, "[short] rc=-1"));
    assert_non_null(strstr(r.out, "longer than 16 bytes"));
    assert_null(strstr(r.out, "after"));
    check_all_splits(in, sizeof in - 1, 16, 0, NULL);
    /* Exactly at the cap is fine. */
    const char ok[] = "0123456789abcdef\n";
    check_all_splits(ok, sizeof ok - 1, 16, 0, "[0123456789abcdef] rc=0 err=-");
}

static void test_huge_line(void **s)
{
    (void)s;
    size_t n = 5u << 20;
    char *big = malloc(n);
    memset(big, 'x', n);
    ndjson_parser p;
    rec r = { 0 };
    ndjson_init(&p, 0, on_line, &r);
    int rc = 0;
    for (size_t at = 0; at < n && !rc; at += 65536)
        rc = ndjson_feed(&p, big + at, 65536);
    assert_int_equal(rc, -1);
    assert_int_equal(ndjson_feed(&p, "\n{}\n", 4), -1);
    assert_int_equal(ndjson_finish(&p), -1);
    assert_int_equal(r.count, 0);
    assert_non_null(ndjson_error(&p));
    ndjson_done(&p);
    free(big);
}

static void test_random(void **s)
{
    (void)s;
    static const char *atoms[] = { "{}", "x", " ", "\t", "\r", "\n", "\r\n", "abc" };
    unsigned seed = 3;
    for (int iter = 0; iter < 1500; iter++) {
        char in[128] = "";
        int k = (int)(rand_r(&seed) % 16);
        for (int a = 0; a < k; a++)
            strcat(in, atoms[rand_r(&seed) % (sizeof atoms / sizeof *atoms)]);
        check_all_splits(in, strlen(in), rand_r(&seed) % 2 ? 0 : 4, 0, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_endings_and_blank_lines),
        cmocka_unit_test(test_last_line_without_newline),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
