/* reply: one sample's reply as it streams from a backend to the sink.
 *
 * Backends hand it raw text fields as decoded from the wire; it cleans
 * them (utf8: invalid bytes become U+FFFD, controls are dropped, a
 * multibyte character split across deltas is held until complete), routes
 * inline <think> blocks of the answer field to the thinking channel
 * (thinksplit), counts tokens, and calls on_delta / on_done exactly as
 * model.h promises: on_done once, after the last delta. */
#ifndef PONDER_REPLY_H
#define PONDER_REPLY_H
#include "models/model.h"
#include "models/thinksplit.h"
#include "tutor/utf8.h"

typedef struct {
    const model_sink *sink;
    int req, sample;
    utf8_stream u_answer, u_think;
    thinksplit split;
    int pending_tokens;         /* counted but not yet reported in a delta */
    long tokens_in, tokens_out, thinking_tokens;
    long usage_in, usage_out, usage_thinking;   /* -1 until the server says */
    model_finish finish;
    int has_finish;             /* the server said why it stopped */
    int has_text;               /* any delta reached the sink */
    int ended;
    int http_status;
    char error[768];            /* first error, "" if none */
    /* Set after reply_init, both optional. */
    const char *secret;         /* a key decoders keep out of error text */
    size_t max_bytes;           /* text cap of this sample, 0 = none */
    size_t bytes;               /* text bytes taken so far */
    int capped;                 /* max_bytes reached: the sample ends as
                                   FINISH_LENGTH and takes no more text */
} reply;

/* Calls sink->on_delta (if any) with a NUL-terminated copy of s[0..n),
 * valid during the call. Backends that stream without a reply use it too. */
void reply_emit(const model_sink *sink, int req, int sample, channel ch,
                const char *s, size_t n, int tokens, double logprob);

void reply_init(reply *r, const model_sink *sink, int req, int sample);
/* One delta as the server sent it. ch CH_ANSWER goes through thinksplit;
 * CH_THINKING is a separate reasoning field. Counts one token if n > 0.
 * Once the sample's text passes max_bytes, it is capped: later text is
 * dropped and the finish becomes FINISH_LENGTH, as if the server had
 * stopped it at its length limit. */
void reply_text(reply *r, channel ch, const char *s, size_t n);
void reply_finish_reason(reply *r, model_finish f);
/* The server's counters; pass -1 for one it did not give. */
void reply_usage(reply *r, long in, long out, long thinking);
/* Records an error (the first one wins). */
void reply_fail(reply *r, int http_status, const char *msg);
/* Flushes held text and calls on_done once: FINISH_ERROR if an error was
 * recorded, else `how` (FINISH_STOP means "use the server's reason, or
 * stop"). Returns 1 if the sample ended in error. Later calls do nothing
 * and return 0. */
int reply_end(reply *r, model_finish how);
/* After a batch: ends with `why` every sample still open. replies[0..made)
 * are the samples whose reply was made (ended only if still open); the rest
 * of the batch's samples, counted over reqs, get on_done directly. replies
 * may be NULL with made 0. Returns how many samples ended here in error. */
int reply_end_unstarted(reply *replies, int made, const model_request *reqs, int n_reqs,
                        const model_sink *sink, const char *why);

#endif
