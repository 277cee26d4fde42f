/* scope.h: is a problem one the built-in model was trained to read?
 *
 * The model knows only its curriculum (lm/curriculum.c): a first sentence
 * that says how many of an item a holder has, one or more sentences of
 * events, and a "How many ...?" question about that item, with whole
 * numbers within the curriculum's limits and words of its vocabulary. A
 * problem outside those forms gets an answer that is a guess; this check
 * says so, and why. The forms and limits come from the curriculum itself
 * (cur_each_form, cur_get_limits), so a richer curriculum widens the check. */
#ifndef LM_SCOPE_H
#define LM_SCOPE_H

#include <stddef.h>

#include "lm/lm.h"

/* Why a problem is outside the curriculum: bits of lm_scope.why. */
enum {
    LM_SCOPE_UNKNOWN_WORDS = 1,     /* words the vocabulary lacks */
    LM_SCOPE_NO_NUMBERS = 2,        /* no whole number at all */
    LM_SCOPE_ODD_NUMBERS = 4,       /* fractions, decimals, %, $, 1,000, 3rd ... */
    LM_SCOPE_TOO_MANY_NUMBERS = 8,  /* more numbers than any curriculum problem */
    LM_SCOPE_BIG_NUMBERS = 16,      /* a number beyond the curriculum's range */
    LM_SCOPE_NO_QUESTION = 32,      /* the last sentence is not a question it was taught */
    LM_SCOPE_NO_START = 64,         /* the first sentence does not say how many there are */
    LM_SCOPE_SHAPE = 128,           /* too few or too many sentences, or a question mid-way */
};

enum { LM_SCOPE_MAX_UNKNOWN = 512 };

typedef struct {
    unsigned why;                 /* LM_SCOPE_* bits; 0: in scope */
    int n_unknown;                /* distinct unknown words, case-folded (counted up
                                   * to LM_SCOPE_MAX_UNKNOWN: the count is quadratic) */
    char unknown[256];            /* the first of them, ", "-separated, lower case */
    int n_numbers;                /* whole numbers */
    int n_odd;                    /* numbers it cannot read */
    char odd[128];                /* the first of them, ", "-separated */
    int max_numbers, max_value, max_steps;   /* the curriculum's limits, for the message */
} lm_scope;

/* Checks problem (the problem text alone, not a prompt) against the
 * curriculum's forms; words are looked up in m's vocabulary. Fills *out;
 * returns out->why. */
unsigned lm_scope_check(const lm_model *m, const char *problem, lm_scope *out);

/* The problem inside a word-problem prompt ("Question: X Answer: ..."):
 * a pointer to X in prompt and its length in *len, or NULL for a prompt of
 * another kind (a Game-of-24 step or value prompt). Any other text is
 * taken whole. */
const char *lm_scope_problem(const char *prompt, size_t *len);

/* One line that says why, e.g. "2 unknown words: pizza, slices; no question
 * of the kind it was taught (\"How many ... are left?\")". */
void lm_scope_describe(const lm_scope *s, char *buf, size_t cap);

#endif
