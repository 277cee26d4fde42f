/* bkt: see bkt.h for the model and its equations. */
#include "tutor/bkt.h"

#include <stddef.h>

bkt_params bkt_defaults(void)
{
    return (bkt_params){ .p_init = 0.1, .p_transit = 0.1, .p_slip = 0.1, .p_guess = 0.2 };
}

static int unit(double x)
{
    return x >= 0.0 && x <= 1.0;   /* false for NaN too */
}

int bkt_check(const bkt_params *b, const char **why)
{
    const char *w = NULL;
    if (!unit(b->p_init) || !unit(b->p_transit) || !unit(b->p_slip) || !unit(b->p_guess))
        w = "every BKT parameter must be between 0 and 1";
    else if (b->p_slip + b->p_guess >= 1.0)
        w = "p_slip + p_guess must be below 1, or a right answer says nothing";
    else if (b->p_init >= 1.0)
        w = "p_init must be below 1, or there is nothing to learn";
    if (why) *why = w;
    return w ? -1 : 0;
}

static double clamp01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

double bkt_update(const bkt_params *b, double p, int correct)
{
    p = clamp01(p);
    double num = correct ? p * (1.0 - b->p_slip) : p * b->p_slip;
    double den = num + (correct ? (1.0 - p) * b->p_guess : (1.0 - p) * (1.0 - b->p_guess));
    /* den is 0 only when the observation is impossible under the
     * parameters (say S = 0 and a learned skill answers wrong); keep p. */
    double post = den > 0.0 ? num / den : p;
    return clamp01(post + (1.0 - post) * b->p_transit);
}

double bkt_p_correct(const bkt_params *b, double p)
{
    p = clamp01(p);
    return p * (1.0 - b->p_slip) + (1.0 - p) * b->p_guess;
}
