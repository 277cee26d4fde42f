/* sink: a model_sink for the stream targets that checks what reaches it:
 * every delta is clean UTF-8 (as tutor/utf8.h promises), answer text
 * never holds a <think> tag (models/thinksplit.h), and each sample ends
 * exactly once, after its last delta. */
#ifndef PONDER_FUZZ_SINK_H
#define PONDER_FUZZ_SINK_H
#include <string.h>

#include "models/model.h"
#include "tutor/utf8.h"
#include "tests/fuzz/fuzz.h"

#define SINK_MAX 4

typedef struct {
    int done[SINK_MAX];
} fuzz_sink;

static void sink_delta(void *ud, int req, int sample, channel ch,
                       const char *text, int tokens, double logprob)
{
    fuzz_sink *s = ud;
    (void)logprob;
    FUZZ_CHECK(req == 0 && sample >= 0 && sample < SINK_MAX);
    FUZZ_CHECK(!s->done[sample]);
    FUZZ_CHECK(tokens >= 0);
    size_t n = strlen(text);
    FUZZ_CHECK(n > 0);
    char *again = utf8_sanitize(text, n, NULL);
    FUZZ_CHECK(again && !strcmp(again, text));
    free(again);
    if (ch == CH_ANSWER)
        FUZZ_CHECK(!strstr(text, "<think>") && !strstr(text, "</think>"));
}

static void sink_done(void *ud, int req, int sample, const model_result *r)
{
    fuzz_sink *s = ud;
    FUZZ_CHECK(req == 0 && sample >= 0 && sample < SINK_MAX);
    FUZZ_CHECK(!s->done[sample]++);
    FUZZ_CHECK((r->finish == FINISH_ERROR) == (r->error != NULL));
}

static inline model_sink fuzz_sink_make(fuzz_sink *s)
{
    memset(s, 0, sizeof *s);
    model_sink k = { .ud = s, .on_delta = sink_delta, .on_done = sink_done };
    return k;
}

#endif
