/* anthropic_events: decodes the events of Anthropic's streamed Messages
 * API, one SSE event at a time, into what a reply needs: text on a
 * channel, the stop reason, usage and errors. No I/O and no allocation
 * the caller must manage beyond anthropic_ev_done, so it can be fed
 * recorded streams (and fuzzed) on its own.
 *
 * The stream is: message_start (usage.input_tokens), then per content
 * block content_block_start (type text | thinking | redacted_thinking |
 * others), content_block_delta (delta.type text_delta -> CH_ANSWER,
 * thinking_delta -> CH_THINKING, signature_delta kept here and never
 * shown, input_json_delta ignored), content_block_stop; then message_delta
 * (delta.stop_reason, usage.output_tokens) and message_stop. ping and event
 * types this decoder does not know are ignored, as the API's versioning
 * policy asks. An error event ends the stream. */
#ifndef PONDER_ANTHROPIC_EVENTS_H
#define PONDER_ANTHROPIC_EVENTS_H
#include <stddef.h>
#include "models/model.h"

/* What the decoder reports, all optional (NULL callbacks are skipped).
 * Strings are valid during the call only; text is the server's bytes as
 * decoded from JSON (not yet sanitized) and may hold invalid UTF-8. */
typedef struct {
    void *ud;
    void (*on_text)(void *ud, channel ch, const char *s, size_t n);
    void (*on_stop)(void *ud, model_finish why);
    /* -1 for a counter the event did not carry. */
    void (*on_usage)(void *ud, long tokens_in, long tokens_out);
} anthropic_ev_sink;

typedef enum {
    AEV_OK,         /* go on */
    AEV_END,        /* message_stop: the reply is complete */
    AEV_ERROR,      /* an error event; see err, err_type, retryable */
    AEV_BAD         /* data that is not a usable event; see err */
} anthropic_ev_status;

typedef struct {
    int started;                /* message_start seen */
    int ended;                  /* message_stop seen */
    int block;                  /* index of the open content block, -1 none */
    char block_type[24];        /* its type, "" if none */
    int events;                 /* events decoded */
    size_t text_bytes, thinking_bytes;  /* delta bytes per channel */
    int redacted;               /* redacted_thinking blocks seen */
    char *signature;            /* signature_delta text joined; never shown */
    size_t signature_len;
    int retryable;              /* the error was overloaded_error */
    char err_type[48];          /* the error's type, e.g. "overloaded_error" */
    char err[320];              /* a one-line description of an error */
    const char *secret;         /* a key to keep out of err; NULL if none */
} anthropic_ev;

void anthropic_ev_init(anthropic_ev *st);
void anthropic_ev_done(anthropic_ev *st);       /* frees the signature */

/* One SSE event: its name ("message" when the stream gave none) and its
 * data, data[0..len) (need not be NUL-terminated). The event's type is
 * data's "type" field, else the SSE name. After AEV_ERROR or AEV_BAD the
 * caller should stop feeding. */
anthropic_ev_status anthropic_ev_feed(anthropic_ev *st, const char *name,
                                      const char *data, size_t len,
                                      const anthropic_ev_sink *sink);

/* A whole non-streamed Message object (a server that ignored "stream"):
 * its content blocks, stop_reason and usage, as if streamed. Returns
 * AEV_END, AEV_ERROR for an error object, or AEV_BAD. */
anthropic_ev_status anthropic_ev_message(anthropic_ev *st, const char *data,
                                         size_t len, const anthropic_ev_sink *sink);

/* Maps stop_reason: end_turn, stop_sequence (and others) -> FINISH_STOP,
 * max_tokens -> FINISH_LENGTH. */
model_finish anthropic_ev_finish(const char *stop_reason);

#endif
