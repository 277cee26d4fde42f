/* answer: find the final answer in a model's text and normalize it.
 *
 * Extraction order (DESIGN.md §6): "The answer is X", "#### X", \boxed{X},
 * "Final answer: X", then the last number in the text. Normalization makes
 * equal answers equal strings: commas, currency and units go, a trailing
 * ".0" goes, fractions become reduced "a/b" or their exact decimal, and
 * percentages keep a trailing "%".
 *
 * Canonical form: integers as digits ("1234", "-5"); a non-integer whose
 * decimal terminates as that exact decimal ("3/4", "6/8", "\frac{3}{4}" and
 * "0.750" are all "0.75"); any other rational as reduced "a/b" ("2/6" is
 * "1/3"). So equal values give equal strings, and tallies can use strcmp. */
#ifndef PONDER_ANSWER_H
#define PONDER_ANSWER_H
#include <stddef.h>

/* Writes the normalized answer to out (NUL-terminated, truncated to cap).
 * Returns 1 if an answer was found, 0 if not (out is then ""). */
int answer_extract(const char *text, char *out, size_t cap);
/* Like answer_extract, but only a marked answer ("The answer is X", "#### X",
 * \boxed{X}, "Final answer: X") counts, never the last number: a search
 * uses it to tell a step that ends the solution from one that computes. */
int answer_explicit(const char *text, char *out, size_t cap);
/* Normalizes one raw answer such as "$1,234.00" or "\frac{3}{4}".
 * Returns 1 on success, 0 if raw holds no number (out is then raw, trimmed). */
int answer_normalize(const char *raw, char *out, size_t cap);
/* 1 when two normalized answers denote the same value ("0.75" and "3/4"). */
int answer_equal(const char *a, const char *b);

#endif
