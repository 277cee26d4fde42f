/* poly: polynomials in one variable with exact rational coefficients, just
 * enough for the step checker to compare both sides of "3(x + 2) = 3x + 6".
 * Degrees above POLY_MAXDEG are refused rather than truncated. */
#ifndef PONDER_POLY_H
#define PONDER_POLY_H
#include "tutor/rational.h"

#define POLY_MAXDEG 6

typedef struct {
    int deg;                    /* highest nonzero power; 0 for constants (and 0) */
    rat c[POLY_MAXDEG + 1];     /* c[i]: coefficient of x^i; zero above deg */
} poly;

/* Statuses: 0 ok, or one of these. */
enum { POLY_OVERFLOW = -1, POLY_DIV0 = -2, POLY_DEGREE = -3 };

poly poly_const(rat c);
poly poly_x(void);
int poly_add(const poly *a, const poly *b, poly *out);
int poly_sub(const poly *a, const poly *b, poly *out);
int poly_mul(const poly *a, const poly *b, poly *out);
/* Division by a constant only: POLY_DEGREE when b has the variable. */
int poly_div(const poly *a, const poly *b, poly *out);
/* a^e; a negative e only for constants. */
int poly_pow(const poly *a, int e, poly *out);
poly poly_neg(const poly *a);
int poly_eq(const poly *a, const poly *b);
int poly_is_const(const poly *a);
/* "5x", "x/6", "3x + 6", "x² - 1", "-2/3"; var is the letter to print. */
void poly_format(const poly *a, char var, char *out, size_t cap);

#endif
