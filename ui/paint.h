/* paint: clipped drawing primitives on stdscr, in semantic roles, with
 * Unicode box drawing or its ASCII fallback. Everything the panes draw
 * goes through here, and all text goes through text_fit(), so no control
 * byte ever reaches ncurses. */
#ifndef PONDER_UI_PAINT_H
#define PONDER_UI_PAINT_H
#include <stddef.h>
#include "ui/layout.h"
#include "ui/theme.h"

typedef struct {
    const char *h, *v, *tl, *tr, *bl, *br, *lt, *rt;   /* box */
    const char *bar;                /* a full bar cell */
    const char *const *part;        /* part[1..7]: eighths of a cell, or NULL */
    const char *const *spin;        /* spinner frames */
    int n_spin;
    const char *check, *cross, *dot, *ellipsis, *up, *down, *sep, *dash;
} glyphs;

/* Unicode glyphs when utf8, ASCII otherwise. */
const glyphs *paint_glyphs(int utf8);

/* Draws up to len bytes of UTF-8 at (y, x) in at most w columns. Returns
 * the columns used. */
int paint_text(int y, int x, int w, const char *s, size_t len, ui_role role);
int paint_str(int y, int x, int w, const char *s, ui_role role);
/* printf into a line, then paint_str. */
int paint_fmt(int y, int x, int w, ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void paint_fill(int y, int x, int w, ui_role role);
void paint_clear(ui_rect r, ui_role role);
/* A box with a title in its top border ("┌ Title ───┐"). */
void paint_box(const glyphs *g, ui_rect r, const char *title, ui_role title_role);
/* Text right-aligned in the box's bottom border, or its top border. */
void paint_box_footer(const glyphs *g, ui_rect r, const char *text, ui_role role);
void paint_box_tag(ui_rect r, const char *text, ui_role role);
/* Redraws the top border of r as a joint with the box above (├ ... ┤). */
void paint_joint(const glyphs *g, ui_rect r, const char *title, ui_role title_role);

/* 12345 -> "12,345" */
const char *paint_count(long v, char *buf, size_t cap);

#endif
