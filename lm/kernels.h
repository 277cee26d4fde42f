/* kernels.h: the GPT-2 layers, forward and backward, as pure functions.
 *
 * Shapes use N rows (tokens) of C channels. Weights are stored (OC, C), so a
 * linear layer is out = inp W^T + b. Backward functions accumulate (+=) into
 * their gradient outputs, as in llm.c. None of them allocate. */
#ifndef LM_KERNELS_H
#define LM_KERNELS_H

/* C(M,N) = op(A) op(B) + beta C, where op(A) is (M,K): A is (M,K) or, if ta,
 * (K,M); op(B) is (K,N): B is (K,N) or, if tb, (N,K). Row-major. */
typedef void (*lm_gemm_fn)(int ta, int tb, int M, int N, int K, const float *A, int lda,
                           const float *B, int ldb, float beta, float *C, int ldc);

/* The gemm used by the kernels; the trainer may install cblas_sgemm here.
 * Defaults to lm_gemm_omp. */
extern lm_gemm_fn lm_gemm;
void lm_gemm_omp(int ta, int tb, int M, int N, int K, const float *A, int lda,
                 const float *B, int ldb, float beta, float *C, int ldc);

/* out(N,C) = wte[inp] + wpe[pos] */
void encoder_forward(float *out, const int *inp, const int *pos, const float *wte,
                     const float *wpe, int N, int C);
void encoder_backward(float *dwte, float *dwpe, const float *dout, const int *inp,
                      const int *pos, int N, int C);

/* y = (x - mean) * rstd * w + b, rstd = 1/sqrt(var + 1e-5) */
void layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                       const float *w, const float *b, int N, int C);
void layernorm_backward(float *dinp, float *dw, float *db, const float *dout,
                        const float *inp, const float *w, const float *mean,
                        const float *rstd, int N, int C);

/* out(N,OC) = inp(N,C) w(OC,C)^T + bias(OC); bias may be NULL */
void matmul_forward(float *out, const float *inp, const float *w, const float *bias,
                    int N, int C, int OC);
void matmul_backward(float *dinp, float *dw, float *dbias, const float *dout,
                     const float *inp, const float *w, int N, int C, int OC);

/* Causal self-attention over packed documents. qkv (N,3C) holds q|k|v; token t
 * attends to tokens start[t]..t (its own document). att (NH,N,ctx) keeps the
 * softmax weights: row (h,t) entry j-start[t]. out (N,C). */
void attention_forward(float *out, float *att, const float *qkv, const int *start,
                       int N, int C, int NH, int ctx);
/* datt is scratch of ctx floats per thread (nthreads*ctx). */
void attention_backward(float *dqkv, float *scratch, const float *dout, const float *qkv,
                        const float *att, const int *start, int N, int C, int NH, int ctx);

/* GELU, tanh approximation (as GPT-2 and llama.cpp's ggml_gelu) */
void gelu_forward(float *out, const float *inp, int n);
void gelu_backward(float *dinp, const float *inp, const float *dout, int n);

void residual_forward(float *out, const float *a, const float *b, int n);

/* Softmax cross-entropy over rows of logits (M,V). Returns the summed loss;
 * overwrites logits with dloss/dlogits * scale (probs - onehot). */
double crossentropy_forward_backward(float *logits, const int *targets, int M, int V,
                                     float scale);

#endif
