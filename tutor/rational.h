/* rational: exact arithmetic on fractions of 64-bit integers.
 *
 * Invariant of every rat a function hands out: den > 0, gcd(|num|, den) = 1,
 * and num != LLONG_MIN (so negation never overflows). Operations work in
 * 128-bit intermediates and return 0, or -1 when the exact result does not
 * fit (overflow) or is undefined (division by zero); *out is then untouched. */
#ifndef PONDER_RATIONAL_H
#define PONDER_RATIONAL_H
#include <stddef.h>

typedef struct {
    long long num, den;
} rat;

__extension__ typedef unsigned __int128 rat_u128;

/* Greatest common divisor, gcd(a, 0) = a. 128 bits wide for the products
 * inside rat operations; for 64-bit arguments the result fits 64 bits. */
rat_u128 rat_gcd(rat_u128 a, rat_u128 b);

/* n/1 (n == LLONG_MIN is clamped to -LLONG_MAX). */
rat rat_of(long long n);
/* num/den normalized; -1 for den == 0 or LLONG_MIN. */
int rat_make(long long num, long long den, rat *out);
int rat_add(rat a, rat b, rat *out);
int rat_sub(rat a, rat b, rat *out);
int rat_mul(rat a, rat b, rat *out);
int rat_div(rat a, rat b, rat *out);
/* a^e for any int e (negative inverts; 0^0 = 1; 0^-1 is -1). */
int rat_pow(rat a, int e, rat *out);
rat rat_neg(rat a);
rat rat_abs(rat a);
/* -1, 0, 1 as a < b, a == b, a > b. Never overflows. */
int rat_cmp(rat a, rat b);
int rat_eq(rat a, rat b);
int rat_is_int(rat a);
/* a rounded to `decimals` places (0..18), halves away from zero. */
int rat_round(rat a, int decimals, rat *out);

/* Scans an unsigned decimal at s[0..n): digits, optional thousands groups
 * ("1,200", only when commas is set and each group has exactly 3 digits),
 * optional ".digits" (also ".5"). Returns 0 with *used the bytes taken and
 * *decimals the fraction digits written; 1 when s holds no number; -1 when
 * the number does not fit (*used still spans it, so callers can skip it). */
int rat_scan(const char *s, size_t n, int commas, size_t *used, rat *out, int *decimals);
/* Parses a whole string: "45", "1,200", "3.75", "3/4", "-2", "-3/4";
 * surrounding spaces allowed. 0 ok, -1 not a number (or too large). */
int rat_parse(const char *s, rat *out);
/* "3/4", "45", "-2". Returns what snprintf returns. */
int rat_format(rat a, char *out, size_t cap);
/* The exact decimal when it terminates within max_decimals places ("2.5",
 * "-0.125", "45"); -1 (and "" in out) otherwise. */
int rat_format_decimal(rat a, int max_decimals, char *out, size_t cap);

#endif
