/* gpt.c: GPT-2 parameters and training passes (see gpt.h). */
#include "lm/gpt.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "lm/kernels.h"
#include "lm/rng.h"

size_t lm_param_sizes(const lm_config *c, size_t s[P_NUM])
{
    size_t V = (size_t)c->vocab, T = (size_t)c->ctx, C = (size_t)c->dim, L = (size_t)c->layers,
           F = (size_t)c->ffn;
    s[P_WTE] = V * C; s[P_WPE] = T * C;
    s[P_LN1W] = L * C; s[P_LN1B] = L * C;
    s[P_QKVW] = L * 3 * C * C; s[P_QKVB] = L * 3 * C;
    s[P_ATTW] = L * C * C; s[P_ATTB] = L * C;
    s[P_LN2W] = L * C; s[P_LN2B] = L * C;
    s[P_FCW] = L * F * C; s[P_FCB] = L * F;
    s[P_PRJW] = L * C * F; s[P_PRJB] = L * C;
    s[P_LNFW] = C; s[P_LNFB] = C;
    s[P_OUT] = V * C;
    size_t n = 0;
    for (int i = 0; i < P_NUM; i++) n += s[i];
    return n;
}

void lm_params_point(lm_params *p, const lm_config *c, float *block)
{
    size_t s[P_NUM];
    lm_param_sizes(c, s);
    for (int i = 0; i < P_NUM; i++) { p->t[i] = block; block += s[i]; }
}

const char *lm_param_name(int i)
{
    static const char *const names[P_NUM] = {
        "token_embd", "position_embd", "attn_norm.weight", "attn_norm.bias",
        "attn_qkv.weight", "attn_qkv.bias", "attn_output.weight", "attn_output.bias",
        "ffn_norm.weight", "ffn_norm.bias", "ffn_up.weight", "ffn_up.bias",
        "ffn_down.weight", "ffn_down.bias", "output_norm.weight", "output_norm.bias",
        "output.weight",
    };
    return i >= 0 && i < P_NUM ? names[i] : "?";
}

int lm_param_decays(int i)
{
    return i == P_WTE || i == P_WPE || i == P_QKVW || i == P_ATTW || i == P_FCW ||
           i == P_PRJW || i == P_OUT;
}

static float gauss(lm_rng *r)
{
    float u = (lm_rng_float(r) + 1e-7f), v = lm_rng_float(r);
    return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

void lm_params_init(float *block, const lm_config *c, uint64_t seed)
{
    size_t s[P_NUM];
    lm_param_sizes(c, s);
    lm_rng r = lm_rng_stream(0x494E4954 /* "INIT" */, seed, 0);
    float *p = block;
    for (int i = 0; i < P_NUM; i++) {
        float std = 0.02f;
        if (i == P_ATTW || i == P_PRJW) std = 0.02f / sqrtf(2.0f * (float)c->layers);
        for (size_t k = 0; k < s[i]; k++) {
            if (i == P_LN1W || i == P_LN2W || i == P_LNFW) p[k] = 1.0f;
            else if (lm_param_decays(i)) p[k] = std * gauss(&r);
            else p[k] = 0.0f;
        }
        p += s[i];
    }
}

lm_gpt *lm_gpt_new(const lm_config *c, int N)
{
    lm_gpt *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cfg = *c;
    m->N = N;
    size_t s[P_NUM];
    m->nparams = lm_param_sizes(c, s);
    size_t L = (size_t)c->layers, C = (size_t)c->dim, F = (size_t)c->ffn, n = (size_t)N,
           NH = (size_t)c->heads, T = (size_t)c->ctx, V = (size_t)c->vocab;
    size_t na = n * C + L * (n * C * 7 + n * 4 + n * 3 * C + NH * n * T + n * F * 2) +
                n * C + 2 * n + n * C + n * V;
    int nth = omp_get_max_threads();
    size_t ng = n * C * 3 + n * 3 * C + n * F * 2 + (size_t)nth * T;
    m->params = malloc(m->nparams * sizeof(float));
    m->grads = calloc(m->nparams, sizeof(float));
    m->acts = malloc(na * sizeof(float));
    m->grad_acts = malloc(ng * sizeof(float));
    m->inp = calloc(n, sizeof(int)); m->pos = calloc(n, sizeof(int));
    m->start = calloc(n, sizeof(int)); m->targets = calloc(n, sizeof(int));
    m->loss_idx = calloc(n, sizeof(int));
    if (!m->params || !m->grads || !m->acts || !m->grad_acts || !m->inp || !m->pos ||
        !m->start || !m->targets || !m->loss_idx) {
        lm_gpt_free(m);
        return NULL;
    }
    lm_params_point(&m->p, c, m->params);
    lm_params_point(&m->g, c, m->grads);
    float *a = m->acts;
#define TAKE(field, count) (m->field = a, a += (count))
    TAKE(encoded, n * C);
    TAKE(ln1, L * n * C); TAKE(ln1m, L * n); TAKE(ln1r, L * n); TAKE(qkv, L * n * 3 * C);
    TAKE(atty, L * n * C); TAKE(att, L * NH * n * T); TAKE(attproj, L * n * C);
    TAKE(res2, L * n * C); TAKE(ln2, L * n * C); TAKE(ln2m, L * n); TAKE(ln2r, L * n);
    TAKE(fch, L * n * F); TAKE(fchg, L * n * F); TAKE(fcproj, L * n * C); TAKE(res3, L * n * C);
    TAKE(lnf, n * C); TAKE(lnfm, n); TAKE(lnfr, n); TAKE(sel, n * C); TAKE(logits, n * V);
    a = m->grad_acts;
    TAKE(dres, n * C); TAKE(dln, n * C); TAKE(dsel, n * C); TAKE(dqkv, n * 3 * C);
    TAKE(dfch, n * F); TAKE(dfchg, n * F); TAKE(scratch, (size_t)nth * T);
    m->datty = m->dsel;  /* never live at the same time */
#undef TAKE
    return m;
}

void lm_gpt_free(lm_gpt *m)
{
    if (!m) return;
    free(m->params); free(m->grads); free(m->acts); free(m->grad_acts);
    free(m->inp); free(m->pos); free(m->start); free(m->targets); free(m->loss_idx);
    free(m);
}

double lm_gpt_forward(lm_gpt *m)
{
    const lm_config *c = &m->cfg;
    int N = m->N, C = c->dim, F = c->ffn, V = c->vocab, NH = c->heads, T = c->ctx;
    size_t nC = (size_t)N * C;
    encoder_forward(m->encoded, m->inp, m->pos, m->p.t[P_WTE], m->p.t[P_WPE], N, C);
    const float *res = m->encoded;
    for (int l = 0; l < c->layers; l++) {
        float *ln1 = m->ln1 + l * nC, *qkv = m->qkv + l * 3 * nC, *atty = m->atty + l * nC,
              *att = m->att + (size_t)l * NH * N * T, *attproj = m->attproj + l * nC,
              *res2 = m->res2 + l * nC, *ln2 = m->ln2 + l * nC,
              *fch = m->fch + (size_t)l * N * F, *fchg = m->fchg + (size_t)l * N * F,
              *fcproj = m->fcproj + l * nC, *res3 = m->res3 + l * nC;
        layernorm_forward(ln1, m->ln1m + (size_t)l * N, m->ln1r + (size_t)l * N, res,
                          m->p.t[P_LN1W] + l * C, m->p.t[P_LN1B] + l * C, N, C);
        matmul_forward(qkv, ln1, m->p.t[P_QKVW] + (size_t)l * 3 * C * C,
                       m->p.t[P_QKVB] + l * 3 * C, N, C, 3 * C);
        attention_forward(atty, att, qkv, m->start, N, C, NH, T);
        matmul_forward(attproj, atty, m->p.t[P_ATTW] + (size_t)l * C * C,
                       m->p.t[P_ATTB] + l * C, N, C, C);
        residual_forward(res2, res, attproj, (int)nC);
        layernorm_forward(ln2, m->ln2m + (size_t)l * N, m->ln2r + (size_t)l * N, res2,
                          m->p.t[P_LN2W] + l * C, m->p.t[P_LN2B] + l * C, N, C);
        matmul_forward(fch, ln2, m->p.t[P_FCW] + (size_t)l * F * C, m->p.t[P_FCB] + l * F,
                       N, C, F);
        gelu_forward(fchg, fch, N * F);
        matmul_forward(fcproj, fchg, m->p.t[P_PRJW] + (size_t)l * C * F,
                       m->p.t[P_PRJB] + l * C, N, F, C);
        residual_forward(res3, res2, fcproj, (int)nC);
        res = res3;
    }
    layernorm_forward(m->lnf, m->lnfm, m->lnfr, res, m->p.t[P_LNFW], m->p.t[P_LNFB], N, C);

    /* logits only where there is a target */
    int M = 0;
    for (int i = 0; i < N; i++)
        if (m->targets[i] >= 0) m->loss_idx[M++] = i;
    m->nloss = M;
    if (!M) return 0;
    for (int k = 0; k < M; k++)
        memcpy(m->sel + (size_t)k * C, m->lnf + (size_t)m->loss_idx[k] * C, C * sizeof(float));
    matmul_forward(m->logits, m->sel, m->p.t[P_OUT], NULL, M, C, V);
    int *tg = (int *)m->dres;  /* scratch: targets of the selected rows */
    for (int k = 0; k < M; k++) tg[k] = m->targets[m->loss_idx[k]];
    return crossentropy_forward_backward(m->logits, tg, M, V, 1.0f / M) / M;
}

void lm_gpt_backward(lm_gpt *m)
{
    const lm_config *c = &m->cfg;
    int N = m->N, C = c->dim, F = c->ffn, V = c->vocab, NH = c->heads, T = c->ctx, M = m->nloss;
    size_t nC = (size_t)N * C;
    memset(m->grads, 0, m->nparams * sizeof(float));
    memset(m->dres, 0, nC * sizeof(float));
    memset(m->dln, 0, nC * sizeof(float));
    if (M) {
        memset(m->dsel, 0, (size_t)M * C * sizeof(float));
        matmul_backward(m->dsel, m->g.t[P_OUT], NULL, m->logits, m->sel, m->p.t[P_OUT], M, C, V);
        for (int k = 0; k < M; k++)
            memcpy(m->dln + (size_t)m->loss_idx[k] * C, m->dsel + (size_t)k * C, C * sizeof(float));
    }
    const float *last = c->layers ? m->res3 + (c->layers - 1) * nC : m->encoded;
    layernorm_backward(m->dres, m->g.t[P_LNFW], m->g.t[P_LNFB], m->dln, last, m->p.t[P_LNFW],
                       m->lnfm, m->lnfr, N, C);
    for (int l = c->layers - 1; l >= 0; l--) {
        const float *res = l ? m->res3 + (l - 1) * nC : m->encoded;
        float *ln1 = m->ln1 + l * nC, *qkv = m->qkv + l * 3 * nC, *atty = m->atty + l * nC,
              *att = m->att + (size_t)l * NH * N * T, *res2 = m->res2 + l * nC,
              *ln2 = m->ln2 + l * nC, *fch = m->fch + (size_t)l * N * F,
              *fchg = m->fchg + (size_t)l * N * F;
        /* res3 = res2 + fcproj: d fcproj = dres, and dres flows on to res2 */
        memset(m->dfchg, 0, (size_t)N * F * sizeof(float));
        matmul_backward(m->dfchg, m->g.t[P_PRJW] + (size_t)l * C * F, m->g.t[P_PRJB] + l * C,
                        m->dres, fchg, m->p.t[P_PRJW] + (size_t)l * C * F, N, F, C);
        memset(m->dfch, 0, (size_t)N * F * sizeof(float));
        gelu_backward(m->dfch, fch, m->dfchg, N * F);
        memset(m->dln, 0, nC * sizeof(float));
        matmul_backward(m->dln, m->g.t[P_FCW] + (size_t)l * F * C, m->g.t[P_FCB] + l * F,
                        m->dfch, ln2, m->p.t[P_FCW] + (size_t)l * F * C, N, C, F);
        layernorm_backward(m->dres, m->g.t[P_LN2W] + l * C, m->g.t[P_LN2B] + l * C, m->dln,
                           res2, m->p.t[P_LN2W] + l * C, m->ln2m + (size_t)l * N,
                           m->ln2r + (size_t)l * N, N, C);
        /* res2 = res + attproj */
        memset(m->datty, 0, nC * sizeof(float));
        matmul_backward(m->datty, m->g.t[P_ATTW] + (size_t)l * C * C, m->g.t[P_ATTB] + l * C,
                        m->dres, atty, m->p.t[P_ATTW] + (size_t)l * C * C, N, C, C);
        memset(m->dqkv, 0, 3 * nC * sizeof(float));
        attention_backward(m->dqkv, m->scratch, m->datty, qkv, att, m->start, N, C, NH, T);
        memset(m->dln, 0, nC * sizeof(float));
        matmul_backward(m->dln, m->g.t[P_QKVW] + (size_t)l * 3 * C * C,
                        m->g.t[P_QKVB] + l * 3 * C, m->dqkv, ln1,
                        m->p.t[P_QKVW] + (size_t)l * 3 * C * C, N, C, 3 * C);
        layernorm_backward(m->dres, m->g.t[P_LN1W] + l * C, m->g.t[P_LN1B] + l * C, m->dln,
                           res, m->p.t[P_LN1W] + l * C, m->ln1m + (size_t)l * N,
                           m->ln1r + (size_t)l * N, N, C);
    }
    encoder_backward(m->g.t[P_WTE], m->g.t[P_WPE], m->dres, m->inp, m->pos, N, C);
}

double lm_gpt_clip(lm_gpt *m, double max_norm)
{
    double s = 0;
    #pragma omp parallel for reduction(+:s)
    for (size_t i = 0; i < m->nparams; i++) s += (double)m->grads[i] * m->grads[i];
    double norm = sqrt(s);
    if (norm > max_norm) {
        float k = (float)(max_norm / norm);
        for (size_t i = 0; i < m->nparams; i++) m->grads[i] *= k;
    }
    return norm;
}

void lm_gpt_adamw(lm_gpt *m, float *mom, float *var, long t, float lr, float b1, float b2,
                  float eps, float wd)
{
    size_t s[P_NUM], off = 0;
    lm_param_sizes(&m->cfg, s);
    float c1 = 1.0f - powf(b1, (float)t), c2 = 1.0f - powf(b2, (float)t);
    for (int k = 0; k < P_NUM; k++) {
        float d = lm_param_decays(k) ? wd : 0.0f;
        for (size_t i = off; i < off + s[k]; i++) {
            float g = m->grads[i];
            mom[i] = b1 * mom[i] + (1 - b1) * g;
            var[i] = b2 * var[i] + (1 - b2) * g * g;
            float mh = mom[i] / c1, vh = var[i] / c2;
            m->params[i] -= lr * (mh / (sqrtf(vh) + eps) + d * m->params[i]);
        }
        off += s[k];
    }
}

double lm_gpt_flops(const lm_gpt *m)
{
    const lm_config *c = &m->cfg;
    double C = c->dim, F = c->ffn, N = m->N;
    double per_tok = c->layers * (2 * C * 3 * C + 2 * C * C + 2 * 2 * C * F);
    double att = 0;
    for (int i = 0; i < m->N; i++) att += 4.0 * (i - m->start[i] + 1) * C * c->layers;
    return 3.0 * (N * per_tok + att + 2.0 * m->nloss * C * c->vocab);
}
