/* vocab.h: ponder's SentencePiece-style (llama.cpp "SPM") word vocabulary and
 * tokenizer. See lm/README.md for how the vocabulary is built and why it
 * segments exactly as llama.cpp's llm_tokenizer_spm does. */
#ifndef LM_VOCAB_H
#define LM_VOCAB_H

#include <stddef.h>

/* Token types; the values match GGUF's llama_token_type except LM_TOK_PREFIX,
 * a normal token that is only a prefix of a word (exported as NORMAL). */
enum { LM_TOK_NORMAL = 1, LM_TOK_UNKNOWN = 2, LM_TOK_CONTROL = 3, LM_TOK_BYTE = 6,
       LM_TOK_PREFIX = 7 };
enum { LM_TOK_UNK = 0, LM_TOK_BOS = 1, LM_TOK_EOS = 2 };

typedef struct {
    int n;                 /* number of tokens */
    char **piece;          /* (n) NUL-terminated UTF-8 pieces, "▁" for space */
    float *score;          /* (n) SPM merge score: a piece's length in characters */
    unsigned char *type;   /* (n) LM_TOK_* */
    int *hash;             /* (hash_cap) token id + 1, 0 = empty; open addressing */
    int hash_cap;
    int byte_tok[256];     /* id of "<0xXX>" */
} lm_vocab;

/* Builds the vocabulary from the curriculum's word lists. Returns 0 or -1. */
int lm_vocab_build(lm_vocab *v);
/* Builds from explicit arrays (copied). Returns 0, or -1 if inconsistent. */
int lm_vocab_init(lm_vocab *v, int n, const char *const *pieces, const float *scores,
                  const unsigned char *types);
void lm_vocab_done(lm_vocab *v);

/* Token id of the exact piece, or -1. */
int lm_vocab_find(const lm_vocab *v, const char *s, size_t len);

/* SPM tokenization of text with the leading space prefix, without BOS; see
 * lm_tokenize in lm.h for the contract. */
int lm_vocab_tokenize(const lm_vocab *v, const char *text, int *ids, int max, int *n_unk,
                      char *unk_words, size_t unk_cap);

/* Appends the display text of a token; returns bytes written. */
int lm_vocab_piece(const lm_vocab *v, int id, char *buf, size_t cap);

#endif
