/* fuzz_openai: an OpenAI-compatible stream as the backend reads it: SSE
 * (models/sse.c) into openai_decode_event (models/openai.c) into the
 * replies (models/reply.c, utf8.c, thinksplit.c).
 * Byte 0: chunk size (fuzz_chunk). Byte 1: samples (low 2 bits + 1),
 * native n (0x04), the rest as one non-streamed JSON reply (0x08). */
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/sink.h"

#include "models/decode.h"
#include "models/sse.h"

typedef struct {
    openai_stream st;
    char err[512];
    int failed;
} oa_feed;

static int on_event(void *ud, const char *ev, const char *data, size_t len)
{
    oa_feed *f = ud;
    if (openai_decode_event(&f->st, ev, data, len, f->err, sizeof f->err)) {
        FUZZ_CHECK(f->err[0]);
        f->failed = 1;
        return 1;
    }
    FUZZ_CHECK(f->st.max_index >= -1);
    return 0;
}

void fuzz_openai(const uint8_t *d, size_t n)
{
    if (n < 2)
        return;
    size_t chunk = fuzz_chunk(d[0]);
    int nrep = (d[1] & 3) + 1, native = (d[1] & 4) != 0, whole = (d[1] & 8) != 0;
    const char *buf = (const char *)d + 2;
    size_t left = n - 2;

    fuzz_sink fs;
    model_sink sink = fuzz_sink_make(&fs);
    reply replies[SINK_MAX];
    for (int i = 0; i < nrep; i++)
        reply_init(&replies[i], &sink, 0, i);
    oa_feed f = { .failed = 0 };
    f.err[0] = '\0';
    openai_stream_init(&f.st, replies, nrep, native);
    if (whole) {
        char *s = fuzz_str((const uint8_t *)buf, left);
        on_event(&f, "message", s, strlen(s));
        free(s);
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
    for (int i = 0; i < nrep; i++) {
        if (f.failed)
            reply_fail(&replies[i], 0, f.err);
        reply_end(&replies[i], FINISH_STOP);
    }
    for (int i = 0; i < nrep; i++)
        FUZZ_CHECK(fs.done[i] == 1);
}

FUZZ_ENTRY(fuzz_openai)
