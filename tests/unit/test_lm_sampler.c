/* test_lm_sampler: the built-in model's token sampler draws from the
 * distribution its options define. Logits are the logs of known
 * probabilities; 40000 draws from a fixed seed give frequencies that must
 * be within 0.015 of softmax(logits / T), cut to the top k, or to the
 * smallest top-p prefix, and renormalized. (The draws are deterministic:
 * the bound is about 5 standard deviations, chosen once, not a flake.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>

#include <cmocka.h>

#include "lm/sampler.h"

enum { V = 5, DRAWS = 40000 };

/* Ranked by probability: 1 (.40), 3 (.30), 4 (.15), 0 (.10), 2 (.05), so
 * index order is not rank order. */
static const double P[V] = { 0.10, 0.40, 0.05, 0.30, 0.15 };

static void frequencies(const lm_sample_opts *o, double *freq)
{
    float logits[V], work[V], lp;
    int idx[V], count[V] = { 0 };
    for (int v = 0; v < V; v++)
        logits[v] = (float)log(P[v]) + 3.0f;  /* a shift changes nothing */
    lm_rng r = lm_rng_stream(7, 1, 2);
    for (int i = 0; i < DRAWS; i++) {
        int t = lm_sample_token(logits, V, o, &r, work, idx, &lp);
        assert_true(t >= 0 && t < V);
        /* logprob is under the model's own softmax, whatever the options */
        assert_float_equal(lp, log(P[t]), 1e-4);
        count[t]++;
    }
    for (int v = 0; v < V; v++)
        freq[v] = (double)count[v] / DRAWS;
}

/* want: P^(1/T) over the tokens in keep (others must never be drawn). */
static void expect(const lm_sample_opts *o, const int *keep, int nkeep)
{
    double want[V] = { 0 }, sum = 0, got[V];
    for (int i = 0; i < nkeep; i++) {
        want[keep[i]] = pow(P[keep[i]], 1.0 / o->temperature);
        sum += want[keep[i]];
    }
    frequencies(o, got);
    for (int v = 0; v < V; v++) {
        want[v] /= sum;
        if (fabs(got[v] - want[v]) > 0.015 || (want[v] == 0 && got[v] != 0))
            fail_msg("T=%.2f top_k=%d top_p=%.2f: token %d drawn %.4f of the time, want %.4f",
                     o->temperature, o->top_k, o->top_p, v, got[v], want[v]);
    }
}

static const int ALL[] = { 0, 1, 2, 3, 4 };

static void test_temperature_one(void **state)
{
    (void)state;
    lm_sample_opts o = { .temperature = 1.0f, .top_p = 1.0f };
    expect(&o, ALL, V);
}

/* T < 1 sharpens and T > 1 flattens: p^(1/T), renormalized. */
static void test_temperature_scales_logits(void **state)
{
    (void)state;
    lm_sample_opts cold = { .temperature = 0.5f, .top_p = 1.0f };
    expect(&cold, ALL, V);
    lm_sample_opts hot = { .temperature = 2.0f, .top_p = 1.0f };
    expect(&hot, ALL, V);
}

static void test_top_k(void **state)
{
    (void)state;
    static const int two[] = { 1, 3 }, three[] = { 1, 3, 4 };
    lm_sample_opts o = { .temperature = 1.0f, .top_k = 2, .top_p = 1.0f };
    expect(&o, two, 2);
    o.top_k = 3;
    o.temperature = 0.5f;           /* the cut, then the temperature */
    expect(&o, three, 3);
}

/* The smallest prefix, by rank, whose mass reaches top_p. */
static void test_top_p(void **state)
{
    (void)state;
    static const int one[] = { 1 }, two[] = { 1, 3 }, three[] = { 1, 3, 4 };
    lm_sample_opts o = { .temperature = 1.0f, .top_p = 0.35f };
    expect(&o, one, 1);
    o.top_p = 0.65f;                /* .40 + .30 = .70 reaches it */
    expect(&o, two, 2);
    o.top_p = 0.80f;                /* .70 does not, .85 does */
    expect(&o, three, 3);
}

/* T = 0 is greedy, the lowest id on ties, whatever top-k and top-p say. */
static void test_greedy(void **state)
{
    (void)state;
    float logits[V] = { 1.0f, 3.0f, 0.5f, 3.0f, 2.0f }, work[V], lp;
    int idx[V];
    lm_rng r = lm_rng_stream(7, 3, 4);
    lm_sample_opts o = { .temperature = 0, .top_k = 3, .top_p = 0.5f };
    for (int i = 0; i < 100; i++)
        assert_int_equal(lm_sample_token(logits, V, &o, &r, work, idx, &lp), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_temperature_one),
        cmocka_unit_test(test_temperature_scales_logits),
        cmocka_unit_test(test_top_k),
        cmocka_unit_test(test_top_p),
        cmocka_unit_test(test_greedy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
