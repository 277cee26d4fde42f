/* test_stepcheck: the rule-based PRM on single steps, chains, aggregation,
 * and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/stepcheck.h"

#define N CHECK_NONE
#define OK CHECK_OK
#define W CHECK_WRONG
#define U CHECK_UNSUPPORTED

typedef struct {
    const char *step;
    const char *context;    /* NULL: no context, nothing is unsupported */
    check_verdict want;
    const char *mark;       /* expected mark, or NULL to skip the comparison */
} scase;

#define APPLES "Tom has 45 apples and gives 12 away. Each costs $12 and he buys 3. " \
                            "He works 4 hours at 15 dollars an hour."

static const scase step_cases[] = {
    /* plain arithmetic, right */
    { "45 - 12 = 33", NULL, OK, "" },
    { "3 \xC3\x97 7 = 21", NULL, OK, "" },
    { "3 x 7 = 21", NULL, OK, "" },
    { "3 * 7 = 21", NULL, OK, "" },
    { "3 \xC2\xB7 7 = 21", NULL, OK, "" },
    { "21 \xC3\xB7 7 = 3", NULL, OK, "" },
    { "45 \xE2\x88\x92 12 = 33", NULL, OK, "" },
    { "2 + 3 * 4 = 14", NULL, OK, "" },
    { "(2 + 3) * 4 = 20", NULL, OK, "" },
    { "10 + 5 = 15 - 3 = 12", NULL, OK, "" },
    { "10 + 5 = 15 and 15 - 3 = 12.", NULL, OK, "" },
    { "1,200 + 300 = 1,500", NULL, OK, "" },
    { "$12 * 3 = $36", NULL, OK, "" },
    { "2.5 * 4 = 10", NULL, OK, "" },
    { "12 apples + 3 apples = 15 apples", NULL, OK, "" },
    { "4 hours * 15 = 60", NULL, OK, "" },
    { "20% of 50 = 10", NULL, OK, "" },
    { "50 * 20% = 10", NULL, OK, "" },
    { "3/4 of 40 is 30", NULL, OK, "" },
    { "1/2 * 10 = 5", NULL, OK, "" },
    { "45 minus 12 is 33", NULL, OK, "" },
    { "6 times 7 equals 42.", NULL, OK, "" },
    { "5\xC2\xB2 = 25", NULL, OK, "" },
    { "5^2 = 25", NULL, OK, "" },
    { "2\xC2\xB3 = 8", NULL, OK, "" },
    { "x/4 - x/12 = x/6", NULL, OK, "" },
    { "2x + 3x = 5x", NULL, OK, "" },
    { "3(x + 2) = 3x + 6", NULL, OK, "" },
    { "(x + 1)\xC2\xB2 = x\xC2\xB2 + 2x + 1", NULL, OK, "" },
    { "10 / 3 = 3.33", NULL, OK, "" },
    { "2 / 3 = 0.67", NULL, OK, "" },
    { "10 / 3 \xE2\x89\x88 3.3", NULL, OK, "" },
    { "3 - 5 = -2", NULL, OK, "" },
    { "So, she has 45 - 12 = 33 apples left.", NULL, OK, "" },
    { "Step 2: 33 + 12 = 45", NULL, OK, "" },
    { "1) 45 - 12 = 33", NULL, OK, "" },
    { "**45 - 12 = 33**", NULL, OK, "" },
    { "She pays 3.50 / 2 = 1.75 dollars each.", NULL, OK, "" },
    { "10 / 50 = 20%", NULL, OK, "" },
    { "2x = 11 - 3 = 8", NULL, OK, "" },
    { "3 \\times 4 = 12", NULL, OK, "" },
    /* wrong, with the mark */
    { "45 - 12 = 32", NULL, W, "45 - 12 = 32 \xE2\x9C\x97, 45 - 12 = 33" },
    { "5\xC2\xB2 = 10", NULL, W, "5\xC2\xB2 = 10 \xE2\x9C\x97, 5\xC2\xB2 = 25" },
    { "3 \xC3\x97 7 = 24", NULL, W, "3 \xC3\x97 7 = 24 \xE2\x9C\x97, 3 \xC3\x97 7 = 21" },
    { "2 + 3 * 4 = 20", NULL, W, "2 + 3 * 4 = 20 \xE2\x9C\x97, 2 + 3 * 4 = 14" },
    { "10 / 3 = 3", NULL, W, "10 / 3 = 3 \xE2\x9C\x97, 10 / 3 = 10/3" },
    { "10 / 3 = 3.34", NULL, W, NULL },
    { "10 + 5 = 16 - 3 = 13", NULL, W, "10 + 5 = 16 \xE2\x9C\x97, 10 + 5 = 15" },
    { "10 + 5 = 15 - 3 = 13", NULL, W, "15 - 3 = 13 \xE2\x9C\x97, 15 - 3 = 12" },
    { "$12 * 3 = $35", NULL, W, "$12 * 3 = $35 \xE2\x9C\x97, $12 * 3 = $36" },
    { "20% of 50 = 12", NULL, W, "20% of 50 = 12 \xE2\x9C\x97, 20% of 50 = 10" },
    { "10 / 50 = 25%", NULL, W, "10 / 50 = 25% \xE2\x9C\x97, 10 / 50 = 20%" },
    { "3/4 of 40 is 32", NULL, W, "3/4 of 40 is 32 \xE2\x9C\x97, 3/4 of 40 is 30" },
    { "7 / 2 = 3", NULL, W, "7 / 2 = 3 \xE2\x9C\x97, 7 / 2 = 3.5" },
    { "2x + 3x = 6x", NULL, W, "2x + 3x = 6x \xE2\x9C\x97, 2x + 3x = 5x" },
    { "3(x + 2) = 3x + 5", NULL, W, "3(x + 2) = 3x + 5 \xE2\x9C\x97, 3(x + 2) = 3x + 6" },
    { "1/0 = 5", NULL, W, "1/0 = 5 \xE2\x9C\x97, 1/0 = division by zero" },
    { "2 + 2 = 4 and 3 + 3 = 7", NULL, W, "3 + 3 = 7 \xE2\x9C\x97, 3 + 3 = 6" },
    { "12 apples + 3 apples = 16 apples", NULL, W, NULL },
    /* no claim */
    { "Let's think step by step.", NULL, N, "" },
    { "The answer is 45.", NULL, N, "" },
    { "She has 12 apples.", NULL, N, "" },
    { "Step 1:", NULL, N, "" },
    { "On 2024-01-15 she left.", NULL, N, "" },
    { "The train leaves at 3:30.", NULL, N, "" },
    { "It takes 5-10 minutes.", NULL, N, "" },
    { "1. First, count the apples.", NULL, N, "" },
    { "2x + 3 = 11", NULL, N, "" },
    { "x = 4", NULL, N, "" },
    { "2x + 3 = x + 7", NULL, N, "" },
    { "The ratio is 3:4 = 0.75", NULL, N, "" },
    { "99999999999999999999 * 9 = 1", NULL, N, "" },
    { "", NULL, N, "" },
    { "= = = 5", NULL, N, "" },
    { "The total is the sum.", NULL, N, "" },
    /* supported and unsupported numbers */
    { "45 - 12 = 33", APPLES, OK, "" },
    { "45 - 17 = 28", APPLES, U, "17 is not in the problem or an earlier step" },
    { "$12 * 3 = $36", APPLES, OK, "" },
    { "4 hours * 15 = 60", APPLES, OK, "" },
    { "45 * 2 = 90", APPLES, OK, "" },
    { "45 - 12 = 33 and 33 / 3 = 11", APPLES, OK, "" },
    { "45 / 9 = 5", APPLES, U, "9 is not in the problem or an earlier step" },
    { "12 * 3 = 36 - 5 = 31", APPLES, U, "5 is not in the problem or an earlier step" },
    { "10 + 5 = 15", "She has ten apples and buys five more.", OK, "" },
    { "45 - 12 = 32", APPLES, W, NULL },
    /* a final answer must be a number something gave */
    { "The answer is 33.", APPLES, U, "the answer 33 is not a number the problem or an earlier step gives" },
    { "The answer is 45.", APPLES, N, "" },
    { "The answer is 33.", APPLES " 45 - 12 = 33.", N, "" },
};

static const char *verdict_name(check_verdict v)
{
    static const char *names[] = { "NONE", "OK", "WRONG", "UNSUPPORTED" };
    return names[v];
}

static void test_step_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof step_cases / sizeof step_cases[0]; i++) {
        const scase *c = &step_cases[i];
        step_check sc;
        stepcheck_step(c->step, c->context, &sc);
        if (sc.verdict != c->want || (c->mark && strcmp(sc.mark, c->mark))) {
            print_error("step case %zu: \"%s\": %s \"%s\", want %s \"%s\"\n", i, c->step,
                        verdict_name(sc.verdict), sc.mark, verdict_name(c->want),
                        c->mark ? c->mark : "*");
            bad++;
        }
        double want_score = c->want == OK ? 1.0 : c->want == N ? 0.6 : c->want == U ? 0.3 : 0.0;
        assert_true(sc.score == want_score);
        /* no claims: NONE, or an unsupported final answer */
        assert_true((sc.verdict == N) <= (sc.n_claims == 0));
        if (sc.n_claims == 0)
            assert_true(sc.verdict == N || (sc.verdict == U && !strncmp(sc.mark, "the answer", 10)));
        assert_true((sc.verdict == W) == (sc.n_wrong > 0));
    }
    assert_int_equal(bad, 0);
}

static void test_counts(void **state)
{
    (void)state;
    step_check sc;
    stepcheck_step("10 + 5 = 15 - 3 = 12, and 2 * 3 = 7, and 2 + 2 = 5", NULL, &sc);
    assert_int_equal(sc.n_claims, 4);
    assert_int_equal(sc.n_wrong, 2);
    assert_string_equal(sc.mark, "2 * 3 = 7 \xE2\x9C\x97, 2 * 3 = 6");
    stepcheck_step(NULL, NULL, &sc);
    assert_int_equal(sc.verdict, CHECK_NONE);
    stepcheck_step("5 + 5 = 10", "", &sc);  /* empty context: 5 is unknown */
    assert_int_equal(sc.verdict, CHECK_UNSUPPORTED);
}

typedef struct {
    char steps[16][64];
    int n;
} collected;

static void collect(void *ud, int index, const char *step, size_t len)
{
    collected *c = ud;
    assert_int_equal(index, c->n);
    if (c->n < 16)
        snprintf(c->steps[c->n++], 64, "%.*s", (int)len, step);
}

static void test_split(void **state)
{
    (void)state;
    collected c = { .n = 0 };
    int n = stepcheck_split("It costs 3.75 each. So 2 * 3.75 = 7.5.\nThe answer is 7.5.", collect, &c);
    assert_int_equal(n, 3);
    assert_string_equal(c.steps[0], "It costs 3.75 each.");
    assert_string_equal(c.steps[1], "So 2 * 3.75 = 7.5.");
    assert_string_equal(c.steps[2], "The answer is 7.5.");
    c.n = 0;
    n = stepcheck_split("  a\n\n\n b  \r\nc", collect, &c);
    assert_int_equal(n, 3);
    assert_string_equal(c.steps[1], "b");
    assert_string_equal(c.steps[2], "c");
    assert_int_equal(stepcheck_split("", collect, &c), 0);
    assert_int_equal(stepcheck_split(NULL, collect, &c), 0);
    assert_int_equal(stepcheck_split(" . \n ", NULL, NULL), 1);
    assert_int_equal(stepcheck_split("Pi is 3.14159 and e is 2.718", NULL, NULL), 1);
    assert_int_equal(stepcheck_split("One.Two. Three", NULL, NULL), 2);
}

static void test_chain(void **state)
{
    (void)state;
    const char *problem = "Tom has 45 apples. He gives 12 away and buys 3 bags of 8.";
    step_check out[8];
    int fw = 99;
    int n = stepcheck_chain(problem, "He has 45 - 12 = 33 apples.\n3 * 8 = 24 more.\n"
                                     "33 + 24 = 57.\nThe answer is 57.", out, 8, &fw);
    assert_int_equal(n, 4);
    assert_int_equal(fw, -1);
    assert_int_equal(out[0].verdict, CHECK_OK);
    assert_int_equal(out[1].verdict, CHECK_OK);
    assert_int_equal(out[2].verdict, CHECK_OK);   /* 33 and 24 come from earlier steps */
    assert_int_equal(out[3].verdict, CHECK_NONE);
    n = stepcheck_chain(problem, "45 - 12 = 33. 3 * 8 = 25. 33 + 25 = 58. 58 - 1 = 56.", out, 2, &fw);
    assert_int_equal(n, 4);
    assert_int_equal(fw, 1);
    assert_int_equal(out[0].verdict, CHECK_OK);
    assert_int_equal(out[1].verdict, CHECK_WRONG);
    n = stepcheck_chain(problem, "45 - 12 = 33. 33 + 19 = 52.", out, 8, &fw);
    assert_int_equal(fw, -1);
    assert_int_equal(out[1].verdict, CHECK_UNSUPPORTED);
    assert_int_equal(stepcheck_chain(NULL, "2 + 2 = 4", NULL, 0, &fw), 1);
    assert_int_equal(stepcheck_chain(problem, NULL, out, 8, &fw), 0);
    assert_int_equal(fw, -1);
    assert_int_equal(stepcheck_chain(problem, "2 + 2 = 5", out, 8, NULL), 1);
}

static void test_aggregate(void **state)
{
    (void)state;
    const double s[] = { 1.0, 0.6, 0.3, 1.0 };
    assert_true(stepcheck_aggregate(s, 4, AGG_LAST) == 1.0);
    assert_true(stepcheck_aggregate(s, 4, AGG_MIN) == 0.3);
    assert_float_equal(stepcheck_aggregate(s, 4, AGG_PROD), 0.18, 1e-12);
    assert_float_equal(stepcheck_aggregate(s, 4, AGG_MEAN), 0.725, 1e-12);
    assert_true(stepcheck_aggregate(s, 0, AGG_MIN) == 0.6);
    assert_true(stepcheck_aggregate(NULL, 3, AGG_MEAN) == 0.6);
    agg_kind k = AGG_LAST;
    static const char *names[] = { "last", "min", "prod", "mean" };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(agg_parse(names[i], &k), 0);
        assert_int_equal(k, i);
        assert_string_equal(agg_name(k), names[i]);
    }
    assert_int_equal(agg_parse("max", &k), -1);
    assert_int_equal(agg_parse(NULL, &k), -1);
    assert_int_equal(k, AGG_MEAN);
}

/* Hostile input: finishes, stays in bounds, marks are NUL-terminated. */
static void test_robust(void **state)
{
    (void)state;
    step_check sc;
    size_t n = 100 * 1024;
    char *s = malloc(n + 1);
    static const char *pieces[] = { "1", "+", "=", "(", ")", "9", "x", "\xC2\xB2", "/", "0",
                                    " ", ",", ".", "%", "$", "-", "\xFF", "^", "is ", "\n" };
    unsigned seed = 12345;
    for (int round = 0; round < 6; round++) {
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            if (round < 3) {
                s[i] = (char)(seed >> 16);
                if (!s[i])
                    s[i] = 'a';
            } else {
                const char *p = pieces[(seed >> 16) % 20];
                size_t l = strlen(p);
                if (i + l > n)
                    l = n - i;
                memcpy(s + i, p, l);
                i += l - 1;
            }
        }
        s[n] = '\0';
        stepcheck_step(s, s, &sc);
        assert_true(strlen(sc.mark) < sizeof sc.mark);
        int fw;
        stepcheck_chain(s, s, NULL, 0, &fw);
    }
    memset(s, '(', n);
    stepcheck_step(s, NULL, &sc);
    for (size_t i = 0; i < n; i++)
        s[i] = "9="[i % 2];
    stepcheck_step(s, NULL, &sc);
    for (size_t i = 0; i < n; i++)
        s[i] = "1+"[i % 2];
    memcpy(s + n - 3, "=99", 3);
    stepcheck_step(s, NULL, &sc);
    free(s);
    const char *nasty[] = { "1/0 = 5", "99999999999999999999 * 9 = 1", "9223372036854775807 + 1 = 0",
                            "2^99999 = 1", "2^-1 = 0.5", "0^-1 = 1", "x^9 = x", "(x+1)^7 = 1",
                            "9223372036854775807 * 9223372036854775807 = 1", "5\xC2\xB2\xC2\xB2\xC2\xB2\xC2\xB2\xC2\xB2 = 1",
                            "0.0000000000000000001 = 1 - 1", "1e10 = 5", "x/0 = x", "x/x = 1" };
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++)
        stepcheck_step(nasty[i], "", &sc);
    stepcheck_step("2^-1 = 0.5", NULL, &sc);
    assert_int_equal(sc.verdict, CHECK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_table),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_aggregate),
        cmocka_unit_test(test_robust),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
