/* fuzz_answer: answer extraction and normalization (tutor/answer.c).
 * Byte 0 picks the output buffer size (1..64, or 256 for values >= 64),
 * so truncation is exercised; the rest is the model's text. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "tutor/answer.h"

static void check_out(const char *out, size_t cap)
{
    FUZZ_CHECK(strlen(out) < cap);
}

void fuzz_answer(const uint8_t *d, size_t n)
{
    if (n < 1)
        return;
    size_t cap = d[0] < 64 ? (size_t)d[0] + 1 : 256;
    char *text = fuzz_str(d + 1, n - 1);
    char *a = malloc(cap), *b = malloc(cap), *c = malloc(cap);
    FUZZ_CHECK(a && b && c);

    int found = answer_extract(text, a, cap);
    check_out(a, cap);
    FUZZ_CHECK(found || !a[0]);
    int marked = answer_explicit(text, b, cap);
    check_out(b, cap);
    FUZZ_CHECK(marked || !b[0]);
    answer_normalize(text, c, cap);
    check_out(c, cap);
    answer_equal(a, b);
    answer_equal(a, c);
    if (found) {
        /* A normalized answer normalizes to itself... when it fits. */
        char again[256];
        answer_normalize(a, again, sizeof again);
        answer_equal(a, again);
    }
    free(a);
    free(b);
    free(c);
    free(text);
}

FUZZ_ENTRY(fuzz_answer)
