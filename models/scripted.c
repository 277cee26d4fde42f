/* scripted: a backend that answers from a table in a JSON file, so tests
 * can pin exactly what a search strategy asks and in which order
 * (`scripted:FILE`; `ponder solve -m scripted:FILE` also works, for demos).
 *
 * The file format is in models/script.h.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/backend.h"
#include "models/reply.h"
#include "models/script.h"

#define HISTORY 4096        /* prompts kept for scripted_prompt */
#define TAIL 60             /* prompt bytes quoted when nothing matches */

typedef struct {
    script script;
    char path[512];
    long calls;
    char *log[HISTORY];                 /* log[i % HISTORY]: sample i's prompt */
} scripted;

/* ---- matching ---- */

static size_t trimmed(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n;
}

static int rule_matches(const script_rule *r, const char *text)
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
    int max_tokens;             /* the request's; 0: no limit */
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
    script_rule *hit = NULL;
    for (int i = 0; i < s->script.n_rules && !hit; i++)
        if (rule_matches(&s->script.rules[i], text))
            hit = &s->script.rules[i];
    const script_reply *r = NULL;
    if (hit && hit->error) {
        j->error = strdup(hit->error);
        return j->error ? 0 : -1;
    }
    if (hit) {
        r = &hit->replies[hit->hits++ % (unsigned long)hit->n_replies];
        j->think = hit->thinking;
        j->think_len = hit->thinking ? strlen(hit->thinking) : 0;
    } else if (s->script.deflt.text) {
        r = &s->script.deflt;
    } else {
        j->error = no_match(s, text);
        return j->error ? 0 : -1;
    }
    j->ans = r->text;
    j->ans_len = cut_at_stop(r->text, rq);
    int k = count_chunks(j->ans, j->ans_len, s->script.chunk);
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
    reply_emit(g->sink, j->req, j->sample, ch, s, n, 1,
               (g->m->caps & CAP_LOGPROBS) ? lp : 0);
}

/* Sends j's next chunk, or ends it. Thinking goes first, then the answer. */
static void step(run *g, job *j, int bytes)
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
    else if (j->max_tokens > 0 && j->sent >= j->max_tokens)
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
    run g = { m, sink, 0 };
    int ok = jobs != NULL;
    for (int q = 0, i = 0; ok && q < n_reqs; q++) {
        for (int k = 0; ok && k < (reqs[q].n > 0 ? reqs[q].n : 1); k++, i++) {
            jobs[i].req = q;
            jobs[i].sample = k;
            jobs[i].max_tokens = reqs[q].max_tokens;
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
                    step(&g, &jobs[i], s->script.chunk);
                left -= jobs[i].done;
            }
        }
    }
    for (int i = 0; jobs && i < total; i++)
        free(jobs[i].error);
    free(jobs);
    return g.errors;
}

static void scripted_close(model *m)
{
    scripted *s = m->impl;
    script_done(&s->script);
    for (int i = 0; i < HISTORY; i++)
        free(s->log[i]);
}

static const backend_ops OPS = { scripted_generate, scripted_close };

int scripted_open(model *m, const char *name, char *err, size_t errlen)
{
    scripted *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (script_load(&s->script, name, err, errlen)) {
        free(s);
        return -1;
    }
    snprintf(s->path, sizeof s->path, "%s", name);
    m->url[0] = '\0';
    m->caps = s->script.caps;
    m->ops = &OPS;
    m->impl = s;
    return 0;
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
