/* test_practice_source: problems by skill from the curriculum, teachers'
 * sets, and the shipped starter set (data/practice/starter.jsonl), which
 * must be exactly what the generator gives for its seeds.
 * PONDER_WRITE_STARTER=FILE writes the starter set instead of checking it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "app/practice_source.h"
#include "lm/curriculum.h"
#include "tutor/stepcheck.h"

#define STARTER_SEED 1
#define STARTER_PER_SKILL 6

/* The operators in the curriculum's own worked solution of problem i. */
static void ops_of(int skill, int tier, int i, char *ops, size_t cap)
{
    lm_rng r = lm_rng_stream(0x50524143, 7, ((uint64_t)skill << 40) | ((uint64_t)tier << 32)
                                              | (uint32_t)i);
    char problem[CUR_TEXT], cot[CUR_TEXT];
    long answer;
    cur_practice_problem(&r, skill, tier, problem, cot, &answer);
    size_t n = 0;
    for (const char *s = cot; *s && n + 1 < cap; s++)
        if ((s[0] == '+' || s[0] == '-' || s[0] == '*' || s[0] == '/') && s[1] == ' ' && s > cot
            && s[-1] == ' ' && !memchr(ops, *s, n))
            ops[n++] = *s;
    ops[n] = 0;
    /* the worked solution checks, step by step */
    int first_wrong;
    stepcheck_chain(problem, cot, NULL, 0, &first_wrong);
    assert_int_equal(first_wrong, -1);
}

static void test_skills_draw_their_operations(void **state)
{
    (void)state;
    for (int tier = CUR_EASY; tier <= CUR_HARD; tier++)
        for (int i = 0; i < 40; i++) {
            char ops[8];
            ops_of(CUR_SKILL_ADD, tier, i, ops, sizeof ops);
            assert_string_equal(ops, "+");
            ops_of(CUR_SKILL_SUB, tier, i, ops, sizeof ops);
            assert_string_equal(ops, "-");
            ops_of(CUR_SKILL_MUL, tier, i, ops, sizeof ops);
            assert_non_null(strchr(ops, '*'));
            assert_null(strchr(ops, '-'));
            assert_null(strchr(ops, '/'));
            ops_of(CUR_SKILL_DIV, tier, i, ops, sizeof ops);
            assert_string_equal(ops, "/");
            ops_of(CUR_SKILL_MIXED, tier, i, ops, sizeof ops);
        }
}

static void test_generate_is_seeded(void **state)
{
    (void)state;
    practice_item a, b, c;
    practice_generate(5, SKILL_SUB, CUR_MEDIUM, 3, &a);
    practice_generate(5, SKILL_SUB, CUR_MEDIUM, 3, &b);
    practice_generate(6, SKILL_SUB, CUR_MEDIUM, 3, &c);
    assert_string_equal(a.pb.text, b.pb.text);
    assert_string_equal(a.gold, b.gold);
    assert_string_not_equal(a.pb.text, c.pb.text);
    assert_string_equal(a.pb.id, "subtract-medium-4");
    /* the answer is not in the problem as the student sees it */
    assert_int_equal(a.pb.skill, SKILL_SUB);
}

static char *starter_line(int k, char *buf, size_t cap)
{
    int skill = k / STARTER_PER_SKILL, i = k % STARTER_PER_SKILL;
    int tier = i < 3 ? CUR_EASY : CUR_MEDIUM;
    practice_item it;
    practice_generate(STARTER_SEED, skill, tier, i, &it);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "question", it.pb.text);
    cJSON_AddNumberToObject(o, "answer", atof(it.gold));
    cJSON_AddStringToObject(o, "skill", practice_skill_name(skill));
    char *js = cJSON_PrintUnformatted(o);
    snprintf(buf, cap, "%s\n", js);
    free(js);
    cJSON_Delete(o);
    return buf;
}

static void test_starter_set(void **state)
{
    (void)state;
    const char *out = getenv("PONDER_WRITE_STARTER");
    char line[2048];
    if (out) {
        FILE *f = fopen(out, "w");
        assert_non_null(f);
        for (int k = 0; k < SKILL_N * STARTER_PER_SKILL; k++)
            fputs(starter_line(k, line, sizeof line), f);
        fclose(f);
        return;
    }
    practice_set s;
    char err[512];
    assert_int_equal(practice_set_load("data/practice/starter.jsonl", &s, err, sizeof err), 0);
    assert_int_equal(s.n, SKILL_N * STARTER_PER_SKILL);
    assert_string_equal(s.name, "starter.jsonl");
    for (int k = 0; k < s.n; k++) {
        practice_item it;
        practice_generate(STARTER_SEED, k / STARTER_PER_SKILL,
                          k % STARTER_PER_SKILL < 3 ? CUR_EASY : CUR_MEDIUM, k % STARTER_PER_SKILL,
                          &it);
        assert_string_equal(s.items[k].pb.text, it.pb.text);
        assert_string_equal(s.items[k].gold, it.gold);
        assert_int_equal(s.items[k].pb.skill, k / STARTER_PER_SKILL);
    }
    practice_set_free(&s);
}

static int load_text(const char *text, practice_set *s, char *err, size_t cap)
{
    char path[] = "/tmp/ponder-set-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = practice_set_load(path, s, err, cap);
    const char *base = strrchr(path, '/') + 1;
    if (rc < 0) {   /* the message names the file and line; drop the dir */
        char *at = strstr(err, base);
        assert_non_null(at);
        memmove(err, at + strlen(base), strlen(at + strlen(base)) + 1);
    }
    unlink(path);
    return rc;
}

static void test_set_format(void **state)
{
    (void)state;
    practice_set s;
    char err[512];
    assert_int_equal(load_text("# a teacher's set\n\n"
                               "{\"question\":\"Tom has 3 apples and buys 4 more. How many?\",\"answer\":7}\n"
                               "{\"question\":\"Half of 10?\",\"answer\":\"$5.00\",\"skill\":\"divide\","
                               "\"hint\":\"What is 10 split in two?\"}\n",
                               &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.items[0].gold, "7");
    assert_int_equal(s.items[0].pb.skill, SKILL_MIXED);
    assert_string_equal(s.items[1].gold, "5");
    assert_int_equal(s.items[1].pb.skill, SKILL_DIV);
    assert_string_equal(s.items[1].pb.hint, "What is 10 split in two?");
    practice_set_free(&s);

    static const struct { const char *text, *err; } bad[] = {
        { "{\"question\":\"x\"}\n", ":1: \"answer\" must be a number or a string" },
        { "\n{\"answer\":3}\n", ":2: \"question\" must be a non-empty string" },
        { "{\"question\":\"x\",\"answer\":\"lots\"}\n", ":1: \"answer\" holds no number" },
        { "{\"question\":\"x\",\"answer\":1,\"skill\":\"algebra\"}\n",
          ":1: \"skill\" must be add, subtract, multiply, divide, mixed or multi-step" },
        { "not json\n", ":1: not a JSON object" },
        { "# only a comment\n", ": no problems in the set" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load_text(bad[i].text, &s, err, sizeof err), -1);
        assert_string_equal(err, bad[i].err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skills_draw_their_operations),
        cmocka_unit_test(test_generate_is_seeded),
        cmocka_unit_test(test_starter_set),
        cmocka_unit_test(test_set_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
