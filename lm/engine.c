/* engine.c: inference for the built-in model: KV cache, batched decoding of
 * n samples that share one prompt prefill, stop strings (see lm.h). */
#include "lm/lm.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/fastmath.h"
#include "lm/gpt.h"
#include "lm/rng.h"
#include "lm/sampler.h"
#include "lm/vocab.h"
#include "lm/weights.h"

#define SAMPLE_DOMAIN 0x53414D50 /* "SAMP" */

struct lm_model {
    lm_weights w;
    lm_params p;   /* into the read-only mapping */
};

lm_model *lm_load(const char *path, char *err, size_t errlen)
{
    lm_model *m = calloc(1, sizeof *m);
    if (!m) { snprintf(err, errlen, "out of memory loading %s", path); return NULL; }
    if (lm_weights_load(&m->w, path, err, errlen)) { free(m); return NULL; }
    lm_params_point(&m->p, &m->w.cfg, (float *)m->w.params);
    return m;
}

void lm_free(lm_model *m)
{
    if (!m) return;
    lm_weights_done(&m->w);
    free(m);
}

int lm_ctx_len(const lm_model *m) { return m->w.cfg.ctx; }
int lm_vocab_size(const lm_model *m) { return m->w.cfg.vocab; }

int lm_tokenize(const lm_model *m, const char *text, int *ids, int max, int *n_unk,
                char *unk_words, size_t unk_cap)
{
    return lm_vocab_tokenize(&m->w.vocab, text, ids, max, n_unk, unk_words, unk_cap);
}

int lm_token_piece(const lm_model *m, int id, char *buf, size_t cap)
{
    return lm_vocab_piece(&m->w.vocab, id, buf, cap);
}

/* ---- batched forward over rows (sample, position, token) ---- */

typedef struct {
    int S, R;                 /* samples, max rows per call */
    float *k, *v;             /* (S, L, ctx, C) caches */
    float *x, *xn, *qkv, *y, *h, *logits, *att;
} state;

static void state_free(state *s)
{
    free(s->k); free(s->v); free(s->x); free(s->xn); free(s->qkv); free(s->y); free(s->h);
    free(s->logits); free(s->att);
}

static int state_init(state *s, const lm_config *c, int S, int R)
{
    memset(s, 0, sizeof *s);
    s->S = S; s->R = R;
    size_t C = (size_t)c->dim, kv = (size_t)S * c->layers * c->ctx * C;
    s->k = malloc(kv * sizeof(float));
    s->v = malloc(kv * sizeof(float));
    s->x = malloc((size_t)R * C * sizeof(float));
    s->xn = malloc((size_t)R * C * sizeof(float));
    s->qkv = malloc((size_t)R * 3 * C * sizeof(float));
    s->y = malloc((size_t)R * C * sizeof(float));
    s->h = malloc((size_t)R * c->ffn * sizeof(float));
    s->logits = malloc((size_t)R * c->vocab * sizeof(float));
    s->att = malloc((size_t)R * c->heads * c->ctx * sizeof(float));
    if (!s->k || !s->v || !s->x || !s->xn || !s->qkv || !s->y || !s->h || !s->logits || !s->att) {
        state_free(s);
        return -1;
    }
    return 0;
}

/* target_clones picks a clone through an ifunc resolver, which runs before
 * ThreadSanitizer's runtime is up and crashes it: `make tsan` builds the
 * baseline version only. */
#if defined(__SANITIZE_THREAD__)
#define ENGINE_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ENGINE_CLONES
#endif
#endif
#ifndef ENGINE_CLONES
#define ENGINE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

/* Output rows o0..o1 of linear(); compiled for AVX-512, AVX2 and baseline,
 * picked at load time, since libponder is built without -march. */
ENGINE_CLONES
static void linear_block(float *out, const float *in, const float *w, const float *b, int R,
                         int C, int OC, int o0, int o1)
{
    for (int o = o0; o < o1; o++) {
        const float *wr = w + (size_t)o * C;
        for (int r = 0; r < R; r++) {
            const float *x = in + (size_t)r * C;
            float acc = 0;
            #pragma omp simd reduction(+:acc)
            for (int i = 0; i < C; i++) acc += x[i] * wr[i];
            out[(size_t)r * OC + o] = acc + (b ? b[o] : 0.0f);
        }
    }
}

/* out(R,OC) = in(R,C) w(OC,C)^T + b: each weight row is read once for all R
 * rows, and threads split the output rows of w. */
static void linear(float *out, const float *in, const float *w, const float *b, int R, int C,
                   int OC)
{
    int nb = (OC + 31) / 32;
    #pragma omp parallel for schedule(static)
    for (int k = 0; k < nb; k++)
        linear_block(out, in, w, b, R, C, OC, k * 32, k * 32 + 32 < OC ? k * 32 + 32 : OC);
}

static void layernorm(float *out, const float *in, const float *w, const float *b, int R, int C)
{
    for (int r = 0; r < R; r++) {
        const float *x = in + (size_t)r * C;
        float m = 0, v = 0;
        for (int i = 0; i < C; i++) m += x[i];
        m /= C;
        for (int i = 0; i < C; i++) v += (x[i] - m) * (x[i] - m);
        float s = 1.0f / sqrtf(v / C + 1e-5f);
        for (int i = 0; i < C; i++) out[(size_t)r * C + i] = (x[i] - m) * s * w[i] + b[i];
    }
}

/* Runs rows through the model. Row r is token tok[r] of sample smp[r] at
 * position pos[r]; its K and V go into that sample's cache, and it attends to
 * the sample's positions 0..pos[r] (rows of one sample must come in position
 * order). Logits are computed for rows with want[r] into s->logits[r]. */
static void forward_rows(const lm_model *m, state *s, int R, const int *tok, const int *smp,
                         const int *pos, const unsigned char *want)
{
    const lm_config *c = &m->w.cfg;
    const lm_params *p = &m->p;
    int C = c->dim, F = c->ffn, NH = c->heads, hs = C / NH, T = c->ctx, L = c->layers;
    float scale = 1.0f / sqrtf((float)hs);
    for (int r = 0; r < R; r++)
        for (int i = 0; i < C; i++)
            s->x[(size_t)r * C + i] = p->t[P_WTE][(size_t)tok[r] * C + i] +
                                      p->t[P_WPE][(size_t)pos[r] * C + i];
    for (int l = 0; l < L; l++) {
        layernorm(s->xn, s->x, p->t[P_LN1W] + l * C, p->t[P_LN1B] + l * C, R, C);
        linear(s->qkv, s->xn, p->t[P_QKVW] + (size_t)l * 3 * C * C, p->t[P_QKVB] + l * 3 * C,
               R, C, 3 * C);
        for (int r = 0; r < R; r++) {
            size_t at = (((size_t)smp[r] * L + l) * T + pos[r]) * C;
            memcpy(s->k + at, s->qkv + (size_t)r * 3 * C + C, C * sizeof(float));
            memcpy(s->v + at, s->qkv + (size_t)r * 3 * C + 2 * C, C * sizeof(float));
        }
        #pragma omp parallel for collapse(2) schedule(dynamic, 4)
        for (int r = 0; r < R; r++)
            for (int h = 0; h < NH; h++) {
                const float *q = s->qkv + (size_t)r * 3 * C + h * hs;
                const float *kc = s->k + ((size_t)smp[r] * L + l) * T * C + h * hs;
                const float *vc = s->v + ((size_t)smp[r] * L + l) * T * C + h * hs;
                float *a = s->att + ((size_t)r * NH + h) * T, mx = -1e30f, sum = 0;
                int n = pos[r] + 1;
                for (int j = 0; j < n; j++) {
                    float d = 0;
                    #pragma omp simd reduction(+:d)
                    for (int i = 0; i < hs; i++) d += q[i] * kc[(size_t)j * C + i];
                    a[j] = d * scale;
                    if (a[j] > mx) mx = a[j];
                }
                for (int j = 0; j < n; j++) { a[j] = expf(a[j] - mx); sum += a[j]; }
                float *y = s->y + (size_t)r * C + h * hs;
                for (int i = 0; i < hs; i++) y[i] = 0;
                for (int j = 0; j < n; j++) {
                    float wgt = a[j] / sum;
                    #pragma omp simd
                    for (int i = 0; i < hs; i++) y[i] += wgt * vc[(size_t)j * C + i];
                }
            }
        linear(s->xn, s->y, p->t[P_ATTW] + (size_t)l * C * C, p->t[P_ATTB] + l * C, R, C, C);
        for (size_t i = 0; i < (size_t)R * C; i++) s->x[i] += s->xn[i];
        layernorm(s->xn, s->x, p->t[P_LN2W] + l * C, p->t[P_LN2B] + l * C, R, C);
        linear(s->h, s->xn, p->t[P_FCW] + (size_t)l * F * C, p->t[P_FCB] + l * F, R, C, F);
        #pragma omp simd
        for (size_t i = 0; i < (size_t)R * F; i++) s->h[i] = lm_gelu(s->h[i]);
        linear(s->xn, s->h, p->t[P_PRJW] + (size_t)l * C * F, p->t[P_PRJB] + l * C, R, F, C);
        for (size_t i = 0; i < (size_t)R * C; i++) s->x[i] += s->xn[i];
    }
    /* final norm and logits for the wanted rows, packed to the front */
    int n = 0;
    for (int r = 0; r < R; r++)
        if (want[r]) {
            layernorm(s->xn + (size_t)n * C, s->x + (size_t)r * C, p->t[P_LNFW], p->t[P_LNFB], 1, C);
            n++;
        }
    linear(s->logits, s->xn, p->t[P_OUT], NULL, n, C, c->vocab);
}

int lm_logits(const lm_model *m, const int *ids, int n, float *out)
{
    const lm_config *c = &m->w.cfg;
    if (n < 1 || n > c->ctx) return -1;
    state s;
    int *smp = calloc((size_t)n, sizeof *smp), *pos = malloc((size_t)n * sizeof *pos);
    unsigned char *want = calloc((size_t)n, 1);
    int rc = -1;
    if (smp && pos && want && !state_init(&s, c, 1, n)) {
        for (int i = 0; i < n; i++) pos[i] = i;
        want[n - 1] = 1;
        forward_rows(m, &s, n, ids, smp, pos, want);
        memcpy(out, s.logits, (size_t)c->vocab * sizeof *out);
        state_free(&s);
        rc = 0;
    }
    free(smp); free(pos); free(want);
    return rc;
}

/* ---- per-sample text with stop strings held back ---- */

typedef struct {
    char *text;
    size_t len, cap, emitted;
    int done;
} stream;

static int stream_add(stream *st, const char *piece)
{
    size_t n = strlen(piece);
    if (st->len + n + 1 > st->cap) {
        size_t cap = (st->len + n + 1) * 2 + 64;
        char *t = realloc(st->text, cap);
        if (!t) return -1;
        st->text = t;
        st->cap = cap;
    }
    memcpy(st->text + st->len, piece, n + 1);
    st->len += n;
    return 0;
}

/* Returns 1 if a stop string is complete (text is cut before it). Otherwise
 * sets *safe to how much of the text may be delivered. */
static int stream_stop(stream *st, const lm_sample_opts *o, size_t *safe)
{
    size_t best = st->len;
    int hit = 0;
    for (int i = 0; i < o->n_stop; i++) {
        const char *stop = o->stop[i];
        if (!stop || !*stop) continue;
        const char *f = strstr(st->text, stop);
        if (f && (size_t)(f - st->text) < best) { best = (size_t)(f - st->text); hit = 1; }
    }
    if (hit) { *safe = best < st->emitted ? st->emitted : best; return 1; }
    size_t hold = 0;
    for (int i = 0; i < o->n_stop; i++) {
        const char *stop = o->stop[i];
        if (!stop) continue;
        size_t sl = strlen(stop);
        for (size_t k = sl ? sl - 1 : 0; k > hold; k--)
            if (k <= st->len && !memcmp(st->text + st->len - k, stop, k)) { hold = k; break; }
    }
    *safe = st->len - hold < st->emitted ? st->emitted : st->len - hold;
    return 0;
}

/* Delivers text[emitted..upto) with the token's logprob; returns cb's verdict. */
static int deliver(stream *st, size_t upto, lm_token_cb cb, void *ud, int sample, float lp)
{
    char save = st->text[upto];
    st->text[upto] = 0;
    int r = cb ? cb(ud, sample, st->text + st->emitted, lp) : 0;
    st->text[upto] = save;
    st->emitted = upto;
    return r;
}

int lm_generate(const lm_model *m, const char *prompt, int n_samples, const lm_sample_opts *o,
                lm_token_cb cb, void *ud, const volatile int *cancel,
                lm_sample_result *res, int *truncated_tokens, char *err, size_t errlen)
{
    const lm_config *c = &m->w.cfg;
    int T = c->ctx, V = c->vocab, rc = -1;
    if (truncated_tokens) *truncated_tokens = 0;
    if (n_samples < 1 || n_samples > 1024 || !o) {
        snprintf(err, errlen, "builtin model: bad request (%d samples)", n_samples);
        return -1;
    }
    int np = lm_tokenize(m, prompt, NULL, 0, NULL, NULL, 0);
    int *ptok = malloc(((size_t)np + 1) * sizeof *ptok);
    int *tok = malloc(((size_t)np + n_samples + 1) * sizeof *tok);
    int *smp = malloc(((size_t)np + n_samples + 1) * sizeof *smp);
    int *pos = malloc(((size_t)np + n_samples + 1) * sizeof *pos);
    unsigned char *want = calloc((size_t)np + n_samples + 1, 1);
    int *next = malloc((size_t)n_samples * sizeof *next), *idx = malloc((size_t)V * sizeof *idx);
    float *work = malloc((size_t)V * sizeof *work);
    stream *st = calloc((size_t)n_samples, sizeof *st);
    lm_rng *rng = malloc((size_t)n_samples * sizeof *rng);
    state s;
    int have_state = 0;
    if (!ptok || !tok || !smp || !pos || !want || !next || !idx || !work || !st || !rng) goto oom;
    ptok[0] = LM_TOK_BOS;
    lm_tokenize(m, prompt, ptok + 1, np, NULL, NULL, 0);
    np++;
    int keep = T - 16;
    if (np > keep) {  /* drop from the left, keep <s> */
        int drop = np - keep;
        memmove(ptok + 1, ptok + 1 + drop, (size_t)(keep - 1) * sizeof *ptok);
        np = keep;
        if (truncated_tokens) *truncated_tokens = drop;
    }
    if (state_init(&s, c, n_samples, np > n_samples ? np : n_samples)) goto oom;
    have_state = 1;

    /* prefill into sample 0's cache, then copy it to the others */
    for (int i = 0; i < np; i++) { tok[i] = ptok[i]; smp[i] = 0; pos[i] = i; want[i] = i == np - 1; }
    forward_rows(m, &s, np, tok, smp, pos, want);
    for (int i = 1; i < n_samples; i++)
        for (int l = 0; l < c->layers; l++) {
            size_t src = (size_t)l * T * c->dim, dst = ((size_t)i * c->layers + l) * T * c->dim;
            memcpy(s.k + dst, s.k + src, (size_t)np * c->dim * sizeof(float));
            memcpy(s.v + dst, s.v + src, (size_t)np * c->dim * sizeof(float));
        }
    for (int i = 0; i < n_samples; i++) {
        res[i] = (lm_sample_result){ 0, 0.0, LM_FINISH_LENGTH };
        rng[i] = lm_rng_stream(SAMPLE_DOMAIN, o->seed, (uint64_t)i);
    }

    int at = np, active = n_samples;
    const float *logits_of[1024];
    for (int i = 0; i < n_samples; i++) logits_of[i] = s.logits;  /* shared prefill logits */
    for (int step = 0; active > 0; step++) {
        int R = 0;
        for (int i = 0; i < n_samples; i++) {
            if (st[i].done) continue;
            int finish = -1;
            if (cancel && *cancel) finish = LM_FINISH_CANCELLED;
            else if (res[i].n_tokens >= o->max_tokens) finish = LM_FINISH_LENGTH;
            else if (at >= T) finish = LM_FINISH_CONTEXT;
            if (finish < 0) {
                float lp;
                int t = lm_sample_token(logits_of[i], V, o, &rng[i], work, idx, &lp);
                if (t == LM_TOK_EOS) {
                    finish = LM_FINISH_EOS;
                } else {
                    char piece[256];
                    lm_token_piece(m, t, piece, sizeof piece);
                    if (stream_add(&st[i], piece)) goto oom;
                    res[i].n_tokens++;
                    res[i].sum_logprob += lp;
                    size_t safe;
                    int stop = stream_stop(&st[i], o, &safe);
                    int user = deliver(&st[i], safe, cb, ud, i, lp);
                    if (stop) { st[i].len = st[i].emitted; finish = LM_FINISH_STOP; }
                    else if (user) finish = LM_FINISH_STOP;
                    else next[i] = t;
                }
            }
            if (finish >= 0) {
                if (finish != LM_FINISH_STOP && st[i].emitted < st[i].len)
                    deliver(&st[i], st[i].len, cb, ud, i, 0.0f);
                res[i].finish = (enum lm_finish)finish;
                st[i].done = 1;
                active--;
                continue;
            }
            tok[R] = next[i]; smp[R] = i; pos[R] = at; want[R] = 1;
            R++;
        }
        if (!R) break;
        forward_rows(m, &s, R, tok, smp, pos, want);
        for (int r = 0; r < R; r++) logits_of[smp[r]] = s.logits + (size_t)r * V;
        at++;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "builtin model: out of memory");
out:
    if (have_state) state_free(&s);
    if (st)
        for (int i = 0; i < n_samples; i++) free(st[i].text);
    free(ptok); free(tok); free(smp); free(pos); free(want); free(next); free(idx); free(work);
    free(st); free(rng);
    return rc;
}
