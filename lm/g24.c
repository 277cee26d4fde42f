/* g24.c: Game of 24 solver and examples (see g24.h). */
#include "lm/g24.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { long n, d; } rat;  /* d > 0 */

static long gcdl(long a, long b)
{
    if (a < 0) a = -a;
    while (b) { long t = a % b; a = b; b = t; }
    return a ? a : 1;
}

static rat mk(long n, long d)
{
    if (d < 0) { n = -n; d = -d; }
    long g = gcdl(n, d);
    return (rat){ n / g, d / g };
}

/* Can the numbers reach 24? int_only: every intermediate a whole number >= 0. */
static int solve(const rat *v, int n, int int_only)
{
    if (n == 1) return v[0].n == 24 && v[0].d == 1;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            rat rest[4];
            int m = 0;
            for (int k = 0; k < n; k++)
                if (k != i && k != j) rest[m++] = v[k];
            rat a = v[i], b = v[j], c[6];
            int nc = 0;
            c[nc++] = mk(a.n * b.d + b.n * a.d, a.d * b.d);
            c[nc++] = mk(a.n * b.d - b.n * a.d, a.d * b.d);
            c[nc++] = mk(b.n * a.d - a.n * b.d, a.d * b.d);
            c[nc++] = mk(a.n * b.n, a.d * b.d);
            if (b.n) c[nc++] = mk(a.n * b.d, a.d * b.n);
            if (a.n) c[nc++] = mk(b.n * a.d, b.d * a.n);
            for (int k = 0; k < nc; k++) {
                if (int_only && (c[k].d != 1 || c[k].n < 0)) continue;
                rest[m] = c[k];
                if (solve(rest, m + 1, int_only)) return 1;
            }
        }
    return 0;
}

int g24_value_of(const int *v, int n)
{
    rat r[4];
    for (int i = 0; i < n && i < 4; i++) r[i] = (rat){ v[i], 1 };
    if (solve(r, n, 1)) return G24_SURE;
    if (solve(r, n, 0)) return G24_LIKELY;
    return G24_IMPOSSIBLE;
}

const char *g24_value_name(int value)
{
    return value == G24_SURE ? "sure" : value == G24_LIKELY ? "likely" : "impossible";
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

typedef struct { int a, b, r, i, j; char op; } step;

/* Every whole-number step on v, larger operand first. */
static int list_steps(const int *v, int n, step *out)
{
    int ns = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j || v[i] < v[j] || (v[i] == v[j] && i > j)) continue;
            int a = v[i], b = v[j];
            step s = { a, b, 0, i, j, '+' };
            s.r = a + b; out[ns++] = s;
            s.op = '-'; s.r = a - b; out[ns++] = s;
            s.op = '*'; s.r = a * b; out[ns++] = s;
            if (b && a % b == 0) { s.op = '/'; s.r = a / b; out[ns++] = s; }
        }
    return ns;
}

static int apply(const int *v, int n, const step *s, int *out)
{
    int m = 0;
    for (int k = 0; k < n; k++)
        if (k != s->i && k != s->j) out[m++] = v[k];
    out[m++] = s->r;
    qsort(out, (size_t)m, sizeof *out, cmp_int);
    return m;
}

/* Chooses a step: prefer (prob. `prefer`) one that keeps 24 reachable. */
static step choose(lm_rng *r, const int *v, int n, float prefer)
{
    step all[4 * 4 * 4], good[4 * 4 * 4];
    int na = list_steps(v, n, all), ng = 0;
    if (lm_rng_float(r) < prefer) {
        for (int k = 0; k < na; k++) {
            int w[4];
            int m = apply(v, n, &all[k], w);
            if (g24_value_of(w, m) == G24_SURE) good[ng++] = all[k];
        }
    }
    return ng ? good[lm_rng_int(r, ng)] : all[lm_rng_int(r, na)];
}

static int random_state(lm_rng *r, int steps, int *v, float prefer)
{
    int n = 4;
    for (int i = 0; i < 4; i++) v[i] = lm_rng_range(r, 1, 13);
    qsort(v, 4, sizeof *v, cmp_int);
    for (int s = 0; s < steps && n > 1; s++) {
        step st = choose(r, v, n, prefer);
        int w[4];
        n = apply(v, n, &st, w);
        memcpy(v, w, sizeof w);
    }
    return n;
}

int g24_random_state(lm_rng *r, int steps, int *v)
{
    return random_state(r, steps, v, 0.7f);
}

void g24_prompt(const int *v, int n, const char *what, char *out, size_t cap)
{
    size_t k = (size_t)snprintf(out, cap, "Numbers:");
    for (int i = 0; i < n && k < cap; i++) k += (size_t)snprintf(out + k, cap - k, " %d", v[i]);
    if (k < cap) snprintf(out + k, cap - k, " %s:", what);
}

void g24_propose_example(lm_rng *r, char *prompt, char *target, size_t cap)
{
    float u = lm_rng_float(r);
    int v[4], w[4];
    int n = random_state(r, u < 0.6f ? 0 : u < 0.9f ? 1 : 2, v, 0.7f);
    g24_prompt(v, n, "Step", prompt, cap);
    step s = choose(r, v, n, 0.9f);
    int m = apply(v, n, &s, w);
    size_t k = (size_t)snprintf(target, cap, " %d %c %d = %d (left:", s.a, s.op, s.b, s.r);
    for (int i = 0; i < m && k < cap; i++) k += (size_t)snprintf(target + k, cap - k, " %d", w[i]);
    if (k < cap) snprintf(target + k, cap - k, ")");
}

void g24_value_example(lm_rng *r, char *prompt, char *target, size_t cap)
{
    int want = lm_rng_int(r, 3), v[4], n = 4, val = 0;
    for (int tries = 0; tries < 40; tries++) {
        float u = lm_rng_float(r);
        n = random_state(r, u < 0.3f ? 0 : u < 0.65f ? 1 : 2, v, 0.5f);
        val = g24_value_of(v, n);
        if (val == want) break;
    }
    g24_prompt(v, n, "Value", prompt, cap);
    snprintf(target, cap, " %s", g24_value_name(val));
}

int g24_check_step(const int *v, int n, const char *s)
{
    int a, b, res, used = 0;
    char op;
    if (sscanf(s, " %d %c %d = %d (left:%n", &a, &op, &b, &res, &used) != 4 || !used) return 0;
    long want;
    switch (op) {
    case '+': want = (long)a + b; break;
    case '-': want = (long)a - b; break;
    case '*': want = (long)a * b; break;
    case '/': if (!b || a % b) return 0; want = a / b; break;
    default: return 0;
    }
    if (want != res || want < 0) return 0;
    int rest[5], m = 0, taken[4] = { 0 }, fa = 0, fb = 0;
    for (int k = 0; k < n; k++) {
        if (!fa && v[k] == a) { fa = 1; taken[k] = 1; continue; }
        if (!fb && v[k] == b) { fb = 1; taken[k] = 1; continue; }
    }
    if (!fa || !fb) return 0;
    for (int k = 0; k < n; k++)
        if (!taken[k]) rest[m++] = v[k];
    rest[m++] = res;
    int left[8], nl = 0;
    const char *p = s + used;
    for (;;) {
        while (*p == ' ') p++;
        if (*p == ')') break;
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || nl == 8) return 0;
        left[nl++] = (int)x;
        p = end;
    }
    if (nl != m) return 0;
    qsort(rest, (size_t)m, sizeof *rest, cmp_int);
    qsort(left, (size_t)nl, sizeof *left, cmp_int);
    return !memcmp(rest, left, (size_t)m * sizeof *rest);
}

void g24_each_text(void (*fn)(void *ud, const char *text), void *ud)
{
    fn(ud, "Numbers: Step: Value: sure likely impossible (left:");
}
