/* bon: best-of-N with a verifier (Lightman et al. 2023; Snell et al. 2024).
 *
 * N chains are drawn as in sc, then each is scored:
 *   check    the step checker on every step, aggregated (--agg), so one
 *            wrong claim sinks a chain under min or prod;
 *   judge    the model itself rates the whole solution 0-10 (an ORM);
 *   logprob  exp(mean token logprob): the model's own confidence.
 * Weighted best-of-N (the default) sums the scores per distinct answer;
 * plain best-of-N takes the answer of the single best chain. */
#include "strategies/bon.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/sample.h"
#include "strategies/search.h"
#include "tutor/mem.h"

static double logprob_chain(const strategy_ctx *ctx, int node)
{
    const trace_node *x = trace_cget(&ctx->trace, node);
    if (!x || !(x->scores.has & SCORE_LOGPROB) || x->tokens <= 0)
        return -1;
    return exp(x->scores.logprob / x->tokens);
}

/* ORM judge calls for the chains, as one batch; a chain the judge gives
 * no score scores 0. */
static void judge_chains(strategy_ctx *ctx, const int *nodes, int n, double *scores)
{
    prompt *ps = mem_alloc((size_t)n * sizeof *ps);
    for (int i = 0; i < n; i++) {
        const trace_node *x = trace_cget(&ctx->trace, nodes[i]);
        const char *text = x && x->answer_text.len ? x->answer_text.s : x ? x->thinking.s : NULL;
        prompt_judge(&ps[i], ctx->problem, text ? text : "", NULL);
        scores[i] = 0;
    }
    search_judge(ctx, ps, n, scores);
    for (int i = 0; i < n; i++)
        prompt_free(&ps[i]);
    free(ps);
}

int strategy_bon(strategy_ctx *ctx)
{
    int n = ctx->opt.n;
    sample_spec spec = {
        .style = PROMPT_COT, .n = n, .temperature = ctx->opt.temperature,
        .parent = 0, .kind = NODE_SAMPLE,
    };
    sample_outcome out;
    if (search_chains(ctx, &spec, &out) < 0 || (out.failed && out.failed == n))
        return RUN_FAILED;

    int *nodes = mem_alloc((size_t)n * sizeof *nodes);
    double *scores = mem_alloc((size_t)n * sizeof *scores);
    int m = 0;
    for (int i = 0; i < n; i++) {
        const trace_node *x = trace_cget(&ctx->trace, out.first_node + i);
        if (x && x->status == NS_DONE)
            nodes[m++] = x->id;
        else if (x && x->status == NS_TRUNCATED && ctx->opt.task != TASK_24)
            search_check_chain(ctx, x->id);     /* marked, never scored or voted */
    }

    verifier_kind v = ctx->opt.verifier;
    if (v == VERIFIER_JUDGE && search_raw(ctx)) {
        search_notice(ctx, "the built-in model was not trained to judge solutions; "
                           "scoring chains by its own token logprobs instead");
        v = VERIFIER_LOGPROB;
    }
    /* The checker runs whatever the verifier, so wrong steps are marked. */
    for (int i = 0; i < m; i++)
        scores[i] = search_check_chain(ctx, nodes[i]);
    if (v == VERIFIER_JUDGE && m > 0)
        judge_chains(ctx, nodes, m, scores);
    else if (v == VERIFIER_LOGPROB)
        for (int i = 0; i < m; i++) {
            double lp = logprob_chain(ctx, nodes[i]);
            if (lp < 0)
                search_notice(ctx, "this model gives no logprobs; scoring chains with the "
                                   "step checker instead");
            else
                scores[i] = lp;
        }

    tally votes;
    tally_init(&votes);
    int best = -1;
    for (int i = 0; i < m; i++) {
        const trace_node *x = trace_cget(&ctx->trace, nodes[i]);
        node_scores s = { .has = v == VERIFIER_CHECK ? SCORE_PRM : SCORE_ORM };
        s.prm = s.orm = scores[i];
        search_score(ctx, nodes[i], &s, NULL);
        char ans[128];
        snprintf(ans, sizeof ans, "%s", x && x->answer ? x->answer : "");
        if (!ans[0] || !search_answer_ok(ctx, ans))
            continue;       /* no answer, or not a solution of the puzzle */
        if (best < 0 || scores[i] > scores[best])
            best = i;
        /* Plain best-of-N still shows every chain's vote, unweighted. */
        tally_add_weighted(&votes, ans, ctx->opt.weighted ? scores[i] : 1.0);
        event e = event_make(EV_VOTE);
        e.node = nodes[i];
        e.answer = ans;
        e.votes = votes;
        e.has_votes = 1;
        strategy_emit(ctx, &e);
    }

    int st = RUN_NO_ANSWER;
    const char *lead = NULL;
    if (best >= 0) {
        if (ctx->opt.weighted) {
            lead = tally_leader(&votes, NULL);
        } else {
            const trace_node *x = trace_cget(&ctx->trace, nodes[best]);
            lead = x ? x->answer : NULL;
        }
    }
    if (lead) {
        snprintf(ctx->answer, sizeof ctx->answer, "%s", lead);
        ctx->confidence = search_share(&votes, ctx->answer);
        /* The best-scored chain with the answer is the chosen one. */
        int pick = -1;
        for (int i = 0; i < m; i++) {
            const trace_node *x = trace_cget(&ctx->trace, nodes[i]);
            if (x && x->answer && strcmp(x->answer, ctx->answer) == 0 &&
                (pick < 0 || scores[i] > scores[pick]))
                pick = i;
        }
        if (pick >= 0)
            search_status(ctx, nodes[pick], NS_CHOSEN, ctx->answer);
        st = RUN_OK;
    }
    tally_done(&votes);
    free(scores);
    free(nodes);
    return out.cancelled && st != RUN_OK ? RUN_CANCELLED : st;
}
