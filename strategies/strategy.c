/* strategy: the registry and the frame every run shares: run_start, the
 * root node, the strategy itself, then exactly one done event. */
#include "strategies/strategy.h"

#include <stdio.h>
#include <string.h>

#include "strategies/sample.h"
#include "strategies/search.h"
#include "strategies/single.h"
#include "strategies/sc.h"
#include "strategies/bon.h"
#include "strategies/beam.h"
#include "strategies/tot.h"
#include "strategies/mcts.h"
#include "tutor/stepcheck.h"

static const strategy_info strategies[] = {
    { "direct",  "answer immediately, no reasoning", 1, 0.0,
      0, NULL, PROMPT_DIRECT, strategy_direct },
    { "cot",     "chain of thought: \"Let's think step by step\"", 1, 0.0,
      0, NULL, PROMPT_COT, strategy_cot },
    { "fewshot", "chain of thought after worked examples", 1, 0.0,
      0, NULL, PROMPT_FEWSHOT, strategy_fewshot },
    { "sc",      "self-consistency: N sampled chains, majority vote", 10, 0.8,
      STRAT_USES_N | STRAT_VOTES, "samples n", PROMPT_COT, strategy_sc },
    { "bon",     "best-of-N: N chains scored by a verifier, weighted vote", 8, 0.8,
      STRAT_USES_N | STRAT_VOTES, "samples n", PROMPT_COT, strategy_bon },
    { "beam",    "step-level beam search: B beams, k steps each, kept by a PRM", 4, 0.8,
      STRAT_USES_N | STRAT_TREE | STRAT_STEPS, "beams n", PROMPT_COT, strategy_beam },
    { "tot",     "Tree of Thoughts: propose, value, BFS (breadth b) or DFS", 5, 0.8,
      STRAT_USES_N | STRAT_TREE | STRAT_STEPS, "breadth b", PROMPT_COT, strategy_tot },
    { "mcts",    "Monte Carlo Tree Search: UCT, expand k steps, roll out, back up", 3, 0.8,
      STRAT_USES_N | STRAT_TREE | STRAT_STEPS, "proposals k", PROMPT_COT, strategy_mcts },
};
#define N_STRATEGIES (int)(sizeof strategies / sizeof strategies[0])

const strategy_info *strategy_find(const char *name)
{
    for (int i = 0; name && i < N_STRATEGIES; i++)
        if (strcmp(strategies[i].name, name) == 0)
            return &strategies[i];
    return NULL;
}

const strategy_info *strategy_at(int i)
{
    return i >= 0 && i < N_STRATEGIES ? &strategies[i] : NULL;
}

/* Game of 24: whatever the strategy, only an expression that passes the
 * puzzle's rule is an answer; a run with none found no solution. Then,
 * after the strategy has chosen and never before, the exact solver says
 * whether the puzzle has one at all. */
static run_status settle24(strategy_ctx *ctx, run_status st)
{
    if (st == RUN_OK && !search_answer_ok(ctx, ctx->answer)) {
        ctx->answer[0] = '\0';
        ctx->confidence = -1;
        st = RUN_NO_ANSWER;
    }
    g24_state puzzle;
    char sol[128], msg[320];
    if (st != RUN_NO_ANSWER || g24_parse(ctx->problem, &puzzle) < 0)
        return st;
    /* The solution itself stays unsaid: the student may want to find it. */
    if (g24_solve(&puzzle, sol, sizeof sol))
        snprintf(msg, sizeof msg,
                 "no solution found: no expression made 24 with each number once; the "
                 "exact solver shows the puzzle has one (try more samples, or -s tot)");
    else
        snprintf(msg, sizeof msg,
                 "no solution found, and there is none: the exact solver shows no way to "
                 "make 24 from these numbers");
    event ev = event_make(EV_NOTICE);
    ev.text = msg;
    strategy_emit(ctx, &ev);
    return RUN_NO_SOLUTION;
}

run_status strategy_run(strategy_ctx *ctx)
{
    const strategy_info *si = strategy_find(ctx->opt.name);
    trace_init(&ctx->trace);
    ctx->answer[0] = '\0';
    ctx->confidence = -1;
    ctx->saved = 0;
    ctx->t0_ms = strategy_now_ms();
    if (ctx->opt.n <= 0)
        ctx->opt.n = si ? si->default_n : 1;
    if (ctx->opt.temperature < 0)
        ctx->opt.temperature = si ? si->default_t : 0.0;
    if (ctx->opt.agg < 0)
        ctx->opt.agg = AGG_MIN;     /* one wrong step sinks a chain */
    if (ctx->opt.weighted < 0)
        ctx->opt.weighted = 1;
    ctx->calls = 0;
    ctx->last_notice[0] = '\0';
    ctx->guess = 0;

    event ev = event_make(EV_RUN_START);
    ev.text = ctx->problem;
    ev.strategy = si ? si->name : ctx->opt.name;
    ev.model = model_name(ctx->model);
    ev.n = ctx->opt.n;
    ev.temperature = ctx->opt.temperature;
    ev.seed = ctx->opt.seed;
    ev.task = ctx->opt.task == TASK_24;
    ev.has_traits = 1;
    ev.strategy_traits = si ? si->traits : 0;
    ev.model_caps = model_caps(ctx->model);
    strategy_emit(ctx, &ev);

    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    ev.parent = -1;
    ev.nkind = NODE_ROOT;
    ev.text = "problem";
    strategy_emit(ctx, &ev);

    run_status st;
    if (!si) {
        event err = event_make(EV_ERROR);
        err.text = "unknown strategy";
        strategy_emit(ctx, &err);
        st = RUN_FAILED;
    } else {
        st = (run_status)si->run(ctx);
    }
    if (atomic_load(ctx->cancel) == CANCEL_USER)
        st = RUN_CANCELLED;
    if (ctx->opt.task == TASK_24)
        st = settle24(ctx, st);

    event done = event_make(EV_DONE);
    done.answer = ctx->answer;
    done.run = st;
    done.confidence = ctx->confidence;
    done.tokens_in = ctx->trace.tokens_in;
    done.tokens_out = ctx->trace.tokens_out;
    done.thinking_tokens = ctx->trace.thinking_tokens;
    done.elapsed_ms = strategy_now_ms() - ctx->t0_ms;
    done.saved = ctx->saved;
    done.guess = ctx->guess;
    if (ctx->trace.has_votes) {
        /* a copy: applying done replaces ctx->trace.votes */
        tally_copy(&done.votes, &ctx->trace.votes);
        done.has_votes = 1;
    }
    strategy_emit(ctx, &done);
    if (done.has_votes)
        tally_done(&done.votes);
    return st;
}
