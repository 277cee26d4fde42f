/* fuzz_ollama: an Ollama stream as the backend reads it: NDJSON
 * (models/ndjson.c) into ollama_decode_line (models/ollama.c) into one
 * reply (models/reply.c, utf8.c, thinksplit.c). Byte 0: chunk size. */
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/sink.h"

#include "models/decode.h"
#include "models/ndjson.h"

typedef struct {
    reply r;
    int saw_done, failed;
    char err[512];
} ol_feed;

static int on_line(void *ud, const char *line, size_t len)
{
    ol_feed *f = ud;
    if (ollama_decode_line(&f->r, &f->saw_done, line, len, f->err, sizeof f->err)) {
        FUZZ_CHECK(f->err[0]);
        f->failed = 1;
        return 1;
    }
    return 0;
}

void fuzz_ollama(const uint8_t *d, size_t n)
{
    if (n < 1)
        return;
    size_t chunk = fuzz_chunk(d[0]);
    const char *buf = (const char *)d + 1;
    size_t left = n - 1;

    fuzz_sink fs;
    model_sink sink = fuzz_sink_make(&fs);
    ol_feed f = { .saw_done = 0 };
    reply_init(&f.r, &sink, 0, 0);
    ndjson_parser p;
    ndjson_init(&p, 0, on_line, &f);
    int rc = 0;
    while (left && !rc) {
        size_t k = left < chunk ? left : chunk;
        rc = ndjson_feed(&p, buf, k);
        buf += k;
        left -= k;
    }
    if (!rc)
        ndjson_finish(&p);
    ndjson_done(&p);
    if (f.failed)
        reply_fail(&f.r, 0, f.err);
    reply_end(&f.r, FINISH_STOP);
    FUZZ_CHECK(fs.done[0] == 1);
}

FUZZ_ENTRY(fuzz_ollama)
