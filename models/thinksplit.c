/* thinksplit: see thinksplit.h.
 *
 * Invariant: hold[0..nhold) is a proper prefix of a tag that is live in the
 * current state ("<think>" or "</think>" outside, "</think>" inside). */
#include "models/thinksplit.h"
#include <string.h>

static const char OPEN[] = "<think>", CLOSE[] = "</think>";

void thinksplit_init(thinksplit *t, thinksplit_fn fn, void *ud)
{
    memset(t, 0, sizeof *t);
    t->fn = fn;
    t->ud = ud;
}

static void emit(thinksplit *t, const char *s, size_t n)
{
    if (n && t->fn)
        t->fn(t->ud, t->in_think ? CH_THINKING : CH_ANSWER, s, n);
}

/* Is s[0..n) a proper prefix of a tag live in this state? */
static int partial_tag(const thinksplit *t, const char *s, size_t n)
{
    if (n < sizeof CLOSE - 1 && !memcmp(s, CLOSE, n))
        return 1;
    return !t->in_think && n < sizeof OPEN - 1 && !memcmp(s, OPEN, n);
}

/* Length of a whole tag at s[0..n): returns the tag length, sets *open. */
static size_t whole_tag(const thinksplit *t, const char *s, size_t n, int *open)
{
    if (n >= sizeof CLOSE - 1 && !memcmp(s, CLOSE, sizeof CLOSE - 1)) {
        *open = 0;
        return sizeof CLOSE - 1;
    }
    if (!t->in_think && n >= sizeof OPEN - 1 && !memcmp(s, OPEN, sizeof OPEN - 1)) {
        *open = 1;
        return sizeof OPEN - 1;
    }
    return 0;
}

/* Scans buf, emitting text runs and switching state at tags; returns how
 * many bytes at the end were left unconsumed as a possible partial tag. */
static size_t scan(thinksplit *t, const char *buf, size_t n)
{
    size_t start = 0, i = 0;
    while (i < n) {
        if (buf[i] != '<') {
            i++;
            continue;
        }
        int open;
        size_t k = whole_tag(t, buf + i, n - i, &open);
        if (k) {
            emit(t, buf + start, i - start);
            t->in_think = open;
            i += k;
            start = i;
        } else if (partial_tag(t, buf + i, n - i)) {
            emit(t, buf + start, i - start);
            return n - i;
        } else {
            i++;
        }
    }
    emit(t, buf + start, n - start);
    return 0;
}

void thinksplit_feed(thinksplit *t, const char *s, size_t n)
{
    /* Complete the held prefix with as few new bytes as decide it. */
    while (t->nhold && n) {
        char tmp[sizeof CLOSE];
        size_t take = sizeof CLOSE - 1 - t->nhold;
        if (take > n)
            take = n;
        memcpy(tmp, t->hold, t->nhold);
        memcpy(tmp + t->nhold, s, take);
        size_t tn = t->nhold + take;
        int open;
        size_t k = whole_tag(t, tmp, tn, &open);
        if (k) {                    /* the tag completed */
            t->in_think = open;
            size_t from_s = k - t->nhold;
            t->nhold = 0;
            s += from_s;
            n -= from_s;
        } else if (partial_tag(t, tmp, tn)) {
            memcpy(t->hold, tmp, tn);   /* still undecided; all of s used */
            t->nhold = tn;
            return;
        } else {
            /* Not a tag: release the first held byte as text and rescan
             * the rest of the hold (it may itself start a tag). */
            emit(t, t->hold, 1);
            char rest[sizeof t->hold];
            size_t rn = t->nhold - 1;
            memcpy(rest, t->hold + 1, rn);
            t->nhold = 0;
            size_t left = scan(t, rest, rn);
            if (left) {
                memcpy(t->hold, rest + rn - left, left);
                t->nhold = left;
            }
        }
    }
    if (!n)
        return;
    size_t left = scan(t, s, n);
    memcpy(t->hold, s + n - left, left);
    t->nhold = left;
}

void thinksplit_flush(thinksplit *t)
{
    emit(t, t->hold, t->nhold);
    t->nhold = 0;
}
