#include "ui/layout.h"

#include <string.h>

static ui_rect rect(int x, int y, int w, int h)
{
    ui_rect r = { x, y, w > 0 ? w : 0, h > 0 ? h : 0 };
    return r;
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

void layout_compute(layout *l, int cols, int rows, int want_side, layout_tab tab)
{
    memset(l, 0, sizeof *l);
    l->cols = cols;
    l->rows = rows;
    if (!layout_tab_shown(tab, want_side))
        tab = TAB_THINKING;
    l->tab = tab;
    if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
        l->mode = LAYOUT_TINY;
        if (cols >= LAYOUT_TINY_INPUT && rows >= 3) l->input = rect(0, rows - 1, cols, 1);
        return;
    }
    l->status = rect(0, rows - 1, cols, 1);
    l->input = rect(0, rows - 2, cols, 1);
    if (cols >= LAYOUT_FULL_COLS && rows >= LAYOUT_FULL_ROWS) {
        int h = rows - 2;
        int sw = !(want_side & LAYOUT_SIDE) ? 0
               : want_side & LAYOUT_WIDE_SIDE ? clamp(cols * 2 / 5, 24, 64)
               : clamp(cols * 3 / 10, 22, 44);
        int lw = cols - sw;
        int ah = clamp(h / 4, 4, 7);        /* answer box, borders included */
        int th = h - ah + 1;                /* + the shared border row */
        l->mode = LAYOUT_FULL;
        l->thinking = rect(0, 0, lw, th);
        l->answer = rect(0, th - 1, lw, ah);
        if (sw) l->side = rect(lw, 0, sw, h);
        return;
    }
    l->mode = LAYOUT_TABS;
    l->tabs = rect(0, 0, cols, 1);
    l->answer_line = rect(0, rows - 3, cols, 1);
    {
        ui_rect main = rect(0, 1, cols, rows - 4);
        if (tab == TAB_THINKING) l->thinking = main;
        else if (tab == TAB_ANSWER) l->answer = main;
        else l->side = main;
    }
}

int layout_tab_shown(layout_tab t, int want_side)
{
    switch (t) {
    case TAB_THINKING: case TAB_ANSWER: return 1;
    case TAB_SIDE: return (want_side & LAYOUT_SIDE) != 0;
    case TAB_TREE: return (want_side & LAYOUT_SIDE) && (want_side & LAYOUT_TREE_TAB);
    case TAB__COUNT: break;
    }
    return 0;
}

layout_tab layout_next_tab(layout_tab t, int want_side)
{
    for (int i = 1; i <= TAB__COUNT; i++) {
        layout_tab n = (layout_tab)(((int)t + i) % TAB__COUNT);
        if (layout_tab_shown(n, want_side)) return n;
    }
    return TAB_THINKING;
}

int layout_has_border(ui_rect r) { return r.w >= 4 && r.h >= 3; }

int layout_scroll(int lines, int page, int top, int *follow, int delta)
{
    int max_top = lines > page ? lines - page : 0;
    top = (*follow ? max_top : top < max_top ? top : max_top) + delta;
    if (top < 0) top = 0;
    if (top >= max_top) {
        *follow = delta > 0 || max_top == 0;
        return max_top;
    }
    *follow = 0;
    return top;
}

int layout_page_step(int page) { return page > 2 ? page - 1 : 1; }

ui_rect layout_inner(ui_rect r)
{
    if (!layout_has_border(r)) return r;
    return rect(r.x + 1, r.y + 1, r.w - 2, r.h - 2);
}
