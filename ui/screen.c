#include "ui/screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutor/traits.h"
#include "ui/curses.h"
#include "ui/input.h"
#include "ui/keymap.h"
#include "ui/paint.h"

void screen_init(ui_screen *s, int utf8)
{
    memset(s, 0, sizeof *s);
    s->utf8 = utf8;
    s->wrap_node = -1;
    wrap_init(&s->think.lines);
    wrap_init(&s->answer.lines);
}

void screen_done(ui_screen *s)
{
    wrap_done(&s->think.lines);
    wrap_done(&s->answer.lines);
    free(s->overlay_text);
    s->overlay_text = NULL;
}

void screen_layout(ui_screen *s, int cols, int rows, int want_side)
{
    s->want_side = want_side;
    s->cols = cols;
    s->rows = rows;
    /* keep what the last frame knew of the run (a Tree tab may be open);
     * screen_draw corrects the flags when the run changed */
    s->side_flags = want_side ? s->side_flags | LAYOUT_SIDE : 0;
    layout_compute(&s->lay, cols, rows, s->side_flags, s->tab);
    s->tab = s->lay.tab;
}

/* The side column's flags for this view: wider for a tree, and a Tree
 * tab of its own when the run also votes. */
static int side_flags(const ui_screen *s, const view *v)
{
    int f;
    if (!s->want_side) return 0;
    f = LAYOUT_SIDE;
    if (v->started && view_has_tree(v)) {
        f |= LAYOUT_WIDE_SIDE;
        if (v->tr.has_votes) f |= LAYOUT_TREE_TAB;
    }
    return f;
}

layout_tab screen_next_tab(const ui_screen *s)
{
    return layout_next_tab(s->tab, s->side_flags);
}

void screen_overlay(ui_screen *s, ui_overlay o, const char *title, char *text)
{
    free(s->overlay_text);
    s->overlay_text = text;
    s->overlay = o;
    s->overlay_top = s->overlay_lines = s->overlay_pages = 0;
    snprintf(s->overlay_title, sizeof s->overlay_title, "%s", title ? title : "");
}

void screen_scroll_overlay(ui_screen *s, int lines, int pages)
{
    s->overlay_lines += lines;
    s->overlay_pages += pages;
}

/* The overlay's first line this frame; returns the last possible one. */
static int settle_overlay(ui_screen *s, int lines, int page)
{
    int follow = 0;
    s->overlay_top = layout_scroll(lines, page, s->overlay_top, &follow,
                                   s->overlay_lines + s->overlay_pages * layout_page_step(page));
    s->overlay_lines = s->overlay_pages = 0;
    return lines > page ? lines - page : 0;
}

/* ---- status line ---- */

static void status_line(ui_screen *s, const view *v, ui_rect r, double now)
{
    const glyphs *g = paint_glyphs(s->utf8);
    const char *msg = view_current_message(v, now);
    char info[512], a[32], b[32], right[64];
    int x = r.x, rw;
    size_t len = 0;
    paint_fill(r.y, r.x, r.w, ROLE_STATUS);
    if (s->quit_prompt) {
        paint_fill(r.y, r.x, r.w, ROLE_STATUS_ERROR);
        paint_str(r.y, r.x + 1, r.w - 1, "Quit ponder? (y/n)", ROLE_STATUS_ERROR);
        return;
    }
    /* '?' works only on an empty line; F1 always */
    snprintf(right, sizeof right, " %s help ", input_empty() ? "?" : keymap_first_key(ACT_HELP));
    rw = text_width(right, strlen(right));
    if (rw > r.w / 3) rw = 0;
    if (rw) paint_str(r.y, r.x + r.w - rw, rw, right, ROLE_STATUS);
    if (v->running) {
        x += paint_str(r.y, x, 2, " ", ROLE_STATUS);
        x += paint_str(r.y, x, 2, g->spin[s->spin % g->n_spin], ROLE_SPINNER);
    }
    if (v->tree.searching) {
        int w = paint_str(r.y, x + 1, r.x + r.w - rw - x - 1, "find in tree: ", ROLE_STATUS);
        s->search_x = x + 1 + w + paint_str(r.y, x + 1 + w, r.x + r.w - rw - x - 1 - w,
                                            v->tree.search, ROLE_STATUS);
        if (msg)    /* "not found: ..." */
            paint_str(r.y, s->search_x + 2, r.x + r.w - rw - s->search_x - 2, msg,
                      v->msg_role == ROLE_STATUS_ERROR ? ROLE_STATUS_ERROR : ROLE_STATUS);
        return;
    }
    if (msg) {
        /* a message too long for the row says where to read it whole */
        ui_role role = v->msg_role == ROLE_STATUS_ERROR ? ROLE_STATUS_ERROR : ROLE_STATUS;
        int avail = r.x + r.w - rw - x - 1, hw;
        char hint[48];
        snprintf(hint, sizeof hint, " (%s: all)", keymap_first_key(ACT_MESSAGES));
        hw = text_width(hint, strlen(hint));
        if (text_width(msg, strlen(msg)) > avail && avail > 2 * hw) {
            int w = paint_str(r.y, x + 1, avail - hw, msg, role);
            paint_str(r.y, x + 1 + w, hw, hint, ROLE_STATUS);
        } else {
            paint_str(r.y, x + 1, avail, msg, role);
        }
        return;
    }
    if (v->running && v->retry[0]) {
        paint_fmt(r.y, x + 1, r.x + r.w - rw - x - 1, ROLE_STATUS_ERROR, "%s", v->retry);
        return;
    }
    {
        /* during a run, the run's own settings; otherwise the next run's.
         * Segments are dropped, least useful first, until the line fits. */
        enum { SEG_WARN, SEG_REPLAY, SEG_MODEL, SEG_STRAT, SEG_TOKENS, SEG_RATE, SEG_TIME, SEG__N };
        static const int drop_order[] = { SEG_TOKENS, SEG_MODEL, SEG_RATE, SEG_TIME };
        char seg[SEG__N][272];
        int busy = v->running && v->strategy[0], avail = r.x + r.w - rw - x - 1;
        const char *model = busy && v->model[0] ? v->model : (s->model ? s->model : "");
        const char *strat = busy ? v->strategy : (s->strategy ? s->strategy : "");
        int n = busy ? v->n : s->n, k;
        unsigned traits = busy ? v->strategy_traits : s->strategy_traits;
        double t = busy ? v->temperature : s->temperature;
        memset(seg, 0, sizeof seg);
        if (s->replay) snprintf(seg[SEG_REPLAY], sizeof seg[0], "%s", s->replay);
        snprintf(seg[SEG_MODEL], sizeof seg[0], "%s", model);
        /* an insecure connection is never dropped from the line */
        if (s->insecure)
            snprintf(seg[SEG_WARN], sizeof seg[0], "%s", "INSECURE: TLS not verified");
        k = snprintf(seg[SEG_STRAT], sizeof seg[0], "%s%s",
                     (busy ? v->task : s->task) ? "24: " : "", strat);
        if (traits & STRAT_USES_N)
            k += snprintf(seg[SEG_STRAT] + k, sizeof seg[0] - (size_t)k, " n=%d", n);
        if (t >= 0) k += snprintf(seg[SEG_STRAT] + k, sizeof seg[0] - (size_t)k, " T=%.1f", t);
        if (s->think_setting)
            snprintf(seg[SEG_STRAT] + k, sizeof seg[0] - (size_t)k, " think=%s", s->think_setting);
        if (v->started) {
            double el = view_elapsed(v, now);
            long out = view_tokens_out(v);
            int k2 = snprintf(seg[SEG_TOKENS], sizeof seg[0], "%s in / %s out",
                              paint_count(v->tr.tokens_in, a, sizeof a),
                              paint_count(out, b, sizeof b));
            /* thinking is counted apart from the answer */
            if (v->tr.thinking_tokens > 0 && k2 > 0)
                snprintf(seg[SEG_TOKENS] + k2, sizeof seg[0] - (size_t)k2, " (%s thinking)",
                         paint_count(v->tr.thinking_tokens, a, sizeof a));
            if (el > 0.05)
                snprintf(seg[SEG_RATE], sizeof seg[0], "%s tok/s",
                         paint_count((long)(out / el + 0.5), a, sizeof a));
            snprintf(seg[SEG_TIME], sizeof seg[0], "%.1f s", el);
        }
        for (int d = 0; ; d++) {
            len = 0;
            info[0] = 0;
            for (int i = 0; i < SEG__N; i++) {
                if (!seg[i][0]) continue;
                len += (size_t)snprintf(info + len, sizeof info - len, "%s%s",
                                        len ? g->sep : " ", seg[i]);
                if (len >= sizeof info) len = sizeof info - 1;
            }
            if (text_width(info, len) <= avail || d >= (int)(sizeof drop_order / sizeof drop_order[0]))
                break;
            seg[drop_order[d]][0] = 0;
        }
    }
    paint_str(r.y, x, r.x + r.w - rw - x, info, ROLE_STATUS);
}

/* ---- the problem line ---- */

static void input_line(ui_rect r, int *cy, int *cx)
{
    const char *prompt = input_prompt(), *text = input_text();
    size_t point = input_point(), len = strlen(text), start = 0;
    int pw = text_width(prompt, strlen(prompt)), avail, col, mark = 0;
    paint_fill(r.y, r.x, r.w, ROLE_INPUT);
    if (pw > r.w / 2) pw = r.w / 2;
    paint_str(r.y, r.x, pw, prompt, ROLE_TITLE);
    avail = r.w - pw;               /* columns for the text and the cursor */
    *cy = r.y;
    *cx = r.x + pw;
    if (avail < 3) return;
    if (point > len) point = len;
    /* scroll horizontally so the cursor stays on screen; a '<' marks text
     * hidden on the left */
    col = text_width(text, point);
    if (col > avail - 1) {
        mark = 1;
        while (col > avail - 2 && start < point) {
            wchar_t wc;
            int w;
            start += text_next(text + start, len - start, &wc, &w);
            col -= w;
        }
        paint_str(r.y, r.x + pw, 1, "<", ROLE_DIM);
    }
    paint_text(r.y, r.x + pw + mark, avail - mark, text + start, len - start, ROLE_INPUT);
    *cx = r.x + pw + mark + col;
}

/* ---- tabs (narrow terminals) ---- */

static void tab_bar(ui_screen *s, const view *v, ui_rect r, int flags)
{
    const char *names[TAB__COUNT] = { "Thinking", "Answer", "Votes", "Tree" };
    const glyphs *g = paint_glyphs(s->utf8);
    int x = r.x;
    if (v->started && view_has_tree(v) && !v->tr.has_votes)
        names[TAB_SIDE] = "Tree";
    else if (!(v->started ? v->tr.has_votes || (v->strategy_traits & STRAT_VOTES)
                          : (s->strategy_traits & STRAT_VOTES)))
        names[TAB_SIDE] = "Run";
    paint_fill(r.y, r.x, r.w, ROLE_TAB);
    for (int t = 0; t < TAB__COUNT; t++) {
        if (!layout_tab_shown((layout_tab)t, flags)) continue;
        if (t) x += paint_str(r.y, x, r.x + r.w - x, g->v, ROLE_BORDER);
        x += paint_fmt(r.y, x, r.x + r.w - x, t == (int)s->lay.tab ? ROLE_TAB_ACTIVE : ROLE_TAB,
                       " %s ", names[t]);
    }
    {
        char hint[32];
        int w;
        snprintf(hint, sizeof hint, "%s", keymap_first_key(ACT_NEXT_TAB));
        w = (int)strlen(hint);
        if (x + w + 2 <= r.x + r.w) paint_str(r.y, r.x + r.w - w, w, hint, ROLE_DIM);
    }
}

/* ---- overlays ---- */

static ui_rect centered(int cols, int rows, int w, int h)
{
    ui_rect r;
    if (w > cols) w = cols;
    if (h > rows) h = rows;
    r.x = (cols - w) / 2;
    r.y = (rows - h) / 2;
    r.w = w;
    r.h = h;
    return r;
}

/* The help: one row per keymap row (keys, then what they do, wrapped), or
 * when narrow the keys on a line of their own. Scrolls when too tall. */
typedef struct {
    const char *key;        /* shown in the key column, or NULL */
    const char *s;          /* this line's text */
    size_t len;
    int indent;
    ui_role role;
} help_line;

static int help_add(help_line *v, int n, int cap, const char *key, const char *text,
                    int indent, int width, ui_role role)
{
    wrap_lines w;
    wrap_init(&w);
    text_wrap(&w, text, strlen(text), 0, width > 1 ? width : 1, 0);
    if (w.n == 0 && n < cap) v[n++] = (help_line){ key, text, 0, indent, role };
    for (int i = 0; i < w.n && n < cap; i++)
        v[n++] = (help_line){ i ? NULL : key, text + w.v[i].off, w.v[i].len, indent, role };
    wrap_done(&w);
    return n;
}

static void help_overlay(ui_screen *s)
{
    enum { MAX_ROWS = ACT__COUNT, MAX_LINES = 160 };
    const glyphs *g = paint_glyphs(s->utf8);
    char keys[MAX_ROWS][96];
    const char *help[MAX_ROWS];
    help_line lines[MAX_LINES];
    int n = 0, keyw = 0, total = 0, narrow, boxw;
    static const char *const footer[] = {
        "",
        "(key) only when the problem line is empty",
        "tree: only while the tree pane has the keys (Ctrl-T or F9; Esc gives them back)",
        "Problem line: emacs keys (Ctrl-A/E/K/U/W, Alt-B/F), Up/Down for history, "
        "Ctrl-R to search it.",
        "Esc closes this window.",
    };
    ui_rect r, in;
    while (n < MAX_ROWS && keymap_help_row(n, keys[n], sizeof keys[n], &help[n])) {
        int w = text_width(keys[n], strlen(keys[n]));
        if (w > keyw) keyw = w;
        n++;
    }
    boxw = COLS < 78 ? COLS : 78;
    narrow = boxw < keyw + 40;
    for (int k = 0; k < n; k++) {
        if (narrow) {
            total = help_add(lines, total, MAX_LINES, NULL, keys[k], 1, boxw - 4, ROLE_HELP_KEY);
            total = help_add(lines, total, MAX_LINES, NULL, help[k], 3, boxw - 6, ROLE_HELP);
        } else {
            total = help_add(lines, total, MAX_LINES, keys[k], help[k], keyw + 3,
                             boxw - keyw - 6, ROLE_HELP);
        }
    }
    for (size_t k = 0; k < sizeof footer / sizeof footer[0]; k++)
        total = help_add(lines, total, MAX_LINES, NULL, footer[k], 1, boxw - 4, ROLE_DIM);
    r = centered(COLS, LINES - 1, boxw, total + 2);
    in = layout_inner(r);
    paint_clear(r, ROLE_HELP);
    paint_box(g, r, "Keys", ROLE_TITLE);
    int max = settle_overlay(s, total, in.h);
    for (int row = 0; row < in.h && s->overlay_top + row < total; row++) {
        const help_line *l = &lines[s->overlay_top + row];
        int y = in.y + row;
        if (l->key) paint_str(y, in.x + 1, keyw, l->key, ROLE_HELP_KEY);
        paint_text(y, in.x + l->indent, in.w - l->indent, l->s, l->len, l->role);
    }
    if (max > 0)
        paint_box_footer(g, r, s->overlay_top < max ? " more: PgDn " : " PgUp ",
                         ROLE_NOTICE);
}

static void text_overlay(ui_screen *s)
{
    const glyphs *g = paint_glyphs(s->utf8);
    ui_rect r = centered(COLS, LINES - 1, COLS - 4 > 100 ? 100 : COLS - 4, LINES - 3), in;
    wrap_lines w;
    const char *t = s->overlay_text ? s->overlay_text : "";
    in = layout_inner(r);
    paint_clear(r, ROLE_HELP);
    paint_box(g, r, s->overlay_title, ROLE_TITLE);
    if (in.w <= 0 || in.h <= 0) return;
    wrap_init(&w);
    text_wrap(&w, t, strlen(t), 0, in.w - 1, 0);
    int max = settle_overlay(s, w.n, in.h);
    for (int row = 0; row < in.h && s->overlay_top + row < w.n; row++) {
        wrap_line *l = &w.v[s->overlay_top + row];
        paint_text(in.y + row, in.x + 1, in.w - 1, t + l->off, l->len, ROLE_HELP);
    }
    paint_box_footer(g, r, max > 0 ? " PgUp/PgDn  Esc closes " : " Esc closes ", ROLE_NOTICE);
    wrap_done(&w);
}

/* The "too small" view: what ponder needs and what it has, wrapped and
 * centred above the problem line (when it has a row); a shorter wording
 * when the long one does not fit. */
static void too_small(const ui_screen *s, const layout *l)
{
    char text[256];
    const char *dash = paint_glyphs(s->utf8)->dash;
    int avail = l->input.w ? l->rows - 1 : l->rows, y, title;
    wrap_lines w;
    erase();
    if (l->cols <= 0 || avail <= 0) return;
    wrap_init(&w);
    title = snprintf(text, sizeof text, "terminal too small");
    snprintf(text + title, sizeof text - (size_t)title,
             "\nponder needs at least %dx%d;\nthis is %dx%d %s make the window bigger",
             LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, l->cols, l->rows, dash);
    text_wrap(&w, text, strlen(text), 0, l->cols, 0);
    if (w.n > avail) {
        title = snprintf(text, sizeof text, "too small");
        snprintf(text + title, sizeof text - (size_t)title, "\nneed %dx%d\nthis is %dx%d",
                 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, l->cols, l->rows);
        wrap_clear(&w);
        text_wrap(&w, text, strlen(text), 0, l->cols, 0);
    }
    y = (avail - w.n) / 2 > 0 ? (avail - w.n) / 2 : 0;
    for (int i = 0; i < w.n && y + i < avail; i++) {
        const wrap_line *ln = &w.v[i];
        int cw = text_width(text + ln->off, ln->len);
        paint_text(y + i, cw < l->cols ? (l->cols - cw) / 2 : 0, l->cols, text + ln->off,
                   ln->len, ln->off < (size_t)title ? ROLE_ERROR : ROLE_DIM);
    }
    wrap_done(&w);
}

void screen_new_run(ui_screen *s)
{
    s->wrap_node = -1;
}

void screen_draw(ui_screen *s, view *v, double now)
{
    const layout *l = &s->lay;
    int cy = -1, cx = -1, flags = side_flags(s, v);
    if (flags != s->side_flags) {
        s->side_flags = flags;
        layout_compute(&s->lay, s->cols, s->rows, flags, s->tab);
        s->tab = s->lay.tab;
    }
    bkgdset(' ' | (chtype)theme_attr(ROLE_NORMAL));
    if (l->mode == LAYOUT_TINY) {
        too_small(s, l);
        if (l->input.w) input_line(l->input, &cy, &cx);
        if (s->quit_prompt && l->rows > 0) {
            paint_fill(l->rows - 1, 0, l->cols, ROLE_STATUS_ERROR);
            paint_str(l->rows - 1, 0, l->cols, "Quit? (y/n)", ROLE_STATUS_ERROR);
        }
        if (cy >= 0 && !s->quit_prompt && s->overlay == OVERLAY_NONE) {
            curs_set(1);
            move(cy, cx);
        } else curs_set(0);
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    erase();
    if (l->mode == LAYOUT_TABS) tab_bar(s, v, l->tabs, s->side_flags);
    if (l->thinking.w) pane_thinking(s, v, l->thinking);
    if (l->answer.w) pane_answer(s, v, l->answer, l->mode == LAYOUT_FULL);
    if (l->side.w) pane_side(s, v, l->side, now);
    if (l->answer_line.w) pane_answer_line(s, v, l->answer_line);
    input_line(l->input, &cy, &cx);
    status_line(s, v, l->status, now);
    if (s->overlay == OVERLAY_HELP) help_overlay(s);
    else if (s->overlay == OVERLAY_TEXT) text_overlay(s);
    if (s->overlay == OVERLAY_NONE && !s->quit_prompt && v->tree.searching) {
        curs_set(1);
        move(l->status.y, s->search_x < l->status.x + l->status.w ? s->search_x : l->status.w - 1);
    } else if (s->overlay == OVERLAY_NONE && !s->quit_prompt && cy >= 0 && !v->tree.focus) {
        curs_set(1);
        move(cy, cx);
    } else curs_set(0);
    wnoutrefresh(stdscr);
    doupdate();
}
