#include "ui/paint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/curses.h"
#include "ui/text.h"

static const char *const u_part[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
static const char *const u_spin[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
static const char *const a_spin[] = { "|", "/", "-", "\\" };

static const glyphs utf8_glyphs = {
    "─", "│", "┌", "┐", "└", "┘", "├", "┤",
    "█", u_part, u_spin, 10,
    "✓", "✗", "·", "…", "↑", "↓", " · ", "—",
};
static const glyphs ascii_glyphs = {
    "-", "|", "+", "+", "+", "+", "+", "+",
    "#", NULL, a_spin, 4,
    "+", "x", ".", "...", "^", "v", " | ", "-",
};

const glyphs *paint_glyphs(int utf8) { return utf8 ? &utf8_glyphs : &ascii_glyphs; }

int paint_text(int y, int x, int w, const char *s, size_t len, ui_role role)
{
    wchar_t buf[512];
    int used = 0;
    if (w <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS) return 0;
    if (x + w > COLS) w = COLS - x;
    attrset((attr_t)theme_attr(role));
    while (used < w && len > 0) {
        size_t took = 0;
        int cols = text_fit(s, len, w - used, buf, sizeof buf / sizeof buf[0], &took);
        if (took == 0) break;
        mvaddnwstr(y, x + used, buf, -1);
        used += cols;
        s += took;
        len -= took;
    }
    attrset(A_NORMAL);
    return used;
}

int paint_str(int y, int x, int w, const char *s, ui_role role)
{
    return paint_text(y, x, w, s, strlen(s), role);
}

int paint_fmt(int y, int x, int w, ui_role role, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return paint_str(y, x, w, buf, role);
}

void paint_fill(int y, int x, int w, ui_role role)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0) return;
    if (x + w > COLS) w = COLS - x;
    attrset((attr_t)theme_attr(role));
    mvhline(y, x, ' ', w);
    attrset(A_NORMAL);
}

void paint_clear(ui_rect r, ui_role role)
{
    for (int i = 0; i < r.h; i++) paint_fill(r.y + i, r.x, r.w, role);
}

static void hrule(const glyphs *g, int y, int x, int w)
{
    for (int i = 0; i < w; i++) paint_str(y, x + i, 1, g->h, ROLE_BORDER);
}

static void top(const glyphs *g, ui_rect r, const char *l, const char *rt,
                const char *title, ui_role title_role)
{
    int x = r.x + 1, end = r.x + r.w - 1;
    paint_str(r.y, r.x, 1, l, ROLE_BORDER);
    if (title && *title && r.w > 6) {
        x += paint_str(r.y, x, 1, " ", ROLE_BORDER);
        x += paint_str(r.y, x, end - x - 1, title, title_role);
        x += paint_str(r.y, x, end - x, " ", ROLE_BORDER);
    }
    hrule(g, r.y, x, end - x);
    paint_str(r.y, end, 1, rt, ROLE_BORDER);
}

void paint_box(const glyphs *g, ui_rect r, const char *title, ui_role title_role)
{
    if (!layout_has_border(r)) return;
    top(g, r, g->tl, g->tr, title, title_role);
    for (int i = 1; i < r.h - 1; i++) {
        paint_str(r.y + i, r.x, 1, g->v, ROLE_BORDER);
        paint_str(r.y + i, r.x + r.w - 1, 1, g->v, ROLE_BORDER);
    }
    paint_str(r.y + r.h - 1, r.x, 1, g->bl, ROLE_BORDER);
    hrule(g, r.y + r.h - 1, r.x + 1, r.w - 2);
    paint_str(r.y + r.h - 1, r.x + r.w - 1, 1, g->br, ROLE_BORDER);
}

void paint_joint(const glyphs *g, ui_rect r, const char *title, ui_role title_role)
{
    if (!layout_has_border(r)) return;
    top(g, r, g->lt, g->rt, title, title_role);
}

static void border_text(ui_rect r, int y, const char *text, ui_role role)
{
    int w;
    if (!layout_has_border(r) || !text || !*text) return;
    w = text_width(text, strlen(text));
    if (w + 4 > r.w) return;
    paint_str(y, r.x + r.w - 2 - w, w, text, role);
}

void paint_box_footer(const glyphs *g, ui_rect r, const char *text, ui_role role)
{
    (void)g;
    border_text(r, r.y + r.h - 1, text, role);
}

void paint_box_tag(ui_rect r, const char *text, ui_role role)
{
    border_text(r, r.y, text, role);
}

const char *paint_count(long v, char *buf, size_t cap)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%ld", v < 0 ? -v : v), k = 0;
    size_t o = 0;
    if (v < 0 && o + 1 < cap) buf[o++] = '-';
    for (int i = 0; i < n && o + 2 < cap; i++) {
        buf[o++] = tmp[i];
        k = n - i - 1;
        if (k > 0 && k % 3 == 0) buf[o++] = ',';
    }
    buf[o < cap ? o : cap - 1] = 0;
    return buf;
}
