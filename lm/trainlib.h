/* trainlib.h: the training loop as a library (used by lm-train and the unit
 * test's tiny run): batching of curriculum examples, AdamW schedule,
 * checkpoints and export. */
#ifndef LM_TRAINLIB_H
#define LM_TRAINLIB_H

#include <stddef.h>
#include <stdint.h>

#include "lm/gpt.h"
#include "lm/vocab.h"

typedef struct {
    lm_config cfg;          /* vocab is filled in from the built vocabulary */
    long steps;             /* total optimizer steps (sets the cosine schedule) */
    int rows;               /* rows of cfg.ctx tokens per step */
    unsigned long long seed;
    float lr, min_lr_frac, wd, clip;
    long warmup;
} lm_train_opts;

void lm_train_defaults(lm_train_opts *o);

enum { LM_POOL = 16 };

typedef struct {
    lm_train_opts o;
    lm_vocab vocab;
    lm_gpt *gpt;
    float *mom, *var;
    long step, examples;
    long next_idx;          /* next curriculum example index */
    long pool[LM_POOL];     /* pending example indices (packing lookahead) */
    uint64_t *held;         /* hashes of held-out test problems, sorted */
    size_t nheld;
    float last_lr, last_gnorm;
} lm_trainer;

lm_trainer *lm_trainer_new(lm_train_opts *o, char *err, size_t errlen);
void lm_trainer_free(lm_trainer *t);
/* Packs one batch and takes one optimizer step; returns the batch's loss. */
double lm_trainer_step(lm_trainer *t);
/* Learning rate at step s (0-based): linear warmup, cosine to min_lr_frac. */
float lm_trainer_lr(const lm_train_opts *o, long s);
int lm_trainer_save(lm_trainer *t, const char *weights, const char *opt, char *err, size_t errlen);
int lm_trainer_load(lm_trainer *t, const char *weights, const char *opt, char *err, size_t errlen);
/* Writes the shipped weights: tokens the model never sees in training (bytes,
 * word prefixes) get <unk>'s embedding and output rows. */
int lm_trainer_export(lm_trainer *t, const char *path, char *err, size_t errlen);

/* Tokenizes one example as <s> prompt target </s>; returns the length (or -1
 * if it exceeds cap) and sets *prompt_len (tokens before the target, incl. <s>). */
int lm_example_tokens(const lm_vocab *v, const char *prompt, const char *target, int *ids,
                      int cap, int *prompt_len);

#endif
