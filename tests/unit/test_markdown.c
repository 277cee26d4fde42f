/* test_markdown: a self-consistency run and a tree search written up as
 * Markdown, both built from events: the settings, the samples in full, the
 * votes table; the chosen path in full, the tree's outline with its scores
 * and pruned nodes struck; model text fenced so it is never Markdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/fixtures/tree_run.h"
#include "tutor/markdown.h"

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

static char *markdown_of(run *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(export_markdown(&r->tr, &r->log, f), 0);
    fclose(f);
    return buf;
}

#define HAS(md, s) do { if (!strstr(md, s)) fail_msg("missing: %s\n--- in:\n%s", s, md); } while (0)

/* sc with three samples: 45, 45, 35, and one reply with a fence in it. */
static void sc_run(run *r, int done)
{
    trace_init(&r->tr);
    event_log_init(&r->log);
    event ev = event_make(EV_RUN_START);
    ev.text = "A bakery has 45 croissants. How many remain?";
    ev.strategy = "sc";
    ev.model = "builtin";
    ev.n = 3;
    ev.temperature = 0.8;
    ev.seed = 7;
    apply(r, &ev);
    tree_run_add(apply, r, 0, -1, NODE_ROOT, NULL);
    const char *texts[] = { "45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. The answer is 45.",
                            "Use ``` fences *and* stars: 45 - 12 = 33. The answer is 45.",
                            "45 - 12 = 23. 23 + 30 = 53. 53 - 18 = 35. The answer is 35." };
    const char *answers[] = { "45", "45", "35" };
    for (int i = 1; i <= 3; i++) {
        char label[32];
        snprintf(label, sizeof label, "sample %d", i);
        tree_run_add(apply, r, i, 0, NODE_SAMPLE, label);
    }
    tree_run_text(apply, r, 1, CH_THINKING, "Let me think.");
    for (int i = 1; i <= 3; i++) {
        tree_run_text(apply, r, i, CH_ANSWER, texts[i - 1]);
        tree_run_status(apply, r, i, NS_DONE, answers[i - 1]);
        ev = event_make(EV_VOTE);
        ev.node = i;
        ev.answer = answers[i - 1];
        tally_init(&ev.votes);
        for (int k = 0; k < i; k++) tally_add(&ev.votes, answers[k]);
        ev.has_votes = 1;
        apply(r, &ev);
        tally_done(&ev.votes);
    }
    if (!done) return;
    ev = event_make(EV_DONE);
    ev.answer = "45";
    ev.run = RUN_OK;
    tally_init(&ev.votes);
    for (int k = 0; k < 3; k++) tally_add(&ev.votes, answers[k]);
    ev.has_votes = 1;
    ev.confidence = 2.0 / 3;
    ev.tokens_in = 120;
    ev.tokens_out = 90;
    ev.elapsed_ms = 2500;
    apply(r, &ev);
    tally_done(&ev.votes);
}

static void run_done(run *r)
{
    trace_done(&r->tr);
    event_log_done(&r->log);
}

static void test_sc(void **state)
{
    (void)state;
    run r;
    sc_run(&r, 1);
    char *md = markdown_of(&r);
    HAS(md, "# ponder run: sc on builtin\n");
    HAS(md, "## Problem\n\n```text\nA bakery has 45 croissants. How many remain?\n```\n");
    HAS(md, "| strategy | sc |\n| model | builtin |\n| n (samples or branches) | 3 |\n"
            "| temperature | 0.8 |\n| seed | 7 |\n| task | word problem |\n");
    HAS(md, "| tokens | 120 in, 90 out |\n| time | 2.5 s |\n");
    HAS(md, "## Answer\n\n**45** (2 of 3 votes, 67%)\n\nStatus: ok.\n");
    HAS(md, "## Votes\n\n| answer | votes | share |\n|---|---:|---:|\n| 45 | 2 | 67% |\n| 35 | 1 | 33% |\n");
    HAS(md, "### Sample 1: 45\n\nThinking:\n\n```text\nLet me think.\n```\n\n"
            "```text\n45 - 12 = 33. 33 + 30 = 63. 63 - 18 = 45. The answer is 45.\n```\n");
    /* a reply holding ``` gets a longer fence */
    HAS(md, "### Sample 2: 45\n\n````text\nUse ``` fences *and* stars");
    HAS(md, "### Sample 3: 35\n");
    assert_null(strstr(md, "## Tree"));
    free(md);
    run_done(&r);
}

/* The model said the problem is outside what it knows: the answer is
 * marked a guess. */
static void test_guess(void **state)
{
    (void)state;
    run r;
    sc_run(&r, 0);
    event ev = event_make(EV_DONE);
    ev.answer = "45";
    ev.run = RUN_OK;
    ev.guess = 1;
    apply(&r, &ev);
    char *md = markdown_of(&r);
    HAS(md, "## Answer\n\n**45** (a guess: the problem is outside what the model knows)");
    free(md);
    run_done(&r);
    sc_run(&r, 1);
    md = markdown_of(&r);
    assert_null(strstr(md, "a guess"));
    free(md);
    run_done(&r);
}

/* A run that was cut off (no done event) says so. */
static void test_cut_off(void **state)
{
    (void)state;
    run r;
    sc_run(&r, 0);
    char *md = markdown_of(&r);
    HAS(md, "No answer.\n\nStatus: cut off");
    free(md);
    run_done(&r);
}

static void test_tree(void **state)
{
    (void)state;
    run r;
    trace_init(&r.tr);
    event_log_init(&r.log);
    tree_run(apply, &r, 1);
    char *md = markdown_of(&r);
    HAS(md, "# ponder run: tot on openai:test\n");
    HAS(md, "## Answer\n\n**19**\n\nStatus: ok.\n");
    /* the chosen path in full, in order, with scores */
    HAS(md, "## Chosen path\n\n### Step 1 (node 1, thought)\n\nScores: value 41\n\n```text\n13 - 10 = 3 (left: 3 4 4)\n```\n");
    HAS(md, "### Step 2 (node 4, step)\n\nScores: value 40, p=0.91, \xe2\x9c\x93\n\n"
            "```text\n4 * 4 = 16 (left: 3 16)\n```\n");
    HAS(md, "### Step 3 (node 6, answer)\n\nAnswer: **19**\n\nThinking:\n\n```text\nAdd what is left.\n```\n");
    /* the outline: depth by indentation, chosen bold, pruned struck */
    HAS(md, "## Tree\n\n9 nodes, 3 pruned, 3 deep.");
    HAS(md, "- 0 problem\n  - 1 **13 - 10 = 3 (left: 3 4 4)** · value 41\n");
    HAS(md, "    - 4 **4 \\* 4 = 16 (left: 3 16)** · value 40, p=0.91, \xe2\x9c\x93\n");
    HAS(md, "      - 6 **16 + 3 = 19** → 19\n");
    HAS(md, "    - 5 ~~5\xc2\xb2 = 10~~ · p=0.12, \xe2\x9c\x97 · 5\xc2\xb2 = 10 \xe2\x9c\x97, 5\xc2\xb2 = 25\n");
    HAS(md, "  - 2 ~~4 + 4 = 8 (left: 8 10 13)~~ · value 3\n");
    HAS(md, "  - 3 10 - 4 = 6 (left: 4 6 13) · value 22\n    - 7 6 \\* 4 = 24 · N=12 Q=0.61\n");
    /* the odd label: escaped, on one line */
    HAS(md, "    - 8 ~~say \"hi\" \\\\ back slash");
    assert_null(strstr(md, "## Samples"));
    assert_null(strstr(md, "## Votes"));
    free(md);
    run_done(&r);
}

/* A chain of n steps from the root, every one chosen. */
static void chain_run(run *r, int n)
{
    char label[32];
    trace_init(&r->tr);
    event_log_init(&r->log);
    tree_run_add(apply, r, 0, -1, NODE_ROOT, NULL);
    for (int i = 1; i <= n; i++) {
        snprintf(label, sizeof label, "step %d", i);
        tree_run_add(apply, r, i, i - 1, NODE_STEP, label);
        tree_run_status(apply, r, i, NS_CHOSEN, i == n ? "7" : NULL);
    }
}

/* The outline stops at its depth limit and says so, so a 10,000-step
 * chain gives a file that grows with the steps, not steps times depth
 * (it was 100 MB); the chosen path still lists every step. */
static void test_deep_chain_is_bounded(void **state)
{
    (void)state;
    run r;
    enum { N = 10000 };
    chain_run(&r, N);
    char *md = markdown_of(&r);
    size_t len = strlen(md);
    assert_true(len < (size_t)N * 300);
    HAS(md, "This outline stops at depth 40: the 9960 nodes below it are left out.");
    HAS(md, "### Step 10000 (node 10000, step)");
    HAS(md, "- 40 **step 40**");
    assert_null(strstr(md, "- 41 **step 41**"));
    free(md);
    run_done(&r);
}

/* One rule for the end of the chosen path (trace_chosen_leaf): from the
 * root down the chosen children. A crafted trace with a deeper chosen node
 * off that path does not pull the write-up there. */
static void test_chosen_leaf_rule(void **state)
{
    (void)state;
    run r;
    trace_init(&r.tr);
    event_log_init(&r.log);
    tree_run_add(apply, &r, 0, -1, NODE_ROOT, NULL);
    tree_run_add(apply, &r, 1, 0, NODE_STEP, "a1");
    tree_run_add(apply, &r, 2, 1, NODE_STEP, "a2");
    tree_run_add(apply, &r, 3, 0, NODE_STEP, "b1");
    tree_run_add(apply, &r, 4, 3, NODE_STEP, "b2");
    tree_run_add(apply, &r, 5, 4, NODE_STEP, "b3");
    tree_run_status(apply, &r, 1, NS_CHOSEN, NULL);
    tree_run_status(apply, &r, 2, NS_CHOSEN, "7");
    tree_run_status(apply, &r, 3, NS_DONE, NULL);
    tree_run_status(apply, &r, 4, NS_CHOSEN, NULL);
    tree_run_status(apply, &r, 5, NS_CHOSEN, "9");
    assert_int_equal(trace_chosen_leaf(&r.tr), 2);
    assert_true(trace_is_tree(&r.tr));
    char *md = markdown_of(&r);
    HAS(md, "### Step 2 (node 2, step)");
    assert_null(strstr(md, "(node 5, step)"));
    free(md);
    run_done(&r);
    /* no chosen child of the root: no path */
    chain_run(&r, 0);
    assert_int_equal(trace_chosen_leaf(&r.tr), -1);
    assert_false(trace_is_tree(&r.tr));
    run_done(&r);
}

/* export_file picks Markdown by the extension. */
static void test_export_file_md(void **state)
{
    (void)state;
    run r;
    char path[64], err[256];
    sc_run(&r, 1);
    snprintf(path, sizeof path, "/tmp/ponder-md-%d.md", (int)getpid());
    assert_int_equal(export_file(path, &r.tr, &r.log, NULL, err, sizeof err), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[128];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "# ponder run: sc on builtin\n");
    fclose(f);
    unlink(path);
    run_done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sc),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_cut_off),
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_export_file_md),
        cmocka_unit_test(test_deep_chain_is_bounded),
        cmocka_unit_test(test_chosen_leaf_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
