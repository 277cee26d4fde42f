/* fuzz_sse: the SSE parser (models/sse.c over models/lines.c), fed in
 * chunks. Byte 0: chunk size (low 5 bits), a small line cap (0x20), a
 * callback that stops at the third event (0x40). */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "models/sse.h"

typedef struct {
    int events, stop_at;
} sse_seen;

static int on_event(void *ud, const char *ev, const char *data, size_t len)
{
    sse_seen *s = ud;
    FUZZ_CHECK(ev[0] && strlen(ev) < 64);
    FUZZ_CHECK(data[len] == '\0');
    s->events++;
    return s->stop_at && s->events >= s->stop_at ? 7 : 0;
}

void fuzz_sse(const uint8_t *d, size_t n)
{
    if (n < 1)
        return;
    uint8_t mode = d[0];
    size_t chunk = fuzz_chunk(mode);
    sse_seen seen = { 0, mode != 0xFF && (mode & 0x40) ? 3 : 0 };
    sse_parser p;
    sse_init(&p, mode != 0xFF && (mode & 0x20) ? 40 : 0, on_event, &seen);
    const char *buf = (const char *)d + 1;
    size_t left = n - 1;
    int rc = 0;
    while (left && !rc) {
        size_t k = left < chunk ? left : chunk;
        rc = sse_feed(&p, buf, k);
        buf += k;
        left -= k;
    }
    if (rc) {
        /* Once stopped, the parser stays stopped with the same value. */
        FUZZ_CHECK(sse_feed(&p, "data: x\n\n", 9) == rc);
        FUZZ_CHECK(rc != -1 || sse_error(&p) != NULL);
        FUZZ_CHECK(rc == -1 || rc == 7);
    } else {
        rc = sse_finish(&p);
        FUZZ_CHECK(rc == 0 || rc == -1 || rc == 7);
    }
    sse_done(&p);
}

FUZZ_ENTRY(fuzz_sse)
