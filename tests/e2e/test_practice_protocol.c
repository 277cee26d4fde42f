/* test_practice_protocol: `ponder practice --json` driven line by line
 * through pipes, as another front-end would: each line sent is answered
 * before the next is written. The built-in model gives the hints; the
 * scripted backend pins that a chain with a wrong step never gives one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "tests/e2e/harness.h"

typedef struct {
    pid_t pid;
    FILE *in, *out;
} proc;

static void proc_start(proc *p, const char *const *argv)
{
    int to[2], from[2];
    assert_int_equal(pipe(to), 0);
    assert_int_equal(pipe(from), 0);
    char buf[600];
    snprintf(buf, sizeof buf, "mkdir -p %s/config/ponder %s/data %s/state", harness_dir,
             harness_dir, harness_dir);
    assert_int_equal(system(buf), 0);
    const char *bin = getenv("PONDER") ? getenv("PONDER") : "./ponder";
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[1]);
        close(from[0]);
        snprintf(buf, sizeof buf, "%s/config", harness_dir);
        setenv("XDG_CONFIG_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/data", harness_dir);
        setenv("XDG_DATA_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/state", harness_dir);
        setenv("XDG_STATE_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/stderr", harness_dir);
        if (!freopen(buf, "w", stderr))
            _exit(126);
        char *args[32];
        int n = 0;
        args[n++] = (char *)bin;
        for (int i = 0; argv[i] && n < 31; i++)
            args[n++] = (char *)argv[i];
        args[n] = NULL;
        execv(bin, args);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    p->in = fdopen(to[1], "w");
    p->out = fdopen(from[0], "r");
}

/* The next JSON line; fails the test at the end of the output. */
static cJSON *proc_read(proc *p)
{
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, p->out) < 0) {
        free(line);
        fail_msg("ponder's output ended early");
    }
    cJSON *j = cJSON_Parse(line);
    if (!j)
        fail_msg("not JSON: %s", line);
    free(line);
    return j;
}

static void proc_send(proc *p, const char *line)
{
    fprintf(p->in, "%s\n", line);
    fflush(p->in);
}

static int proc_end(proc *p)
{
    fclose(p->in);
    char buf[256];
    while (fgets(buf, sizeof buf, p->out))
        ;
    fclose(p->out);
    int st;
    waitpid(p->pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static const char *str(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double number(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Sends line, reads one reply of the given event kind and returns it. */
static cJSON *ask(proc *p, const char *line, const char *kind)
{
    proc_send(p, line);
    cJSON *j = proc_read(p);
    if (strcmp(str(j, "event"), kind))
        fail_msg("after \"%s\": wanted %s, got %s", line, kind, cJSON_PrintUnformatted(j));
    return j;
}

static void test_builtin_session(void **state)
{
    (void)state;
    char set[PATH_MAX];
    snprintf(set, sizeof set, "%s/data/practice/starter.jsonl", getenv("SRCDIR") ? getenv("SRCDIR") : ".");
    const char *argv[] = { "practice", "--json", "-m", "builtin", "--set", set, "--seed", "5",
                           "--student", "ana", NULL };
    proc p;
    proc_start(&p, argv);
    cJSON *j = proc_read(&p);
    assert_string_equal(str(j, "event"), "problem");
    assert_string_equal(str(j, "id"), "starter.jsonl:1");
    assert_string_equal(str(j, "skill"), "add");
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "answer"));
    char *printed = cJSON_PrintUnformatted(j);
    assert_null(strstr(printed, "93"));   /* the gold is not in it */
    free(printed);
    assert_non_null(strstr(str(j, "text"), "48 beads"));
    cJSON_Delete(j);

    j = ask(&p, "48 + 45 = 92", "step");
    assert_string_equal(str(j, "verdict"), "wrong");
    assert_string_equal(str(j, "mark"), "48 + 45 is not 92");
    cJSON_Delete(j);
    j = ask(&p, "hint", "hint");
    assert_int_equal(number(j, "level"), 1);
    assert_true(number(j, "trusted") >= 1);
    assert_string_equal(str(j, "text"), "How many are there after \"he received 45 more\"?");
    cJSON_Delete(j);
    j = ask(&p, "?", "hint");
    assert_int_equal(number(j, "level"), 2);
    assert_string_equal(str(j, "text"), "48 + 45 = ?");
    cJSON_Delete(j);
    j = ask(&p, "48+45=93", "step");
    assert_string_equal(str(j, "verdict"), "right");
    assert_string_equal(str(j, "mark"), "");
    cJSON_Delete(j);
    j = ask(&p, "93 \xE2\x88\x92 45 = 48", "step");   /* − */
    assert_string_equal(str(j, "verdict"), "right");
    cJSON_Delete(j);
    j = ask(&p, "93 - 17 = 76", "step");
    assert_string_equal(str(j, "verdict"), "unsupported");
    cJSON_Delete(j);
    j = ask(&p, "Noah counts them all.", "step");
    assert_string_equal(str(j, "verdict"), "none");
    cJSON_Delete(j);
    j = ask(&p, "answer 94", "answer");
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "correct")));
    cJSON_Delete(j);
    j = ask(&p, "The answer is 93.", "answer");
    assert_string_equal(str(j, "given"), "93");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "correct")));
    cJSON_Delete(j);
    j = proc_read(&p);
    assert_string_equal(str(j, "event"), "mastery");
    assert_string_equal(str(j, "skill"), "add");
    /* hints and a wrong step: BKT counts it as not right at the first try */
    assert_true(fabs(number(j, "p") - (1.0 / 73 + 72.0 / 73 * 0.1)) < 1e-9);   /* test_bkt */
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(j, "record");
    assert_string_equal(str(rec, "outcome"), "solved");
    assert_int_equal(number(rec, "tries"), 2);
    assert_int_equal(number(rec, "hints"), 2);
    assert_true(number(rec, "seconds") >= 0);
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(rec, "wrong_steps");
    assert_int_equal(cJSON_GetArraySize(ws), 1);
    assert_int_equal(cJSON_GetArrayItem(ws, 0)->valueint, 1);   /* the first line */
    cJSON_Delete(j);

    j = ask(&p, "next", "problem");
    assert_string_equal(str(j, "id"), "starter.jsonl:2");
    cJSON_Delete(j);
    /* show: the solution event, then the run's own events */
    j = ask(&p, "show", "solution");
    cJSON_Delete(j);
    j = proc_read(&p);
    assert_string_equal(str(j, "event"), "run_start");
    cJSON_Delete(j);
    int done = 0;
    while (!done) {
        j = proc_read(&p);
        done = !strcmp(str(j, "event"), "done");
        cJSON_Delete(j);
    }
    j = proc_read(&p);
    assert_string_equal(str(j, "event"), "mastery");
    cJSON_Delete(j);
    assert_int_equal(proc_end(&p), 0);

    char path[600];
    snprintf(path, sizeof path, "%s/data/ponder/progress.json", harness_dir);
    char *text = slurp(path);
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *ana = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "students"), "ana");
    assert_non_null(ana);
    assert_int_equal(number(ana, "problems"), 2);
    assert_int_equal(number(ana, "solved"), 1);
    cJSON_Delete(root);
}

static const char bakery[] =
    "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 "
    "at noon, then sell 18 in the afternoon. How many croissants remain?";

/* A one-problem set and a script whose replies are the given chains, in turn. */
static void write_files(const char *const *chains, int n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/set.jsonl", harness_dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"question\":\"%s\",\"answer\":45,\"skill\":\"mixed\"}\n", bakery);
    fclose(f);
    snprintf(path, sizeof path, "%s/script.json", harness_dir);
    f = fopen(path, "w");
    fprintf(f, "{\"rules\":[{\"replies\":[");
    for (int i = 0; i < n; i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", chains[i]);
    fprintf(f, "]}]}\n");
    fclose(f);
}

static cJSON *scripted_hint(const char *before)
{
    char set[600], model[600];
    snprintf(set, sizeof set, "%s/set.jsonl", harness_dir);
    snprintf(model, sizeof model, "scripted:%s/script.json", harness_dir);
    const char *argv[] = { "practice", "--json", "-m", model, "--set", set, "-n", "8", NULL };
    proc p;
    proc_start(&p, argv);
    cJSON_Delete(proc_read(&p));   /* the problem */
    if (before)
        cJSON_Delete(ask(&p, before, "step"));
    cJSON *h1 = ask(&p, "hint", "hint");
    cJSON *h2 = ask(&p, "hint", "hint");
    cJSON_Delete(h1);
    assert_int_equal(proc_end(&p), 0);
    return h2;
}

/* Every sample gives the right answer, 45, by a chain with a wrong step:
 * the vote is right, and still no hint comes from it. */
static void test_wrong_step_chain_gives_no_hint(void **state)
{
    (void)state;
    const char *bad = "45 - 12 = 32. 32 + 30 = 63. 63 - 18 = 45. The answer is 45.";
    const char *chains[8];
    for (int i = 0; i < 8; i++)
        chains[i] = bad;
    write_files(chains, 8);
    cJSON *h = scripted_hint(NULL);
    assert_int_equal(number(h, "level"), 0);
    assert_int_equal(number(h, "trusted"), 0);
    assert_non_null(strstr(str(h, "text"), "I'm not sure either"));
    assert_null(strstr(str(h, "text"), "45 - 12"));
    const cJSON *votes = cJSON_GetObjectItemCaseSensitive(h, "votes");
    assert_int_equal(number(votes, "45"), 8);
    cJSON_Delete(h);
}

/* The only chain with the right answer has a wrong step; the vote's winner
 * is wrong as well: no hint, and the vote is shown. */
static void test_right_answer_wrong_step_minority(void **state)
{
    (void)state;
    const char *chains[8] = {
        "45 - 12 = 32. 32 + 30 = 62. 62 - 17 = 45. The answer is 45.",
    };
    for (int i = 1; i < 8; i++)
        chains[i] = "45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 44. The answer is 44.";
    write_files(chains, 8);
    cJSON *h = scripted_hint(NULL);
    assert_int_equal(number(h, "level"), 0);
    assert_null(strstr(str(h, "text"), "45 - 12"));
    const cJSON *votes = cJSON_GetObjectItemCaseSensitive(h, "votes");
    assert_int_equal(number(votes, "44"), 7);
    assert_int_equal(number(votes, "45"), 1);
    cJSON_Delete(h);
}

/* Seven chains agree on 45 but start with a wrong step; one checks. The
 * hint comes from the one that checks, even though it is outnumbered. */
static void test_hint_from_the_chain_that_checks(void **state)
{
    (void)state;
    const char *chains[8];
    for (int i = 0; i < 7; i++)
        chains[i] = "45 + 30 = 76. 76 - 12 = 63. 63 - 18 = 45. The answer is 45.";
    chains[7] = "45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. The answer is 45.";
    write_files(chains, 8);
    cJSON *h = scripted_hint(NULL);
    assert_int_equal(number(h, "level"), 2);
    assert_int_equal(number(h, "trusted"), 1);
    assert_string_equal(str(h, "text"), "45 - 12 = ?");
    cJSON_Delete(h);
    /* after the student's first step, the next one */
    h = scripted_hint("45 - 12 = 33");
    assert_string_equal(str(h, "text"), "33 + 30 = ?");
    cJSON_Delete(h);
}

static void test_bad_set_is_a_clear_error(void **state)
{
    (void)state;
    char set[600];
    snprintf(set, sizeof set, "%s/bad.jsonl", harness_dir);
    FILE *f = fopen(set, "w");
    fputs("{\"question\":\"x\"}\n", f);
    fclose(f);
    const char *argv[] = { "practice", "--json", "--set", set, NULL };
    run_result r;
    run_ponder(&r, harness_dir, NULL, "", argv);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.jsonl:1: \"answer\" must be a number or a string"));
    run_free(&r);
}

/* ponder progress after a session: the table, and the teacher's reports. */
static void test_progress_command(void **state)
{
    (void)state;
    const char *argv[] = { "practice", "--json", "--skill", "divide", "--tier", "easy",
                           "--student", "bo", "--seed", "9", NULL };
    run_result r;
    run_ponder(&r, harness_dir, NULL, "skip\nskip\n", argv);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"skill\":\"divide\",\"tier\":\"easy\""));
    run_free(&r);
    const char *show[] = { "progress", "--student", "bo", NULL };
    run_ponder(&r, harness_dir, NULL, NULL, show);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Progress of bo: 2 problems, 0 solved (0%)"));
    assert_non_null(strstr(r.out, "divide          11%        no        2"));
    run_free(&r);
    char md[600];
    snprintf(md, sizeof md, "%s/bo.md", harness_dir);
    const char *exp[] = { "progress", "--student", "bo", "--export", md, NULL };
    run_ponder(&r, harness_dir, NULL, NULL, exp);
    assert_int_equal(r.status, 0);
    run_free(&r);
    char *text = slurp(md);
    assert_non_null(strstr(text, "| divide | 11% | no | 2 | 0% | 0 |"));
    free(text);
    /* the report is not replaced without --force */
    run_ponder(&r, harness_dir, NULL, NULL, exp);
    assert_int_equal(r.status, 1);
    run_free(&r);
}

/* Without --skill the problem practises the weakest skill not yet mastered,
 * read from the student's progress.json. */
static void test_weakest_skill_first(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "mkdir -p %s/data/ponder", harness_dir);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof path, "%s/data/ponder/progress.json", harness_dir);
    FILE *f = fopen(path, "w");
    fputs("{\"version\":1,\"students\":{\"cy\":{\"skills\":{"
          "\"add\":{\"p\":0.99},\"subtract\":{\"p\":0.5},\"multiply\":{\"p\":0.97},"
          "\"divide\":{\"p\":0.3},\"mixed\":{\"p\":0.96},\"multi-step\":{\"p\":0.2}}}}}\n", f);
    fclose(f);
    const char *argv[] = { "practice", "--json", "--student", "cy", NULL };
    run_result r;
    run_ponder(&r, harness_dir, NULL, "", argv);
    assert_int_equal(r.status, 0);
    /* multi-step is weakest (0.2): tier from its mastery, easy below 0.4 */
    assert_non_null(strstr(r.out, "\"skill\":\"multi-step\",\"tier\":\"easy\""));
    run_free(&r);
    /* another student in the same file is left as it was */
    const char *other[] = { "practice", "--json", "--student", "dee", NULL };
    run_ponder(&r, harness_dir, NULL, "skip\n", other);
    run_free(&r);
    char *text = slurp(path);
    assert_non_null(strstr(text, "0.99"));
    assert_non_null(strstr(text, "\"dee\""));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_session),
        cmocka_unit_test(test_wrong_step_chain_gives_no_hint),
        cmocka_unit_test(test_right_answer_wrong_step_minority),
        cmocka_unit_test(test_hint_from_the_chain_that_checks),
        cmocka_unit_test(test_bad_set_is_a_clear_error),
        cmocka_unit_test(test_progress_command),
        cmocka_unit_test(test_weakest_skill_first),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
