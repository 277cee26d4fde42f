/* poly: one-variable polynomials over the rationals. */
#include "tutor/poly.h"

#include <stdio.h>
#include <string.h>

static void fix_deg(poly *p)
{
    while (p->deg > 0 && p->c[p->deg].num == 0)
        p->deg--;
}

poly poly_const(rat c)
{
    poly p;
    memset(&p, 0, sizeof p);
    for (int i = 0; i <= POLY_MAXDEG; i++)
        p.c[i] = rat_of(0);
    p.c[0] = c;
    return p;
}

poly poly_x(void)
{
    poly p = poly_const(rat_of(0));
    p.c[1] = rat_of(1);
    p.deg = 1;
    return p;
}

int poly_add(const poly *a, const poly *b, poly *out)
{
    poly r = poly_const(rat_of(0));
    r.deg = a->deg > b->deg ? a->deg : b->deg;
    for (int i = 0; i <= r.deg; i++)
        if (rat_add(a->c[i], b->c[i], &r.c[i]))
            return POLY_OVERFLOW;
    fix_deg(&r);
    *out = r;
    return 0;
}

poly poly_neg(const poly *a)
{
    poly r = *a;
    for (int i = 0; i <= r.deg; i++)
        r.c[i] = rat_neg(r.c[i]);
    return r;
}

int poly_sub(const poly *a, const poly *b, poly *out)
{
    poly nb = poly_neg(b);
    return poly_add(a, &nb, out);
}

int poly_mul(const poly *a, const poly *b, poly *out)
{
    int zero_a = a->deg == 0 && a->c[0].num == 0, zero_b = b->deg == 0 && b->c[0].num == 0;
    if (zero_a || zero_b) {
        *out = poly_const(rat_of(0));
        return 0;
    }
    if (a->deg + b->deg > POLY_MAXDEG)
        return POLY_DEGREE;
    poly r = poly_const(rat_of(0));
    r.deg = a->deg + b->deg;
    for (int i = 0; i <= a->deg; i++)
        for (int j = 0; j <= b->deg; j++) {
            rat t;
            if (rat_mul(a->c[i], b->c[j], &t) || rat_add(r.c[i + j], t, &r.c[i + j]))
                return POLY_OVERFLOW;
        }
    fix_deg(&r);
    *out = r;
    return 0;
}

int poly_div(const poly *a, const poly *b, poly *out)
{
    if (b->deg > 0)
        return POLY_DEGREE;
    if (b->c[0].num == 0)
        return POLY_DIV0;
    poly r = *a;
    for (int i = 0; i <= r.deg; i++)
        if (rat_div(a->c[i], b->c[0], &r.c[i]))
            return POLY_OVERFLOW;
    *out = r;
    return 0;
}

int poly_pow(const poly *a, int e, poly *out)
{
    if (a->deg == 0) {
        rat r;
        if (a->c[0].num == 0 && e < 0)
            return POLY_DIV0;
        if (rat_pow(a->c[0], e, &r))
            return POLY_OVERFLOW;
        *out = poly_const(r);
        return 0;
    }
    if (e < 0 || e > POLY_MAXDEG)
        return POLY_DEGREE;
    poly r = poly_const(rat_of(1));
    for (int i = 0; i < e; i++) {
        int st = poly_mul(&r, a, &r);
        if (st)
            return st;
    }
    *out = r;
    return 0;
}

int poly_eq(const poly *a, const poly *b)
{
    if (a->deg != b->deg)
        return 0;
    for (int i = 0; i <= a->deg; i++)
        if (!rat_eq(a->c[i], b->c[i]))
            return 0;
    return 1;
}

int poly_is_const(const poly *a)
{
    return a->deg == 0;
}

/* One term c·x^k, with its sign written by the caller between terms. */
static int term(char *out, size_t cap, rat c, int k, char var)
{
    static const char *sup[] = { "", "", "\xC2\xB2", "\xC2\xB3" };
    char pw[16] = "";
    if (k >= 2 && k <= 3)
        snprintf(pw, sizeof pw, "%s", sup[k]);
    else if (k > 3)
        snprintf(pw, sizeof pw, "^%d", k);
    if (k == 0)
        return rat_format(c, out, cap);
    char num[24] = "", den[24] = "";
    if (c.num != 1)
        snprintf(num, sizeof num, "%lld", c.num);
    if (c.den != 1)
        snprintf(den, sizeof den, "/%lld", c.den);
    return snprintf(out, cap, "%s%c%s%s", num, var, pw, den);
}

void poly_format(const poly *a, char var, char *out, size_t cap)
{
    size_t len = 0;
    int first = 1;
    if (!cap)
        return;
    out[0] = '\0';
    for (int k = a->deg; k >= 0; k--) {
        rat c = a->c[k];
        if (c.num == 0 && !(k == 0 && first))
            continue;
        const char *sign = first ? (c.num < 0 ? "-" : "") : (c.num < 0 ? " - " : " + ");
        char t[64];
        term(t, sizeof t, rat_abs(c), k, var);
        int w = snprintf(out + len, cap - len, "%s%s", sign, t);
        if (w < 0 || (size_t)w >= cap - len)
            return;
        len += (size_t)w;
        first = 0;
    }
}
