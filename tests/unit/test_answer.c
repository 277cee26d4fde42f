/* test_answer: table-driven extraction, normalization and comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/answer.h"

typedef struct {
    const char *text;
    const char *want;   /* normalized answer, "" when none */
} xcase;

/* answer_extract: model text -> normalized final answer. */
static const xcase extract_cases[] = {
    /* "The answer is X" */
    { "The answer is $1,234.", "1234" },
    { "The answer is 45.", "45" },
    { "the answer is 45", "45" },
    { "THE ANSWER IS 45!", "45" },
    { "So the answer is -7.", "-7" },
    { "The answer is 3/4.", "0.75" },
    { "The answer is 6/8", "0.75" },
    { "The answer is 75%.", "75%" },
    { "The answer is 12.5 percent", "12.5%" },
    { "The answer is \\boxed{42}.", "42" },
    { "The answer is $\\boxed{\\frac{3}{4}}$.", "0.75" },
    { "The answer is: 18", "18" },
    { "The answer is **45**.", "45" },
    { "The answer is $45$.", "45" },
    { "The answer is 45 croissants.", "45" },
    { "The answer is 3.50 dollars.", "3.5" },
    { "The answer is 45.0", "45" },
    { "The answer is 45.00.", "45" },
    { "The answer is \xE2\x88\x92" "5.", "-5" },
    { "The answer is 1/3.", "1/3" },
    { "The answer is 2/6", "1/3" },
    { "The answer is 0.", "0" },
    { "The answer is -0", "0" },
    { "The answer is 007.", "7" },
    { "The answer is .5", "0.5" },
    { "The answer is \xE2\x82\xAC" "12.", "12" },
    { "The answer is \xC2\xA3" "7.25", "7.25" },
    { "The answer is \xC2\xA5" "300", "300" },
    { "The answer is \\$12.", "12" },
    { "The answer is -$5.", "-5" },
    { "The answer is $-5.", "-5" },
    { "The answer is +8", "8" },
    { "The answer is:\n\n**27**", "27" },
    { "The final answer is 12.", "12" },
    { "answer is 1,000,000", "1000000" },
    { "The answer is 1,000,000.50", "1000000.5" },
    { "The answer is 12345678901234567890123.", "12345678901234567890123" },
    { "The answer is 3 hours and 20 minutes.", "3" },
    /* the last "answer is" wins */
    { "The answer is 44.\nWait, I made an error.\nThe answer is 45.", "45" },
    { "The answer is 10.\nThe answer is 11.\nThe answer is 12.", "12" },
    { "The answer is 44. Checking again: the answer is 45.", "45" },
    /* an "answer is" without a number falls back to an earlier one */
    { "The answer is 45.\nI am sure the answer is right.", "45" },
    { "The answer isn't 44; 20 + 25 = 45.", "45" },
    { "The answer is obvious.", "" },
    /* "#### X" (GSM8K) */
    { "#### 18", "18" },
    { "Janet sells 16 - 3 - 4 = 9 eggs.\n9 * 2 = 18\n#### 18", "18" },
    { "#### 1,234", "1234" },
    { "#### -3", "-3" },
    { "#### 12\n#### 13", "13" },
    { "The answer is 7.\n#### 8", "7" },
    /* \boxed{X} */
    { "\\boxed{\\frac{3}{4}}", "0.75" },
    { "So $x = \\boxed{\\dfrac{6}{8}}$.", "0.75" },
    { "\\boxed{\\tfrac{1}{3}}", "1/3" },
    { "\\boxed{\\frac{-1}{2}}", "-0.5" },
    { "\\boxed{-\\frac{5}{2}}", "-2.5" },
    { "\\boxed{\\frac{10}{5}}", "2" },
    { "\\boxed{\\text{45 croissants}}", "45" },
    { "First \\boxed{3}, then after review \\boxed{4}.", "4" },
    { "\\boxed{12", "12" },
    { "We get $\\boxed{1{,}000}$", "1000" },
    { "#### 12{,}345{,}678", "12345678" },
    { "\\boxed{75\\%}", "75%" },
    { "#### 5\n\\boxed{6}", "5" },
    /* "Final answer: X" */
    { "Final answer: 0.75", "0.75" },
    { "final answer: 3/4", "0.75" },
    { "**Final Answer:** 42", "42" },
    { "Final answer = 19 apples", "19" },
    { "Step 1: 2 + 3 = 5\nFinal answer:\n5", "5" },
    { "Answer: 31", "31" },
    { "**Answer:** 31", "31" },
    { "The word Answer: 3 is mid-line, but 7 is last", "7" },
    /* the last number in the text */
    { "45 croissants", "45" },
    { "He has 20 - 8 = 12 apples, then 12 + 15 = 27.\nSo they have 27 oranges.", "27" },
    { "First 3 * 4 = 12. Then 12 / 2 = 6. So 6 boxes.", "6" },
    { "The temperature is -5 degrees.", "-5" },
    { "It is 75% likely.", "75%" },
    { "She pays $3.50 in total.", "3.5" },
    { "$45$", "45" },
    { "**45**", "45" },
    { "The total is 1,000,000.", "1000000" },
    { "Costs 1,2 and 3", "3" },
    { "20-8", "8" },
    { "x = \\frac{3}{4}", "0.75" },
    { "This holds for GSM8K problems", "" },
    { "version v2 of x3", "" },
    { "total: 12 items", "12" },
    { "From 3/0 we learn nothing", "0" },
    { "I do not know.", "" },
    { "", "" },
    { "No numbers here at all!", "" },
    { "\xFF\xFE garbage \x80 then 9", "9" },
};

typedef struct {
    const char *raw;
    const char *want;
    int found;
} ncase;

static const ncase normalize_cases[] = {
    { "$1,234.00", "1234", 1 },
    { "\\frac{3}{4}", "0.75", 1 },
    { "  45  ", "45", 1 },
    { "45.0", "45", 1 },
    { "45.", "45", 1 },
    { "-5", "-5", 1 },
    { "\xE2\x88\x92" "5", "-5", 1 },
    { "3/4", "0.75", 1 },
    { "0.750", "0.75", 1 },
    { "1/3", "1/3", 1 },
    { "4/12", "1/3", 1 },
    { "-2/4", "-0.5", 1 },
    { "7/8", "0.875", 1 },
    { "1/64", "0.015625", 1 },
    { "22/7", "22/7", 1 },
    { "1.5/3", "0.5", 1 },
    { "75%", "75%", 1 },
    { "75 %", "75%", 1 },
    { "12.50%", "12.5%", 1 },
    { "0", "0", 1 },
    { "-0.00", "0", 1 },
    { "1,000,000", "1000000", 1 },
    { "18446744073709551615", "18446744073709551615", 1 },
    { "18446744073709551616", "18446744073709551616", 1 },
    { "000123.4500", "123.45", 1 },
    { "\\boxed{1/2}", "0.5", 1 },
    { "  hello  ", "hello", 0 },
    { "", "", 0 },
};

/* A stable name for a table row in failure messages. */
static void fail_row(const char *kind, size_t i, const char *in, const char *got, const char *want)
{
    print_error("%s case %zu: input \"%s\": got \"%s\", want \"%s\"\n", kind, i, in, got, want);
}

static void test_extract_table(void **state)
{
    (void)state;
    size_t n = sizeof extract_cases / sizeof extract_cases[0];
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char out[64];
        int found = answer_extract(extract_cases[i].text, out, sizeof out);
        if (strcmp(out, extract_cases[i].want) != 0 || found != (*extract_cases[i].want != 0)) {
            fail_row("extract", i, extract_cases[i].text, out, extract_cases[i].want);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    assert_true(n >= 80);
}

static void test_normalize_table(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof normalize_cases / sizeof normalize_cases[0]; i++) {
        const ncase *c = &normalize_cases[i];
        char out[64];
        int found = answer_normalize(c->raw, out, sizeof out);
        if (strcmp(out, c->want) != 0 || found != c->found) {
            fail_row("normalize", i, c->raw, out, c->want);
            failures++;
        }
        /* normalizing a normalized answer changes nothing */
        char again[64];
        answer_normalize(out, again, sizeof again);
        if (strcmp(out, again) != 0) {
            fail_row("idempotent", i, out, again, out);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

typedef struct {
    const char *a, *b;
    int eq;
} ecase;

static const ecase equal_cases[] = {
    { "0.75", "3/4", 1 },
    { "\\frac{3}{4}", "6/8", 1 },
    { "0.75", "\\frac{3}{4}", 1 },
    { "45", "45.0", 1 },
    { "45", "$45", 1 },
    { "1234", "1,234", 1 },
    { "-5", "\xE2\x88\x92" "5", 1 },
    { "75%", "75%", 1 },
    { "75%", "75", 1 },
    { "75%", "0.75", 1 },
    { "0.75", "75%", 1 },
    { "1/3", "2/6", 1 },
    { "12.5%", "1/8", 1 },
    { "1/3", "0.333", 0 },
    { "45", "44", 0 },
    { "-5", "5", 0 },
    { "75%", "76", 0 },
    { "abc", "ABC", 1 },
    { "abc", "abd", 0 },
    { "abc", "1", 0 },
    { NULL, "1", 0 },
    { "", "", 1 },
};

static void test_equal_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof equal_cases / sizeof equal_cases[0]; i++) {
        const ecase *c = &equal_cases[i];
        if (answer_equal(c->a, c->b) != c->eq || answer_equal(c->b, c->a) != c->eq) {
            print_error("equal case %zu: \"%s\" vs \"%s\", want %d\n", i,
                        c->a ? c->a : "(null)", c->b ? c->b : "(null)", c->eq);
            fail();
        }
    }
}

static void test_truncation_and_null(void **state)
{
    (void)state;
    char out[4] = "xyz";
    assert_int_equal(answer_extract("The answer is 123456.", out, sizeof out), 1);
    assert_string_equal(out, "123");
    assert_int_equal(answer_extract("The answer is 5", out, 0), 1);
    assert_int_equal(answer_extract(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(answer_normalize(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
}

/* Pathological inputs finish and stay in bounds. */
static void test_long_inputs(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = "9,\\{$-"[i % 6];
    s[n] = '\0';
    char out[32];
    answer_extract(s, out, sizeof out);
    memset(s, '7', n);
    assert_int_equal(answer_extract(s, out, sizeof out), 1);
    assert_int_equal(strlen(out), sizeof out - 1);
    memcpy(s, "\\boxed{", 7);
    answer_extract(s, out, sizeof out);
    free(s);
}

/* A search needs to know a step that ends the solution from one that only
 * computes: the marked forms count, the last number does not. */
static void test_explicit(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(answer_explicit("The answer is 45.", out, sizeof out), 1);
    assert_string_equal(out, "45");
    assert_int_equal(answer_explicit("#### 1,200", out, sizeof out), 1);
    assert_string_equal(out, "1200");
    assert_int_equal(answer_explicit("45 - 12 = 33.", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(answer_explicit("", out, sizeof out), 0);
    assert_int_equal(answer_explicit(NULL, out, sizeof out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_extract_table),
        cmocka_unit_test(test_normalize_table),
        cmocka_unit_test(test_equal_table),
        cmocka_unit_test(test_truncation_and_null),
        cmocka_unit_test(test_long_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
