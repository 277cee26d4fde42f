/* fuzz_anthropic: an Anthropic Messages stream as the backend reads it:
 * SSE (models/sse.c) into anthropic_ev_feed (models/anthropic_events.c).
 * Byte 0: chunk size (fuzz_chunk). Byte 1: 0x01 reads the rest as one
 * non-streamed Message object instead. Checks: after an error or bad data
 * the decoder says why; an ended stream stays ended; text lengths add up. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "models/anthropic_events.h"
#include "models/sse.h"

typedef struct {
    anthropic_ev st;
    size_t text, thinking;
    int stops, stopped;
} an_feed;

static void on_text(void *ud, channel ch, const char *s, size_t n)
{
    an_feed *f = ud;
    FUZZ_CHECK(s != NULL || n == 0);
    FUZZ_CHECK(ch == CH_THINKING || ch == CH_ANSWER);
    if (ch == CH_THINKING)
        f->thinking += n;
    else
        f->text += n;
}

static void on_stop(void *ud, model_finish why)
{
    an_feed *f = ud;
    FUZZ_CHECK(why == FINISH_STOP || why == FINISH_LENGTH || why == FINISH_ERROR ||
               why == FINISH_CANCELLED);
    f->stops++;
}

static void on_usage(void *ud, long in, long out)
{
    (void)ud;
    FUZZ_CHECK(in >= -1 && out >= -1);
}

static int on_event(void *ud, const char *ev, const char *data, size_t len)
{
    an_feed *f = ud;
    anthropic_ev_sink sink = { .ud = f, .on_text = on_text, .on_stop = on_stop,
                               .on_usage = on_usage };
    anthropic_ev_status s = anthropic_ev_feed(&f->st, ev ? ev : "message", data, len, &sink);
    if (s == AEV_ERROR || s == AEV_BAD) {
        FUZZ_CHECK(f->st.err[0]);
        f->stopped = 1;
        return 1;
    }
    if (s == AEV_END)
        FUZZ_CHECK(f->st.ended);
    return 0;
}

void fuzz_anthropic(const uint8_t *d, size_t n)
{
    if (n < 2)
        return;
    size_t chunk = fuzz_chunk(d[0]);
    int whole = d[1] & 1;
    const char *buf = (const char *)d + 2;
    size_t left = n - 2;
    an_feed f;
    memset(&f, 0, sizeof f);
    anthropic_ev_init(&f.st);
    if (whole) {
        anthropic_ev_sink sink = { .ud = &f, .on_text = on_text, .on_stop = on_stop,
                                   .on_usage = on_usage };
        anthropic_ev_status s = anthropic_ev_message(&f.st, buf, left, &sink);
        FUZZ_CHECK(s == AEV_END || s == AEV_ERROR || s == AEV_BAD);
        if (s != AEV_END)
            FUZZ_CHECK(f.st.err[0]);
    } else {
        sse_parser p;
        sse_init(&p, 0, on_event, &f);
        int rc = 0;
        while (left && !rc) {
            size_t k = left < chunk ? left : chunk;
            rc = sse_feed(&p, buf, k);
            buf += k;
            left -= k;
        }
        if (!rc)
            sse_finish(&p);
        sse_done(&p);
    }
    /* the decoder's own byte counts agree with what reached the sink */
    FUZZ_CHECK(f.st.text_bytes == f.text);
    FUZZ_CHECK(f.st.thinking_bytes == f.thinking);
    anthropic_ev_done(&f.st);
}

FUZZ_ENTRY(fuzz_anthropic)
