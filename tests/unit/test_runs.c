/* test_runs: the runs directory and `ponder runs` (names, modes, the table,
 * what each kind of ending shows, a huge last line, newest first), finding
 * a run by name, the command line and config of transcripts and replay,
 * and the replay clock (pace, speed, pause, step). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/cli.h"
#include "app/config.h"
#include "app/replay.h"
#include "app/runs.h"

static char dir[64], runs[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ponder-runs-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    setenv("XDG_DATA_HOME", dir, 1);
    snprintf(runs, sizeof runs, "%s/ponder/runs", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", runs, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define START(problem, strategy, model) \
    "{\"event\":\"run_start\",\"problem\":\"" problem "\",\"strategy\":\"" strategy \
    "\",\"model\":\"" model "\",\"n\":10,\"temperature\":0.8,\"t\":0}\n"

static void test_create(void **state)
{
    (void)state;
    char err[256], dpath[256];
    transcript_writer *a = runs_create(err, sizeof err);
    transcript_writer *b = runs_create(err, sizeof err);   /* same second: another name */
    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(transcript_path(a), transcript_path(b));
    const char *name = strrchr(transcript_path(a), '/') + 1;
    assert_int_equal(strlen(name), strlen("20250301-140322-abcdef.jsonl"));
    assert_int_equal(name[8], '-');
    assert_int_equal(name[15], '-');
    assert_string_equal(name + 22, ".jsonl");
    struct stat st;
    assert_int_equal(stat(runs, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(transcript_path(a), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(runs_dir(dpath, sizeof dpath, 0), 0);
    assert_string_equal(dpath, runs);
    unlink(transcript_path(a));
    unlink(transcript_path(b));
    transcript_close(a, err, sizeof err);
    transcript_close(b, err, sizeof err);
}

static void test_summaries(void **state)
{
    (void)state;
    run_summary s;
    char path[256];
    mkdir(runs, 0700);
    write_file("20250301-140322-aaaaaa.jsonl",
               START("A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30.",
                     "sc", "builtin")
               "{\"event\":\"node_add\",\"node\":0,\"parent\":-1,\"kind\":\"root\"}\n"
               "{\"event\":\"done\",\"answer\":\"45\",\"status\":\"ok\",\"votes\":{\"45\":7}}\n");
    snprintf(path, sizeof path, "%s/20250301-140322-aaaaaa.jsonl", runs);
    assert_int_equal(runs_summarize(path, &s), 0);
    assert_string_equal(s.when, "2025-03-01 14:03:22");
    assert_string_equal(s.strategy, "sc");
    assert_string_equal(s.model, "builtin");
    assert_string_equal(s.outcome, "45");
    assert_string_equal(s.problem, "A bakery has 45 croissants. They sell 12 in the mo\xe2\x80\xa6");
    assert_string_equal(s.file, "20250301-140322-aaaaaa.jsonl");

    static const struct { const char *tail, *outcome; } ends[] = {
        { "{\"event\":\"done\",\"answer\":\"\",\"status\":\"failed\"}\n", "failed" },
        { "{\"event\":\"done\",\"answer\":\"3\",\"status\":\"cancelled\"}\n", "cancelled" },
        { "{\"event\":\"done\",\"answer\":\"\",\"status\":\"no_answer\"}\n", "no answer" },
        { "{\"event\":\"text\",\"node\":1,\"delta\":\"x\"}\n", "cut off" },
        { "{\"event\":\"text\",\"node\":1,\"del", "cut off" },
        { "", "cut off" },
    };
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s", START("Line one\\nline two", "tot", "openai:gpt"), ends[i].tail);
        write_file("end.jsonl", text);
        snprintf(path, sizeof path, "%s/end.jsonl", runs);
        assert_int_equal(runs_summarize(path, &s), 0);
        assert_string_equal(s.outcome, ends[i].outcome);
        assert_string_equal(s.problem, "Line one line two");
        assert_int_equal(s.when[4], '-');           /* from the file's time */
    }
    unlink(path);

    /* a last line longer than the first tail read */
    size_t big = 200000;
    char *text = malloc(big + 512);
    int k = snprintf(text, 512, "%s{\"event\":\"done\",\"status\":\"ok\",\"answer\":\"",
                     START("p", "cot", "builtin"));
    memset(text + k, '7', big);
    strcpy(text + k + big, "\"}\n");
    write_file("big.jsonl", text);
    free(text);
    snprintf(path, sizeof path, "%s/big.jsonl", runs);
    assert_int_equal(runs_summarize(path, &s), 0);
    assert_string_equal(s.outcome, "777777777777777777777777\xe2\x80\xa6");
    unlink(path);

    /* not a run */
    write_file("junk.jsonl", "hello\n");
    snprintf(path, sizeof path, "%s/junk.jsonl", runs);
    assert_int_equal(runs_summarize(path, &s), -1);
    unlink(path);
}

/* A crafted transcript: control bytes in the problem, strategy, model and
 * answer are not printed (as the TUI shows them), and a first line past
 * 1 MB is not read (the file counts as unreadable). */
static void test_untrusted_transcripts(void **state)
{
    (void)state;
    run_summary s;
    char path[256];
    mkdir(runs, 0700);
    write_file("20250401-000000-eeeeee.jsonl",
               "{\"event\":\"run_start\",\"problem\":\"Evil \\u001b[2J\\u001b]0;x\\u0007 end\","
               "\"strategy\":\"sc\\u001b[31m\",\"model\":\"m\\u009b1m\\u001b\"}\n"
               "{\"event\":\"done\",\"answer\":\"4\\u001b[5m2\",\"status\":\"ok\"}\n");
    snprintf(path, sizeof path, "%s/20250401-000000-eeeeee.jsonl", runs);
    assert_int_equal(runs_summarize(path, &s), 0);
    const char *cols[] = { s.problem, s.strategy, s.model, s.outcome };
    for (int i = 0; i < 4; i++) {
        assert_null(strchr(cols[i], '\033'));
        assert_null(strchr(cols[i], '\007'));
        assert_null(strstr(cols[i], "\xc2\x9b"));
    }
    assert_non_null(strstr(s.problem, "Evil"));
    assert_non_null(strstr(s.outcome, "4"));
    unlink(path);

    /* a 2 MB first line */
    size_t big = 2u << 20;
    char *line = malloc(big + 64);
    assert_non_null(line);
    int n = snprintf(line, 64, "{\"event\":\"run_start\",\"problem\":\"");
    memset(line + n, 'x', big);
    strcpy(line + n + big, "\"}\n");
    write_file("20250401-000001-ffffff.jsonl", line);
    free(line);
    snprintf(path, sizeof path, "%s/20250401-000001-ffffff.jsonl", runs);
    assert_int_equal(runs_summarize(path, &s), -1);
    unlink(path);
}

static void test_print(void **state)
{
    (void)state;
    run_summary rows[2] = {
        { "20250301-140322-aaaaaa.jsonl", "2025-03-01 14:03:22", "sc", "builtin", "45",
          "A bakery has 45 croissants.", },
        { "20250301-120000-bbbbbb.jsonl", "2025-03-01 12:00:00", "tot", "openai:gpt-4o",
          "cut off", "Caf\xc3\xa9 problem", },
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    runs_print(f, rows, 2);
    fclose(f);
    assert_string_equal(buf,
        "WHEN                 STRATEGY  MODEL          ANSWER   PROBLEM                      FILE\n"
        "2025-03-01 14:03:22  sc        builtin        45       A bakery has 45 croissants.  20250301-140322-aaaaaa.jsonl\n"
        "2025-03-01 12:00:00  tot       openai:gpt-4o  cut off  Caf\xc3\xa9 problem                 20250301-120000-bbbbbb.jsonl\n");
    free(buf);
}

static void test_command_newest_first(void **state)
{
    (void)state;
    char *buf = NULL, *ebuf = NULL;
    size_t len = 0, elen = 0;
    mkdir(runs, 0700);
    write_file("20250301-090000-000001.jsonl", START("first", "cot", "builtin")
               "{\"event\":\"done\",\"answer\":\"1\",\"status\":\"ok\"}\n");
    write_file("20250302-090000-000002.jsonl", START("second", "sc", "builtin")
               "{\"event\":\"done\",\"answer\":\"2\",\"status\":\"ok\"}\n");
    write_file("20250301-100000-000003.jsonl", START("third", "sc", "builtin"));
    write_file("notes.txt", "not a run");
    write_file("broken.jsonl", "}{");
    FILE *out = open_memstream(&buf, &len), *err = open_memstream(&ebuf, &elen);
    assert_int_equal(runs_command(out, err), 0);
    fclose(out);
    fclose(err);
    char *a = strstr(buf, "second"), *b = strstr(buf, "third"), *c = strstr(buf, "first");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(a < b && b < c);
    assert_non_null(strstr(b - 20, "cut off"));
    assert_null(strstr(buf, "notes.txt"));
    assert_non_null(strstr(ebuf, "1 file in"));
    free(buf);
    free(ebuf);

    /* a name from the list finds the file, with or without .jsonl */
    char path[512], msg[512];
    assert_int_equal(runs_resolve("20250302-090000-000002", path, sizeof path, msg, sizeof msg), 0);
    assert_non_null(strstr(path, "/ponder/runs/20250302-090000-000002.jsonl"));
    assert_int_equal(runs_resolve("20250302-090000-000002.jsonl", path, sizeof path, msg, sizeof msg), 0);
    assert_int_equal(runs_resolve("nope", path, sizeof path, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "nope: no such file"));
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -f %s/*", runs);
    assert_int_equal(system(cmd), 0);

    /* nothing saved yet */
    out = open_memstream(&buf, &len);
    err = open_memstream(&ebuf, &elen);
    assert_int_equal(runs_command(out, err), 0);
    fclose(out);
    fclose(err);
    assert_non_null(strstr(buf, "No saved runs yet"));
    free(buf);
    free(ebuf);
}

static int parse(app_config *cfg, cli_args *a, char *err, const char *const *argv)
{
    int argc = 0;
    while (argv[argc]) argc++;
    config_defaults(cfg);
    return cli_parse(argc, (char **)argv, cfg, a, err, 256);
}

static void test_cli_and_config(void **state)
{
    (void)state;
    app_config cfg;
    cli_args a;
    char err[256];
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "runs", NULL }), 0);
    assert_int_equal(a.cmd, CMD_RUNS);
    assert_int_equal(cfg.transcripts, 1);
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "replay", "x.jsonl",
                                                                 "--speed", "0", NULL }), 0);
    assert_int_equal(a.cmd, CMD_REPLAY);
    assert_string_equal(a.file, "x.jsonl");
    assert_true(a.speed == 0);
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "replay", "x", NULL }), 0);
    assert_true(a.speed == 1);
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "--no-transcript", "solve",
                                                                 "2+2", NULL }), 0);
    assert_int_equal(a.cmd, CMD_SOLVE);
    assert_int_equal(cfg.transcripts, 0);
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "replay", NULL }), 2);
    assert_non_null(strstr(err, "replay needs a FILE"));
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "runs", "x", NULL }), 2);
    assert_int_equal(parse(&cfg, &a, err, (const char *const[]){ "ponder", "replay", "x", "--speed",
                                                                 "-1", NULL }), 2);
    assert_non_null(strstr(err, "--speed"));

    char path[128];
    snprintf(path, sizeof path, "%s/config.ini", dir);
    FILE *f = fopen(path, "w");
    fputs("[ponder]\ntranscripts = off\n", f);
    fclose(f);
    config_defaults(&cfg);
    assert_int_equal(config_load(&cfg, path), 0);
    assert_int_equal(cfg.transcripts, 0);
    assert_string_equal(cfg.warning, "");
    f = fopen(path, "w");
    fputs("[ponder]\ntranscripts = maybe\n", f);
    fclose(f);
    config_defaults(&cfg);
    config_load(&cfg, path);
    assert_int_equal(cfg.transcripts, 1);
    assert_non_null(strstr(cfg.warning, "config.ini:2: bad value 'maybe' for transcripts"));
    unlink(path);
}

/* The replay clock: the recorded pace times the speed; pause and step. */
static void test_replay_clock(void **state)
{
    (void)state;
    char path[256], err[256];
    mkdir(runs, 0700);
    write_file("clock.jsonl", START("p", "cot", "builtin")
               "{\"event\":\"node_add\",\"node\":0,\"parent\":-1,\"kind\":\"root\",\"t\":0}\n"
               "{\"event\":\"node_add\",\"node\":1,\"parent\":0,\"kind\":\"sample\",\"t\":1000}\n"
               "{\"event\":\"text\",\"node\":1,\"delta\":\"a\",\"t\":3000}\n"
               "{\"event\":\"text\",\"node\":1,\"delta\":\"b\"}\n"
               "{\"event\":\"text\",\"node\":1,\"del");
    snprintf(path, sizeof path, "%s/clock.jsonl", runs);
    replay *r = replay_open(path, 2, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(replay_count(r), 5);
    assert_int_equal(replay_cut_off(r), 1);
    assert_string_equal(replay_notes(r), "the last line was cut off");
    replay_start(r, 100.0);
    event *e;
    for (int i = 0; i < 2; i++) {
        assert_non_null(e = replay_next(r, 100.0));
        event_free(e);
    }
    assert_null(replay_next(r, 100.0));
    assert_true(replay_wait(r, 100.0) > 0.49 && replay_wait(r, 100.0) < 0.51);  /* 1 s at ×2 */
    assert_non_null(e = replay_next(r, 100.5));
    assert_int_equal(e->node, 1);
    event_free(e);
    /* paused: nothing comes, however long we wait */
    replay_set_paused(r, 1, 100.6);
    assert_true(replay_wait(r, 200.0) < 0);
    assert_null(replay_next(r, 200.0));
    char st[128];
    replay_status(r, st, sizeof st);
    assert_string_equal(st, "replay: clock.jsonl \xc2\xb7 \xc3\x97" "2 \xc2\xb7 paused");
    /* going on: 1.8 s of the run's time (0.9 s at x2) were left when it paused */
    replay_set_paused(r, 0, 200.0);
    assert_null(replay_next(r, 200.85));
    assert_non_null(e = replay_next(r, 200.95));
    assert_string_equal(e->text, "a");
    event_free(e);
    /* a step gives the next event at once and pauses; "b" had no time */
    assert_int_equal(replay_peek(r), EV_TEXT);
    assert_non_null(e = replay_step(r, 201.0));
    assert_string_equal(e->text, "b");
    event_free(e);
    assert_int_equal(replay_paused(r), 1);
    assert_int_equal(replay_finished(r), 1);
    assert_null(replay_step(r, 201.0));
    replay_status(r, st, sizeof st);
    assert_string_equal(st, "replay: clock.jsonl \xc2\xb7 \xc3\x97" "2 \xc2\xb7 cut off");
    replay_free(r);

    /* speed 0: everything at once */
    r = replay_open(path, 0, err, sizeof err);
    replay_start(r, 5.0);
    int n = 0;
    while ((e = replay_next(r, 5.0))) { n++; event_free(e); }
    assert_int_equal(n, 5);
    replay_free(r);

    /* nothing to replay */
    write_file("none.jsonl", "garbage\n");
    snprintf(path, sizeof path, "%s/none.jsonl", runs);
    assert_null(replay_open(path, 1, err, sizeof err));
    assert_non_null(strstr(err, "no events to replay"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_summaries),
        cmocka_unit_test(test_untrusted_transcripts),
        cmocka_unit_test(test_print),
        cmocka_unit_test(test_command_newest_first),
        cmocka_unit_test(test_cli_and_config),
        cmocka_unit_test(test_replay_clock),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
