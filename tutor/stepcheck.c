/* stepcheck: parse the claims of a step and check them exactly.
 *
 * A step is lexed into tokens (tutor/steplex.c). Between T_BREAKs lie runs
 * like `10 + 5 = 15 - 3 = 12`; the '='s cut a run into parts, and each pair
 * of neighbouring parts is one claim. The first part may start with junk
 * ("b) 5 + 3") and the last may end with it, so those are the longest
 * suffix / prefix that parses; middle parts must parse whole. Each side is
 * evaluated as a polynomial in at most one letter with rat coefficients. */
#include "tutor/stepcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutor/answer.h"
#include "tutor/mem.h"
#include "tutor/poly.h"
#include "tutor/steplex.h"

/* Parts longer than this (in tokens) are not claims; it bounds the
 * suffix/prefix search and the parser's work on pathological input. */
#define MAX_PART 64
#define MAX_DEPTH 32

enum { E_OK, E_SYNTAX, E_OVER, E_DIV0 };

typedef struct {
    const tok *t;
    int i, end, depth;
    char var;
} parser;

typedef struct {
    int st;
    poly p;
    char var;       /* 0: no variable */
} value;

static int p_expr(parser *p, poly *out);
static int p_unary(parser *p, poly *out);

static int poly_status(int st)
{
    return st == 0 ? E_OK : st == POLY_DIV0 ? E_DIV0 : st == POLY_DEGREE ? E_SYNTAX : E_OVER;
}

static const tok *peek(const parser *p)
{
    return p->i < p->end ? &p->t[p->i] : NULL;
}

static int p_primary(parser *p, poly *out)
{
    const tok *t = peek(p);
    if (!t)
        return E_SYNTAX;
    if (t->k == T_NUM) {
        if (t->bad)
            return E_OVER;
        p->i++;
        *out = poly_const(t->v);
        return E_OK;
    }
    if (t->k == T_VAR) {
        if (p->var && p->var != t->var)
            return E_SYNTAX;    /* two letters: not something we check */
        p->var = t->var;
        p->i++;
        *out = poly_x();
        return E_OK;
    }
    if (t->k == T_LP) {
        if (++p->depth > MAX_DEPTH)
            return E_SYNTAX;
        p->i++;
        int st = p_expr(p, out);
        if (st)
            return st;
        if (!peek(p) || peek(p)->k != T_RP)
            return E_SYNTAX;
        p->i++;
        p->depth--;
        return E_OK;
    }
    return E_SYNTAX;
}

/* primary ( '²' | '^' [-] power )* ; exponents are small constant integers */
static int p_power(parser *p, poly *out)
{
    int st = p_primary(p, out);
    while (!st && peek(p) && (peek(p)->k == T_SUP || (peek(p)->k == T_OP && peek(p)->op == '^'))) {
        long e;
        if (peek(p)->k == T_SUP) {
            e = peek(p)->sup;
            p->i++;
        } else {
            poly ex;
            p->i++;
            if ((st = p_unary(p, &ex)))
                return st;
            if (!poly_is_const(&ex) || !rat_is_int(ex.c[0]))
                return E_SYNTAX;
            e = ex.c[0].num > 1000 ? 1000 : ex.c[0].num < -1000 ? -1000 : (long)ex.c[0].num;
        }
        st = poly_status(poly_pow(out, (int)e, out));
    }
    return st;
}

static int p_unary(parser *p, poly *out)
{
    const tok *t = peek(p);
    if (t && t->k == T_OP && (t->op == '-' || t->op == '+')) {
        if (++p->depth > MAX_DEPTH)
            return E_SYNTAX;
        p->i++;
        int st = p_unary(p, out);
        p->depth--;
        if (!st && t->op == '-')
            *out = poly_neg(out);
        return st;
    }
    return p_power(p, out);
}

/* unary ( ('*' | '/') unary | implicit product: "3(x + 2)", "2x", ")(" )* */
static int p_term(parser *p, poly *out)
{
    int st = p_unary(p, out);
    while (!st && peek(p)) {
        const tok *t = peek(p);
        poly r;
        if (t->k == T_OP && (t->op == '*' || t->op == '/')) {
            p->i++;
            if ((st = p_unary(p, &r)))
                break;
            st = poly_status(t->op == '*' ? poly_mul(out, &r, out) : poly_div(out, &r, out));
        } else if (t->k == T_LP || t->k == T_VAR) {
            if ((st = p_power(p, &r)))
                break;
            st = poly_status(poly_mul(out, &r, out));
        } else {
            break;
        }
    }
    return st;
}

static int p_expr(parser *p, poly *out)
{
    int st = p_term(p, out);
    while (!st && peek(p) && peek(p)->k == T_OP && (peek(p)->op == '+' || peek(p)->op == '-')) {
        char op = peek(p)->op;
        poly r;
        p->i++;
        if ((st = p_term(p, &r)))
            break;
        st = poly_status(op == '+' ? poly_add(out, &r, out) : poly_sub(out, &r, out));
    }
    return st;
}

/* Evaluates t[a..b) as a whole. */
static value eval(const tok *t, int a, int b)
{
    parser p = { t, a, b, 0, 0 };
    value v;
    memset(&v, 0, sizeof v);
    if (b <= a || b - a > MAX_PART) {
        v.st = E_SYNTAX;
        return v;
    }
    v.st = p_expr(&p, &v.p);
    if (v.st == E_OK && p.i != b)
        v.st = E_SYNTAX;
    v.var = p.var;
    return v;
}

/* ---- known numbers, for UNSUPPORTED ---- */

/* A hash set of |values| (open addressing, den 0 marks an empty slot):
 * a long chain's context can hold thousands of numbers, and every number
 * of every step is looked up. */
typedef struct {
    rat *v;
    size_t n, cap;      /* cap is 0 or a power of two */
} ratset;

static size_t slot_of(const ratset *s, rat r)
{
    unsigned long long h = (unsigned long long)r.num * 0x9E3779B97F4A7C15ull
                         ^ (unsigned long long)r.den * 0xC2B2AE3D27D4EB4Full;
    size_t i = (size_t)(h ^ (h >> 29)) & (s->cap - 1);
    while (s->v[i].den != 0 && !rat_eq(s->v[i], r))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static void set_add(ratset *s, rat r)
{
    r = rat_abs(r);
    if (2 * (s->n + 1) > s->cap) {
        ratset bigger = { NULL, 0, s->cap ? 2 * s->cap : 64 };
        bigger.v = mem_alloc(bigger.cap * sizeof *bigger.v);
        memset(bigger.v, 0, bigger.cap * sizeof *bigger.v);
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i].den != 0) {
                bigger.v[slot_of(&bigger, s->v[i])] = s->v[i];
                bigger.n++;
            }
        free(s->v);
        *s = bigger;
    }
    size_t i = slot_of(s, r);
    if (s->v[i].den == 0) {
        s->v[i] = r;
        s->n++;
    }
}

static int set_has(const ratset *s, rat r)
{
    return s->cap && s->v[slot_of(s, rat_abs(r))].den != 0;
}

/* Always known: unit conversions (60 minutes, 12 months or a dozen, 7 days,
 * 24 hours, 52 weeks, 365 days, 1000 grams), 100 for percentages, and 0, 1
 * and 2 (halving, doubling, counting). */
static const int constants[] = { 0, 1, 2, 7, 12, 24, 52, 60, 100, 365, 1000 };

/* Numbers written as words in the context. Compound words ("twenty-five")
 * count as their parts only. */
static const struct { const char *w; int v; } number_words[] = {
    { "zero", 0 }, { "one", 1 }, { "two", 2 }, { "three", 3 }, { "four", 4 }, { "five", 5 },
    { "six", 6 }, { "seven", 7 }, { "eight", 8 }, { "nine", 9 }, { "ten", 10 },
    { "eleven", 11 }, { "twelve", 12 }, { "thirteen", 13 }, { "fourteen", 14 },
    { "fifteen", 15 }, { "sixteen", 16 }, { "seventeen", 17 }, { "eighteen", 18 },
    { "nineteen", 19 }, { "twenty", 20 }, { "thirty", 30 }, { "forty", 40 }, { "fifty", 50 },
    { "sixty", 60 }, { "seventy", 70 }, { "eighty", 80 }, { "ninety", 90 },
    { "hundred", 100 }, { "thousand", 1000 }, { "million", 1000000 },
    { "once", 1 }, { "twice", 2 }, { "double", 2 }, { "pair", 2 }, { "half", 2 },
    { "halves", 2 }, { "triple", 3 }, { "thrice", 3 }, { "third", 3 }, { "thirds", 3 },
    { "quarter", 4 }, { "quarters", 4 }, { "fourth", 4 }, { "fifth", 5 }, { "tenth", 10 },
    { "dozen", 12 }, { "dozens", 12 },
};

static void add_constants(ratset *known)
{
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        set_add(known, rat_of(constants[i]));
}

/* Adds the numbers written in s[0..n), digits or words. */
static void context_numbers(const char *s, size_t n, ratset *known)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
            size_t used = 1;
            rat r;
            int dec;
            if (rat_scan(s + i, n - i, 1, &used, &r, &dec) == 0)
                set_add(known, r);
            i += used ? used : 1;
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            char w[12];
            size_t j = i;
            while (j < n && (((unsigned char)s[j] | 0x20) >= 'a' && ((unsigned char)s[j] | 0x20) <= 'z')) {
                if (j - i < sizeof w - 1)
                    w[j - i] = (char)(s[j] | 0x20);
                j++;
            }
            w[j - i < sizeof w - 1 ? j - i : sizeof w - 1] = '\0';
            if (j - i < sizeof w - 1)
                for (size_t k = 0; k < sizeof number_words / sizeof number_words[0]; k++)
                    if (strcmp(w, number_words[k].w) == 0)
                        set_add(known, rat_of(number_words[k].v));
            i = j;
        } else {
            i++;
        }
    }
}

/* ---- marks ---- */

typedef struct {
    char *buf;
    size_t cap, len;
} sbuf;

/* Appends, replacing control bytes by spaces; on truncation backs up to a
 * UTF-8 boundary so the mark stays valid text. */
static void put(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b->len + 1 >= b->cap) {
            while (b->len > 0 && ((unsigned char)b->buf[b->len - 1] & 0xC0) == 0x80)
                b->len--;
            if (b->len > 0 && ((unsigned char)b->buf[b->len - 1] & 0xC0) == 0xC0)
                b->len--;
            break;
        }
        unsigned char c = (unsigned char)s[i];
        b->buf[b->len++] = c < 0x20 ? ' ' : (char)c;
    }
    b->buf[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* The source text of tokens t[a..b), at most 80 bytes of it. */
static void put_span(sbuf *b, const char *s, const tok *t, int a, int c)
{
    size_t off = t[a].off, end = t[c - 1].end;
    if (end - off > 80) {
        put(b, s + off, 77);
        puts_(b, "...");
    } else {
        put(b, s + off, end - off);
    }
}

/* The exact value as a person would write it: 33, 2.5, 10/3, -1/7. */
static void nice_value(rat r, char *out, size_t cap)
{
    if (rat_format_decimal(r, 4, out, cap) < 0)
        rat_format(r, out, cap);
}

/* ---- claims ---- */

typedef struct {
    const char *s;
    const tok *t;
    ratset known;       /* context numbers, constants, results so far */
    int check_support;
    step_check *out;
    int unsupported;
    char why_unsupported[128];
} checker;

static int is_literal(const tok *t, int a, int b)
{
    return (b - a == 1 && t[a].k == T_NUM)
        || (b - a == 2 && t[a].k == T_OP && t[a].op == '-' && t[a + 1].k == T_NUM);
}

/* "15 - 3" right after "10 + 5 =": a running total that restates the left
 * value and carries on. Returns the restated number's index, or -1. */
static int running_total(const tok *t, int a, int b)
{
    return b - a >= 3 && t[a].k == T_NUM && t[a + 1].k == T_OP ? a : -1;
}

static void need(checker *c, int a, int b, int skip)
{
    if (!c->check_support || c->unsupported)
        return;
    for (int i = a; i < b; i++)
        if (i != skip && c->t[i].k == T_NUM && !c->t[i].bad && !set_has(&c->known, c->t[i].lit)) {
            c->unsupported = 1;
            snprintf(c->why_unsupported, sizeof c->why_unsupported,
                     "%.*s is not in the problem or an earlier step",
                     (int)(c->t[i].nend - c->t[i].noff > 40 ? 40 : c->t[i].nend - c->t[i].noff),
                     c->s + c->t[i].noff);
            return;
        }
}

static void wrong(checker *c, int la, int lb, int eq, int ra, int rb, const char *fix)
{
    step_check *o = c->out;
    o->n_wrong++;
    if (o->n_wrong > 1)
        return;
    sbuf b = { o->mark, sizeof o->mark, 0 };
    const tok *t = c->t;
    for (int pass = 0; pass < 2; pass++) {
        put_span(&b, c->s, t, la, lb);
        puts_(&b, " ");
        put(&b, c->s + t[eq].off, t[eq].end - t[eq].off);
        puts_(&b, " ");
        if (pass == 0) {
            put_span(&b, c->s, t, ra, rb);
            puts_(&b, " \xE2\x9C\x97, ");   /* ✗ */
        } else {
            puts_(&b, fix);
        }
    }
}

/* Is "L = R" (parts t[la..lb) and t[ra..rb)) right, and what should R be? */
static void claim(checker *c, int la, int lb, int eq, int ra, int rb, const value *L, const value *R)
{
    const tok *t = c->t;
    char fix[96];
    if (L->st == E_DIV0 || R->st == E_DIV0) {
        c->out->n_claims++;
        need(c, la, lb, -1);
        wrong(c, la, lb, eq, ra, rb, "division by zero");
        return;
    }
    if (L->var || R->var) {
        /* Both sides in x: an identity when they are equal. If they differ
         * by a nonzero constant, or by c·x^k alone, the step claimed an
         * identity and got it wrong; any other difference (2x + 3 = x + 7)
         * is an equation to solve, not a claim. One side without x
         * (2x + 3 = 11, x = 4) is an equation too. */
        poly d;
        if (!L->var || !R->var || L->var != R->var || poly_sub(&L->p, &R->p, &d))
            return;
        int pure = d.deg == 0 || d.c[0].num == 0;
        if (!poly_eq(&L->p, &R->p) && !pure)
            return;
        c->out->n_claims++;
        need(c, la, lb, -1);
        if (!poly_eq(&L->p, &R->p)) {
            poly_format(&L->p, L->var, fix, sizeof fix);
            wrong(c, la, lb, eq, ra, rb, fix);
        }
        return;
    }
    if (is_literal(t, la, lb) && is_literal(t, ra, rb))
        return;     /* "3:4 = 0.75", "x = 4": no arithmetic claimed */
    rat lv = L->p.c[0], rv = R->p.c[0];
    int rt = running_total(t, ra, rb);
    int lit = is_literal(t, ra, rb) ? rb - 1 : -1;
    c->out->n_claims++;
    need(c, la, lb, -1);
    int ok = rat_eq(lv, rv);
    if (!ok && lit >= 0 && (t[lit].dec >= 2 || t[eq].op == '~')) {
        /* 10 / 3 = 3.33: a decimal with at least two places (or any after
         * "≈") is right when it is the exact value rounded to its places */
        rat x = lv, r;
        if ((!t[lit].pct || !rat_mul(lv, rat_of(100), &x)) && !rat_round(x, t[lit].dec, &r)
            && rat_eq(rat_abs(r), rat_abs(t[lit].lit)) && (lv.num < 0) == (rv.num < 0))
            ok = 1;
    }
    if (!ok && rt >= 0 && rat_eq(t[rt].v, lv)) {
        ok = 1;
        need(c, ra, rb, rt);
    } else if (lit < 0) {
        need(c, ra, rb, -1);
    }
    set_add(&c->known, lv);
    if (lit >= 0)
        set_add(&c->known, t[lit].lit);
    if (ok)
        return;
    /* the correction mirrors how R was written: $, %, or a running total */
    int first = lit >= 0 ? lit : rt >= 0 ? rt : -1;
    char num[64];
    rat shown = lv;
    int pct = first >= 0 && t[first].pct && !rat_mul(lv, rat_of(100), &shown);
    nice_value(pct ? shown : lv, num, sizeof num);
    snprintf(fix, sizeof fix, "%s%s%s", first >= 0 && t[first].cur ? "$" : "", num,
             pct ? "%" : "");
    if (rt >= 0 && lit < 0)
        rb = rt + 1;
    wrong(c, la, lb, eq, ra, rb, fix);
}

/* The claims of one run t[a..b) with its '='s at eqs[0..neq). */
static void run_claims(checker *c, int a, int b, const int *eqs, int neq)
{
    const tok *t = c->t;
    int la = -1, lb = eqs[0];
    value L;
    memset(&L, 0, sizeof L);
    for (int s = eqs[0] - MAX_PART > a ? eqs[0] - MAX_PART : a; s < eqs[0]; s++) {
        L = eval(t, s, lb);
        if (L.st != E_SYNTAX) {
            la = s;
            break;
        }
    }
    for (int k = 0; k < neq; k++) {
        int ra = eqs[k] + 1, rb = k + 1 < neq ? eqs[k + 1] : b;
        value R;
        memset(&R, 0, sizeof R);
        R.st = E_SYNTAX;
        if (k + 1 < neq) {
            R = eval(t, ra, rb);
        } else {
            for (int e = rb - ra > MAX_PART ? ra + MAX_PART : rb; e > ra; e--) {
                R = eval(t, ra, e);
                if (R.st != E_SYNTAX) {
                    rb = e;
                    break;
                }
            }
        }
        if (la >= 0 && L.st != E_SYNTAX && L.st != E_OVER && R.st != E_SYNTAX && R.st != E_OVER)
            claim(c, la, lb, eqs[k], ra, rb, &L, &R);
        L = R;
        la = ra;
        lb = rb;
    }
}

/* Checks one step against a set of known numbers, which it extends with
 * the step's results. */
static void check_known(const char *step, size_t n, ratset *known, int has_context,
                        step_check *out)
{
    memset(out, 0, sizeof *out);
    if (!step)
        n = 0;
    tokvec v = { 0 };
    steplex_run(step ? step : "", n, &v);
    checker c;
    memset(&c, 0, sizeof c);
    c.s = step;
    c.t = v.t;
    c.out = out;
    c.check_support = has_context;
    c.known = *known;
    int *eqs = mem_alloc(((size_t)v.n + 1) * sizeof *eqs);
    for (int a = 0; a < v.n;) {
        int b = a, neq = 0;
        while (b < v.n && v.t[b].k != T_BREAK) {
            if (v.t[b].k == T_EQ)
                eqs[neq++] = b;
            b++;
        }
        if (neq > 0)
            run_claims(&c, a, b, eqs, neq);
        a = b + 1;
    }
    free(eqs);
    /* A final answer with no claim of its own must be a number the
     * solution has worked out: "The answer is 46." after "63 - 18 = 45."
     * states what nothing computed. */
    char ans[64];
    rat ar;
    int answer_unsupported = 0;
    if (has_context && out->n_claims == 0 && n > 0) {
        char *own = mem_alloc(n + 1);      /* step is not NUL-terminated in a chain */
        memcpy(own, step, n);
        own[n] = '\0';
        answer_unsupported = answer_explicit(own, ans, sizeof ans) &&
                             rat_parse(ans, &ar) == 0 && !set_has(&c.known, ar);
        free(own);
    }
    *known = c.known;
    free(v.t);
    if (answer_unsupported) {
        out->verdict = CHECK_UNSUPPORTED;
        out->score = 0.3;
        snprintf(out->mark, sizeof out->mark,
                 "the answer %s is not a number the problem or an earlier step gives", ans);
    } else if (out->n_wrong > 0) {
        out->verdict = CHECK_WRONG;
        out->score = 0.0;
    } else if (out->n_claims == 0) {
        out->verdict = CHECK_NONE;
        out->score = 0.6;
    } else if (c.unsupported) {
        out->verdict = CHECK_UNSUPPORTED;
        out->score = 0.3;
        snprintf(out->mark, sizeof out->mark, "%s", c.why_unsupported);
    } else {
        out->verdict = CHECK_OK;
        out->score = 1.0;
    }
}

void stepcheck_step_n(const char *step, size_t n, const char *context, size_t context_n,
                      int has_context, step_check *out)
{
    ratset known = { 0 };
    if (has_context) {
        add_constants(&known);
        context_numbers(context ? context : "", context ? context_n : 0, &known);
    }
    check_known(step, n, &known, has_context, out);
    free(known.v);
}

void stepcheck_step(const char *step, const char *context, step_check *out)
{
    stepcheck_step_n(step, step ? strlen(step) : 0, context, context ? strlen(context) : 0,
                     context != NULL, out);
}

/* ---- chains ---- */

int stepcheck_split(const char *chain,
                    void (*fn)(void *ud, int index, const char *step, size_t len), void *ud)
{
    if (!chain)
        return 0;
    int count = 0;
    size_t start = 0;
    for (size_t i = 0;; i++) {
        char c = chain[i];
        size_t stop;
        if (c == '\0' || c == '\n')
            stop = i;
        else if (c == '.' && (chain[i + 1] == ' ' || chain[i + 1] == '\n' || chain[i + 1] == '\r'
                              || chain[i + 1] == '\t' || chain[i + 1] == '\0'))
            stop = i + 1;
        else
            continue;
        size_t a = start, b = stop;
        while (a < b && (chain[a] == ' ' || chain[a] == '\t' || chain[a] == '\r'))
            a++;
        while (b > a && (chain[b - 1] == ' ' || chain[b - 1] == '\t' || chain[b - 1] == '\r'))
            b--;
        if (b > a) {
            if (fn)
                fn(ud, count, chain + a, b - a);
            count++;
        }
        if (c == '\0')
            break;
        start = i + 1;
    }
    return count;
}

typedef struct {
    size_t *off, *len;
    int n, cap;
    const char *chain;
} spans;

static void collect(void *ud, int index, const char *step, size_t len)
{
    spans *s = ud;
    (void)index;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->off = mem_realloc(s->off, (size_t)s->cap * sizeof *s->off);
        s->len = mem_realloc(s->len, (size_t)s->cap * sizeof *s->len);
    }
    s->off[s->n] = (size_t)(step - s->chain);
    s->len[s->n++] = len;
}

int stepcheck_chain(const char *problem, const char *chain, step_check *out, int max,
                    int *first_wrong)
{
    if (first_wrong)
        *first_wrong = -1;
    if (!chain)
        return 0;
    spans sp = { NULL, NULL, 0, 0, chain };
    stepcheck_split(chain, collect, &sp);
    /* Step k's context is the problem and steps 0..k-1: one set of known
     * numbers, grown as the chain goes (linear, not quadratic, in its
     * length). */
    ratset known = { 0 };
    add_constants(&known);
    context_numbers(problem ? problem : "", problem ? strlen(problem) : 0, &known);
    for (int k = 0; k < sp.n; k++) {
        step_check sc;
        check_known(chain + sp.off[k], sp.len[k], &known, 1, &sc);
        context_numbers(chain + sp.off[k], sp.len[k], &known);
        if (out && k < max)
            out[k] = sc;
        if (first_wrong && *first_wrong < 0 && sc.verdict == CHECK_WRONG)
            *first_wrong = k;
    }
    free(known.v);
    free(sp.off);
    free(sp.len);
    return sp.n;
}

/* ---- aggregation ---- */

double stepcheck_aggregate(const double *scores, int n, agg_kind how)
{
    if (n <= 0 || !scores)
        return 0.6;
    double acc = how == AGG_PROD ? 1.0 : how == AGG_MIN ? scores[0] : 0.0;
    for (int i = 0; i < n; i++) {
        if (how == AGG_MIN && scores[i] < acc)
            acc = scores[i];
        else if (how == AGG_PROD)
            acc *= scores[i];
        else if (how == AGG_MEAN)
            acc += scores[i];
    }
    return how == AGG_LAST ? scores[n - 1] : how == AGG_MEAN ? acc / n : acc;
}

static const char *const agg_names[] = { "last", "min", "prod", "mean" };

int agg_parse(const char *name, agg_kind *out)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, agg_names[i]) == 0) {
            *out = (agg_kind)i;
            return 0;
        }
    return -1;
}

const char *agg_name(agg_kind k)
{
    return (unsigned)k < 4 ? agg_names[k] : "?";
}
