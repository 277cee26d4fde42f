/* single: one sample, one answer. Greedy by default (T=0), since a single
 * chain should be the model's best guess; -t changes that. */
#include "strategies/single.h"

#include <stdio.h>
#include <string.h>

#include "strategies/search.h"

static void keep_answer(strategy_ctx *ctx, int node, const char *answer, node_status st,
                        void *ud)
{
    (void)ud;
    if (st == NS_DONE || st == NS_TRUNCATED)
        search_check_chain(ctx, node);
    if (st != NS_DONE)
        return;
    /* Game of 24: only a solution of the puzzle may be the answer. */
    if (search_answer_ok(ctx, answer))
        snprintf(ctx->answer, sizeof ctx->answer, "%s", answer);
}

static int run_single(strategy_ctx *ctx, prompt_style style)
{
    sample_spec spec = {
        .style = style,
        .n = 1,
        .temperature = ctx->opt.temperature,
        .parent = 0,
        .kind = NODE_ANSWER,
        .on_done = keep_answer,
    };
    sample_outcome out;
    if (search_chains(ctx, &spec, &out) < 0 || out.failed)
        return RUN_FAILED;
    if (out.cancelled)
        return RUN_CANCELLED;
    if (!ctx->answer[0])
        return RUN_NO_ANSWER;
    event ev = event_make(EV_STATUS);
    ev.node = out.first_node;
    ev.status = NS_CHOSEN;
    ev.answer = ctx->answer;
    strategy_emit(ctx, &ev);
    return RUN_OK;
}

int strategy_direct(strategy_ctx *ctx)  { return run_single(ctx, PROMPT_DIRECT); }
int strategy_cot(strategy_ctx *ctx)     { return run_single(ctx, PROMPT_COT); }
int strategy_fewshot(strategy_ctx *ctx) { return run_single(ctx, PROMPT_FEWSHOT); }
