/* test_rational: exact fractions, their overflow checks, parse and format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/rational.h"

static rat R(const char *s)
{
    rat r;
    if (rat_parse(s, &r)) {
        print_error("cannot parse \"%s\"\n", s);
        fail();
    }
    return r;
}

static void assert_rat(rat r, const char *want)
{
    char buf[64];
    rat_format(r, buf, sizeof buf);
    assert_string_equal(buf, want);
}

typedef struct {
    const char *text;
    const char *want;   /* rat_format of the parse, or NULL when it must fail */
} pcase;

static const pcase parse_cases[] = {
    { "45", "45" }, { "1,200", "1200" }, { "1,000,000", "1000000" }, { "3.75", "15/4" },
    { "3/4", "3/4" }, { "6/8", "3/4" }, { "-2", "-2" }, { "-3/4", "-3/4" }, { " 7 ", "7" },
    { "0", "0" }, { "-0", "0" }, { ".5", "1/2" }, { "+8", "8" }, { "0.125", "1/8" },
    { "12,5", NULL }, { "1,20", NULL }, { "", NULL }, { "abc", NULL }, { "3/0", NULL },
    { "4 5", NULL }, { "3.", NULL }, { "9223372036854775807", "9223372036854775807" },
    { "9223372036854775808", NULL }, { "99999999999999999999", NULL },
    { "0.1234567890123456789", NULL }, { "1.50000000000000000000", "3/2" },
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const pcase *c = &parse_cases[i];
        rat r;
        int rc = rat_parse(c->text, &r);
        char buf[64] = "";
        if (!rc)
            rat_format(r, buf, sizeof buf);
        if ((rc != 0) != (c->want == NULL) || (c->want && strcmp(buf, c->want))) {
            print_error("parse case %zu: \"%s\" gave rc %d \"%s\", want %s\n", i, c->text, rc,
                        buf, c->want ? c->want : "failure");
            fail();
        }
    }
    rat r;
    assert_int_equal(rat_parse(NULL, &r), -1);
}

static void test_arithmetic(void **state)
{
    (void)state;
    rat r;
    assert_int_equal(rat_add(R("1/2"), R("1/3"), &r), 0);
    assert_rat(r, "5/6");
    assert_int_equal(rat_sub(R("1/2"), R("3/4"), &r), 0);
    assert_rat(r, "-1/4");
    assert_int_equal(rat_mul(R("-2/3"), R("9/4"), &r), 0);
    assert_rat(r, "-3/2");
    assert_int_equal(rat_div(R("3/4"), R("-3/8"), &r), 0);
    assert_rat(r, "-2");
    assert_int_equal(rat_div(R("3"), R("0"), &r), -1);
    assert_int_equal(rat_pow(R("5"), 2, &r), 0);
    assert_rat(r, "25");
    assert_int_equal(rat_pow(R("2/3"), -3, &r), 0);
    assert_rat(r, "27/8");
    assert_int_equal(rat_pow(R("7"), 0, &r), 0);
    assert_rat(r, "1");
    assert_int_equal(rat_pow(R("0"), -1, &r), -1);
    assert_int_equal(rat_pow(R("-1"), INT_MAX, &r), 0);
    assert_rat(r, "-1");
    assert_int_equal(rat_pow(R("1"), INT_MIN, &r), 0);
    assert_rat(r, "1");
    assert_int_equal(rat_pow(R("2"), 62, &r), 0);
    assert_int_equal(rat_pow(R("2"), 63, &r), -1);
    assert_int_equal(rat_pow(R("3"), INT_MIN, &r), -1);
    assert_int_equal(rat_cmp(R("1/3"), R("0.333")), 1);
    assert_int_equal(rat_cmp(R("-1/3"), R("1/3")), -1);
    assert_int_equal(rat_cmp(R("2/4"), R("1/2")), 0);
    assert_true(rat_eq(R("2/4"), R("0.5")));
    assert_true(rat_is_int(R("8/4")));
    assert_false(rat_is_int(R("8/3")));
    assert_rat(rat_neg(R("3/4")), "-3/4");
    assert_rat(rat_abs(R("-3/4")), "3/4");
}

static void test_overflow(void **state)
{
    (void)state;
    rat big = rat_of(LLONG_MAX), r = rat_of(5);
    assert_int_equal(rat_add(big, rat_of(1), &r), -1);
    assert_rat(r, "5");   /* untouched on failure */
    assert_int_equal(rat_mul(big, rat_of(2), &r), -1);
    assert_int_equal(rat_sub(rat_neg(big), rat_of(1), &r), -1);
    assert_int_equal(rat_sub(rat_neg(big), rat_of(0), &r), 0);
    assert_int_equal(rat_mul(big, big, &r), -1);
    assert_int_equal(rat_div(rat_of(1), big, &r), 0);
    assert_int_equal(rat_add(r, R("1/2"), &r), -1);   /* den 2 * LLONG_MAX */
    assert_int_equal(rat_mul(big, R("1/7"), &r), 0);  /* LLONG_MAX = 7 * 1317624576693539401 */
    assert_rat(r, "1317624576693539401");
    assert_rat(rat_of(LLONG_MIN), "-9223372036854775807");
    assert_int_equal(rat_make(LLONG_MIN, 1, &r), -1);
    assert_int_equal(rat_make(4, -6, &r), 0);
    assert_rat(r, "-2/3");
    assert_int_equal(rat_make(4, 0, &r), -1);
}

static void test_round_and_format(void **state)
{
    (void)state;
    rat r;
    char buf[64];
    assert_int_equal(rat_round(R("10/3"), 2, &r), 0);
    assert_true(rat_eq(r, R("3.33")));
    assert_int_equal(rat_round(R("2/3"), 2, &r), 0);
    assert_true(rat_eq(r, R("0.67")));
    assert_int_equal(rat_round(R("-5/2"), 0, &r), 0);
    assert_rat(r, "-3");
    assert_int_equal(rat_round(R("1/8"), 2, &r), 0);
    assert_true(rat_eq(r, R("0.13")));
    assert_int_equal(rat_round(R("1/8"), 19, &r), -1);
    assert_int_equal(rat_format_decimal(R("5/2"), 4, buf, sizeof buf), 3);
    assert_string_equal(buf, "2.5");
    rat_format_decimal(R("-1/8"), 4, buf, sizeof buf);
    assert_string_equal(buf, "-0.125");
    rat_format_decimal(R("45"), 0, buf, sizeof buf);
    assert_string_equal(buf, "45");
    rat_format_decimal(R("-1/20"), 4, buf, sizeof buf);
    assert_string_equal(buf, "-0.05");
    assert_int_equal(rat_format_decimal(R("1/3"), 4, buf, sizeof buf), -1);
    assert_string_equal(buf, "");
    assert_int_equal(rat_format_decimal(R("1/32"), 4, buf, sizeof buf), -1);
    rat_format(R("-7/2"), buf, sizeof buf);
    assert_string_equal(buf, "-7/2");
}

static void test_scan(void **state)
{
    (void)state;
    size_t used = 0;
    int dec = -1;
    rat r;
    assert_int_equal(rat_scan("1,200 apples", 12, 1, &used, &r, &dec), 0);
    assert_int_equal(used, 5);
    assert_rat(r, "1200");
    assert_int_equal(rat_scan("1,200", 5, 0, &used, &r, &dec), 0);
    assert_int_equal(used, 1);
    assert_int_equal(rat_scan("3.75.", 5, 1, &used, &r, &dec), 0);
    assert_int_equal(used, 4);
    assert_int_equal(dec, 2);
    assert_int_equal(rat_scan("3,4567", 6, 1, &used, &r, &dec), 0);
    assert_int_equal(used, 1);
    assert_int_equal(rat_scan("x", 1, 1, &used, &r, &dec), 1);
    assert_int_equal(rat_scan("123456789012345678901234 + 1", 28, 1, &used, &r, &dec), -1);
    assert_int_equal(used, 24);
    assert_int_equal(rat_scan("12", 1, 1, &used, &r, &dec), 0);   /* honours n */
    assert_rat(r, "1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_round_and_format),
        cmocka_unit_test(test_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
