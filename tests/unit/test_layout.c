/* test_layout: pane rectangles for every terminal size from 1x1 up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/layout.h"

static int empty(ui_rect r) { return r.w == 0 || r.h == 0; }

static int inside(ui_rect r, int cols, int rows)
{
    return empty(r) || (r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 &&
                        r.x + r.w <= cols && r.y + r.h <= rows);
}

static int overlap(ui_rect a, ui_rect b)
{
    if (empty(a) || empty(b)) return 0;
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void test_modes(void **state)
{
    (void)state;
    layout l;
    layout_compute(&l, 80, 24, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_FULL);
    layout_compute(&l, 120, 40, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_FULL);
    layout_compute(&l, 40, 12, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_TABS);
    layout_compute(&l, 40, 10, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_TABS);
    layout_compute(&l, 39, 24, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_TINY);
    layout_compute(&l, 80, 9, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_TINY);
    /* too small for panes, but the problem line keeps the last row */
    layout_compute(&l, 20, 6, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_TINY);
    assert_int_equal(l.input.y, 5);
    assert_int_equal(l.input.w, 20);
    assert_int_equal(l.status.w, 0);
    layout_compute(&l, 19, 6, 1, TAB_THINKING);
    assert_int_equal(l.input.w, 0);
    layout_compute(&l, 0, 0, 1, TAB_THINKING);
    assert_int_equal(l.mode, LAYOUT_TINY);
}

static void test_80x24(void **state)
{
    (void)state;
    layout l;
    layout_compute(&l, 80, 24, 1, TAB_THINKING);
    assert_int_equal(l.status.y, 23);
    assert_int_equal(l.input.y, 22);
    assert_int_equal(l.status.w, 80);
    assert_int_equal(l.thinking.x, 0);
    assert_int_equal(l.thinking.y, 0);
    /* the answer box shares the thinking box's bottom border */
    assert_int_equal(l.answer.y, l.thinking.y + l.thinking.h - 1);
    assert_int_equal(l.answer.y + l.answer.h, 22);
    assert_true(l.answer.h >= 4);                   /* room for 2+ lines */
    assert_int_equal(l.side.x, l.thinking.w);
    assert_int_equal(l.side.x + l.side.w, 80);
    assert_int_equal(l.side.h, 22);
    assert_true(l.side.w >= 22);
    assert_true(l.thinking.w >= 50);
    /* no side pane: thinking takes the width */
    layout_compute(&l, 80, 24, 0, TAB_SIDE);
    assert_true(empty(l.side));
    assert_int_equal(l.thinking.w, 80);
}

static void test_tabs(void **state)
{
    (void)state;
    layout l;
    layout_compute(&l, 40, 12, 1, TAB_SIDE);
    assert_int_equal(l.tab, TAB_SIDE);
    assert_true(empty(l.thinking));
    assert_true(empty(l.answer));
    assert_int_equal(l.side.y, 1);
    assert_int_equal(l.side.h, 8);
    assert_int_equal(l.tabs.y, 0);
    assert_int_equal(l.answer_line.y, 9);
    layout_compute(&l, 40, 12, 0, TAB_SIDE);        /* no side tab: falls back */
    assert_int_equal(l.tab, TAB_THINKING);
    assert_false(empty(l.thinking));
    assert_int_equal(layout_next_tab(TAB_THINKING, 1), TAB_ANSWER);
    assert_int_equal(layout_next_tab(TAB_ANSWER, 1), TAB_SIDE);
    assert_int_equal(layout_next_tab(TAB_SIDE, 1), TAB_THINKING);
    assert_int_equal(layout_next_tab(TAB_ANSWER, 0), TAB_THINKING);
}

/* Every size up to 250x80: all rects on screen, nothing overlapping but the
 * shared border, input and status on the last two rows. */
static void test_sweep(void **state)
{
    (void)state;
    for (int cols = 0; cols <= 250; cols++)
        for (int rows = 0; rows <= 80; rows++)
            for (int side = 0; side <= 7; side++)
                for (int tab = 0; tab < TAB__COUNT; tab++) {
                    layout l;
                    layout_compute(&l, cols, rows, side, (layout_tab)tab);
                    if (l.mode == LAYOUT_TINY) {
                        assert_true(cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS);
                        if (l.input.w) {
                            assert_true(inside(l.input, cols, rows));
                            assert_int_equal(l.input.y, rows - 1);
                        }
                        continue;
                    }
                    ui_rect all[] = { l.thinking, l.answer, l.side, l.tabs,
                                      l.answer_line, l.input, l.status };
                    int n = (int)(sizeof all / sizeof all[0]);
                    for (int i = 0; i < n; i++) {
                        assert_true(inside(all[i], cols, rows));
                        for (int j = i + 1; j < n; j++) {
                            if (i == 0 && j == 1 && l.mode == LAYOUT_FULL) continue;
                            assert_false(overlap(all[i], all[j]));
                        }
                    }
                    assert_int_equal(l.status.y, rows - 1);
                    assert_int_equal(l.input.y, rows - 2);
                    if (l.mode == LAYOUT_FULL) {
                        assert_int_equal(l.answer.y, l.thinking.y + l.thinking.h - 1);
                        assert_true(layout_has_border(l.thinking));
                        assert_true(layout_inner(l.thinking).h >= 3);
                        assert_true(layout_inner(l.answer).h >= 2);
                    } else {
                        int shown = !empty(l.thinking) + !empty(l.answer) + !empty(l.side);
                        assert_int_equal(shown, 1);
                    }
                }
}

static void test_inner(void **state)
{
    (void)state;
    ui_rect r = { 2, 3, 10, 5 }, in = layout_inner(r);
    assert_int_equal(in.x, 3); assert_int_equal(in.y, 4);
    assert_int_equal(in.w, 8); assert_int_equal(in.h, 3);
    ui_rect flat = { 0, 0, 10, 2 };                 /* too short for a border */
    assert_false(layout_has_border(flat));
    in = layout_inner(flat);
    assert_int_equal(in.h, 2);
}

/* Scroll limits are the layout's, settled at draw time from what keys
 * asked for: the handlers never read a limit a frame computed. */
static void test_scroll(void **state)
{
    (void)state;
    int follow = 1;
    /* 100 lines in 10 rows, following: up one line leaves the end */
    assert_int_equal(layout_scroll(100, 10, 0, &follow, -1), 89);
    assert_int_equal(follow, 0);
    /* down past the end follows again */
    assert_int_equal(layout_scroll(100, 10, 89, &follow, 5), 90);
    assert_int_equal(follow, 1);
    /* up past the start stops at 0 */
    follow = 0;
    assert_int_equal(layout_scroll(100, 10, 3, &follow, -50), 0);
    assert_int_equal(follow, 0);
    /* a stale top beyond the end (text got shorter) is clamped first */
    assert_int_equal(layout_scroll(20, 10, 50, &follow, -1), 9);
    /* nothing hidden: always follows */
    follow = 0;
    assert_int_equal(layout_scroll(5, 10, 0, &follow, -3), 0);
    assert_int_equal(follow, 1);
    /* a page keeps one row of overlap; tiny panes still move */
    assert_int_equal(layout_page_step(10), 9);
    assert_int_equal(layout_page_step(2), 1);
    assert_int_equal(layout_page_step(0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_80x24),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_inner),
        cmocka_unit_test(test_scroll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
