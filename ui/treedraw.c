/* treedraw: paints the tree pane from the tree model (ui/tree.c). Only the
 * rows in view are drawn, so the cost of a frame follows the pane's
 * height, not the tree's size. */
#include "ui/tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/paint.h"
#include "ui/text.h"
#include "ui/theme.h"

typedef struct {
    const char *branch, *last, *pipe, *blank;   /* two columns each */
    const char *expanded, *frontier, *pruned, *chosen, *solution, *wrong, *failed;
    const char *collapsed, *arrow;
} tree_glyphs;

static const tree_glyphs u_tree = {
    "├─", "└─", "│ ", "  ",
    "•", "○", "×", "●", "✓", "✗", "!",
    "▸", "→",
};
static const tree_glyphs a_tree = {
    "|-", "`-", "| ", "  ",
    "o", ".", "x", "@", "+", "X", "!",
    ">", "->",
};

static int is_wrong(const trace_node *n)
{
    return (n->scores.has & SCORE_CHECK) && n->scores.check == CHECK_WRONG;
}

static int is_new(const tree_view *tv, const trace_node *n, double now)
{
    return n->id < tv->cap && now - tv->added[n->id] < TREE_NEW_S && now >= tv->added[n->id];
}

static ui_role node_role(const tree_view *tv, const trace_node *n, double now)
{
    if (is_new(tv, n, now)) return ROLE_NODE_NEW;
    if (is_wrong(n)) return ROLE_NODE_WRONG;
    switch (n->status) {
    case NS_CHOSEN: return ROLE_NODE_CHOSEN;
    case NS_PRUNED: case NS_CANCELLED: case NS_TRUNCATED: return ROLE_NODE_PRUNED;
    case NS_FAILED: return ROLE_ERROR;
    case NS_STREAMING: return ROLE_NODE_FRONTIER;
    case NS_DONE: break;
    }
    if (n->answer && *n->answer) return ROLE_NODE_SOLUTION;
    return n->n_children > 0 ? ROLE_NODE_EXPANDED : ROLE_NODE_FRONTIER;
}

/* One glyph for a node: the compact view's cell and the detailed row's
 * marker. */
static const char *node_glyph(const tree_glyphs *tg, const tree_view *tv, const trace_node *n)
{
    if (n->status == NS_CHOSEN) return tg->chosen;
    if (is_wrong(n)) return tg->wrong;
    if (n->status == NS_PRUNED || n->status == NS_CANCELLED || n->status == NS_TRUNCATED)
        return tg->pruned;
    if (n->status == NS_FAILED) return tg->failed;
    if (n->answer && *n->answer) return tg->solution;
    if (n->n_children > 0 && n->id < tv->cap && tv->collapsed[n->id]) return tg->collapsed;
    return n->n_children > 0 ? tg->expanded : tg->frontier;
}

/* Appends printf output at *o, never past cap. */
__attribute__((format(printf, 4, 5)))
static void add(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
    va_list ap;
    int w;
    va_start(ap, fmt);
    w = vsnprintf(buf + *o, cap - *o, fmt, ap);
    va_end(ap);
    if (w > 0) *o += (size_t)w;
    if (*o >= cap) *o = cap - 1;
}

/* "v=41 p=0.82 N=12 Q=0.61" for the scores a node has. */
static void score_text(const trace_node *n, char *buf, size_t cap)
{
    const node_scores *sc = &n->scores;
    size_t o = 0;
    buf[0] = 0;
    if (sc->has & SCORE_VALUE) add(buf, cap, &o, "%sv=%g", o ? " " : "", sc->value);
    if (sc->has & SCORE_PRM) add(buf, cap, &o, "%sp=%.2f", o ? " " : "", sc->prm);
    if ((sc->has & SCORE_ORM) && !(sc->has & SCORE_PRM))
        add(buf, cap, &o, "%so=%.2f", o ? " " : "", sc->orm);
    if (sc->has & SCORE_VISITS) {
        add(buf, cap, &o, "%sN=%d", o ? " " : "", sc->visits);
        if ((sc->has & SCORE_W) && sc->visits > 0) add(buf, cap, &o, " Q=%.2f", sc->w / sc->visits);
    }
}

static int str_w(const char *s) { return text_width(s, strlen(s)); }

/* The tree lines in front of a node: one two-column unit per level below
 * the root, the deepest `keep` of them when the tree is too deep. */
static int draw_prefix(const tree_glyphs *tg, const trace *t, const trace_node *n,
                       int y, int x, int keep)
{
    const char *units[64];
    int k = 0;
    for (const trace_node *a = n; a && a->parent >= 0 && k < keep && k < 64;
         a = trace_cget(t, a->parent)) {
        const trace_node *p = trace_cget(t, a->parent);
        int last = p->children[p->n_children - 1] == a->id;
        units[k++] = a == n ? (last ? tg->last : tg->branch) : (last ? tg->blank : tg->pipe);
    }
    for (int i = k - 1; i >= 0; i--, x += 2) paint_str(y, x, 2, units[i], ROLE_BORDER);
    return 2 * k;
}

static void draw_row(const tree_view *tv, const trace *t, const tree_glyphs *tg,
                     const glyphs *g, const trace_node *n, int y, ui_rect r,
                     int spin, double now)
{
    const char *text = n->kind == NODE_ROOT && t->problem && *t->problem ? t->problem
                     : tree_node_text(n);
    size_t tlen = strcspn(text, "\n");
    int cur = n->id == tv->cursor || (tv->n_rows && tv->rows[tree_cursor_row(tv, t)] == n->id);
    int x = r.x + 1, end = r.x + r.w, keep = (r.w / 2 - 3) / 2, avail, tw;
    char scores[96], ans[96] = "";
    const char *check = "";
    ui_role role = node_role(tv, n, now), label_role = role;
    int sw, aw, cw;
    if (cur) {
        paint_str(y, r.x, 1, tv->focus ? " " : ">", ROLE_TITLE);
        if (tv->focus) label_role = ROLE_TAB_ACTIVE;
    }
    x += draw_prefix(tg, t, n, y, x, keep > 0 ? keep : 0);
    if (x >= end) return;
    if (n->kind == NODE_ROOT) role = label_role = cur && tv->focus ? ROLE_TAB_ACTIVE : ROLE_TITLE;
    x += paint_str(y, x, end - x,
                   n->status == NS_STREAMING && n->kind != NODE_ROOT
                       ? g->spin[(spin + n->id) % g->n_spin] : node_glyph(tg, tv, n), role);
    x += paint_str(y, x, end - x, " ", ROLE_NORMAL);
    score_text(n, scores, sizeof scores);
    /* a pruned node says why instead of its scores */
    if (n->status == NS_PRUNED && n->reason) snprintf(scores, sizeof scores, "%s", n->reason);
    if (n->answer && *n->answer) snprintf(ans, sizeof ans, "%s %s", tg->arrow, n->answer);
    if (n->scores.has & SCORE_CHECK)
        check = n->scores.check == CHECK_OK ? g->check : n->scores.check == CHECK_WRONG ? g->cross : "";
    if (n->kind == NODE_ROOT) scores[0] = 0;
    sw = scores[0] ? str_w(scores) + 1 : 0;
    aw = ans[0] ? str_w(ans) + 1 : 0;
    cw = check[0] ? str_w(check) + 1 : 0;
    /* the label keeps at least 8 columns: drop scores, then the check */
    avail = end - x;
    if (avail - sw - aw - cw < 8) sw = 0, scores[0] = 0;
    if (avail - sw - aw - cw < 8) cw = 0, check = "";
    if (avail - sw - aw - cw < 4) aw = 0, ans[0] = 0;
    avail -= sw + aw + cw;
    if (avail <= 0) return;
    tw = text_width(text, tlen);
    if (tw > avail) {
        int ew = str_w(g->ellipsis);
        x += paint_text(y, x, avail - ew, text, tlen, label_role);
        x += paint_str(y, x, ew, g->ellipsis, ROLE_DIM);
    } else x += paint_text(y, x, avail, text, tlen, label_role);
    if (ans[0]) x += paint_fmt(y, x, end - x, ROLE_NODE_SOLUTION, " %s", ans);
    if (check[0]) x += paint_fmt(y, x, end - x, is_wrong(n) ? ROLE_NODE_WRONG : ROLE_NODE_CHOSEN,
                                 " %s", check);
    if (scores[0]) paint_fmt(y, x, end - x, ROLE_DIM, " %s", scores);
}

/* Keeps row (or line) `at` inside [top, top + page). */
static void scroll_to(tree_view *tv, int at, int page, int total)
{
    if (page < 1) page = 1;
    if (at < tv->top) tv->top = at;
    if (at >= tv->top + page) tv->top = at - page + 1;
    if (tv->top > total - page) tv->top = total - page;
    if (tv->top < 0) tv->top = 0;
    tv->page = page;
}

static void draw_compact(tree_view *tv, const trace *t, const tree_glyphs *tg, ui_rect r, double now)
{
    int per = r.w, lines, cur = tree_cursor_row(tv, t), page = r.h >= 3 ? r.h - 1 : r.h;
    if (per < 1) return;
    lines = (tv->n_rows + per - 1) / per;
    scroll_to(tv, cur >= 0 ? cur / per : 0, page, lines);
    for (int line = 0; line < page && tv->top + line < lines; line++) {
        int base = (tv->top + line) * per;
        for (int c = 0; c < per && base + c < tv->n_rows; c++) {
            const trace_node *n = &t->nodes[tv->rows[base + c]];
            int here = base + c == cur;
            paint_str(r.y + line, r.x + c, 1, node_glyph(tg, tv, n),
                      here ? ROLE_TAB_ACTIVE : node_role(tv, n, now));
        }
    }
    if (page < r.h && cur >= 0) {   /* the cursor's node, spelled out */
        const trace_node *n = &t->nodes[tv->rows[cur]];
        const char *text = n->kind == NODE_ROOT && t->problem ? t->problem : tree_node_text(n);
        int w = paint_text(r.y + r.h - 1, r.x, r.w, text, strcspn(text, "\n"), ROLE_DIM);
        if (n->status == NS_PRUNED && n->reason)
            paint_fmt(r.y + r.h - 1, r.x + w, r.w - w, ROLE_NODE_PRUNED, "  pruned: %s", n->reason);
    }
}

void tree_draw(tree_view *tv, const trace *t, ui_rect r, int utf8, int spin, double now)
{
    const tree_glyphs *tg = utf8 ? &u_tree : &a_tree;
    const glyphs *g = paint_glyphs(utf8);
    int cur;
    if (r.w <= 0 || r.h <= 0) return;
    tree_sync(tv, t);
    if (tv->n_rows == 0) return;
    if (tv->compact) { draw_compact(tv, t, tg, r, now); return; }
    cur = tree_cursor_row(tv, t);
    scroll_to(tv, cur, r.h, tv->n_rows);
    for (int row = 0; row < r.h && tv->top + row < tv->n_rows; row++)
        draw_row(tv, t, tg, g, &t->nodes[tv->rows[tv->top + row]], r.y + row, r, spin, now);
}
