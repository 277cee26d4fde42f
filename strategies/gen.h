/* gen: one batch of model calls for a search strategy.
 *
 * sample.c draws N answers to the problem; a search needs more shapes than
 * that in one batch: k next steps under each of B different nodes, or v
 * value judgements of states that get no node of their own. gen runs any
 * mix of those as one model_generate call (one batched forward pass on the
 * built-in model, concurrent transfers over HTTP), streams the text of
 * node-backed items into their nodes, and hands every sample's whole text
 * back to the strategy. */
#ifndef PONDER_GEN_H
#define PONDER_GEN_H
#include "strategies/strategy.h"

/* gen_item.parent for a call that gets no node: a value or judge call. */
enum { GEN_HIDDEN = -2 };

typedef struct {
    const prompt *prompt;   /* borrowed for the call */
    int n;                  /* samples (>= 1) */
    int parent;             /* node the samples hang from, or GEN_HIDDEN */
    node_kind kind;         /* for node-backed items */
    const char *label;      /* node label; NULL: "step" */
} gen_item;

typedef struct {
    double temperature;
    int max_tokens;         /* <= 0: the run's default */
    const char *const *stop;
    int n_stop;
} gen_opts;

typedef struct {
    int item;               /* index into the items */
    int node;               /* node id, or -1 for hidden items */
    char *text;             /* owned: the sample's answer-channel text (or
                             * its thinking, if it put nothing else) */
    model_finish finish;
    int stopped;            /* ended on a stop string or end of text */
    int tokens;             /* tokens out */
    double logprob;         /* summed; valid when has_logprob */
    int has_logprob;
} gen_out;

/* Runs the items as one batch. out must hold the sum of the items' n; it is
 * filled in item order, samples consecutive. Node-backed samples get their
 * nodes (consecutive ids, in the same order), streamed text, and a final
 * status: done, failed or cancelled. Returns the number of samples that
 * ended in an error, or -1 if nothing could be started. The caller frees
 * the texts with gen_out_free. */
int gen_run(strategy_ctx *ctx, const gen_item *items, int n_items,
            const gen_opts *o, gen_out *out);
void gen_out_free(gen_out *out, int n);
/* Total samples of the items. */
int gen_count(const gen_item *items, int n_items);

#endif
