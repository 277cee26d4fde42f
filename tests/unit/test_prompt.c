/* test_prompt: the prompts each style builds, chat and raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutor/answer.h"
#include "tutor/prompt.h"

static const char PROBLEM[] = "A bakery has 45 croissants. It sells 12. How many are left?";

static void test_direct_chat(void **state)
{
    (void)state;
    prompt p;
    prompt_build(&p, PROMPT_DIRECT, PROBLEM, 0);
    assert_null(p.raw);
    assert_int_equal(p.n_msgs, 1);
    assert_int_equal(p.msgs[0].role, ROLE_USER);
    assert_non_null(strstr(p.msgs[0].content, PROBLEM));
    assert_non_null(strstr(p.msgs[0].content,
                           "Answer with only the final number, as: The answer is N."));
    prompt_free(&p);
    assert_int_equal(p.n_msgs, 0);
    prompt_free(&p); /* safe twice */
}

static void test_cot_chat(void **state)
{
    (void)state;
    prompt p;
    prompt_build(&p, PROMPT_COT, "\n  A store has 3 apples.\nHow many?  \n", 0);
    assert_int_equal(p.n_msgs, 2);
    assert_int_equal(p.msgs[0].role, ROLE_SYSTEM);
    assert_non_null(strstr(p.msgs[0].content, "The answer is N."));
    assert_int_equal(p.msgs[1].role, ROLE_USER);
    /* trimmed, inner newline kept */
    assert_string_equal(p.msgs[1].content,
                        "A store has 3 apples.\nHow many?\n\n"
                        "Let's think step by step. End with a final line: The answer is N.");
    prompt_free(&p);
}

static void test_fewshot_chat(void **state)
{
    (void)state;
    int n = prompt_exemplar_count();
    assert_true(n >= 3);
    assert_string_equal(prompt_exemplar_question(0),
                        "A store has 20 oranges. They sell 8 before lunch and buy 15 more "
                        "after lunch. How many oranges do they have?");
    assert_string_equal(prompt_exemplar_solution(0),
                        "Let's think step by step. 20 - 8 = 12. 12 + 15 = 27. The answer is 27.");
    assert_null(prompt_exemplar_question(n));
    assert_null(prompt_exemplar_question(-1));
    assert_null(prompt_exemplar_solution(n));

    prompt p;
    prompt_build(&p, PROMPT_FEWSHOT, PROBLEM, 0);
    assert_int_equal(p.n_msgs, 2 + 2 * n);
    assert_true(p.n_msgs <= 16);
    assert_int_equal(p.msgs[0].role, ROLE_SYSTEM);
    for (int i = 0; i < n; i++) {
        assert_int_equal(p.msgs[1 + 2 * i].role, ROLE_USER);
        assert_string_equal(p.msgs[1 + 2 * i].content, prompt_exemplar_question(i));
        assert_int_equal(p.msgs[2 + 2 * i].role, ROLE_ASSISTANT);
        assert_string_equal(p.msgs[2 + 2 * i].content, prompt_exemplar_solution(i));
    }
    assert_int_equal(p.msgs[p.n_msgs - 1].role, ROLE_USER);
    assert_string_equal(p.msgs[p.n_msgs - 1].content, PROBLEM);
    prompt_free(&p);
}

/* Every exemplar is in the one format: "Let's think step by step. ... The
 * answer is N." and its answer extracts. */
static void test_exemplars_extract(void **state)
{
    (void)state;
    const char *want[] = { "27", "72", "9", "8" };
    for (int i = 0; i < prompt_exemplar_count(); i++) {
        const char *s = prompt_exemplar_solution(i);
        assert_int_equal(strncmp(s, "Let's think step by step. ", 26), 0);
        assert_non_null(strstr(s, ". The answer is "));
        char out[32];
        assert_int_equal(answer_extract(s, out, sizeof out), 1);
        if (i < 4)
            assert_string_equal(out, want[i]);
    }
}

static void test_raw_formats(void **state)
{
    (void)state;
    prompt p;
    prompt_build(&p, PROMPT_COT, "  A store has\t20 oranges.\n\n How   many?\n", 1);
    assert_int_equal(p.n_msgs, 0);
    assert_string_equal(p.raw, "Question: A store has 20 oranges. How many? Answer: Let's think step by step.");
    prompt_free(&p);
    assert_null(p.raw);

    prompt_build(&p, PROMPT_FEWSHOT, "What is 2 + 2?", 1);
    assert_string_equal(p.raw, "Question: What is 2 + 2? Answer: Let's think step by step.");
    prompt_free(&p);

    prompt_build(&p, PROMPT_DIRECT, "What is 2 + 2?", 1);
    assert_string_equal(p.raw, "Question: What is 2 + 2? Answer: The answer is");
    prompt_free(&p);

    prompt_build(&p, PROMPT_DIRECT, NULL, 1);
    assert_string_equal(p.raw, "Question:  Answer: The answer is");
    prompt_free(&p);
}

static void test_render(void **state)
{
    (void)state;
    prompt p;
    prompt_build(&p, PROMPT_COT, "What is 2 + 2?", 0);
    char *s = prompt_render(&p);
    assert_int_equal(strncmp(s, "[system] ", 9), 0);
    assert_non_null(strstr(s, "\n[user] What is 2 + 2?\n\nLet's think step by step."));
    assert_int_equal(s[strlen(s) - 1], '\n');
    free(s);
    prompt_free(&p);

    prompt_build(&p, PROMPT_FEWSHOT, "What is 2 + 2?", 0);
    s = prompt_render(&p);
    assert_non_null(strstr(s, "[assistant] Let's think step by step. 20 - 8 = 12."));
    free(s);
    prompt_free(&p);

    prompt_build(&p, PROMPT_DIRECT, "What is 2 + 2?", 1);
    s = prompt_render(&p);
    assert_string_equal(s, p.raw);
    free(s);
    prompt_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_chat),
        cmocka_unit_test(test_cot_chat),
        cmocka_unit_test(test_fewshot_chat),
        cmocka_unit_test(test_exemplars_extract),
        cmocka_unit_test(test_raw_formats),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
