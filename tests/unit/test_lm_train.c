/* test_lm_train.c: a tiny training run (seconds) whose loss must fall; the
 * learning-rate schedule; packing; checkpoint round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <omp.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm/lm.h"
#include "lm/trainlib.h"
#include "lm/vocab.h"

static lm_train_opts tiny(void)
{
    lm_train_opts o;
    lm_train_defaults(&o);
    o.cfg = (lm_config){ 0, 128, 32, 2, 2, 64 };
    o.rows = 3;
    o.steps = 40;
    o.warmup = 10;
    o.lr = 5e-3f;
    return o;
}

static void test_loss_falls(void **state)
{
    (void)state;
    lm_train_opts o = tiny();
    char err[256];
    lm_trainer *t = lm_trainer_new(&o, err, sizeof err);
    assert_non_null(t);
    double first = 0, last = 0;
    for (int s = 0; s < o.steps; s++) {
        double l = lm_trainer_step(t);
        assert_false(isnan(l));
        if (s < 5) first += l / 5;
        if (s >= o.steps - 5) last += l / 5;
    }
    print_message("tiny run: loss %.3f -> %.3f over %ld steps, %ld examples\n", first, last,
                  o.steps, t->examples);
    assert_true(last < 0.6 * first);
    lm_trainer_free(t);
}

static void test_schedule(void **state)
{
    (void)state;
    lm_train_opts o = tiny();
    o.steps = 1000; o.warmup = 100; o.lr = 1e-3f; o.min_lr_frac = 0.1f;
    assert_true(fabsf(lm_trainer_lr(&o, 0) - 1e-5f) < 1e-9f);
    assert_true(fabsf(lm_trainer_lr(&o, 99) - 1e-3f) < 1e-9f);
    assert_true(lm_trainer_lr(&o, 500) < 1e-3f && lm_trainer_lr(&o, 500) > 1e-4f);
    assert_true(fabsf(lm_trainer_lr(&o, 999) - 1e-4f) < 1e-6f);
}

/* Loss only on the answer: targets start right after the prompt. */
static void test_example_tokens(void **state)
{
    (void)state;
    lm_vocab v;
    assert_int_equal(lm_vocab_build(&v), 0);
    int ids[64], np;
    int n = lm_example_tokens(&v, "Numbers: 4 6 Value:", " sure", ids, 64, &np);
    assert_int_equal(ids[0], LM_TOK_BOS);
    assert_int_equal(ids[n - 1], LM_TOK_EOS);
    assert_int_equal(n - np, 2);  /* ▁sure </s> */
    assert_string_equal(v.piece[ids[np]], "▁sure");
    lm_vocab_done(&v);
}

static void test_checkpoint_resume(void **state)
{
    (void)state;
    lm_train_opts o = tiny();
    o.steps = 6;
    char err[256], w[64], opt[64];
    snprintf(w, sizeof w, "/tmp/test_lm_train.%d.bin", (int)getpid());
    snprintf(opt, sizeof opt, "/tmp/test_lm_train.%d.opt", (int)getpid());
    lm_trainer *a = lm_trainer_new(&o, err, sizeof err), *b = lm_trainer_new(&o, err, sizeof err);
    for (int s = 0; s < 3; s++) lm_trainer_step(a);
    assert_int_equal(lm_trainer_save(a, w, opt, err, sizeof err), 0);
    assert_int_equal(lm_trainer_load(b, w, opt, err, sizeof err), 0);
    double la = lm_trainer_step(a), lb = lm_trainer_step(b);
    assert_true(fabs(la - lb) < 1e-6);
    assert_int_equal(a->examples, b->examples);
    assert_int_equal(lm_trainer_export(a, w, err, sizeof err), 0);
    lm_model *m = lm_load(w, err, sizeof err);
    assert_non_null(m);
    lm_free(m);
    unlink(w);
    unlink(opt);
    lm_trainer_free(a);
    lm_trainer_free(b);
}

int main(void)
{
    omp_set_num_threads(1);  /* tiny sizes; and the suite may share the CPU */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_falls), cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_example_tokens), cmocka_unit_test(test_checkpoint_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
