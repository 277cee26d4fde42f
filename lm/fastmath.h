/* fastmath.h: exp and tanh that vectorise inside omp simd loops, and the
 * layer norm of one row, shared by the engine and the trainer. */
#ifndef LM_FASTMATH_H
#define LM_FASTMATH_H

#include <math.h>

/* exp(x) = 2^n p(r), r = x - n ln2 in [-ln2/2, ln2/2]; relative error ~2e-7. */
static inline float lm_fast_expf(float x)
{
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    float n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;  /* round to nearest */
    float r = x - n * 0.693145752f - n * 1.42860677e-6f;
    float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666418f +
              r * (0.00833337121f + r * 0.00138873165f)))));
    union { float f; int i; } u = { p };
    u.i += (int)n * (1 << 23);   /* not a shift: n may be negative */
    return u.f;
}

/* tanh(u) = 1 - 2 / (exp(2u) + 1) */
static inline float lm_fast_tanhf(float u)
{
    return 1.0f - 2.0f / (lm_fast_expf(2.0f * u) + 1.0f);
}

/* GELU, tanh approximation (GPT-2, ggml_gelu) */
static inline float lm_gelu(float x)
{
    return 0.5f * x * (1.0f + lm_fast_tanhf(0.7978845608f * (x + 0.044715f * x * x * x)));
}

/* o = (x - mean) / sqrt(var + 1e-5) * w + b over one row of C values; the
 * mean and 1/stddev are returned for the trainer's backward pass. Inline so
 * the engine and the trainer compute it the same way, bit for bit. */
static inline void lm_layernorm_row(float *o, const float *x, const float *w, const float *b,
                                    int C, float *mean, float *rstd)
{
    float m = 0, v = 0;
    for (int c = 0; c < C; c++) m += x[c];
    m /= C;
    for (int c = 0; c < C; c++) v += (x[c] - m) * (x[c] - m);
    float s = 1.0f / sqrtf(v / C + 1e-5f);
    for (int c = 0; c < C; c++) o[c] = (x[c] - m) * s * w[c] + b[c];
    *mean = m;
    *rstd = s;
}

#endif
