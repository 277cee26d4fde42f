/* test_tally: ordering, ties, samples without answers, and early stopping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/tally.h"

static void add_all(tally *t, const char *const *answers, int n)
{
    for (int i = 0; i < n; i++)
        tally_add(t, answers[i]);
}

static void test_empty(void **state)
{
    (void)state;
    tally t;
    tally_init(&t);
    int tied = 7;
    assert_null(tally_leader(&t, &tied));
    assert_int_equal(tied, 0);
    assert_int_equal(tally_count(&t, "1"), 0);
    assert_int_equal(tally_decided(&t, 0), 0);
    assert_int_equal(tally_decided(&t, 5), 0);
    tally_done(&t);
    tally_done(&t); /* safe twice */
}

static void test_majority_order(void **state)
{
    (void)state;
    const char *a[] = { "44", "45", "35", "45", "45", "44", "45" };
    tally t;
    tally_init(&t);
    add_all(&t, a, 7);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.total, 7);
    assert_string_equal(t.e[0].answer, "45");
    assert_int_equal(t.e[0].count, 4);
    assert_string_equal(t.e[1].answer, "44");
    assert_int_equal(t.e[1].count, 2);
    assert_string_equal(t.e[2].answer, "35");
    int tied;
    assert_string_equal(tally_leader(&t, &tied), "45");
    assert_int_equal(tied, 0);
    assert_int_equal(tally_count(&t, "44"), 2);
    assert_int_equal(tally_count(&t, "99"), 0);
    assert_int_equal(tally_count(&t, NULL), 0);
    tally_done(&t);
}

static void test_ties_keep_first_arrival(void **state)
{
    (void)state;
    const char *a[] = { "7", "8", "9", "9", "8" };
    tally t;
    tally_init(&t);
    add_all(&t, a, 5);
    int tied;
    /* 9 reached 2 first, but 8 arrived first: ties go by first arrival */
    assert_string_equal(tally_leader(&t, &tied), "8");
    assert_int_equal(tied, 1);
    assert_string_equal(t.e[1].answer, "9");
    assert_string_equal(t.e[2].answer, "7");
    assert_null(tally_leader(NULL, NULL));
    assert_string_equal(tally_leader(&t, NULL), "8");
    tally_add(&t, "7");
    tally_add(&t, "7");
    assert_string_equal(tally_leader(&t, &tied), "7");
    assert_int_equal(tied, 0);
    tally_done(&t);

    const char *b[] = { "1", "2", "3" };
    tally_init(&t);
    add_all(&t, b, 3);
    assert_string_equal(tally_leader(&t, &tied), "1");
    assert_int_equal(tied, 2);
    tally_done(&t);
}

static void test_no_answer(void **state)
{
    (void)state;
    tally t;
    tally_init(&t);
    tally_add(&t, NULL);
    tally_add(&t, "");
    assert_null(tally_leader(&t, NULL));
    assert_int_equal(t.no_answer, 2);
    assert_int_equal(t.total, 2);
    assert_int_equal(t.n, 0);
    tally_add(&t, "3/4");
    assert_string_equal(tally_leader(&t, NULL), "3/4");
    assert_int_equal(t.total, 3);
    tally_done(&t);
}

static void test_copy(void **state)
{
    (void)state;
    const char *a[] = { "1", "2", "2", NULL };
    tally src, dst;
    tally_init(&src);
    add_all(&src, a, 4);
    tally_copy(&dst, &src);
    tally_done(&src);
    assert_int_equal(dst.n, 2);
    assert_int_equal(dst.total, 4);
    assert_int_equal(dst.no_answer, 1);
    assert_string_equal(dst.e[0].answer, "2");
    tally_add(&dst, "1");
    tally_add(&dst, "1");
    assert_string_equal(tally_leader(&dst, NULL), "1");
    tally_done(&dst);

    tally_init(&src);
    tally_copy(&dst, &src);
    assert_int_equal(dst.n, 0);
    assert_null(dst.e);
    tally_done(&dst);
    tally_done(&src);
}

static void test_decided(void **state)
{
    (void)state;
    tally t;
    tally_init(&t);
    /* 3 votes for one answer: safe against 2 more, not against 3 */
    for (int i = 0; i < 3; i++)
        tally_add(&t, "5");
    assert_int_equal(tally_decided(&t, 2), 1);
    assert_int_equal(tally_decided(&t, 3), 0);
    assert_int_equal(tally_decided(&t, 0), 1);
    assert_int_equal(tally_decided(&t, -4), 1);
    /* 5:3 with 1 left: 5 > 3+1 */
    tally_add(&t, "5");
    tally_add(&t, "5");
    for (int i = 0; i < 3; i++)
        tally_add(&t, "6");
    assert_int_equal(tally_decided(&t, 1), 1);
    assert_int_equal(tally_decided(&t, 2), 0); /* 3+2 would tie */
    tally_add(&t, "7");                        /* a third answer does not matter */
    assert_int_equal(tally_decided(&t, 1), 1);
    tally_done(&t);

    tally_init(&t);
    tally_add(&t, "1");
    tally_add(&t, "2");
    assert_int_equal(tally_decided(&t, 0), 0); /* tied, even when final */
    tally_add(&t, NULL);                       /* no-answer samples do not compete */
    tally_add(&t, "1");
    assert_int_equal(tally_decided(&t, 0), 1);
    assert_int_equal(tally_decided(&t, 1), 0);
    tally_done(&t);

    /* the N=10 case: 6 of the first 6 agree, 4 left: 6 > 0+4 */
    tally_init(&t);
    for (int i = 0; i < 6; i++)
        tally_add(&t, "45");
    assert_int_equal(tally_decided(&t, 4), 1);
    assert_int_equal(tally_decided(&t, 6), 0);
    assert_int_equal(tally_decided(NULL, 0), 0);
    tally_done(&t);
}

static void test_many_answers(void **state)
{
    (void)state;
    tally t;
    tally_init(&t);
    char buf[16];
    for (int i = 0; i < 200; i++) {
        snprintf(buf, sizeof buf, "%d", i % 50);
        tally_add(&t, buf);
    }
    tally_add(&t, "49");
    assert_int_equal(t.n, 50);
    assert_string_equal(tally_leader(&t, NULL), "49");
    assert_int_equal(tally_count(&t, "49"), 5);
    for (int i = 1; i < t.n; i++)
        assert_true(t.e[i - 1].count > t.e[i].count ||
                    (t.e[i - 1].count == t.e[i].count && t.e[i - 1].first < t.e[i].first));
    tally_done(&t);
}

/* Weighted best-of-N: the answer with the most score wins, not the most
 * votes, and a weighted tally is never "decided" early. */
static void test_weighted(void **state)
{
    (void)state;
    tally t;
    tally_init(&t);
    tally_add_weighted(&t, "44", 0.25);
    tally_add_weighted(&t, "44", 0.25);
    tally_add_weighted(&t, "45", 0.9);
    tally_add_weighted(&t, NULL, 0.5);
    assert_true(t.weighted);
    assert_string_equal(tally_leader(&t, NULL), "45");
    assert_int_equal(tally_count(&t, "44"), 2);
    assert_true(tally_weight(&t, "44") == 0.5);
    assert_true(tally_weight(&t, "45") == 0.9);
    assert_int_equal(t.total, 4);
    assert_int_equal(t.no_answer, 1);
    assert_false(tally_decided(&t, 0));
    tally_add_weighted(&t, "44", 0.4);      /* 0.9 each: a tie, first arrival leads */
    int tied = 0;
    assert_string_equal(tally_leader(&t, &tied), "44");
    assert_int_equal(tied, 1);
    tally_add_weighted(&t, "7", -3);        /* a bad weight counts as 0 */
    assert_true(tally_weight(&t, "7") == 0);
    tally c;
    tally_copy(&c, &t);
    assert_true(c.weighted);
    assert_string_equal(c.e[0].answer, "44");
    tally_done(&c);
    tally_done(&t);

    /* Plain votes stay unweighted and rank by count. */
    tally_init(&t);
    tally_add(&t, "3");
    tally_add(&t, "4");
    tally_add(&t, "4");
    assert_false(t.weighted);
    assert_true(tally_weight(&t, "4") == 2);
    assert_string_equal(tally_leader(&t, NULL), "4");
    tally_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_majority_order),
        cmocka_unit_test(test_ties_keep_first_arrival),
        cmocka_unit_test(test_no_answer),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_decided),
        cmocka_unit_test(test_many_answers),
        cmocka_unit_test(test_weighted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
