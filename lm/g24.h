/* g24.h: Game of 24 for the curriculum: an exact solver, proposal steps and
 * value labels. Numbers are non-negative integers; proposals keep them so. */
#ifndef LM_G24_H
#define LM_G24_H

#include <stddef.h>

#include "lm/rng.h"

enum g24_value { G24_SURE, G24_LIKELY, G24_IMPOSSIBLE };

/* Label of a multiset of 1-4 numbers:
 *   sure       24 is reachable with whole-number intermediate results;
 *   likely     24 is reachable only through fractions;
 *   impossible 24 is not reachable with + - * /. */
int g24_value_of(const int *v, int n);
const char *g24_value_name(int value);

/* "Numbers: 4 9 10 13 Step:" -> " 13 - 9 = 4 (left: 4 4 10)". */
void g24_propose_example(lm_rng *r, char *prompt, char *target, size_t cap);
/* "Numbers: 4 4 10 Value:" -> " sure". */
void g24_value_example(lm_rng *r, char *prompt, char *target, size_t cap);

/* Checks a proposal against the numbers: returns 1 when `step` (the model's
 * continuation, e.g. " 13 - 9 = 4 (left: 4 4 10)") is valid arithmetic on v and
 * the left list is exactly the remaining multiset. */
int g24_check_step(const int *v, int n, const char *step);

/* Random puzzle state: 4 numbers in 1..13, then `steps` proposal steps. */
int g24_random_state(lm_rng *r, int steps, int *v);

/* Formats "Numbers: a b c Step:" / "Value:". */
void g24_prompt(const int *v, int n, const char *what, char *out, size_t cap);

void g24_each_text(void (*fn)(void *ud, const char *text), void *ud);

#endif
