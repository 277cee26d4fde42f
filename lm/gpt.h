/* gpt.h: the GPT-2 model's parameters and its training forward/backward pass.
 *
 * Parameters live in one block carved into tensors by lm_param_sizes(); the
 * order is also the order of tensors in the weights file. Names follow the
 * GGUF gpt2 architecture so that an export is a renaming. */
#ifndef LM_GPT_H
#define LM_GPT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int vocab;   /* V */
    int ctx;     /* T, maximum positions */
    int dim;     /* C */
    int layers;  /* L */
    int heads;   /* NH */
    int ffn;     /* F */
} lm_config;

enum {
    P_WTE,   /* token_embd         (V, C) */
    P_WPE,   /* position_embd      (T, C) */
    P_LN1W,  /* blk.N.attn_norm    (L, C)    weight, bias */
    P_LN1B,
    P_QKVW,  /* blk.N.attn_qkv     (L, 3C, C) */
    P_QKVB,  /*                    (L, 3C) */
    P_ATTW,  /* blk.N.attn_output  (L, C, C) */
    P_ATTB,  /*                    (L, C) */
    P_LN2W,  /* blk.N.ffn_norm     (L, C) */
    P_LN2B,
    P_FCW,   /* blk.N.ffn_up       (L, F, C) */
    P_FCB,   /*                    (L, F) */
    P_PRJW,  /* blk.N.ffn_down     (L, C, F) */
    P_PRJB,  /*                    (L, C) */
    P_LNFW,  /* output_norm        (C) */
    P_LNFB,
    P_OUT,   /* output             (V, C) */
    P_NUM
};

typedef struct { float *t[P_NUM]; } lm_params;

/* Fills sizes (floats per tensor); returns the total. */
size_t lm_param_sizes(const lm_config *c, size_t sizes[P_NUM]);
/* Points p's tensors into block. */
void lm_params_point(lm_params *p, const lm_config *c, float *block);
/* Name of tensor i ("token_embd", ...), and whether AdamW decays it. */
const char *lm_param_name(int i);
int lm_param_decays(int i);
/* GPT-2 initialisation from seed. */
void lm_params_init(float *block, const lm_config *c, uint64_t seed);

/* Training state for a packed batch of N tokens (rows of documents laid end
 * to end). The caller fills inp, pos, start, targets, then calls forward. */
typedef struct {
    lm_config cfg;
    int N;
    size_t nparams;
    float *params, *grads;       /* (nparams) */
    lm_params p, g;
    int *inp;                    /* (N) token ids */
    int *pos;                    /* (N) position within the document */
    int *start;                  /* (N) index of the document's first token */
    int *targets;                /* (N) next token, or -1 for no loss */
    int nloss;
    int *loss_idx;               /* (N) rows with a target */
    float *acts;                 /* activations, one block */
    float *encoded, *ln1, *ln1m, *ln1r, *qkv, *atty, *att, *attproj, *res2, *ln2, *ln2m,
          *ln2r, *fch, *fchg, *fcproj, *res3, *lnf, *lnfm, *lnfr, *sel, *logits;
    float *grad_acts;            /* backward scratch, one block */
    float *dres, *dln, *dqkv, *datty, *dfch, *dfchg, *dsel, *scratch;
} lm_gpt;

lm_gpt *lm_gpt_new(const lm_config *c, int N);
void lm_gpt_free(lm_gpt *m);
/* Mean cross-entropy over rows with targets (0 if none). Leaves dloss/dlogits
 * in m->logits for lm_gpt_backward. */
double lm_gpt_forward(lm_gpt *m);
/* Sets m->grads to d(mean loss)/d(params). */
void lm_gpt_backward(lm_gpt *m);
/* Scales the gradient to norm <= max_norm; returns the norm before. */
double lm_gpt_clip(lm_gpt *m, double max_norm);
/* One AdamW step (t counts from 1) with decoupled weight decay on matrices. */
void lm_gpt_adamw(lm_gpt *m, float *mom, float *var, long t, float lr, float b1, float b2,
                  float eps, float wd);
/* Forward+backward FLOPs of the last batch (matmuls and attention). */
double lm_gpt_flops(const lm_gpt *m);

#endif
