/* test_transcript: the writer hands each event to the kernel as it comes
 * (the file is read back before the run ends), stops cleanly on a full
 * disk, and the reader takes what a killed run left: a cut last line, garbage
 * lines (skipped, their numbers kept), an empty file, a 5 MB line, NULs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tutor/transcript.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ponder-transcript-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static event text_event(int node, const char *s)
{
    event ev = event_make(EV_TEXT);
    ev.node = node;
    ev.ch = CH_ANSWER;
    ev.text = s;
    ev.tokens = 1;
    return ev;
}

/* The test links with -Wl,--wrap=fsync,--wrap=write (Makefile): these count
 * what the writer asks of the kernel, then do it. */
int __real_fsync(int fd);
int __wrap_fsync(int fd);
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
static int fsyncs, writes;

int __wrap_fsync(int fd)
{
    fsyncs++;
    return __real_fsync(fd);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    writes++;
    return __real_write(fd, buf, n);
}

static void parse_str(transcript_data *d, const char *s)
{
    transcript_data_init(d);
    transcript_parse(d, s, strlen(s));
}

/* Each event is in the file as soon as transcript_write returns. */
static void test_write_flushes_each_event(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    snprintf(path, sizeof path, "%s/flush.jsonl", dir);
    transcript_writer *w = transcript_create(path, err, sizeof err);
    assert_non_null(w);
    assert_string_equal(transcript_path(w), path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    event start = event_make(EV_RUN_START);
    start.text = "What is 2 + 2?";
    start.strategy = "cot";
    start.model = "builtin";
    assert_int_equal(transcript_write(w, &start, 0, err, sizeof err), 0);
    for (int i = 0; i < 5; i++) {
        char word[16];
        snprintf(word, sizeof word, "w%d ", i);
        event ev = text_event(1, word);
        assert_int_equal(transcript_write(w, &ev, 10 * (i + 1), err, sizeof err), 0);
        transcript_data d;
        transcript_data_init(&d);
        assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
        assert_int_equal(d.n, i + 2);               /* before any close or fsync */
        assert_int_equal(d.truncated, 0);
        assert_int_equal(d.bad, 0);
        assert_string_equal(d.ev[i + 1].text, word);
        assert_int_equal(d.t_ms[i + 1], 10 * (i + 1));
        assert_int_equal(d.has_done, 0);
        transcript_data_done(&d);
    }
    assert_int_equal(transcript_close(w, err, sizeof err), 0);
    /* a name that is taken is refused, never overwritten */
    assert_null(transcript_create(path, err, sizeof err));
    assert_non_null(strstr(err, "exists"));
}

/* Each event is one write() of its whole line, newline included, so a
 * reader (or a crash) never sees half a line from a writer that got that
 * far; close fsyncs once, so a finished run survives a power cut. */
static void test_one_write_per_line_and_fsync_on_close(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    snprintf(path, sizeof path, "%s/atomic.jsonl", dir);
    transcript_writer *w = transcript_create(path, err, sizeof err);
    assert_non_null(w);
    for (int i = 0; i < 3; i++) {
        event ev = text_event(1, "a line of its own ");
        writes = fsyncs = 0;
        assert_int_equal(transcript_write(w, &ev, i, err, sizeof err), 0);
        assert_int_equal(writes, 1);
        assert_int_equal(fsyncs, 0);            /* only at close: it is slow */
    }
    fsyncs = 0;
    assert_int_equal(transcript_close(w, err, sizeof err), 0);
    assert_int_equal(fsyncs, 1);
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int lines = 0;
    while (getline(&text, &len, f) > 0) {
        assert_non_null(strstr(text, "a line of its own"));
        assert_int_equal(text[strlen(text) - 1], '\n');
        lines++;
    }
    free(text);
    fclose(f);
    assert_int_equal(lines, 3);
}

/* A full disk (here: a file size limit) stops the writer once, with one
 * message, and leaves whole lines only. */
static void test_write_failure_said_once(void **state)
{
    (void)state;
    char path[128], err[256] = "";
    struct rlimit old, small;
    snprintf(path, sizeof path, "%s/full.jsonl", dir);
    transcript_writer *w = transcript_create(path, err, sizeof err);
    assert_non_null(w);
    getrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_IGN);
    small = old;
    small.rlim_cur = 200;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    event ev = text_event(1, "a few words ");
    int failed_at = -1;
    for (int i = 0; i < 10; i++) {
        err[0] = 0;
        if (transcript_write(w, &ev, i, err, sizeof err) < 0) {
            if (failed_at < 0) {
                failed_at = i;
                assert_non_null(strstr(err, path));
            } else {
                assert_string_equal(err, "");       /* said once */
            }
        }
    }
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    assert_true(failed_at > 0);
    transcript_close(w, err, sizeof err);
    transcript_data d;
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
    assert_int_equal(d.n, failed_at);
    assert_int_equal(d.bad, 0);
    transcript_data_done(&d);
}

static void test_partial_last_line(void **state)
{
    (void)state;
    transcript_data d;
    parse_str(&d, "{\"event\":\"run_start\",\"problem\":\"p\",\"t\":0}\n"
                  "{\"event\":\"text\",\"node\":1,\"channel\":\"answer\",\"delta\":\"ab\",\"t\":5}\n"
                  "{\"event\":\"text\",\"node\":1,\"chan");
    assert_int_equal(d.n, 2);
    assert_int_equal(d.truncated, 1);
    assert_int_equal(d.bad, 0);
    assert_int_equal(d.lines, 3);
    assert_int_equal(d.t_ms[1], 5);
    char msg[256];
    transcript_describe(&d, msg, sizeof msg);
    assert_string_equal(msg, "the last line was cut off");
    transcript_data_done(&d);

    /* a whole last line without its newline is kept */
    parse_str(&d, "{\"event\":\"done\",\"answer\":\"4\",\"status\":\"ok\"}");
    assert_int_equal(d.n, 1);
    assert_int_equal(d.truncated, 0);
    assert_int_equal(d.has_done, 1);
    transcript_data_done(&d);
}

static void test_garbage_lines(void **state)
{
    (void)state;
    transcript_data d;
    parse_str(&d, "{\"event\":\"run_start\",\"problem\":\"p\"}\n"
                  "not json at all\n"
                  "{\"event\":\"text\",\"node\":1,\"delta\":\"x\"}\r\n"
                  "{\"event\":\"no_such_event\"}\n"
                  "\n"
                  "   \n"
                  "[1,2,3]\n"
                  "{\"event\":\"done\",\"answer\":\"4\"}\n");
    assert_int_equal(d.n, 3);
    assert_int_equal(d.bad, 3);
    assert_int_equal(d.bad_line[0], 2);
    assert_int_equal(d.bad_line[1], 4);
    assert_int_equal(d.bad_line[2], 7);
    assert_int_equal(d.truncated, 0);
    assert_int_equal(d.has_done, 1);
    assert_int_equal(d.t_ms[0], -1);             /* no "t": exports have none */
    char msg[256];
    transcript_describe(&d, msg, sizeof msg);
    assert_string_equal(msg, "skipped 3 unreadable lines (2, 4, 7)");
    transcript_data_done(&d);

    /* a NUL inside a line makes it garbage, not a shorter line */
    static const char nul[] = "{\"event\":\"notice\",\"message\":\"a\"}\n{\"event\":\"no\0tice\"}\n";
    transcript_data_init(&d);
    transcript_parse(&d, nul, sizeof nul - 1);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.bad, 1);
    transcript_data_done(&d);

    /* many garbage lines: the first few numbers are kept */
    char many[2048] = "";
    for (int i = 0; i < 20; i++) strcat(many, "garbage\n");
    parse_str(&d, many);
    assert_int_equal(d.bad, 20);
    transcript_describe(&d, msg, sizeof msg);
    assert_string_equal(msg, "skipped 20 unreadable lines (1, 2, 3, 4, 5, 6, 7, 8, ...)");
    transcript_data_done(&d);
}

static void test_empty(void **state)
{
    (void)state;
    char path[128], err[256], msg[64];
    transcript_data d;
    parse_str(&d, "");
    assert_int_equal(d.n, 0);
    assert_int_equal(d.lines, 0);
    assert_int_equal(d.truncated, 0);
    transcript_describe(&d, msg, sizeof msg);
    assert_string_equal(msg, "");
    transcript_data_done(&d);

    snprintf(path, sizeof path, "%s/empty.jsonl", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 0);
    transcript_data_done(&d);

    snprintf(path, sizeof path, "%s/missing.jsonl", dir);
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.jsonl"));
    transcript_data_done(&d);
}

/* A 5 MB delta round-trips through a file. */
static void test_huge_line(void **state)
{
    (void)state;
    char path[128], err[256];
    size_t big = 5u << 20;
    char *s = malloc(big + 1);
    memset(s, 'x', big);
    s[big] = 0;
    snprintf(path, sizeof path, "%s/huge.jsonl", dir);
    transcript_writer *w = transcript_create(path, err, sizeof err);
    assert_non_null(w);
    event ev = text_event(2, s);
    assert_int_equal(transcript_write(w, &ev, 7, err, sizeof err), 0);
    ev = text_event(2, "tail");
    assert_int_equal(transcript_write(w, &ev, 8, err, sizeof err), 0);
    assert_int_equal(transcript_close(w, err, sizeof err), 0);
    transcript_data d;
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 2);
    assert_int_equal(strlen(d.ev[0].text), big);
    assert_string_equal(d.ev[1].text, "tail");
    transcript_data_done(&d);
    free(s);
}

/* A transcript is read to TRANSCRIPT_MAX_BYTES at most: a file past that
 * (here 80 MB, sparse) keeps its first events and says the rest was not
 * read. */
static void test_read_is_capped(void **state)
{
    (void)state;
    char path[128], err[256], why[256];
    snprintf(path, sizeof path, "%s/big.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"event\":\"run_start\",\"problem\":\"x\",\"strategy\":\"sc\",\"model\":\"m\"}\n", f);
    fclose(f);
    assert_int_equal(truncate(path, 80L << 20), 0);
    transcript_data d;
    transcript_data_init(&d);
    assert_int_equal(transcript_load(path, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.too_big, 1);
    transcript_describe(&d, why, sizeof why);
    assert_non_null(strstr(why, "only the first 64 MB were read"));
    transcript_data_done(&d);
    unlink(path);
}

/* "t" is the transcript's own field: event_from_json ignores it and any
 * other field it does not know; event_from_json_at reads it. */
static void test_time_field(void **state)
{
    (void)state;
    event ev = event_make(EV_VOTE), back;
    long t;
    ev.node = 3;
    ev.answer = "45";
    char *js = event_to_json_at(&ev, 1234);
    assert_non_null(strstr(js, "\"t\":1234"));
    assert_int_equal(event_from_json_at(js, &back, &t), 0);
    assert_int_equal(t, 1234);
    assert_int_equal(back.kind, EV_VOTE);
    assert_string_equal(back.answer, "45");
    event_clear(&back);
    free(js);
    js = event_to_json(&ev);
    assert_null(strstr(js, "\"t\""));
    free(js);
    assert_int_equal(event_from_json("{\"event\":\"status\",\"node\":2,\"status\":\"done\","
                                     "\"t\":5,\"future\":{\"x\":[1]},\"answer\":\"7\"}", &back), 0);
    assert_int_equal(back.node, 2);
    assert_string_equal(back.answer, "7");
    event_clear(&back);
    assert_int_equal(event_from_json_at("{\"event\":\"usage\",\"t\":\"soon\"}", &back, &t), 0);
    assert_int_equal(t, -1);
    event_clear(&back);
    assert_int_equal(event_from_json_at("{\"event\":\"usage\",\"t\":-4}", &back, &t), 0);
    assert_int_equal(t, -1);
    event_clear(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_flushes_each_event),
        cmocka_unit_test(test_one_write_per_line_and_fsync_on_close),
        cmocka_unit_test(test_write_failure_said_once),
        cmocka_unit_test(test_partial_last_line),
        cmocka_unit_test(test_garbage_lines),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_read_is_capped),
        cmocka_unit_test(test_time_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
