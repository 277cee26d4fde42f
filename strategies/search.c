/* search: the task-specific half of every search strategy. */
#include "strategies/search.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strategies/chain24.h"
#include "tutor/answer.h"
#include "tutor/mem.h"

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static const char *find_ci(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (strncasecmp(s, w, n) == 0)
            return s;
    return NULL;
}

int search_raw(const strategy_ctx *ctx)
{
    return (model_caps(ctx->model) & CAP_RAW_FORMAT) != 0;
}

/* Drops a chat model's "Step 3:" or "Next step:" before the step itself. */
static const char *skip_step_label(const char *s)
{
    const char *p = s;
    if (strncasecmp(p, "next step", 9) == 0)
        p += 9;
    else if (strncasecmp(p, "step", 4) == 0) {
        p += 4;
        while (*p == ' ')
            p++;
        while (isdigit((unsigned char)*p))
            p++;
    } else {
        return s;
    }
    if (*p != ':')
        return s;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

void search_step_text(const strategy_ctx *ctx, int node, char *out, size_t cap)
{
    const trace *t = &ctx->trace;
    if (!cap)
        return;
    out[0] = '\0';
    const trace_node *n = trace_cget(t, node);
    if (!n)
        return;
    const char *s = n->answer_text.len ? n->answer_text.s : n->thinking.s;
    if (!s)
        return;
    while (isspace((unsigned char)*s))
        s++;
    s = skip_step_label(s);
    /* One line: a chat model may go on past the step it was asked for. */
    size_t len = strcspn(s, "\n");
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, s, len);
    out[len] = '\0';
    /* Math steps were cut at their ". " stop: give the period back. */
    if (ctx->opt.task == TASK_MATH && len && len + 1 < cap && !strchr(".!?", out[len - 1])) {
        out[len] = '.';
        out[len + 1] = '\0';
    }
}

/* Step nodes on the path to node, root's child first; returns the count. */
static int path_nodes(const trace *t, int node, int *ids, int cap)
{
    int n = 0;
    for (const trace_node *x = trace_cget(t, node); x && x->id > 0; x = trace_cget(t, x->parent))
        if (x->kind == NODE_STEP || x->kind == NODE_THOUGHT)
            n++;
    int k = n < cap ? n : cap;
    int i = n;
    for (const trace_node *x = trace_cget(t, node); x && x->id > 0; x = trace_cget(t, x->parent))
        if (x->kind == NODE_STEP || x->kind == NODE_THOUGHT) {
            i--;
            if (i < k)
                ids[i] = x->id;
        }
    return k;
}

enum { MAX_PATH = 64, STEP_CAP = 512 };

char *search_path_text(const strategy_ctx *ctx, int node)
{
    const trace *t = &ctx->trace;
    int ids[MAX_PATH];
    int n = path_nodes(t, node, ids, MAX_PATH);
    char *s = mem_alloc((size_t)n * STEP_CAP + 1);
    s[0] = '\0';
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        char step[STEP_CAP];
        search_step_text(ctx, ids[i], step, sizeof step);
        if (!*step)
            continue;
        if (len)
            s[len++] = ctx->opt.task == TASK_24 ? '\n' : ' ';
        size_t l = strlen(step);
        memcpy(s + len, step, l + 1);
        len += l;
    }
    return s;
}

/* A step whose arithmetic is right but whose "(left: ...)" list is not:
 * the move itself is legal, and the numbers left follow from it, so the
 * search goes on from the true state and the mark says what was fixed.
 * Returns 1 with next filled, or 0. */
static int left_list_only(const g24_state *st, const char *step, g24_state *next,
                          const char *why, char *mark, size_t cap)
{
    const char *left = strstr(step, "(left");
    if (!left || strncmp(why, "left should be", 14) != 0)
        return 0;
    char move[256], why2[160];
    snprintf(move, sizeof move, "%.*s", (int)(left - step), step);
    if (g24_apply(st, move, next, why2, sizeof why2) < 0)
        return 0;
    snprintf(mark, cap, "%s (the move is right; its list of numbers left was not)", why);
    return 1;
}

int search_apply24(const g24_state *st, const char *step, g24_state *next,
                   char *why, size_t wcap, char *mark, size_t mcap)
{
    if (g24_apply(st, step, next, why, wcap) == 0)
        return 0;
    return left_list_only(st, step, next, why, mark, mcap) ? 0 : -1;
}

int search_state24(const strategy_ctx *ctx, int node, g24_state *st)
{
    if (g24_parse(ctx->problem, st) < 0)
        return -1;
    int ids[MAX_PATH];
    int n = path_nodes(&ctx->trace, node, ids, MAX_PATH);
    for (int i = 0; i < n; i++) {
        char step[STEP_CAP], why[160], mark[256];
        g24_state next;
        search_step_text(ctx, ids[i], step, sizeof step);
        if (search_apply24(st, step, &next, why, sizeof why, mark, sizeof mark) < 0)
            return -1;
        *st = next;
    }
    return 0;
}

void search_step_prompt(const strategy_ctx *ctx, int node, prompt *p)
{
    if (ctx->opt.task == TASK_24) {
        g24_state st;
        char nums[128];
        if (search_state24(ctx, node, &st) < 0)
            snprintf(nums, sizeof nums, "%s", ctx->problem);
        else
            g24_format(&st, nums, sizeof nums);
        prompt_step(p, 1, nums, NULL, search_raw(ctx));
        return;
    }
    char *steps = search_path_text(ctx, node);
    prompt_step(p, 0, ctx->problem, steps, search_raw(ctx));
    free(steps);
}

static const char *const STOP_SENTENCE[] = { ". ", "\n" };
static const char *const STOP_LINE[] = { "\n" };

gen_opts search_step_opts(const strategy_ctx *ctx, double temperature)
{
    gen_opts o = { .temperature = temperature };
    if (ctx->opt.task == TASK_MATH && search_raw(ctx)) {
        o.stop = STOP_SENTENCE;
        o.n_stop = 2;
        o.max_tokens = 48;
    } else {
        o.stop = STOP_LINE;
        o.n_stop = 1;
        o.max_tokens = search_raw(ctx) ? 32 : 120;
    }
    return o;
}

void search_status(strategy_ctx *ctx, int node, node_status st, const char *answer)
{
    event ev = event_make(EV_STATUS);
    ev.node = node;
    ev.status = st;
    ev.answer = answer && *answer ? answer : NULL;
    strategy_emit(ctx, &ev);
}

void search_prune(strategy_ctx *ctx, int node, const char *reason)
{
    char why[300];
    const trace_node *n = trace_cget(&ctx->trace, node);
    if (!reason) {
        snprintf(why, sizeof why, "%s%s", n && n->mark ? "wrong step: " : "wrong step",
                 n && n->mark ? n->mark : "");
        reason = why;
    }
    event ev = event_make(EV_STATUS);
    ev.node = node;
    ev.status = NS_PRUNED;
    ev.text = reason;
    strategy_emit(ctx, &ev);
}

void search_score(strategy_ctx *ctx, int node, const node_scores *s, const char *mark)
{
    event ev = event_make(EV_SCORE);
    ev.node = node;
    ev.scores = *s;
    ev.text = mark && *mark ? mark : NULL;
    strategy_emit(ctx, &ev);
}

void search_notice(strategy_ctx *ctx, const char *msg)
{
    sample_notice(ctx, msg);
}

/* Writes "EXPR" from an expression such as "((13 - 9) * (10 - 4))": the
 * outer parentheses go, so equal solutions print alike. */
static void strip_outer(const char *expr, char *out, size_t cap);

void search_answer24(const char *expr, char *out, size_t cap)
{
    char tight[256];
    size_t o = 0;
    for (const char *p = expr; *p && o + 1 < sizeof tight; p++)
        if (*p != ' ' && *p != '\t')
            tight[o++] = *p;
    tight[o] = '\0';
    strip_outer(tight, out, cap);
}

static void strip_outer(const char *expr, char *out, size_t cap)
{
    size_t len = strlen(expr);
    if (len >= 2 && expr[0] == '(' && expr[len - 1] == ')') {
        int depth = 0, outer = 1;
        for (size_t i = 0; i < len && outer; i++) {
            depth += expr[i] == '(' ? 1 : expr[i] == ')' ? -1 : 0;
            if (depth == 0 && i + 1 < len)
                outer = 0;
        }
        if (outer) {
            snprintf(out, cap, "%.*s", (int)(len - 2), expr + 1);
            return;
        }
    }
    snprintf(out, cap, "%s", expr);
}

void search_check_step(strategy_ctx *ctx, int node, step_eval *ev)
{
    memset(ev, 0, sizeof *ev);
    const trace_node *n = trace_cget(&ctx->trace, node);
    char step[STEP_CAP];
    search_step_text(ctx, node, step, sizeof step);
    node_scores s = { .has = SCORE_CHECK };
    char mark[256] = "";

    if (!n || !*step || n->status == NS_FAILED || n->status == NS_CANCELLED) {
        s.check = CHECK_WRONG;
        snprintf(mark, sizeof mark, "%s", n && n->status == NS_CANCELLED ? "cancelled"
                                         : "no step came back");
    } else if (ctx->opt.task == TASK_24) {
        g24_state st, next;
        char why[160];
        if (search_state24(ctx, n->parent, &st) < 0) {
            s.check = CHECK_WRONG;
            snprintf(mark, sizeof mark, "the puzzle is not 1 to 4 numbers");
        } else if (search_apply24(&st, step, &next, why, sizeof why, mark, sizeof mark) < 0) {
            s.check = CHECK_WRONG;
            snprintf(mark, sizeof mark, "%s", why);
        } else {
            /* Right arithmetic under a wrong "(left: ...)" list goes on from
             * the true numbers, but the step as written is not right: no ✓. */
            s.check = mark[0] ? CHECK_UNSUPPORTED : CHECK_OK;
            ev->valid = 1;
            ev->score = 1.0;
            if (next.n == 1) {
                ev->terminal = 1;
                if (g24_solved(&next)) {
                    search_answer24(next.expr[0], ev->answer, sizeof ev->answer);
                } else {
                    char left[64];
                    g24_format(&next, left, sizeof left);
                    snprintf(mark, sizeof mark, "ends at %s, not 24", left);
                    ev->score = 0.0;
                }
            }
        }
    } else {
        char *before = search_path_text(ctx, n->parent);
        size_t cl = strlen(ctx->problem) + strlen(before) + 2;
        char *context = mem_alloc(cl);
        snprintf(context, cl, "%s %s", ctx->problem, before);
        step_check sc;
        stepcheck_step(step, context, &sc);
        free(context);
        free(before);
        s.check = sc.verdict;
        snprintf(mark, sizeof mark, "%s", sc.mark);
        ev->score = sc.score;
        ev->terminal = answer_explicit(step, ev->answer, sizeof ev->answer);
        /* A wrong claim, or a final answer that no step worked out, ends
         * the path: the rest of the search has better places to go. */
        ev->valid = sc.verdict != CHECK_WRONG &&
                    !(ev->terminal && sc.verdict == CHECK_UNSUPPORTED);
    }
    ev->check = s.check;
    search_score(ctx, node, &s, mark);
}

/* exp(mean token logprob) of a node's own text, or -1 without logprobs. */
static double logprob_score(const strategy_ctx *ctx, int node)
{
    const trace_node *n = trace_cget(&ctx->trace, node);
    if (!n || !(n->scores.has & SCORE_LOGPROB) || n->tokens <= 0)
        return -1;
    return exp(n->scores.logprob / n->tokens);
}

void search_verify_steps(strategy_ctx *ctx, const int *nodes, const step_eval *evs,
                         int n, double *scores)
{
    verifier_kind v = ctx->opt.verifier;
    if (v == VERIFIER_JUDGE && search_raw(ctx)) {
        search_notice(ctx, "the built-in model was not trained to judge steps; "
                           "scoring them by its own token logprobs instead");
        v = VERIFIER_LOGPROB;
    }
    for (int i = 0; i < n; i++)
        scores[i] = evs[i].score;
    if (v == VERIFIER_LOGPROB) {
        for (int i = 0; i < n; i++) {
            double lp = logprob_score(ctx, nodes[i]);
            if (lp < 0) {
                search_notice(ctx, "this model gives no logprobs; scoring steps with "
                                   "the step checker instead");
                continue;
            }
            /* A step the checker proved wrong stays wrong, however sure
             * the model was of it. */
            scores[i] = evs[i].check == CHECK_WRONG ? 0.0 : lp;
        }
    } else if (v == VERIFIER_JUDGE && n > 0) {
        prompt *ps = mem_alloc((size_t)n * sizeof *ps);
        for (int i = 0; i < n; i++) {
            const trace_node *x = trace_cget(&ctx->trace, nodes[i]);
            char *before = search_path_text(ctx, x ? x->parent : 0);
            char step[STEP_CAP];
            search_step_text(ctx, nodes[i], step, sizeof step);
            prompt_judge(&ps[i], ctx->problem, before, step);
            free(before);
        }
        search_judge(ctx, ps, n, scores);
        for (int i = 0; i < n; i++)
            prompt_free(&ps[i]);
        free(ps);
    }
    for (int i = 0; i < n; i++) {
        node_scores s = { .has = SCORE_PRM, .prm = scores[i] };
        search_score(ctx, nodes[i], &s, NULL);
    }
}

double search_path_score(const strategy_ctx *ctx, int node)
{
    int ids[MAX_PATH];
    double s[MAX_PATH];
    int n = path_nodes(&ctx->trace, node, ids, MAX_PATH), k = 0;
    for (int i = 0; i < n; i++) {
        const trace_node *x = trace_cget(&ctx->trace, ids[i]);
        if (x && (x->scores.has & SCORE_PRM))
            s[k++] = x->scores.prm;
    }
    return stepcheck_aggregate(s, k, (agg_kind)ctx->opt.agg);
}

void search_mark_chosen(strategy_ctx *ctx, int node, const char *answer)
{
    for (const trace_node *x = trace_cget(&ctx->trace, node); x && x->id > 0;
         x = trace_cget(&ctx->trace, x->parent)) {
        int id = x->id;
        search_status(ctx, id, NS_CHOSEN, id == node ? answer : NULL);
        x = trace_cget(&ctx->trace, id);    /* emitting may move the nodes */
    }
}

double search_share(const tally *votes, const char *answer)
{
    double sum = 0;
    for (int i = 0; i < votes->n; i++)
        sum += votes->e[i].weight;
    return sum > 0 ? tally_weight(votes, answer) / sum : -1;
}

int search_check_puzzle(strategy_ctx *ctx)
{
    g24_state st;
    if (ctx->opt.task != TASK_24 || g24_parse(ctx->problem, &st) == 0)
        return 0;
    event e = event_make(EV_ERROR);
    e.text = "a Game of 24 puzzle is 1 to 4 whole numbers, such as \"4 9 10 13\"";
    strategy_emit(ctx, &e);
    return -1;
}

int search_judge(strategy_ctx *ctx, const prompt *judge_prompts, int n, double *scores)
{
    if (n <= 0)
        return 0;
    gen_item *items = mem_alloc((size_t)n * sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = (gen_item){ .prompt = &judge_prompts[i], .n = 1, .parent = GEN_HIDDEN };
    gen_out *out = mem_calloc((size_t)n, sizeof *out);
    gen_opts o = { .temperature = 0, .max_tokens = 8 };
    int missing = n;
    if (gen_run(ctx, items, n, &o, out) >= 0) {
        missing = 0;
        for (int i = 0; i < n; i++) {
            double j = search_judge_score(out[i].text ? out[i].text : "");
            if (j < 0)
                missing++;
            else
                scores[i] = j;
        }
    }
    if (missing)
        search_notice(ctx, "the judge gave no 0-10 score for some texts; those keep the "
                           "step checker's score");
    gen_out_free(out, n);
    free(out);
    free(items);
    return missing;
}

double search_value_word(const char *text)
{
    static const struct { const char *word; double value; } words[] = {
        { "impossible", 0.001 }, { "unlikely", 0.001 }, { "sure", 20.0 }, { "likely", 1.0 },
    };
    const char *best = NULL;
    double v = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *p = find_ci(text, words[i].word);
        /* "unlikely" also holds "likely": the earlier match wins, and a
         * tie at one position goes to the longer word listed first. */
        if (p && (!best || p < best)) {
            best = p;
            v = words[i].value;
        }
    }
    return v;
}

double search_judge_score(const char *text)
{
    for (const char *p = text; *p; p++)
        if (isdigit((unsigned char)*p)) {
            double d = strtod(p, NULL);
            if (d > 10)
                return -1;
            return d / 10.0;
        }
    return -1;
}

void search_chain_answer(const strategy_ctx *ctx, const char *text, char *out, size_t cap)
{
    if (ctx->opt.task != TASK_24) {
        answer_extract(text, out, cap);
        return;
    }
    /* "Answer: (6 - 4) * (4 + 8) = 24": the expression, in the one form
     * search_answer24 gives, so equal answers vote together. */
    out[0] = '\0';
    const char *a = NULL;
    for (const char *p = text; (p = find_ci(p, "answer:")) != NULL; p += 7)
        a = p + 7;
    if (!a)
        return;
    char expr[256];
    size_t n = strcspn(a, "\n=");
    snprintf(expr, sizeof expr, "%.*s", (int)n, a);
    search_answer24(expr, out, cap);
}

int search_chains(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (search_check_puzzle(ctx) < 0)
        return -1;
    if (ctx->opt.task == TASK_24 && search_raw(ctx)) {
        if (spec->style == PROMPT_DIRECT) {
            event ev = event_make(EV_ERROR);
            ev.text = "the built-in model was trained to propose Game of 24 steps, not to "
                      "answer in one go; try -s cot, sc, tot or mcts";
            strategy_emit(ctx, &ev);
            return -1;
        }
        return chain24_run(ctx, spec, out);
    }
    sample_spec s = *spec;
    s.answer = search_chain_answer;
    return sample_run(ctx, &s, out);
}

int search_answer_ok(const strategy_ctx *ctx, const char *answer)
{
    if (ctx->opt.task != TASK_24)
        return 1;
    g24_state st;
    int nums[4];
    char why[160];
    if (!answer || !*answer || g24_parse(ctx->problem, &st) < 0)
        return 0;
    for (int i = 0; i < st.n; i++)
        nums[i] = (int)st.v[i].num;
    return g24_check_expr(nums, st.n, answer, why, sizeof why);
}

enum { CHAIN_STEPS = 64 };

/* A 24 chain is right or not: its expression uses the numbers and makes 24. */
static double check_chain24(strategy_ctx *ctx, const trace_node *x)
{
    g24_state st;
    int nums[4];
    char why[160] = "";
    if (g24_parse(ctx->problem, &st) < 0)
        return 0;
    node_scores s = { .has = SCORE_CHECK, .check = CHECK_WRONG };
    if (!x->answer || !*x->answer) {
        /* chain24 marked the wrong step already; a sample with no
         * expression has nothing to check */
        if (!(x->scores.has & SCORE_CHECK))
            search_score(ctx, x->id, &s, "no final expression to check");
        return 0;
    }
    for (int i = 0; i < st.n; i++)
        nums[i] = (int)st.v[i].num;
    int ok = g24_check_expr(nums, st.n, x->answer, why, sizeof why);
    s.check = ok ? CHECK_OK : CHECK_WRONG;
    search_score(ctx, x->id, &s, ok ? NULL : why);
    return ok ? 1.0 : 0.0;
}

double search_check_chain(strategy_ctx *ctx, int node)
{
    const trace_node *x = trace_cget(&ctx->trace, node);
    if (!x)
        return 0;
    if (ctx->opt.task == TASK_24)
        return check_chain24(ctx, x);
    /* Every step: the built-in model writes its steps on the thinking
     * channel and "The answer is" on the answer channel, so the chain is
     * both, thinking first. */
    size_t cl = x->thinking.len + x->answer_text.len + 2;
    char *text = mem_alloc(cl);
    snprintf(text, cl, "%s%s%s", x->thinking.len ? x->thinking.s : "",
             x->thinking.len && x->answer_text.len ? " " : "",
             x->answer_text.len ? x->answer_text.s : "");
    step_check steps[CHAIN_STEPS];
    int first_wrong = -1;
    int n = stepcheck_chain(ctx->problem, text, steps, CHAIN_STEPS, &first_wrong);
    free(text);
    if (n > CHAIN_STEPS)
        n = CHAIN_STEPS;
    double scores[CHAIN_STEPS];
    for (int i = 0; i < n; i++)
        scores[i] = steps[i].score;
    node_scores s = { .has = SCORE_CHECK, .check = CHECK_OK };
    char mark[300] = "";
    if (first_wrong >= 0) {
        s.check = CHECK_WRONG;
        snprintf(mark, sizeof mark, "Step %d: %s", first_wrong + 1, steps[first_wrong].mark);
    } else {
        for (int i = 0; i < n; i++)
            if (steps[i].verdict == CHECK_UNSUPPORTED) {
                s.check = CHECK_UNSUPPORTED;
                snprintf(mark, sizeof mark, "Step %d: %s", i + 1, steps[i].mark);
                break;
            }
        if (s.check == CHECK_OK) {
            int claims = 0;
            for (int i = 0; i < n; i++)
                claims += steps[i].verdict == CHECK_OK;
            if (!claims)
                s.check = CHECK_NONE;   /* nothing checkable: no ✓ */
        }
    }
    search_score(ctx, node, &s, mark);
    return stepcheck_aggregate(scores, n, (agg_kind)ctx->opt.agg);
}
