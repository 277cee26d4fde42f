/* gen: the one batch runner: model calls streamed into nodes or collected. */
#include "strategies/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/sample.h"
#include "tutor/mem.h"

/* One sample in flight. */
typedef struct {
    text_buf answer, thinking;
    long tok_in, tok_out, tok_think;
} slot;

typedef struct {
    strategy_ctx *ctx;
    const gen_item *items;
    const gen_opts *opts;
    int n_items;
    int *first;             /* per item: index of its first sample in out */
    gen_out *out;
    slot *slots;
    int total;
    long base_in, base_out, base_think;
} gen_state;

int gen_count(const gen_item *items, int n_items)
{
    int n = 0;
    for (int i = 0; i < n_items; i++)
        n += items[i].n > 0 ? items[i].n : 0;
    return n;
}

static void emit_usage(gen_state *g)
{
    event ev = event_make(EV_USAGE);
    ev.tokens_in = g->base_in;
    ev.tokens_out = g->base_out;
    ev.thinking_tokens = g->base_think;
    for (int i = 0; i < g->total; i++) {
        ev.tokens_in += g->slots[i].tok_in;
        ev.tokens_out += g->slots[i].tok_out;
        ev.thinking_tokens += g->slots[i].tok_think;
    }
    strategy_emit(g->ctx, &ev);
}

static void on_delta(void *ud, int req, int sample, channel ch,
                     const char *text, int tokens, double logprob)
{
    (void)logprob;
    gen_state *g = ud;
    if (req < 0 || req >= g->n_items || sample < 0 || sample >= g->items[req].n)
        return;
    int k = g->first[req] + sample;
    slot *s = &g->slots[k];
    text_buf_append(ch == CH_THINKING ? &s->thinking : &s->answer, text, strlen(text));
    if (g->out[k].node < 0)
        return;
    /* A step is a step: the built-in model's thinking/answer split (at "The
     * answer is") means nothing inside one, so unless the model really
     * thinks apart, a step node's text is its answer text. */
    node_kind kind = g->items[req].kind;
    if ((kind == NODE_STEP || kind == NODE_THOUGHT) &&
        !(model_caps(g->ctx->model) & CAP_THINKING))
        ch = CH_ANSWER;
    event ev = event_make(EV_TEXT);
    ev.node = g->out[k].node;
    ev.ch = ch;
    ev.tokens = tokens;
    ev.text = text;
    strategy_emit(g->ctx, &ev);
}

/* The one rule for a sample's end (gen.h). */
static node_status end_status(const gen_state *g, model_finish f)
{
    switch (f) {
    case FINISH_STOP:
        return NS_DONE;
    case FINISH_LENGTH:
        return g->opts->max_tokens > 0 ? NS_DONE : NS_TRUNCATED;
    case FINISH_CANCELLED:
        return atomic_load(g->ctx->cancel) == CANCEL_ENOUGH ? NS_PRUNED : NS_CANCELLED;
    default:
        return NS_FAILED;
    }
}

static void on_done(void *ud, int req, int sample, const model_result *r)
{
    gen_state *g = ud;
    if (req < 0 || req >= g->n_items || sample < 0 || sample >= g->items[req].n)
        return;
    int k = g->first[req] + sample;
    gen_out *o = &g->out[k];
    slot *s = &g->slots[k];
    strategy_ctx *ctx = g->ctx;
    if (o->text)
        return;             /* a backend that ends a sample twice */
    ctx->guess |= r->guess;

    /* A model that put everything in its thinking still said something. */
    text_buf *src = s->answer.len ? &s->answer : &s->thinking;
    o->text = mem_strdup(src->s ? src->s : "");
    o->finish = r->finish;
    o->stopped = r->finish == FINISH_STOP;
    o->tokens = (int)r->tokens_out;
    o->logprob = r->logprob;
    o->has_logprob = r->has_logprob;
    o->status = end_status(g, r->finish);
    o->answer[0] = '\0';
    if (o->status == NS_DONE && o->node >= 0 && g->opts->answer)
        g->opts->answer(ctx, o->text, o->answer, sizeof o->answer);
    s->tok_in = r->tokens_in;
    s->tok_out = r->tokens_out;
    s->tok_think = r->thinking_tokens;

    if (r->error) {
        event ev = event_make(EV_ERROR);
        ev.node = o->node;
        ev.text = r->error;
        strategy_emit(ctx, &ev);
    }
    if (o->node >= 0) {
        event ev = event_make(EV_STATUS);
        ev.node = o->node;
        ev.status = o->status;
        ev.answer = o->answer[0] ? o->answer : NULL;
        if (o->status == NS_PRUNED)
            ev.text = "early stop: the vote was already decided";
        strategy_emit(ctx, &ev);
        if (r->has_logprob) {
            event sc = event_make(EV_SCORE);
            sc.node = o->node;
            sc.scores.has = SCORE_LOGPROB;
            sc.scores.logprob = r->logprob;
            strategy_emit(ctx, &sc);
        }
    }
    emit_usage(g);
    if (g->opts->on_done)
        g->opts->on_done(ctx, o, g->opts->ud);
}

static void on_retry(void *ud, int req, int attempt, int max_attempts,
                     double delay_s, const char *why)
{
    (void)req;
    sample_retry(((gen_state *)ud)->ctx, attempt, max_attempts, delay_s, why);
}

static void on_notice(void *ud, int req, const char *msg)
{
    (void)req;
    sample_notice(((gen_state *)ud)->ctx, msg);
}

int gen_run(strategy_ctx *ctx, const gen_item *items, int n_items,
            const gen_opts *o, gen_out *out)
{
    int total = gen_count(items, n_items);
    if (total <= 0 || n_items <= 0)
        return -1;
    gen_state g = {
        .ctx = ctx, .items = items, .opts = o, .n_items = n_items, .out = out, .total = total,
        .base_in = ctx->trace.tokens_in,
        .base_out = ctx->trace.tokens_out,
        .base_think = ctx->trace.thinking_tokens,
    };
    g.first = mem_alloc((size_t)n_items * sizeof *g.first);
    g.slots = mem_calloc((size_t)total, sizeof *g.slots);
    model_request *reqs = mem_calloc((size_t)n_items, sizeof *reqs);

    const strategy_opts *so = &ctx->opt;
    int k = 0;
    for (int i = 0; i < n_items; i++) {
        g.first[i] = k;
        for (int s = 0; s < items[i].n; s++, k++) {
            memset(&out[k], 0, sizeof out[k]);
            out[k].item = i;
            out[k].node = -1;
            out[k].finish = FINISH_ERROR;
            out[k].status = NS_FAILED;
            if (items[i].parent == GEN_HIDDEN)
                continue;
            const char *label = items[i].label ? items[i].label : "step";
            char numbered[64];
            if (items[i].numbered) {
                snprintf(numbered, sizeof numbered, "%s %d", label, s + 1);
                label = numbered;
            }
            event ev = event_make(EV_NODE_ADD);
            ev.node = ctx->trace.n;
            ev.parent = items[i].parent;
            ev.nkind = items[i].kind;
            ev.text = label;
            strategy_emit(ctx, &ev);
            out[k].node = ev.node;
        }
        reqs[i] = (model_request){
            .prompt = items[i].prompt,
            .n = items[i].n,
            .temperature = o->temperature,
            .top_p = so->top_p > 0 ? so->top_p : 1.0,
            .max_tokens = o->max_tokens > 0 ? o->max_tokens : so->max_tokens,
            .stop = o->stop,
            .n_stop = o->n_stop,
            .seed = so->seed >= 0 ? so->seed + ctx->calls : -1,
            .logprobs = !o->no_logprobs,
            .think = so->think,
            .think_budget = so->think_budget,
            .min_think = so->min_think,
        };
        ctx->calls++;
    }

    model_sink sink = {
        .ud = &g, .on_delta = on_delta, .on_done = on_done,
        .on_retry = on_retry, .on_notice = on_notice,
    };
    int errors = model_generate(ctx->model, reqs, n_items, &sink, ctx->cancel);

    /* A backend owes every sample an end; one that went missing failed. */
    for (int i = 0; i < n_items; i++)
        for (int s = 0; s < items[i].n; s++)
            if (!out[g.first[i] + s].text) {
                model_result r = { .finish = FINISH_ERROR,
                                   .error = "the model ended without finishing this sample" };
                on_done(&g, i, s, &r);
                errors++;
            }

    for (int i = 0; i < total; i++) {
        free(g.slots[i].answer.s);
        free(g.slots[i].thinking.s);
    }
    free(g.slots);
    free(g.first);
    free(reqs);
    return errors;
}

void gen_out_free(gen_out *out, int n)
{
    for (int i = 0; out && i < n; i++) {
        free(out[i].text);
        out[i].text = NULL;
    }
}
