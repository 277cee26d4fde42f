/* test_progress: BKT mastery per skill, the next skill, progress.json
 * (other students kept, a foreign file left alone, kill -9 mid-save), the
 * teacher's reports, and the [practice] config keys. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>

#include <cmocka.h>

#include "app/config.h"
#include "app/progress.h"

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ponder-progress-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/progress.json", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static practice_record first_try(void)
{
    practice_record r = { .tries = 1, .solved = 1 };
    return r;
}

static void test_record_updates_bkt(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    progress pr;
    progress_init(&pr, "ana", &b);
    practice_record right = first_try();
    progress_record(&pr, &b, SKILL_SUB, &right, NULL);
    assert_true(fabs(pr.skill[SKILL_SUB].p - 0.4) < 1e-9);   /* test_bkt's worked value */
    /* a hint makes the observation wrong even when the answer is right */
    practice_record helped = first_try();
    helped.hints = 1;
    progress_record(&pr, &b, SKILL_ADD, &helped, "starter.jsonl");
    assert_true(fabs(pr.skill[SKILL_ADD].p - bkt_update(&b, 0.1, 0)) < 1e-9);
    assert_int_equal(pr.done, 2);
    assert_int_equal(pr.solved, 2);
    assert_int_equal(pr.streak, 0);
    assert_int_equal(pr.best_streak, 1);
    assert_string_equal(pr.sets[0], "starter.jsonl");
    /* a wrong step also counts against the first try */
    practice_record slip = first_try();
    slip.wrong_steps = 1;
    assert_false(progress_first_try(&slip));
}

static void test_next_skill_is_weakest_unmastered(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    progress pr;
    progress_init(&pr, "ana", &b);
    assert_int_equal(progress_next_skill(&pr), SKILL_ADD);   /* ties: the first */
    practice_record right = first_try();
    for (int k = 0; k < 4; k++)
        progress_record(&pr, &b, SKILL_ADD, &right, NULL);
    assert_true(pr.skill[SKILL_ADD].p >= BKT_MASTERED);
    progress_record(&pr, &b, SKILL_SUB, &right, NULL);
    assert_int_equal(progress_next_skill(&pr), SKILL_MUL);
    for (int i = 0; i < SKILL_N; i++)
        pr.skill[i].p = 0.99;
    pr.skill[SKILL_DIV].p = 0.96;
    assert_int_equal(progress_next_skill(&pr), SKILL_DIV);   /* all mastered: the weakest */
}

static void test_save_load_keeps_others(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    char err[512];
    progress a, z, back;
    progress_init(&a, "ana", &b);
    progress_init(&z, "zoe", &b);
    practice_record right = first_try();
    progress_record(&a, &b, SKILL_MUL, &right, "class.jsonl");
    assert_int_equal(progress_save(path, &a, err, sizeof err), 0);
    assert_int_equal(progress_save(path, &z, err, sizeof err), 0);
    assert_int_equal(progress_load(path, "ana", &b, &back, err, sizeof err), 0);
    assert_int_equal(back.done, 1);
    assert_true(fabs(back.skill[SKILL_MUL].p - 0.4) < 1e-9);
    assert_string_equal(back.sets[0], "class.jsonl");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);   /* a student's record is theirs */
    /* a new student: a fresh profile */
    assert_int_equal(progress_load(path, "max", &b, &back, err, sizeof err), 0);
    assert_int_equal(back.done, 0);
    assert_true(fabs(back.skill[SKILL_ADD].p - 0.1) < 1e-9);
}

static void test_foreign_file_left_alone(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    char err[512];
    FILE *f = fopen(path, "w");
    fputs("{\"not\": \"ours\"}\n", f);
    fclose(f);
    progress pr;
    assert_int_equal(progress_load(path, "ana", &b, &pr, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a ponder progress file"));
    assert_int_equal(progress_save(path, &pr, err, sizeof err), -1);
    f = fopen(path, "r");
    char buf[64] = "";
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "{\"not\": \"ours\"}\n");
}

/* A child saves over and over; kill -9 lands mid-save at some point. The
 * file must still load, holding one of the saves whole. */
static void test_survives_kill9(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    char err[512];
    for (int round = 0; round < 5; round++) {
        unlink(path);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            progress pr;
            progress_init(&pr, "ana", &b);
            practice_record right = first_try();
            for (int k = 0; k < 100000; k++) {
                progress_record(&pr, &b, k % SKILL_N, &right, "starter.jsonl");
                if (progress_save(path, &pr, err, sizeof err) < 0)
                    _exit(3);
            }
            _exit(0);
        }
        struct stat st;
        while (stat(path, &st) != 0)
            usleep(1000);
        usleep(20000 + 7000 * round);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        progress pr;
        assert_int_equal(progress_load(path, "ana", &b, &pr, err, sizeof err), 0);
        assert_true(pr.done >= 1);
        int sum = 0;
        for (int i = 0; i < SKILL_N; i++)
            sum += pr.skill[i].done;
        assert_int_equal(sum, pr.done);   /* one save, whole */
    }
}

static char *slurp(const char *p)
{
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_export(void **state)
{
    (void)state;
    bkt_params b = bkt_defaults();
    char err[512], out[160];
    progress pr;
    progress_init(&pr, "ana \"A\"", &b);
    practice_record right = first_try();
    progress_record(&pr, &b, SKILL_SUB, &right, "starter.jsonl");
    snprintf(out, sizeof out, "%s/r.md", dir);
    assert_int_equal(progress_export(&pr, out, 0, err, sizeof err), 0);
    char *md = slurp(out);
    assert_non_null(strstr(md, "# Practice report: ana \"A\""));
    assert_non_null(strstr(md, "- Sets: starter.jsonl"));
    assert_non_null(strstr(md, "| subtract | 40% | no | 1 | 100% | 0 |"));
    /* an existing report is not replaced without the flag */
    assert_int_equal(progress_export(&pr, out, 0, err, sizeof err), -1);
    snprintf(out, sizeof out, "%s/r.csv", dir);
    assert_int_equal(progress_export(&pr, out, 0, err, sizeof err), 0);
    char *csv = slurp(out);
    assert_non_null(strstr(csv, "student,skill,mastery,mastered,problems,first_try,hints,sets\n"));
    assert_non_null(strstr(csv, "\"ana \"\"A\"\"\",subtract,0.4000,no,1,1,0,\"starter.jsonl\"\n"));
    snprintf(out, sizeof out, "%s/r.txt", dir);
    assert_int_equal(progress_export(&pr, out, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "FILE.md or FILE.csv"));
}

static void test_config_keys(void **state)
{
    (void)state;
    app_config c;
    config_defaults(&c);
    assert_true(fabs(c.bkt.p_guess - 0.2) < 1e-12);
    assert_int_equal(c.hint_samples, 8);
    config_parse_string(&c, "[practice]\np_init = 0.3\np_slip = 0.05\nhint_samples = 4\n", "t.ini");
    assert_true(fabs(c.bkt.p_init - 0.3) < 1e-12);
    assert_true(fabs(c.bkt.p_slip - 0.05) < 1e-12);
    assert_int_equal(c.hint_samples, 4);
    assert_string_equal(c.warning, "");
    /* slip + guess >= 1 is refused, the old value kept, with a warning */
    config_parse_string(&c, "[practice]\np_guess = 0.99\n", "t.ini");
    assert_true(fabs(c.bkt.p_guess - 0.2) < 1e-12);
    assert_non_null(strstr(c.warning, "t.ini:2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_updates_bkt),
        cmocka_unit_test(test_next_skill_is_weakest_unmastered),
        cmocka_unit_test_setup_teardown(test_save_load_keeps_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_file_left_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_kill9, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export, setup, teardown),
        cmocka_unit_test(test_config_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
