/* test_ui_screen: whole frames drawn into an off-screen ncurses terminal,
 * at every size from 1x1 up, in Unicode and ASCII, with and without the
 * help and prompt windows. Checks what a student would read at 80x24 and
 * 40x12, and (under ASan) that no size draws out of bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/tui.h"
#include "strategies/strategy.h"
#include "tests/fixtures/tree_run.h"
#include "ui/curses.h"
#include "ui/input.h"
#include "tutor/traits.h"
#include "ui/screen.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/view.h"

static FILE *out, *in;
static SCREEN *scr;

static int setup(void **state)
{
    (void)state;
    theme th;
    char msg[200];
    setlocale(LC_ALL, "C.UTF-8");
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    scr = newterm("xterm-256color", out, in);
    if (!scr) scr = newterm("vt100", out, in);
    if (!scr) return -1;
    if (has_colors()) start_color();
    theme_builtin(&th);
    theme_apply(&th);
    text_set_utf8(1);
    input_init(NULL, NULL, NULL, msg, sizeof msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    input_done();
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    return 0;
}

static void send(view *v, event ev) { view_apply(v, &ev, 1.0); }

/* An sc run of 10 samples voting 45 x6, 44 x2, 35 x2. */
static void sc_run(view *v)
{
    static const char *const ans[10] = { "45", "44", "45", "35", "45", "45", "44", "45", "35", "45" };
    event ev;
    tally t;
    view_init(v);
    view_reset(v, 0.5);
    ev = event_make(EV_RUN_START);
    ev.text = "A bakery has 45 croissants. It sells 12, bakes 30 more, then sells 18. How many?";
    ev.strategy = "sc";
    ev.strategy_traits = STRAT_USES_N | STRAT_VOTES;
    ev.model = "openai:test";
    ev.n = 10;
    ev.temperature = 0.8;
    send(v, ev);
    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    ev.nkind = NODE_ROOT;
    send(v, ev);
    tally_init(&t);
    for (int i = 1; i <= 10; i++) {
        ev = event_make(EV_NODE_ADD);
        ev.node = i;
        ev.parent = 0;
        ev.nkind = NODE_SAMPLE;
        send(v, ev);
        ev = event_make(EV_TEXT);
        ev.node = i;
        ev.ch = i % 2 ? CH_THINKING : CH_ANSWER;
        ev.text = "Start with 45. Sell 12: 45 - 12 = 33. Bake 30: 33 + 30 = 63. "
                  "Sell 18: 63 - 18 = 45. \xe4\xb8\xad\xe6\x96\x87 \x1b[31m\n";
        send(v, ev);
        ev.ch = CH_ANSWER;
        ev.text = "The answer is 45.";
        send(v, ev);
        ev = event_make(EV_STATUS);
        ev.node = i;
        ev.status = NS_DONE;
        ev.answer = ans[i - 1];
        send(v, ev);
        if (i == 2) {               /* the checker found sample 2's slip */
            ev = event_make(EV_SCORE);
            ev.node = i;
            ev.scores.has = SCORE_CHECK;
            ev.scores.check = CHECK_WRONG;
            ev.text = "Step 3: 63 - 18 = 44 \xe2\x9c\x97, 63 - 18 = 45";
            send(v, ev);
        }
        tally_add(&t, ans[i - 1]);
        ev = event_make(EV_VOTE);
        ev.node = i;
        ev.answer = ans[i - 1];
        ev.votes = t;
        ev.has_votes = 1;
        send(v, ev);
    }
    ev = event_make(EV_DONE);
    ev.run = RUN_OK;
    ev.answer = "45";
    ev.votes = t;
    ev.has_votes = 1;
    ev.confidence = 0.6;
    ev.elapsed_ms = 1234;
    send(v, ev);
    tally_done(&t);
}

/* The screen as UTF-8 text, one line per row. */
static void grab(char *buf, size_t cap)
{
    size_t o = 0;
    for (int y = 0; y < LINES; y++) {
        for (int x = 0; x < COLS; x++) {
            cchar_t cc;
            wchar_t wc[CCHARW_MAX + 1];
            attr_t a;
            short pair;
            char mb[16];
            mvin_wch(y, x, &cc);
            if (getcchar(&cc, wc, &a, &pair, NULL) == ERR || !wc[0]) continue;
            int n = (int)wcrtomb(mb, wc[0], NULL);
            if (n > 0 && o + (size_t)n + 2 < cap) { memcpy(buf + o, mb, (size_t)n); o += (size_t)n; }
        }
        if (o + 2 < cap) buf[o++] = '\n';
    }
    buf[o] = 0;
}

static void draw_at(ui_screen *s, view *v, int cols, int rows)
{
    resizeterm(rows, cols);
    screen_layout(s, cols, rows, 1);
    screen_draw(s, v, 2.0);
}

static void test_80x24(void **state)
{
    (void)state;
    static char text[64 * 1024];
    ui_screen s;
    view v;
    sc_run(&v);
    screen_init(&s, 1);
    s.model = "openai:test";
    s.strategy = "sc";
    s.strategy_traits = STRAT_USES_N | STRAT_VOTES;
    s.n = 10;
    s.temperature = 0.8;
    draw_at(&s, &v, 80, 24);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Thinking \xe2\x80\x94 sample 1/10"));
    assert_non_null(strstr(text, "Answer  45   (6 of 10 votes, 60%)"));
    /* agreement with the vote has its own sign; ✓/✗ are the checker's */
    assert_non_null(strstr(text, "= agrees with the vote"));
    assert_null(strstr(text, "\xe2\x9c\x93 agrees"));
    assert_non_null(strstr(text, "  6  60%"));
    assert_non_null(strstr(text, "  2  20%"));
    assert_non_null(strstr(text, "problem>"));
    assert_non_null(strstr(text, "sc n=10 T=0.8"));
    assert_non_null(strstr(text, "\xe2\x94\x8c"));          /* ┌ */
    assert_null(strstr(text, "\x1b"));                      /* no escape reached the screen */
    /* a thinking model's thinking folds once the answer starts... */
    assert_non_null(strstr(text, "\xe2\x96\xb8 thought for "));
    assert_non_null(strstr(text, "F12 opens"));
    /* ...and the key opens it */
    v.think_open = 1;
    draw_at(&s, &v, 80, 24);
    grab(text, sizeof text);
    assert_null(strstr(text, "thought for "));
    assert_non_null(strstr(text, "\xef\xbf\xbd"));          /* the escape became U+FFFD */

    view_cycle(&v, 1);                                      /* sample 2 voted 44 */
    draw_at(&s, &v, 80, 24);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "\xe2\x89\xa0 differs from the vote (45)"));   /* ≠ */
    assert_null(strstr(text, "\xe2\x9c\x97 differs"));
    /* the thinking pane marks where the chain went wrong */
    assert_non_null(strstr(text, "\xe2\x9c\x97 Step 3: 63 - 18 = 44"));

    /* narrow: tabs and a one-line answer */
    draw_at(&s, &v, 40, 12);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Thinking"));
    assert_non_null(strstr(text, "Votes"));
    assert_non_null(strstr(text, "Answer: 45  (6/10, 60%)"));
    assert_non_null(strstr(text, "Step 3: 63 - 18"));
    /* the chain overfills the smallest pane: its mark still shows, over the end */
    draw_at(&s, &v, 40, 10);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Step 3: 63 - 18"));

    draw_at(&s, &v, 10, 4);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "too small"));

    /* 20x6: the sizes, and the problem line on the last row */
    draw_at(&s, &v, 20, 6);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "terminal too small"));
    assert_non_null(strstr(text, "40x10"));
    assert_non_null(strstr(text, "this is 20x6"));
    assert_non_null(strstr(text, "problem>"));
    assert_null(strstr(text, "\xe2\x94"));                  /* no borders */

    /* ASCII borders */
    screen_done(&s);
    screen_init(&s, 0);
    s.strategy = "sc";
    s.strategy_traits = STRAT_USES_N | STRAT_VOTES;
    draw_at(&s, &v, 80, 24);
    grab(text, sizeof text);
    assert_true(text[0] == '+');
    assert_null(strstr(text, "\xe2\x94"));                  /* no box-drawing characters */
    screen_done(&s);
    view_done(&v);
}

/* Every size, each overlay, both glyph sets: nothing may crash or write
 * outside the screen (ASan watches the second part). */
static void test_every_size(void **state)
{
    (void)state;
    static char text[64 * 1024];
    ui_screen s;
    view v;
    sc_run(&v);
    for (int utf8 = 0; utf8 <= 1; utf8++) {
        screen_init(&s, utf8);
        s.strategy = "sc";
        s.strategy_traits = STRAT_USES_N | STRAT_VOTES;
        s.model = "openai:a-rather-long-model-name-for-the-status-line";
        s.n = 10;
        s.temperature = 0.8;
        for (int o = 0; o < 3; o++) {
            if (o == 1) screen_overlay(&s, OVERLAY_HELP, "Keys", NULL);
            if (o == 2) screen_overlay(&s, OVERLAY_TEXT, "Prompt",
                                       strdup("[system] You are a tutor.\n[user] A bakery..."));
            for (int cols = 1; cols <= 130; cols += (cols < 30 ? 1 : 7))
                for (int rows = 1; rows <= 45; rows += (rows < 16 ? 1 : 5)) {
                    s.tab = (layout_tab)((cols + rows) % TAB__COUNT);
                    s.quit_prompt = (cols + rows) % 5 == 0;
                    draw_at(&s, &v, cols, rows);
                    /* what must show at every size that fits the layout:
                     * the overlay's title, else the quit question, else
                     * the problem line */
                    if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS)
                        continue;
                    grab(text, sizeof text);
                    const char *want = o == 1 ? "Keys" : o == 2 ? "Prompt"
                                     : s.quit_prompt ? "Quit" : "problem>";
                    if (!strstr(text, want))
                        fail_msg("%dx%d, overlay %d: no \"%s\" on\n%s", cols, rows, o, want,
                                 text);
                }
        }
        screen_done(&s);
    }
    view_done(&v);
    /* before any run, and a run that failed before its first node */
    view_init(&v);
    screen_init(&s, 1);
    draw_at(&s, &v, 80, 24);
    view_reset(&v, 0);
    event ev = event_make(EV_ERROR);
    ev.text = "openai: could not connect";
    send(&v, ev);
    ev = event_make(EV_DONE);
    ev.run = RUN_FAILED;
    send(&v, ev);
    for (int cols = 1; cols < 90; cols += 3) draw_at(&s, &v, cols, 24);
    screen_done(&s);
    view_done(&v);
}

static void apply_ev(void *ud, const event *ev) { view_apply(ud, ev, 1.0); }

/* A tree-search run: the side pane becomes the tree, wider. */
static void test_tree_pane(void **state)
{
    (void)state;
    static char text[64 * 1024];
    ui_screen s;
    view v;
    view_init(&v);
    view_reset(&v, 0.5);
    tree_run(apply_ev, &v, 1);
    screen_init(&s, 1);
    s.strategy = "tot";
    s.strategy_traits = STRAT_USES_N | STRAT_TREE | STRAT_STEPS;
    draw_at(&s, &v, 100, 30);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Tree \xe2\x80\x94 9 nodes"));
    assert_non_null(strstr(text, "13 - 10 = 3 (left: 3 4 4) v=41"));
    assert_non_null(strstr(text, "Ctrl-T: explore"));
    assert_null(strstr(text, "Votes"));
    assert_non_null(strstr(text, "Answer  19"));
    assert_true(s.lay.side.w > 30);                         /* wider than the votes column */
    /* tree focus: the title says so, and Enter's path fills the Thinking pane */
    v.tree.focus = 1;
    v.path_node = 5;
    draw_at(&s, &v, 100, 30);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Tree \xe2\x80\x94 keys here"));
    assert_non_null(strstr(text, "Path to node 5"));
    assert_non_null(strstr(text, "Step 2: 5\xc2\xb2 = 10   \xe2\x9c\x97 5\xc2\xb2 = 25"));
    /* a search typed on the status line */
    v.tree.searching = 1;
    snprintf(v.tree.search, sizeof v.tree.search, "left");
    draw_at(&s, &v, 100, 30);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "find in tree: left"));
    v.tree.searching = 0;
    /* narrow: the side tab is the tree */
    draw_at(&s, &v, 40, 12);
    grab(text, sizeof text);
    assert_non_null(strstr(text, " Tree "));
    s.tab = TAB_SIDE;
    draw_at(&s, &v, 40, 12);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "13 - 10 = 3"));
    screen_done(&s);
    view_done(&v);
}

/* A tree that also votes (weighted): votes under the tree when there is
 * room, one or the other when not, and a Tree tab of its own when narrow. */
static void test_tree_and_votes(void **state)
{
    (void)state;
    static char text[64 * 1024];
    ui_screen s;
    view v;
    event ev;
    tally t;
    view_init(&v);
    view_reset(&v, 0.5);
    tree_run(apply_ev, &v, 1);
    tally_init(&t);
    tally_add_weighted(&t, "19", 2.41);
    tally_add_weighted(&t, "19", 0.5);
    tally_add_weighted(&t, "24", 1.2);
    ev = event_make(EV_VOTE);
    ev.node = 6;
    ev.answer = "19";
    ev.votes = t;
    ev.has_votes = 1;
    view_apply(&v, &ev, 1.0);
    tally_done(&t);
    screen_init(&s, 1);
    s.strategy = "mcts";
    s.strategy_traits = STRAT_USES_N | STRAT_TREE | STRAT_STEPS;
    draw_at(&s, &v, 120, 40);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Tree \xe2\x80\x94 9 nodes"));
    assert_non_null(strstr(text, "Votes"));
    assert_non_null(strstr(text, "2 votes, weight 2.91"));
    assert_non_null(strstr(text, "1 vote, weight 1.20"));
    assert_true(strstr(text, "2 votes, weight 2.91") < strstr(text, "1 vote, weight 1.20"));
    /* too short for both: the tree, or the votes after 't' */
    draw_at(&s, &v, 100, 18);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Tree \xe2\x80\x94"));
    assert_null(strstr(text, "weight 2.91"));
    v.tree.show_votes = 1;
    draw_at(&s, &v, 100, 18);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "weight 2.91"));
    /* 40x12: Thinking, Answer, Votes and Tree tabs */
    draw_at(&s, &v, 40, 12);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "Thinking"));
    assert_non_null(strstr(text, "Votes"));
    assert_non_null(strstr(text, "Tree"));
    s.tab = screen_next_tab(&s);
    s.tab = screen_next_tab(&s);
    s.tab = screen_next_tab(&s);
    assert_int_equal(s.tab, TAB_TREE);
    draw_at(&s, &v, 40, 12);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "13 - 10"));
    s.tab = screen_next_tab(&s);
    assert_int_equal(s.tab, TAB_THINKING);
    /* every size, every tab, both glyph sets */
    for (int utf8 = 0; utf8 <= 1; utf8++) {
        screen_done(&s);
        screen_init(&s, utf8);
        for (int cols = 1; cols <= 130; cols += (cols < 30 ? 1 : 9))
            for (int rows = 1; rows <= 45; rows += (rows < 16 ? 1 : 6)) {
                s.tab = (layout_tab)((cols + rows) % TAB__COUNT);
                v.tree.compact = (cols + rows) % 3 == 0;
                v.tree.focus = (cols + rows) % 2;
                draw_at(&s, &v, cols, rows);
            }
    }
    screen_done(&s);
    view_done(&v);
}

/* The help overlay lists every strategy of the registry under Ctrl-S
 * (it once named 4 of the 8), and no key reads "**". */
static void test_help_overlay(void **state)
{
    (void)state;
    ui_screen s;
    view v;
    char text[16384];
    view_init(&v);
    tui_help_init();
    screen_init(&s, 1);
    screen_overlay(&s, OVERLAY_HELP, "Keys", NULL);
    draw_at(&s, &v, 100, 60);
    grab(text, sizeof text);
    assert_non_null(strstr(text, "switch strategy"));
    for (int i = 0; strategy_at(i); i++) {
        char word[40];
        snprintf(word, sizeof word, " %s", strategy_at(i)->name);
        if (!strstr(text, word)) fail_msg("help lacks %s:\n%s", word, text);
    }
    assert_non_null(strstr(text, "F11, (*)"));
    assert_null(strstr(text, "**"));
    assert_non_null(strstr(text, "Alt-L"));
    screen_done(&s);
    view_done(&v);
}

/* The message log keeps every message whole, oldest first, without
 * repeats, and only the newest MSGLOG_CAP. */
static void test_message_log(void **state)
{
    (void)state;
    msglog l;
    view v;
    char *t;
    msglog_init(&l);
    view_init(&v);
    v.msgs = &l;
    view_message(&v, ROLE_STATUS, 1.0, 6, "%s", "first");
    view_message(&v, ROLE_STATUS, 1.0, 6, "%s", "first");    /* a repeat */
    view_reset(&v, 2.0);                                       /* outlives the run */
    view_message(&v, ROLE_STATUS_ERROR, 2.0, 6, "a long notice %s", "that the status line cuts");
    assert_int_equal(msglog_count(&l), 2);
    t = msglog_text(&l);
    assert_non_null(strstr(t, "first"));
    assert_non_null(strstr(t, "a long notice that the status line cuts"));
    assert_true(strstr(t, "first") < strstr(t, "a long notice"));
    free(t);
    for (int i = 0; i < MSGLOG_CAP + 5; i++) {
        char m[16];
        snprintf(m, sizeof m, "m%d", i);
        msglog_add(&l, ROLE_STATUS, 0, m);
    }
    assert_int_equal(msglog_count(&l), MSGLOG_CAP);
    assert_string_equal(msglog_at(&l, 0)->text, "m5");
    assert_string_equal(msglog_at(&l, MSGLOG_CAP - 1)->text, "m204");
    view_done(&v);
    msglog_done(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_80x24),
        cmocka_unit_test(test_help_overlay),
        cmocka_unit_test(test_message_log),
        cmocka_unit_test(test_every_size),
        cmocka_unit_test(test_tree_pane),
        cmocka_unit_test(test_tree_and_votes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
