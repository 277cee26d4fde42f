/* gen: the one batch runner. Every model call of every strategy goes
 * through gen_run: N answers to the problem (sample.c), k next steps under
 * each of B different nodes, or v value judgements of states that get no
 * node of their own. gen runs any mix of those as one model_generate call
 * (one batched forward pass on the built-in model, concurrent transfers
 * over HTTP), streams the text of node-backed items into their nodes, ends
 * each node with one status by one rule, and hands every sample's whole
 * text back to the strategy.
 *
 * The rule for a node-backed sample's end:
 *   stop              done (its answer read by gen_opts.answer, if set)
 *   length            truncated when the run's limit cut it (gen_opts
 *                     max_tokens <= 0): a cut-off chain never votes. A
 *                     step cut by its own small cap is done: the strategy
 *                     reads it only up to its first stop.
 *   cancelled         cancelled, or pruned when the strategy stopped the
 *                     batch itself (CANCEL_ENOUGH: sc's early stop)
 *   error             failed */
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
    int numbered;           /* label each sample "label i" (1-based) */
} gen_item;

typedef struct gen_out gen_out;
/* Called as each sample ends (after its status event), on the run thread
 * inside model_generate. o and its text are valid for the call. */
typedef void (*gen_done_fn)(strategy_ctx *ctx, const gen_out *o, void *ud);
/* Reads a whole chain's answer into out ("" if none). */
typedef void (*gen_answer_fn)(const strategy_ctx *ctx, const char *text, char *out,
                              size_t cap);

typedef struct {
    double temperature;
    int max_tokens;         /* <= 0: the run's default */
    const char *const *stop;
    int n_stop;
    int no_logprobs;        /* leave logprobs to the backend's default */
    gen_answer_fn answer;   /* may be NULL: done nodes get no answer */
    gen_done_fn on_done;    /* may be NULL */
    void *ud;
} gen_opts;

struct gen_out {
    int item;               /* index into the items */
    int node;               /* node id, or -1 for hidden items */
    char *text;             /* owned: the sample's answer-channel text (or
                             * its thinking, if it put nothing else) */
    model_finish finish;
    int stopped;            /* ended on a stop string or end of text */
    int tokens;             /* tokens out */
    double logprob;         /* summed; valid when has_logprob */
    int has_logprob;
    node_status status;     /* the node's end (see above), also for hidden items */
    char answer[128];       /* read by gen_opts.answer when done, else "" */
};

/* Runs the items as one batch. out must hold the sum of the items' n; it is
 * filled in item order, samples consecutive. Node-backed samples get their
 * nodes (consecutive ids, in the same order), streamed text, and a final
 * status by the rule above. Returns the number of samples that
 * ended in an error, or -1 if nothing could be started. The caller frees
 * the texts with gen_out_free. */
int gen_run(strategy_ctx *ctx, const gen_item *items, int n_items,
            const gen_opts *o, gen_out *out);
void gen_out_free(gen_out *out, int n);
/* Total samples of the items. */
int gen_count(const gen_item *items, int n_items);

#endif
