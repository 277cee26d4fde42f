/* beam: step-level beam search guided by a process reward model
 * (Snell et al. 2024, after Lightman et al. 2023).
 *
 * Each of B beams proposes k next steps (a step ends at a sentence or line
 * boundary). Every proposal is checked and scored by the verifier; a
 * candidate's score is the aggregate (--agg) of the step scores along its
 * path. The best B candidates survive; a candidate that gives an answer
 * leaves the beam finished. The search stops when no beam is left or at
 * the maximum depth, and the answer is a vote over the finished beams,
 * weighted by their scores. */
#include "strategies/beam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/search.h"
#include "tutor/mem.h"

enum { MAX_BEAMS = 32 };

int strategy_beam(strategy_ctx *ctx)
{
    int B = ctx->opt.n > 0 ? ctx->opt.n : 4;
    int k = ctx->opt.k > 0 ? ctx->opt.k : 4;
    int depth = ctx->opt.depth > 0 ? ctx->opt.depth : ctx->opt.task == TASK_24 ? 3 : 8;
    if (search_check_puzzle(ctx) < 0)
        return RUN_FAILED;
    if (B > MAX_BEAMS)
        B = MAX_BEAMS;
    if (k > 32)
        k = 32;

    int beams[MAX_BEAMS] = { 0 };
    int n_beams = 1;
    tally votes;
    tally_init(&votes);
    int best_leaf = -1;
    double best_score = -1;

    for (int d = 0; d < depth && n_beams > 0 && !atomic_load(ctx->cancel); d++) {
        prompt ps[MAX_BEAMS];
        gen_item items[MAX_BEAMS];
        for (int i = 0; i < n_beams; i++) {
            search_step_prompt(ctx, beams[i], &ps[i]);
            items[i] = (gen_item){ .prompt = &ps[i], .n = k, .parent = beams[i],
                                   .kind = NODE_STEP, .label = "step" };
        }
        int total = gen_count(items, n_beams);
        gen_out *out = mem_calloc((size_t)total, sizeof *out);
        gen_opts o = search_step_opts(ctx, ctx->opt.temperature);
        int rc = gen_run(ctx, items, n_beams, &o, out);
        for (int i = 0; i < n_beams; i++)
            prompt_free(&ps[i]);
        if (rc < 0) {
            free(out);
            break;
        }

        int *cand = mem_alloc((size_t)total * sizeof *cand);
        step_eval *evs = mem_alloc((size_t)total * sizeof *evs);
        step_eval *cev = mem_alloc((size_t)total * sizeof *cev);
        double *pscore = mem_alloc((size_t)total * sizeof *pscore);
        int n_cand = 0;
        for (int i = 0; i < total; i++) {
            int node = out[i].node;
            search_check_step(ctx, node, &evs[i]);
            if (!evs[i].valid) {
                search_prune(ctx, node, NULL);
                continue;
            }
            /* The same step twice under one beam is one candidate. */
            char a[512], b[512];
            int dup = 0;
            search_step_text(ctx, node, a, sizeof a);
            for (int j = 0; j < n_cand && !dup; j++) {
                const trace_node *x = trace_cget(&ctx->trace, cand[j]);
                const trace_node *y = trace_cget(&ctx->trace, node);
                search_step_text(ctx, cand[j], b, sizeof b);
                dup = x && y && x->parent == y->parent && strcmp(a, b) == 0 ? cand[j] : 0;
            }
            if (dup) {
                char why[64];
                snprintf(why, sizeof why, "merged with #%d: the same step", dup);
                search_prune(ctx, node, why);
                continue;
            }
            cev[n_cand] = evs[i];
            cand[n_cand++] = node;
        }
        double *sc = mem_alloc((size_t)(n_cand ? n_cand : 1) * sizeof *sc);
        search_verify_steps(ctx, cand, cev, n_cand, sc);
        for (int i = 0; i < n_cand; i++)
            pscore[i] = search_path_score(ctx, cand[i]);
        /* Best path scores first; stable, so earlier proposals win ties. */
        for (int i = 1; i < n_cand; i++)
            for (int j = i; j > 0 && pscore[j] > pscore[j - 1]; j--) {
                double t = pscore[j]; pscore[j] = pscore[j - 1]; pscore[j - 1] = t;
                int c = cand[j]; cand[j] = cand[j - 1]; cand[j - 1] = c;
                step_eval e = cev[j]; cev[j] = cev[j - 1]; cev[j - 1] = e;
            }
        n_beams = 0;
        for (int i = 0; i < n_cand; i++) {
            int node = cand[i];
            if (i >= B) {
                char why[96];
                snprintf(why, sizeof why, "path score %.2f: not among the %d best kept",
                         pscore[i], B);
                search_prune(ctx, node, why);
                continue;
            }
            if (!cev[i].terminal && d + 1 < depth) {
                beams[n_beams++] = node;
                continue;
            }
            /* A finished beam, or one out of depth, leaves the search. */
            search_status(ctx, node, NS_DONE, cev[i].answer);
            if (!cev[i].answer[0])
                continue;
            tally_add_weighted(&votes, cev[i].answer, pscore[i]);
            event e = event_make(EV_VOTE);
            e.node = node;
            e.answer = cev[i].answer;
            e.votes = votes;
            e.has_votes = 1;
            strategy_emit(ctx, &e);
            if (best_leaf < 0 || pscore[i] > best_score) {
                best_leaf = node;
                best_score = pscore[i];
            }
        }
        free(sc);
        free(pscore);
        free(cev);
        free(evs);
        free(cand);
        gen_out_free(out, total);
        free(out);
    }

    int st = RUN_NO_ANSWER;
    const char *lead = tally_leader(&votes, NULL);
    if (lead) {
        snprintf(ctx->answer, sizeof ctx->answer, "%s", lead);
        /* The best-scored finished beam with the winning answer. */
        int pick = best_leaf;
        double ps = -1;
        for (int i = 1; i < ctx->trace.n; i++) {
            const trace_node *x = trace_cget(&ctx->trace, i);
            if (x->answer && strcmp(x->answer, lead) == 0 && x->status == NS_DONE) {
                double s = search_path_score(ctx, i);
                if (s > ps) {
                    ps = s;
                    pick = i;
                }
            }
        }
        search_mark_chosen(ctx, pick, ctx->answer);
        ctx->confidence = search_share(&votes, ctx->answer);
        st = RUN_OK;
    } else if (!atomic_load(ctx->cancel)) {
        search_notice(ctx, "no beam reached an answer within the search depth");
    }
    tally_done(&votes);
    return st;
}
