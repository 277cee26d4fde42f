/* rational: exact fractions; see rational.h for the invariant. */
#include "tutor/rational.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

rat_u128 rat_gcd(rat_u128 a, rat_u128 b)
{
    while (b) {
        u128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* n/d reduced into *out when it fits the invariant. */
static int norm(i128 n, i128 d, rat *out)
{
    if (d == 0)
        return -1;
    int neg = (n < 0) != (d < 0);
    u128 un = n < 0 ? (u128)0 - (u128)n : (u128)n;
    u128 ud = d < 0 ? (u128)0 - (u128)d : (u128)d;
    u128 g = rat_gcd(un, ud);
    if (g > 1) {
        un /= g;
        ud /= g;
    }
    if (un == 0)
        ud = 1;
    if (un > (u128)LLONG_MAX || ud > (u128)LLONG_MAX)
        return -1;
    out->num = neg ? -(long long)un : (long long)un;
    out->den = (long long)ud;
    return 0;
}

rat rat_of(long long n)
{
    rat r = { n == LLONG_MIN ? -LLONG_MAX : n, 1 };
    return r;
}

int rat_make(long long num, long long den, rat *out)
{
    if (num == LLONG_MIN || den == LLONG_MIN)
        return -1;
    return norm(num, den, out);
}

/* |products| < 2^126, so the sums below cannot overflow 128 bits. */
int rat_add(rat a, rat b, rat *out)
{
    return norm((i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den, out);
}

int rat_sub(rat a, rat b, rat *out)
{
    return norm((i128)a.num * b.den - (i128)b.num * a.den, (i128)a.den * b.den, out);
}

int rat_mul(rat a, rat b, rat *out)
{
    return norm((i128)a.num * b.num, (i128)a.den * b.den, out);
}

int rat_div(rat a, rat b, rat *out)
{
    return norm((i128)a.num * b.den, (i128)a.den * b.num, out);
}

int rat_pow(rat a, int e, rat *out)
{
    rat base = a, acc = rat_of(1);
    unsigned long long k = e < 0 ? (unsigned long long)-(long long)e : (unsigned long long)e;
    if (e < 0 && rat_div(rat_of(1), a, &base))
        return -1;
    if (a.num == 0 || (a.num == 1 && a.den == 1)) {   /* no need to loop 2^31 times */
        *out = e == 0 ? rat_of(1) : base;
        return 0;
    }
    if (a.num == -1 && a.den == 1) {
        *out = rat_of(k % 2 ? -1 : 1);
        return 0;
    }
    while (k) {
        if ((k & 1) && rat_mul(acc, base, &acc))
            return -1;
        k >>= 1;
        if (k && rat_mul(base, base, &base))
            return -1;
    }
    *out = acc;
    return 0;
}

rat rat_neg(rat a)
{
    a.num = -a.num;
    return a;
}

rat rat_abs(rat a)
{
    if (a.num < 0)
        a.num = -a.num;
    return a;
}

int rat_cmp(rat a, rat b)
{
    i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;
    return l < r ? -1 : l > r;
}

int rat_eq(rat a, rat b)
{
    return a.num == b.num && a.den == b.den;
}

int rat_is_int(rat a)
{
    return a.den == 1;
}

int rat_round(rat a, int decimals, rat *out)
{
    if (decimals < 0 || decimals > 18)
        return -1;
    i128 scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    /* round(|num| * scale / den) = floor((2 |num| scale + den) / (2 den)) */
    i128 n = a.num < 0 ? -(i128)a.num : a.num;
    i128 q = (2 * n * scale + a.den) / (2 * (i128)a.den);
    return norm(a.num < 0 ? -q : q, scale, out);
}

static int isdig(char c)
{
    return c >= '0' && c <= '9';
}

int rat_scan(const char *s, size_t n, int commas, size_t *used, rat *out, int *decimals)
{
    size_t i = 0;
    i128 v = 0, scale = 1;
    int over = 0, dec = 0, any = 0;
    while (i < n && isdig(s[i])) {
        any = 1;
        v = v * 10 + (s[i++] - '0');
        if (v > LLONG_MAX) {
            over = 1;
            v = 0;
        }
        /* a thousands group: ",ddd" not followed by another digit */
        if (commas && i + 3 < n && s[i] == ',' && isdig(s[i + 1]) && isdig(s[i + 2])
            && isdig(s[i + 3]) && (i + 4 >= n || !isdig(s[i + 4])))
            i++;
    }
    if (i + 1 < n && s[i] == '.' && isdig(s[i + 1])) {
        i++;
        while (i < n && isdig(s[i])) {
            any = 1;
            if (dec < 18) {
                v = v * 10 + (s[i] - '0');
                scale *= 10;
                dec++;
                if (v > LLONG_MAX) {
                    over = 1;
                    v = 0;
                }
            } else if (s[i] != '0') {
                over = 1;   /* more precision than we can hold */
            }
            i++;
        }
    }
    if (!any)
        return 1;
    *used = i;
    if (decimals)
        *decimals = dec;
    if (over)
        return -1;
    return norm(v, scale, out);
}

int rat_parse(const char *s, rat *out)
{
    if (!s)
        return -1;
    size_t n = strlen(s), i = 0, used;
    int neg = 0, d;
    rat a, b;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (rat_scan(s + i, n - i, 1, &used, &a, &d))
        return -1;
    i += used;
    if (i < n && s[i] == '/') {
        i++;
        if (rat_scan(s + i, n - i, 1, &used, &b, &d) || rat_div(a, b, &a))
            return -1;
        i += used;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i != n)
        return -1;
    *out = neg ? rat_neg(a) : a;
    return 0;
}

int rat_format(rat a, char *out, size_t cap)
{
    if (a.den == 1)
        return snprintf(out, cap, "%lld", a.num);
    return snprintf(out, cap, "%lld/%lld", a.num, a.den);
}

int rat_format_decimal(rat a, int max_decimals, char *out, size_t cap)
{
    /* the least k with den | 10^k */
    long long scale = 1;
    int k = 0;
    while (scale % a.den != 0) {
        if (k >= max_decimals || k >= 18) {
            if (cap)
                out[0] = '\0';
            return -1;
        }
        scale *= 10;
        k++;
    }
    i128 n = (i128)a.num * (scale / a.den);
    i128 m = n < 0 ? -n : n;
    long long ip = (long long)(m / scale), fp = (long long)(m % scale);
    if (k == 0)
        return snprintf(out, cap, "%lld", a.num);
    return snprintf(out, cap, "%s%lld.%0*lld", n < 0 ? "-" : "", ip, k, fp);
}
