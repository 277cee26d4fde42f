/* panes: Thinking, Answer and the side pane (votes and samples, or the
 * run's nodes). Each draws inside its rect only, from the view only. */
#include "ui/screen.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutor/traits.h"
#include "ui/keymap.h"
#include "ui/paint.h"
#include "ui/tree.h"

/* The side pane lists samples and votes (else the run's nodes). */
static int is_sc_like(const ui_screen *s, const view *v)
{
    int count = 0;
    if (!v->started) return (s->strategy_traits & STRAT_VOTES) != 0;
    view_focus_index(v, &count);
    return v->tr.has_votes || count > 1 || v->n > 1 || (v->strategy_traits & STRAT_VOTES);
}

/* One column of air on each side, when there is room for it. */
static ui_rect padded(ui_rect r)
{
    if (r.w >= 12) { r.x += 1; r.w -= 2; }
    return r;
}

static const char *node_name(const view *v, int id, char *buf, size_t cap)
{
    int count = 0;
    view_focus_index(v, &count);
    const trace_node *n = trace_cget(&v->tr, id);
    if (!n) return "";
    if (view_has_tree(v)) snprintf(buf, cap, "node %d", id);
    else if (count > 1) {
        int k = 0;
        for (int i = 0; i < v->tr.n && i <= id; i++)
            if (v->tr.nodes[i].kind != NODE_ROOT) k++;
        snprintf(buf, cap, "sample %d/%d", k, count);
    } else snprintf(buf, cap, "%s", n->label ? n->label : node_kind_name(n->kind));
    return buf;
}

static const char *status_word(node_status st)
{
    switch (st) {
    case NS_STREAMING: return "streaming";
    case NS_DONE: return "done";
    case NS_PRUNED: return "stopped early";
    case NS_CHOSEN: return "chosen";
    case NS_FAILED: return "failed";
    case NS_CANCELLED: return "cancelled";
    case NS_TRUNCATED: return "cut off";
    }
    return "";
}

/* In a tree, a node cut off by the search is pruned, not stopped early. */
static const char *node_status_word(const view *v, node_status st)
{
    return st == NS_PRUNED && view_has_tree(v) ? "pruned" : status_word(st);
}

static void paint_wrapped(const char *msg, int x, int y, int w, int h, ui_role role);

/* ---- Thinking ---- */

static void cache_update(wrap_cache *c, const text_buf *t, int width, int seg, int reset)
{
    size_t from = 0;
    if (reset || t->len < c->len) { wrap_clear(&c->lines); c->len = 0; }
    if (t->len == c->len && !reset) return;
    if (c->lines.n > 0) {   /* the last line may grow: re-wrap from its start */
        from = c->lines.v[c->lines.n - 1].off;
        c->lines.n--;
    }
    if (t->s) text_wrap(&c->lines, t->s, t->len, from, width, seg);
    c->len = t->len;
}

static void welcome(ui_screen *s, ui_rect in)
{
    char buf[512];
    const char *lines[6];
    int k = 0, y = in.y;
    wrap_lines w;
    lines[k++] = s->task ? "Type a Game of 24 puzzle below, four numbers such as 4 9 10 13, "
                           "and press Enter: make 24 with each number once."
                         : "Type a math word problem below and press Enter.";
    lines[k++] = "";
    snprintf(buf, sizeof buf, "The model will solve it with the %s strategy; its reasoning "
             "streams here as it is written.", s->strategy ? s->strategy : "chosen");
    lines[k++] = buf;
    lines[k++] = "";
    lines[k++] = "F1 shows every key.";
    wrap_init(&w);
    for (int i = 0; i < k && y < in.y + in.h; i++) {
        wrap_clear(&w);
        text_wrap(&w, lines[i], strlen(lines[i]), 0, in.w, 0);
        if (w.n == 0) { y++; continue; }
        for (int j = 0; j < w.n && y < in.y + in.h; j++, y++)
            paint_text(y, in.x, in.w, lines[i] + w.v[j].off, w.v[j].len,
                       i == 0 ? ROLE_TITLE : ROLE_DIM);
    }
    wrap_done(&w);
}

/* The Thinking pane's first line for this frame: the scroll the keys
 * asked for, settled against this many lines (layout_scroll). */
static int settle_top(view *v, int lines, int page)
{
    int max_top = lines > page ? lines - page : 0, top;
    if (v->scroll_asked) {
        v->scroll = layout_scroll(lines, page, v->scroll, &v->follow,
                                  v->scroll_lines + v->scroll_pages * layout_page_step(page));
        v->scroll_asked = v->scroll_lines = v->scroll_pages = 0;
    }
    top = v->follow ? max_top : (v->scroll > max_top ? max_top : v->scroll);
    return top < 0 ? 0 : top;
}

/* The path to the node Enter picked in the tree: the problem, then each
 * step with the checker's marks. Re-made each frame (a path is short), so
 * a step still streaming shows as it grows. */
static void path_view(ui_screen *s, view *v, ui_rect r)
{
    const glyphs *g = paint_glyphs(s->utf8);
    ui_rect in = padded(layout_inner(r));
    char title[96], *text = tree_path_text(&v->tr, v->path_node, s->utf8);
    wrap_lines w;
    int top;
    snprintf(title, sizeof title, "Path to node %d", v->path_node);
    paint_box(g, r, title, ROLE_TITLE);
    s->wrap_node = -1;      /* the sample's wrapped lines are stale now */
    if (!text || in.w <= 0 || in.h <= 0) { free(text); return; }
    wrap_init(&w);
    text_wrap(&w, text, strlen(text), 0, in.w, 0);
    top = settle_top(v, w.n, in.h);
    for (int row = 0; row < in.h && top + row < w.n; row++) {
        const wrap_line *l = &w.v[top + row];
        const char *line = text + l->off;
        ui_role role = !strncmp(line, "Problem:", 8) || !strncmp(line, "Answer:", 7) ? ROLE_TITLE
                     : strstr(line, g->cross) && strncmp(g->cross, "x", 1) ? ROLE_NODE_WRONG
                     : ROLE_NORMAL;
        paint_text(in.y + row, in.x, in.w, line, l->len, role);
    }
    wrap_done(&w);
    free(text);
}

void pane_thinking(ui_screen *s, view *v, ui_rect r)
{
    const glyphs *g = paint_glyphs(s->utf8);
    int id = view_focus(v);
    const trace_node *n = trace_cget(&v->tr, id);
    char title[160], name[64], foot[64];
    ui_rect in = padded(layout_inner(r));
    int na, nb, nsep, total, top;

    if (v->path_node >= 0 && v->path_node < v->tr.n) { path_view(s, v, r); return; }
    if (n && n->kind != NODE_ROOT) {
        int count = 0;
        view_focus_index(v, &count);
        /* in a vote, agreement shows in the Answer and Votes panes */
        if (count > 1)
            snprintf(title, sizeof title, "Thinking %s %s (%s)", g->dash,
                     node_name(v, id, name, sizeof name),
                     n->status == NS_CHOSEN ? "done" : node_status_word(v, n->status));
        else
            snprintf(title, sizeof title, "Thinking (%s)",
                     n->status == NS_CHOSEN ? "done" : status_word(n->status));
    }
    else snprintf(title, sizeof title, "Thinking");
    paint_box(g, r, title, ROLE_TITLE);
    if (in.w <= 0 || in.h <= 0) return;
    if (!v->started) { welcome(s, in); return; }
    if (!n || n->kind == NODE_ROOT) {
        if (v->running)
            paint_fmt(in.y, in.x, in.w, ROLE_DIM, "%s waiting for the model%s",
                      g->spin[s->spin % g->n_spin], g->ellipsis);
        else if (view_run_error(v)) {
            char msg[700];
            snprintf(msg, sizeof msg, "The run could not start:\n\n%s", view_run_error(v));
            paint_wrapped(msg, in.x, in.y, in.w, in.h, ROLE_ERROR);
        }
        return;
    }

    {
        int reset = id != s->wrap_node || in.w != s->wrap_width;
        cache_update(&s->think, &n->thinking, in.w, 0, reset);
        cache_update(&s->answer, &n->answer_text, in.w, 1, reset);
        s->wrap_node = id;
        s->wrap_width = in.w;
    }
    na = s->think.lines.n;
    nb = s->answer.lines.n;
    /* Once the answer has started, a thinking model's thinking folds into
     * one line unless the user opened it (a key toggles): the answer is what
     * to read. The built-in model's "thinking" is its worked steps, the
     * lesson itself, so it stays open. */
    int folded = na > 0 && nb > 0 && !v->think_open && !(v->model_caps & CAP_RAW_FORMAT);
    if (folded) na = 1;
    nsep = na && nb ? 1 : 0;
    total = na + nsep + nb;
    if (total == 0) {
        if (n->status == NS_STREAMING)
            paint_fmt(in.y, in.x, in.w, ROLE_DIM, "%s waiting for the model%s",
                      g->spin[s->spin % g->n_spin], g->ellipsis);
        else if (!n->error)
            paint_str(in.y, in.x, in.w, "(no text)", ROLE_DIM);
    }
    top = settle_top(v, total, in.h);
    for (int row = 0; row < in.h && top + row < total; row++) {
        int i = top + row;
        if (folded && i == 0) {
            char tok[32], secs[32] = "";
            double t0 = id < v->t_cap ? v->t_think[id] : 0, t1 = id < v->t_cap ? v->t_answer[id] : 0;
            if (t0 > 0 && t1 >= t0) snprintf(secs, sizeof secs, ", %.1f s", t1 - t0);
            paint_fmt(in.y + row, in.x, in.w, ROLE_DIM, "%s thought for %s tokens%s  (%s opens)",
                      s->utf8 ? "\xe2\x96\xb8" : ">",
                      paint_count(n->think_tokens, tok, sizeof tok), secs,
                      keymap_first_key(ACT_THINK_OPEN));
        } else if (i < na) {
            wrap_line *l = &s->think.lines.v[i];
            paint_text(in.y + row, in.x, in.w, n->thinking.s + l->off, l->len, ROLE_THINKING);
        } else if (i < na + nsep) {
            continue;
        } else {
            wrap_line *l = &s->answer.lines.v[i - na - nsep];
            paint_text(in.y + row, in.x, in.w, n->answer_text.s + l->off, l->len, ROLE_NORMAL);
        }
    }
    if (n->mark && (n->scores.has & SCORE_CHECK) && !n->error &&
        (n->scores.check == CHECK_WRONG || n->scores.check == CHECK_UNSUPPORTED)) {
        /* the checker's mark on the chain's first wrong step, after its
         * text, or over its last rows when the text fills the pane */
        char msg[400];
        int row = total - top + (total > 0);
        snprintf(msg, sizeof msg, "%s %s", n->scores.check == CHECK_WRONG ? g->cross : "?",
                 n->mark);
        if (row > in.h - 2) row = in.h - 2;
        if (row < 0) row = 0;
        paint_clear((ui_rect){ in.x, in.y + row, in.w, in.h - row }, ROLE_NORMAL);
        paint_wrapped(msg, in.x, in.y + row, in.w, in.h - row,
                      n->scores.check == CHECK_WRONG ? ROLE_NODE_WRONG : ROLE_NOTICE);
    }
    if (n->error) {
        /* the node's error goes after its text, wrapped, in the rows left */
        char msg[600];
        int row = total - top + (total > 0);
        snprintf(msg, sizeof msg, "error: %s", n->error);
        if (row > in.h - 2) row = in.h - 2;
        if (row < 0) row = 0;
        paint_clear((ui_rect){ in.x, in.y + row, in.w, in.h - row }, ROLE_NORMAL);
        paint_wrapped(msg, in.x, in.y + row, in.w, in.h - row, ROLE_ERROR);
    }
    /* where the view is, on the top border, only when it does not follow */
    if (total > in.h && !v->follow) {
        snprintf(foot, sizeof foot, " %s%s %d-%d/%d ",
                 top > 0 ? g->up : "", top + in.h < total ? g->down : "",
                 top + 1, top + in.h < total ? top + in.h : total, total);
        if (text_width(title, strlen(title)) + text_width(foot, strlen(foot)) + 8 < r.w)
            paint_box_tag(r, foot, ROLE_NOTICE);
    }
}

/* ---- Answer ---- */

/* Word-wrapped text in at most h rows; the last row ends in "..." if cut. */
static void paint_wrapped(const char *msg, int x, int y, int w, int h, ui_role role)
{
    wrap_lines wl;
    if (!*msg || h <= 0 || w <= 0) return;
    wrap_init(&wl);
    text_wrap(&wl, msg, strlen(msg), 0, w, 0);
    for (int i = 0; i < wl.n && i < h; i++) {
        int cut = i == h - 1 && i < wl.n - 1 && w > 4;
        paint_text(y + i, x, cut ? w - 3 : w, msg + wl.v[i].off, wl.v[i].len, role);
        if (cut) paint_str(y + i, x + w - 3, 3, "...", ROLE_DIM);
    }
    wrap_done(&wl);
}

static int pct(int count, int total)
{
    return total > 0 ? (int)(100.0 * count / total + 0.5) : 0;
}

/* The run's answer, or where the run stands, in one line. */
static void answer_headline(ui_screen *s, const view *v, int y, int x, int w, int compact)
{
    const glyphs *g = paint_glyphs(s->utf8);
    const trace *t = &v->tr;
    int used = 0;
    if (!v->started) {
        paint_str(y, x, w, "No problem solved yet.", ROLE_DIM);
        return;
    }
    if (v->running) {
        int tied = 0;
        const char *lead = t->has_votes ? tally_leader(&t->votes, &tied) : NULL;
        used += paint_fmt(y, x, w, ROLE_NOTICE,
                          "%s working%s", g->spin[s->spin % g->n_spin], g->ellipsis);
        if (lead)
            paint_fmt(y, x + used, w - used, ROLE_DIM, "  leading: %s (%d of %d so far)",
                      lead, t->votes.e[0].count, t->votes.total);
        return;
    }
    if (t->answer && *t->answer && t->run != RUN_CANCELLED && t->run != RUN_FAILED) {
        used += paint_str(y, x, w, compact ? "Answer: " : "Answer  ", ROLE_TITLE);
        used += paint_str(y, x + used, w - used, t->answer, ROLE_ANSWER_BIG);
        if (t->guess)   /* the model said the problem is outside what it knows */
            used += paint_str(y, x + used, w - used, compact ? "  a guess" : "   a guess: "
                              "outside what the model knows", ROLE_NOTICE);
        if (t->has_votes && t->votes.total > 0) {
            int c = tally_count(&t->votes, t->answer);
            if (compact)
                paint_fmt(y, x + used, w - used, ROLE_NORMAL, "  (%d/%d, %d%%)",
                          c, t->votes.total, pct(c, t->votes.total));
            else
                paint_fmt(y, x + used, w - used, ROLE_NORMAL, "   (%d of %d votes, %d%%)",
                          c, t->votes.total, pct(c, t->votes.total));
        }
        return;
    }
    switch (t->run) {
    case RUN_CANCELLED:
        used += paint_str(y, x, w, "cancelled", ROLE_NOTICE);
        if (t->has_votes && t->votes.total > 0) {
            const char *lead = tally_leader(&t->votes, NULL);
            paint_fmt(y, x + used, w - used, ROLE_DIM, " %s %d sample%s had finished%s%s",
                      g->dash, t->votes.total, t->votes.total == 1 ? "" : "s",
                      lead ? "; leader " : "", lead ? lead : "");
        } else paint_fmt(y, x + used, w - used, ROLE_DIM, " %s what arrived is kept above",
                         g->dash);
        break;
    case RUN_FAILED:
        paint_fmt(y, x, w, ROLE_ERROR, "failed: %s",
                  view_run_error(v) ? view_run_error(v) : "the model gave no usable reply");
        break;
    case RUN_NO_SOLUTION:
        paint_str(y, x, w, "No solution found: no expression made 24 with each number once.",
                  ROLE_ERROR);
        break;
    default:
        /* no done event and not running: a replayed transcript cut short */
        paint_str(y, x, w, !t->done ? "No answer: the run was cut off before it ended."
                  : view_has_tree(v) ? "No answer: the search ended without reaching one."
                  : "No answer: no number could be read from the reply.", ROLE_ERROR);
        break;
    }
}

/* The followed sample's answer and whether it agrees with the vote.
 * Returns 1 if a line was drawn (runs with one sample get none). */
static int sample_line(ui_screen *s, const view *v, int y, int x, int w)
{
    const glyphs *g = paint_glyphs(s->utf8);
    const trace *t = &v->tr;
    int id = view_focus(v), count = 0, used;
    const trace_node *n = trace_cget(t, id);
    char name[64];
    view_focus_index(v, &count);
    if (!n || n->kind == NODE_ROOT || count < 2) return 0;
    node_name(v, id, name, sizeof name);
    name[0] = (char)toupper((unsigned char)name[0]);
    used = paint_fmt(y, x, w, ROLE_NORMAL, "%s: ", name);
    x += used; w -= used;
    if (n->status == NS_STREAMING) {
        paint_fmt(y, x, w, ROLE_DIM, "still thinking%s", g->ellipsis);
        return 1;
    }
    if (n->status == NS_FAILED) {
        paint_fmt(y, x, w, ROLE_ERROR, "failed%s%s", n->error ? ": " : "", n->error ? n->error : "");
        return 1;
    }
    if (n->status == NS_CANCELLED || n->status == NS_PRUNED) {
        paint_str(y, x, w, node_status_word(v, n->status), ROLE_DIM);
        return 1;
    }
    if (n->status == NS_TRUNCATED) {
        paint_str(y, x, w, "cut off by the length limit: no vote", ROLE_NOTICE);
        return 1;
    }
    if (!n->answer || !*n->answer) {
        paint_str(y, x, w, "no answer found in this sample", ROLE_NOTICE);
        return 1;
    }
    used = paint_str(y, x, w, n->answer, ROLE_ANSWER);
    x += used; w -= used;
    {
        const char *lead = t->has_votes ? tally_leader(&t->votes, NULL) : NULL;
        int wide = w >= 30;
        if (t->answer && *t->answer) lead = t->answer;
        if (!lead) return 1;
        /* = and ≠ say agreement with the vote; ✓ and ✗ belong to the
         * step checker alone. */
        if (strcmp(lead, n->answer) == 0)
            paint_fmt(y, x, w, ROLE_NODE_CHOSEN, " = %s",
                      wide ? "agrees with the vote" : "agrees");
        else
            paint_fmt(y, x, w, ROLE_NOTICE, " %s %s (%s)", s->utf8 ? "\u2260" : "!=",
                      wide ? "differs from the vote" : "differs", lead);
    }
    return 1;
}

void pane_answer(ui_screen *s, const view *v, ui_rect r, int joined)
{
    const glyphs *g = paint_glyphs(s->utf8);
    ui_rect in = padded(layout_inner(r));
    int y;
    if (joined) {
        paint_box(g, r, NULL, ROLE_TITLE);
        paint_joint(g, r, "Answer", ROLE_TITLE);
    } else paint_box(g, r, "Answer", ROLE_TITLE);
    if (in.h <= 0 || in.w <= 0) return;
    y = in.y;
    if (v->started && !v->running && v->tr.run == RUN_FAILED) {
        char msg[700];
        const char *e = view_run_error(v);
        snprintf(msg, sizeof msg, "failed: %s", e ? e : "the model gave no usable reply");
        paint_wrapped(msg, in.x, y, in.w, in.h, ROLE_ERROR);
        return;
    }
    answer_headline(s, v, y++, in.x, in.w, 0);
    if (y < in.y + in.h && sample_line(s, v, y, in.x, in.w)) y++;
    if (y < in.y + in.h) {
        char msg[1100] = "";
        ui_role role = ROLE_NOTICE;
        if (v->retry[0])
            snprintf(msg, sizeof msg, "retrying: %s", v->retry);
        else if (v->run_failed_msg && v->tr.error && v->tr.run != RUN_FAILED)
            snprintf(msg, sizeof msg, "error: %s", v->tr.error), role = ROLE_ERROR;
        else if (v->notice[0])
            snprintf(msg, sizeof msg, "%s", v->notice);
        else if (v->started && !v->running && v->saved > 0)
            snprintf(msg, sizeof msg, "early stop saved %d samples", v->saved);
        paint_wrapped(msg, in.x, y, in.w, in.y + in.h - y, role);
    }
}

void pane_answer_line(ui_screen *s, const view *v, ui_rect r)
{
    paint_fill(r.y, r.x, r.w, ROLE_NORMAL);
    answer_headline(s, v, r.y, r.x + 1, r.w - 2, 1);
}

/* ---- side pane: votes and samples, or the run's nodes ---- */

static int draw_bar(const glyphs *g, int y, int x, int w, int count, int max, ui_role role)
{
    long eighths = max > 0 ? (long)count * w * 8 / max : 0;
    int full = (int)(eighths / 8), part = (int)(eighths % 8), i;
    if (count > 0 && full == 0 && part == 0) part = 1;
    for (i = 0; i < full && i < w; i++) paint_str(y, x + i, 1, g->bar, role);
    if (i < w && part && g->part) { paint_str(y, x + i, 1, g->part[part], role); i++; }
    else if (i < w && part && !g->part && part >= 4) { paint_str(y, x + i, 1, g->bar, role); i++; }
    return i;
}

static int draw_votes(ui_screen *s, const view *v, ui_rect in)
{
    const glyphs *g = paint_glyphs(s->utf8);
    const tally *t = &v->tr.votes;
    int y = in.y, end = in.y + in.h, tied = 0, label_w = 1, max = 1;
    int expected = v->n > 0 ? v->n : t->total;
    const char *lead = tally_leader(t, &tied);
    if (v->running)
        paint_fmt(y++, in.x, in.w, ROLE_DIM, "%d of %d samples in", t->total, expected);
    else if (t->total > 0)
        paint_fmt(y++, in.x, in.w, ROLE_DIM, "%d sample%s voted", t->total, t->total == 1 ? "" : "s");
    else
        return 0;
    if (!v->tr.has_votes || t->n == 0) {
        if (y < end && v->running)
            paint_fmt(y++, in.x, in.w, ROLE_DIM, "waiting for the first answer%s", g->ellipsis);
    }
    double max_w = 0;
    for (int i = 0; i < t->n; i++) {
        int lw = text_width(t->e[i].answer, strlen(t->e[i].answer));
        if (lw > label_w) label_w = lw;
        if (t->e[i].count > max) max = t->e[i].count;
        if (t->e[i].weight > max_w) max_w = t->e[i].weight;
    }
    if (t->no_answer > max) max = t->no_answer;
    if (label_w > in.w / 3) label_w = in.w / 3;
    if (label_w < 1) label_w = 1;
    for (int i = 0; i < t->n && y < end; i++, y++) {
        int is_lead = lead && (t->weighted ? t->e[i].weight == t->e[0].weight
                                           : t->e[i].count == t->e[0].count);
        ui_role lr = is_lead ? ROLE_VOTE_LEADER : ROLE_NORMAL;
        int bar_w = in.w - label_w - 10, x = in.x;
        char tail[64];
        if (t->weighted) {
            /* ranked by weight: the bar shows the weight, the tail both */
            const tally_entry *e = &t->e[i];
            snprintf(tail, sizeof tail, "%d vote%s, weight %.2f", e->count, e->count == 1 ? "" : "s",
                     e->weight);
            if (in.w - label_w - (int)strlen(tail) - 2 < 4)
                snprintf(tail, sizeof tail, "%d w%.2f", e->count, e->weight);
            bar_w = in.w - label_w - (int)strlen(tail) - 2;
            if (i > 0 && y == end - 1 && t->n - i > 1) {
                paint_fmt(y, in.x, in.w, ROLE_DIM, "+%d more answers", t->n - i);
                y++;
                break;
            }
            paint_str(y, x, label_w, e->answer, lr);
            x += label_w + 1;
            if (bar_w > 0)
                draw_bar(g, y, x, bar_w, (int)(e->weight * 1000 + 0.5), (int)(max_w * 1000 + 0.5),
                         is_lead ? ROLE_VOTE_LEADER : ROLE_VOTE_BAR);
            paint_str(y, in.x + in.w - (int)strlen(tail), (int)strlen(tail), tail, lr);
            continue;
        }
        if (i > 0 && y == end - 1 && t->n - i > 1) {
            paint_fmt(y, in.x, in.w, ROLE_DIM, "+%d more answers", t->n - i);
            y++;
            break;
        }
        paint_str(y, x, label_w, t->e[i].answer, lr);
        x += label_w + 1;
        if (bar_w > 0) {
            draw_bar(g, y, x, bar_w, t->e[i].count, max, is_lead ? ROLE_VOTE_LEADER : ROLE_VOTE_BAR);
            x += bar_w;
        }
        snprintf(tail, sizeof tail, "%3d %3d%%", t->e[i].count, pct(t->e[i].count, t->total));
        paint_str(y, in.x + in.w - (int)strlen(tail), (int)strlen(tail), tail, lr);
    }
    if (t->no_answer > 0 && y < end)
        paint_fmt(y++, in.x, in.w, ROLE_NOTICE, "no answer: %d", t->no_answer);
    if (tied > 0 && y < end)
        paint_fmt(y++, in.x, in.w, ROLE_NOTICE, "tie: %d answers with %d vote%s",
                  tied + 1, t->e[0].count, t->e[0].count == 1 ? "" : "s");
    return y - in.y;
}

/* "1✓ 2✓ 3✗ 4… " with the followed sample highlighted. */
static int draw_samples(ui_screen *s, const view *v, ui_rect in)
{
    const glyphs *g = paint_glyphs(s->utf8);
    int ids[512], count = view_followable(v, ids, 512), focus = view_focus(v);
    int x = in.x, y = in.y;
    const char *lead = v->tr.answer && *v->tr.answer ? v->tr.answer
                     : (v->tr.has_votes ? tally_leader(&v->tr.votes, NULL) : NULL);
    if (count > 512) count = 512;
    if (in.h < 2 || count < 2) return 0;
    paint_fmt(y++, in.x, in.w, ROLE_TITLE, "Samples (%s)", keymap_first_key(ACT_NEXT_SAMPLE));
    for (int i = 0; i < count; i++) {
        const trace_node *n = trace_cget(&v->tr, ids[i]);
        char cell[32];
        const char *mark;
        ui_role role = ROLE_NORMAL;
        int w;
        switch (n->status) {
        case NS_STREAMING: mark = g->spin[(s->spin + i) % g->n_spin]; role = ROLE_DIM; break;
        case NS_FAILED: mark = "!"; role = ROLE_ERROR; break;
        case NS_CANCELLED: case NS_PRUNED: mark = "-"; role = ROLE_DIM; break;
        case NS_TRUNCATED: mark = g->ellipsis; role = ROLE_NOTICE; break;
        default:    /* agreement with the vote, not the checker's ✓/✗ */
            if (!n->answer || !*n->answer) { mark = "?"; role = ROLE_NOTICE; }
            else if (lead && strcmp(lead, n->answer) == 0) { mark = "="; role = ROLE_NODE_CHOSEN; }
            else { mark = s->utf8 ? "\u2260" : "#"; role = ROLE_ERROR; }
        }
        snprintf(cell, sizeof cell, "%d%s", i + 1, mark);
        w = text_width(cell, strlen(cell));
        if (x + w > in.x + in.w) {
            x = in.x;
            if (++y >= in.y + in.h) break;
        }
        paint_str(y, x, w, cell, ids[i] == focus ? ROLE_TAB_ACTIVE : role);
        x += w + 1;
    }
    return y - in.y + 1;
}

static int draw_problem(const view *v, ui_rect in)
{
    wrap_lines w;
    int y = in.y;
    const char *p = v->tr.problem;
    if (!p || !*p || in.h < 2) return 0;
    paint_str(y++, in.x, in.w, "Problem", ROLE_TITLE);
    wrap_init(&w);
    text_wrap(&w, p, strlen(p), 0, in.w, 0);
    for (int i = 0; i < w.n && y < in.y + in.h; i++, y++) {
        if (y == in.y + in.h - 1 && i < w.n - 1) {
            paint_text(y, in.x, in.w - 3, p + w.v[i].off, w.v[i].len, ROLE_NORMAL);
            paint_str(y, in.x + in.w - 3, 3, "...", ROLE_DIM);
        } else
            paint_text(y, in.x, in.w, p + w.v[i].off, w.v[i].len, ROLE_NORMAL);
    }
    wrap_done(&w);
    return y - in.y;
}

static int draw_nodes(ui_screen *s, const view *v, ui_rect in)
{
    const glyphs *g = paint_glyphs(s->utf8);
    int y = in.y, focus = view_focus(v);
    for (int i = 0; i < v->tr.n && y < in.y + in.h; i++) {
        const trace_node *n = &v->tr.nodes[i];
        ui_role role = n->status == NS_CHOSEN ? ROLE_NODE_CHOSEN
                     : n->status == NS_PRUNED || n->status == NS_CANCELLED ? ROLE_NODE_PRUNED
                     : n->status == NS_FAILED ? ROLE_ERROR : ROLE_NORMAL;
        int x = in.x + 2 * (n->depth < 4 ? n->depth : 4), used;
        if (n->kind == NODE_ROOT) continue;
        if (i == focus) paint_str(y, in.x, 1, ">", ROLE_TITLE);
        used = paint_fmt(y, x, in.x + in.w - x, role, "%s %s", n->label ? n->label : node_kind_name(n->kind),
                         n->status == NS_STREAMING ? g->spin[s->spin % g->n_spin] : status_word(n->status));
        if (n->answer)
            paint_fmt(y, x + used, in.x + in.w - x - used, ROLE_ANSWER, " %s", n->answer);
        y++;
    }
    return y - in.y;
}

/* The votes (and sample list) of a voting run, in box r. */
static void votes_box(ui_screen *s, const view *v, ui_rect r, int joined)
{
    const glyphs *g = paint_glyphs(s->utf8);
    ui_rect in = padded(layout_inner(r));
    int used;
    if (joined) { paint_box(g, r, NULL, ROLE_TITLE); paint_joint(g, r, "Votes", ROLE_TITLE); }
    else paint_box(g, r, "Votes", ROLE_TITLE);
    if (in.w <= 0 || in.h <= 0) return;
    used = draw_votes(s, v, in);
    if (used) { in.y += used + 1; in.h -= used + 1; }
    /* a tree's nodes are in the tree, not a list of samples */
    if (in.h > 2) draw_problem(v, in);
}

/* The run's tree in box r; the title says when the keys are on it. */
static void tree_box(ui_screen *s, view *v, ui_rect r, double now)
{
    const glyphs *g = paint_glyphs(s->utf8);
    ui_rect in = layout_inner(r);
    char title[96], n[32];
    if (v->tree.focus)
        snprintf(title, sizeof title, "Tree %s keys here", g->dash);
    else
        snprintf(title, sizeof title, "Tree %s %s node%s", g->dash,
                 paint_count(v->tr.n, n, sizeof n), v->tr.n == 1 ? "" : "s");
    paint_box(g, r, title, v->tree.focus ? ROLE_TAB_ACTIVE : ROLE_TITLE);
    if (in.w <= 0 || in.h <= 0) return;
    if (v->tree.focus)
        paint_box_footer(g, r, v->tree.compact ? " v: detailed  Esc " : " Enter c / v e E Esc ",
                         ROLE_DIM);
    else {
        char hint[40];
        snprintf(hint, sizeof hint, " %s: explore ", keymap_first_key(ACT_TREE_FOCUS));
        paint_box_footer(g, r, hint, ROLE_DIM);
    }
    tree_draw(&v->tree, &v->tr, in, s->utf8, s->spin, now);
}

void pane_side(ui_screen *s, view *v, ui_rect r, double now)
{
    const glyphs *g = paint_glyphs(s->utf8);
    ui_rect in = padded(layout_inner(r));
    int sc = is_sc_like(s, v), used;
    if (v->started && view_has_tree(v)) {
        int votes = v->tr.has_votes;
        if (s->lay.mode == LAYOUT_TABS || !votes) {
            if (votes && s->lay.tab != TAB_TREE) votes_box(s, v, r, 0);
            else tree_box(s, v, r, now);
        } else if (r.h >= 20) {
            /* both: the tree above, the votes below, sharing a border row */
            int vh = r.h * 2 / 5 < 9 ? 9 : r.h * 2 / 5;
            ui_rect top = { r.x, r.y, r.w, r.h - vh + 1 }, bot = { r.x, r.y + r.h - vh, r.w, vh };
            tree_box(s, v, top, now);
            votes_box(s, v, bot, 1);
        } else if (v->tree.show_votes) votes_box(s, v, r, 0);
        else tree_box(s, v, r, now);
        return;
    }
    paint_box(g, r, sc ? "Votes" : "Run", ROLE_TITLE);
    if (in.w <= 0 || in.h <= 0) return;
    if (!v->started) {
        paint_str(in.y, in.x, in.w, sc ? "Vote bars appear here." : "The run's steps appear here.", ROLE_DIM);
        return;
    }
    if (sc) {
        used = draw_votes(s, v, in);
        if (used) { in.y += used + 1; in.h -= used + 1; }
        if (in.h > 1) { used = draw_samples(s, v, in); in.y += used + 1; in.h -= used + 1; }
        if (in.h > 2) draw_problem(v, in);
    } else {
        used = draw_problem(v, in);
        if (used) { in.y += used + 1; in.h -= used + 1; }
        if (in.h > 0) draw_nodes(s, v, in);
    }
}
