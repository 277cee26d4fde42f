/* kernels.c: GPT-2 layer kernels (see kernels.h). */
#include "lm/kernels.h"

#include "lm/fastmath.h"

#include <math.h>
#include <omp.h>
#include <string.h>

lm_gemm_fn lm_gemm = lm_gemm_omp;

#define fast_expf lm_fast_expf
#define fast_tanhf lm_fast_tanhf

/* Plain OpenMP gemm. The common shapes get a loop order with a contiguous,
 * vectorisable inner loop. */
void lm_gemm_omp(int ta, int tb, int M, int N, int K, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc)
{
    if (!ta && tb) {
        /* C[m][n] = sum_k A[m][k] B[n][k]: dot products, 4 rows of A at a time */
        #pragma omp parallel for schedule(static)
        for (int m0 = 0; m0 < M; m0 += 4) {
            int mm = M - m0 < 4 ? M - m0 : 4;
            for (int n = 0; n < N; n++) {
                const float *b = B + (size_t)n * ldb;
                float s[4] = { 0, 0, 0, 0 };
                for (int i = 0; i < mm; i++) {
                    const float *a = A + (size_t)(m0 + i) * lda;
                    float acc = 0;
                    #pragma omp simd reduction(+:acc)
                    for (int k = 0; k < K; k++) acc += a[k] * b[k];
                    s[i] = acc;
                }
                for (int i = 0; i < mm; i++) {
                    float *c = &C[(size_t)(m0 + i) * ldc + n];
                    *c = s[i] + (beta != 0 ? beta * *c : 0);
                }
            }
        }
        return;
    }
    /* C[m][:] = sum_k op(A)[m][k] B[k][:]  (B not transposed), rows independent */
    if (!tb) {
        #pragma omp parallel for schedule(static)
        for (int m = 0; m < M; m++) {
            float *c = C + (size_t)m * ldc;
            if (beta == 0) memset(c, 0, (size_t)N * sizeof *c);
            else if (beta != 1) for (int n = 0; n < N; n++) c[n] *= beta;
            for (int k = 0; k < K; k++) {
                float a = ta ? A[(size_t)k * lda + m] : A[(size_t)m * lda + k];
                if (a == 0) continue;
                const float *b = B + (size_t)k * ldb;
                #pragma omp simd
                for (int n = 0; n < N; n++) c[n] += a * b[n];
            }
        }
        return;
    }
    /* ta && tb: rare, simple */
    #pragma omp parallel for schedule(static)
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            float acc = 0;
            for (int k = 0; k < K; k++) acc += A[(size_t)k * lda + m] * B[(size_t)n * ldb + k];
            float *c = &C[(size_t)m * ldc + n];
            *c = acc + (beta != 0 ? beta * *c : 0);
        }
}

void encoder_forward(float *out, const int *inp, const int *pos, const float *wte,
                     const float *wpe, int N, int C)
{
    for (int i = 0; i < N; i++) {
        const float *e = wte + (size_t)inp[i] * C, *p = wpe + (size_t)pos[i] * C;
        float *o = out + (size_t)i * C;
        for (int c = 0; c < C; c++) o[c] = e[c] + p[c];
    }
}

void encoder_backward(float *dwte, float *dwpe, const float *dout, const int *inp,
                      const int *pos, int N, int C)
{
    for (int i = 0; i < N; i++) {
        const float *d = dout + (size_t)i * C;
        float *e = dwte + (size_t)inp[i] * C, *p = dwpe + (size_t)pos[i] * C;
        for (int c = 0; c < C; c++) { e[c] += d[c]; p[c] += d[c]; }
    }
}

void layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                       const float *w, const float *b, int N, int C)
{
    #pragma omp parallel for schedule(static)
    for (int i = 0; i < N; i++) {
        lm_layernorm_row(out + (size_t)i * C, inp + (size_t)i * C, w, b, C, &mean[i], &rstd[i]);
    }
}

void layernorm_backward(float *dinp, float *dw, float *db, const float *dout,
                        const float *inp, const float *w, const float *mean,
                        const float *rstd, int N, int C)
{
    /* dw, db reduce over rows: serial over rows, cheap relative to matmuls */
    #pragma omp parallel for schedule(static)
    for (int i = 0; i < N; i++) {
        const float *d = dout + (size_t)i * C, *x = inp + (size_t)i * C;
        float m = mean[i], s = rstd[i], dn_mean = 0, dn_norm_mean = 0;
        for (int c = 0; c < C; c++) {
            float n = (x[c] - m) * s, dn = w[c] * d[c];
            dn_mean += dn;
            dn_norm_mean += dn * n;
        }
        dn_mean /= C;
        dn_norm_mean /= C;
        float *di = dinp + (size_t)i * C;
        for (int c = 0; c < C; c++) {
            float n = (x[c] - m) * s, dn = w[c] * d[c];
            di[c] += (dn - dn_mean - n * dn_norm_mean) * s;
        }
    }
    #pragma omp parallel for schedule(static)
    for (int c0 = 0; c0 < C; c0 += 16) {
        int c1 = c0 + 16 < C ? c0 + 16 : C;
        for (int i = 0; i < N; i++) {
            const float *d = dout + (size_t)i * C, *x = inp + (size_t)i * C;
            float m = mean[i], s = rstd[i];
            for (int c = c0; c < c1; c++) {
                db[c] += d[c];
                dw[c] += (x[c] - m) * s * d[c];
            }
        }
    }
}

void matmul_forward(float *out, const float *inp, const float *w, const float *bias,
                    int N, int C, int OC)
{
    lm_gemm(0, 1, N, OC, C, inp, C, w, C, 0.0f, out, OC);
    if (bias) {
        #pragma omp parallel for schedule(static)
        for (int i = 0; i < N; i++)
            for (int o = 0; o < OC; o++) out[(size_t)i * OC + o] += bias[o];
    }
}

void matmul_backward(float *dinp, float *dw, float *dbias, const float *dout,
                     const float *inp, const float *w, int N, int C, int OC)
{
    /* dinp(N,C) += dout(N,OC) w(OC,C);  dw(OC,C) += dout^T(OC,N) inp(N,C) */
    if (dinp) lm_gemm(0, 0, N, C, OC, dout, OC, w, C, 1.0f, dinp, C);
    lm_gemm(1, 0, OC, C, N, dout, OC, inp, C, 1.0f, dw, C);
    if (dbias) {
        #pragma omp parallel for schedule(static)
        for (int o0 = 0; o0 < OC; o0 += 32) {
            int o1 = o0 + 32 < OC ? o0 + 32 : OC;
            for (int i = 0; i < N; i++)
                for (int o = o0; o < o1; o++) dbias[o] += dout[(size_t)i * OC + o];
        }
    }
}

void attention_forward(float *out, float *att, const float *qkv, const int *start,
                       int N, int C, int NH, int ctx)
{
    int hs = C / NH;
    float scale = 1.0f / sqrtf((float)hs);
    #pragma omp parallel for collapse(2) schedule(dynamic, 16)
    for (int t = 0; t < N; t++)
        for (int h = 0; h < NH; h++) {
            const float *q = qkv + (size_t)t * 3 * C + h * hs;
            float *a = att + ((size_t)h * N + t) * ctx;
            int s0 = start[t], n = t - s0 + 1;
            float mx = -1e30f;
            for (int j = 0; j < n; j++) {
                const float *k = qkv + (size_t)(s0 + j) * 3 * C + C + h * hs;
                float dot = 0;
                #pragma omp simd reduction(+:dot)
                for (int i = 0; i < hs; i++) dot += q[i] * k[i];
                a[j] = dot * scale;
                if (a[j] > mx) mx = a[j];
            }
            float sum = 0;
            #pragma omp simd reduction(+:sum)
            for (int j = 0; j < n; j++) { a[j] = fast_expf(a[j] - mx); sum += a[j]; }
            float *o = out + (size_t)t * C + h * hs;
            for (int i = 0; i < hs; i++) o[i] = 0;
            for (int j = 0; j < n; j++) {
                a[j] /= sum;
                const float *v = qkv + (size_t)(s0 + j) * 3 * C + 2 * C + h * hs;
                #pragma omp simd
                for (int i = 0; i < hs; i++) o[i] += a[j] * v[i];
            }
        }
}

void attention_backward(float *dqkv, float *scratch, const float *dout, const float *qkv,
                        const float *att, const int *start, int N, int C, int NH, int ctx)
{
    int hs = C / NH;
    float scale = 1.0f / sqrtf((float)hs);
    /* dk, dv of token j gather from later tokens of its document, so a task
     * owns one head; rows of a head run serially. */
    #pragma omp parallel for schedule(dynamic, 1)
    for (int h = 0; h < NH; h++) {
        float *da = scratch + (size_t)omp_get_thread_num() * ctx;
        for (int t = 0; t < N; t++) {
            const float *a = att + ((size_t)h * N + t) * ctx;
            const float *d = dout + (size_t)t * C + h * hs;
            const float *q = qkv + (size_t)t * 3 * C + h * hs;
            float *dq = dqkv + (size_t)t * 3 * C + h * hs;
            int s0 = start[t], n = t - s0 + 1;
            float dot_ad = 0;
            for (int j = 0; j < n; j++) {
                const float *v = qkv + (size_t)(s0 + j) * 3 * C + 2 * C + h * hs;
                float *dv = dqkv + (size_t)(s0 + j) * 3 * C + 2 * C + h * hs;
                float x = 0;
                #pragma omp simd reduction(+:x)
                for (int i = 0; i < hs; i++) { x += d[i] * v[i]; }
                #pragma omp simd
                for (int i = 0; i < hs; i++) dv[i] += a[j] * d[i];
                da[j] = x;
                dot_ad += a[j] * x;
            }
            for (int j = 0; j < n; j++) {
                float g = a[j] * (da[j] - dot_ad) * scale;  /* d preatt */
                const float *k = qkv + (size_t)(s0 + j) * 3 * C + C + h * hs;
                float *dk = dqkv + (size_t)(s0 + j) * 3 * C + C + h * hs;
                #pragma omp simd
                for (int i = 0; i < hs; i++) { dq[i] += g * k[i]; dk[i] += g * q[i]; }
            }
        }
    }
}

#define GELU_S 0.7978845608028654f /* sqrt(2/pi) */

void gelu_forward(float *out, const float *inp, int n)
{
    #pragma omp parallel for simd schedule(static)
    for (int i = 0; i < n; i++) {
        float x = inp[i];
        out[i] = 0.5f * x * (1.0f + fast_tanhf(GELU_S * (x + 0.044715f * x * x * x)));
    }
}

void gelu_backward(float *dinp, const float *inp, const float *dout, int n)
{
    #pragma omp parallel for simd schedule(static)
    for (int i = 0; i < n; i++) {
        float x = inp[i], u = GELU_S * (x + 0.044715f * x * x * x);
        float th = fast_tanhf(u), sech2 = 1.0f - th * th;
        float g = 0.5f * (1.0f + th) + 0.5f * x * sech2 * GELU_S * (1.0f + 3.0f * 0.044715f * x * x);
        dinp[i] += g * dout[i];
    }
}

void residual_forward(float *out, const float *a, const float *b, int n)
{
    #pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
}

double crossentropy_forward_backward(float *logits, const int *targets, int M, int V,
                                     float scale)
{
    double loss = 0;
    #pragma omp parallel for reduction(+:loss) schedule(static)
    for (int i = 0; i < M; i++) {
        float *l = logits + (size_t)i * V, mx = -1e30f, sum = 0;
        for (int v = 0; v < V; v++) if (l[v] > mx) mx = l[v];
        #pragma omp simd reduction(+:sum)
        for (int v = 0; v < V; v++) { l[v] = fast_expf(l[v] - mx); sum += l[v]; }
        loss += -logf(l[targets[i]] / sum);
        for (int v = 0; v < V; v++) l[v] = l[v] / sum * scale;
        l[targets[i]] -= scale;
    }
    return loss;
}
