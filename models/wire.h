/* wire: the one skeleton of the HTTP backends (internal to models/).
 *
 * openai.c, ollama.c and anthropic.c each describe themselves in a
 * wire_kind: the request body, the decoder of one stream unit (an SSE
 * event, an NDJSON line) or of a whole JSON reply, and the advice their
 * users need. Everything else is here, once: the jobs of a batch (one per
 * sample, or one per request that asks for n samples natively), the
 * headers and key, the stream's framing, sniffing a body that is not a
 * stream at all, the length cap of each sample, the advice every backend
 * gives alike, ending each sample exactly once, and the fallback to single
 * requests when native n fails.
 *
 * Keys. A kind names the environment variable its key comes from by
 * default; model_config.key (config.ini) wins, and key_env replaces the
 * variable. A kind with no default (llamacpp, ollama) sends a key only
 * when the config names one. Every key stays out of every message
 * (redact.h), and is sent only over https or to a host on this machine
 * unless --insecure (wire_check_url). */
#ifndef PONDER_WIRE_H
#define PONDER_WIRE_H
#include <stddef.h>
#include <curl/curl.h>
#include "models/backend.h"
#include "models/http.h"
#include "models/lines.h"
#include "models/ndjson.h"
#include "models/reply.h"
#include "models/sse.h"

typedef enum { WIRE_SSE, WIRE_NDJSON } wire_framing;

typedef struct wire_job wire_job;
typedef struct wire_run wire_run;
typedef struct wire_kind wire_kind;

/* What model->impl holds for every HTTP backend. */
typedef struct {
    const wire_kind *kind;
    http_client *http;
    char name[256];             /* model id sent to the server, may be "" */
    int llamacpp;               /* openai.c: the llama.cpp flavour */
    int native_n;               /* openai.c: try native n, until it fails */
} wire_model;

struct wire_run {
    model *m;
    wire_model *w;
    const model_sink *sink;
    const char *key;            /* may be NULL */
    int errors;
};

struct wire_job {
    http_job http;              /* first: the engine's callbacks cast back */
    wire_run *run;
    const model_request *rq;
    int req, sample0;           /* replies[i] is sample sample0 + i of req */
    reply *replies;
    int nrep;
    int native;                 /* one request asks for all nrep samples */
    int fallback_from;          /* on_finish: samples from here need single
                                   requests; -1 = none */
    int mode;                   /* 0 undecided, 1 stream, 2 one JSON object */
    int units;                  /* events or lines decoded */
    unsigned char raw[16];      /* the body's first bytes, for sniffing */
    size_t nraw;
    char *whole;                /* mode 2: the body so far */
    size_t whole_len;
    sse_parser sse;
    ndjson_parser nd;
    char *body;
    char url[640];
    void *state;                /* the kind's decoder state, state_size bytes */
};

struct wire_kind {
    const char *backend;        /* "openai", for messages */
    const char *key_env;        /* the key's default variable; NULL = none */
    wire_framing framing;
    const char *accept;
    size_t state_size;
    /* Writes j->url and returns the body for one request of n samples
     * (malloc'd), and sets up j->state. NULL if out of memory. */
    char *(*setup)(wire_job *j, int n, long long seed);
    void (*done)(wire_job *j);              /* frees j->state's parts; may be NULL */
    /* One SSE event (name) or NDJSON line (name NULL), data NUL-terminated.
     * Sets j->http.complete at the end marker. Returns 0, or nonzero after
     * http_job_fail or http_job_retry. */
    int (*on_unit)(wire_job *j, const char *name, const char *data, size_t len);
    /* A whole JSON reply from a server that ignored "stream"; NULL if the
     * framing never carries one. Returns 0, or -1 after http_job_fail. */
    int (*on_message)(wire_job *j, const char *data, size_t len);
    void (*on_restart)(wire_job *j);        /* a retried body: reset state; may be NULL */
    /* After the transfer (not after a cancel), before the samples end; may
     * set fallback_from. May be NULL. */
    void (*on_finish)(wire_job *j);
    /* Whether a request of n > 1 samples goes as one request. May be NULL. */
    int (*native)(const wire_run *run, const model_request *rq);
    /* A notice about what of rq this server cannot honour, or NULL. */
    const char *(*caveat)(const wire_run *run, const model_request *rq, char *buf, size_t cap);
    /* The key's header up to the key; NULL = "Authorization: Bearer ". */
    const char *key_header;
    const char *extra_header;   /* one more header line, or NULL */
    /* The end marker, in "the stream ended before the reply was complete
     * (no ...)". */
    const char *marker;
    const char *url_hint;       /* after "check the base URL %s", or "" */
    /* The advice table. %s is the URL in refused and unreachable. */
    const char *refused, *unreachable;
    const char *who;            /* "the server", "Ollama": who stopped sending */
    /* Advice for an HTTP status this backend words itself; 0 leaves it to
     * the common words (429, 400, 5xx). */
    int (*status)(const wire_run *run, const wire_job *j, const char *smsg,
                  char *out, size_t cap);
};

/* Fills m for kind: a wire_model with its own curl handle, the shared ops,
 * and m->url from base (trailing slashes dropped), checked with
 * wire_check_url. Returns 0, or -1 with a message in err. */
int wire_open(model *m, const wire_kind *kind, const char *name, const char *base,
              char *err, size_t errlen);

/* The key for this model: config.ini's, else $key_env (config), else
 * $kind->key_env; NULL if none. */
const char *wire_key(const model *m, const wire_kind *kind);

/* Whether url's host is this machine (localhost, 127.x.y.z, [::1]). */
int wire_local(const char *url);

/* A base URL fit to use: http or https, a non-empty host; and a key goes
 * over plain http only to this machine, unless insecure. Returns 0, or -1
 * with a message in err. */
int wire_check_url(const char *url, int has_key, int insecure, const char *backend,
                   char *err, size_t errlen);

#endif
