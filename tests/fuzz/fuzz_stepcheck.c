/* fuzz_stepcheck: the step checker (tutor/stepcheck.c, steplex.c, poly.c,
 * rational.c). The input is "context\x01step" (no \x01: no context). The
 * step is also checked from an exactly sized buffer without a NUL, and the
 * whole input as a chain of steps under the context as the problem. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "tutor/stepcheck.h"

static void check_result(const step_check *c)
{
    FUZZ_CHECK(c->verdict >= CHECK_NONE && c->verdict <= CHECK_UNSUPPORTED);
    FUZZ_CHECK(c->n_claims >= 0 && c->n_wrong >= 0 && c->n_wrong <= c->n_claims);
    FUZZ_CHECK(strlen(c->mark) < sizeof c->mark);
    FUZZ_CHECK(c->score >= 0.0 && c->score <= 1.0);
}

static void count_step(void *ud, int index, const char *step, size_t len)
{
    int *count = ud;
    FUZZ_CHECK(index == *count && len > 0 && step);
    (*count)++;
}

void fuzz_stepcheck(const uint8_t *d, size_t n)
{
    const uint8_t *sep = memchr(d, 1, n);
    size_t cn = sep ? (size_t)(sep - d) : 0;
    const uint8_t *sd = sep ? sep + 1 : d;
    size_t sn = n - (size_t)(sd - d);
    char *context = sep ? fuzz_str(d, cn) : NULL;
    char *step = fuzz_str(sd, sn);

    step_check c;
    stepcheck_step(step, context, &c);
    check_result(&c);

    /* Not NUL-terminated: an over-read is caught by ASan. */
    char *raw = malloc(sn ? sn : 1);
    char *rawc = malloc(cn ? cn : 1);
    FUZZ_CHECK(raw && rawc);
    memcpy(raw, sd, sn);
    if (cn)
        memcpy(rawc, d, cn);
    stepcheck_step_n(raw, sn, rawc, cn, sep != NULL, &c);
    check_result(&c);

    int count = 0;
    int split = stepcheck_split(step, count_step, &count);
    FUZZ_CHECK(split == count);
    step_check steps[8];
    int first_wrong = -2;
    int total = stepcheck_chain(context ? context : "", step, steps, 8, &first_wrong);
    FUZZ_CHECK(total == split);
    FUZZ_CHECK(first_wrong >= -1 && first_wrong < total);
    for (int i = 0; i < total && i < 8; i++)
        check_result(&steps[i]);
    free(raw);
    free(rawc);
    free(step);
    free(context);
}

FUZZ_ENTRY(fuzz_stepcheck)
