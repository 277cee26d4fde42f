/* trace: the run's tree, grown only by applying events. */
#include "tutor/trace.h"
#include "tutor/mem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replaces *dst with a copy of s (NULL clears it). */
static void set_str(char **dst, const char *s)
{
    char *copy = mem_strdup(s);
    free(*dst);
    *dst = copy;
}

void text_buf_append(text_buf *b, const char *s, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len + 1)
            cap *= 2;
        b->s = mem_realloc(b->s, cap);
        b->cap = cap;
    }
    if (len)
        memcpy(b->s + b->len, s, len);
    b->len += len;
    b->s[b->len] = '\0';
}

void trace_init(trace *t)
{
    memset(t, 0, sizeof *t);
}

static void node_free(trace_node *n)
{
    free(n->label);
    free(n->thinking.s);
    free(n->answer_text.s);
    free(n->answer);
    free(n->error);
    free(n->mark);
    free(n->reason);
    free(n->children);
}

void trace_done(trace *t)
{
    for (int i = 0; i < t->n; i++)
        node_free(&t->nodes[i]);
    free(t->nodes);
    free(t->problem);
    free(t->answer);
    free(t->error);
    tally_done(&t->votes);
    memset(t, 0, sizeof *t);
}

trace_node *trace_get(trace *t, int id)
{
    return t && id >= 0 && id < t->n ? &t->nodes[id] : NULL;
}

const trace_node *trace_cget(const trace *t, int id)
{
    return t && id >= 0 && id < t->n ? &t->nodes[id] : NULL;
}

/* Node ids are dense and arrive in order: the next id must be t->n, and
 * only node 0 may lack a parent. */
static int add_node(trace *t, const event *ev)
{
    if (ev->node != t->n)
        return -1;
    if (ev->parent == -1 ? ev->node != 0 : !trace_get(t, ev->parent))
        return -1;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->nodes = mem_realloc(t->nodes, (size_t)t->cap * sizeof *t->nodes);
    }
    trace_node *n = &t->nodes[t->n];
    memset(n, 0, sizeof *n);
    n->id = ev->node;
    n->parent = ev->parent;
    n->kind = ev->nkind;
    n->status = NS_STREAMING;
    n->label = mem_strdup(ev->text);
    /* Both buffers always hold a string, so readers never see NULL. */
    text_buf_append(&n->thinking, "", 0);
    text_buf_append(&n->answer_text, "", 0);
    t->n++;
    if (ev->parent >= 0) {
        trace_node *p = &t->nodes[ev->parent];
        n->depth = p->depth + 1;
        if (p->n_children == p->cap_children) {
            p->cap_children = p->cap_children ? 2 * p->cap_children : 4;
            p->children = mem_realloc(p->children, (size_t)p->cap_children * sizeof *p->children);
        }
        p->children[p->n_children++] = n->id;
    }
    return 0;
}

static int add_sat(int a, int b)
{
    return b > 0 && a > INT_MAX - b ? INT_MAX : a + b;
}

static void merge_scores(node_scores *dst, const node_scores *src)
{
    if (src->has & SCORE_VALUE) dst->value = src->value;
    if (src->has & SCORE_PRM) dst->prm = src->prm;
    if (src->has & SCORE_ORM) dst->orm = src->orm;
    if (src->has & SCORE_VISITS) dst->visits = src->visits;
    if (src->has & SCORE_W) dst->w = src->w;
    if (src->has & SCORE_LOGPROB) dst->logprob = src->logprob;
    if (src->has & SCORE_CHECK) dst->check = src->check;
    dst->has |= src->has;
}

int trace_apply(trace *t, const event *ev)
{
    if (!t || !ev)
        return -1;
    trace_node *n = trace_get(t, ev->node);
    switch (ev->kind) {
    case EV_RUN_START:
        set_str(&t->problem, ev->text);
        return 0;
    case EV_NODE_ADD:
        return add_node(t, ev);
    case EV_TEXT:
        if (!n)
            return -1;
        if (ev->text)
            text_buf_append(ev->ch == CH_THINKING ? &n->thinking : &n->answer_text,
                            ev->text, strlen(ev->text));
        if (ev->tokens > 0) {
            /* counts from a transcript are untrusted: saturate, never wrap */
            n->tokens = add_sat(n->tokens, ev->tokens);
            if (ev->ch == CH_THINKING)
                n->think_tokens = add_sat(n->think_tokens, ev->tokens);
        }
        return 0;
    case EV_SCORE:
        if (!n)
            return -1;
        merge_scores(&n->scores, &ev->scores);
        if (ev->text)
            set_str(&n->mark, ev->text);
        return 0;
    case EV_STATUS:
        if (!n)
            return -1;
        n->status = ev->status;
        /* A status without an answer (pruned, cancelled) keeps the old one. */
        if (ev->answer)
            set_str(&n->answer, ev->answer);
        if (ev->text)
            set_str(&n->reason, ev->text);
        return 0;
    case EV_VOTE:
        tally_done(&t->votes);
        tally_copy(&t->votes, &ev->votes);
        t->has_votes = 1;
        return 0;
    case EV_USAGE:
        t->tokens_in = ev->tokens_in;
        t->tokens_out = ev->tokens_out;
        t->thinking_tokens = ev->thinking_tokens;
        return 0;
    case EV_ERROR:
        if (ev->node == -1) {
            set_str(&t->error, ev->text);
            return 0;
        }
        if (!n)
            return -1;
        set_str(&n->error, ev->text);
        return 0;
    case EV_NOTICE:
        return ev->node == -1 || n ? 0 : -1;
    case EV_DONE:
        t->done = 1;
        t->run = ev->run;
        t->guess = ev->guess;
        set_str(&t->answer, ev->answer);
        if (ev->has_votes) {
            tally_done(&t->votes);
            tally_copy(&t->votes, &ev->votes);
            t->has_votes = 1;
        }
        return 0;
    case EV__COUNT:
        break;
    }
    return -1;
}

static const char *trimmed(const text_buf *b)
{
    const char *s = b->s;
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    return *s ? s : NULL;
}

const char *trace_node_text(const trace_node *n)
{
    const char *s;
    if (n->kind == NODE_STEP || n->kind == NODE_THOUGHT) {
        if ((s = trimmed(&n->answer_text)) || (s = trimmed(&n->thinking)))
            return s;
    }
    if (n->label && *n->label)
        return n->label;
    if ((s = trimmed(&n->answer_text)) || (s = trimmed(&n->thinking)))
        return s;
    return node_kind_name(n->kind);
}

int trace_is_tree(const trace *t)
{
    for (int i = 0; t && i < t->n; i++)
        if (t->nodes[i].depth > 1 || t->nodes[i].kind == NODE_THOUGHT ||
            t->nodes[i].kind == NODE_STEP)
            return 1;
    return 0;
}

int trace_chosen_leaf(const trace *t)
{
    int at = 0, leaf = -1;
    if (!t || t->n == 0)
        return -1;
    /* each node is visited once: the walk only goes down */
    for (;;) {
        const trace_node *x = &t->nodes[at];
        int next = -1;
        for (int c = 0; c < x->n_children && next < 0; c++)
            if (t->nodes[x->children[c]].status == NS_CHOSEN)
                next = x->children[c];
        if (next < 0)
            return leaf;
        leaf = at = next;
    }
}
