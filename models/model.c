/* model: the spec parser and the dispatch to a backend (see backend.h). */
#include "models/model.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "models/backend.h"

static const char FORMS[] =
    "builtin, ollama:NAME, openai:NAME, anthropic:NAME, llamacpp or llamacpp:NAME";

/* Splits spec into backend kind and name. Returns the kind or -1. */
enum { K_BUILTIN, K_OPENAI, K_LLAMACPP, K_OLLAMA, K_ANTHROPIC, K_SCRIPTED };
static int parse_spec(const char *spec, const char **name, char *err, size_t errlen)
{
    /* needs_name: 1 required, 0 optional, -1 none. scripted (a test and
     * demo tool, see scripted.c) stays out of FORMS. */
    static const struct { const char *kind; int id, needs_name; const char *example; } table[] = {
        { "builtin", K_BUILTIN, -1, "" }, { "openai", K_OPENAI, 1, "gpt-4o-mini" },
        { "llamacpp", K_LLAMACPP, 0, "" }, { "ollama", K_OLLAMA, 1, "llama3.2" },
        { "anthropic", K_ANTHROPIC, 1, "claude-sonnet-4-5" },
        { "scripted", K_SCRIPTED, 1, "replies.json" },
    };
    if (!spec || !*spec) {
        snprintf(err, errlen, "no model given; use one of: %s", FORMS);
        return -1;
    }
    const char *colon = strchr(spec, ':');
    size_t klen = colon ? (size_t)(colon - spec) : strlen(spec);
    *name = colon ? colon + 1 : "";
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        if (strlen(table[i].kind) != klen || strncmp(spec, table[i].kind, klen))
            continue;
        if (table[i].needs_name == 1 && !**name) {
            snprintf(err, errlen, "model \"%s\" needs a name: %s:%s "
                     "(for example %s:%s)", spec, table[i].kind,
                     table[i].id == K_SCRIPTED ? "FILE" : "NAME", table[i].kind,
                     table[i].example);
            return -1;
        }
        if (table[i].needs_name == -1 && colon) {
            snprintf(err, errlen, "model \"%s\": builtin takes no name; "
                     "use plain \"builtin\"", spec);
            return -1;
        }
        return table[i].id;
    }
    snprintf(err, errlen, "unknown model \"%s\"; use one of: %s", spec, FORMS);
    return -1;
}

/* Returns 0 for a valid spec, else -1 with a message in err (which may be
 * NULL) that lists the valid forms. */
int model_spec_valid(const char *spec, char *err, size_t errlen)
{
    const char *name;
    char tmp[8];
    if (!err) {
        err = tmp;
        errlen = sizeof tmp;
    }
    return parse_spec(spec, &name, err, errlen) >= 0 ? 0 : -1;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

model *model_open(const model_config *cfg, char *err, size_t errlen)
{
    const char *name;
    int kind = parse_spec(cfg->spec, &name, err, errlen);
    if (kind < 0)
        return NULL;
    model *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    copy(m->name, sizeof m->name, cfg->spec);
    m->connect_timeout_s = cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 10;
    m->idle_timeout_s = cfg->idle_timeout_s > 0 ? cfg->idle_timeout_s : 60;
    m->max_retries = cfg->max_retries >= 0 ? cfg->max_retries : 4;
    m->native_n = cfg->native_n;
    m->retry_base_s = cfg->retry_base_s > 0 ? cfg->retry_base_s : 0.5;
    m->reply_timeout_s = cfg->reply_timeout_s > 0 ? cfg->reply_timeout_s : MODEL_REPLY_TIMEOUT_S;
    m->max_reply_bytes = cfg->max_reply_bytes > 0 ? cfg->max_reply_bytes : MODEL_MAX_REPLY_BYTES;
    copy(m->key_env, sizeof m->key_env, cfg->key_env);
    copy(m->base_url, sizeof m->base_url, cfg->base_url);
    copy(m->builtin_path, sizeof m->builtin_path, cfg->builtin_path);
    m->insecure = cfg->insecure;
    copy(m->key, sizeof m->key, cfg->key);
    int rc = kind == K_BUILTIN ? builtin_open(m, err, errlen)
           : kind == K_OLLAMA ? ollama_open(m, name, err, errlen)
           : kind == K_SCRIPTED ? scripted_open(m, name, err, errlen)
           : kind == K_ANTHROPIC ? anthropic_open(m, name, err, errlen)
           : openai_open(m, kind == K_LLAMACPP, name, err, errlen);
    if (rc) {
        free(m);
        return NULL;
    }
    return m;
}

void model_close(model *m)
{
    if (!m)
        return;
    if (m->ops && m->ops->close && m->impl)
        m->ops->close(m);
    free(m->impl);
    /* a key read from config should not outlive the model in freed memory */
    volatile char *k = m->key;
    for (size_t i = 0; i < sizeof m->key; i++)
        k[i] = 0;
    free(m);
}

const char *model_name(const model *m) { return m->name; }
const char *model_url(const model *m) { return m->url; }
unsigned model_caps(const model *m) { return m->caps; }

unsigned model_spec_caps(const char *spec)
{
    const char *name;
    char err[8];
    switch (parse_spec(spec, &name, err, sizeof err)) {
    case K_BUILTIN: return CAP_RAW | CAP_LOGPROBS | CAP_NATIVE_N | CAP_RAW_FORMAT;
    case K_LLAMACPP: case K_OLLAMA: return CAP_RAW | CAP_THINKING;
    case K_OPENAI: case K_ANTHROPIC: return CAP_THINKING;
    default: return 0;  /* scripted: its file says; a bad spec: nothing */
    }
}

int model_generate(model *m, const model_request *reqs, int n_reqs,
                   const model_sink *sink, atomic_int *cancel)
{
    if (n_reqs <= 0)
        return 0;
    return m->ops->generate(m, reqs, n_reqs, sink, cancel);
}

int think_parse(const char *s, think_mode *mode, int *budget)
{
    static const struct { const char *name; think_mode mode; } names[] = {
        { "off", THINK_OFF }, { "on", THINK_ON }, { "low", THINK_LOW },
        { "medium", THINK_MEDIUM }, { "high", THINK_HIGH }, { "default", THINK_DEFAULT },
    };
    if (!s || !*s)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name)) {
            *mode = names[i].mode;
            *budget = 0;
            return 0;
        }
    char *end;
    long n = strtol(s, &end, 10);
    if (*end || n < 0 || n > 1000000)
        return -1;
    *mode = THINK_BUDGET;
    *budget = (int)n;
    return 0;
}

const char *think_name(think_mode mode, int budget, char *buf, size_t cap)
{
    switch (mode) {
    case THINK_DEFAULT: return "default";
    case THINK_OFF: return "off";
    case THINK_ON: return "on";
    case THINK_LOW: return "low";
    case THINK_MEDIUM: return "medium";
    case THINK_HIGH: return "high";
    case THINK_BUDGET: snprintf(buf, cap, "%d tokens", budget); return buf;
    }
    return "?";
}
