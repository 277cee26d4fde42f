/* screen: draws one whole frame from the view. Called only by the loop,
 * at most once per pass; handlers never draw.
 *
 * The screen owns what drawing needs to remember between frames: the
 * layout for the current size, the wrapped lines of the Thinking pane
 * (re-wrapped incrementally as text streams in), the scroll positions the
 * last frame settled on, and the overlays. */
#ifndef PONDER_UI_SCREEN_H
#define PONDER_UI_SCREEN_H
#include "ui/layout.h"
#include "ui/text.h"
#include "ui/view.h"

/* OVERLAY_TEXT shows the text given (the prompt, the message log). */
typedef enum { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_TEXT } ui_overlay;

typedef struct {
    wrap_lines lines;
    size_t len;                 /* bytes wrapped so far */
} wrap_cache;

typedef struct {
    layout lay;
    int utf8;                   /* Unicode glyphs (else ASCII) */
    layout_tab tab;
    int want_side;              /* the side pane (and its tab) exists */
    int side_flags;             /* LAYOUT_* flags the layout was made with */
    int cols, rows;

    /* The settings the next solve will use, shown in the status line
     * when no run is going. Borrowed. */
    const char *model, *strategy;
    unsigned strategy_traits;   /* the strategy's STRAT_* traits */
    int n;
    double temperature;
    int task;                   /* 1: Game of 24 */
    const char *think_setting;         /* the --think setting, NULL for the default */
    int insecure;               /* --insecure: always on the status line */
    const char *replay;         /* "replay: FILE · ×2 · paused", or NULL */

    int quit_prompt;            /* "Quit ponder? (y/n)" */
    int search_x;               /* where the tree search's cursor goes */
    int spin;                   /* spinner frame */

    ui_overlay overlay;
    char overlay_title[128];
    char *overlay_text;         /* owned */
    int overlay_top;            /* settled by each frame */
    int overlay_lines, overlay_pages;   /* scrolling asked for since */

    /* Thinking pane: wrapped text of one node at one width. */
    int wrap_node, wrap_width;
    wrap_cache think, answer;
} ui_screen;

void screen_init(ui_screen *s, int utf8);
void screen_done(ui_screen *s);
/* One layout computation for a new size (KEY_RESIZE) or tab. */
void screen_layout(ui_screen *s, int cols, int rows, int want_side);
/* Draws a frame. The view's tree rows are brought up to date and its
 * scroll offset settled, hence the non-const view. A run that grows a
 * tree (or stops having one) changes the layout here. */
void screen_draw(ui_screen *s, view *v, double now);
/* The tab after the current one, among the tabs the last frame had. */
layout_tab screen_next_tab(const ui_screen *s);
/* Forgets what was wrapped for the last run (call when a new one starts). */
void screen_new_run(ui_screen *s);
/* Takes ownership of text (may be NULL for the help overlay). */
void screen_overlay(ui_screen *s, ui_overlay o, const char *title, char *text);
/* Asks the overlay to scroll by lines plus pages; the next frame settles
 * it against what the overlay holds at that size. */
void screen_scroll_overlay(ui_screen *s, int lines, int pages);

/* Panes (ui/panes.c), drawn by screen_draw. */
void pane_thinking(ui_screen *s, view *v, ui_rect r);
void pane_answer(ui_screen *s, const view *v, ui_rect r, int joined);
void pane_answer_line(ui_screen *s, const view *v, ui_rect r);
void pane_side(ui_screen *s, view *v, ui_rect r, double now);

#endif
