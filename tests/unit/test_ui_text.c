/* test_ui_text: what the screen does with text from events — decoding
 * with every control byte and bad sequence replaced, widths, wrapping
 * (also incremental, as text streams in), base64 for the clipboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/clip.h"
#include "ui/text.h"

static int setup(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    text_set_utf8(1);
    return 0;
}

static void one(const char *s, size_t len, wchar_t want, int cols, size_t used)
{
    wchar_t wc;
    int w;
    size_t n = text_next(s, len, &wc, &w);
    assert_int_equal(n, used);
    assert_int_equal(wc, want);
    assert_int_equal(w, cols);
}

static void test_decode(void **state)
{
    (void)state;
    one("a", 1, L'a', 1, 1);
    one("\xc3\xa9", 2, 0xe9, 1, 2);                 /* é */
    one("\xe4\xb8\xad", 3, 0x4e2d, 2, 3);           /* 中: two columns */
    one("\xf0\x9f\x98\x80", 4, 0x1f600, 2, 4);      /* emoji */
    one("\t", 1, L' ', 1, 1);
    /* control bytes never reach the screen */
    one("\x1b[2J", 4, 0xfffd, 1, 1);
    one("\x07", 1, 0xfffd, 1, 1);
    one("\x7f", 1, 0xfffd, 1, 1);
    one("\xc2\x85", 2, 0xfffd, 1, 2);               /* C1 NEL */
    one("\xc2\x9b", 2, 0xfffd, 1, 2);               /* C1 CSI */
    /* invalid UTF-8: one replacement per bad byte */
    one("\xff", 1, 0xfffd, 1, 1);
    one("\xc0\xaf", 2, 0xfffd, 1, 1);               /* overlong */
    one("\xed\xa0\x80", 3, 0xfffd, 1, 1);           /* surrogate */
    one("\xe4\xb8", 2, 0xfffd, 1, 1);               /* truncated */
    one("\xf4\x90\x80\x80", 4, 0xfffd, 1, 1);       /* > U+10FFFF */
    /* combining marks have no width */
    one("\xcc\x81", 2, 0x301, 0, 2);
}

static void test_ascii_mode(void **state)
{
    (void)state;
    text_set_utf8(0);
    one("\xc3\xa9", 2, L'?', 1, 2);
    one("\xff", 1, L'?', 1, 1);
    one("\x1b", 1, L'?', 1, 1);
    one("z", 1, L'z', 1, 1);
    text_set_utf8(1);
}

static void test_width_and_fit(void **state)
{
    (void)state;
    wchar_t buf[16];
    size_t used;
    assert_int_equal(text_width("abc", 3), 3);
    assert_int_equal(text_width("\xe4\xb8\xad\xe6\x96\x87", 6), 4);
    assert_int_equal(text_width("e\xcc\x81", 3), 1);
    /* a wide character that does not fit is left out, not split */
    assert_int_equal(text_fit("a\xe4\xb8\xad", 4, 2, buf, 16, &used), 1);
    assert_int_equal(used, 1);
    assert_int_equal(buf[0], L'a');
    assert_int_equal(buf[1], 0);
    /* a combining mark may not start the output */
    assert_int_equal(text_fit("\xcc\x81x", 3, 5, buf, 16, &used), 2);
    assert_int_equal(buf[0], L' ');
    /* the buffer bound holds */
    assert_int_equal(text_fit("abcdefghijklmnopqrstuvwxyz", 26, 80, buf, 4, &used), 3);
    assert_int_equal(used, 3);
    /* a newline stops a fit */
    assert_int_equal(text_fit("ab\ncd", 5, 80, buf, 16, &used), 2);
    assert_int_equal(used, 2);
}

static void lines_are(const char *s, int width, const char *const *want, int n)
{
    wrap_lines w;
    wrap_init(&w);
    text_wrap(&w, s, strlen(s), 0, width, 7);
    assert_int_equal(w.n, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(w.v[i].len, strlen(want[i]));
        assert_memory_equal(s + w.v[i].off, want[i], w.v[i].len);
        assert_int_equal(w.v[i].seg, 7);
    }
    wrap_done(&w);
}

static void test_wrap(void **state)
{
    (void)state;
    const char *a[] = { "hello world", "foo" };
    lines_are("hello world foo", 11, a, 2);
    const char *b[] = { "hello", "world foo" };
    lines_are("hello world foo", 10, b, 2);
    const char *c[] = { "abcd", "efgh", "ij" };
    lines_are("abcdefghij", 4, c, 3);               /* a long word is cut */
    const char *d[] = { "one", "", "two", "" };
    lines_are("one\n\ntwo\n", 20, d, 4);
    const char *e[] = { "45 - 12 =", "33." };
    lines_are("45 - 12 =   33.", 10, e, 2);          /* spaces at a break vanish */
    const char *f[] = { "\xe4\xb8\xad\xe6\x96\x87", "\xe5\xad\x97" };
    lines_are("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, f, 2);  /* by columns */
    const char *g[] = { "\xe4\xb8\xad" };
    lines_are("\xe4\xb8\xad", 1, g, 1);              /* wider than the line: still shown */
    lines_are("", 10, NULL, 0);
}

/* Re-wrapping from the last line's start as text arrives gives the same
 * lines as wrapping the whole text at once. */
static void test_wrap_incremental(void **state)
{
    (void)state;
    const char *text =
        "Let's think step by step. The bakery starts with 45 croissants.\n"
        "It sells 12: 45 - 12 = 33. Then it bakes 30 more: 33 + 30 = 63.\n\n"
        "Supercalifragilisticexpialidocious words get cut. \xe4\xb8\xad\xe6\x96\x87 too.\n"
        "The answer is 45.";
    size_t len = strlen(text);
    srand(7);
    for (int width = 1; width < 40; width++) {
        wrap_lines full, inc;
        size_t have = 0;
        wrap_init(&full);
        wrap_init(&inc);
        text_wrap(&full, text, len, 0, width, 0);
        while (have < len) {
            size_t from = 0;
            have += 1 + (size_t)(rand() % 9);
            if (have > len) have = len;
            if (inc.n > 0) { from = inc.v[inc.n - 1].off; inc.n--; }
            text_wrap(&inc, text, have, from, width, 0);
        }
        assert_int_equal(inc.n, full.n);
        assert_memory_equal(inc.v, full.v, (size_t)full.n * sizeof *full.v);
        wrap_done(&full);
        wrap_done(&inc);
    }
}

static void test_base64(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(clip_base64((const unsigned char *)"", 0, out, sizeof out), 0);
    assert_string_equal(out, "");
    clip_base64((const unsigned char *)"45", 2, out, sizeof out);
    assert_string_equal(out, "NDU=");
    clip_base64((const unsigned char *)"abc", 3, out, sizeof out);
    assert_string_equal(out, "YWJj");
    clip_base64((const unsigned char *)"3/4", 3, out, sizeof out);
    assert_string_equal(out, "My80");
    clip_base64((const unsigned char *)"\xff\xfe", 2, out, sizeof out);
    assert_string_equal(out, "//4=");
    assert_int_equal(clip_base64((const unsigned char *)"abcdef", 6, out, 8), 0);  /* too small */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_ascii_mode),
        cmocka_unit_test(test_width_and_fit),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_wrap_incremental),
        cmocka_unit_test(test_base64),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
