/* test_export: the event log, the DOT graph of a tree-search run (styles,
 * escaping, and that Graphviz accepts it when installed) and JSON Lines
 * that read back into the same tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/fixtures/tree_run.h"
#include "tutor/export.h"
#include "tutor/trace.h"

typedef struct {
    trace tr;
    event_log log;
} run;

static void apply(void *ud, const event *ev)
{
    run *r = ud;
    trace_apply(&r->tr, ev);
    event_log_push(&r->log, ev);
}

static void run_init(run *r, int done)
{
    trace_init(&r->tr);
    event_log_init(&r->log);
    tree_run(apply, r, done);
}

static void run_done(run *r)
{
    trace_done(&r->tr);
    event_log_done(&r->log);
}

/* The DOT text of a trace; caller frees. */
static char *dot_of(const trace *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(export_dot(t, f), 0);
    fclose(f);
    return buf;
}

/* The line of the DOT text that starts with prefix (after indentation). */
static const char *line_of(const char *dot, const char *prefix, char *out, size_t cap)
{
    char pat[64];
    const char *p, *e;
    snprintf(pat, sizeof pat, "\n  %s", prefix);
    p = strstr(dot, pat);
    if (!p) return NULL;
    p += 3;
    e = strchr(p, '\n');
    snprintf(out, cap, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
    return out;
}

static void test_log(void **state)
{
    (void)state;
    run r;
    run_init(&r, 1);
    assert_true(r.log.n > 20);
    assert_int_equal(r.log.v[0]->kind, EV_RUN_START);
    assert_string_equal(r.log.v[0]->text, TREE_RUN_PROBLEM);
    assert_int_equal(r.log.v[r.log.n - 1]->kind, EV_DONE);
    run_done(&r);
    assert_int_equal(r.log.n, 0);
    event_log_done(&r.log);             /* twice is harmless */
}

static void test_dot(void **state)
{
    (void)state;
    run r;
    char line[512], *dot;
    run_init(&r, 1);
    dot = dot_of(&r.tr);
    assert_true(strncmp(dot, "digraph ponder {", 16) == 0);
    assert_non_null(strstr(dot, "\n}\n"));
    /* the root shows the problem */
    assert_non_null(line_of(dot, "n0 [", line, sizeof line));
    assert_non_null(strstr(line, "Problem: Use 4 4 10 13"));
    /* the chosen path: bold and coloured nodes and edges */
    line_of(dot, "n1 [", line, sizeof line);
    assert_non_null(strstr(line, "label=\"13 - 10 = 3 (left: 3 4 4)\\nv=41\""));
    assert_non_null(strstr(line, "bold"));
    assert_non_null(strstr(line, "penwidth=2.5"));
    line_of(dot, "n0 -> n1 ", line, sizeof line);
    assert_non_null(strstr(line, "penwidth=2.5"));
    assert_non_null(strstr(line, "label=\"41\""));     /* the value on the edge */
    line_of(dot, "n4 -> n6 ", line, sizeof line);
    assert_non_null(strstr(line, "penwidth=2.5"));
    /* a step node's own text is its label; scores and check follow */
    line_of(dot, "n4 [", line, sizeof line);
    assert_non_null(strstr(line, "4 * 4 = 16 (left: 3 16)\\nv=40\\np=0.91"));
    /* pruned: dashed and grey, node and edge */
    line_of(dot, "n2 [", line, sizeof line);
    assert_non_null(strstr(line, "dashed"));
    assert_non_null(strstr(line, "gray"));
    assert_null(strstr(line, "penwidth=2.5"));
    line_of(dot, "n0 -> n2 ", line, sizeof line);
    assert_non_null(strstr(line, "style=dashed"));
    /* a wrong step is red and carries the checker's mark */
    line_of(dot, "n5 [", line, sizeof line);
    assert_non_null(strstr(line, "color=\"red\""));
    assert_non_null(strstr(line, "5\xc2\xb2 = 10\\np=0.12\\n\xe2\x9c\x97 5\xc2\xb2 = 25\""));
    /* the answer: a double circle with its answer */
    line_of(dot, "n6 [", line, sizeof line);
    assert_non_null(strstr(line, "doublecircle"));
    assert_non_null(strstr(line, "\xe2\x86\x92 19"));
    /* MCTS visits and Q, on the node and the edge */
    line_of(dot, "n7 [", line, sizeof line);
    assert_non_null(strstr(line, "N=12 Q=0.61"));
    line_of(dot, "n3 -> n7 ", line, sizeof line);
    assert_non_null(strstr(line, "Q=0.61"));
    /* escaping: quotes and backslashes escaped, the newline flattened, the
     * bad byte replaced; nothing unescaped left in the line */
    line_of(dot, "n8 [", line, sizeof line);
    assert_non_null(strstr(line, "label=\"say \\\"hi\\\" \\\\ back slash \xef\xbf\xbd end\""));
    assert_null(strstr(dot, "\xff"));
    free(dot);
    run_done(&r);
}

static void test_dot_cut_and_empty(void **state)
{
    (void)state;
    trace t;
    event ev;
    char line[512], *dot;
    static const char long_label[] =
        "\xc3\xa9\xc3\xa9\xc3\xa9 a very long step that goes on and on well past forty characters";
    trace_init(&t);
    dot = dot_of(&t);                       /* an empty trace is still a graph */
    assert_non_null(strstr(dot, "digraph ponder {"));
    free(dot);
    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    trace_apply(&t, &ev);
    ev.node = 1;
    ev.parent = 0;
    ev.nkind = NODE_THOUGHT;
    ev.text = long_label;
    trace_apply(&t, &ev);
    dot = dot_of(&t);
    line_of(dot, "n1 [", line, sizeof line);
    /* 40 characters (not bytes: the é's are two each), then an ellipsis */
    assert_non_null(strstr(line, "label=\"\xc3\xa9\xc3\xa9\xc3\xa9 a very long step that goes on and on\xe2\x80\xa6\""));
    free(dot);
    trace_done(&t);
}

static void tmp_dir(char *dir, size_t cap)
{
    snprintf(dir, cap, "/tmp/ponder-export-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void test_graphviz_accepts(void **state)
{
    (void)state;
    run r;
    char dir[64], path[128], cmd[512], err[256];
    if (system("command -v dot >/dev/null 2>&1") != 0) {
        skip();         /* graphviz is not installed (scripts/deps.sh installs it) */
        return;
    }
    run_init(&r, 1);
    tmp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/run.dot", dir);
    assert_int_equal(export_file(path, &r.tr, &r.log, NULL, err, sizeof err), 0);
    snprintf(cmd, sizeof cmd, "dot -Tsvg '%s' -o '%s/run.svg' 2>'%s/dot.err'", path, dir, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "test -s '%s/run.svg' && ! test -s '%s/dot.err'", dir, dir);
    assert_int_equal(system(cmd), 0);            /* no warnings either */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    run_done(&r);
}

/* JSON Lines read back with event_from_json give the same tree: the same
 * DOT, node for node. */
static void test_jsonl_round_trip(void **state)
{
    (void)state;
    run r;
    trace back;
    char dir[64], path[128], err[256], *line = NULL, *a, *b;
    size_t cap = 0;
    int lines = 0;
    FILE *f;
    run_init(&r, 1);
    tmp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/run.jsonl", dir);
    assert_int_equal(export_file(path, &r.tr, &r.log, NULL, err, sizeof err), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    trace_init(&back);
    while (getline(&line, &cap, f) > 0) {
        event ev;
        assert_int_equal(event_from_json(line, &ev), 0);
        assert_int_equal(ev.kind, r.log.v[lines]->kind);
        trace_apply(&back, &ev);
        event_clear(&ev);
        lines++;
    }
    free(line);
    fclose(f);
    assert_int_equal(lines, r.log.n);
    assert_int_equal(back.n, r.tr.n);
    assert_string_equal(back.nodes[5].mark, r.tr.nodes[5].mark);
    a = dot_of(&r.tr);
    b = dot_of(&back);
    assert_string_equal(a, b);
    free(a);
    free(b);
    trace_done(&back);
    unlink(path);
    rmdir(dir);             /* fails if a temporary file was left behind */
    assert_int_equal(access(dir, F_OK), -1);
    run_done(&r);
}

static void test_unwritable(void **state)
{
    (void)state;
    run r;
    char err[256] = "";
    run_init(&r, 0);
    assert_int_equal(export_file("/nonexistent-ponder-dir/run.dot", &r.tr, &r.log, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-ponder-dir/run.dot: "));
    assert_int_equal(export_file("", &r.tr, &r.log, NULL, err, sizeof err), -1);
    assert_true(err[0]);
    /* a directory in the way of the rename */
    assert_int_equal(export_file("/tmp", &r.tr, &r.log, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "/tmp: "));
    run_done(&r);
}

/* What is at path, as text ("" when it cannot be read). */
static char *read_all(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    size_t n = 0;
    buf[0] = 0;
    if (f) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = 0;
    return buf;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

/* Only a new name or a regular file is written: a FIFO, a symlink and a
 * directory are refused and left as they were; no temporary file stays. */
static void test_refuses_what_is_not_a_file(void **state)
{
    (void)state;
    run r;
    char dir[64], path[160], target[160], err[512];
    struct stat st;
    export_opts force = { .force = 1 };
    run_init(&r, 1);
    tmp_dir(dir, sizeof dir);

    snprintf(path, sizeof path, "%s/fifo.md", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(export_check(path, &force, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(export_file(path, &r.tr, &r.log, &force, err, sizeof err), -1);
    assert_non_null(strstr(err, "fifo.md: is not a regular file"));
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    /* a symlink to a file: neither the link nor its target changes */
    snprintf(target, sizeof target, "%s/target.txt", dir);
    write_text(target, "keep me", 0600);
    snprintf(path, sizeof path, "%s/link.dot", dir);
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(export_file(path, &r.tr, &r.log, &force, err, sizeof err), -1);
    assert_non_null(strstr(err, "link.dot: is a symbolic link"));
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_string_equal(read_all(target), "keep me");

    /* "dir/" is a directory, not "Not a directory" */
    snprintf(path, sizeof path, "%s/", dir);
    assert_int_equal(export_file(path, &r.tr, &r.log, &force, err, sizeof err), -1);
    assert_non_null(strstr(err, "names a directory"));
    assert_null(strstr(err, "Not a directory"));
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(export_file(path, &r.tr, &r.log, &force, err, sizeof err), -1);
    assert_non_null(strstr(err, "sub: is a directory"));

    /* a device: /dev/null stays a device whoever runs this */
    assert_int_equal(export_check("/dev/null", &force, err, sizeof err), -1);
    assert_non_null(strstr(err, "/dev/null: is not a regular file"));

    snprintf(path, sizeof path, "%s/fifo.md", dir); unlink(path);
    snprintf(path, sizeof path, "%s/link.dot", dir); unlink(path);
    snprintf(path, sizeof path, "%s/sub", dir); rmdir(path);
    unlink(target);
    assert_int_equal(rmdir(dir), 0);          /* nothing else was left behind */
    run_done(&r);
}

/* An existing file is replaced only with force, then keeps its mode; a new
 * file gets 0666 less the umask; export_check makes nothing. */
static void test_replace_only_with_force(void **state)
{
    (void)state;
    run r;
    char dir[64], path[160], err[512];
    struct stat st;
    export_opts force = { .force = 1 };
    run_init(&r, 1);
    tmp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/run.dot", dir);
    write_text(path, "old", 0640);

    errno = 0;
    assert_int_equal(export_check(path, NULL, err, sizeof err), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(export_file(path, &r.tr, &r.log, NULL, err, sizeof err), -1);
    assert_int_equal(errno, EEXIST);
    assert_non_null(strstr(err, "run.dot: already exists"));
    assert_string_equal(read_all(path), "old");

    assert_int_equal(export_check(path, &force, err, sizeof err), 0);
    assert_string_equal(read_all(path), "old");
    assert_int_equal(export_file(path, &r.tr, &r.log, &force, err, sizeof err), 0);
    assert_true(strncmp(read_all(path), "digraph ponder", 14) == 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);   /* was 0644 whatever it had been */
    unlink(path);

    mode_t old = umask(027);
    snprintf(path, sizeof path, "%s/new.jsonl", dir);
    assert_int_equal(export_check(path, NULL, err, sizeof err), 0);
    assert_int_equal(access(path, F_OK), -1);     /* the check leaves nothing */
    assert_int_equal(export_file(path, &r.tr, &r.log, NULL, err, sizeof err), 0);
    umask(old);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
    run_done(&r);
}

/* A cancel flag set (as SIGTERM sets it) stops the export: no file. */
static void test_cancelled_export_writes_nothing(void **state)
{
    (void)state;
    run r;
    char dir[64], path[160], err[512];
    atomic_int stop = 1;
    export_opts o = { .cancel = &stop };
    run_init(&r, 1);
    tmp_dir(dir, sizeof dir);
    const char *ext[] = { "md", "jsonl", "dot" };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/run.%s", dir, ext[i]);
        assert_int_equal(export_file(path, &r.tr, &r.log, &o, err, sizeof err), -1);
        assert_non_null(strstr(err, "cancelled"));
        assert_int_equal(access(path, F_OK), -1);
    }
    assert_int_equal(rmdir(dir), 0);
    run_done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_dot),
        cmocka_unit_test(test_dot_cut_and_empty),
        cmocka_unit_test(test_graphviz_accepts),
        cmocka_unit_test(test_jsonl_round_trip),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_refuses_what_is_not_a_file),
        cmocka_unit_test(test_replace_only_with_force),
        cmocka_unit_test(test_cancelled_export_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
