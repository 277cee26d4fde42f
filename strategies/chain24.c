/* chain24: step-by-step Game of 24 chains for the built-in model. */
#include "strategies/chain24.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/search.h"
#include "tutor/mem.h"

/* Emits text into a sample node. */
static void say(strategy_ctx *ctx, int node, const char *text)
{
    event ev = event_make(EV_TEXT);
    ev.node = node;
    ev.ch = CH_ANSWER;
    ev.text = text;
    strategy_emit(ctx, &ev);
}

/* The first line of a reply, trimmed. */
static void first_line(const char *s, char *out, size_t cap)
{
    while (*s == ' ')
        s++;
    size_t n = strcspn(s, "\n");
    while (n && s[n - 1] == ' ')
        n--;
    snprintf(out, cap, "%.*s", (int)n, s);
}

int chain24_run(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out)
{
    memset(out, 0, sizeof *out);
    int n = spec->n;
    g24_state start;
    if (n < 1 || g24_parse(ctx->problem, &start) < 0)
        return -1;

    out->first_node = sample_add_nodes(ctx, spec);
    g24_state *st = mem_alloc((size_t)n * sizeof *st);
    int *live = mem_alloc((size_t)n * sizeof *live);
    int *failed = mem_calloc((size_t)n, sizeof *failed);
    for (int i = 0; i < n; i++) {
        st[i] = start;
        live[i] = start.n > 1;
    }

    int *who = mem_alloc((size_t)n * sizeof *who);
    prompt *ps = mem_alloc((size_t)n * sizeof *ps);
    gen_item *items = mem_alloc((size_t)n * sizeof *items);
    gen_out *res = mem_calloc((size_t)n, sizeof *res);
    gen_opts o = search_step_opts(ctx, spec->temperature);
    while (!atomic_load(ctx->cancel)) {
        int m = 0;
        for (int i = 0; i < n; i++)
            if (live[i]) {
                char nums[128];
                g24_format(&st[i], nums, sizeof nums);
                prompt_step(&ps[m], 1, nums, NULL, 1);
                items[m] = (gen_item){ .prompt = &ps[m], .n = 1, .parent = GEN_HIDDEN };
                who[m++] = i;
            }
        if (!m)
            break;
        int rc = gen_run(ctx, items, m, &o, res);
        for (int j = 0; j < m; j++) {
            int i = who[j], node = out->first_node + i;
            char step[256], why[160], line[300], fixmark[256];
            g24_state next;
            first_line(res[j].text ? res[j].text : "", step, sizeof step);
            snprintf(line, sizeof line, "%s\n", step);
            if (rc < 0 || res[j].finish == FINISH_ERROR || res[j].finish == FINISH_CANCELLED) {
                live[i] = 0;
                failed[i] = res[j].finish == FINISH_CANCELLED ? 2 : 1;
                continue;
            }
            say(ctx, node, line);
            if (search_apply24(&st[i], step, &next, why, sizeof why, fixmark, sizeof fixmark) < 0) {
                node_scores s = { .has = SCORE_CHECK, .check = CHECK_WRONG };
                search_score(ctx, node, &s, why);
                live[i] = 0;
                st[i].n = 0;    /* no answer */
                continue;
            }
            st[i] = next;
            live[i] = st[i].n > 1;
        }
        gen_out_free(res, m);
        for (int j = 0; j < m; j++)
            prompt_free(&ps[j]);
    }

    for (int i = 0; i < n; i++) {
        int node = out->first_node + i;
        char ans[128] = "";
        node_status ns = NS_DONE;
        if (failed[i] == 1) {
            ns = NS_FAILED;
            out->failed++;
        } else if (failed[i] == 2 || (live[i] && atomic_load(ctx->cancel))) {
            ns = NS_CANCELLED;
            out->cancelled++;
        } else {
            out->finished++;
            if (st[i].n == 1) {
                /* The chain's own final expression, right or wrong: grading
                 * happens after the run, not here. */
                search_answer24(st[i].expr[0], ans, sizeof ans);
                char fin[200], val[64];
                g24_format(&st[i], val, sizeof val);
                snprintf(fin, sizeof fin, "Answer: %s = %s\n", st[i].expr[0], val);
                say(ctx, node, fin);
            }
        }
        search_status(ctx, node, ns, ans);
        if (spec->on_done && (ns == NS_DONE || ns == NS_FAILED))
            spec->on_done(ctx, node, ns == NS_DONE ? ans : "", ns, spec->ud);
    }
    free(res);
    free(items);
    free(ps);
    free(who);
    free(failed);
    free(live);
    free(st);
    return 0;
}
