/* test_game24: the Game of 24 expression checker, step applier and solver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/game24.h"

typedef struct {
    int nums[4], n;
    const char *expr;
    int ok;
    const char *why;    /* expected reason, or NULL to skip the comparison */
} ecase;

static const ecase expr_cases[] = {
    { { 4, 9, 10, 13 }, 4, "(13 - 9) * (10 - 4)", 1, "" },
    { { 4, 9, 10, 13 }, 4, "(10 - 4) \xC3\x97 (13 - 9) = 24", 1, "" },
    { { 4, 9, 10, 13 }, 4, "(10 - 4) * (13 - 9) = 25", 0, "the right side is not 24" },
    { { 4, 9, 10, 13 }, 4, "(13 - 9) * (10 - 4) + 0", 0, "uses 0, which is not given" },
    { { 4, 9, 10, 13 }, 4, "(13 - 9) * (9 - 4)", 0, "uses 9 twice" },
    { { 4, 9, 10, 13 }, 4, "(13 - 9) * 6", 0, "uses 6, which is not given" },
    { { 4, 9, 10, 13 }, 4, "13 + 9 + 10 - 4 - 4", 0, "uses 4 twice" },
    { { 4, 9, 10, 13 }, 4, "13 + 10 - 9 + 4", 0, "equals 18, not 24" },
    { { 4, 9, 10, 13 }, 4, "13 + 10", 0, "does not use 4" },
    { { 3, 3, 8, 8 }, 4, "8 / (3 - 8/3)", 1, "" },
    { { 3, 3, 8, 8 }, 4, "8 \xC3\xB7 (3 \xE2\x88\x92 8 \xC3\xB7 3) = 24", 1, "" },
    { { 3, 3, 8, 8 }, 4, "8 / (3 - 3) * 8", 0, "divides by zero" },
    { { 1, 2, 3, 4 }, 4, "1 * 2 * 3 * 4", 1, "" },
    { { 1, 2, 3, 4 }, 4, "(1 + 2 + 3) * 4", 1, "" },
    { { 1, 2, 3, 4 }, 4, "1 + 2 + 3 + 4", 0, "equals 10, not 24" },
    { { 1, 2, 3, 4 }, 4, "2 * 3 * 4 - 1", 0, "equals 23, not 24" },   /* one off, */
    { { 1, 2, 3, 4 }, 4, "2 * 3 * 4 + 1", 0, "equals 25, not 24" },   /* either side */
    { { 4, 4, 6, 6 }, 4, "4 * 6", 0, "does not use every number once" },
    { { 1, 2, 3, 4 }, 4, "(1 + 2 + 3) * 4)", 0, NULL },
    { { 1, 2, 3, 4 }, 4, "-1 + 25", 0, NULL },
    { { 1, 2, 3, 4 }, 4, "1 * 2 ** 3 * 4", 0, NULL },
    { { 1, 2, 3, 4 }, 4, "1.5 * 16", 0, NULL },
    { { 1, 2, 3, 4 }, 4, "", 0, NULL },
    { { 1, 2, 3, 4 }, 4, "((((1 * 2 * 3 * 4))))", 1, "" },
    { { 24 }, 1, "24", 1, "" },
    { { 5, 5, 5, 1 }, 4, "5 * (5 - 1 / 5)", 1, "" },
    { { 5, 5, 5, 1 }, 4, "(5 - 1 / 5) * 5 * 1", 0, "uses 1 twice" },
};

static void test_check_expr(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof expr_cases / sizeof expr_cases[0]; i++) {
        const ecase *c = &expr_cases[i];
        char why[64] = "junk";
        int ok = g24_check_expr(c->nums, c->n, c->expr, why, sizeof why);
        if (ok != c->ok || (c->why && strcmp(why, c->why))) {
            print_error("expr case %zu: \"%s\" gave %d \"%s\", want %d \"%s\"\n", i, c->expr, ok,
                        why, c->ok, c->why ? c->why : "*");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    char why[8];
    assert_int_equal(g24_check_expr(NULL, 4, "1", why, sizeof why), 0);
    int four[] = { 1, 2, 3, 4 };
    assert_int_equal(g24_check_expr(four, 4, NULL, why, sizeof why), 0);
    assert_int_equal(g24_check_expr(four, 4, "1 + 2 + 3 + 4", why, sizeof why), 0);
    assert_int_equal(strlen(why), sizeof why - 1);   /* truncated, terminated */
    assert_int_equal(g24_check_expr(four, 4, "1 * 2 * 3 * 4", NULL, 0), 1);
}

static void test_parse_format(void **state)
{
    (void)state;
    g24_state s;
    char buf[64];
    assert_int_equal(g24_parse("4 9 10 13", &s), 0);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.expr[3], "13");
    g24_format(&s, buf, sizeof buf);
    assert_string_equal(buf, "4 9 10 13");
    assert_int_equal(g24_parse(" 4, 9,10 ,13 ", &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(g24_parse("1000", &s), 0);
    assert_int_equal(g24_parse("1001", &s), -1);
    /* 0 is a number like any other: "0 0 0 0" is a puzzle with no solution. */
    assert_int_equal(g24_parse("0 1 2", &s), 0);
    assert_int_equal(g24_parse("0 0 0 0", &s), 0);
    assert_int_equal(s.n, 4);
    char sol[96];
    assert_int_equal(g24_solve(&s, sol, sizeof sol), 0);
    assert_int_equal(g24_parse("0 4 6 1", &s), 0);
    assert_int_equal(g24_solve(&s, sol, sizeof sol), 1);
    assert_int_equal(g24_parse("1 2 3 4 5", &s), -1);
    assert_int_equal(g24_parse("", &s), -1);
    assert_int_equal(g24_parse("1 2 x", &s), -1);
    assert_int_equal(g24_parse("-1 2", &s), -1);
    assert_int_equal(g24_parse("99999999999999999999", &s), -1);
    assert_int_equal(g24_parse(NULL, &s), -1);
}

typedef struct {
    const char *state, *step;
    int ok;
    const char *result;     /* g24_format of next, or the reason */
} acase;

static const acase apply_cases[] = {
    { "4 9 10 13", "13 - 9 = 4 (left: 4 4 10)", 0, "4 4 10" },
    { "4 9 10 13", "13-9=4", 0, "4 4 10" },
    { "4 9 10 13", "13 \xE2\x88\x92 9 = 4", 0, "4 4 10" },
    { "4 9 10 13", "10 \xC3\x97 4 = 40 (left: 9 13 40)", 0, "9 13 40" },
    { "4 9 10 13", "10 * 4 = 40 (left: 9, 13, 40)", 0, "9 13 40" },
    { "4 9 10 13", "13 - 9 = 5 (left: 4 5 10)", -1, "13 - 9 is 4, not 5" },
    { "4 9 10 13", "13 - 8 = 5", -1, "8 is not left" },
    { "4 9 10 13", "9 - 9 = 0", -1, "9 is left only once" },
    { "4 9 10 13", "13 - 9 = 4 (left: 4 10)", -1, "left should be 4 4 10" },
    { "4 9 10 13", "13 - 9 = 4 (left: 4 4 11)", -1, "left should be 4 4 10" },
    { "4 9 10 13", "13 - 9", -1, "not a step like \"13 - 9 = 4\"" },
    { "4 9 10 13", "the answer is 24", -1, "not a step like \"13 - 9 = 4\"" },
    { "3 3 8 8", "8 / 3 = 8/3 (left: 3 8 8/3)", 0, "8/3 3 8" },
    { "3 3 8 8", "8 \xC3\xB7 3 = 8/3", 0, "8/3 3 8" },
    { "3 3 8 8", "8 / 3 = 2.67", -1, "8 / 3 is 8/3, not 267/100" },
    { "3 8 8/3", "3 - 8/3 = 1/3 (left: 8 1/3)", 0, "1/3 8" },
    { "8 1/3", "8 / 1/3 = 24 (left: 24)", 0, "24" },
    { "4 4", "4 - 4 = 0", 0, "0" },
    { "0 4", "4 / 0 = 0", -1, "4 / 0 divides by zero" },
    { "24", "24 + 0 = 24", -1, "nothing to combine" },
};

/* Builds a state from "3 8 8/3" (which g24_parse refuses: it takes puzzles). */
static void state_of(const char *s, g24_state *st)
{
    memset(st, 0, sizeof *st);
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        assert_int_equal(rat_parse(tok, &st->v[st->n]), 0);
        snprintf(st->expr[st->n++], sizeof st->expr[0], "%s", tok);
    }
}

static void test_apply(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof apply_cases / sizeof apply_cases[0]; i++) {
        const acase *c = &apply_cases[i];
        g24_state s, next;
        char why[96] = "junk", got[96];
        state_of(c->state, &s);
        memset(&next, 0, sizeof next);
        int rc = g24_apply(&s, c->step, &next, why, sizeof why);
        if (rc == 0)
            g24_format(&next, got, sizeof got);
        else
            snprintf(got, sizeof got, "%s", why);
        if (rc != c->ok || strcmp(got, c->result) || (rc == 0 && why[0])) {
            print_error("apply case %zu: \"%s\" on %s gave %d \"%s\", want %d \"%s\"\n", i,
                        c->step, c->state, rc, got, c->ok, c->result);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_full_path(void **state)
{
    (void)state;
    g24_state s;
    char why[96];
    int nums[] = { 4, 9, 10, 13 };
    assert_int_equal(g24_parse("4 9 10 13", &s), 0);
    assert_false(g24_solved(&s));
    assert_int_equal(g24_apply(&s, "13 - 9 = 4 (left: 4 4 10)", &s, why, sizeof why), 0);
    assert_int_equal(g24_apply(&s, "10 - 4 = 6 (left: 4 6)", &s, why, sizeof why), 0);
    assert_false(g24_solved(&s));
    assert_int_equal(g24_apply(&s, "4 * 6 = 24 (left: 24)", &s, why, sizeof why), 0);
    assert_true(g24_solved(&s));
    assert_string_equal(s.expr[0], "((13 - 9) * (10 - 4))");
    assert_int_equal(g24_check_expr(nums, 4, s.expr[0], why, sizeof why), 1);
    /* a fractional path: 3 3 8 8 -> 8 / (3 - 8/3) */
    int frac[] = { 3, 3, 8, 8 };
    assert_int_equal(g24_parse("3 3 8 8", &s), 0);
    assert_int_equal(g24_apply(&s, "8 / 3 = 8/3", &s, why, sizeof why), 0);
    assert_int_equal(g24_apply(&s, "3 - 8/3 = 1/3", &s, why, sizeof why), 0);
    assert_int_equal(g24_apply(&s, "8 / 1/3 = 24", &s, why, sizeof why), 0);
    assert_true(g24_solved(&s));
    assert_int_equal(g24_check_expr(frac, 4, s.expr[0], why, sizeof why), 1);
}

static void test_solver(void **state)
{
    (void)state;
    FILE *f = fopen("data/24.csv", "r");
    if (!f)
        f = fopen("../data/24.csv", "r");
    assert_non_null(f);
    char line[256], expr[128], why[64];
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f));  /* Rank,Puzzles,... */
    while (rows < 30 && fgets(line, sizeof line, f)) {
        char *puzzle = strchr(line, ',');
        assert_non_null(puzzle);
        char *end = strchr(++puzzle, ',');
        assert_non_null(end);
        *end = '\0';
        g24_state s;
        assert_int_equal(g24_parse(puzzle, &s), 0);
        int nums[4];
        for (int i = 0; i < s.n; i++)
            nums[i] = (int)s.v[i].num;
        if (!g24_solve(&s, expr, sizeof expr)
            || !g24_check_expr(nums, s.n, expr, why, sizeof why)) {
            print_error("puzzle %s: \"%s\" %s\n", puzzle, expr, why);
            fail();
        }
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 30);
    g24_state s;
    assert_int_equal(g24_parse("1 1 1 1", &s), 0);
    assert_int_equal(g24_solve(&s, expr, sizeof expr), 0);
    assert_int_equal(g24_parse("3 3 8 8", &s), 0);
    assert_int_equal(g24_solve(&s, expr, sizeof expr), 1);
    int frac[] = { 3, 3, 8, 8 };
    assert_int_equal(g24_check_expr(frac, 4, expr, why, sizeof why), 1);
    assert_int_equal(g24_parse("24", &s), 0);
    assert_int_equal(g24_solve(&s, expr, sizeof expr), 1);
    assert_string_equal(expr, "24");
    assert_int_equal(g24_parse("1000 1000 1000 1000", &s), 0);
    assert_int_equal(g24_solve(&s, expr, sizeof expr), 0);
}

static void test_robust(void **state)
{
    (void)state;
    char buf[512], why[32], expr[64];
    unsigned seed = 99;
    int nums[] = { 4, 9, 10, 13 };
    g24_state s, next;
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(seed % (sizeof buf - 1));
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(round % 2 ? "0123456789 +-*/()=:.,left"[(seed >> 16) % 25] : (char)(seed >> 16));
            if (!buf[i])
                buf[i] = '1';
        }
        buf[n] = '\0';
        g24_parse(buf, &s);
        g24_parse("4 9 10 13", &s);
        g24_apply(&s, buf, &next, why, sizeof why);
        g24_check_expr(nums, 4, buf, why, sizeof why);
        seed = seed * 1103515245u + 12345u;
    }
    const char *nasty[] = { "999999999999999999999 - 9 = 4", "13 - 9 = 99999999999999999999",
                            "13 - 9 = 4 (left: 4 4 10 10 10 10 10 10)", "13 / 9 = 13/0",
                            "((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))",
                            "1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17" };
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
        assert_int_equal(g24_apply(&s, nasty[i], &next, why, sizeof why), -1);
        assert_int_equal(g24_check_expr(nums, 4, nasty[i], why, sizeof why), 0);
    }
    (void)expr;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_expr),
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_full_path),
        cmocka_unit_test(test_solver),
        cmocka_unit_test(test_robust),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
