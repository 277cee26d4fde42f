/* fuzz_ndjson: the NDJSON line splitter (models/ndjson.c over
 * models/lines.c), fed in chunks. Byte 0 as in fuzz_sse. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "models/ndjson.h"

typedef struct {
    int lines, stop_at;
    size_t max;
} nd_seen;

static int on_line(void *ud, const char *line, size_t len)
{
    nd_seen *s = ud;
    FUZZ_CHECK(len > 0 && len <= s->max);
    FUZZ_CHECK(line[len] == '\0');
    FUZZ_CHECK(!memchr(line, '\n', len) && !memchr(line, '\r', len));
    s->lines++;
    return s->stop_at && s->lines >= s->stop_at ? 7 : 0;
}

void fuzz_ndjson(const uint8_t *d, size_t n)
{
    if (n < 1)
        return;
    uint8_t mode = d[0];
    size_t chunk = fuzz_chunk(mode);
    size_t max = mode != 0xFF && (mode & 0x20) ? 40 : NDJSON_DEFAULT_MAX_LINE;
    nd_seen seen = { 0, mode != 0xFF && (mode & 0x40) ? 3 : 0, max };
    ndjson_parser p;
    ndjson_init(&p, max, on_line, &seen);
    const char *buf = (const char *)d + 1;
    size_t left = n - 1;
    int rc = 0;
    while (left && !rc) {
        size_t k = left < chunk ? left : chunk;
        rc = ndjson_feed(&p, buf, k);
        buf += k;
        left -= k;
    }
    if (rc) {
        FUZZ_CHECK(ndjson_feed(&p, "{}\n", 3) == rc);
        FUZZ_CHECK(rc != -1 || ndjson_error(&p) != NULL);
        FUZZ_CHECK(rc == -1 || rc == 7);
    } else {
        rc = ndjson_finish(&p);
        FUZZ_CHECK(rc == 0 || rc == -1 || rc == 7);
    }
    ndjson_done(&p);
}

FUZZ_ENTRY(fuzz_ndjson)
