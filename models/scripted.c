/* scripted: a backend that answers from a table in a JSON file, so tests
 * can pin exactly what a search strategy asks and in which order
 * (`scripted:FILE`; `ponder solve -m scripted:FILE` also works, for demos).
 *
 * The file:
 *   { "caps": ["raw", "logprobs"],    optional; also "native_n", "thinking",
 *                                      "raw_format". Default: raw, logprobs
 *     "chunk": 4,                      optional; bytes per streamed chunk,
 *                                      never splitting a UTF-8 sequence.
 *                                      Default: word by word (a run of
 *                                      spaces, then the word after it)
 *     "rules": [ { "prefix": "...", "suffix": "...", "contains": "...",
 *                  "replies": ["text", {"text": "...", "logprob": -0.7}],
 *                  "thinking": "...",  optional, sent first on CH_THINKING
 *                  "error": "..." },   instead of replies: FINISH_ERROR
 *                ... ],
 *     "default": "text" or {"text": ..., "logprob": ...} }   optional
 *
 * Matching. A prompt's text is prompt->raw, or for chat every message's
 * content joined with "\n". A rule matches when every key it gives holds:
 * the text starts with prefix, contains contains, and ends with suffix
 * (trailing whitespace trimmed on both); a rule with none matches all.
 * The FIRST matching rule in file order wins, so put specific rules before
 * general ones. No match takes "default", or without it ends the sample
 * with FINISH_ERROR naming the prompt's last 60 bytes.
 *
 * Counters. Each rule hands out replies[0], replies[1], ... cycling, one
 * per sample, in request order across the batch (request 0's samples,
 * then request 1's, ...), and keeps counting across model_generate calls
 * for the life of the model. The whole batch is planned before anything
 * streams, so a sample that is later cancelled has still taken its reply.
 *
 * Streaming. Samples are interleaved chunk by chunk, round robin in
 * request order, as a batched backend would; each on_delta carries one
 * chunk and tokens = 1, and a sample's on_done follows its last chunk.
 * A stop string cuts the reply before its first occurrence (FINISH_STOP);
 * max_tokens > 0 cuts after that many chunks, thinking included
 * (FINISH_LENGTH); a nonzero *cancel ends unfinished samples with
 * FINISH_CANCELLED. tokens_in = prompt bytes / 4 + 1; tokens_out counts
 * every chunk sent, thinking_tokens the thinking ones.
 *
 * Logprobs (with the "logprobs" cap). A reply's logprob L belongs to its
 * text after the stop cut: each of its k answer chunks carries L/k, or
 * -1.0 when the reply gives none. The result's logprob is the sum over
 * the chunks sent, so L itself unless max_tokens or cancel cut the reply.
 * Thinking chunks carry 0. */
#include "models/scripted.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "models/backend.h"

#define HISTORY 4096        /* prompts kept for scripted_prompt */
#define TAIL 60             /* prompt bytes quoted when nothing matches */

typedef struct {
    char *text;
    double logprob;
    int has_logprob;
} sc_reply;

typedef struct {
    char *prefix, *suffix, *contains;   /* NULL: not tested */
    char *thinking;                     /* NULL: none */
    char *error;                        /* non-NULL: an error rule */
    sc_reply *replies;
    int n_replies;
    unsigned long hits;                 /* samples that took a reply here */
} sc_rule;

typedef struct {
    sc_rule *rules;
    int n_rules;
    sc_reply deflt;                     /* text NULL: no default */
    int chunk;                          /* bytes per chunk; 0: word by word */
    char path[512];
    long calls;
    char *log[HISTORY];                 /* log[i % HISTORY]: sample i's prompt */
} scripted;

/* ---- the file ---- */

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
} loader;

static int fail(const loader *l, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "scripted model file %s: %s", l->path, msg);
    return -1;
}

/* The whole file as a string; caller frees. */
static char *slurp(const loader *l, size_t *len)
{
    FILE *f = fopen(l->path, "rb");
    if (!f) {
        fail(l, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        fail(l, buf ? "cannot read" : "out of memory");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Fails unless every key of obj is in the NULL-terminated list. */
static int known_keys(const loader *l, const cJSON *obj, const char *const *keys,
                      const char *where)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        int ok = 0;
        for (int i = 0; keys[i] && !ok; i++)
            ok = !strcmp(c->string, keys[i]);
        if (!ok)
            return fail(l, "%s: unknown key \"%s\"", where, c->string);
    }
    return 0;
}

/* *out = a copy of obj[key] if present; fails if it is not a string. */
static int opt_string(const loader *l, const cJSON *obj, const char *key,
                      char **out, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!cJSON_IsString(v))
        return fail(l, "%s: \"%s\" must be a string", where, key);
    *out = strdup(v->valuestring);
    return *out ? 0 : fail(l, "out of memory");
}

static int parse_reply(const loader *l, const cJSON *j, sc_reply *r, const char *where)
{
    static const char *const keys[] = { "text", "logprob", NULL };
    if (cJSON_IsString(j)) {
        r->text = strdup(j->valuestring);
        return r->text ? 0 : fail(l, "out of memory");
    }
    if (!cJSON_IsObject(j))
        return fail(l, "%s: a reply is a string or {\"text\": ..., \"logprob\": ...}", where);
    if (known_keys(l, j, keys, where) || opt_string(l, j, "text", &r->text, where))
        return -1;
    if (!r->text)
        return fail(l, "%s: a reply object needs \"text\"", where);
    const cJSON *lp = cJSON_GetObjectItemCaseSensitive(j, "logprob");
    if (lp && !cJSON_IsNumber(lp))
        return fail(l, "%s: \"logprob\" must be a number", where);
    r->has_logprob = lp != NULL;
    r->logprob = lp ? lp->valuedouble : 0;
    return 0;
}

static int parse_rule(const loader *l, const cJSON *j, sc_rule *r, int index)
{
    static const char *const keys[] = { "prefix", "suffix", "contains", "replies",
                                        "thinking", "error", NULL };
    char where[48];
    snprintf(where, sizeof where, "rules[%d]", index);
    if (!cJSON_IsObject(j))
        return fail(l, "%s: a rule is an object", where);
    if (known_keys(l, j, keys, where)
        || opt_string(l, j, "prefix", &r->prefix, where)
        || opt_string(l, j, "suffix", &r->suffix, where)
        || opt_string(l, j, "contains", &r->contains, where)
        || opt_string(l, j, "thinking", &r->thinking, where)
        || opt_string(l, j, "error", &r->error, where))
        return -1;
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(j, "replies");
    if (!rs && !r->error)
        return fail(l, "%s needs \"replies\" or \"error\"", where);
    if (rs && r->error)
        return fail(l, "%s has both \"replies\" and \"error\"; give one", where);
    if (!rs)
        return 0;
    if (!cJSON_IsArray(rs) || cJSON_GetArraySize(rs) == 0)
        return fail(l, "%s: \"replies\" must be a non-empty array", where);
    r->n_replies = cJSON_GetArraySize(rs);
    r->replies = calloc((size_t)r->n_replies, sizeof *r->replies);
    if (!r->replies)
        return fail(l, "out of memory");
    int i = 0;
    for (const cJSON *c = rs->child; c; c = c->next, i++) {
        char rwhere[80];
        snprintf(rwhere, sizeof rwhere, "%s.replies[%d]", where, i);
        if (parse_reply(l, c, &r->replies[i], rwhere))
            return -1;
    }
    return 0;
}

static int parse_caps(const loader *l, const cJSON *j, unsigned *caps)
{
    static const struct { const char *name; unsigned cap; } table[] = {
        { "raw", CAP_RAW }, { "logprobs", CAP_LOGPROBS }, { "native_n", CAP_NATIVE_N },
        { "thinking", CAP_THINKING }, { "raw_format", CAP_RAW_FORMAT },
    };
    *caps = CAP_RAW | CAP_LOGPROBS;
    if (!j)
        return 0;
    if (!cJSON_IsArray(j))
        return fail(l, "\"caps\" must be an array of names");
    *caps = 0;
    for (const cJSON *c = j->child; c; c = c->next) {
        size_t i = 0;
        while (i < sizeof table / sizeof *table
               && !(cJSON_IsString(c) && !strcmp(c->valuestring, table[i].name)))
            i++;
        if (i == sizeof table / sizeof *table)
            return fail(l, "\"caps\": unknown cap %s%s%s; use raw, logprobs, native_n, "
                        "thinking, raw_format", cJSON_IsString(c) ? "\"" : "",
                        cJSON_IsString(c) ? c->valuestring : "(not a string)",
                        cJSON_IsString(c) ? "\"" : "");
        *caps |= table[i].cap;
    }
    return 0;
}

/* Line and column (from 1) of byte `at` in text. */
static void position(const char *text, size_t at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at && text[i]; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

static int parse_script(const loader *l, const cJSON *root, scripted *s, unsigned *caps)
{
    static const char *const keys[] = { "caps", "chunk", "rules", "default", NULL };
    if (!cJSON_IsObject(root))
        return fail(l, "the top level must be an object with \"rules\"");
    if (known_keys(l, root, keys, "top level")
        || parse_caps(l, cJSON_GetObjectItemCaseSensitive(root, "caps"), caps))
        return -1;
    const cJSON *chunk = cJSON_GetObjectItemCaseSensitive(root, "chunk");
    if (chunk && (!cJSON_IsNumber(chunk) || chunk->valuedouble < 1
                  || chunk->valuedouble > 1 << 20 || chunk->valuedouble != chunk->valueint))
        return fail(l, "\"chunk\" must be a whole number of bytes, at least 1");
    s->chunk = chunk ? chunk->valueint : 0;
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "default");
    if (def && parse_reply(l, def, &s->deflt, "default"))
        return -1;
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
    if (!cJSON_IsArray(rules))
        return fail(l, "\"rules\" must be an array");
    s->n_rules = cJSON_GetArraySize(rules);
    s->rules = calloc((size_t)s->n_rules + 1, sizeof *s->rules);
    if (!s->rules)
        return fail(l, "out of memory");
    int i = 0;
    for (const cJSON *c = rules->child; c; c = c->next, i++)
        if (parse_rule(l, c, &s->rules[i], i))
            return -1;
    return 0;
}

static void free_reply(sc_reply *r)
{
    free(r->text);
}

static void scripted_free(scripted *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_rules && s->rules; i++) {
        sc_rule *r = &s->rules[i];
        free(r->prefix);
        free(r->suffix);
        free(r->contains);
        free(r->thinking);
        free(r->error);
        for (int k = 0; k < r->n_replies && r->replies; k++)
            free_reply(&r->replies[k]);
        free(r->replies);
    }
    free(s->rules);
    free_reply(&s->deflt);
    for (int i = 0; i < HISTORY; i++)
        free(s->log[i]);
    free(s);
}

/* ---- matching ---- */

static size_t trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n;
}

static int rule_matches(const sc_rule *r, const char *text)
{
    if (r->prefix && strncmp(text, r->prefix, strlen(r->prefix)))
        return 0;
    if (r->contains && !strstr(text, r->contains))
        return 0;
    if (r->suffix) {
        size_t n = trimmed(text, strlen(text)), k = trimmed(r->suffix, strlen(r->suffix));
        if (k > n || memcmp(text + n - k, r->suffix, k))
            return 0;
    }
    return 1;
}

/* The text rules match against; caller frees. */
static char *prompt_text(const prompt *p)
{
    if (p->raw)
        return strdup(p->raw);
    size_t len = 1;
    for (int i = 0; i < p->n_msgs; i++)
        len += (p->msgs[i].content ? strlen(p->msgs[i].content) : 0) + 1;
    char *s = malloc(len), *at = s;
    if (!s)
        return NULL;
    *at = '\0';
    for (int i = 0; i < p->n_msgs; i++) {
        const char *c = p->msgs[i].content ? p->msgs[i].content : "";
        if (i)
            *at++ = '\n';
        size_t n = strlen(c);
        memcpy(at, c, n + 1);
        at += n;
    }
    return s;
}

/* "no rule matches ..." with the prompt's last TAIL bytes, starting on a
 * character boundary, newlines shown as \n; caller frees. */
static char *no_match(const scripted *s, const char *text)
{
    size_t n = strlen(text), from = n > TAIL ? n - TAIL : 0;
    while (from < n && ((unsigned char)text[from] & 0xC0) == 0x80)
        from++;
    char tail[2 * TAIL + 1], *t = tail;
    for (const char *c = text + from; *c; c++) {
        if (*c == '\n') {
            *t++ = '\\';
            *t++ = 'n';
        } else {
            *t++ = *c;
        }
    }
    *t = '\0';
    size_t cap = strlen(tail) + strlen(s->path) + 96;
    char *msg = malloc(cap);
    if (msg)
        snprintf(msg, cap, "scripted model %s: no rule matches the prompt ending \"%s%s\"",
                 s->path, from ? "..." : "", tail);
    return msg;
}

/* ---- generating ---- */

typedef struct {
    int req, sample;
    const char *think, *ans;    /* borrowed from the script; NULL: none */
    size_t think_len, ans_len;  /* ans_len already cut at the first stop */
    double lp_chunk;            /* each answer chunk's logprob */
    double lp;                  /* sum over the answer chunks sent */
    long tokens_in;
    int sent, think_sent;       /* chunks sent: all, thinking */
    int done;
    char *error;                /* owned; non-NULL: ends with FINISH_ERROR */
} job;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Length of the chunk that starts s[0..n). */
static size_t chunk_len(const char *s, size_t n, int bytes)
{
    size_t k = 0;
    if (bytes > 0) {
        k = (size_t)bytes < n ? (size_t)bytes : n;
        while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
            k++;
        return k;
    }
    while (k < n && is_space(s[k]))
        k++;
    while (k < n && !is_space(s[k]))
        k++;
    return k;
}

static int count_chunks(const char *s, size_t n, int bytes)
{
    int k = 0;
    for (size_t at = 0; at < n; at += chunk_len(s + at, n - at, bytes))
        k++;
    return k;
}

static size_t cut_at_stop(const char *text, const model_request *rq)
{
    size_t n = strlen(text);
    for (int i = 0; i < rq->n_stop && rq->stop; i++) {
        if (!rq->stop[i] || !rq->stop[i][0])
            continue;
        const char *hit = strstr(text, rq->stop[i]);
        if (hit && (size_t)(hit - text) < n)
            n = (size_t)(hit - text);
    }
    return n;
}

/* Logs the prompt, picks the rule and reply, and fills j. Returns -1 only
 * when out of memory. */
static int plan(scripted *s, job *j, const model_request *rq)
{
    char *text = prompt_text(rq->prompt);
    if (!text)
        return -1;
    free(s->log[s->calls % HISTORY]);
    s->log[s->calls % HISTORY] = text;
    s->calls++;
    j->tokens_in = (long)strlen(text) / 4 + 1;
    sc_rule *hit = NULL;
    for (int i = 0; i < s->n_rules && !hit; i++)
        if (rule_matches(&s->rules[i], text))
            hit = &s->rules[i];
    const sc_reply *r = NULL;
    if (hit && hit->error) {
        j->error = strdup(hit->error);
        return j->error ? 0 : -1;
    }
    if (hit) {
        r = &hit->replies[hit->hits++ % (unsigned long)hit->n_replies];
        j->think = hit->thinking;
        j->think_len = hit->thinking ? strlen(hit->thinking) : 0;
    } else if (s->deflt.text) {
        r = &s->deflt;
    } else {
        j->error = no_match(s, text);
        return j->error ? 0 : -1;
    }
    j->ans = r->text;
    j->ans_len = cut_at_stop(r->text, rq);
    int k = count_chunks(j->ans, j->ans_len, s->chunk);
    j->lp_chunk = !r->has_logprob ? -1.0 : k ? r->logprob / k : 0;
    return 0;
}

typedef struct {
    const model *m;
    const model_sink *sink;
    int errors;
} run;

static void finish(run *g, job *j, model_finish f)
{
    int lp = (g->m->caps & CAP_LOGPROBS) && f != FINISH_ERROR;
    model_result r = {
        .finish = f, .tokens_in = j->tokens_in, .tokens_out = j->sent,
        .thinking_tokens = j->think_sent, .logprob = lp ? j->lp : 0, .has_logprob = lp,
        .error = f == FINISH_ERROR ? j->error : NULL,
    };
    j->done = 1;
    g->errors += f == FINISH_ERROR;
    if (g->sink && g->sink->on_done)
        g->sink->on_done(g->sink->ud, j->req, j->sample, &r);
}

static void deliver(run *g, const job *j, channel ch, const char *s, size_t n, double lp)
{
    if (!g->sink || !g->sink->on_delta)
        return;
    char small[256];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return;
    memcpy(buf, s, n);
    buf[n] = '\0';
    g->sink->on_delta(g->sink->ud, j->req, j->sample, ch, buf, 1,
                      (g->m->caps & CAP_LOGPROBS) ? lp : 0);
    if (buf != small)
        free(buf);
}

/* Sends j's next chunk, or ends it. Thinking goes first, then the answer. */
static void step(run *g, job *j, int bytes, int max_tokens)
{
    if (j->error) {
        finish(g, j, FINISH_ERROR);
        return;
    }
    if (j->think_len) {
        size_t n = chunk_len(j->think, j->think_len, bytes);
        deliver(g, j, CH_THINKING, j->think, n, 0);
        j->think += n;
        j->think_len -= n;
        j->think_sent++;
        j->sent++;
    } else if (j->ans_len) {
        size_t n = chunk_len(j->ans, j->ans_len, bytes);
        deliver(g, j, CH_ANSWER, j->ans, n, j->lp_chunk);
        j->ans += n;
        j->ans_len -= n;
        j->lp += j->lp_chunk;
        j->sent++;
    }
    if (!j->think_len && !j->ans_len)
        finish(g, j, FINISH_STOP);
    else if (max_tokens > 0 && j->sent >= max_tokens)
        finish(g, j, FINISH_LENGTH);
}

static int scripted_generate(model *m, const model_request *reqs, int n_reqs,
                             const model_sink *sink, atomic_int *cancel)
{
    scripted *s = m->impl;
    int total = 0;
    for (int q = 0; q < n_reqs; q++)
        total += reqs[q].n > 0 ? reqs[q].n : 1;
    job *jobs = calloc((size_t)total, sizeof *jobs);
    int *max_tok = calloc((size_t)total, sizeof *max_tok);
    run g = { m, sink, 0 };
    int ok = jobs && max_tok;
    for (int q = 0, i = 0; ok && q < n_reqs; q++) {
        for (int k = 0; ok && k < (reqs[q].n > 0 ? reqs[q].n : 1); k++, i++) {
            jobs[i].req = q;
            jobs[i].sample = k;
            max_tok[i] = reqs[q].max_tokens;
            ok = plan(s, &jobs[i], &reqs[q]) == 0;
        }
    }
    if (!ok) {
        /* Out of memory: every sample fails with that message. */
        static char oom[] = "scripted model: out of memory";
        for (int q = 0; q < n_reqs; q++) {
            for (int k = 0; k < (reqs[q].n > 0 ? reqs[q].n : 1); k++) {
                job j = { .req = q, .sample = k, .error = oom };
                finish(&g, &j, FINISH_ERROR);
            }
        }
    } else {
        for (int left = total; left > 0;) {
            for (int i = 0; i < total; i++) {
                if (jobs[i].done)
                    continue;
                if (cancel && atomic_load(cancel))
                    finish(&g, &jobs[i], FINISH_CANCELLED);
                else
                    step(&g, &jobs[i], s->chunk, max_tok[i]);
                left -= jobs[i].done;
            }
        }
    }
    for (int i = 0; jobs && i < total; i++)
        free(jobs[i].error);
    free(jobs);
    free(max_tok);
    return g.errors;
}

static void scripted_close(model *m)
{
    scripted_free(m->impl);
}

static const backend_ops OPS = { scripted_generate, scripted_close };

int scripted_open(model *m, const char *name, char *err, size_t errlen)
{
    loader l = { name, err, errlen };
    scripted *s = calloc(1, sizeof *s);
    if (!s)
        return fail(&l, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", name);
    size_t len = 0;
    char *text = slurp(&l, &len);
    cJSON *root = NULL;
    unsigned caps = 0;
    if (!text)
        goto fail;
    const char *end = NULL;
    /* With require_null_terminated, cJSON wants the NUL inside the length. */
    root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        int line, col;
        size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
        position(text, at, &line, &col);
        fail(&l, "not valid JSON at line %d, column %d (byte %zu)", line, col, at);
        goto fail;
    }
    if (parse_script(&l, root, s, &caps))
        goto fail;
    cJSON_Delete(root);
    free(text);
    m->url[0] = '\0';
    m->caps = caps;
    m->ops = &OPS;
    m->impl = s;
    return 0;
fail:
    cJSON_Delete(root);
    free(text);
    scripted_free(s);
    return -1;
}

int scripted_calls(const model *m)
{
    if (!m || m->ops != &OPS)
        return 0;
    const scripted *s = m->impl;
    return (int)s->calls;
}

const char *scripted_prompt(const model *m, int i)
{
    if (!m || m->ops != &OPS || i < 0)
        return NULL;
    const scripted *s = m->impl;
    if (i >= s->calls || s->calls - i > HISTORY)
        return NULL;
    return s->log[i % HISTORY];
}
