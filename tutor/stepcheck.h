/* stepcheck: a rule-based process reward model (PRM) for word problems.
 *
 * It finds the arithmetic claims in one reasoning step ("45 - 12 = 33",
 * "3/4 of 40 is 30", "5² = 25", "2x + 3x = 5x") and checks each exactly
 * with rational arithmetic (tutor/rational.h, tutor/poly.h). Nothing here
 * allocates memory the caller must free. */
#ifndef PONDER_STEPCHECK_H
#define PONDER_STEPCHECK_H
#include <stddef.h>

#include "tutor/event.h"

typedef struct {
    check_verdict verdict;  /* NONE: no arithmetic claim; OK: every claim right; WRONG: a
                               claim is false; UNSUPPORTED: claims are right but an operand
                               is neither in the context nor computed earlier in the step */
    int n_claims, n_wrong;
    double score;           /* OK 1.0, NONE 0.6, UNSUPPORTED 0.3, WRONG 0.0 */
    char mark[256];         /* WRONG: "5² = 10 ✗, 5² = 25"; UNSUPPORTED: "17 is not in the
                               problem or an earlier step"; "" otherwise. UTF-8. */
} step_check;

/* Checks one step. context: the problem text followed by the earlier steps,
 * or NULL (then nothing is UNSUPPORTED). step NULL counts as "". */
void stepcheck_step(const char *step, const char *context, step_check *out);
/* Same, for a step of n bytes that need not be NUL-terminated. */
void stepcheck_step_n(const char *step, size_t n, const char *context, size_t context_n,
                      int has_context, step_check *out);

/* Splits a chain of reasoning into steps. A step ends at a newline or at a
 * '.' followed by a space, a newline or the end (so "3.75" does not split);
 * the '.' stays with its step, surrounding spaces do not. Calls fn (may be
 * NULL) for each non-empty step: step points into chain, len bytes, not
 * NUL-terminated. Returns the number of steps. */
int stepcheck_split(const char *chain,
                    void (*fn)(void *ud, int index, const char *step, size_t len), void *ud);

/* Checks every step of chain in order, each with context = problem + the
 * steps before it. Fills up to max entries of out (may be NULL), returns
 * the number of steps, and sets *first_wrong (may be NULL) to the index of
 * the first WRONG step or -1. */
int stepcheck_chain(const char *problem, const char *chain, step_check *out, int max,
                    int *first_wrong);

typedef enum { AGG_LAST, AGG_MIN, AGG_PROD, AGG_MEAN } agg_kind;
/* Aggregates step scores over a chain; n == 0 gives 0.6 (neutral). */
double stepcheck_aggregate(const double *scores, int n, agg_kind how);
/* "last|min|prod|mean": 0 ok, -1 unknown (out untouched). */
int agg_parse(const char *name, agg_kind *out);
const char *agg_name(agg_kind k);

#endif
