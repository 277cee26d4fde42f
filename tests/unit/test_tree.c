/* test_tree: the tree pane's model (rows, collapse, cursor moves, follow,
 * search, the path text) and its drawing into an off-screen terminal:
 * detailed and compact, Unicode and ASCII, wide characters cut to fit, and
 * a 5,000-node tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "tests/fixtures/tree_run.h"
#include "ui/curses.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/tree.h"
#include "ui/view.h"

static FILE *out, *in;
static SCREEN *scr;

static int setup(void **state)
{
    (void)state;
    theme th;
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
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    return 0;
}

static double clock_now = 1.0;

static void apply(void *ud, const event *ev) { view_apply(ud, ev, clock_now); }

static void tree_view_run(view *v, int done)
{
    view_init(v);
    view_reset(v, 0.5);
    tree_run(apply, v, done);
    tree_sync(&v->tree, &v->tr);
}

/* Row i of the screen as UTF-8. */
static const char *screen_row(int y, char *buf, size_t cap)
{
    size_t o = 0;
    for (int x = 0; x < COLS; x++) {
        cchar_t cc;
        wchar_t wc[CCHARW_MAX + 1];
        attr_t a;
        short pair;
        char mb[16];
        mvin_wch(y, x, &cc);
        if (getcchar(&cc, wc, &a, &pair, NULL) == ERR || !wc[0]) continue;
        int n = (int)wcrtomb(mb, wc[0], NULL);
        if (n > 0 && o + (size_t)n + 1 < cap) { memcpy(buf + o, mb, (size_t)n); o += (size_t)n; }
        if (wcwidth(wc[0]) == 2) x++;       /* the next cell is its right half */
    }
    while (o > 0 && buf[o - 1] == ' ') o--;
    buf[o] = 0;
    return buf;
}

static void draw(view *v, int cols, int rows, int utf8, double now)
{
    resizeterm(rows, cols);
    erase();
    tree_draw(&v->tree, &v->tr, (ui_rect){ 0, 0, cols, rows }, utf8, 0, now);
}

static void assert_rows(const tree_view *tv, const int *want, int n)
{
    assert_int_equal(tv->n_rows, n);
    for (int i = 0; i < n; i++) assert_int_equal(tv->rows[i], want[i]);
}

static void test_rows_and_collapse(void **state)
{
    (void)state;
    view v;
    static const int all[] = { 0, 1, 4, 6, 5, 2, 8, 3, 7 };
    static const int folded[] = { 0, 1, 2, 8, 3, 7 };
    tree_view_run(&v, 1);
    assert_true(tree_wanted(&v.tr));
    assert_true(view_has_tree(&v));
    assert_rows(&v.tree, all, 9);
    assert_int_equal(v.tree.row_of[6], 3);
    v.tree.cursor = 1;
    assert_int_equal(tree_toggle(&v.tree, &v.tr), 1);
    assert_rows(&v.tree, folded, 6);
    assert_int_equal(v.tree.row_of[6], -1);
    /* a cursor inside a collapsed subtree sits on its shown ancestor */
    v.tree.cursor = 6;
    assert_int_equal(tree_cursor_row(&v.tree, &v.tr), 1);
    assert_int_equal(tree_toggle(&v.tree, &v.tr), 1);     /* toggles node 1, the one shown */
    assert_rows(&v.tree, all, 9);
    v.tree.cursor = 7;                                     /* a leaf: nothing to fold */
    assert_int_equal(tree_toggle(&v.tree, &v.tr), 0);
    /* moving into a collapsed node's children opens it */
    v.tree.cursor = 1;
    tree_toggle(&v.tree, &v.tr);
    assert_int_equal(tree_move_child(&v.tree, &v.tr), 1);
    assert_int_equal(v.tree.cursor, 4);
    tree_sync(&v.tree, &v.tr);
    assert_rows(&v.tree, all, 9);
    view_done(&v);
}

static void test_moves(void **state)
{
    (void)state;
    view v;
    tree_view_run(&v, 1);
    tree_move_home(&v.tree, &v.tr);
    assert_int_equal(v.tree.cursor, 0);
    assert_true(v.tree.user_moved);
    assert_int_equal(tree_move_parent(&v.tree, &v.tr), 0);   /* the root has none */
    tree_move_rows(&v.tree, &v.tr, 1);
    assert_int_equal(v.tree.cursor, 1);
    tree_move_child(&v.tree, &v.tr);
    assert_int_equal(v.tree.cursor, 4);
    assert_int_equal(tree_move_sibling(&v.tree, &v.tr, 1), 1);
    assert_int_equal(v.tree.cursor, 5);
    assert_int_equal(tree_move_sibling(&v.tree, &v.tr, 1), 0);  /* the last sibling */
    assert_int_equal(tree_move_child(&v.tree, &v.tr), 0);       /* a leaf */
    tree_move_sibling(&v.tree, &v.tr, -1);
    assert_int_equal(v.tree.cursor, 4);
    tree_move_parent(&v.tree, &v.tr);
    assert_int_equal(v.tree.cursor, 1);
    tree_move_sibling(&v.tree, &v.tr, 2);
    assert_int_equal(v.tree.cursor, 3);
    tree_move_end(&v.tree, &v.tr);
    assert_int_equal(v.tree.cursor, 7);
    tree_move_rows(&v.tree, &v.tr, -3);                  /* PgUp by a page of 3 */
    assert_int_equal(v.tree.cursor, 2);
    tree_move_rows(&v.tree, &v.tr, 100);                 /* PgDn past the end */
    assert_int_equal(v.tree.cursor, 7);
    tree_move_rows(&v.tree, &v.tr, -100);
    assert_int_equal(v.tree.cursor, 0);
    view_done(&v);
}

static void test_follow(void **state)
{
    (void)state;
    view v;
    event ev;
    tree_view_run(&v, 0);
    assert_int_equal(v.tree.cursor, 8);                  /* the newest node */
    assert_false(v.tree.user_moved);
    tree_run_status(apply, &v, 7, NS_STREAMING, NULL);   /* the run works on 7 */
    assert_int_equal(v.tree.cursor, 7);
    assert_int_equal(view_focus(&v), 7);                 /* Thinking shows it too */
    tree_move_home(&v.tree, &v.tr);                      /* the user takes over */
    tree_run_add(apply, &v, 9, 7, NODE_STEP, "24 = 24");
    tree_run_status(apply, &v, 9, NS_STREAMING, NULL);
    assert_int_equal(v.tree.cursor, 0);
    /* a new run follows again; compact mode is kept */
    v.tree.compact = 1;
    view_reset(&v, 2.0);
    assert_false(v.tree.user_moved);
    assert_true(v.tree.compact);
    assert_int_equal(v.log.n, 0);                        /* and the event log restarts */
    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    view_apply(&v, &ev, 2.0);
    assert_int_equal(v.log.n, 1);
    assert_int_equal(v.tree.cursor, 0);
    view_done(&v);
}

static void test_search(void **state)
{
    (void)state;
    view v;
    tree_view_run(&v, 1);
    v.tree.cursor = 0;
    v.tree.cursor = 1;
    tree_toggle(&v.tree, &v.tr);                         /* hide 4, 5, 6 */
    snprintf(v.tree.search, sizeof v.tree.search, "ADD WHAT");   /* node 6's thinking */
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 1);
    assert_int_equal(v.tree.cursor, 6);
    assert_int_equal(v.tree.row_of[6], 3);               /* its ancestors were opened */
    snprintf(v.tree.search, sizeof v.tree.search, "left:");
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 1);
    assert_int_equal(v.tree.cursor, 2);                  /* next after 6 in row order */
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 1);
    assert_int_equal(v.tree.cursor, 3);
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 1); /* wraps around */
    assert_int_equal(v.tree.cursor, 1);
    snprintf(v.tree.search, sizeof v.tree.search, "no such text");
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 0);
    assert_int_equal(v.tree.cursor, 1);
    v.tree.search[0] = 0;
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 0);
    view_done(&v);
}

static void test_path_text(void **state)
{
    (void)state;
    view v;
    char *p;
    tree_view_run(&v, 1);
    p = tree_path_text(&v.tr, 6, 1);
    assert_non_null(p);
    assert_true(strncmp(p, "Problem: " TREE_RUN_PROBLEM "\n", 9 + strlen(TREE_RUN_PROBLEM) + 1) == 0);
    assert_non_null(strstr(p, "\nStep 1: 13 - 10 = 3 (left: 3 4 4)\n"));
    assert_non_null(strstr(p, "\nStep 2: 4 * 4 = 16 (left: 3 16)   \xe2\x9c\x93\n"));
    assert_non_null(strstr(p, "\nStep 3: 16 + 3 = 19\n"));
    assert_non_null(strstr(p, "\nAnswer: 19\n"));
    assert_non_null(strstr(p, "Add what is left."));
    assert_true(strstr(p, "Step 1") < strstr(p, "Step 2"));
    free(p);
    p = tree_path_text(&v.tr, 5, 0);
    assert_non_null(strstr(p, "\nStep 2: 5\xc2\xb2 = 10   x 5\xc2\xb2 = 25   (pruned)\n"));
    free(p);
    assert_null(tree_path_text(&v.tr, 99, 1));
    view_done(&v);
}

static void test_draw_detailed(void **state)
{
    (void)state;
    view v;
    char row[512];
    tree_view_run(&v, 1);
    v.tree.cursor = 0;
    draw(&v, 60, 12, 1, 5.0);
    assert_non_null(strstr(screen_row(0, row, sizeof row), "Use 4 4 10 13"));
    screen_row(1, row, sizeof row);
    assert_non_null(strstr(row, "\xe2\x94\x9c\xe2\x94\x80\xe2\x97\x8f 13 - 10 = 3 (left: 3 4 4) v=41"));
    screen_row(2, row, sizeof row);
    assert_non_null(strstr(row, "\xe2\x94\x82 \xe2\x94\x9c\xe2\x94\x80"));          /* │ ├─ */
    assert_non_null(strstr(row, "4 * 4 = 16 (left: 3 16) \xe2\x9c\x93 v=40 p=0.91"));
    screen_row(3, row, sizeof row);
    assert_non_null(strstr(row, "\xe2\x94\x94\xe2\x94\x80"));                       /* └─ */
    assert_non_null(strstr(row, "16 + 3 = 19 \xe2\x86\x92 19"));
    screen_row(4, row, sizeof row);
    assert_non_null(strstr(row, "5\xc2\xb2 = 10 \xe2\x9c\x97 p=0.12"));
    screen_row(6, row, sizeof row);
    assert_non_null(strstr(row, "say \"hi\" \\ back"));                             /* first line only */
    screen_row(8, row, sizeof row);
    assert_non_null(strstr(row, "6 * 4 = 24 N=12 Q=0.61"));
    assert_string_equal(screen_row(9, row, sizeof row), "");

    /* ASCII: the same tree with |- `- and no Unicode at all */
    draw(&v, 60, 12, 0, 5.0);
    screen_row(1, row, sizeof row);
    assert_non_null(strstr(row, "|-@ 13 - 10 = 3"));
    screen_row(3, row, sizeof row);
    assert_non_null(strstr(row, "| | `-"));
    assert_non_null(strstr(row, "-> 19"));
    for (int y = 0; y < 12; y++) {
        screen_row(y, row, sizeof row);
        if (y == 4) continue;                            /* the label itself holds a ² */
        for (const char *c = row; *c; c++) assert_true((unsigned char)*c < 0x80 || y == 6);
    }

    /* a short pane scrolls to keep the cursor in view */
    v.tree.cursor = 7;
    draw(&v, 60, 3, 1, 5.0);
    assert_int_equal(v.tree.top, 6);
    assert_non_null(strstr(screen_row(2, row, sizeof row), "6 * 4 = 24"));
    view_done(&v);
}

/* Wide characters are cut to the column, with an ellipsis, never split. */
static void test_wide_labels(void **state)
{
    (void)state;
    view v;
    char row[512];
    tree_view_run(&v, 1);
    tree_run_add(apply, &v, 9, 0, NODE_THOUGHT,
                 "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87"
                 "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87");
    tree_sync(&v.tree, &v.tr);
    v.tree.cursor = 9;
    v.tree.user_moved = 1;
    draw(&v, 14, 4, 1, 99.0);
    for (int y = 0; y < 4; y++) {
        screen_row(y, row, sizeof row);
        assert_true(text_width(row, strlen(row)) <= 14);
        if (strstr(row, "\xe4\xb8\xad")) {
            assert_non_null(strstr(row, "\xe2\x80\xa6"));       /* cut, with … */
            assert_non_null(strstr(row, "\xe4\xb8\xad\xe6\x96\x87"));
        }
    }
    /* every width down to 1: nothing drawn outside the rect */
    for (int w = 1; w < 30; w++) draw(&v, w, 5, w % 2, 99.0);
    view_done(&v);
}

static void test_compact_and_new(void **state)
{
    (void)state;
    view v;
    char row[512];
    clock_now = 10.0;
    tree_view_run(&v, 1);
    clock_now = 1.0;
    v.tree.compact = 1;
    v.tree.cursor = 5;
    draw(&v, 20, 4, 1, 10.2);
    screen_row(0, row, sizeof row);
    /* root, 1 chosen, 4 chosen, 6 chosen, 5 wrong, 2 pruned, 8 pruned, 3, 7 */
    assert_string_equal(row, "\xe2\x80\xa2\xe2\x97\x8f\xe2\x97\x8f\xe2\x97\x8f\xe2\x9c\x97"
                             "\xc3\x97\xc3\x97\xe2\x80\xa2\xe2\x97\x8b");
    assert_non_null(strstr(screen_row(3, row, sizeof row), "5\xc2\xb2 = 10"));  /* the cursor's text */
    /* highlights: everything arrived at 10.0; at 10.2 it is new, at 11.5 not */
    assert_true(tree_next_expiry(&v.tree, &v.tr, 10.2) > 10.2);
    assert_true(tree_next_expiry(&v.tree, &v.tr, 10.2) <= 10.0 + TREE_NEW_S);
    assert_true(tree_next_expiry(&v.tree, &v.tr, 11.5) == 0);
    /* many nodes wrap onto more lines, and scroll with the cursor */
    for (int i = 9; i < 209; i++) tree_run_add(apply, &v, i, 3, NODE_THOUGHT, "x");
    tree_move_end(&v.tree, &v.tr);
    draw(&v, 20, 5, 0, 99.0);
    assert_true(v.tree.top > 0);
    view_done(&v);
}

/* 5,000 nodes: a bushy tree three levels deep plus a long chain; draw,
 * page through, collapse, search. */
static void test_big_tree(void **state)
{
    (void)state;
    view v;
    event ev;
    int id = 1;
    view_init(&v);
    view_reset(&v, 0);
    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    view_apply(&v, &ev, 0);
    while (id < 4000) {
        int parent = id <= 20 ? 0 : id <= 400 ? 1 + (id - 21) % 20 : 21 + (id - 401) % 380;
        char label[64];
        snprintf(label, sizeof label, "step %d: %d + %d = %d", id, id, parent, id + parent);
        tree_run_add(apply, &v, id, parent, NODE_THOUGHT, label);
        tree_run_score(apply, &v, id, (node_scores){ .has = SCORE_VALUE, .value = id % 50 }, NULL);
        tree_run_status(apply, &v, id, id % 3 ? NS_DONE : NS_PRUNED, NULL);
        id++;
    }
    for (; id < 5000; id++) tree_run_add(apply, &v, id, id - 1, NODE_STEP, "chain");
    tree_sync(&v.tree, &v.tr);
    assert_int_equal(v.tree.n_rows, 5000);
    for (int utf8 = 0; utf8 <= 1; utf8++) {
        tree_move_home(&v.tree, &v.tr);
        for (int page = 0; page < 200; page++) {
            draw(&v, 50, 30, utf8, 99.0);
            tree_move_rows(&v.tree, &v.tr, 29);
        }
        draw(&v, 50, 30, utf8, 99.0);
        assert_int_equal(v.tree.cursor, v.tree.rows[4999]);
    }
    v.tree.compact = 1;
    for (int page = 0; page < 20; page++) {
        draw(&v, 50, 30, 1, 99.0);
        tree_move_rows(&v.tree, &v.tr, -300);
    }
    v.tree.compact = 0;
    v.tree.cursor = 1;
    tree_toggle(&v.tree, &v.tr);
    assert_true(v.tree.n_rows < 5000);
    snprintf(v.tree.search, sizeof v.tree.search, "step 4321:");
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 0);    /* the chain is "chain" */
    snprintf(v.tree.search, sizeof v.tree.search, "step 3999:");
    assert_int_equal(tree_find_next(&v.tree, &v.tr), 1);
    assert_int_equal(v.tree.cursor, 3999);
    view_done(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_collapse),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_follow),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_path_text),
        cmocka_unit_test(test_draw_detailed),
        cmocka_unit_test(test_wide_labels),
        cmocka_unit_test(test_compact_and_new),
        cmocka_unit_test(test_big_tree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
