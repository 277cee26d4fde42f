/* rng.h: small deterministic PRNG (splitmix64) shared by the curriculum, the
 * trainer and the sampler. Streams are derived by hashing (domain, a, b). */
#ifndef LM_RNG_H
#define LM_RNG_H

#include <stdint.h>

typedef struct { uint64_t s; } lm_rng;

static inline uint64_t lm_rng_next(lm_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A stream for (domain, a, b): distinct triples give unrelated streams. */
static inline lm_rng lm_rng_stream(uint64_t domain, uint64_t a, uint64_t b)
{
    lm_rng r = { domain };
    r.s = lm_rng_next(&r) ^ a;
    r.s = lm_rng_next(&r) ^ b;
    lm_rng_next(&r);
    return r;
}

/* Uniform integer in [0, n), n > 0. */
static inline int lm_rng_int(lm_rng *r, int n)
{
    return (int)(lm_rng_next(r) % (uint64_t)n);
}

/* Uniform integer in [lo, hi]. */
static inline int lm_rng_range(lm_rng *r, int lo, int hi)
{
    return lo + lm_rng_int(r, hi - lo + 1);
}

/* Uniform float in [0, 1). */
static inline float lm_rng_float(lm_rng *r)
{
    return (float)(lm_rng_next(r) >> 40) / 16777216.0f;
}

#endif
