/* tree: the tree pane's model — rows, cursor, collapse, follow, search.
 * No ncurses here (tree_draw lives in ui/treedraw.c). */
#include "ui/tree.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutor/mem.h"

static const double NEVER = -1e18;

void tree_init(tree_view *tv)
{
    memset(tv, 0, sizeof *tv);
    tv->cursor = -1;
    tv->synced_n = -1;
}

void tree_done(tree_view *tv)
{
    free(tv->collapsed);
    free(tv->added);
    free(tv->row_of);
    free(tv->rows);
    tree_init(tv);
}

void tree_reset(tree_view *tv)
{
    int compact = tv->compact, focus = tv->focus;
    tree_done(tv);
    tv->compact = compact;
    tv->focus = focus;
}

/* Room for node ids below n in the per-node arrays. */
static void ensure(tree_view *tv, int n)
{
    int cap = tv->cap ? tv->cap : 64;
    if (n <= tv->cap) return;
    while (cap < n) cap *= 2;
    tv->collapsed = mem_realloc(tv->collapsed, (size_t)cap);
    tv->added = mem_realloc(tv->added, (size_t)cap * sizeof *tv->added);
    tv->row_of = mem_realloc(tv->row_of, (size_t)cap * sizeof *tv->row_of);
    for (int i = tv->cap; i < cap; i++) {
        tv->collapsed[i] = 0;
        tv->added[i] = NEVER;
        tv->row_of[i] = -1;
    }
    tv->cap = cap;
}

void tree_node_added(tree_view *tv, const trace *t, int id, double now)
{
    if (id < 0 || id >= t->n) return;
    ensure(tv, t->n);
    tv->added[id] = now;
    if (!tv->user_moved && (id > 0 || tv->cursor < 0)) tv->cursor = id;
}

void tree_node_active(tree_view *tv, const trace *t, int id)
{
    if (id < 0 || id >= t->n || tv->user_moved) return;
    tv->cursor = id;
}

int tree_wanted(const trace *t)
{
    return trace_is_tree(t);
}

/* Depth first from the root, children in order, skipping what is under a
 * collapsed node. An explicit stack: a chain of thousands of steps must
 * not recurse that deep. */
static void rebuild(tree_view *tv, const trace *t)
{
    int *stack, sp = 0;
    ensure(tv, t->n > 0 ? t->n : 1);
    if (tv->cap_rows < t->n) {
        tv->cap_rows = t->n;
        tv->rows = mem_realloc(tv->rows, (size_t)tv->cap_rows * sizeof *tv->rows);
    }
    for (int i = 0; i < t->n; i++) tv->row_of[i] = -1;
    tv->n_rows = 0;
    tv->synced_n = t->n;
    if (t->n == 0) return;
    stack = mem_alloc((size_t)t->n * sizeof *stack);
    stack[sp++] = 0;
    while (sp > 0) {
        const trace_node *n = &t->nodes[stack[--sp]];
        tv->row_of[n->id] = tv->n_rows;
        tv->rows[tv->n_rows++] = n->id;
        if (tv->collapsed[n->id]) continue;
        for (int c = n->n_children - 1; c >= 0; c--) stack[sp++] = n->children[c];
    }
    free(stack);
}

void tree_sync(tree_view *tv, const trace *t)
{
    if (tv->synced_n != t->n) rebuild(tv, t);
    if (tv->cursor >= t->n) tv->cursor = t->n - 1;
    if (tv->cursor < 0 && t->n > 0) tv->cursor = 0;
}

int tree_cursor_row(const tree_view *tv, const trace *t)
{
    int id = tv->cursor;
    while (id >= 0 && id < t->n && id < tv->cap) {
        if (tv->row_of[id] >= 0) return tv->row_of[id];
        id = t->nodes[id].parent;
    }
    return tv->n_rows > 0 ? 0 : -1;
}

static int move_to(tree_view *tv, int id)
{
    int moved = id != tv->cursor;
    tv->user_moved = 1;
    tv->cursor = id;
    return moved;
}

int tree_move_rows(tree_view *tv, const trace *t, int delta)
{
    int r;
    tree_sync(tv, t);
    if (tv->n_rows == 0) return 0;
    r = tree_cursor_row(tv, t) + delta;
    if (r < 0) r = 0;
    if (r >= tv->n_rows) r = tv->n_rows - 1;
    return move_to(tv, tv->rows[r]);
}

int tree_move_home(tree_view *tv, const trace *t)
{
    return tree_move_rows(tv, t, -t->n - 1);
}

int tree_move_end(tree_view *tv, const trace *t)
{
    return tree_move_rows(tv, t, t->n + 1);
}

int tree_move_parent(tree_view *tv, const trace *t)
{
    const trace_node *n;
    tree_sync(tv, t);
    n = trace_cget(t, tv->rows && tv->n_rows ? tv->rows[tree_cursor_row(tv, t)] : -1);
    if (!n || n->parent < 0) return 0;
    return move_to(tv, n->parent);
}

int tree_move_child(tree_view *tv, const trace *t)
{
    const trace_node *n;
    tree_sync(tv, t);
    n = trace_cget(t, tv->rows && tv->n_rows ? tv->rows[tree_cursor_row(tv, t)] : -1);
    if (!n || n->n_children == 0) return 0;
    if (tv->collapsed[n->id]) {
        tv->collapsed[n->id] = 0;
        tv->synced_n = -1;
    }
    return move_to(tv, n->children[0]);
}

int tree_move_sibling(tree_view *tv, const trace *t, int delta)
{
    const trace_node *n, *p;
    int at = -1, to;
    tree_sync(tv, t);
    n = trace_cget(t, tv->rows && tv->n_rows ? tv->rows[tree_cursor_row(tv, t)] : -1);
    p = n ? trace_cget(t, n->parent) : NULL;
    if (!p) return 0;
    for (int i = 0; i < p->n_children; i++)
        if (p->children[i] == n->id) at = i;
    to = at + delta;
    if (at < 0 || to < 0 || to >= p->n_children) return 0;
    return move_to(tv, p->children[to]);
}

int tree_toggle(tree_view *tv, const trace *t)
{
    const trace_node *n;
    tree_sync(tv, t);
    n = trace_cget(t, tv->rows && tv->n_rows ? tv->rows[tree_cursor_row(tv, t)] : -1);
    if (!n || n->n_children == 0) return 0;
    tv->collapsed[n->id] = !tv->collapsed[n->id];
    tv->cursor = n->id;
    tv->synced_n = -1;
    tree_sync(tv, t);
    return 1;
}

/* ASCII case-folded substring test; other bytes compare exactly. */
static int contains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    if (!hay || !nl) return 0;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == nl) return 1;
    }
    return 0;
}

static int node_matches(const trace *t, const trace_node *n, const char *q)
{
    return contains(n->label, q) || contains(n->answer_text.s, q) ||
           contains(n->thinking.s, q) || contains(n->answer, q) ||
           (n->kind == NODE_ROOT && contains(t->problem, q));
}

int tree_find_next(tree_view *tv, const trace *t)
{
    int *order, *stack, k = 0, sp = 0, at = 0, found = -1;
    if (!tv->search[0] || t->n == 0) return 0;
    order = mem_alloc((size_t)t->n * sizeof *order);
    stack = mem_alloc((size_t)t->n * sizeof *stack);
    stack[sp++] = 0;
    while (sp > 0) {
        const trace_node *n = &t->nodes[stack[--sp]];
        if (n->id == tv->cursor) at = k;
        order[k++] = n->id;
        for (int c = n->n_children - 1; c >= 0; c--) stack[sp++] = n->children[c];
    }
    for (int i = 1; i <= k && found < 0; i++) {
        int id = order[(at + i) % k];
        if (node_matches(t, &t->nodes[id], tv->search)) found = id;
    }
    free(order);
    free(stack);
    if (found < 0) return 0;
    ensure(tv, t->n);
    for (int p = t->nodes[found].parent; p >= 0; p = t->nodes[p].parent)
        if (tv->collapsed[p]) { tv->collapsed[p] = 0; tv->synced_n = -1; }
    move_to(tv, found);
    tree_sync(tv, t);
    return 1;
}

double tree_next_expiry(const tree_view *tv, const trace *t, double now)
{
    double best = 0;
    for (int i = 0; i < t->n && i < tv->cap; i++) {
        double end = tv->added[i] + TREE_NEW_S;
        if (end > now && (best == 0 || end < best)) best = end;
    }
    return best;
}

const char *tree_node_text(const trace_node *n)
{
    return trace_node_text(n);      /* one rule for the tree and the exports */
}

/* A step's own text for the path: the answer channel, else the label. */
static const char *step_text(const trace_node *n)
{
    if (n->answer_text.s && *n->answer_text.s) return n->answer_text.s;
    if (n->label && *n->label) return n->label;
    if (n->thinking.s && *n->thinking.s) return n->thinking.s;
    return "";
}

/* s without the whitespace at its ends, as (start, length). */
static int trimmed(const char *s, const char **start)
{
    size_t len;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') s++;
    len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
                       s[len - 1] == '\r'))
        len--;
    *start = s;
    return (int)len;
}

/* The correction in a checker's mark: "5² = 10 ✗, 5² = 25" gives
 * "5² = 25"; a mark without that shape is shown whole. */
static const char *correction(const char *mark)
{
    const char *x = mark ? strstr(mark, "\xe2\x9c\x97, ") : NULL;
    return x && x[5] ? x + 5 : mark;
}

char *tree_path_text(const trace *t, int id, int utf8)
{
    const char *ok = utf8 ? "\xe2\x9c\x93" : "ok", *bad = utf8 ? "\xe2\x9c\x97" : "x";
    int *path, depth = 0, step = 0;
    const trace_node *n = trace_cget(t, id);
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    if (!n) return NULL;
    f = open_memstream(&buf, &len);
    if (!f) return NULL;
    path = mem_alloc((size_t)(n->depth + 1) * sizeof *path);
    for (const trace_node *x = n; x && depth <= n->depth; x = trace_cget(t, x->parent))
        path[depth++] = x->id;
    fprintf(f, "Problem: %s\n\n", t->problem ? t->problem : "");
    for (int i = depth - 1; i >= 0; i--) {
        const trace_node *x = &t->nodes[path[i]];
        const char *s;
        int l;
        if (x->kind == NODE_ROOT) continue;
        l = trimmed(step_text(x), &s);
        fprintf(f, "%s %d: %.*s", x->kind == NODE_SAMPLE ? "Sample" : "Step", ++step, l, s);
        if (x->scores.has & SCORE_CHECK) {
            if (x->scores.check == CHECK_OK) fprintf(f, "   %s", ok);
            else if (x->scores.check == CHECK_WRONG)
                fprintf(f, "   %s %s", bad, x->mark ? correction(x->mark) : "wrong");
            else if (x->scores.check == CHECK_UNSUPPORTED)
                fprintf(f, "   ? %s", x->mark ? x->mark : "not checked");
        } else if (x->mark) fprintf(f, "   %s", x->mark);
        if (x->status == NS_PRUNED) fputs("   (pruned)", f);
        fputc('\n', f);
    }
    if (n->answer && *n->answer) fprintf(f, "\nAnswer: %s\n", n->answer);
    if (n->thinking.s && *n->thinking.s && n->kind != NODE_ROOT) {
        const char *s;
        int l = trimmed(n->thinking.s, &s);
        fprintf(f, "\nThinking at this node:\n%.*s\n", l, s);
    }
    free(path);
    fclose(f);
    return buf;
}
