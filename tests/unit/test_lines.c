/* lines: the splitter under SSE and NDJSON, fed every split of its input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "models/lines.h"

typedef struct {
    char out[512];
    int n;
} rec;

static int on_line(void *ud, char *line, size_t len)
{
    rec *r = ud;
    assert_int_equal(strlen(line), len);
    strcat(r->out, "[");
    strcat(r->out, line);
    strcat(r->out, "]");
    r->n++;
    return 0;
}

static void check(const char *in, const char *want, int want_n)
{
    size_t n = strlen(in);
    for (size_t a = 0; a <= n; a++)
        for (size_t b = a; b <= n; b++) {
            rec r = { "", 0 };
            lines l;
            lines_init(&l, 64);
            assert_int_equal(lines_feed(&l, in, a, on_line, &r), 0);
            assert_int_equal(lines_feed(&l, in + a, b - a, on_line, &r), 0);
            assert_int_equal(lines_feed(&l, in + b, n - b, on_line, &r), 0);
            assert_int_equal(lines_finish(&l, on_line, &r), 0);
            lines_done(&l);
            assert_string_equal(r.out, want);
            assert_int_equal(r.n, want_n);
        }
}

static void test_endings(void **st)
{
    (void)st;
    check("a\nb\r\nc\rd", "[a][b][c][d]", 4);
    check("\n\r\n\r", "[][][]", 3);
    check("data: x\r\n\r\n", "[data: x][]", 2);
    check("", "", 0);
}

static int stop_at_b(void *ud, char *line, size_t len)
{
    (void)ud;
    (void)len;
    return line[0] == 'b' ? 7 : 0;
}

static void test_cap_and_stop(void **st)
{
    (void)st;
    lines l;
    lines_init(&l, 4);
    assert_int_equal(lines_feed(&l, "abcd\n", 5, stop_at_b, NULL), 0);
    assert_int_equal(lines_feed(&l, "abcde", 5, stop_at_b, NULL), LINES_TOO_LONG);
    lines_done(&l);
    lines_init(&l, 4);
    assert_int_equal(lines_feed(&l, "a\nb\nc\n", 6, stop_at_b, NULL), 7);
    lines_done(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endings),
        cmocka_unit_test(test_cap_and_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
