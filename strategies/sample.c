/* sample: N whole answers through the one batch runner. */
#include "strategies/sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strategies/gen.h"
#include "tutor/mem.h"

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

/* gen's per-sample callback: a finished, failed or truncated sample
 * reaches the strategy's on_done (a truncated one to have its steps
 * checked, never to vote). */
static void sample_ended(strategy_ctx *ctx, const gen_out *o, void *ud)
{
    const sample_spec *spec = ud;
    if (spec->on_done &&
        (o->status == NS_DONE || o->status == NS_FAILED || o->status == NS_TRUNCATED))
        spec->on_done(ctx, o->node, o->status == NS_DONE ? o->answer : "", o->status,
                      spec->ud);
}

void sample_truncated_notice(strategy_ctx *ctx, int cut, int n)
{
    if (cut <= 0)
        return;
    char limit[48] = "";
    if (ctx->opt.max_tokens > 0)
        snprintf(limit, sizeof limit, " (max_tokens %d)", ctx->opt.max_tokens);
    char msg[320];
    snprintf(msg, sizeof msg,
             "%d of %d sample%s cut off by the length limit%s and cast no vote; a larger "
             "max_tokens or a model with a longer context lets %s finish",
             cut, n, n == 1 ? " was" : "s were", limit, cut == 1 ? "it" : "them");
    event ev = event_make(EV_NOTICE);
    ev.text = msg;
    strategy_emit(ctx, &ev);
}

int sample_run(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (spec->n < 1)
        return -1;

    prompt p;
    if (ctx->opt.task == TASK_24)
        prompt_build24(&p, spec->style, ctx->problem);
    else
        prompt_build(&p, spec->style, ctx->problem,
                     (model_caps(ctx->model) & CAP_RAW_FORMAT) != 0);

    gen_item item = {
        .prompt = &p, .n = spec->n, .parent = spec->parent, .kind = spec->kind,
        .label = spec->n > 1 ? "sample" : "answer", .numbered = spec->n > 1,
    };
    gen_opts o = {
        .temperature = spec->temperature,
        .no_logprobs = 1,
        .answer = spec->answer,
        .on_done = sample_ended,
    };
    sample_spec copy = *spec;       /* gen's callback data is not const */
    o.ud = &copy;
    gen_out *res = mem_alloc((size_t)spec->n * sizeof *res);
    out->first_node = ctx->trace.n;
    int rc = gen_run(ctx, &item, 1, &o, res);
    for (int i = 0; rc >= 0 && i < spec->n; i++)
        switch (res[i].status) {
        case NS_DONE: out->finished++; break;
        case NS_TRUNCATED: out->truncated++; break;
        case NS_CANCELLED: case NS_PRUNED: out->cancelled++; break;
        default: out->failed++; break;
        }
    gen_out_free(res, spec->n);
    free(res);
    prompt_free(&p);
    if (rc < 0)
        return -1;
    sample_truncated_notice(ctx, out->truncated, spec->n);
    return 0;
}
