/* weights.h: the versioned little-endian weights file (lm/README.md, "Weights
 * file"): magic, version, config, vocabulary, tensors, FNV-1a 64 checksum. */
#ifndef LM_WEIGHTS_H
#define LM_WEIGHTS_H

#include <stddef.h>

#include "lm/gpt.h"
#include "lm/vocab.h"

#define LM_WEIGHTS_MAGIC "PONDERLM"
#define LM_WEIGHTS_VERSION 1u

typedef struct {
    lm_config cfg;
    lm_vocab vocab;
    const float *params;   /* into the mapping; lm_param_sizes() order */
    void *map;
    size_t map_len;
} lm_weights;

/* Writes atomically (temporary file, fsync, rename). Returns 0 or -1 + err. */
int lm_weights_save(const char *path, const lm_config *c, const lm_vocab *v,
                    const float *params, char *err, size_t errlen);
/* Maps and validates a file. Returns 0, or -1 with a one-line message. */
int lm_weights_load(lm_weights *w, const char *path, char *err, size_t errlen);
void lm_weights_done(lm_weights *w);

/* FNV-1a 64 of a byte range. */
unsigned long long lm_fnv1a64(const void *p, size_t n);

#endif
