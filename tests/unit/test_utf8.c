/* test_utf8: invalid UTF-8 and controls are cleaned the same way whether
 * the text arrives whole or in pieces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tutor/utf8.h"

#define R "\xEF\xBF\xBD"        /* U+FFFD */

static void expect(const char *in, size_t n, const char *want)
{
    size_t len;
    char *out = utf8_sanitize(in, n, &len);
    assert_non_null(out);
    assert_int_equal(len, strlen(out));
    assert_string_equal(out, want);
    free(out);
}
#define EXPECT(in, want) expect(in, sizeof in - 1, want)

static void test_valid_passes(void **s)
{
    (void)s;
    EXPECT("plain ascii 45 - 12 = 33", "plain ascii 45 - 12 = 33");
    EXPECT("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF",
           "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF");
    EXPECT("line\n\ttab", "line\n\ttab");
}

static void test_invalid_sequences(void **s)
{
    (void)s;
    EXPECT("a\xFF" "b", "a" R "b");
    EXPECT("\x80\xBF", R R);                        /* stray continuations */
    EXPECT("\xC0\xAF", R R);                        /* overlong '/' */
    EXPECT("\xE0\x80\xAF", R R R);                  /* overlong, 3 bytes */
    EXPECT("\xED\xA0\x80", R R R);                  /* surrogate D800 */
    EXPECT("\xF4\x90\x80\x80", R R R R);            /* above U+10FFFF */
    EXPECT("\xF5\x80", R R);
    EXPECT("\xE2\x82" "x", R "x");                  /* one maximal subpart */
    EXPECT("\xF0\x9F\x98" "A", R "A");
    EXPECT("end\xE2\x82", "end" R);                 /* truncated at the end */
    EXPECT("\xC3", R);
}

static void test_controls(void **s)
{
    (void)s;
    expect("a\0b", 3, "ab");                        /* NUL dropped */
    EXPECT("x\r\ny", "x\ny");
    EXPECT("\x1b[31mred\x1b[0m", "[31mred[0m");    /* ESC dropped */
    EXPECT("bell\a del\x7f c1\xC2\x9B!", "bell del c1!");
    EXPECT("nbsp\xC2\xA0ok", "nbsp\xC2\xA0ok");
}

/* Every split of the input into two chunks, and byte by byte, gives the
 * one-shot result. */
static void check_stream(const char *in, size_t n)
{
    size_t wl;
    char *whole = utf8_sanitize(in, n, &wl);
    for (size_t cut = 0; cut <= n + 1; cut++) {
        utf8_stream u;
        utf8_stream_init(&u);
        char acc[1024] = "";
        size_t at = 0;
        for (int part = 0; at < n || part == 0; part++) {
            size_t end = cut > n ? at + 1 : (part == 0 ? cut : n);
            size_t len;
            char *o = utf8_stream_feed(&u, in + at, end - at, &len);
            assert_int_equal(len, strlen(o));
            strcat(acc, o);
            free(o);
            at = end;
        }
        char *o = utf8_stream_flush(&u, NULL);
        strcat(acc, o);
        free(o);
        assert_string_equal(acc, whole);
    }
    free(whole);
}
#define STREAM(in) check_stream(in, sizeof in - 1)

static void test_stream_splits(void **s)
{
    (void)s;
    STREAM("caf\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x98\x80!");
    STREAM("bad \xE2\x82 then \xF0\x9F\x98\x80 and \xED\xA0\x80 end\xF0\x9F");
    STREAM("\xC3");
    STREAM("\xF0\x9F\x98");
    STREAM("a\0b\r\n\xC2\x85 \xC2");
}

/* Random byte strings biased towards UTF-8 edge bytes, fed in random
 * pieces, clean the same as one-shot; the output is always valid. */
static void test_random(void **s)
{
    (void)s;
    static const unsigned char bytes[] = { 'a', '\n', 0, 0x1b, 0x7f, 0x80, 0xbf,
        0xc2, 0xc3, 0xa9, 0xe0, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0x98,
        0xf4, 0x90, 0xff };
    unsigned seed = 99;
    for (int iter = 0; iter < 3000; iter++) {
        char in[32];
        size_t n = rand_r(&seed) % sizeof in;
        for (size_t i = 0; i < n; i++)
            in[i] = (char)bytes[rand_r(&seed) % sizeof bytes];
        size_t wl;
        char *whole = utf8_sanitize(in, n, &wl);
        /* The output is valid and clean: sanitizing it again is a no-op. */
        char *again = utf8_sanitize(whole, wl, NULL);
        assert_string_equal(again, whole);
        free(again);
        utf8_stream u;
        utf8_stream_init(&u);
        char acc[256] = "";
        size_t at = 0;
        while (at < n) {
            size_t k = 1 + rand_r(&seed) % 5;
            if (k > n - at)
                k = n - at;
            char *o = utf8_stream_feed(&u, in + at, k, NULL);
            strcat(acc, o);
            free(o);
            at += k;
        }
        char *o = utf8_stream_flush(&u, NULL);
        strcat(acc, o);
        free(o);
        assert_string_equal(acc, whole);
        free(whole);
    }
}

static void test_stream_holds_back(void **s)
{
    (void)s;
    utf8_stream u;
    utf8_stream_init(&u);
    size_t len;
    char *o = utf8_stream_feed(&u, "ab\xE2\x82", 4, &len);
    assert_string_equal(o, "ab");
    free(o);
    o = utf8_stream_feed(&u, "\xAC", 1, &len);
    assert_string_equal(o, "\xE2\x82\xAC");
    free(o);
    o = utf8_stream_feed(&u, "\xF0", 1, &len);
    assert_string_equal(o, "");
    free(o);
    o = utf8_stream_flush(&u, &len);
    assert_string_equal(o, R);
    free(o);
}

/* The one encoder: every length at its edges, and what is not a
 * character (surrogates, beyond U+10FFFF) refused. Each encoding decodes
 * back through the cleaner unchanged. */
static void test_encode(void **state)
{
    (void)state;
    static const struct { unsigned cp; int n; const char *bytes; } cases[] = {
        { 0x0, 1, "\x00" }, { 0x41, 1, "A" }, { 0x7F, 1, "\x7f" },
        { 0x80, 2, "\xc2\x80" }, { 0xE9, 2, "\xc3\xa9" }, { 0x7FF, 2, "\xdf\xbf" },
        { 0x800, 3, "\xe0\xa0\x80" }, { 0xD7FF, 3, "\xed\x9f\xbf" },
        { 0xE000, 3, "\xee\x80\x80" }, { 0xFFFD, 3, "\xef\xbf\xbd" }, { 0xFFFF, 3, "\xef\xbf\xbf" },
        { 0x10000, 4, "\xf0\x90\x80\x80" }, { 0x1F600, 4, "\xf0\x9f\x98\x80" },
        { 0x10FFFF, 4, "\xf4\x8f\xbf\xbf" },
    };
    char out[4];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = utf8_encode(cases[i].cp, out);
        assert_int_equal(n, cases[i].n);
        assert_memory_equal(out, cases[i].bytes, (size_t)n);
        if (cases[i].cp >= 0xA0 || (cases[i].cp >= 0x20 && cases[i].cp < 0x7F)) {   /* not controls */
            char back[16];
            assert_int_equal(utf8_clean(back, out, (size_t)n), (size_t)n);
            assert_memory_equal(back, out, (size_t)n);
        }
    }
    for (unsigned cp = 0xD800; cp <= 0xDFFF; cp++)
        assert_int_equal(utf8_encode(cp, out), 0);
    assert_int_equal(utf8_encode(0x110000, out), 0);
    assert_int_equal(utf8_encode(0xFFFFFFFFu, out), 0);
}

/* repair keeps controls (JSON escapes them) and fixes only bad bytes. */
static void test_repair(void **state)
{
    (void)state;
    char out[64];
    const char in[] = "a\tb\r\n\x1b[0m\xff\xed\xa0\x80z";
    size_t n = utf8_repair(out, in, sizeof in - 1);
    assert_string_equal(out, "a\tb\r\n\x1b[0m\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz");
    assert_int_equal(n, strlen(out));
    n = utf8_clean(out, in, sizeof in - 1);      /* clean drops them */
    assert_null(strchr(out, '\r'));
    assert_null(strchr(out, 0x1b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_passes),
        cmocka_unit_test(test_invalid_sequences),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_stream_splits),
        cmocka_unit_test(test_stream_holds_back),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_repair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
