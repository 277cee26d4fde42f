/* steplex: lexing and cleaning a step; see steplex.h. */
#include "tutor/steplex.h"

#include <stdlib.h>
#include <string.h>

#include "tutor/mem.h"

static void push(tokvec *v, const tok *t)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->t = mem_realloc(v->t, (size_t)v->cap * sizeof *v->t);
    }
    v->t[v->n++] = *t;
}

static int isdig(int c)
{
    return c >= '0' && c <= '9';
}

static int isalph(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A multi-byte symbol the checker understands. */
typedef struct {
    const char *utf8;
    tok_kind k;
    char op;
    int sup;    /* superscript digit + 1 */
} symbol;

static const symbol symbols[] = {
    { "\xC3\x97", T_OP, '*', 0 },       /* × */
    { "\xC3\xB7", T_OP, '/', 0 },       /* ÷ */
    { "\xC2\xB7", T_OP, '*', 0 },       /* · */
    { "\xE2\x8B\x85", T_OP, '*', 0 },   /* ⋅ */
    { "\xE2\x88\x99", T_OP, '*', 0 },   /* ∙ */
    { "\xE2\x88\x92", T_OP, '-', 0 },   /* − */
    { "\xE2\x89\x88", T_EQ, '~', 0 },   /* ≈ */
    { "\xE2\x81\xB0", T_SUP, 0, 1 },    /* ⁰ */
    { "\xC2\xB9", T_SUP, 0, 2 },        /* ¹ */
    { "\xC2\xB2", T_SUP, 0, 3 },        /* ² */
    { "\xC2\xB3", T_SUP, 0, 4 },        /* ³ */
    { "\xE2\x81\xB4", T_SUP, 0, 5 }, { "\xE2\x81\xB5", T_SUP, 0, 6 },
    { "\xE2\x81\xB6", T_SUP, 0, 7 }, { "\xE2\x81\xB7", T_SUP, 0, 8 },
    { "\xE2\x81\xB8", T_SUP, 0, 9 }, { "\xE2\x81\xB9", T_SUP, 0, 10 },
    { "\xE2\x82\xAC", T_BREAK, 'c', 0 }, /* € */
    { "\xC2\xA3", T_BREAK, 'c', 0 },     /* £ */
    { "$", T_BREAK, 'c', 0 },
};

static const symbol *match_symbol(const char *s, size_t n, size_t *len)
{
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        size_t l = strlen(symbols[i].utf8);
        if (l <= n && memcmp(s, symbols[i].utf8, l) == 0) {
            *len = l;
            return &symbols[i];
        }
    }
    return NULL;
}

static int starts_number(const char *s, size_t n, size_t i)
{
    return i < n && (isdig((unsigned char)s[i])
                     || (s[i] == '.' && i + 1 < n && isdig((unsigned char)s[i + 1])));
}

static void lex(const char *s, size_t n, tokvec *v)
{
    size_t i = 0, cur_off = 0;
    int sp = 0, cur = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = 1;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            sp = 1;
            i++;
            continue;
        }
        if (c == '\\' && i + 1 < n && isalph((unsigned char)s[i + 1])) {
            i++;    /* LaTeX: \times, \cdot, \div read as words */
            continue;
        }
        tok t;
        memset(&t, 0, sizeof t);
        t.sp = sp;
        t.off = i;
        sp = 0;
        const symbol *sym = match_symbol(s + i, n - i, &len);
        if (sym && sym->op == 'c') {
            size_t j = i + len;
            while (j < n && s[j] == ' ')
                j++;
            if (starts_number(s, n, j)) {
                cur = 1;
                cur_off = i;
                i = j;
                continue;
            }
            t.k = T_BREAK;
        } else if (starts_number(s, n, i)) {
            size_t used = 0;
            t.k = T_NUM;
            t.bad = rat_scan(s + i, n - i, 1, &used, &t.lit, &t.dec) != 0;
            t.noff = i;
            t.nend = i + used;
            if (cur)
                t.off = cur_off;
            t.cur = cur;
            len = used;
            if (i + used < n && s[i + used] == '%') {
                t.pct = 1;
                len++;
            }
            t.v = t.lit;
            if (!t.bad && t.pct && rat_div(t.lit, rat_of(100), &t.v))
                t.bad = 1;
        } else if (sym) {
            t.k = sym->k;
            t.op = sym->op;
            if (t.k == T_SUP) {   /* a run of superscript digits is one exponent */
                int e = 0;
                size_t l = len;
                len = 0;
                while (sym && sym->k == T_SUP) {
                    e = e < 100000 ? e * 10 + (sym->sup - 1) : e;
                    len += l;
                    sym = match_symbol(s + i + len, n - i - len, &l);
                }
                t.sup = e;
            }
        } else if (isalph(c)) {
            size_t j = i;
            while (j < n && (isalph((unsigned char)s[j])
                             || (s[j] == '\'' && j + 1 < n && isalph((unsigned char)s[j + 1])))) {
                if (j - i < sizeof t.w - 1)
                    t.w[j - i] = (char)(s[j] | 0x20);
                j++;
            }
            t.k = T_WORD;
            t.var = (char)c;
            len = j - i;
        } else if (c == '*' && i + 1 < n && s[i + 1] == '*') {
            t.k = T_BREAK;  /* markdown bold */
            len = 2;
        } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '^') {
            t.k = T_OP;
            t.op = (char)c;
        } else if (c == '(' || c == '[') {
            t.k = T_LP;
        } else if (c == ')' || c == ']') {
            t.k = T_RP;
        } else if (c == '=') {
            while (i + len < n && s[i + len] == '=')
                len++;
            t.k = (i + len < n && s[i + len] == '>') ? T_BREAK : T_EQ;
            t.op = '=';
        } else {
            t.k = T_BREAK;
        }
        cur = 0;
        i += len;
        t.end = i;
        push(v, &t);
    }
}

static int is_word(const tok *t, const char *w)
{
    return t->k == T_WORD && strcmp(t->w, w) == 0;
}

static int ends_operand(const tok *t)
{
    return t && (t->k == T_NUM || t->k == T_RP || t->k == T_VAR || t->k == T_SUP);
}

/* Words that act as arithmetic. raw[i] is a word; prev the last cleaned
 * token (or NULL). Returns how many raw tokens it used (0: not arithmetic). */
static int word_op(const tok *raw, int n, int i, const tok *prev, tok *out)
{
    const tok *t = &raw[i], *next = i + 1 < n ? &raw[i + 1] : NULL;
    static const struct { const char *w; char op; } ops[] = {
        { "plus", '+' }, { "minus", '-' }, { "times", '*' }, { "cdot", '*' }, { "div", '/' },
    };
    *out = *t;
    out->k = T_OP;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (is_word(t, ops[k].w) && ends_operand(prev)) {
            out->op = ops[k].op;
            return 1;
        }
    if ((is_word(t, "multiplied") || is_word(t, "divided")) && next && is_word(next, "by")) {
        out->op = t->w[0] == 'm' ? '*' : '/';
        out->end = next->end;
        return 2;
    }
    if (is_word(t, "of") && ends_operand(prev) && next && next->k == T_NUM) {
        out->op = '*';
        return 1;
    }
    /* "3 x 7": a lone x with spaces round it, between operands */
    if (is_word(t, "x") && t->sp && next && next->sp && ends_operand(prev)
        && (next->k == T_NUM || next->k == T_LP)) {
        out->op = '*';
        return 1;
    }
    if (is_word(t, "is") || is_word(t, "equals") || is_word(t, "was")) {
        int used = 1;
        out->k = T_EQ;
        out->op = 'w';
        if (next && is_word(next, "equal") && i + 2 < n && is_word(&raw[i + 2], "to"))
            used = 3;
        out->end = raw[i + used - 1].end;
        return used;
    }
    return 0;
}

void steplex_run(const char *s, size_t n, tokvec *v)
{
    tokvec raw = { 0 };
    lex(s, n, &raw);
    /* words: operators, '=', percent, variables */
    for (int i = 0; i < raw.n; i++) {
        tok *t = &raw.t[i], op;
        tok *prev = v->n ? &v->t[v->n - 1] : NULL;
        if (t->k != T_WORD) {
            push(v, t);
            continue;
        }
        if (is_word(t, "percent") && prev && prev->k == T_NUM && !prev->pct) {
            prev->pct = 1;
            prev->end = t->end;
            if (!prev->bad && rat_div(prev->lit, rat_of(100), &prev->v))
                prev->bad = 1;
            continue;
        }
        int used = word_op(raw.t, raw.n, i, prev, &op);
        if (used) {
            push(v, &op);
            i += used - 1;
            continue;
        }
        if (t->end - t->off == 1 && t->w[0] != 'a' && t->w[0] != 'i') {
            t->k = T_VAR;
        }
        push(v, t);
    }
    free(raw.t);
    /* unit words: dropped between a number and an operator, '=' or ')' */
    for (int i = 0; i < v->n; i++) {
        tok *t = &v->t[i];
        if (t->k != T_WORD)
            continue;
        int a = i, b = i;
        while (a > 0 && v->t[a - 1].k == T_WORD && i - a < 3)
            a--;
        while (b < v->n && v->t[b].k == T_WORD)
            b++;
        int after_num = a > 0 && v->t[a - 1].k == T_NUM && i - a < 3;
        int before_op = b < v->n && ((v->t[b].k == T_OP && v->t[b].op != '^')
                                     || v->t[b].k == T_EQ || v->t[b].k == T_RP);
        t->op = after_num && before_op ? 'd' : 'b';
    }
    int m = 0;
    for (int i = 0; i < v->n; i++) {
        tok *t = &v->t[i];
        if (t->k == T_WORD && t->op == 'd')
            continue;
        if (t->k == T_WORD)
            t->k = T_BREAK;
        v->t[m++] = *t;
    }
    v->n = m;
    /* "is" is '=' only after an expression with an operator in it */
    int has_op = 0;
    for (int i = 0; i < v->n; i++) {
        tok *t = &v->t[i];
        if (t->k == T_OP || t->k == T_SUP)
            has_op = 1;
        else if (t->k == T_BREAK)
            has_op = 0;
        else if (t->k == T_EQ) {
            if (t->op == 'w' && !has_op)
                t->k = T_BREAK;
            has_op = 0;
        }
    }
}
