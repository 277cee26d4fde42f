/* sc: self-consistency (Wang et al. 2022). N chains of thought are sampled
 * at temperature T as one batch; each finished chain's answer is one vote,
 * streamed as it arrives; the majority answer wins.
 *
 * --early-stop: once the leader cannot be caught by the samples still
 * running, the rest of the batch is stopped (CANCEL_ENOUGH) and the number
 * of samples that were no longer needed is reported as `saved`. */
#include "strategies/sc.h"

#include <stdio.h>
#include <string.h>

#include "strategies/search.h"

typedef struct {
    tally votes;
    int n;
    int early_stopped;
} sc_state;

static void on_vote(strategy_ctx *ctx, int node, const char *answer, node_status st,
                    void *ud)
{
    sc_state *s = ud;
    /* Every chain's steps go through the checker, so its first wrong step
     * is marked, a cut-off chain's too; the vote itself stays a plain
     * majority. A Game of 24 expression that breaks the puzzle's rule
     * counts as no answer. */
    if (st == NS_DONE || st == NS_TRUNCATED)
        search_check_chain(ctx, node);
    if (st != NS_DONE)
        return;                     /* failed or cut off: no vote */
    if (!search_answer_ok(ctx, answer))
        answer = "";
    tally_add(&s->votes, answer);

    event ev = event_make(EV_VOTE);
    ev.node = node;
    ev.answer = answer[0] ? answer : NULL;
    ev.votes = s->votes;            /* borrowed for the call */
    ev.has_votes = 1;
    strategy_emit(ctx, &ev);

    int remaining = s->n - s->votes.total;
    if (ctx->opt.early_stop && remaining > 0 && tally_decided(&s->votes, remaining)) {
        int expect = 0;
        if (atomic_compare_exchange_strong(ctx->cancel, &expect, CANCEL_ENOUGH))
            s->early_stopped = 1;
    }
}

int strategy_sc(strategy_ctx *ctx)
{
    sc_state s = { .n = ctx->opt.n };
    tally_init(&s.votes);
    sample_spec spec = {
        .style = PROMPT_COT,
        .n = ctx->opt.n,
        .temperature = ctx->opt.temperature,
        .parent = 0,
        .kind = NODE_SAMPLE,
        .on_done = on_vote,
        .ud = &s,
    };
    sample_outcome out;
    int rc = search_chains(ctx, &spec, &out);
    if (s.early_stopped) {
        int expect = CANCEL_ENOUGH;
        atomic_compare_exchange_strong(ctx->cancel, &expect, 0);
        ctx->saved = out.cancelled;
        char msg[160];
        snprintf(msg, sizeof msg,
                 "early stop: the leader could not be overtaken after %d of %d samples; %d saved",
                 s.votes.total, s.n, ctx->saved);
        event ev = event_make(EV_NOTICE);
        ev.text = msg;
        strategy_emit(ctx, &ev);
    }

    run_status st;
    int tied = 0;
    const char *lead = tally_leader(&s.votes, &tied);
    if (rc < 0 || (out.failed && out.failed == s.n)) {
        st = RUN_FAILED;
    } else if (!lead) {
        st = atomic_load(ctx->cancel) == CANCEL_USER ? RUN_CANCELLED : RUN_NO_ANSWER;
    } else {
        snprintf(ctx->answer, sizeof ctx->answer, "%s", lead);
        ctx->confidence = s.votes.total ? (double)s.votes.e[0].count / s.votes.total : 0;
        st = RUN_OK;
        if (tied) {
            char msg[256];
            snprintf(msg, sizeof msg,
                     "tie: %d answers have %d vote%s each; %s reached that count first",
                     tied + 1, s.votes.e[0].count, s.votes.e[0].count == 1 ? "" : "s", lead);
            event ev = event_make(EV_NOTICE);
            ev.text = msg;
            strategy_emit(ctx, &ev);
        }
        /* Mark the chains that agree with the majority. */
        for (int i = 0; i < s.n; i++) {
            const trace_node *tn = trace_cget(&ctx->trace, out.first_node + i);
            if (tn && tn->status == NS_DONE && tn->answer && strcmp(tn->answer, lead) == 0) {
                char ans[128];      /* a copy: applying the event replaces tn->answer */
                snprintf(ans, sizeof ans, "%s", tn->answer);
                event ev = event_make(EV_STATUS);
                ev.node = tn->id;
                ev.status = NS_CHOSEN;
                ev.answer = ans;
                strategy_emit(ctx, &ev);
            }
        }
    }
    tally_done(&s.votes);
    return st;
}
