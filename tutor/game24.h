/* game24: the Game of 24 as a checkable puzzle.
 *
 * A state is a multiset of up to four exact rationals, each with the
 * expression that made it. A step combines two of them; fractions are
 * allowed ("8 / 3 = 8/3"). Everything here is exact (tutor/rational.h). */
#ifndef PONDER_GAME24_H
#define PONDER_GAME24_H
#include <stddef.h>

#include "tutor/rational.h"

typedef struct {
    int n;
    rat v[4];
    char expr[4][96];   /* how v[i] was made: "(13 - 9)" or "4" */
} g24_state;

/* Parses "4 9 10 13" (or "4, 9, 10, 13"); 0, or -1 unless 1..4 integers in
 * 0..1000 ("0 0 0 0" is a puzzle, one with no solution). */
int g24_parse(const char *s, g24_state *out);
/* Applies a step like "13 - 9 = 4 (left: 4 4 10)" (also "13-9=4", × ÷ * /,
 * without the left part). On success fills next and returns 0; otherwise
 * -1 and a short reason in why ("9 is not left", "13 - 9 is 4, not 5",
 * "left should be 4 4 10"). next may alias s. */
int g24_apply(const g24_state *s, const char *step, g24_state *next, char *why, size_t cap);
/* 1 when s is one number equal to 24. */
int g24_solved(const g24_state *s);
/* Checks a final expression ("(13 - 9) * (10 - 4)", optionally "= 24"): it
 * must use exactly the multiset nums[0..n), only + - * / ( ), and equal 24.
 * 1 ok, 0 not, with the reason in why ("uses 9 twice", "equals 23, not 24"). */
int g24_check_expr(const int *nums, int n, const char *expr, char *why, size_t cap);
/* 1 if 24 is reachable from s (fractions allowed), with one solution
 * expression in expr; 0 otherwise. For tests and benchmarks, never an
 * oracle for strategies. */
int g24_solve(const g24_state *s, char *expr, size_t cap);
/* "4 4 10", fractions as 8/3. */
void g24_format(const g24_state *s, char *out, size_t cap);

#endif
