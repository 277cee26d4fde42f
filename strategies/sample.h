/* sample: N whole answers to the problem, drawn through the one batch
 * runner (gen.h), which adds a node per sample and turns the model's
 * callbacks into events, so every strategy streams the same way. Which
 * task and model draw chains how (a Game of 24 chain on the built-in
 * model) is the strategies' choice (search_chains), not this file's. */
#ifndef PONDER_SAMPLE_H
#define PONDER_SAMPLE_H
#include "strategies/strategy.h"

/* ctx->cancel holds 0 (run on), CANCEL_USER, or CANCEL_ENOUGH: a strategy's
 * own request to stop the batch in flight (early stop). The model treats
 * both as "stop"; only CANCEL_USER ends the run as cancelled. */
enum { CANCEL_USER = 1, CANCEL_ENOUGH = 2 };

/* Called as each sample that finished, failed or was truncated ends, with
 * its node id, its end, and its extracted answer ("" unless it finished:
 * only a finished sample may vote). Not called for a cancelled or pruned
 * sample. Runs on the run thread inside model_generate. */
typedef void (*sample_done_fn)(strategy_ctx *ctx, int node, const char *answer,
                               node_status st, void *ud);
/* Reads a whole chain's answer for the task into out ("" if none). */
typedef void (*sample_answer_fn)(const strategy_ctx *ctx, const char *text, char *out,
                                 size_t cap);

typedef struct {
    prompt_style style;
    int n;
    double temperature;
    int parent;             /* node the samples hang from */
    node_kind kind;         /* NODE_SAMPLE for sc, NODE_ANSWER for single shots */
    sample_done_fn on_done; /* may be NULL */
    sample_answer_fn answer;/* may be NULL: samples get no answer */
    void *ud;
} sample_spec;

typedef struct {
    int first_node;         /* node id of sample 0; samples are consecutive */
    int finished;           /* ended on their own (stop) */
    int truncated;          /* cut off by the length limit: no vote */
    int failed;             /* ended with an error */
    int cancelled;          /* cut short by cancel or early stop */
} sample_outcome;

/* Draws the samples of the word-problem or Game of 24 prompt in the
 * spec's style. If any were cut off by the length limit, says how many in
 * a notice. Returns 0, or -1 if the batch could not start. */
int sample_run(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out);
/* The notice for samples cut off by the length limit (none if cut is 0). */
void sample_truncated_notice(strategy_ctx *ctx, int cut, int n);

/* Adds spec->n nodes ("sample i", or "answer" for one) under spec->parent;
 * returns the first id (the rest follow). */
int sample_add_nodes(strategy_ctx *ctx, const sample_spec *spec);
/* The events for a model's retry (a retryable error) and notice (said
 * once per run for the same text); every batch runner uses these. */
void sample_retry(strategy_ctx *ctx, int attempt, int max_attempts, double delay_s,
                  const char *why);
void sample_notice(strategy_ctx *ctx, const char *msg);

/* Emits ev: applies it to ctx->trace, then hands it to the sink. */
void strategy_emit(strategy_ctx *ctx, const event *ev);
long strategy_now_ms(void);

#endif
