/* marksplit: thinking/answer routing of the built-in model's text, checked
 * with the input split at every byte and byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "models/marksplit.h"

typedef struct {
    char ch[2][512];
} sink;

static void out(void *ud, channel c, const char *text, size_t len)
{
    sink *k = ud;
    strncat(k->ch[c], text, len);
}

static void run_split(const char *text, int answering, size_t cut1, size_t cut2, sink *k)
{
    memset(k, 0, sizeof *k);
    marksplit s;
    marksplit_init(&s, answering);
    size_t n = strlen(text);
    marksplit_feed(&s, text, cut1, out, k);
    marksplit_feed(&s, text + cut1, cut2 - cut1, out, k);
    marksplit_feed(&s, text + cut2, n - cut2, out, k);
    marksplit_flush(&s, out, k);
}

static void check_all_splits(const char *text, int answering, const char *think, const char *ans)
{
    size_t n = strlen(text);
    sink k;
    for (size_t a = 0; a <= n; a++)
        for (size_t b = a; b <= n; b++) {
            run_split(text, answering, a, b, &k);
            assert_string_equal(k.ch[CH_THINKING], think);
            assert_string_equal(k.ch[CH_ANSWER], ans);
        }
    /* byte by byte */
    memset(&k, 0, sizeof k);
    marksplit s;
    marksplit_init(&s, answering);
    for (size_t i = 0; i < n; i++)
        marksplit_feed(&s, text + i, 1, out, &k);
    marksplit_flush(&s, out, &k);
    assert_string_equal(k.ch[CH_THINKING], think);
    assert_string_equal(k.ch[CH_ANSWER], ans);
}

static void test_cot(void **st)
{
    (void)st;
    check_all_splits(" 45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. The answer is 45.", 0,
                     " 45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. ", "The answer is 45.");
}

static void test_no_mark(void **st)
{
    (void)st;
    check_all_splits(" 45 - 12 = 33. The ans", 0, " 45 - 12 = 33. The ans", "");
    check_all_splits("The answer was 3. Then", 0, "The answer was 3. Then", "");
}

static void test_direct(void **st)
{
    (void)st;
    check_all_splits(" 45.", 1, "", " 45.");
}

static void test_false_starts(void **st)
{
    (void)st;
    check_all_splits("TheThe answer The answer is 7.", 0, "TheThe answer ", "The answer is 7.");
}

static void test_ends_with_mark(void **st)
{
    (void)st;
    assert_true(marksplit_ends_with_mark("Question: x Answer: The answer is"));
    assert_true(marksplit_ends_with_mark("The answer is "));
    assert_false(marksplit_ends_with_mark("Answer: Let's think step by step."));
    assert_false(marksplit_ends_with_mark("is"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cot),
        cmocka_unit_test(test_no_mark),
        cmocka_unit_test(test_direct),
        cmocka_unit_test(test_false_starts),
        cmocka_unit_test(test_ends_with_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
