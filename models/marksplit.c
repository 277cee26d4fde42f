/* marksplit: see marksplit.h. The mark is short (13 bytes), so at most 13
 * bytes are ever held back. */
#include "models/marksplit.h"

#include <string.h>

static const char MARK[] = "The answer is";
#define MARK_LEN (sizeof MARK - 1)

void marksplit_init(marksplit *s, int answering)
{
    memset(s, 0, sizeof *s);
    s->answering = answering;
}

int marksplit_ends_with_mark(const char *text)
{
    size_t n = strlen(text);
    while (n && text[n - 1] == ' ')
        n--;
    return n >= MARK_LEN && !memcmp(text + n - MARK_LEN, MARK, MARK_LEN);
}

/* Length of the longest suffix of buf[0..len) that is a proper prefix of
 * the mark: that much must wait for more text. */
static size_t partial_mark(const char *buf, size_t len)
{
    size_t k = len < MARK_LEN - 1 ? len : MARK_LEN - 1;
    for (; k > 0; k--)
        if (!memcmp(buf + len - k, MARK, k))
            return k;
    return 0;
}

void marksplit_feed(marksplit *s, const char *text, size_t len, marksplit_out out, void *ud)
{
    while (len) {
        if (s->answering) {
            if (s->len)
                out(ud, CH_ANSWER, s->held, s->len);
            s->len = 0;
            out(ud, CH_ANSWER, text, len);
            return;
        }
        /* Work on held + a window of text no longer than the mark. */
        char buf[sizeof s->held + MARK_LEN];
        size_t take = len < MARK_LEN ? len : MARK_LEN;
        memcpy(buf, s->held, s->len);
        memcpy(buf + s->len, text, take);
        size_t n = s->len + take;
        text += take;
        len -= take;
        s->len = 0;

        char *at = NULL;
        for (size_t i = 0; i + MARK_LEN <= n; i++)
            if (!memcmp(buf + i, MARK, MARK_LEN)) {
                at = buf + i;
                break;
            }
        if (at) {
            size_t before = (size_t)(at - buf);
            if (before)
                out(ud, CH_THINKING, buf, before);
            s->answering = 1;
            out(ud, CH_ANSWER, at, n - before);
            continue;
        }
        size_t keep = partial_mark(buf, n);
        if (n - keep)
            out(ud, CH_THINKING, buf, n - keep);
        memcpy(s->held, buf + n - keep, keep);
        s->len = keep;
    }
}

void marksplit_flush(marksplit *s, marksplit_out out, void *ud)
{
    if (s->len)
        out(ud, s->answering ? CH_ANSWER : CH_THINKING, s->held, s->len);
    s->len = 0;
}
