/* layout: where each pane goes, as a pure function of the terminal size.
 *
 *   full  (>= 60x14): Thinking over Answer on the left, the side pane
 *                     (votes, the run's tree, or both) on the right;
 *   tabs  (>= 40x10): one pane at a time under a tab bar, plus a one-line
 *                     answer strip; a run with a tree and votes gets a
 *                     Tree tab beside the side (Votes) tab;
 *   tiny:             a "terminal too small" message over the problem
 *                     line (the last row, when at least LAYOUT_TINY_INPUT
 *                     columns and 3 rows), so typing and keys go on.
 *
 * Otherwise the input row and the status row are the last two rows. */
#ifndef PONDER_UI_LAYOUT_H
#define PONDER_UI_LAYOUT_H

typedef struct { int x, y, w, h; } ui_rect;

typedef enum { LAYOUT_FULL, LAYOUT_TABS, LAYOUT_TINY } layout_mode;
typedef enum { TAB_THINKING, TAB_ANSWER, TAB_SIDE, TAB_TREE, TAB__COUNT } layout_tab;

/* What the side column holds: want_side flags. */
enum { LAYOUT_SIDE = 1,         /* a side pane (and its tab) exists */
       LAYOUT_TREE_TAB = 2,     /* tabs mode: a separate Tree tab */
       LAYOUT_WIDE_SIDE = 4 };  /* full mode: a wider side column, for a tree */

enum { LAYOUT_MIN_COLS = 40, LAYOUT_MIN_ROWS = 10,
       LAYOUT_FULL_COLS = 60, LAYOUT_FULL_ROWS = 14,
       LAYOUT_TINY_INPUT = 20 };

typedef struct {
    layout_mode mode;
    int cols, rows;
    layout_tab tab;         /* the pane shown in tabs mode */
    /* Empty rects (w or h 0) are not shown. In full mode the answer box's
     * top border is the thinking box's bottom row: answer.y ==
     * thinking.y + thinking.h - 1. Nothing else overlaps. */
    ui_rect thinking, answer, side;   /* side: also the Tree tab's pane */
    ui_rect tabs, answer_line;  /* tabs mode only */
    ui_rect input, status;      /* tiny mode: input only, maybe empty */
} layout;

/* want_side: LAYOUT_* flags; 0 hides the side pane (and its tab). */
void layout_compute(layout *l, int cols, int rows, int want_side, layout_tab tab);
/* Whether tab t exists under want_side. */
int layout_tab_shown(layout_tab t, int want_side);
/* The next tab in tabs mode, skipping tabs that do not exist. */
layout_tab layout_next_tab(layout_tab t, int want_side);
/* The inside of a bordered box; a box too small for borders is all inside. */
ui_rect layout_inner(ui_rect r);
int layout_has_border(ui_rect r);

/* Settles a scrolled pane at draw time, from what the keys asked for: the
 * first line shown of `lines` lines in a pane `page` rows high. top is
 * where it was; delta the lines asked for since. Moving down onto the end
 * (or a pane with nothing hidden) follows the stream again; moving up
 * stops following. Handlers never read this result, so no key acts on a
 * limit a frame computed. */
int layout_scroll(int lines, int page, int top, int *follow, int delta);
/* The lines one page-key moves in a pane page rows high: one row of
 * overlap. */
int layout_page_step(int page);

#endif
