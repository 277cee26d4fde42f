/* sampler.c: temperature, top-k, top-p sampling (see sampler.h). */
#include "lm/sampler.h"

#include <math.h>
#include <stdlib.h>

typedef struct { float l; int id; } cand;

static int by_logit_desc(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->l != y->l) return x->l < y->l ? 1 : -1;
    return x->id - y->id;
}

/* The k largest logits, in descending order (insertion; k is small). */
static int top_candidates(const float *l, int V, int k, int *idx)
{
    int n = 0;
    for (int v = 0; v < V; v++) {
        if (n == k && l[v] <= l[idx[n - 1]]) continue;
        int j = n < k ? n++ : n - 1;
        while (j > 0 && l[idx[j - 1]] < l[v]) { idx[j] = idx[j - 1]; j--; }
        idx[j] = v;
    }
    return n;
}

int lm_sample_token(const float *logits, int V, const lm_sample_opts *o, lm_rng *r,
                    float *work, int *idx, float *logprob)
{
    float mx = logits[0];
    int best = 0;
    for (int v = 1; v < V; v++)
        if (logits[v] > mx) { mx = logits[v]; best = v; }
    double z = 0;
    for (int v = 0; v < V; v++) z += exp((double)logits[v] - mx);
    double logz = mx + log(z);
    int tok = best;
    if (o->temperature > 0) {
        float t = o->temperature;
        int n = V;
        if (o->top_k > 0 && o->top_k < V) {
            n = top_candidates(logits, V, o->top_k, idx);
        } else if (o->top_p > 0 && o->top_p < 1) {
            cand *c = malloc((size_t)V * sizeof *c);
            if (c) {
                for (int v = 0; v < V; v++) c[v] = (cand){ logits[v], v };
                qsort(c, (size_t)V, sizeof *c, by_logit_desc);
                for (int v = 0; v < V; v++) idx[v] = c[v].id;
                free(c);
            } else {
                n = top_candidates(logits, V, 64, idx);
            }
        } else {
            for (int v = 0; v < V; v++) idx[v] = v;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            work[i] = (float)exp((logits[idx[i]] - mx) / t);
            sum += work[i];
        }
        if (o->top_p > 0 && o->top_p < 1) {
            /* idx is sorted by logit (top-k candidates are too): keep the
             * smallest prefix whose mass reaches top_p */
            double acc = 0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                acc += work[i] / sum;
                if (acc >= o->top_p) { keep = i + 1; break; }
            }
            n = keep;
            sum = 0;
            for (int i = 0; i < n; i++) sum += work[i];
        }
        double u = (double)lm_rng_float(r) * sum, acc = 0;
        tok = idx[n - 1];
        for (int i = 0; i < n; i++) {
            acc += work[i];
            if (u < acc) { tok = idx[i]; break; }
        }
    }
    if (logprob) *logprob = (float)(logits[tok] - logz);
    return tok;
}
