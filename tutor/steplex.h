/* steplex: the tokens of one reasoning step, as the step checker sees them.
 *
 * steplex_run() lexes a step and then cleans the tokens: words that act as
 * operators ("plus", "minus", "times", "of" after a number, "x" in "3 x 7")
 * become operators, "is"/"equals" after an arithmetic expression become
 * '=', unit words between a number and an operator are dropped ("12 apples
 * + 3"), and anything else that is not arithmetic becomes a T_BREAK. */
#ifndef PONDER_STEPLEX_H
#define PONDER_STEPLEX_H
#include <stddef.h>

#include "tutor/rational.h"

typedef enum { T_NUM, T_VAR, T_OP, T_SUP, T_LP, T_RP, T_EQ, T_WORD, T_BREAK } tok_kind;

typedef struct {
    tok_kind k;
    char op;            /* T_OP: + - * / ^; T_EQ: '=', '~' (≈) or 'w' (is, equals) */
    char var;           /* T_VAR: the letter */
    int sup;            /* T_SUP: the exponent written as superscript digits */
    int bad;            /* T_NUM: too large to hold */
    int dec, pct, cur;  /* T_NUM: decimals written, a '%' or "percent", a currency sign */
    rat lit, v;         /* T_NUM: the value as written, and with the percent applied */
    size_t off, end;    /* bytes in the step, currency sign and '%' included */
    size_t noff, nend;  /* T_NUM: the digits alone */
    int sp;             /* whitespace before it */
    char w[12];         /* T_WORD: lower case, truncated */
} tok;

typedef struct {
    tok *t;
    int n, cap;
} tokvec;

/* Fills v (initialize it to zeros; free v->t) with the cleaned tokens of s[0..n). */
void steplex_run(const char *s, size_t n, tokvec *v);

#endif
