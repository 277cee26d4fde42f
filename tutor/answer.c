/* answer: find the final answer in a model's text and normalize it.
 *
 * Canonical form (what answer_normalize writes, and what tallies compare):
 *   - integers as plain digits with an optional '-': "1234", "-5", "0";
 *   - other rationals with a terminating decimal as that exact decimal,
 *     without trailing zeros: "0.75" (from "3/4", "6/8", "\frac{3}{4}",
 *     "0.750"), "3.5" (from "$3.50");
 *   - other rationals as a reduced fraction: "1/3" (from "2/6");
 *   - a percentage keeps its sign: "75%".
 * Numbers too long for 64-bit arithmetic keep their digits, minus grouping
 * commas, leading zeros and trailing fractional zeros. */
#include "tutor/answer.h"
#include "tutor/rational.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *p;
    size_t n;
} span;

/* A number as written: a decimal, possibly over another (a/b, \frac{a}{b}). */
typedef struct {
    int neg, percent, has_den;
    span ip, fp;    /* integer digits (may hold grouping commas), fraction digits */
    span dip, dfp;  /* the denominator's, when has_den */
    const char *end;
} numtok;

static int isdig(int c) { return c >= '0' && c <= '9'; }
static int isalnum_ascii(int c) { return isdig(c) || ((c | 32) >= 'a' && (c | 32) <= 'z'); }

static int starts(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* '-', '+' or U+2212 MINUS SIGN; advances *q and sets *neg. */
static int take_sign(const char **q, const char *end, int *neg)
{
    if (*q < end && (**q == '-' || **q == '+')) {
        *neg ^= **q == '-';
        (*q)++;
        return 1;
    }
    if (starts(*q, end, "\xE2\x88\x92")) {
        *neg ^= 1;
        *q += 3;
        return 1;
    }
    return 0;
}

static int take_currency(const char **q, const char *end)
{
    static const char *const cur[] = { "$", "\\$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5" };
    for (size_t i = 0; i < sizeof cur / sizeof cur[0]; i++)
        if (starts(*q, end, cur[i])) {
            *q = skip_blanks(*q + strlen(cur[i]), end);
            return 1;
        }
    return 0;
}

/* Digits with optional grouping commas (",ddd" only), then ".digits". */
static const char *take_decimal(const char *p, const char *end, span *ip, span *fp)
{
    const char *q = p;
    while (q < end && isdig(*q))
        q++;
    /* grouping: ",ddd", or LaTeX's "{,}ddd" */
    for (size_t g; q > p; q += g + 3) {
        g = *q == ',' ? 1 : starts(q, end, "{,}") ? 3 : 0;
        if (!g || end - q < (ptrdiff_t)g + 3 || !isdig(q[g]) || !isdig(q[g + 1]) ||
            !isdig(q[g + 2]) || (end - q > (ptrdiff_t)g + 3 && isdig(q[g + 3])))
            break;
    }
    *ip = (span){ p, (size_t)(q - p) };
    *fp = (span){ q, 0 };
    if (end - q >= 2 && q[0] == '.' && isdig(q[1])) {
        const char *f = ++q;
        while (q < end && isdig(*q))
            q++;
        *fp = (span){ f, (size_t)(q - f) };
    }
    return ip->n || fp->n ? q : NULL;
}

static int all_zero(span ip, span fp)
{
    for (size_t i = 0; i < ip.n; i++)
        if (isdig(ip.p[i]) && ip.p[i] != '0')
            return 0;
    for (size_t i = 0; i < fp.n; i++)
        if (fp.p[i] != '0')
            return 0;
    return 1;
}

/* "{ [sign] decimal }" inside \frac. */
static const char *take_braced(const char *q, const char *end, int *neg, span *ip, span *fp)
{
    q = skip_blanks(q, end);
    if (q >= end || *q != '{')
        return NULL;
    q = skip_blanks(q + 1, end);
    take_sign(&q, end, neg);
    if (!(q = take_decimal(q, end, ip, fp)))
        return NULL;
    q = skip_blanks(q, end);
    return q < end && *q == '}' ? q + 1 : NULL;
}

static const char *take_latex_frac(const char *q, const char *end, numtok *t)
{
    static const char *const cmd[] = { "\\frac", "\\dfrac", "\\tfrac" };
    for (size_t i = 0; i < sizeof cmd / sizeof cmd[0]; i++) {
        if (!starts(q, end, cmd[i]))
            continue;
        const char *r = take_braced(q + strlen(cmd[i]), end, &t->neg, &t->ip, &t->fp);
        if (r)
            r = take_braced(r, end, &t->neg, &t->dip, &t->dfp);
        if (!r || all_zero(t->dip, t->dfp))
            return NULL;
        t->has_den = 1;
        return r;
    }
    return NULL;
}

static const char *take_percent(const char *q, const char *end, int *percent)
{
    const char *r = skip_blanks(q, end);
    if (starts(r, end, "%") || starts(r, end, "\\%")) {
        *percent = 1;
        return r + (*r == '%' ? 1 : 2);
    }
    if (r > q && end - r >= 7 && strncasecmp(r, "percent", 7) == 0 &&
        (end - r == 7 || !isalnum_ascii(r[7]))) {
        *percent = 1;
        return r + 7;
    }
    return q;
}

/* Parses a number starting exactly at p. `start` is the beginning of the
 * whole text: a number never starts in the middle of a word ("GSM8K"). */
static int take_number(const char *start, const char *p, const char *end, numtok *t)
{
    memset(t, 0, sizeof *t);
    const char *q = p;
    int prev = p > start ? (unsigned char)p[-1] : 0;
    if (isalnum_ascii(prev) || prev == '_')
        return 0;
    int signed_ = take_sign(&q, end, &t->neg);
    int cur = take_currency(&q, end);
    if (!signed_ && cur)
        take_sign(&q, end, &t->neg);
    const char *r = take_latex_frac(q, end, t);
    if (!r) {
        if (!(r = take_decimal(q, end, &t->ip, &t->fp)))
            return 0;
        span dip, dfp;
        const char *d;
        if (r < end && *r == '/' && (d = take_decimal(r + 1, end, &dip, &dfp)) &&
            !all_zero(dip, dfp)) {
            t->has_den = 1;
            t->dip = dip;
            t->dfp = dfp;
            r = d;
        }
    }
    t->end = take_percent(r, end, &t->percent);
    return 1;
}

static int first_number(const char *start, const char *b, const char *e, numtok *t)
{
    for (const char *p = b; p < e; p++)
        if (take_number(start, p, e, t))
            return 1;
    return 0;
}

/* ---- canonical form ---- */

static const uint64_t pow10_[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
    10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

static int mul_ok(uint64_t a, uint64_t b, uint64_t *out)
{
    if (a && b > UINT64_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

/* Fraction digits without their trailing zeros ("3.50" is "3.5"). */
static span trim_frac(span fp)
{
    while (fp.n && fp.p[fp.n - 1] == '0')
        fp.n--;
    return fp;
}

/* The decimal as num/den; 0 if it does not fit in 64 bits. */
static int decimal_value(span ip, span fp, uint64_t *num, uint64_t *den)
{
    fp = trim_frac(fp);
    if (fp.n > 19)
        return 0;
    uint64_t n = 0;
    for (size_t i = 0; i < ip.n + fp.n; i++) {
        char c = i < ip.n ? ip.p[i] : fp.p[i - ip.n];
        if (!isdig(c))
            continue; /* grouping */
        if (!mul_ok(n, 10, &n) || n > UINT64_MAX - (uint64_t)(c - '0'))
            return 0;
        n += (uint64_t)(c - '0');
    }
    *num = n;
    *den = pow10_[fp.n];
    return 1;
}

/* The number as a reduced fraction num/den; 0 on overflow. */
static int token_value(const numtok *t, uint64_t *num, uint64_t *den)
{
    uint64_t a, b, c = 1, d = 1;
    if (!decimal_value(t->ip, t->fp, &a, &b))
        return 0;
    if (t->has_den && !decimal_value(t->dip, t->dfp, &c, &d))
        return 0;
    /* (a/b) / (c/d) = (a*d) / (b*c), cross-reduced first to stay small */
    uint64_t g1 = rat_gcd(a, c), g2 = rat_gcd(d, b);
    if (g1 > 1) { a /= g1; c /= g1; }
    if (g2 > 1) { d /= g2; b /= g2; }
    uint64_t n, m;
    if (!mul_ok(a, d, &n) || !mul_ok(b, c, &m) || m == 0)
        return 0;
    uint64_t g = rat_gcd(n, m);
    *num = g ? n / g : 0;
    *den = g ? m / g : 1;
    return 1;
}

/* Appends to out at *len, truncating at cap; always NUL-terminated. */
static void put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + 1 >= cap)
        return;
    if (n > cap - 1 - *len)
        n = cap - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

static void put_str(char *out, size_t cap, size_t *len, const char *s)
{
    put(out, cap, len, s, strlen(s));
}

static void put_rational(char *out, size_t cap, size_t *len, uint64_t num, uint64_t den)
{
    char buf[64];
    int e2 = 0, e5 = 0;
    uint64_t r = den;
    while (r % 2 == 0) { r /= 2; e2++; }
    while (r % 5 == 0) { r /= 5; e5++; }
    int k = e2 > e5 ? e2 : e5;
    uint64_t scaled;
    if (den == 1) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)num);
    } else if (r == 1 && k <= 19 && mul_ok(num, pow10_[k] / den, &scaled)) {
        /* den divides 10^k: num/den = scaled / 10^k exactly */
        snprintf(buf, sizeof buf, "%llu.%0*llu", (unsigned long long)(scaled / pow10_[k]), k,
                 (unsigned long long)(scaled % pow10_[k]));
    } else {
        snprintf(buf, sizeof buf, "%llu/%llu", (unsigned long long)num, (unsigned long long)den);
    }
    put_str(out, cap, len, buf);
}

/* Digits as written, minus commas, leading zeros and trailing fraction zeros. */
static void put_digits(char *out, size_t cap, size_t *len, span ip, span fp)
{
    size_t i = 0;
    while (i < ip.n && (ip.p[i] == '0' || !isdig(ip.p[i])))
        i++;
    if (i == ip.n)
        put_str(out, cap, len, "0");
    for (; i < ip.n; i++)
        if (isdig(ip.p[i]))
            put(out, cap, len, ip.p + i, 1);
    fp = trim_frac(fp);
    if (fp.n) {
        put_str(out, cap, len, ".");
        put(out, cap, len, fp.p, fp.n);
    }
}

static void format_token(const numtok *t, char *out, size_t cap)
{
    size_t len = 0;
    uint64_t num, den;
    if (cap == 0)
        return;
    out[0] = '\0';
    if (token_value(t, &num, &den)) {
        if (t->neg && num)
            put_str(out, cap, &len, "-");
        put_rational(out, cap, &len, num, den);
    } else {
        if (t->neg && !all_zero(t->ip, t->fp))
            put_str(out, cap, &len, "-");
        put_digits(out, cap, &len, t->ip, t->fp);
        if (t->has_den) {
            put_str(out, cap, &len, "/");
            put_digits(out, cap, &len, t->dip, t->dfp);
        }
    }
    if (t->percent)
        put_str(out, cap, &len, "%");
}

/* ---- extraction ---- */

static void set_empty(char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
}

/* How far after a marker the answer may be. The cap keeps extraction
 * linear on text with many markers ("answer is answer is ..."). */
enum { SEG_MAX = 256 };

/* The text after a marker: leading blanks, newlines, ':', '*' and '='
 * skipped, then up to the end of that line. */
static span line_after(const char *p, const char *end)
{
    while (p < end && (isspace((unsigned char)*p) || *p == ':' || *p == '*' || *p == '='))
        p++;
    if (end - p > SEG_MAX)
        end = p + SEG_MAX;
    const char *e = memchr(p, '\n', (size_t)(end - p));
    return (span){ p, (size_t)((e ? e : end) - p) };
}

/* Normalizes the first number in seg; 1 if there was one. */
static int take_from(const char *text, span seg, char *out, size_t cap)
{
    numtok t;
    if (!first_number(text, seg.p, seg.p + seg.n, &t))
        return 0;
    format_token(&t, out, cap);
    return 1;
}

static int word_start(const char *text, const char *p)
{
    return p == text || !isalnum_ascii((unsigned char)p[-1]);
}

/* "answer is X": "The answer is", "the final answer is", "My answer is". */
static int match_answer_is(const char *text, const char *p, const char *end, span *seg)
{
    if (end - p < 9 || strncasecmp(p, "answer is", 9) != 0 || !word_start(text, p))
        return 0;
    if (p + 9 < end && (isalnum_ascii((unsigned char)p[9]) || p[9] == '\''))
        return 0; /* "answer isn't" */
    *seg = line_after(p + 9, end);
    return 1;
}

static int match_hashes(const char *text, const char *p, const char *end, span *seg)
{
    (void)text;
    if (!starts(p, end, "####"))
        return 0;
    *seg = line_after(p + 4, end);
    return 1;
}

/* \boxed{X}, with nested braces; an unclosed box runs to the end of the line. */
static int match_boxed(const char *text, const char *p, const char *end, span *seg)
{
    (void)text;
    if (!starts(p, end, "\\boxed{"))
        return 0;
    const char *b = p + 7, *q = b;
    int depth = 1;
    if (end - b > SEG_MAX)
        end = b + SEG_MAX;
    for (; q < end && *q != '\n'; q++) {
        if (*q == '{')
            depth++;
        else if (*q == '}' && --depth == 0)
            break;
    }
    *seg = (span){ b, (size_t)(q - b) };
    return 1;
}

/* "Final answer: X", and "Answer: X" at the start of a line (after any
 * markdown such as "**" or "#"). */
static int match_final(const char *text, const char *p, const char *end, span *seg)
{
    if (!word_start(text, p))
        return 0;
    if (end - p >= 12 && strncasecmp(p, "final answer", 12) == 0) {
        *seg = line_after(p + 12, end);
        return 1;
    }
    if (end - p < 7 || strncasecmp(p, "answer", 6) != 0)
        return 0;
    const char *q = p + 6;
    while (q < end && *q == '*')
        q++;
    if (q >= end || *q != ':')
        return 0;
    const char *b = p;
    while (b > text && strchr(" \t*#>", b[-1]))
        b--;
    if (b != text && b[-1] != '\n')
        return 0;
    *seg = line_after(q + 1, end);
    return 1;
}

typedef int (*matcher)(const char *text, const char *p, const char *end, span *seg);

/* Tries the occurrences of a marker from the last to the first; the first
 * one followed by a number wins. Only the last MAX_TRIES are tried, so text
 * made of markers stays linear. */
enum { MAX_TRIES = 16 };

static int last_marked(const char *text, const char *end, matcher m, char *out, size_t cap)
{
    span seg;
    int tries = 0;
    for (const char *p = end; p-- > text && tries < MAX_TRIES;) {
        if (!m(text, p, end, &seg))
            continue;
        if (take_from(text, seg, out, cap))
            return 1;
        tries++;
    }
    return 0;
}

/* The marked forms, in DESIGN.md §6's order. */
static int marked(const char *text, const char *end, char *out, size_t cap)
{
    static const matcher stages[] = { match_answer_is, match_hashes, match_boxed, match_final };
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
        if (last_marked(text, end, stages[i], out, cap))
            return 1;
    return 0;
}

int answer_explicit(const char *text, char *out, size_t cap)
{
    set_empty(out, cap);
    return text ? marked(text, text + strlen(text), out, cap) : 0;
}

int answer_extract(const char *text, char *out, size_t cap)
{
    set_empty(out, cap);
    if (!text)
        return 0;
    const char *end = text + strlen(text);
    if (marked(text, end, out, cap))
        return 1;
    /* the last number in the text */
    numtok t, last;
    int found = 0;
    for (const char *p = text; p < end;) {
        if (take_number(text, p, end, &t)) {
            last = t;
            found = 1;
            p = t.end > p ? t.end : p + 1;
        } else {
            p++;
        }
    }
    if (found)
        format_token(&last, out, cap);
    return found;
}

int answer_normalize(const char *raw, char *out, size_t cap)
{
    set_empty(out, cap);
    if (!raw)
        return 0;
    const char *b = raw, *e = raw + strlen(raw);
    while (b < e && isspace((unsigned char)*b))
        b++;
    while (e > b && isspace((unsigned char)e[-1]))
        e--;
    numtok t;
    if (first_number(raw, b, e, &t)) {
        format_token(&t, out, cap);
        return 1;
    }
    size_t len = 0;
    if (cap)
        put(out, cap, &len, b, (size_t)(e - b));
    return 0;
}

/* ---- comparison ---- */

typedef struct {
    int ok, neg, percent;
    uint64_t num, den;
} value;

/* The value of a whole normalized answer, or ok = 0. */
static value value_of(const char *s)
{
    value v = { 0 };
    numtok t;
    const char *end = s + strlen(s);
    if (!take_number(s, s, end, &t) || t.end != end || !token_value(&t, &v.num, &v.den))
        return v;
    v.ok = 1;
    v.neg = t.neg && v.num;
    v.percent = t.percent;
    return v;
}

static int same_value(value a, value b)
{
    return a.neg == b.neg && a.num == b.num && a.den == b.den;
}

/* A percentage equals its plain number ("75%" and "75") and its fraction of
 * one ("75%" and "0.75"). */
static int percent_matches(value pct, value plain)
{
    if (same_value(pct, plain))
        return 1;
    uint64_t den;
    if (!mul_ok(pct.den, 100, &den))
        return 0;
    uint64_t g = rat_gcd(pct.num, den);
    value f = pct;
    f.num = g ? pct.num / g : 0;
    f.den = g ? den / g : 1;
    return same_value(f, plain);
}

int answer_equal(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    char na[256], nb[256];
    int ha = answer_normalize(a, na, sizeof na);
    int hb = answer_normalize(b, nb, sizeof nb);
    if (!ha || !hb)
        return !ha && !hb && strcasecmp(na, nb) == 0;
    if (strcmp(na, nb) == 0)
        return 1;
    value va = value_of(na), vb = value_of(nb);
    if (!va.ok || !vb.ok || va.percent == vb.percent)
        return 0;
    return va.percent ? percent_matches(va, vb) : percent_matches(vb, va);
}
