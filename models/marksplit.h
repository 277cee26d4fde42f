/* marksplit: splits the built-in model's output into thinking and answer.
 *
 * The built-in model writes "step. step. The answer is N." on one channel.
 * Everything before "The answer is" goes to thinking, the rest to answer,
 * whatever the chunking: text that might be the start of the mark is held
 * until the next chunk decides it. */
#ifndef PONDER_MARKSPLIT_H
#define PONDER_MARKSPLIT_H
#include <stddef.h>
#include "tutor/event.h"

typedef void (*marksplit_out)(void *ud, channel ch, const char *text, size_t len);

typedef struct {
    char held[16];          /* a possible start of the mark */
    size_t len;
    int answering;
} marksplit;

/* answering = 1 when the prompt itself ended with the mark (direct). */
void marksplit_init(marksplit *s, int answering);
void marksplit_feed(marksplit *s, const char *text, size_t len, marksplit_out out, void *ud);
/* Sends whatever is held; call when the sample ends. */
void marksplit_flush(marksplit *s, marksplit_out out, void *ud);
/* 1 if text ends with the mark (so the continuation is the answer). */
int marksplit_ends_with_mark(const char *text);

#endif
