/* backend: what model.c knows about each backend (internal to models/).
 *
 * A backend's open function fills the model it is given: ops, name, url,
 * caps and its own state in impl. model.c owns the struct and has already
 * copied the config with defaults applied. */
#ifndef PONDER_BACKEND_H
#define PONDER_BACKEND_H
#include <stddef.h>
#include "models/model.h"

typedef struct {
    int (*generate)(model *m, const model_request *reqs, int n_reqs,
                    const model_sink *sink, atomic_int *cancel);
    /* Frees what impl holds; model_close then frees impl itself. Called
     * only with impl set; may be NULL. */
    void (*close)(model *m);
} backend_ops;

struct model {
    const backend_ops *ops;
    char name[256];                 /* the spec as given, e.g. "openai:gpt-4o" */
    char url[512];                  /* the endpoint base, "" for builtin */
    unsigned caps;
    /* The config, with defaults applied and strings copied. */
    double connect_timeout_s, idle_timeout_s, retry_base_s;
    double reply_timeout_s;         /* a batch's deadline, 0 = none */
    size_t max_reply_bytes;         /* a sample's text cap, 0 = none */
    int max_retries;
    int native_n;                   /* NATIVE_N_* */
    char key_env[64];               /* "" = the backend's default */
    char key[512];                  /* from config; "" = the environment. Wiped at close */
    char base_url[512];             /* "" = the backend's default */
    char builtin_path[512];
    int insecure;                   /* skip TLS verification (--insecure) */
    void *impl;
};

/* Each fills m or returns -1 with a one-line message in err. `name` is the
 * part after the colon ("" if none). */
int openai_open(model *m, int llamacpp, const char *name, char *err, size_t errlen);
/* name: the model id, e.g. "claude-sonnet-4-5" (anthropic.c). */
int anthropic_open(model *m, const char *name, char *err, size_t errlen);
int ollama_open(model *m, const char *name, char *err, size_t errlen);
int builtin_open(model *m, char *err, size_t errlen);
/* name: the path of the JSON file that scripts the replies (scripted.c). */
int scripted_open(model *m, const char *name, char *err, size_t errlen);

#endif
