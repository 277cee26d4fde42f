/* sampler.h: picking the next token from logits. */
#ifndef LM_SAMPLER_H
#define LM_SAMPLER_H

#include "lm/lm.h"
#include "lm/rng.h"

/* Draws a token from logits (V) with temperature, top-k and top-p; greedy
 * (lowest id on ties) when temperature <= 0. work holds V floats and idx V
 * ints. *logprob gets log p(token) under softmax(logits). */
int lm_sample_token(const float *logits, int V, const lm_sample_opts *o, lm_rng *r,
                    float *work, int *idx, float *logprob);

#endif
