/* lm.h: ponder's built-in tiny transformer: load, tokenize, generate.
 *
 * The model is a GPT-2 style network trained by lm-train on ponder's own
 * curriculum; its prompt formats are documented in lm/README.md. */
#ifndef LM_LM_H
#define LM_LM_H

#include <stddef.h>

typedef struct lm_model lm_model;

/* Loads (mmap) a weights file. On failure returns NULL and writes a one-line
 * human message to err. The caller frees the model with lm_free. */
lm_model *lm_load(const char *path, char *err, size_t errlen);
void lm_free(lm_model *m);
int lm_ctx_len(const lm_model *m);
int lm_vocab_size(const lm_model *m);

/* Tokenizes text exactly as llama.cpp's SPM tokenizer does with this
 * vocabulary: a space is prefixed, spaces become ▁, pieces merge by score,
 * unknown characters fall back to <0xXX> byte tokens. No <s> is added.
 * Returns the token count (may exceed max: then only max are written). *n_unk
 * gets the number of whitespace-separated words that did not map to whole
 * vocabulary tokens; unk_words (may be NULL) gets up to unk_cap bytes of a
 * space-separated list of them. */
int lm_tokenize(const lm_model *m, const char *text, int *ids, int max, int *n_unk,
                char *unk_words, size_t unk_cap);

/* Appends the display text of token id (▁ becomes a space) to buf, NUL
 * terminated; returns bytes written. Control tokens give "". */
int lm_token_piece(const lm_model *m, int id, char *buf, size_t cap);

typedef struct {
    float temperature;   /* 0 = greedy */
    int top_k;           /* 0 = off */
    float top_p;         /* 1 = off */
    unsigned long long seed;
    int max_tokens;
    const char *const *stop; int n_stop;  /* stop strings, matched on the decoded text */
    int want_logprobs;
} lm_sample_opts;

enum lm_finish { LM_FINISH_STOP, LM_FINISH_EOS, LM_FINISH_LENGTH, LM_FINISH_CANCELLED,
                 LM_FINISH_CONTEXT };

typedef struct { int n_tokens; double sum_logprob; enum lm_finish finish; } lm_sample_result;

/* Called for each generated token of each sample, in the generating thread.
 * piece is display text. Text that may begin a stop string is held back (piece
 * is then "" or shorter) and delivered later; when a sample ends, held text
 * that was not a stop string comes in one last call with logprob 0. The stop
 * string itself is never delivered. logprob is log p(token) under the model's
 * unmodified distribution (temperature 1, no top-k/top-p). Return nonzero to
 * stop that sample (it finishes with LM_FINISH_STOP). */
typedef int (*lm_token_cb)(void *ud, int sample, const char *piece, float logprob);

/* Continues `prompt` (raw text, the continuation prefix; <s> is prepended)
 * n_samples times as ONE batch: the prompt is prefilled once and its KV cache
 * copied; then the samples decode together, one matrix product per layer per
 * step. `cancel` may be NULL; when *cancel becomes nonzero generation stops
 * promptly with LM_FINISH_CANCELLED. A prompt longer than the context minus 16
 * tokens is truncated from the left (after <s>) and *truncated_tokens (if
 * non-NULL) reports how many tokens were dropped. Returns 0, or -1 with a
 * message in err. res has n_samples entries. Deterministic for a fixed seed
 * and thread count: sample i draws from its own stream of (seed, i). */
int lm_generate(const lm_model *m, const char *prompt, int n_samples, const lm_sample_opts *o,
                lm_token_cb cb, void *ud, const volatile int *cancel,
                lm_sample_result *res, int *truncated_tokens, char *err, size_t errlen);

/* Logits (vocab floats) of the token after ids[0..n) (ids include <s> if
 * wanted). For tests and scoring. Returns 0, or -1 if n is not in 1..ctx. */
int lm_logits(const lm_model *m, const int *ids, int n, float *out);

#endif
