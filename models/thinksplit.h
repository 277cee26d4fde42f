/* thinksplit: routes answer text that carries inline <think>...</think>
 * (DeepSeek-R1, QwQ and others served without a reasoning parser) to the
 * thinking and answer channels.
 *
 * Text outside the tags goes to CH_ANSWER, text inside to CH_THINKING; the
 * tags themselves are removed. A stray "</think>" outside a think block
 * (templates that open the block in the prompt) is removed too. Tags may be
 * split across chunks at any byte: a tail that could still become a tag is
 * held back until the next chunk or thinksplit_flush. Tags are matched
 * exactly (lower case, no spaces). */
#ifndef PONDER_THINKSPLIT_H
#define PONDER_THINKSPLIT_H
#include <stddef.h>
#include "tutor/event.h"

/* A run of text for one channel; not NUL-terminated, valid during the call. */
typedef void (*thinksplit_fn)(void *ud, channel ch, const char *text, size_t len);

typedef struct {
    thinksplit_fn fn;
    void *ud;
    int in_think;
    char hold[8];       /* a proper prefix of "<think>" or "</think>" */
    size_t nhold;
} thinksplit;

void thinksplit_init(thinksplit *t, thinksplit_fn fn, void *ud);
void thinksplit_feed(thinksplit *t, const char *s, size_t n);
/* End of text: held-back bytes are emitted as plain text. */
void thinksplit_flush(thinksplit *t);

#endif
