/* trainlib.c: see trainlib.h. */
#include "lm/trainlib.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm/curriculum.h"
#include "lm/weights.h"

#define TRAIN_DOMAIN 0x5452414E /* "TRAN" */
#define OPT_MAGIC "PNDROPT1"

void lm_train_defaults(lm_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cfg = (lm_config){ 0, 256, 128, 4, 4, 512 };
    o->steps = 8000;
    o->rows = 16;
    o->seed = 1;
    o->lr = 2e-3f;
    o->min_lr_frac = 0.1f;
    o->wd = 0.1f;
    o->clip = 1.0f;
    o->warmup = 150;
}

int lm_example_tokens(const lm_vocab *v, const char *prompt, const char *target, int *ids,
                      int cap, int *prompt_len)
{
    char buf[2 * CUR_TEXT + 8];
    snprintf(buf, sizeof buf, "%s%s", prompt, target);
    if (cap < 2) return -1;
    int n = lm_vocab_tokenize(v, buf, ids + 1, cap - 2, NULL, NULL, 0);
    if (n < 0 || n + 2 > cap) return -1;
    int np = lm_vocab_tokenize(v, prompt, NULL, 0, NULL, NULL, 0);
    ids[0] = LM_TOK_BOS;
    ids[n + 1] = LM_TOK_EOS;
    *prompt_len = np + 1;
    return n + 2;
}

static uint64_t text_hash(const char *s)
{
    return lm_fnv1a64(s, strlen(s));
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int is_held(const lm_trainer *t, const char *problem)
{
    uint64_t h = text_hash(problem);
    return bsearch(&h, t->held, t->nheld, sizeof h, cmp_u64) != NULL;
}

lm_trainer *lm_trainer_new(lm_train_opts *o, char *err, size_t errlen)
{
    lm_trainer *t = calloc(1, sizeof *t);
    if (!t) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (lm_vocab_build(&t->vocab)) { snprintf(err, errlen, "cannot build vocabulary"); goto fail; }
    o->cfg.vocab = t->vocab.n;
    t->o = *o;
    t->gpt = lm_gpt_new(&o->cfg, o->rows * o->cfg.ctx);
    t->mom = calloc(t->gpt ? t->gpt->nparams : 1, sizeof(float));
    t->var = calloc(t->gpt ? t->gpt->nparams : 1, sizeof(float));
    if (!t->gpt || !t->mom || !t->var) { snprintf(err, errlen, "out of memory"); goto fail; }
    lm_params_init(t->gpt->params, &o->cfg, o->seed);
    /* held-out problems: 4 tiers x 2000 indices */
    t->nheld = CUR_NTIERS * 2000;
    t->held = malloc(t->nheld * sizeof *t->held);
    if (!t->held) { snprintf(err, errlen, "out of memory"); goto fail; }
    cur_example ex;
    for (int tier = 0; tier < CUR_NTIERS; tier++)
        for (int i = 0; i < 2000; i++) {
            cur_test_problem(tier, i, &ex);
            t->held[tier * 2000 + i] = text_hash(ex.problem);
        }
    qsort(t->held, t->nheld, sizeof *t->held, cmp_u64);
    for (int i = 0; i < LM_POOL; i++) t->pool[i] = t->next_idx++;
    return t;
fail:
    lm_trainer_free(t);
    return NULL;
}

void lm_trainer_free(lm_trainer *t)
{
    if (!t) return;
    lm_gpt_free(t->gpt);
    free(t->mom); free(t->var); free(t->held);
    lm_vocab_done(&t->vocab);
    free(t);
}

/* Example idx's tokens; held-out collisions and overlong ones give 0. */
static int example(lm_trainer *t, long idx, int *ids, int *np)
{
    lm_rng r = lm_rng_stream(TRAIN_DOMAIN, t->o.seed, (uint64_t)idx);
    cur_example ex;
    cur_train_example(&r, &ex);
    if (ex.problem[0] && is_held(t, ex.problem)) return 0;
    int n = lm_example_tokens(&t->vocab, ex.prompt, ex.target, ids, t->o.cfg.ctx, np);
    return n < 0 ? 0 : n;
}

/* Fills the batch: each row takes the first pooled examples that fit. */
static void pack(lm_trainer *t)
{
    lm_gpt *g = t->gpt;
    int T = t->o.cfg.ctx;
    int *ids = malloc((size_t)T * sizeof *ids);
    for (int r = 0; r < t->o.rows; r++) {
        int at = r * T, end = at + T;
        for (;;) {
            int placed = 0;
            for (int k = 0; k < LM_POOL && end - at > 8; k++) {
                int np, n = example(t, t->pool[k], ids, &np);
                if (n == 0) { t->pool[k] = t->next_idx++; k--; continue; }
                if (n > end - at) continue;
                for (int i = 0; i < n; i++) {
                    g->inp[at + i] = ids[i];
                    g->pos[at + i] = i;
                    g->start[at + i] = at;
                    g->targets[at + i] = (i + 1 >= np && i + 1 < n) ? ids[i + 1] : -1;
                }
                at += n;
                t->examples++;
                t->pool[k] = t->next_idx++;
                placed = 1;
                break;
            }
            if (!placed) break;
        }
        for (int i = at; i < end; i++) {  /* padding: one-token documents, no loss */
            g->inp[i] = LM_TOK_EOS;
            g->pos[i] = 0;
            g->start[i] = i;
            g->targets[i] = -1;
        }
    }
    free(ids);
}

float lm_trainer_lr(const lm_train_opts *o, long s)
{
    if (s < o->warmup) return o->lr * (float)(s + 1) / (float)o->warmup;
    double p = (double)(s - o->warmup) / (double)(o->steps > o->warmup ? o->steps - o->warmup : 1);
    if (p > 1) p = 1;
    double f = o->min_lr_frac + (1 - o->min_lr_frac) * 0.5 * (1 + cos(M_PI * p));
    return (float)(o->lr * f);
}

double lm_trainer_step(lm_trainer *t)
{
    pack(t);
    double loss = lm_gpt_forward(t->gpt);
    lm_gpt_backward(t->gpt);
    t->last_gnorm = (float)lm_gpt_clip(t->gpt, t->o.clip);
    t->last_lr = lm_trainer_lr(&t->o, t->step);
    t->step++;
    lm_gpt_adamw(t->gpt, t->mom, t->var, t->step, t->last_lr, 0.9f, 0.95f, 1e-8f, t->o.wd);
    return loss;
}

/* Optimizer file: magic, step, examples, next_idx, pool, nparams, mom, var. */
int lm_trainer_save(lm_trainer *t, const char *weights, const char *opt, char *err, size_t errlen)
{
    if (lm_weights_save(weights, &t->o.cfg, &t->vocab, t->gpt->params, err, errlen)) return -1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", opt);
    FILE *f = fopen(tmp, "wb");
    if (!f) { snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno)); return -1; }
    long hdr[3] = { t->step, t->examples, t->next_idx };
    size_t np = t->gpt->nparams;
    int ok = fwrite(OPT_MAGIC, 8, 1, f) == 1 && fwrite(hdr, sizeof hdr, 1, f) == 1 &&
             fwrite(t->pool, sizeof t->pool, 1, f) == 1 && fwrite(&np, sizeof np, 1, f) == 1 &&
             fwrite(t->mom, sizeof(float), np, f) == np && fwrite(t->var, sizeof(float), np, f) == np;
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) || !ok || rename(tmp, opt)) {
        snprintf(err, errlen, "cannot write %s: %s", opt, strerror(errno));
        return -1;
    }
    return 0;
}

int lm_trainer_load(lm_trainer *t, const char *weights, const char *opt, char *err, size_t errlen)
{
    lm_weights w;
    if (lm_weights_load(&w, weights, err, errlen)) return -1;
    if (memcmp(&w.cfg, &t->o.cfg, sizeof w.cfg)) {
        snprintf(err, errlen, "%s: configuration differs from this run", weights);
        lm_weights_done(&w);
        return -1;
    }
    memcpy(t->gpt->params, w.params, t->gpt->nparams * sizeof(float));
    lm_weights_done(&w);
    FILE *f = fopen(opt, "rb");
    char magic[8];
    long hdr[3];
    size_t np = 0;
    int ok = f && fread(magic, 8, 1, f) == 1 && !memcmp(magic, OPT_MAGIC, 8) &&
             fread(hdr, sizeof hdr, 1, f) == 1 && fread(t->pool, sizeof t->pool, 1, f) == 1 &&
             fread(&np, sizeof np, 1, f) == 1 && np == t->gpt->nparams &&
             fread(t->mom, sizeof(float), np, f) == np && fread(t->var, sizeof(float), np, f) == np;
    if (f) fclose(f);
    if (!ok) { snprintf(err, errlen, "%s: missing or malformed optimizer state", opt); return -1; }
    t->step = hdr[0]; t->examples = hdr[1]; t->next_idx = hdr[2];
    return 0;
}

int lm_trainer_export(lm_trainer *t, const char *path, char *err, size_t errlen)
{
    size_t n = t->gpt->nparams;
    float *p = malloc(n * sizeof *p);
    if (!p) { snprintf(err, errlen, "out of memory"); return -1; }
    memcpy(p, t->gpt->params, n * sizeof *p);
    lm_params q;
    lm_params_point(&q, &t->o.cfg, p);
    int C = t->o.cfg.dim;
    for (int i = 0; i < t->vocab.n; i++)
        if (t->vocab.type[i] == LM_TOK_BYTE || t->vocab.type[i] == LM_TOK_PREFIX) {
            memcpy(q.t[P_WTE] + (size_t)i * C, q.t[P_WTE] + (size_t)LM_TOK_UNK * C, C * sizeof(float));
            memcpy(q.t[P_OUT] + (size_t)i * C, q.t[P_OUT] + (size_t)LM_TOK_UNK * C, C * sizeof(float));
        }
    int rc = lm_weights_save(path, &t->o.cfg, &t->vocab, p, err, errlen);
    free(p);
    return rc;
}
