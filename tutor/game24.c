/* game24: parse, apply and check Game of 24 steps exactly. */
#include "tutor/game24.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static void say(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && cap)
        vsnprintf(why, cap, fmt, ap);
    va_end(ap);
}

static int isdig(int c)
{
    return c >= '0' && c <= '9';
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* An operator at p (ASCII or × ÷ − ·), its ASCII form in *op; bytes used or 0. */
static int read_op(const char *p, char *op)
{
    static const struct { const char *s; char op; } ops[] = {
        { "+", '+' }, { "-", '-' }, { "*", '*' }, { "/", '/' }, { "x", '*' }, { "X", '*' },
        { "\xC3\x97", '*' }, { "\xC3\xB7", '/' }, { "\xE2\x88\x92", '-' }, { "\xC2\xB7", '*' },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t l = strlen(ops[i].s);
        if (strncmp(p, ops[i].s, l) == 0) {
            *op = ops[i].op;
            return (int)l;
        }
    }
    return 0;
}

static int apply_op(rat a, char op, rat b, rat *out)
{
    switch (op) {
    case '+': return rat_add(a, b, out);
    case '-': return rat_sub(a, b, out);
    case '*': return rat_mul(a, b, out);
    default: return rat_div(a, b, out);
    }
}

int g24_parse(const char *s, g24_state *out)
{
    if (!s)
        return -1;
    g24_state st;
    memset(&st, 0, sizeof st);
    const char *p = skip_space(s);
    while (*p) {
        if (!isdig((unsigned char)*p) || st.n == 4)
            return -1;
        long v = 0;
        while (isdig((unsigned char)*p) && v <= 1000)
            v = v * 10 + (*p++ - '0');
        if (v > 1000 || isdig((unsigned char)*p))
            return -1;
        st.v[st.n] = rat_of(v);
        snprintf(st.expr[st.n], sizeof st.expr[0], "%ld", v);
        st.n++;
        p = skip_space(p);
        if (*p == ',')
            p = skip_space(p + 1);
    }
    if (st.n == 0)
        return -1;
    *out = st;
    return 0;
}

int g24_solved(const g24_state *s)
{
    return s && s->n == 1 && rat_eq(s->v[0], rat_of(24));
}

void g24_format(const g24_state *st, char *out, size_t cap)
{
    size_t len = 0;
    if (!cap)
        return;
    out[0] = '\0';
    /* Ascending, as the ToT paper's "left:" lists and the built-in model's
     * training data write a state: the same multiset reads the same. */
    g24_state sorted = *st;
    const g24_state *s = &sorted;
    for (int i = 1; i < sorted.n; i++)
        for (int j = i; j > 0 && rat_cmp(sorted.v[j], sorted.v[j - 1]) < 0; j--) {
            rat t = sorted.v[j];
            sorted.v[j] = sorted.v[j - 1];
            sorted.v[j - 1] = t;
        }
    for (int i = 0; i < s->n && len < cap; i++) {
        int w = snprintf(out + len, cap - len, "%s", i ? " " : "");
        if (w > 0)
            len += (size_t)w;
        if (len < cap && (w = rat_format(s->v[i], out + len, cap - len)) > 0)
            len += (size_t)w;
    }
}

/* ---- steps ---- */

/* The atoms of a step's left side: numbers and operators. */
typedef struct {
    int n;
    int is_op[16];
    char op[16];
    int spaced[16];     /* an operator with a space on either side */
    rat v[16];
} atoms;

static const char *read_atoms(const char *p, atoms *a)
{
    a->n = 0;
    for (;;) {
        const char *q = skip_space(p);
        int sp = q != p;
        p = q;
        char op;
        int l;
        if (a->n == 16)
            return NULL;
        if (isdig((unsigned char)*p)) {
            size_t used;
            int dec;
            if (rat_scan(p, strlen(p), 0, &used, &a->v[a->n], &dec))
                return NULL;
            a->is_op[a->n++] = 0;
            p += used;
        } else if ((l = read_op(p, &op))) {
            a->is_op[a->n] = 1;
            a->op[a->n] = op;
            a->spaced[a->n++] = sp || p[l] == ' ';
            p += l;
        } else {
            return p;
        }
    }
}

/* An operand of 1 atom ("8") or 3 ("8/3" without spaces) at a->v[i]. */
static int operand(const atoms *a, int i, int len, rat *out)
{
    if (len == 1)
        return a->is_op[i] ? -1 : (*out = a->v[i], 0);
    return !a->is_op[i] && a->is_op[i + 1] && a->op[i + 1] == '/' && !a->spaced[i + 1]
                   && !a->is_op[i + 2]
               ? rat_div(a->v[i], a->v[i + 2], out)
               : -1;
}

static int find(const g24_state *s, rat v, int skip)
{
    for (int i = 0; i < s->n; i++)
        if (i != skip && rat_eq(s->v[i], v))
            return i;
    return -1;
}

int g24_apply(const g24_state *s, const char *step, g24_state *next, char *why, size_t cap)
{
    char fa[48], fb[48], fc[48];
    atoms a;
    if (!s || !step || s->n < 2) {
        say(why, cap, "nothing to combine");
        return -1;
    }
    const char *p = read_atoms(step, &a);
    if (!p || *p != '=') {
        say(why, cap, "not a step like \"13 - 9 = 4\"");
        return -1;
    }
    /* A op B, where A and B may each be a fraction written "8/3" */
    int ia = -1, ib = -1, found = 0;
    rat A = rat_of(0), B = rat_of(0);
    char op = 0;
    for (int la = 1; la <= 3 && !found; la += 2)
        for (int lb = 1; lb <= 3 && !found; lb += 2) {
            rat x, y;
            if (la + 1 + lb != a.n || !a.is_op[la] || operand(&a, 0, la, &x)
                || operand(&a, la + 1, lb, &y))
                continue;
            int i = find(s, x, -1), j = i >= 0 ? find(s, y, i) : -1;
            if (!op || (i >= 0 && j >= 0)) {
                A = x, B = y, op = a.op[la], ia = i, ib = j;
                found = i >= 0 && j >= 0;
            }
        }
    if (!op) {
        say(why, cap, "not a step like \"13 - 9 = 4\"");
        return -1;
    }
    rat_format(A, fa, sizeof fa);
    rat_format(B, fb, sizeof fb);
    if (ia < 0 || ib < 0) {
        const char *missing = ia < 0 ? fa : fb;
        if (ia >= 0 && rat_eq(A, B))
            say(why, cap, "%s is left only once", missing);
        else
            say(why, cap, "%s is not left", missing);
        return -1;
    }
    rat want, got;
    if (apply_op(A, op, B, &want)) {
        say(why, cap, "%s %s %s divides by zero", fa, op == '/' ? "/" : "?", fb);
        return -1;
    }
    p = skip_space(p + 1);
    size_t used = 0;
    int dec;
    if (rat_scan(p, strlen(p), 0, &used, &got, &dec)) {
        say(why, cap, "no result after '='");
        return -1;
    }
    p += used;
    if (*p == '/' && isdig((unsigned char)p[1])) {
        rat d;
        if (rat_scan(p + 1, strlen(p + 1), 0, &used, &d, &dec) || rat_div(got, d, &got)) {
            say(why, cap, "bad fraction after '='");
            return -1;
        }
        p += 1 + used;
    }
    char ops[2] = { op, 0 };
    if (!rat_eq(got, want)) {
        char expr[100];
        snprintf(expr, sizeof expr, "%s %s %s", fa, ops, fb);
        rat_format(want, fc, sizeof fc);
        rat_format(got, fa, sizeof fa);
        say(why, cap, "%s is %s, not %s", expr, fc, fa);
        return -1;
    }
    g24_state r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < s->n; i++)
        if (i != ia && i != ib) {
            r.v[r.n] = s->v[i];
            memcpy(r.expr[r.n++], s->expr[i], sizeof r.expr[0]);
        }
    r.v[r.n] = want;
    int w = snprintf(r.expr[r.n], sizeof r.expr[0], "(%s %s %s)", s->expr[ia], ops, s->expr[ib]);
    if (w < 0 || (size_t)w >= sizeof r.expr[0]) {
        say(why, cap, "expression too long");
        return -1;
    }
    r.n++;
    /* "(left: 4 4 10)": the multiset after the step */
    p = skip_space(p);
    if (*p == '(' || *p == ',' || *p == ';')
        p = skip_space(p + 1);
    if (strncmp(p, "left:", 5) == 0 || strncmp(p, "left :", 6) == 0) {
        p = strchr(p, ':') + 1;
        g24_state left;
        left.n = 0;
        int bad = 0;
        for (p = skip_space(p); *p && *p != ')'; p = skip_space(p)) {
            rat v;
            if (rat_scan(p, strlen(p), 0, &used, &v, &dec) || left.n == 4) {
                bad = 1;
                break;
            }
            p += used;
            if (*p == '/' && isdig((unsigned char)p[1])) {
                rat d;
                if (rat_scan(p + 1, strlen(p + 1), 0, &used, &d, &dec) || rat_div(v, d, &v)) {
                    bad = 1;
                    break;
                }
                p += 1 + used;
            }
            left.v[left.n++] = v;
            if (*p == ',')
                p++;
        }
        int used_mask = 0;
        for (int i = 0; i < left.n && !bad; i++) {
            int k = -1;
            for (int j = 0; j < r.n && k < 0; j++)
                if (!(used_mask & (1 << j)) && rat_eq(r.v[j], left.v[i]))
                    k = j;
            if (k < 0)
                bad = 1;
            else
                used_mask |= 1 << k;
        }
        if (bad || left.n != r.n) {
            char fmt[128];
            g24_format(&r, fmt, sizeof fmt);
            say(why, cap, "left should be %s", fmt);
            return -1;
        }
    }
    *next = r;
    if (why && cap)
        why[0] = '\0';
    return 0;
}

/* ---- final expressions ---- */

typedef struct {
    const char *p;
    int used[16], n_used;
    int err;            /* 1 syntax, 2 division by zero, 3 overflow, 4 too many numbers */
    int depth;
} eparser;

static int e_sum(eparser *e, rat *out);

static int e_atom(eparser *e, rat *out)
{
    e->p = skip_space(e->p);
    if (*e->p == '(') {
        if (++e->depth > 32)
            return e->err = 1;
        e->p++;
        if (e_sum(e, out))
            return 1;
        e->p = skip_space(e->p);
        if (*e->p != ')')
            return e->err = 1;
        e->p++;
        e->depth--;
        return 0;
    }
    if (!isdig((unsigned char)*e->p))
        return e->err = 1;
    long v = 0;
    while (isdig((unsigned char)*e->p)) {
        v = v < 1000000 ? v * 10 + (*e->p - '0') : v;
        e->p++;
    }
    if (*e->p == '.')
        return e->err = 1;
    if (e->n_used == 16)
        return e->err = 4;
    e->used[e->n_used++] = (int)v;
    *out = rat_of(v);
    return 0;
}

static int e_product(eparser *e, rat *out)
{
    if (e_atom(e, out))
        return 1;
    for (;;) {
        char op;
        e->p = skip_space(e->p);
        int l = read_op(e->p, &op);
        if (!l || (op != '*' && op != '/'))
            return 0;
        e->p += l;
        rat r;
        if (e_atom(e, &r))
            return 1;
        if (op == '/' && r.num == 0)
            return e->err = 2;
        if (apply_op(*out, op, r, out))
            return e->err = 3;
    }
}

static int e_sum(eparser *e, rat *out)
{
    if (e_product(e, out))
        return 1;
    for (;;) {
        char op;
        e->p = skip_space(e->p);
        int l = read_op(e->p, &op);
        if (!l || (op != '+' && op != '-'))
            return 0;
        e->p += l;
        rat r;
        if (e_product(e, &r))
            return 1;
        if (apply_op(*out, op, r, out))
            return e->err = 3;
    }
}

static const char *times_word(int k)
{
    return k == 2 ? "twice" : k == 3 ? "three times" : "too often";
}

int g24_check_expr(const int *nums, int n, const char *expr, char *why, size_t cap)
{
    char a[32], b[32];
    eparser e;
    memset(&e, 0, sizeof e);
    if (!expr || !nums || n < 1 || n > 4) {
        say(why, cap, "no expression");
        return 0;
    }
    e.p = expr;
    rat v;
    if (e_sum(&e, &v)) {
        say(why, cap, "%s", e.err == 2 ? "divides by zero" : e.err == 3 ? "numbers too large"
                                            : "not an expression of + - * / and parentheses");
        return 0;
    }
    e.p = skip_space(e.p);
    if (*e.p == '=') {
        rat rhs;
        if (rat_parse(e.p + 1, &rhs) || !rat_eq(rhs, rat_of(24))) {
            say(why, cap, "the right side is not 24");
            return 0;
        }
    } else if (*e.p) {
        say(why, cap, "not an expression of + - * / and parentheses");
        return 0;
    }
    /* the multiset of numbers used must be nums */
    for (int i = 0; i < e.n_used; i++) {
        int have = 0, use = 0;
        for (int j = 0; j < n; j++)
            have += nums[j] == e.used[i];
        for (int j = 0; j < e.n_used; j++)
            use += e.used[j] == e.used[i];
        if (use > have) {
            snprintf(a, sizeof a, "%d", e.used[i]);
            if (have == 0)
                say(why, cap, "uses %s, which is not given", a);
            else
                say(why, cap, "uses %s %s", a, times_word(use));
            return 0;
        }
    }
    for (int j = 0; j < n; j++) {
        int use = 0;
        for (int i = 0; i < e.n_used; i++)
            use += e.used[i] == nums[j];
        if (!use) {
            snprintf(a, sizeof a, "%d", nums[j]);
            say(why, cap, "does not use %s", a);
            return 0;
        }
    }
    if (e.n_used != n) {
        say(why, cap, "does not use every number once");
        return 0;
    }
    if (!rat_eq(v, rat_of(24))) {
        rat_format(v, b, sizeof b);
        say(why, cap, "equals %s, not 24", b);
        return 0;
    }
    if (why && cap)
        why[0] = '\0';
    return 1;
}

/* ---- solver ---- */

static int solve(const g24_state *s, char *expr, size_t cap)
{
    if (s->n == 1) {
        if (!g24_solved(s))
            return 0;
        snprintf(expr, cap, "%s", s->expr[0]);
        return 1;
    }
    static const char ops[] = "+-*/";
    for (int i = 0; i < s->n; i++)
        for (int j = 0; j < s->n; j++) {
            if (i == j)
                continue;
            for (int k = 0; k < 4; k++) {
                if ((ops[k] == '+' || ops[k] == '*') && j < i)
                    continue;   /* commutative: one order is enough */
                g24_state r;
                r.n = 0;
                for (int m = 0; m < s->n; m++)
                    if (m != i && m != j) {
                        r.v[r.n] = s->v[m];
                        memcpy(r.expr[r.n++], s->expr[m], sizeof r.expr[0]);
                    }
                if (apply_op(s->v[i], ops[k], s->v[j], &r.v[r.n]))
                    continue;
                int w = snprintf(r.expr[r.n], sizeof r.expr[0], "(%s %c %s)", s->expr[i], ops[k],
                                 s->expr[j]);
                if (w < 0 || (size_t)w >= sizeof r.expr[0])
                    continue;
                r.n++;
                if (solve(&r, expr, cap))
                    return 1;
            }
        }
    return 0;
}

int g24_solve(const g24_state *s, char *expr, size_t cap)
{
    char buf[96];
    if (!s || s->n < 1 || s->n > 4)
        return 0;
    if (!solve(s, buf, sizeof buf))
        return 0;
    /* drop the outermost parentheses: "(13 - 9) * (10 - 4)" */
    size_t l = strlen(buf);
    int depth = 0, outer = buf[0] == '(';
    for (size_t i = 0; i < l && outer; i++) {
        depth += buf[i] == '(' ? 1 : buf[i] == ')' ? -1 : 0;
        if (depth == 0 && i + 1 < l)
            outer = 0;
    }
    if (expr && cap)
        snprintf(expr, cap, "%.*s", outer ? (int)(l - 2) : (int)l, outer ? buf + 1 : buf);
    return 1;
}
