/* test_bkt: the BKT update against values worked by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tutor/bkt.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_right_from_default(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    /* L' = 0.1*0.9 / (0.09 + 0.9*0.2) = 1/3; L'' = 1/3 + 2/3 * 0.1 = 0.4 */
    NEAR(bkt_update(&b, b.p_init, 1), 0.4);
    /* 0.4: 0.36 / (0.36 + 0.6*0.2) = 0.75; 0.75 + 0.25*0.1 = 0.775 */
    NEAR(bkt_update(&b, 0.4, 1), 0.775);
}

static void test_wrong_from_default(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    /* L' = 0.01 / (0.01 + 0.9*0.8) = 1/73; L'' = 1/73 + 72/73 * 0.1 */
    NEAR(bkt_update(&b, 0.1, 0), 1.0 / 73 + 72.0 / 73 * 0.1);
}

static void test_mastery_takes_four_right(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    double p = b.p_init;
    int n = 0;
    while (p < BKT_MASTERED && n < 100) {
        p = bkt_update(&b, p, 1);
        n++;
    }
    assert_int_equal(n, 4);
    /* a wrong answer after mastery drops it below the threshold again */
    assert_true(bkt_update(&b, p, 0) < BKT_MASTERED);
}

static void test_no_transit_no_learning_from_wrong(void **state)
{
    (void)state;
    bkt_params b = { .p_init = 0.5, .p_transit = 0, .p_slip = 0.1, .p_guess = 0.2 };
    /* 0.05 / (0.05 + 0.4) = 1/9 */
    NEAR(bkt_update(&b, 0.5, 0), 1.0 / 9);
    NEAR(bkt_p_correct(&b, 0.5), 0.5 * 0.9 + 0.5 * 0.2);
}

static void test_impossible_observation_keeps_p(void **state)
{
    (void)state;
    bkt_params b = { .p_init = 0.1, .p_transit = 0, .p_slip = 0, .p_guess = 0.2 };
    /* a learned skill (p = 1) cannot answer wrong with S = 0: den = 0 */
    NEAR(bkt_update(&b, 1.0, 0), 1.0);
    /* out-of-range p is clamped */
    NEAR(bkt_update(&b, 7.0, 1), 1.0);
}

static void test_check(void **state)
{
    (void)state;
    const char *why = NULL;
    bkt_params b = bkt_defaults();
    assert_int_equal(bkt_check(&b, &why), 0);
    assert_null(why);
    b.p_slip = 0.5; b.p_guess = 0.5;
    assert_int_equal(bkt_check(&b, &why), -1);
    assert_non_null(why);
    b = bkt_defaults(); b.p_transit = NAN;
    assert_int_equal(bkt_check(&b, NULL), -1);
    b = bkt_defaults(); b.p_init = 1.0;
    assert_int_equal(bkt_check(&b, &why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_right_from_default),
        cmocka_unit_test(test_wrong_from_default),
        cmocka_unit_test(test_mastery_takes_four_right),
        cmocka_unit_test(test_no_transit_no_learning_from_wrong),
        cmocka_unit_test(test_impossible_observation_keeps_p),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
