/* tot: Tree of Thoughts (Yao et al., 2023).
 *
 * A state is a partial solution (a node). Propose: k samples of one next
 * step each. Value: v samples of sure / likely / impossible per new state,
 * scored 20 / 1 / 0.001 and summed, as in the paper; states already valued
 * take the cached value, and proposals that reach the same state merge into
 * the first (the rest are shown pruned, "same as #id"). BFS keeps the b best
 * states at each depth; DFS expands the best child first, prunes children
 * below the threshold, and backtracks. Steps that break the rules (wrong
 * arithmetic, numbers not left) are pruned before any value call. */
#include "strategies/tot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/search.h"
#include "strategies/sample.h"
#include "tutor/mem.h"

/* The value cache: state key -> summed value. */
typedef struct {
    char **key;
    double *value;
    int n, cap;
} value_cache;

typedef struct {
    strategy_ctx *ctx;
    int b, k, depth, v;
    double threshold;       /* DFS: children below this are pruned */
    value_cache cache;
    tally votes;            /* value-weighted, over finished paths */
    int best_leaf;          /* the best-valued finished path so far, or -1 */
    double best_value;
    char best_answer[128];
    int expansions, max_expansions;
} tot_run;

static const double *cache_get(const value_cache *c, const char *key)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->key[i], key) == 0)
            return &c->value[i];
    return NULL;
}

static void cache_put(value_cache *c, const char *key, double v)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->key = mem_realloc(c->key, (size_t)c->cap * sizeof *c->key);
        c->value = mem_realloc(c->value, (size_t)c->cap * sizeof *c->value);
    }
    c->key[c->n] = mem_strdup(key);
    c->value[c->n++] = v;
}

static void cache_done(value_cache *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->key[i]);
    free(c->key);
    free(c->value);
}

/* A state's identity: for 24 the multiset left (order does not matter),
 * for a word problem the steps so far. */
static void state_key(tot_run *r, int node, char *out, size_t cap)
{
    strategy_ctx *ctx = r->ctx;
    if (ctx->opt.task == TASK_24) {
        g24_state st;
        if (search_state24(ctx, node, &st) < 0) {
            snprintf(out, cap, "#%d", node);
            return;
        }
        /* sort the numbers for the key */
        for (int i = 1; i < st.n; i++)
            for (int j = i; j > 0 && rat_cmp(st.v[j], st.v[j - 1]) < 0; j--) {
                rat t = st.v[j];
                st.v[j] = st.v[j - 1];
                st.v[j - 1] = t;
            }
        g24_format(&st, out, cap);
        return;
    }
    char *path = search_path_text(ctx, node);
    snprintf(out, cap, "%s", path);
    free(path);
}

/* The text a value prompt judges: the numbers left, or the steps so far. */
static char *value_subject(tot_run *r, int node)
{
    if (r->ctx->opt.task == TASK_24) {
        g24_state st;
        char buf[128] = "";
        if (search_state24(r->ctx, node, &st) == 0)
            g24_format(&st, buf, sizeof buf);
        return mem_strdup(buf);
    }
    return search_path_text(r->ctx, node);
}

/* The built-in model was not trained to value word-problem steps; its
 * stand-in is the step checker: sure if every claim checks, impossible if
 * one is wrong, likely otherwise. */
static double checker_value(const step_eval *ev, int v)
{
    double each = ev->check == CHECK_OK ? 20.0 : ev->check == CHECK_WRONG ? 0.001 : 1.0;
    return each * v;
}

static void emit_value(strategy_ctx *ctx, int node, double value)
{
    node_scores s = { .has = SCORE_VALUE, .value = value };
    search_score(ctx, node, &s, NULL);
}

/* A finished path casts a value-weighted vote. */
static void finish_path(tot_run *r, int node, const step_eval *ev, double value)
{
    strategy_ctx *ctx = r->ctx;
    search_status(ctx, node, NS_DONE, ev->answer);
    if (!ev->answer[0])
        return;
    tally_add_weighted(&r->votes, ev->answer, value);
    event e = event_make(EV_VOTE);
    e.node = node;
    e.answer = ev->answer;
    e.votes = r->votes;
    e.has_votes = 1;
    strategy_emit(ctx, &e);
    if (r->best_leaf < 0 || value > r->best_value) {
        r->best_leaf = node;
        r->best_value = value;
        snprintf(r->best_answer, sizeof r->best_answer, "%s", ev->answer);
    }
}

/* Expands the given states: k proposals each, checked, merged, valued.
 * Writes the new, live (valid, unmerged, unfinished) children to kids with
 * their values, and returns their count. */
static int expand(tot_run *r, const int *states, int n_states, int **kids_out,
                  double **vals_out)
{
    strategy_ctx *ctx = r->ctx;
    *kids_out = NULL;
    *vals_out = NULL;
    prompt *ps = mem_alloc((size_t)n_states * sizeof *ps);
    gen_item *items = mem_alloc((size_t)n_states * sizeof *items);
    for (int i = 0; i < n_states; i++) {
        search_step_prompt(ctx, states[i], &ps[i]);
        items[i] = (gen_item){ .prompt = &ps[i], .n = r->k, .parent = states[i],
                               .kind = NODE_THOUGHT, .label = "thought" };
    }
    int total = gen_count(items, n_states);
    gen_out *out = mem_calloc((size_t)total, sizeof *out);
    gen_opts o = search_step_opts(ctx, ctx->opt.temperature);
    int ok = gen_run(ctx, items, n_states, &o, out) >= 0;
    r->expansions += n_states;

    int *kids = mem_alloc((size_t)total * sizeof *kids);
    double *vals = mem_alloc((size_t)total * sizeof *vals);
    step_eval *evs = mem_alloc((size_t)total * sizeof *evs);
    int *need = mem_alloc((size_t)total * sizeof *need);
    char (*keys)[256] = mem_alloc((size_t)total * sizeof *keys);
    int n_kids = 0, n_need = 0;

    for (int i = 0; ok && i < total; i++) {
        int node = out[i].node;
        search_check_step(ctx, node, &evs[i]);
        keys[i][0] = '\0';
        if (!evs[i].valid) {
            search_prune(ctx, node, NULL);
            continue;
        }
        state_key(r, node, keys[i], sizeof keys[i]);
        /* Merge: an earlier proposal in this batch reached the same state. */
        int dup = -1;
        for (int j = 0; j < i && dup < 0; j++)
            if (keys[j][0] && strcmp(keys[j], keys[i]) == 0)
                dup = out[j].node;
        if (dup >= 0) {
            char mark[64];
            snprintf(mark, sizeof mark, "merged with #%d: the same numbers left", dup);
            search_prune(ctx, node, mark);
            keys[i][0] = '\0';
            continue;
        }
        need[n_need++] = i;
    }

    /* Values: the cache, the rules, the checker, or v model samples. */
    int n_calls = 0;
    int *call_of = mem_alloc((size_t)total * sizeof *call_of);
    for (int q = 0; q < n_need; q++) {
        int i = need[q];
        const double *c = cache_get(&r->cache, keys[i]);
        call_of[q] = -1;
        if (c)
            vals[i] = *c;
        else if (evs[i].terminal && ctx->opt.task == TASK_24)
            vals[i] = evs[i].answer[0] ? 20.0 * r->v : 0.0;
        else if (ctx->opt.task == TASK_MATH && search_raw(ctx))
            vals[i] = checker_value(&evs[i], r->v);
        else
            call_of[q] = n_calls++;
    }
    if (ctx->opt.task == TASK_MATH && search_raw(ctx) && n_need)
        search_notice(ctx, "the built-in model was not trained to value word-problem steps; "
                           "tot values them with the step checker (sure: the arithmetic checks, "
                           "impossible: a claim is wrong, likely: no arithmetic)");
    if (n_calls) {
        prompt *vp = mem_alloc((size_t)n_calls * sizeof *vp);
        gen_item *vi = mem_alloc((size_t)n_calls * sizeof *vi);
        for (int q = 0; q < n_need; q++)
            if (call_of[q] >= 0) {
                char *subject = value_subject(r, out[need[q]].node);
                prompt_value(&vp[call_of[q]], ctx->opt.task == TASK_24, ctx->problem,
                             subject, search_raw(ctx));
                free(subject);
                vi[call_of[q]] = (gen_item){ .prompt = &vp[call_of[q]], .n = r->v,
                                             .parent = GEN_HIDDEN };
            }
        int vt = gen_count(vi, n_calls);
        gen_out *vo = mem_calloc((size_t)vt, sizeof *vo);
        gen_opts vopt = { .temperature = 0.7, .max_tokens = 8 };
        if (gen_run(ctx, vi, n_calls, &vopt, vo) >= 0)
            for (int q = 0; q < n_need; q++)
                if (call_of[q] >= 0) {
                    double sum = 0;
                    for (int s = 0; s < r->v; s++) {
                        const char *t = vo[call_of[q] * r->v + s].text;
                        sum += search_value_word(t ? t : "");
                    }
                    vals[need[q]] = sum;
                }
        gen_out_free(vo, vt);
        free(vo);
        for (int q = 0; q < n_calls; q++)
            prompt_free(&vp[q]);
        free(vp);
        free(vi);
    }

    for (int q = 0; q < n_need; q++) {
        int i = need[q], node = out[i].node;
        if (!cache_get(&r->cache, keys[i]))
            cache_put(&r->cache, keys[i], vals[i]);
        emit_value(ctx, node, vals[i]);
        if (evs[i].terminal) {
            finish_path(r, node, &evs[i], vals[i]);
            continue;
        }
        kids[n_kids] = node;
        vals[n_kids] = vals[i];
        n_kids++;
    }

    free(call_of);
    free(keys);
    free(need);
    free(evs);
    gen_out_free(out, total);
    free(out);
    for (int i = 0; i < n_states; i++)
        prompt_free(&ps[i]);
    free(ps);
    free(items);
    *kids_out = kids;
    *vals_out = vals;
    return n_kids;
}

/* Sorts kids by value, best first (stable: earlier proposals win ties). */
static void sort_by_value(int *kids, double *vals, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && vals[j] > vals[j - 1]; j--) {
            double tv = vals[j];
            vals[j] = vals[j - 1];
            vals[j - 1] = tv;
            int tk = kids[j];
            kids[j] = kids[j - 1];
            kids[j - 1] = tk;
        }
}

static int cancelled(const tot_run *r)
{
    return atomic_load(r->ctx->cancel) != 0;
}

static void bfs(tot_run *r)
{
    int frontier[64] = { 0 };
    int n_front = 1;
    for (int d = 0; d < r->depth && n_front > 0 && !cancelled(r); d++) {
        int *kids;
        double *vals;
        int n = expand(r, frontier, n_front, &kids, &vals);
        sort_by_value(kids, vals, n);
        n_front = 0;
        for (int i = 0; i < n; i++) {
            if (i < r->b && n_front < 64 && d + 1 < r->depth) {
                frontier[n_front++] = kids[i];
            } else {
                char why[96];
                if (d + 1 >= r->depth)
                    snprintf(why, sizeof why, "the depth limit (%d) ends the search here", r->depth);
                else
                    snprintf(why, sizeof why, "value %.2f: not among the %d best kept", vals[i],
                             r->b);
                search_prune(r->ctx, kids[i], why);
            }
        }
        free(kids);
        free(vals);
    }
}

/* Returns 1 once a path has finished with an answer. */
static int dfs(tot_run *r, int node, int d)
{
    if (d >= r->depth || cancelled(r) || r->expansions >= r->max_expansions)
        return 0;
    int *kids;
    double *vals;
    int n = expand(r, &node, 1, &kids, &vals);
    if (r->best_leaf >= 0) {
        for (int i = 0; i < n; i++)
            search_prune(r->ctx, kids[i], "a solution was already found");
        free(kids);
        free(vals);
        return 1;
    }
    sort_by_value(kids, vals, n);
    int found = 0;
    for (int i = 0; i < n; i++) {
        if (found || vals[i] < r->threshold) {
            char why[96];
            if (found)
                snprintf(why, sizeof why, "a solution was already found");
            else
                snprintf(why, sizeof why, "value %.2f is below the threshold %.2f", vals[i],
                         r->threshold);
            search_prune(r->ctx, kids[i], why);
            continue;
        }
        found = dfs(r, kids[i], d + 1);
        if (!found) {
            node_scores s = { 0 };
            search_score(r->ctx, kids[i], &s, "dead end: backtracked");
            search_prune(r->ctx, kids[i], "dead end: backtracked");
        }
    }
    free(kids);
    free(vals);
    return found;
}

int strategy_tot(strategy_ctx *ctx)
{
    tot_run r = {
        .ctx = ctx,
        .b = ctx->opt.n > 0 ? ctx->opt.n : 5,
        .k = ctx->opt.k > 0 ? ctx->opt.k : 8,
        .depth = ctx->opt.depth > 0 ? ctx->opt.depth : ctx->opt.task == TASK_24 ? 3 : 8,
        .v = ctx->opt.value_samples > 0 ? ctx->opt.value_samples : 3,
        .best_leaf = -1,
        .max_expansions = 60,
    };
    if (r.b > 64)
        r.b = 64;
    if (r.k > 64)
        r.k = 64;
    if (r.depth > 32)
        r.depth = 32;
    r.threshold = r.v * 1.0;    /* below "likely" on average */
    if (search_check_puzzle(ctx) < 0)
        return RUN_FAILED;
    tally_init(&r.votes);

    if (ctx->opt.search == SEARCH_DFS)
        dfs(&r, 0, 0);
    else
        bfs(&r);

    int st = RUN_NO_ANSWER;
    const char *lead = tally_leader(&r.votes, NULL);
    if (lead) {
        /* The answer with the most value behind it; its best path is shown
         * as chosen. */
        snprintf(ctx->answer, sizeof ctx->answer, "%s", lead);
        int leaf = r.best_leaf;
        if (strcmp(r.best_answer, lead) != 0) {
            double best = -1;
            for (int i = 1; i < ctx->trace.n; i++) {
                const trace_node *x = trace_cget(&ctx->trace, i);
                if (x->answer && strcmp(x->answer, lead) == 0 && x->scores.value > best) {
                    best = x->scores.value;
                    leaf = i;
                }
            }
        }
        search_mark_chosen(ctx, leaf, lead);
        ctx->confidence = search_share(&r.votes, lead);
        st = RUN_OK;
    } else if (!cancelled(&r)) {
        search_notice(ctx, ctx->opt.task == TASK_24
                      ? "no path reached 24 within the search; try a larger breadth (-n) or more proposals (-k)"
                      : "no path reached a final answer within the search depth");
    }
    tally_done(&r.votes);
    cache_done(&r.cache);
    return st;
}
