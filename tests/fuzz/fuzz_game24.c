/* fuzz_game24: Game of 24 steps and expressions (tutor/game24.c,
 * rational.c). Byte 0: how many numbers (1..4, low 2 bits) and whether
 * they are large (0x04: up to 1000); bytes 1..4 the numbers; the rest is
 * a step (applied twice, chained) and a final expression. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "tutor/game24.h"

void fuzz_game24(const uint8_t *d, size_t n)
{
    if (n < 5)
        return;
    int count = (d[0] & 3) + 1, big = (d[0] & 4) != 0;
    int nums[4];
    char start[64];
    size_t o = 0;
    for (int i = 0; i < count; i++) {
        nums[i] = big ? (d[1 + i] * 4) % 1000 + 1 : d[1 + i] % 13 + 1;
        o += (size_t)snprintf(start + o, sizeof start - o, "%s%d", i ? " " : "", nums[i]);
    }
    char *text = fuzz_str(d + 5, n - 5);
    char why[64];

    g24_state s, next;
    FUZZ_CHECK(g24_parse(start, &s) == 0 && s.n == count);
    if (g24_apply(&s, text, &next, why, sizeof why) == 0) {
        FUZZ_CHECK(next.n == s.n - 1);
        char left[128];
        g24_format(&next, left, sizeof left);
        g24_solved(&next);
        /* next may alias s. */
        g24_apply(&next, text, &next, why, sizeof why);
    } else {
        FUZZ_CHECK(strlen(why) < sizeof why);
    }
    int ok = g24_check_expr(nums, count, text, why, sizeof why);
    FUZZ_CHECK(strlen(why) < sizeof why);
    FUZZ_CHECK(ok ? why[0] == 0 : why[0] != 0);     /* a refusal always says why */
    if (ok) {
        /* the numbers' order does not matter; their values do: one of
         * them changed, the same expression no longer uses the puzzle */
        int rev[4], other[4];
        for (int i = 0; i < count; i++) {
            rev[i] = nums[count - 1 - i];
            other[i] = nums[i];
        }
        other[0] = nums[0] + 1;
        FUZZ_CHECK(g24_check_expr(rev, count, text, why, sizeof why) == 1);
        FUZZ_CHECK(g24_check_expr(other, count, text, why, sizeof why) == 0);
    }
    /* The text as a puzzle of its own. */
    if (g24_parse(text, &s) == 0)
        FUZZ_CHECK(s.n >= 1 && s.n <= 4);
    free(text);
}

FUZZ_ENTRY(fuzz_game24)
