/* model: the only interface strategies see (DESIGN.md §4).
 *
 * A strategy hands model_generate() a batch of requests, each asking for
 * one or more samples. Deltas stream back through the sink, on the calling
 * (run) thread, tagged thinking or answer; then each sample's result. HTTP
 * backends run a batch as concurrent transfers on one curl multi handle;
 * the built-in model runs it as one batched forward pass. */
#ifndef PONDER_MODEL_H
#define PONDER_MODEL_H
#include <stdatomic.h>
#include <stddef.h>
#include "tutor/prompt.h"
#include "tutor/event.h"
#include "tutor/traits.h"

typedef enum {
    THINK_DEFAULT,  /* send nothing; the server decides */
    THINK_OFF, THINK_ON, THINK_LOW, THINK_MEDIUM, THINK_HIGH, THINK_BUDGET
} think_mode;

/* What a backend can do: the CAP_* bits of tutor/traits.h. */

typedef struct {
    const prompt *prompt;   /* borrowed; raw != NULL means continue raw */
    int n;                  /* samples wanted from this request (>= 1) */
    double temperature;
    double top_p;           /* 1 = off */
    int top_k;              /* 0 = off */
    int max_tokens;
    const char *const *stop;
    int n_stop;
    long long seed;         /* -1 = none */
    int logprobs;
    think_mode think;
    int think_budget;       /* THINK_BUDGET: tokens of thinking at most */
    int min_think;          /* budget forcing: at least this many thinking tokens */
} model_request;

typedef enum {
    FINISH_STOP, FINISH_LENGTH, FINISH_CANCELLED, FINISH_ERROR
} model_finish;

typedef struct {
    model_finish finish;
    long tokens_in, tokens_out, thinking_tokens;
    double logprob;
    int has_logprob;
    const char *error;      /* valid during the callback only; NULL if none */
    int http_status;        /* 0 if not HTTP */
    int guess;              /* the prompt is outside what the model was trained on
                             * (the built-in model's scope check): its answer is a guess */
} model_result;

/* Callbacks, all on the thread that called model_generate. `req` indexes the
 * batch, `sample` the sample within that request. Any may be NULL. */
typedef struct {
    void *ud;
    void (*on_delta)(void *ud, int req, int sample, channel ch,
                     const char *text, int tokens, double logprob);
    void (*on_done)(void *ud, int req, int sample, const model_result *r);
    /* A retryable failure that will be retried after delay_s. */
    void (*on_retry)(void *ud, int req, int attempt, int max_attempts,
                     double delay_s, const char *why);
    /* Something worth telling the user (context truncated, unknown words). */
    void (*on_notice)(void *ud, int req, const char *msg);
} model_sink;

typedef struct {
    const char *spec;           /* builtin | ollama:NAME | openai:NAME | llamacpp[:NAME] | scripted:FILE */
    const char *base_url;       /* NULL: backend default / environment */
    const char *key_env;        /* name of the env var holding the key; NULL: backend default */
    const char *key;            /* the key itself, from config.ini; NULL: the environment */
    double connect_timeout_s;   /* 0: default 10 */
    double idle_timeout_s;      /* 0: default 60; no byte for this long aborts */
    int max_retries;            /* -1: default 4 */
    /* openai: ask for n samples in one request (NATIVE_N_*). Auto means
     * only for api.openai.com: servers such as llama-server ignore "n",
     * and finding that out costs a whole reply. */
    int native_n;
    double retry_base_s;        /* 0: default 0.5 */
    /* A batch (one model_generate) may take at most this long, retries
     * included, then its unfinished samples end in error with the text
     * so far kept. 0: default MODEL_REPLY_TIMEOUT_S. */
    double reply_timeout_s;
    /* Text bytes one sample may bring, thinking and answer together; past
     * it the sample ends as FINISH_LENGTH. 0: default MODEL_MAX_REPLY_BYTES. */
    size_t max_reply_bytes;
    const char *builtin_path;   /* weights file for builtin; NULL: default search */
    int insecure;               /* --insecure: skip TLS certificate checks */
} model_config;

enum { NATIVE_N_AUTO, NATIVE_N_YES, NATIVE_N_NO };

#define MODEL_REPLY_TIMEOUT_S 1800.0
#define MODEL_MAX_REPLY_BYTES ((size_t)1 << 20)
/* max_tokens sent when a request leaves it 0: every request carries one. */
#define MODEL_MAX_TOKENS 4096

typedef struct model model;

/* Opens a backend. Cheap for HTTP (no network until generate). On failure
 * returns NULL with a one-line message in err that says what to try. */
model *model_open(const model_config *cfg, char *err, size_t errlen);
void model_close(model *m);
const char *model_name(const model *m);     /* e.g. "openai:gpt-4o-mini" */
const char *model_url(const model *m);      /* endpoint, "" for builtin */
unsigned model_caps(const model *m);
/* The caps a spec's backend is known to have before it is opened, for
 * what the screen shows ahead of a run (the built-in model's raw prompt
 * format). An opened model may have fewer (a server that ignores "n") or,
 * scripted, any: run_start carries model_caps() of the real one. 0 for a
 * bad spec. */
unsigned model_spec_caps(const char *spec);

/* Runs the batch to completion (or cancellation). Returns the number of
 * samples that ended in FINISH_ERROR. `cancel` may be NULL; once it becomes
 * nonzero, transfers abort promptly and unfinished samples end with
 * FINISH_CANCELLED. */
int model_generate(model *m, const model_request *reqs, int n_reqs,
                   const model_sink *sink, atomic_int *cancel);

/* "off|on|low|medium|high|TOKENS" -> mode (and budget). 0, or -1. */
int think_parse(const char *s, think_mode *mode, int *budget);
/* The setting as the user writes it ("low", "512"); buf for budgets. */
const char *think_name(think_mode mode, int budget, char *buf, size_t cap);

/* Parses the backend name out of a spec: "openai:x" -> "openai". */
int model_spec_valid(const char *spec, char *err, size_t errlen);

#endif
