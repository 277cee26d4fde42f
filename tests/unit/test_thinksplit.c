/* test_thinksplit: inline <think> blocks split the same way at any cut. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "models/thinksplit.h"

/* Text per channel, concatenated; adjacent runs of one channel merge. */
typedef struct {
    char th[512], an[512];
    char order[64];     /* channel switches: "TA" = thinking then answer */
    size_t no;
} rec;

static void on_text(void *ud, channel ch, const char *t, size_t n)
{
    rec *r = ud;
    assert_true(n > 0);
    strncat(ch == CH_THINKING ? r->th : r->an, t, n);
    char c = ch == CH_THINKING ? 'T' : 'A';
    if (!r->no || r->order[r->no - 1] != c)
        r->order[r->no++] = c;
}

static void run(rec *r, const char *in, size_t n, size_t cut, int bytewise)
{
    thinksplit t;
    memset(r, 0, sizeof *r);
    thinksplit_init(&t, on_text, r);
    if (bytewise) {
        for (size_t i = 0; i < n; i++)
            thinksplit_feed(&t, in + i, 1);
    } else {
        thinksplit_feed(&t, in, cut);
        thinksplit_feed(&t, in + cut, n - cut);
    }
    thinksplit_flush(&t);
}

static void check(const char *in, const char *th, const char *an, const char *order)
{
    size_t n = strlen(in);
    rec r;
    for (size_t cut = 0; cut <= n; cut++) {
        run(&r, in, n, cut, 0);
        assert_string_equal(r.th, th);
        assert_string_equal(r.an, an);
        assert_string_equal(r.order, order);
    }
    run(&r, in, n, 0, 1);
    assert_string_equal(r.th, th);
    assert_string_equal(r.an, an);
    assert_string_equal(r.order, order);
}

static void test_plain(void **s)
{
    (void)s;
    check("The answer is 45.", "", "The answer is 45.", "A");
    check("a < b and c <th x", "", "a < b and c <th x", "A");
}

static void test_block(void **s)
{
    (void)s;
    check("<think>45 - 12 = 33</think>\nThe answer is 45.",
          "45 - 12 = 33", "\nThe answer is 45.", "TA");
    check("pre<think>x<y</think>post", "x<y", "prepost", "ATA");
}

static void test_lookalikes(void **s)
{
    (void)s;
    check("<thinking>no</thinking> <th<think>in</th</think>out",
          "in</th", "<thinking>no</thinking> <thout", "ATA");
    check("<<think>>", ">", "<", "AT");
}

static void test_unclosed_and_stray(void **s)
{
    (void)s;
    check("<think>still going", "still going", "", "T");
    check("reasoning first</think>The answer is 45.", "",
          "reasoning firstThe answer is 45.", "A");
    check("ends with <thin", "", "ends with <thin", "A");
    check("<think>ends with </thi", "ends with </thi", "", "T");
}

/* Random texts over tag fragments: every two-way split and a byte-wise
 * feed agree with the one-shot result. */
static void test_random(void **s)
{
    (void)s;
    static const char *atoms[] = { "<think>", "</think>", "<", "</", "<th",
                                   "</thi", "think", ">", "a", " " };
    unsigned seed = 7;
    for (int iter = 0; iter < 1500; iter++) {
        char in[128] = "";
        int k = (int)(rand_r(&seed) % 10);
        for (int a = 0; a < k; a++)
            strcat(in, atoms[rand_r(&seed) % (sizeof atoms / sizeof *atoms)]);
        rec whole;
        run(&whole, in, strlen(in), strlen(in), 0);
        /* Nothing is lost except the tags themselves. */
        assert_true(strlen(whole.th) + strlen(whole.an) <= strlen(in));
        check(in, whole.th, whole.an, whole.order);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_block),
        cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_unclosed_and_stray),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
