/* sample: draws a batch of samples and streams them as events. */
#include "strategies/sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strategies/chain24.h"
#include "strategies/search.h"
#include "tutor/answer.h"

long strategy_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void strategy_emit(strategy_ctx *ctx, const event *ev)
{
    trace_apply(&ctx->trace, ev);
    if (ctx->emit)
        ctx->emit(ctx->emit_ud, ev);
}

/* State shared with the model callbacks for one batch. */
typedef struct {
    strategy_ctx *ctx;
    const sample_spec *spec;
    sample_outcome *out;
    long base_in, base_out, base_think;   /* run totals before this batch */
    long *tok_in, *tok_out, *tok_think;   /* per sample, final usage */
} batch_state;

static void emit_usage(batch_state *b)
{
    event ev = event_make(EV_USAGE);
    ev.tokens_in = b->base_in;
    ev.tokens_out = b->base_out;
    ev.thinking_tokens = b->base_think;
    for (int i = 0; i < b->spec->n; i++) {
        ev.tokens_in += b->tok_in[i];
        ev.tokens_out += b->tok_out[i];
        ev.thinking_tokens += b->tok_think[i];
    }
    strategy_emit(b->ctx, &ev);
}

static void on_delta(void *ud, int req, int sample, channel ch,
                     const char *text, int tokens, double logprob)
{
    (void)req;
    (void)logprob;
    batch_state *b = ud;
    event ev = event_make(EV_TEXT);
    ev.node = b->out->first_node + sample;
    ev.ch = ch;
    ev.tokens = tokens;
    ev.text = text;
    strategy_emit(b->ctx, &ev);
}

/* The text an answer is read from: the answer channel, or the thinking
 * channel when a model put everything there. */
static const char *answer_source(const trace_node *n)
{
    if (n->answer_text.len)
        return n->answer_text.s;
    return n->thinking.len ? n->thinking.s : "";
}

static void on_done(void *ud, int req, int sample, const model_result *r)
{
    (void)req;
    batch_state *b = ud;
    strategy_ctx *ctx = b->ctx;
    ctx->guess |= r->guess;
    int node = b->out->first_node + sample;
    const trace_node *tn = trace_cget(&ctx->trace, node);
    char ans[128] = "";

    if (r->error) {
        event ev = event_make(EV_ERROR);
        ev.node = node;
        ev.text = r->error;
        strategy_emit(ctx, &ev);
    }
    node_status st;
    switch (r->finish) {
    case FINISH_STOP:
    case FINISH_LENGTH:
        st = NS_DONE;
        b->out->finished++;
        break;
    case FINISH_CANCELLED:
        st = atomic_load(ctx->cancel) == CANCEL_ENOUGH ? NS_PRUNED : NS_CANCELLED;
        b->out->cancelled++;
        break;
    default:
        st = NS_FAILED;
        b->out->failed++;
        break;
    }
    /* Only a sample that finished may vote: a cut-off chain's last number
     * is not its answer. */
    if (tn && st == NS_DONE)
        search_chain_answer(ctx, answer_source(tn), ans, sizeof ans);

    event ev = event_make(EV_STATUS);
    ev.node = node;
    ev.status = st;
    ev.answer = ans[0] ? ans : NULL;
    if (r->has_logprob) {
        ev.scores.has = SCORE_LOGPROB;
        ev.scores.logprob = r->logprob;
    }
    strategy_emit(ctx, &ev);
    if (r->has_logprob) {
        event sc = event_make(EV_SCORE);
        sc.node = node;
        sc.scores = ev.scores;
        strategy_emit(ctx, &sc);
    }

    b->tok_in[sample] = r->tokens_in;
    b->tok_out[sample] = r->tokens_out;
    b->tok_think[sample] = r->thinking_tokens;
    emit_usage(b);

    if (b->spec->on_done && st != NS_CANCELLED && st != NS_PRUNED)
        b->spec->on_done(ctx, node, ans, r, b->spec->ud);
}

void sample_retry(strategy_ctx *ctx, int attempt, int max_attempts, double delay_s,
                  const char *why)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s; retrying in %.1f s (retry %d of %d)",
             why, delay_s, attempt, max_attempts);
    event ev = event_make(EV_ERROR);
    ev.text = msg;
    ev.retryable = 1;
    strategy_emit(ctx, &ev);
}

void sample_notice(strategy_ctx *ctx, const char *msg)
{
    /* A batch of 40 calls should not repeat one notice 40 times. */
    if (strcmp(ctx->last_notice, msg) == 0)
        return;
    snprintf(ctx->last_notice, sizeof ctx->last_notice, "%s", msg);
    event ev = event_make(EV_NOTICE);
    ev.text = msg;
    strategy_emit(ctx, &ev);
}

static void on_retry(void *ud, int req, int attempt, int max_attempts,
                     double delay_s, const char *why)
{
    (void)req;
    sample_retry(((batch_state *)ud)->ctx, attempt, max_attempts, delay_s, why);
}

static void on_notice(void *ud, int req, const char *msg)
{
    (void)req;
    sample_notice(((batch_state *)ud)->ctx, msg);
}

int sample_add_nodes(strategy_ctx *ctx, const sample_spec *spec)
{
    int first = ctx->trace.n;
    for (int i = 0; i < spec->n; i++) {
        char label[32];
        if (spec->n > 1)
            snprintf(label, sizeof label, "sample %d", i + 1);
        else
            snprintf(label, sizeof label, "answer");
        event ev = event_make(EV_NODE_ADD);
        ev.node = first + i;
        ev.parent = spec->parent;
        ev.nkind = spec->kind;
        ev.text = label;
        strategy_emit(ctx, &ev);
    }
    return first;
}

int sample_run(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (spec->n < 1)
        return -1;

    prompt p;
    int raw = (model_caps(ctx->model) & CAP_RAW_FORMAT) != 0;
    if (search_check_puzzle(ctx) < 0)
        return -1;
    if (ctx->opt.task == TASK_24 && raw) {
        if (spec->style == PROMPT_DIRECT) {
            event ev = event_make(EV_ERROR);
            ev.text = "the built-in model was trained to propose Game of 24 steps, not to "
                      "answer in one go; try -s cot, sc, tot or mcts";
            strategy_emit(ctx, &ev);
            return -1;
        }
        return chain24_run(ctx, spec, out);
    }
    if (ctx->opt.task == TASK_24)
        prompt_build24(&p, spec->style, ctx->problem);
    else
        prompt_build(&p, spec->style, ctx->problem, raw);

    out->first_node = sample_add_nodes(ctx, spec);

    batch_state b = {
        .ctx = ctx, .spec = spec, .out = out,
        .base_in = ctx->trace.tokens_in,
        .base_out = ctx->trace.tokens_out,
        .base_think = ctx->trace.thinking_tokens,
        .tok_in = calloc((size_t)spec->n, sizeof(long)),
        .tok_out = calloc((size_t)spec->n, sizeof(long)),
        .tok_think = calloc((size_t)spec->n, sizeof(long)),
    };
    if (!b.tok_in || !b.tok_out || !b.tok_think) {
        free(b.tok_in);
        free(b.tok_out);
        free(b.tok_think);
        prompt_free(&p);
        return -1;
    }

    const strategy_opts *o = &ctx->opt;
    model_request req = {
        .prompt = &p,
        .n = spec->n,
        .temperature = spec->temperature,
        .top_p = o->top_p > 0 ? o->top_p : 1.0,
        .max_tokens = o->max_tokens,
        .seed = o->seed,
        .think = o->think,
        .think_budget = o->think_budget,
        .min_think = o->min_think,
    };
    model_sink sink = {
        .ud = &b,
        .on_delta = on_delta,
        .on_done = on_done,
        .on_retry = on_retry,
        .on_notice = on_notice,
    };
    model_generate(ctx->model, &req, 1, &sink, ctx->cancel);

    /* A backend owes every sample an end; if one went missing, say so
     * rather than leave it streaming forever on screen. */
    for (int i = 0; i < spec->n; i++) {
        const trace_node *tn = trace_cget(&ctx->trace, out->first_node + i);
        if (tn && tn->status == NS_STREAMING) {
            model_result r = { .finish = FINISH_ERROR,
                               .error = "the model ended without finishing this sample" };
            on_done(&b, 0, i, &r);
        }
    }

    free(b.tok_in);
    free(b.tok_out);
    free(b.tok_think);
    prompt_free(&p);
    return 0;
}
