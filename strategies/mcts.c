/* mcts: Monte Carlo Tree Search over reasoning steps.
 *
 * Each iteration: select from the root by UCT, Q/N + c·sqrt(ln N_parent / N)
 * (unvisited children first); expand the leaf with k proposed next steps;
 * roll out from the first new step to a final answer with the model; score
 * the whole chain with a verifier (the step checker, a judge or the model's
 * logprob; never a gold answer), plus, for word problems, how many earlier
 * rollouts agree with its answer; back the reward up the path. After I
 * iterations or the token budget, the answer is the most-visited path's,
 * with a vote over all rollouts, weighted by visits, beside it. */
#include "strategies/mcts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/search.h"
#include "tutor/answer.h"
#include "tutor/mem.h"

/* Per-node search state, indexed by node id (grown with the trace). */
typedef struct {
    int visits;
    double w;
    int expanded;       /* children proposed */
    int terminal;       /* the step ends the solution */
    int dead;           /* no valid next step: never selected again */
    double reward;      /* a terminal node's own reward */
    int rollout;        /* this node is a rollout leaf */
    char answer[128];
} mnode;

typedef struct {
    strategy_ctx *ctx;
    mnode *m;
    int cap;
    int k;
    double c;
    /* Answers of the rollouts so far, for the agreement bonus. */
    tally seen;
} mcts_run;

static mnode *at(mcts_run *r, int id)
{
    if (id >= r->cap) {
        int cap = r->cap ? r->cap : 64;
        while (cap <= id)
            cap *= 2;
        r->m = mem_realloc(r->m, (size_t)cap * sizeof *r->m);
        memset(r->m + r->cap, 0, (size_t)(cap - r->cap) * sizeof *r->m);
        r->cap = cap;
    }
    return &r->m[id];
}

static double uct(mcts_run *r, int parent, int child)
{
    mnode *c = at(r, child);
    if (c->visits == 0)
        return INFINITY;
    double np = at(r, parent)->visits;
    return c->w / c->visits + r->c * sqrt(log(np > 1 ? np : 1) / c->visits);
}

/* Children that can still be chosen: proposed steps, not pruned. */
static int live_children(mcts_run *r, int node, int *out, int cap)
{
    const trace_node *x = trace_cget(&r->ctx->trace, node);
    int n = 0;
    for (int i = 0; x && i < x->n_children && n < cap; i++) {
        int id = x->children[i];
        const trace_node *c = trace_cget(&r->ctx->trace, id);
        if (c && c->kind == NODE_STEP && c->status != NS_PRUNED && !at(r, id)->dead)
            out[n++] = id;
    }
    return n;
}

static int select_leaf(mcts_run *r)
{
    int node = 0;
    for (;;) {
        mnode *m = at(r, node);
        if (!m->expanded || m->terminal)
            return node;
        int kids[64];
        int n = live_children(r, node, kids, 64);
        if (n == 0)
            return node;
        int best = kids[0];
        double bv = uct(r, node, best);
        for (int i = 1; i < n; i++) {
            double v = uct(r, node, kids[i]);
            if (v > bv) {
                bv = v;
                best = kids[i];
            }
        }
        node = best;
    }
}

/* Proposes k steps under node; returns the first valid new child, or -1. */
static int expand(mcts_run *r, int node)
{
    strategy_ctx *ctx = r->ctx;
    prompt p;
    search_step_prompt(ctx, node, &p);
    gen_item it = { .prompt = &p, .n = r->k, .parent = node, .kind = NODE_STEP, .label = "step" };
    gen_out *out = mem_calloc((size_t)r->k, sizeof *out);
    gen_opts o = search_step_opts(ctx, ctx->opt.temperature);
    int rc = gen_run(ctx, &it, 1, &o, out);
    prompt_free(&p);
    at(r, node)->expanded = 1;
    int first = -1;
    for (int i = 0; rc >= 0 && i < r->k; i++) {
        int id = out[i].node;
        step_eval ev;
        search_check_step(ctx, id, &ev);
        int dup = 0;
        char a[512], b[512];
        search_step_text(ctx, id, a, sizeof a);
        for (int j = 0; j < i && !dup; j++) {
            const trace_node *x = trace_cget(&ctx->trace, out[j].node);
            search_step_text(ctx, out[j].node, b, sizeof b);
            dup = x && x->status != NS_PRUNED && strcmp(a, b) == 0 ? out[j].node : 0;
        }
        if (!ev.valid || dup) {
            char why[64];
            if (dup) {
                snprintf(why, sizeof why, "merged with #%d: the same step", dup);
            }
            search_prune(ctx, id, dup ? why : NULL);
            continue;
        }
        double sc;
        search_verify_steps(ctx, &id, &ev, 1, &sc);
        mnode *m = at(r, id);
        m->terminal = ev.terminal;
        snprintf(m->answer, sizeof m->answer, "%s", ev.answer);
        if (ev.terminal)
            search_status(ctx, id, NS_DONE, ev.answer);
        if (first < 0)
            first = id;
    }
    gen_out_free(out, r->k);
    free(out);
    if (first < 0)
        at(r, node)->dead = 1;
    return first;
}

/* The verifier's score of a whole chain, in [0, 1]. */
static double chain_reward(mcts_run *r, const char *chain, int scored_node, const char *answer)
{
    strategy_ctx *ctx = r->ctx;
    if (ctx->opt.task == TASK_24)
        return answer && *answer ? 1.0 : 0.0;
    verifier_kind v = ctx->opt.verifier;
    if (v == VERIFIER_JUDGE && search_raw(ctx))
        v = VERIFIER_LOGPROB;
    double check;
    {
        step_check steps[64];
        int fw = -1;
        int n = stepcheck_chain(ctx->problem, chain, steps, 64, &fw);
        if (n > 64)
            n = 64;
        double s[64];
        for (int i = 0; i < n; i++)
            s[i] = steps[i].score;
        check = stepcheck_aggregate(s, n, (agg_kind)ctx->opt.agg);
    }
    double score = check;
    const trace_node *x = trace_cget(&ctx->trace, scored_node);
    if (v == VERIFIER_LOGPROB && x && (x->scores.has & SCORE_LOGPROB) && x->tokens > 0)
        score = exp(x->scores.logprob / x->tokens);
    else if (v == VERIFIER_JUDGE) {
        prompt p;
        prompt_judge(&p, ctx->problem, chain, NULL);
        gen_item it = { .prompt = &p, .n = 1, .parent = GEN_HIDDEN };
        gen_out out = { 0 };
        gen_opts o = { .temperature = 0, .max_tokens = 8 };
        if (gen_run(ctx, &it, 1, &o, &out) >= 0) {
            double j = search_judge_score(out.text ? out.text : "");
            if (j >= 0)
                score = j;
        }
        gen_out_free(&out, 1);
        prompt_free(&p);
    }
    if (!answer || !*answer)
        score *= 0.5;       /* a chain that never answers is worth less */
    /* Agreement with earlier rollouts, as in self-consistency. */
    double agree = r->seen.total > 0 && answer && *answer
                 ? (double)tally_count(&r->seen, answer) / r->seen.total : 0;
    return 0.7 * score + 0.3 * agree;
}

/* Rolls out from node to an answer; returns the reward. The rollout is a
 * NODE_SAMPLE leaf under node, with its answer. */
static double rollout(mcts_run *r, int node)
{
    strategy_ctx *ctx = r->ctx;
    mnode *m = at(r, node);
    char *path = search_path_text(ctx, node);
    double reward;
    if (m->terminal) {
        reward = chain_reward(r, path, node, m->answer);
        tally_add(&r->seen, m->answer);
        free(path);
        return reward;
    }
    if (ctx->opt.task == TASK_24) {
        /* Step by step to one number, at the run's temperature. */
        g24_state st;
        int id = ctx->trace.n;
        event ev = event_make(EV_NODE_ADD);
        ev.node = id;
        ev.parent = node;
        ev.nkind = NODE_SAMPLE;
        ev.text = "rollout";
        strategy_emit(ctx, &ev);
        at(r, id)->rollout = 1;
        int ok = search_state24(ctx, node, &st) == 0;
        while (ok && st.n > 1 && !atomic_load(ctx->cancel)) {
            char nums[128], why[160], fixmark[256];
            g24_format(&st, nums, sizeof nums);
            prompt p;
            prompt_step(&p, 1, nums, NULL, search_raw(ctx));
            gen_item it = { .prompt = &p, .n = 1, .parent = GEN_HIDDEN };
            gen_out out = { 0 };
            gen_opts o = search_step_opts(ctx, ctx->opt.temperature);
            g24_state next;
            char line[300];
            ok = gen_run(ctx, &it, 1, &o, &out) >= 0 && out.text;
            if (ok) {
                size_t n = strcspn(out.text, "\n");
                snprintf(line, sizeof line, "%.*s\n", (int)n, out.text);
                event t = event_make(EV_TEXT);
                t.node = id;
                t.text = line;
                strategy_emit(ctx, &t);
                line[n] = '\0';
                ok = search_apply24(&st, line, &next, why, sizeof why, fixmark, sizeof fixmark) == 0;
                if (ok)
                    st = next;
            }
            gen_out_free(&out, 1);
            prompt_free(&p);
        }
        char ans[128] = "";
        if (ok && g24_solved(&st))
            search_answer24(st.expr[0], ans, sizeof ans);
        snprintf(at(r, id)->answer, sizeof at(r, id)->answer, "%s", ans);
        search_status(ctx, id, NS_DONE, ans);
        reward = chain_reward(r, path, id, ans);
        if (ans[0])
            tally_add(&r->seen, ans);
        free(path);
        return reward;
    }
    prompt p;
    prompt_rollout(&p, 0, ctx->problem, path, search_raw(ctx));
    gen_item it = { .prompt = &p, .n = 1, .parent = node, .kind = NODE_SAMPLE, .label = "rollout" };
    gen_out out = { 0 };
    gen_opts o = { .temperature = ctx->opt.temperature };  /* the run's max_tokens */
    int rc = gen_run(ctx, &it, 1, &o, &out);
    prompt_free(&p);
    char ans[128] = "";
    reward = 0;
    if (rc >= 0 && out.node >= 0) {
        at(r, out.node)->rollout = 1;
        if (out.status != NS_TRUNCATED)    /* a cut-off rollout has no answer */
            answer_explicit(out.text ? out.text : "", ans, sizeof ans);
        size_t cl = strlen(path) + strlen(out.text ? out.text : "") + 2;
        char *chain = mem_alloc(cl);
        snprintf(chain, cl, "%s %s", path, out.text ? out.text : "");
        reward = chain_reward(r, chain, out.node, ans);
        free(chain);
        snprintf(at(r, out.node)->answer, sizeof at(r, out.node)->answer, "%s", ans);
        search_status(ctx, out.node, out.status == NS_TRUNCATED ? NS_TRUNCATED
                                   : out.finish == FINISH_ERROR ? NS_FAILED : NS_DONE, ans);
        node_scores s = { .has = SCORE_ORM, .orm = reward };
        search_score(ctx, out.node, &s, NULL);
        if (ans[0])
            tally_add(&r->seen, ans);
    }
    gen_out_free(&out, 1);
    free(path);
    return reward;
}

static void backprop(mcts_run *r, int node, double reward)
{
    for (const trace_node *x = trace_cget(&r->ctx->trace, node); x;
         x = x->id > 0 ? trace_cget(&r->ctx->trace, x->parent) : NULL) {
        int id = x->id;
        mnode *m = at(r, id);
        m->visits++;
        m->w += reward;
        node_scores s = { .has = SCORE_VISITS | SCORE_W, .visits = m->visits, .w = m->w };
        search_score(r->ctx, id, &s, NULL);
        x = trace_cget(&r->ctx->trace, id);
    }
}

/* The answer a node stands for: its own, or its best rollout's. */
static const char *node_answer(mcts_run *r, int node, int *leaf)
{
    mnode *m = at(r, node);
    *leaf = node;
    if (m->answer[0])
        return m->answer;
    const trace_node *x = trace_cget(&r->ctx->trace, node);
    const char *best = NULL;
    double bs = -1;
    for (int i = 0; x && i < x->n_children; i++) {
        int id = x->children[i];
        const trace_node *c = trace_cget(&r->ctx->trace, id);
        if (at(r, id)->rollout && at(r, id)->answer[0] && c->scores.orm > bs) {
            bs = c->scores.orm;
            best = at(r, id)->answer;
            *leaf = id;
        }
    }
    return best;
}

int strategy_mcts(strategy_ctx *ctx)
{
    mcts_run r = {
        .ctx = ctx,
        .k = ctx->opt.k > 0 ? ctx->opt.k : ctx->opt.n > 0 ? ctx->opt.n : 3,
        .c = ctx->opt.uct_c > 0 ? ctx->opt.uct_c : 1.4,
    };
    if (r.k > 16)
        r.k = 16;
    int iters = ctx->opt.iterations > 0 ? ctx->opt.iterations : 16;
    int depth = ctx->opt.depth > 0 ? ctx->opt.depth : ctx->opt.task == TASK_24 ? 3 : 8;
    if (search_check_puzzle(ctx) < 0)
        return RUN_FAILED;
    tally_init(&r.seen);

    int it;
    for (it = 0; it < iters && !atomic_load(ctx->cancel); it++) {
        if (ctx->opt.token_budget > 0 && ctx->trace.tokens_out >= ctx->opt.token_budget) {
            char msg[160];
            snprintf(msg, sizeof msg, "token budget of %ld reached after %d iterations",
                     ctx->opt.token_budget, it);
            search_notice(ctx, msg);
            break;
        }
        int leaf = select_leaf(&r);
        mnode *m = at(&r, leaf);
        int target = leaf;
        const trace_node *lx = trace_cget(&ctx->trace, leaf);
        if (!m->terminal && !m->expanded && (lx ? lx->depth : 0) < depth) {
            int c = expand(&r, leaf);
            if (c < 0) {
                backprop(&r, leaf, 0);
                if (leaf == 0)
                    break;      /* nothing valid to say at all */
                continue;
            }
            target = c;
        } else if (!m->terminal && m->expanded) {
            /* every child is dead: this node is a dead end too */
            m->dead = 1;
            search_prune(ctx, leaf, "dead end: every step after it was pruned");
            backprop(&r, leaf, 0);
            if (leaf == 0)
                break;
            continue;
        }
        double reward = rollout(&r, target);
        backprop(&r, target, reward);
    }

    /* The most-visited path. */
    int node = 0;
    for (;;) {
        int kids[64];
        int n = live_children(&r, node, kids, 64);
        int best = -1;
        for (int i = 0; i < n; i++)
            if (at(&r, kids[i])->visits > 0 &&
                (best < 0 || at(&r, kids[i])->visits > at(&r, best)->visits))
                best = kids[i];
        if (best < 0)
            break;
        node = best;
    }
    /* Visit-weighted vote over every answer the search saw. */
    tally votes;
    tally_init(&votes);
    for (int i = 1; i < ctx->trace.n; i++) {
        mnode *m = at(&r, i);
        if (!m->answer[0] || !(m->rollout || m->terminal))
            continue;
        const trace_node *x = trace_cget(&ctx->trace, i);
        int owner = m->rollout ? x->parent : i;
        double w = at(&r, owner)->visits;
        tally_add_weighted(&votes, m->answer, w > 0 ? w : 0);
    }
    if (votes.n > 0) {
        event e = event_make(EV_VOTE);
        e.votes = votes;
        e.has_votes = 1;
        strategy_emit(ctx, &e);
    }
    int leaf = node;
    const char *ans = node > 0 ? node_answer(&r, node, &leaf) : NULL;
    int st = RUN_NO_ANSWER;
    if (!ans && votes.n > 0) {
        search_notice(ctx, "the most-visited path has no answer of its own; "
                           "taking the visit-weighted vote");
        ans = tally_leader(&votes, NULL);
        leaf = -1;
    }
    if (ans) {
        snprintf(ctx->answer, sizeof ctx->answer, "%s", ans);
        if (leaf > 0)
            search_mark_chosen(ctx, leaf, ctx->answer);
        ctx->confidence = search_share(&votes, ctx->answer);
        st = RUN_OK;
    } else if (!atomic_load(ctx->cancel)) {
        search_notice(ctx, "no rollout reached an answer");
    }
    char msg[128];
    snprintf(msg, sizeof msg, "mcts: %d iterations, %d nodes", it, ctx->trace.n);
    search_notice(ctx, msg);
    tally_done(&votes);
    tally_done(&r.seen);
    free(r.m);
    return st;
}
