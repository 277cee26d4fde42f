/* End to end: transcripts. `ponder solve` saves its events as they happen,
 * the same events --json prints; a run killed with SIGKILL mid-stream
 * leaves a readable transcript holding every event it printed; `ponder
 * runs` lists both; --no-transcript and `transcripts = off` save nothing; a
 * runs directory that cannot be made is said once and the run goes on;
 * --export x.md writes Markdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/e2e/harness.h"
#include "tutor/transcript.h"

#define ORANGES "A shop has 20 oranges. It sells 8 and gets 15 more. How many oranges now?"
#define PROBLEM "A bakery has 45 croissants. They sell 12 in the morning, receive a " \
                "delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"

/* Every transcript in the run directory of `dir`; returns how many, and
 * the newest one's path in newest. */
static int transcripts(const char *dir, char *newest, size_t cap)
{
    char runs[512];
    int n = 0;
    snprintf(runs, sizeof runs, "%s/data/ponder/runs", dir);
    if (newest && cap) newest[0] = 0;
    DIR *d = opendir(runs);
    if (!d) return 0;
    char best[256] = "";
    for (struct dirent *de; (de = readdir(d)); ) {
        if (!strstr(de->d_name, ".jsonl")) continue;
        n++;
        if (strcmp(de->d_name, best) > 0) snprintf(best, sizeof best, "%s", de->d_name);
    }
    closedir(d);
    if (newest && best[0]) snprintf(newest, cap, "%s/%s", runs, best);
    return n;
}

static void clear_runs(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s/data/ponder", dir);
    assert_int_equal(system(cmd), 0);
}

/* Events are equal when they serialize alike (times are not compared). */
static void assert_same_events(const event *a, int na, const transcript_data *d, int exact)
{
    if (exact) assert_int_equal(d->n, na);
    else assert_true(d->n >= na);
    for (int i = 0; i < na; i++) {
        char *x = event_to_json(&a[i]), *y = event_to_json(&d->ev[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
}

/* The cell of column col (up to column next) in the `ponder runs` row
 * that names file: the columns are where the header puts them. */
static const char *runs_cell(const char *out, const char *file, const char *col,
                             const char *next)
{
    static char cell[64];
    const char *head = strstr(out, "WHEN");
    const char *row = strstr(out, file);
    assert_non_null(head);
    assert_non_null(row);
    while (row > out && row[-1] != '\n')
        row--;
    const char *c = strstr(head, col), *n = strstr(head, next);
    assert_non_null(c);
    assert_non_null(n);
    size_t at = (size_t)(c - head), len = (size_t)(n - c);
    assert_true(len < sizeof cell);
    assert_true(strlen(row) > at + len);
    memcpy(cell, row + at, len);
    cell[len] = 0;
    for (size_t e = len; e > 0 && cell[e - 1] == ' '; e--)
        cell[e - 1] = 0;
    return cell;
}

static void test_solve_saves_what_json_prints(void **state)
{
    (void)state;
    fixture fx = { 0 };
    char url[128], path[600], err[256];
    clear_runs(harness_dir);
    assert_int_equal(fixture_scenario(&fx, "sc"), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", fx.port);
    run_result r;
    run_ponder(&r, harness_dir, NULL, NULL, (const char *const[]){
        "solve", "--json", "-m", "openai:test", "--base-url", url, "-s", "sc", PROBLEM, NULL });
    fixture_stop(&fx);
    assert_int_equal(r.status, 0);
    assert_int_equal(transcripts(harness_dir, path, sizeof path), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    transcript_data d;
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
    assert_int_equal(d.bad, 0);
    assert_int_equal(d.truncated, 0);
    assert_int_equal(d.has_done, 1);
    assert_same_events(r.ev, r.n_ev, &d, 1);
    /* every line has its time, and time never runs backwards */
    for (int i = 0; i < d.n; i++) {
        assert_true(d.t_ms[i] >= 0);
        if (i) assert_true(d.t_ms[i] >= d.t_ms[i - 1]);
    }
    transcript_data_done(&d);
    run_free(&r);

    /* `ponder runs` lists it */
    run_ponder(&r, harness_dir, NULL, NULL, (const char *const[]){ "runs", NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "WHEN"));
    assert_non_null(strstr(r.out, strrchr(path, '/') + 1));
    assert_non_null(strstr(r.out, "openai:test"));
    assert_string_equal(runs_cell(r.out, strrchr(path, '/') + 1, "ANSWER", "PROBLEM"), "45");
    assert_non_null(strstr(r.out, "A bakery has 45 croissants. They sell 12 in the mo"));
    run_free(&r);
}

/* kill -9 in the middle of a slow stream: the transcript holds all that
 * was printed, and no garbage; `ponder runs` calls it cut off. */
static void test_sigkill_mid_stream(void **state)
{
    (void)state;
    fixture fx = { 0 };
    char url[128], path[600], err[256], buf[600];
    const char *args[] = { "--scenario", "slow", "--delay", "6", NULL };
    clear_runs(harness_dir);
    assert_int_equal(fixture_start(&fx, args), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1", fx.port);
    char outp[600];
    snprintf(outp, sizeof outp, "%s/killed.out", harness_dir);
    snprintf(buf, sizeof buf, "mkdir -p %s/data %s/config %s/state", harness_dir, harness_dir, harness_dir);
    assert_int_equal(system(buf), 0);
    pid_t pid = fork();
    if (pid == 0) {
        snprintf(buf, sizeof buf, "%s/data", harness_dir);
        setenv("XDG_DATA_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/config", harness_dir);
        setenv("XDG_CONFIG_HOME", buf, 1);
        snprintf(buf, sizeof buf, "%s/state", harness_dir);
        setenv("XDG_STATE_HOME", buf, 1);
        if (!freopen(outp, "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        const char *bin = getenv("PONDER") ? getenv("PONDER") : "./ponder";
        execl(bin, bin, "solve", "--json", "-m", "openai:test", "--base-url", url, "-s", "cot",
              PROBLEM, (char *)NULL);
        _exit(127);
    }
    /* wait until some text has streamed (bounded: 20 s) */
    int lines = 0;
    for (int i = 0; i < 400 && lines < 8; i++) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        char *s = slurp(outp);
        lines = 0;
        for (char *p = s; *p; p++) lines += *p == '\n';
        free(s);
    }
    assert_true(lines >= 8);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    fixture_stop(&fx);

    /* what stdout got, against what the transcript kept */
    char *out = slurp(outp);
    transcript_data printed;
    transcript_data_init(&printed);
    transcript_parse(&printed, out, strlen(out));
    free(out);
    assert_int_equal(transcripts(harness_dir, path, sizeof path), 1);
    transcript_data d;
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
    assert_int_equal(d.bad, 0);
    assert_int_equal(d.has_done, 0);
    assert_true(printed.n >= 8);
    /* each event is saved before it is printed: nothing printed is lost */
    assert_same_events(printed.ev, printed.n, &d, 0);
    transcript_data_done(&d);
    transcript_data_done(&printed);

    run_result r;
    run_ponder(&r, harness_dir, NULL, NULL, (const char *const[]){ "runs", NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "cut off"));
    assert_non_null(strstr(r.out, strrchr(path, '/') + 1));
    run_free(&r);
}

static void test_off_and_failing(void **state)
{
    (void)state;
    run_result r;
    char path[600];
    clear_runs(harness_dir);
    run_ponder(&r, harness_dir, NULL, NULL, (const char *const[]){
        "solve", "--no-transcript", "-m", "scripted:tests/fixtures/scripted_demo.json", "-s", "cot",
        ORANGES, NULL });
    assert_int_equal(r.status, 0);
    assert_int_equal(transcripts(harness_dir, NULL, 0), 0);
    run_free(&r);
    run_ponder(&r, harness_dir, "[ponder]\ntranscripts = off\n", NULL, (const char *const[]){
        "solve", "-m", "scripted:tests/fixtures/scripted_demo.json", "-s", "cot", ORANGES, NULL });
    assert_int_equal(r.status, 0);
    assert_int_equal(transcripts(harness_dir, NULL, 0), 0);
    run_free(&r);

    /* the runs directory cannot be made (a file is in the way): said once,
     * and the run still answers */
    snprintf(path, sizeof path, "mkdir -p %s/data && touch %s/data/ponder", harness_dir, harness_dir);
    assert_int_equal(system(path), 0);
    run_ponder(&r, harness_dir, "", NULL, (const char *const[]){
        "solve", "-m", "scripted:tests/fixtures/scripted_demo.json", "-s", "cot", ORANGES, NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Answer: 27"));
    char *first = strstr(r.err, "transcript not saved");
    assert_non_null(first);
    assert_null(strstr(first + 1, "transcript not saved"));
    run_free(&r);
    clear_runs(harness_dir);
}

static void test_export_markdown(void **state)
{
    (void)state;
    run_result r;
    char md[600];
    snprintf(md, sizeof md, "%s/x.md", harness_dir);
    run_ponder(&r, harness_dir, NULL, NULL, (const char *const[]){
        "solve", "-m", "scripted:tests/fixtures/scripted_demo.json", "-s", "cot", "--export", md,
        ORANGES, NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "wrote"));
    char *s = slurp(md);
    assert_true(strncmp(s, "# ponder run: cot on scripted:", 30) == 0);
    assert_non_null(strstr(s, "## Problem\n\n```text\nA shop has 20 oranges."));
    assert_non_null(strstr(s, "## Answer\n\n**27**"));
    assert_non_null(strstr(s, "Status: ok."));
    free(s);
    run_free(&r);
}

/* A config file with a syntax error is named with its line, and ponder
 * runs on defaults. */
static void test_bad_config_runs_on_defaults(void **state)
{
    (void)state;
    run_result r;
    run_ponder(&r, harness_dir, "[network]\nretries = 2\n[ponder\nstrategy = tot\n", NULL,
               (const char *const[]){ "solve", "--no-transcript", "-m",
                                      "scripted:tests/fixtures/scripted_demo.json", "-s", "cot",
                                      ORANGES, NULL });
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "config.ini:3: syntax error"));
    assert_non_null(strstr(r.out, "Answer: 27"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_solve_saves_what_json_prints),
        cmocka_unit_test(test_sigkill_mid_stream),
        cmocka_unit_test(test_off_and_failing),
        cmocka_unit_test(test_export_markdown),
        cmocka_unit_test(test_bad_config_runs_on_defaults),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
