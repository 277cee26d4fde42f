/* test_practice: the practice engine (tutor/practice.c): steps checked as
 * they are entered, answers in every form, the record, and hints that come
 * only from chains that check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/practice.h"

static const char bakery[] =
    "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 "
    "at noon, then sell 18 in the afternoon. How many croissants remain?";

static practice *start(const char *gold)
{
    practice *p = practice_new();
    practice_problem pb = { .id = "t1", .skill = SKILL_MIXED, .tier = 1 };
    snprintf(pb.text, sizeof pb.text, "%s", bakery);
    practice_start(p, &pb, gold, 0);
    return p;
}

/* One step on a fresh problem, after the kept steps before it. */
typedef struct {
    const char *before;      /* a kept step first, or NULL */
    const char *line;
    check_verdict verdict;
    const char *mark;        /* exact mark, or NULL for "" */
} step_row;

static const step_row step_rows[] = {
    { NULL, "45 - 12 = 33", CHECK_OK, NULL },
    { NULL, "45-12=33", CHECK_OK, NULL },
    { NULL, "45 \xE2\x88\x92 12 = 33", CHECK_OK, NULL },            /* − */
    { "45 - 12 = 33", "33 + 30 is 63", CHECK_OK, NULL },
    { NULL, "12 \xC3\x97 30 = 360", CHECK_OK, NULL },                /* × */
    { "12 * 30 = 360", "360 \xC3\xB7 12 = 30", CHECK_OK, NULL },    /* ÷ */
    { NULL, "45 - 12 = 32", CHECK_WRONG, "45 - 12 is not 32" },
    { NULL, "45 \xE2\x88\x92 12 = 32", CHECK_WRONG, "45 \xE2\x88\x92 12 is not 32" },
    { NULL, "45 - 12 is 34", CHECK_WRONG, "45 - 12 is not 34" },
    { NULL, "3 \xC3\x97 7 = 20", CHECK_WRONG, "3 \xC3\x97 7 is not 20" },
    /* several claims on a line: the wrong one is named */
    { NULL, "45 - 12 = 33 and 33 + 30 = 64", CHECK_WRONG, "33 + 30 is not 64" },
    { NULL, "45 - 12 = 33, 33 + 30 = 63", CHECK_OK, NULL },
    /* a number from nowhere: a quiet note */
    { NULL, "45 - 17 = 28", CHECK_UNSUPPORTED, "17 is not in the problem or an earlier step" },
    /* no arithmetic: kept unmarked */
    { NULL, "First I take away the morning sales.", CHECK_NONE, NULL },
};

static void test_step_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof step_rows / sizeof step_rows[0]; i++) {
        const step_row *r = &step_rows[i];
        practice *p = start("45");
        practice_step s;
        if (r->before)
            assert_int_equal(practice_step_enter(p, r->before, NULL), CHECK_OK);
        check_verdict v = practice_step_enter(p, r->line, &s);
        if (v != r->verdict || strcmp(s.mark, r->mark ? r->mark : ""))
            fail_msg("row %zu \"%s\": verdict %d mark \"%s\"", i, r->line, v, s.mark);
        assert_int_equal(s.kept, v != CHECK_WRONG);
        practice_free(p);
    }
}

static void test_second_wrong_try_shows_value(void **state)
{
    (void)state;
    practice *p = start("45");
    practice_step s;
    practice_step_enter(p, "45 - 12 = 32", &s);
    assert_string_equal(s.mark, "45 - 12 is not 32");
    practice_step_enter(p, "45 - 12 = 31", &s);
    assert_string_equal(s.mark, "45 - 12 is not 31; 45 - 12 = 33");
    /* a right step starts the count again */
    practice_step_enter(p, "45 - 12 = 33", &s);
    assert_int_equal(s.verdict, CHECK_OK);
    practice_step_enter(p, "33 + 30 = 62", &s);
    assert_string_equal(s.mark, "33 + 30 is not 62");
    const practice_record *rec = practice_get_record(p);
    assert_int_equal(rec->wrong_steps, 3);
    assert_int_equal(rec->wrong_at[0], 0);
    assert_int_equal(rec->wrong_at[1], 1);
    assert_int_equal(rec->wrong_at[2], 3);
    practice_free(p);
}

static void test_wrong_step_not_in_context(void **state)
{
    (void)state;
    practice *p = start("45");
    practice_step s;
    practice_step_enter(p, "45 - 12 = 32", &s);
    /* 32 came from a wrong step, so building on it is unsupported */
    practice_step_enter(p, "32 + 30 = 62", &s);
    assert_int_equal(s.verdict, CHECK_UNSUPPORTED);
    assert_null(strstr(practice_context(p), "45 - 12 = 32"));
    practice_free(p);
}

typedef struct {
    const char *line;
    practice_input kind;
    const char *ans;
} parse_row;

static const parse_row parse_rows[] = {
    { "answer 45", PI_ANSWER, "45" },
    { "Answer 45", PI_ANSWER, "45" },
    { "= 45", PI_ANSWER, "45" },
    { "=45", PI_ANSWER, "45" },
    { "The answer is 45", PI_ANSWER, "45" },
    { "The answer is 45.", PI_ANSWER, "45" },
    { "the final answer is $45", PI_ANSWER, "45" },
    { "#### 45", PI_ANSWER, "45" },
    { "\\boxed{45}", PI_ANSWER, "45" },
    { "Final answer: 45", PI_ANSWER, "45" },
    { "Answer: 45", PI_ANSWER, "45" },
    { "answer 1,234", PI_ANSWER, "1,234" },
    { "hint", PI_HINT, "" },
    { "?", PI_HINT, "" },
    { "  show ", PI_SHOW, "" },
    { "skip", PI_SKIP, "" },
    { "next", PI_NEXT, "" },
    { "", PI_EMPTY, "" },
    { "45 - 12 = 33", PI_STEP, "" },
    { "33 + 30 is 63", PI_STEP, "" },
    { "answer the question", PI_STEP, "" },
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_rows / sizeof parse_rows[0]; i++) {
        char ans[64];
        practice_input k = practice_parse(parse_rows[i].line, ans, sizeof ans);
        if (k != parse_rows[i].kind || strcmp(ans, parse_rows[i].ans))
            fail_msg("row %zu \"%s\": kind %d ans \"%s\"", i, parse_rows[i].line, k, ans);
    }
}

/* Every form answer.c normalizes to the gold. */
static void test_answer_forms(void **state)
{
    (void)state;
    static const struct { const char *gold, *given; int right; } rows[] = {
        { "45", "45", 1 }, { "45", "45.0", 1 }, { "45", "$45", 1 }, { "45", "45 croissants", 1 },
        { "1234", "1,234", 1 }, { "0.75", "3/4", 1 }, { "0.75", "\\frac{3}{4}", 1 },
        { "45", "44", 0 }, { "45", "-45", 0 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        practice *p = start(rows[i].gold);
        char norm[64];
        int r = practice_answer(p, rows[i].given, 1, norm, sizeof norm);
        if (r != rows[i].right)
            fail_msg("row %zu: %s against %s gave %d", i, rows[i].given, rows[i].gold, r);
        practice_free(p);
    }
}

static void test_answer_tries_and_record(void **state)
{
    (void)state;
    practice *p = start("45");
    char norm[64];
    assert_int_equal(practice_answer(p, "no number", 1, norm, sizeof norm), -1);
    assert_int_equal(practice_answer(p, "44", 2, norm, sizeof norm), 0);
    assert_int_equal(practice_wrong_answers(p), 1);
    assert_false(practice_done(p));
    assert_int_equal(practice_answer(p, "46", 3, norm, sizeof norm), 0);
    assert_int_equal(practice_wrong_answers(p), 2);
    assert_int_equal(practice_answer(p, "45", 7.5, norm, sizeof norm), 1);
    const practice_record *rec = practice_get_record(p);
    assert_int_equal(rec->tries, 3);
    assert_true(rec->solved);
    assert_true(rec->seconds > 7.4 && rec->seconds < 7.6);
    practice_free(p);
}

/* ---- hints ---- */

static const char good[] =
    " 45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. The answer is 45.";

static void test_hint_levels(void **state)
{
    (void)state;
    practice *p = start("45");
    practice_chain ch[] = { { good, "45" } };
    practice_hint_out h;
    practice_hint(p, ch, 1, "45", &h);
    assert_int_equal(h.level, 1);
    assert_string_equal(h.text, "What is left after \"they sell 12 in the morning\"?");
    practice_hint(p, ch, 1, "45", &h);
    assert_int_equal(h.level, 2);
    assert_string_equal(h.text, "45 - 12 = ?");
    practice_hint(p, ch, 1, "45", &h);
    assert_int_equal(h.level, 3);
    assert_string_equal(h.text, "45 - 12 = 33.");
    /* the student enters it: the next hint is about the next step, level 1 */
    practice_step_enter(p, "45 - 12 = 33", NULL);
    practice_hint(p, ch, 1, "45", &h);
    assert_int_equal(h.level, 1);
    assert_string_equal(h.text, "How many are there after \"receive a delivery of 30 at noon\"?");
    practice_hint(p, ch, 1, "45", &h);
    assert_string_equal(h.text, "33 + 30 = ?");
    assert_int_equal(practice_get_record(p)->hints, 5);
    practice_free(p);
}

static void test_hint_after_wrong_step_reveals(void **state)
{
    (void)state;
    practice *p = start("45");
    practice_chain ch[] = { { good, "45" } };
    practice_hint_out h;
    practice_step s;
    practice_hint(p, ch, 1, "45", &h);
    practice_hint(p, ch, 1, "45", &h);
    practice_step_enter(p, "45 - 12 = 32", &s);
    assert_string_equal(s.mark, "45 - 12 is not 32; 45 - 12 = 33");
    practice_free(p);
}

/* The only chain with the winning answer has a wrong step: it gives no hint. */
static void test_hint_skips_chain_with_wrong_step(void **state)
{
    (void)state;
    practice *p = start("45");
    practice_chain ch[] = {
        { " 45 - 12 = 32. 32 + 30 = 63. 63 - 18 = 45. The answer is 45.", "45" },
        { " 45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 44. The answer is 44.", "44" },
    };
    practice_hint_out h;
    practice_hint(p, ch, 2, "45", &h);
    assert_int_equal(h.level, 0);
    assert_int_equal(h.chain, -1);
    assert_int_equal(h.trusted, 0);
    assert_non_null(strstr(h.text, "I'm not sure either"));
    assert_null(strstr(h.text, "45 - 12"));
    practice_free(p);
}

/* Among trusted chains, the one the student's steps follow gives the hint. */
static void test_hint_follows_student(void **state)
{
    (void)state;
    practice *p = start("45");
    practice_chain ch[] = {
        { " 45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. The answer is 45.", "45" },
        { " 45 + 30 = 75. 75 - 12 = 63. 63 - 18 = 45. The answer is 45.", "45" },
    };
    practice_step_enter(p, "45 + 30 = 75", NULL);
    practice_hint_out h;
    practice_hint(p, ch, 2, "45", &h);
    practice_hint(p, ch, 2, "45", &h);
    assert_int_equal(h.chain, 1);
    assert_int_equal(h.trusted, 2);
    assert_string_equal(h.text, "75 - 12 = ?");
    practice_free(p);
}

static void test_skill_names(void **state)
{
    (void)state;
    for (int i = 0; i < SKILL_N; i++)
        assert_int_equal(practice_skill_parse(practice_skill_name(i)), i);
    assert_int_equal(practice_skill_parse("sub"), SKILL_SUB);
    assert_int_equal(practice_skill_parse("algebra"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_table),
        cmocka_unit_test(test_second_wrong_try_shows_value),
        cmocka_unit_test(test_wrong_step_not_in_context),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_answer_forms),
        cmocka_unit_test(test_answer_tries_and_record),
        cmocka_unit_test(test_hint_levels),
        cmocka_unit_test(test_hint_after_wrong_step_reveals),
        cmocka_unit_test(test_hint_skips_chain_with_wrong_step),
        cmocka_unit_test(test_hint_follows_student),
        cmocka_unit_test(test_skill_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
