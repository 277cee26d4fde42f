/* scope.c: the curriculum's forms as a check on a problem (see scope.h).
 *
 * A problem is split into words (whitespace-separated, leading and trailing
 * punctuation removed) and sentences (ended by a word that ended in . ? or
 * !). Words are looked up one by one in the model's vocabulary; numbers
 * are checked against the curriculum's limits; the first sentence and the
 * question are matched against the curriculum's own templates. */
#include "lm/scope.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/curriculum.h"

enum { W_WORD, W_WHOLE, W_ODD };   /* a word, a whole number, a number it cannot read */
enum { SLOT_MAX = 4 };             /* words a placeholder such as {P} may stand for */

typedef struct {
    const char *s;
    int n;
    int kind;       /* W_* */
    long value;     /* W_WHOLE, capped at 10^9 */
    char end;       /* '.', '?' or '!' if the word ended a sentence, else 0 */
} word;

typedef struct { word *w; int n, cap; } words;

static int push(words *ws, word w)
{
    if (ws->n == ws->cap) {
        int cap = ws->cap ? 2 * ws->cap : 64;
        word *p = realloc(ws->w, (size_t)cap * sizeof *p);
        if (!p) return -1;
        ws->w = p;
        ws->cap = cap;
    }
    ws->w[ws->n++] = w;
    return 0;
}

/* Splits text into words. Returns 0 or -1 (out of memory). */
static int split(const char *text, size_t len, words *ws)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)text[i])) i++;
        size_t a = i;
        while (i < len && !isspace((unsigned char)text[i])) i++;
        size_t b = i;
        char end = 0;
        while (a < b && strchr("\"([", text[a])) a++;
        while (b > a && strchr(".,?!:;\")]", text[b - 1])) {
            if (strchr(".?!", text[b - 1]) && !end) end = text[b - 1];
            b--;
        }
        if (a == b) {   /* punctuation alone ends a sentence all the same */
            if (end && ws->n && !ws->w[ws->n - 1].end) ws->w[ws->n - 1].end = end;
            continue;
        }
        word w = { text + a, (int)(b - a), W_WORD, 0, end };
        int digits = 0, other = 0;
        for (size_t k = a; k < b; k++) {
            if (isdigit((unsigned char)text[k])) digits++;
            else other++;
        }
        if (digits && other) w.kind = W_ODD;
        else if (digits) {
            w.kind = W_WHOLE;
            for (size_t k = a; k < b && w.value < 1000000000L; k++)
                w.value = w.value * 10 + (text[k] - '0');
        }
        if (push(ws, w)) return -1;
    }
    return 0;
}

static int same_word(const char *a, int an, const char *b, int bn)
{
    if (an != bn) return 0;
    for (int i = 0; i < an; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i])) return 0;
    return 1;
}

/* ---- templates ---- */

typedef struct {
    const word *p;       /* the problem's words */
    int first_end;       /* words [0, first_end) are the first sentence */
    int need_item;       /* a {P} match must name the item of the first sentence */
} match_ctx;

/* Does the item phrase p[a, a+n) occur in the first sentence? */
static int in_first(const match_ctx *c, int a, int n)
{
    for (int s = 0; s + n <= c->first_end; s++) {
        int k = 0;
        while (k < n && same_word(c->p[s + k].s, c->p[s + k].n, c->p[a + k].s, c->p[a + k].n)) k++;
        if (k == n) return 1;
    }
    return 0;
}

/* Matches template words t[0, nt) against problem words [a, b). */
static int match(const match_ctx *c, const word *t, int nt, int a, int b)
{
    if (!nt) return a == b;
    if (a == b) return 0;
    const word *w = &c->p[a];
    if (t->n >= 3 && t->s[0] == '{' && t->s[t->n - 1] == '}') {
        const char *k = t->s + 1;
        int kn = t->n - 2;
        if (kn == 1 && *k == 'N') return w->kind == W_WHOLE && match(c, t + 1, nt - 1, a + 1, b);
        if (kn == 2 && !memcmp(k, "do", 2))
            return (same_word(w->s, w->n, "do", 2) || same_word(w->s, w->n, "does", 4)) &&
                   match(c, t + 1, nt - 1, a + 1, b);
        for (int n = 1; n <= SLOT_MAX && a + n <= b && c->p[a + n - 1].kind == W_WORD; n++) {
            if (kn == 1 && *k == 'P' && c->need_item && !in_first(c, a, n)) continue;
            if (match(c, t + 1, nt - 1, a + n, b)) return 1;
        }
        return 0;
    }
    return same_word(t->s, t->n, w->s, w->n) && match(c, t + 1, nt - 1, a + 1, b);
}

typedef struct {
    match_ctx c;
    int form;
    int a, b;            /* the sentence */
    int found;
} form_search;

static void try_form(void *ud, int form, const char *tmpl)
{
    form_search *f = ud;
    if (f->found || form != f->form) return;
    words t = { 0 };
    if (!split(tmpl, strlen(tmpl), &t) && t.n)
        f->found = match(&f->c, t.w, t.n, f->a, f->b);
    free(t.w);
}

static int matches_form(const match_ctx *c, int form, int a, int b)
{
    form_search f = { *c, form, a, b, 0 };
    f.c.need_item = form == CUR_FORM_QUESTION;
    cur_each_form(try_form, &f);
    return f.found;
}

/* ---- the check ---- */

/* Appends ", " and s, lower case, to list; once it is full, ", ..." ends it. */
static void list_add(char *list, size_t cap, const char *s, int n)
{
    static const char more[] = ", ...";
    size_t have = strlen(list);
    if (have >= sizeof more - 1 && !strcmp(list + have - (sizeof more - 1), more)) return;
    if (have + (size_t)n + 3 + sizeof more > cap) {
        if (have + sizeof more <= cap) memcpy(list + have, more, sizeof more);
        return;
    }
    if (have) { memcpy(list + have, ", ", 2); have += 2; }
    for (int i = 0; i < n; i++) list[have + (size_t)i] = (char)tolower((unsigned char)s[i]);
    list[have + (size_t)n] = 0;
}

/* Is w a whole vocabulary word (not prefix or byte pieces)? */
static int known(const lm_model *m, const word *w)
{
    char buf[128];
    if (w->n >= (int)sizeof buf) return 0;
    memcpy(buf, w->s, (size_t)w->n);
    buf[w->n] = 0;
    int n_unk = 0;
    lm_tokenize(m, buf, NULL, 0, &n_unk, NULL, 0);
    return n_unk == 0;
}

static void check_words(const lm_model *m, const words *ws, lm_scope *out, const cur_limits *l)
{
    const word *distinct[LM_SCOPE_MAX_UNKNOWN];
    for (int i = 0; i < ws->n; i++) {
        const word *w = &ws->w[i];
        if (w->kind == W_ODD) {
            out->n_odd++;
            list_add(out->odd, sizeof out->odd, w->s, w->n);
            continue;
        }
        if (w->kind == W_WHOLE) {
            out->n_numbers++;
            if (w->value < l->min_value || w->value > l->max_value)
                out->why |= LM_SCOPE_BIG_NUMBERS;
            continue;
        }
        if (out->n_unknown == LM_SCOPE_MAX_UNKNOWN || known(m, w)) continue;
        int seen = 0;   /* distinct, case-folded */
        for (int j = 0; j < out->n_unknown && !seen; j++)
            seen = same_word(distinct[j]->s, distinct[j]->n, w->s, w->n);
        if (seen) continue;
        distinct[out->n_unknown++] = w;
        list_add(out->unknown, sizeof out->unknown, w->s, w->n);
    }
    if (out->n_unknown) out->why |= LM_SCOPE_UNKNOWN_WORDS;
    if (out->n_odd) out->why |= LM_SCOPE_ODD_NUMBERS;
    if (!out->n_numbers && !out->n_odd) out->why |= LM_SCOPE_NO_NUMBERS;
    if (out->n_numbers + out->n_odd > l->max_numbers) out->why |= LM_SCOPE_TOO_MANY_NUMBERS;
}

/* The first sentence says how many items there are; events follow; the
 * last sentence, and only it, asks a question of the curriculum's. */
static void check_forms(const words *ws, lm_scope *out, const cur_limits *l)
{
    int sent = 0, first_end = -1, last_start = 0, mid_question = 0;
    for (int i = 0; i < ws->n; i++) {
        if (!ws->w[i].end && i < ws->n - 1) continue;
        sent++;
        if (first_end < 0) first_end = i + 1;
        if (i < ws->n - 1) {
            mid_question |= ws->w[i].end != '.';
            last_start = i + 1;
        }
    }
    if (!ws->n) {
        out->why |= LM_SCOPE_NO_QUESTION | LM_SCOPE_NO_START;
        return;
    }
    match_ctx c = { ws->w, first_end, 0 };
    if (ws->w[ws->n - 1].end != '?' || !matches_form(&c, CUR_FORM_QUESTION, last_start, ws->n))
        out->why |= LM_SCOPE_NO_QUESTION;
    if (sent < 2 || ws->w[first_end - 1].end != '.' ||
        !matches_form(&c, CUR_FORM_START, 0, first_end))
        out->why |= LM_SCOPE_NO_START;
    /* the start, 1..max_steps events (at least one sentence of them), the question */
    if (mid_question || sent < 2 + (l->min_steps > 0) || sent > 2 + l->max_steps)
        out->why |= LM_SCOPE_SHAPE;
}

unsigned lm_scope_check(const lm_model *m, const char *problem, lm_scope *out)
{
    memset(out, 0, sizeof *out);
    cur_limits l;
    cur_get_limits(&l);
    out->max_numbers = l.max_numbers;
    out->max_value = l.max_value;
    out->max_steps = l.max_steps;
    words ws = { 0 };
    if (split(problem, strlen(problem), &ws)) {
        free(ws.w);
        return out->why = LM_SCOPE_SHAPE;  /* out of memory: say nothing useful, but say it */
    }
    check_words(m, &ws, out, &l);
    check_forms(&ws, out, &l);
    free(ws.w);
    return out->why;
}

const char *lm_scope_problem(const char *prompt, size_t *len)
{
    static const char q[] = "Question: ", a[] = " Answer:";
    if (!strncmp(prompt, "Numbers:", 8)) return NULL;
    if (strncmp(prompt, q, sizeof q - 1)) {
        *len = strlen(prompt);
        return prompt;
    }
    const char *p = prompt + sizeof q - 1, *e = strstr(p, a);
    *len = e ? (size_t)(e - p) : strlen(p);
    return p;
}

/* Appends "; " and a formatted clause to buf (all of it or none). */
static void say(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t cap, const char *fmt, ...)
{
    char part[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(part, sizeof part, fmt, ap);
    va_end(ap);
    size_t have = strlen(buf);
    if (have + strlen(part) + 3 > cap) return;
    snprintf(buf + have, cap - have, "%s%s", have ? "; " : "", part);
}

void lm_scope_describe(const lm_scope *s, char *buf, size_t cap)
{
    if (!cap) return;
    buf[0] = 0;
    if (s->why & LM_SCOPE_UNKNOWN_WORDS)
        say(buf, cap, "%d unknown word%s: %s", s->n_unknown, s->n_unknown == 1 ? "" : "s",
            s->unknown);
    if (s->why & LM_SCOPE_ODD_NUMBERS)
        say(buf, cap, "numbers it cannot read: %s (it knows whole numbers only)", s->odd);
    if (s->why & LM_SCOPE_NO_NUMBERS)
        say(buf, cap, "no numbers");
    if (s->why & LM_SCOPE_TOO_MANY_NUMBERS)
        say(buf, cap, "%d numbers, more than the %d of its longest problems",
            s->n_numbers + s->n_odd, s->max_numbers);
    if (s->why & LM_SCOPE_BIG_NUMBERS)
        say(buf, cap, "numbers outside 1-%d", s->max_value);
    /* one clause for the form, the most telling */
    if (s->why & LM_SCOPE_NO_QUESTION)
        say(buf, cap, "no question of its kind (\"How many apples are left?\") at the end");
    else if (s->why & LM_SCOPE_NO_START)
        say(buf, cap, "no opening sentence of its kind (\"Maria has 12 apples.\")");
    else if (s->why & LM_SCOPE_SHAPE)
        say(buf, cap, "not its shape: how many there are, 1-%d sentences of what happens, "
            "then the question", s->max_steps);
}
