/* anthropic: the Anthropic Messages backend. POST {base}/v1/messages with
 * "stream": true; the SSE events are decoded by anthropic_events.c.
 *
 * Samples. The API has no "n": a request with n > 1 becomes n concurrent
 * requests on the curl multi handle.
 *
 * Thinking. THINK_ON / LOW / MEDIUM / HIGH / BUDGET send
 * "thinking": {"type": "enabled", "budget_tokens": N}, and no temperature
 * (the API requires its default of 1 with thinking). N is at least 1024
 * and below max_tokens, which is raised to N + 1024 when it would not be.
 *
 * Thinking tokens. The API counts thinking inside output_tokens and does
 * not report it apart, so thinking_tokens is an estimate: output_tokens
 * shared out in proportion to the bytes of thinking and of text deltas
 * (one token per delta when the server gave no output_tokens).
 *
 * Keys. $ANTHROPIC_API_KEY (or the variable model_config.key_env names)
 * goes in the x-api-key header and nowhere else: the engine redacts it
 * from every message, and 401/403 bodies (which may echo it) are never
 * shown. A server on this machine may go without a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>
#include "models/anthropic_events.h"
#include "models/backend.h"
#include "models/http.h"
#include "models/reply.h"
#include "models/sse.h"

#define API_VERSION "2023-06-01"
#define DEFAULT_MAX_TOKENS 4096
#define MIN_BUDGET 1024
#define WHOLE_CAP (8u << 20)    /* a non-streamed reply larger than this fails */

typedef struct {
    http_client *http;
    char name[256];             /* model id sent to the server */
} an;

typedef struct an_run an_run;
typedef struct {
    http_job http;              /* first: callbacks cast back from it */
    an_run *run;
    reply *r;
    int thinking;               /* the request asked for extended thinking */
    int mode;                   /* 0 undecided, 1 SSE, 2 one JSON object */
    int saw_stop;               /* message_stop, or a whole message */
    long out_tokens;            /* usage.output_tokens, -1 unknown */
    char head[48];              /* the body's first bytes, for messages */
    char *whole;                /* mode 2: the body so far */
    size_t whole_len;
    sse_parser sse;
    anthropic_ev ev;
    char *body;
    char url[640];
} an_job;

struct an_run {
    model *m;
    an *o;
    const char *key;            /* may be NULL */
    int errors;
};

static const char *key_name(const model *m)
{
    return m->key_env[0] ? m->key_env : "ANTHROPIC_API_KEY";
}

/* ---- the request ---- */

static int think_budget(const model_request *rq)
{
    switch (rq->think) {
    case THINK_LOW: return 1024;
    case THINK_MEDIUM:
    case THINK_ON: return 4096;
    case THINK_HIGH: return 16384;
    case THINK_BUDGET: return rq->think_budget > MIN_BUDGET ? rq->think_budget : MIN_BUDGET;
    case THINK_DEFAULT:
    case THINK_OFF: break;
    }
    return 0;
}

/* The system prompt goes to the top-level "system" field; the API takes
 * only user and assistant messages. A raw prompt is sent as one user
 * message (the API has no raw continuation). */
static void add_prompt(cJSON *root, const prompt *p)
{
    char *system = NULL;
    size_t sys_len = 0;
    cJSON *msgs = cJSON_CreateArray();
    for (int i = 0; !p->raw && i < p->n_msgs; i++) {
        const char *c = p->msgs[i].content ? p->msgs[i].content : "";
        if (p->msgs[i].role == ROLE_SYSTEM) {
            size_t n = strlen(c);
            char *nb = realloc(system, sys_len + n + 3);
            if (!nb)
                continue;
            if (sys_len) {
                memcpy(nb + sys_len, "\n\n", 2);
                sys_len += 2;
            }
            memcpy(nb + sys_len, c, n + 1);
            sys_len += n;
            system = nb;
            continue;
        }
        cJSON *msg = cJSON_CreateObject();
        cJSON_AddStringToObject(msg, "role",
                                p->msgs[i].role == ROLE_ASSISTANT ? "assistant" : "user");
        cJSON_AddStringToObject(msg, "content", c);
        cJSON_AddItemToArray(msgs, msg);
    }
    if (p->raw) {
        cJSON *msg = cJSON_CreateObject();
        cJSON_AddStringToObject(msg, "role", "user");
        cJSON_AddStringToObject(msg, "content", p->raw);
        cJSON_AddItemToArray(msgs, msg);
    }
    if (system)
        cJSON_AddStringToObject(root, "system", system);
    free(system);
    cJSON_AddItemToObject(root, "messages", msgs);
}

/* The JSON body for one sample; caller frees. */
static char *build_body(const an *o, const model_request *rq)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", o->name);
    int budget = think_budget(rq);
    int max = rq->max_tokens > 0 ? rq->max_tokens : DEFAULT_MAX_TOKENS;
    if (budget && max <= budget)
        max = budget + MIN_BUDGET;
    cJSON_AddNumberToObject(root, "max_tokens", max);
    add_prompt(root, rq->prompt);
    cJSON_AddBoolToObject(root, "stream", 1);
    if (budget) {
        cJSON *t = cJSON_AddObjectToObject(root, "thinking");
        cJSON_AddStringToObject(t, "type", "enabled");
        cJSON_AddNumberToObject(t, "budget_tokens", budget);
    } else {
        cJSON_AddNumberToObject(root, "temperature", rq->temperature);
    }
    if (rq->top_p > 0 && rq->top_p < 1)
        cJSON_AddNumberToObject(root, "top_p", rq->top_p);
    if (rq->top_k > 0 && !budget)
        cJSON_AddNumberToObject(root, "top_k", rq->top_k);
    if (rq->n_stop > 0) {
        cJSON *stop = cJSON_AddArrayToObject(root, "stop_sequences");
        for (int i = 0; i < rq->n_stop; i++)
            cJSON_AddItemToArray(stop, cJSON_CreateString(rq->stop[i]));
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

/* ---- the stream ---- */

static void ev_text(void *ud, channel ch, const char *s, size_t n)
{
    an_job *j = ud;
    reply_text(j->r, ch, s, n);
}

static void ev_stop(void *ud, model_finish why)
{
    an_job *j = ud;
    reply_finish_reason(j->r, why);
}

static void ev_usage(void *ud, long in, long out)
{
    an_job *j = ud;
    reply_usage(j->r, in, out, -1);
    if (out >= 0)
        j->out_tokens = out;
}

/* Acts on the decoder's verdict; nonzero stops the transfer. */
static int verdict(an_job *j, anthropic_ev_status st)
{
    switch (st) {
    case AEV_OK:
        return 0;
    case AEV_END:
        j->saw_stop = 1;
        j->http.complete = 1;
        return 0;
    case AEV_ERROR:
        /* Overloaded before any text: nothing shown yet, so the whole
         * request can be sent again. After text, retrying would repeat it. */
        if (j->ev.retryable && !j->r->has_text)
            return http_job_retry(&j->http, "the server is overloaded (%s)",
                                  j->ev.err);
        http_job_fail(&j->http, "the server reported an error: %s%s", j->ev.err,
                      j->ev.retryable ? "; the text so far is kept; try again later" : "");
        return 1;
    case AEV_BAD:
        http_job_fail(&j->http, "malformed stream: %s", j->ev.err);
        return 1;
    }
    return 1;
}

static anthropic_ev_sink sink_for(an_job *j)
{
    anthropic_ev_sink k = { .ud = j, .on_text = ev_text, .on_stop = ev_stop,
                            .on_usage = ev_usage };
    return k;
}

static int on_event(void *ud, const char *name, const char *data, size_t len)
{
    an_job *j = ud;
    anthropic_ev_sink sink = sink_for(j);
    return verdict(j, anthropic_ev_feed(&j->ev, name, data, len, &sink));
}

static int on_whole(an_job *j, const char *buf, size_t n)
{
    if (j->whole_len + n > WHOLE_CAP) {
        http_job_fail(&j->http, "malformed stream: a non-streamed reply "
                      "longer than %u bytes", WHOLE_CAP);
        return 1;
    }
    char *nb = realloc(j->whole, j->whole_len + n + 1);
    if (!nb) {
        http_job_fail(&j->http, "out of memory reading the reply");
        return 1;
    }
    memcpy(nb + j->whole_len, buf, n);
    j->whole = nb;
    j->whole_len += n;
    nb[j->whole_len] = 0;
    return 0;
}

static int on_body(http_job *hj, const char *buf, size_t n)
{
    an_job *j = (an_job *)hj;
    if (!j->head[0]) {
        char *clean = utf8_sanitize(buf, n < sizeof j->head / 3 ? n : sizeof j->head / 3, NULL);
        if (clean)
            snprintf(j->head, sizeof j->head, "%s", clean);
        free(clean);
        for (char *c = j->head; *c; c++)    /* one line in the message */
            if (*c == '\n' || *c == '\t')
                *c = ' ';
    }
    if (!j->mode) {
        size_t i = 0;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
            i++;
        if (i < n)
            j->mode = buf[i] == '{' ? 2 : 1;
    }
    if (j->mode == 2)
        return on_whole(j, buf, n);
    int rc = sse_feed(&j->sse, buf, n);
    if (rc == -1)
        http_job_fail(hj, "malformed stream: %s", sse_error(&j->sse));
    return rc != 0;
}

static void reset_parse(an_job *j)
{
    sse_done(&j->sse);
    sse_init(&j->sse, 0, on_event, j);
    anthropic_ev_done(&j->ev);
    anthropic_ev_init(&j->ev);
    free(j->whole);
    j->whole = NULL;
    j->whole_len = 0;
    j->mode = 0;
    j->saw_stop = 0;
    j->out_tokens = -1;
    j->head[0] = 0;
}

static void on_restart(http_job *hj)
{
    reset_parse((an_job *)hj);
}

/* output_tokens shared out by bytes (see the top of the file). */
static void estimate_thinking(an_job *j)
{
    size_t t = j->ev.thinking_bytes, a = j->ev.text_bytes;
    if (j->out_tokens >= 0 && t + a > 0)
        reply_usage(j->r, -1, -1, (long)((double)j->out_tokens * (double)t /
                                         (double)(t + a) + 0.5));
}

static void on_end(http_job *hj)
{
    an_job *j = (an_job *)hj;
    if (hj->end == HTTP_CANCELLED) {
        j->run->errors += reply_end(j->r, FINISH_CANCELLED);
        return;
    }
    if (hj->end == HTTP_DONE && j->mode == 2) {
        anthropic_ev_sink sink = sink_for(j);
        anthropic_ev_status st = anthropic_ev_message(&j->ev, j->whole, j->whole_len, &sink);
        if (st == AEV_END) {
            j->saw_stop = 1;
        } else {
            http_job_fail(hj, "%s: %s", st == AEV_ERROR ? "the server reported "
                          "an error" : "malformed reply", j->ev.err);
            hj->end = HTTP_FAILED;
        }
    } else if (hj->end == HTTP_DONE && sse_finish(&j->sse) != 0) {
        if (!hj->error[0])
            http_job_fail(hj, "malformed stream: %s", sse_error(&j->sse));
        hj->end = HTTP_FAILED;
    }
    /* The stop reason (message_delta) says the reply is whole; a missing
     * message_stop after it loses nothing, as a missing [DONE] after a
     * finish_reason loses nothing for openai. Without one the text may be
     * cut short, so it is kept but the sample ends in error. */
    if (hj->end == HTTP_DONE && !j->saw_stop && !j->r->has_finish) {
        if (!j->ev.events && hj->body_bytes)
            http_job_fail(hj, "the reply is not an event stream (it starts "
                          "\"%s\"); check the base URL %s", j->head, j->run->m->url);
        else
            http_job_fail(hj, "the stream ended before the reply was complete "
                          "(no message_stop); the text so far is kept");
    }
    estimate_thinking(j);
    if (hj->error[0])
        reply_fail(j->r, hj->status, hj->error);
    j->run->errors += reply_end(j->r, FINISH_STOP);
}

/* ---- advice and the run ---- */

static void advise(void *ud, const http_job *hj, const char *smsg, char *out, size_t cap)
{
    const an_run *run = ud;
    const an_job *j = (const an_job *)hj;
    const model *m = run->m;
    switch (hj->fault) {
    case HTTP_F_STATUS:
        if (hj->status == 401)
            snprintf(out, cap, run->key && *run->key
                     ? "check %s (the server rejected the key)"
                     : "set %s to your Anthropic API key", key_name(m));
        else if (hj->status == 403)
            snprintf(out, cap, "the key in %s may not use this model or "
                     "endpoint; check your Anthropic console", key_name(m));
        else if (hj->status == 404)
            snprintf(out, cap, "check the model name \"%s\" (for example "
                     "anthropic:claude-sonnet-4-5) and the base URL %s",
                     run->o->name, m->url);
        else if (hj->status == 400 && j->thinking &&
                 (strstr(smsg, "thinking") || strstr(smsg, "Thinking")))
            snprintf(out, cap, "this model rejected extended thinking; try "
                     "--think off, or a model that supports thinking");
        else if (hj->status == 400)
            snprintf(out, cap, "the server rejected the request; check the "
                     "model name and sampling options");
        else if (hj->status == 429)
            snprintf(out, cap, "rate limited; wait a moment and try again");
        else if (hj->status == 529)
            snprintf(out, cap, "Anthropic is overloaded; try again later");
        else if (hj->status >= 500)
            snprintf(out, cap, "the server keeps failing; try again later");
        break;
    case HTTP_F_REFUSED:
        snprintf(out, cap, "is the server running at %s? check --base-url", m->url);
        break;
    case HTTP_F_RESOLVE:
    case HTTP_F_CONNECT_TIMEOUT:
        snprintf(out, cap, "check the base URL %s and your network", m->url);
        break;
    case HTTP_F_IDLE:
        snprintf(out, cap, "the server stopped sending; the text so far is "
                 "kept; try again, or raise the idle timeout");
        break;
    case HTTP_F_NETWORK:
        snprintf(out, cap, "%stry again", hj->body_bytes ? "the text so far is kept; " : "");
        break;
    case HTTP_F_STREAM:
        break;
    }
}

/* x-api-key and anthropic-version beside the JSON POST headers. */
static struct curl_slist *headers(const char *key)
{
    struct curl_slist *h = http_headers("text/event-stream", NULL), *t;
    char line[1024];
    if (!h || !(t = curl_slist_append(h, "anthropic-version: " API_VERSION)))
        goto fail;
    h = t;
    if (key && *key) {
        snprintf(line, sizeof line, "x-api-key: %s", key);
        t = curl_slist_append(h, line);
        memset(line, 0, sizeof line);
        if (!t)
            goto fail;
        h = t;
    }
    return h;
fail:
    curl_slist_free_all(h);
    return NULL;
}

static int an_generate(model *m, const model_request *reqs, int n_reqs,
                       const model_sink *sink, atomic_int *cancel)
{
    an *o = m->impl;
    an_run run = { .m = m, .o = o, .key = m->key[0] ? m->key : getenv(key_name(m)) };
    http_opts opts = {
        .backend = "anthropic", .secret = run.key,
        .connect_timeout_s = m->connect_timeout_s, .idle_timeout_s = m->idle_timeout_s,
        .insecure = m->insecure,
        .retry_base_s = m->retry_base_s, .max_retries = m->max_retries,
        .sink = sink, .cancel = cancel, .advise = advise, .advise_ud = &run,
    };
    int total = 0;
    for (int i = 0; i < n_reqs; i++)
        total += reqs[i].n > 1 ? reqs[i].n : 1;
    struct curl_slist *hdr = headers(run.key);
    an_job *jobs = calloc((size_t)total, sizeof *jobs);
    reply *replies = calloc((size_t)total, sizeof *replies);
    http_job **ptrs = calloc((size_t)total, sizeof *ptrs);
    int k = 0, ok = hdr && jobs && replies && ptrs;
    for (int i = 0; ok && i < n_reqs; i++) {
        for (int s = 0; s < (reqs[i].n > 1 ? reqs[i].n : 1); s++, k++) {
            an_job *j = &jobs[k];
            reply_init(&replies[k], sink, i, s);
            j->run = &run;
            j->r = &replies[k];
            j->thinking = think_budget(&reqs[i]) > 0;
            j->out_tokens = -1;
            sse_init(&j->sse, 0, on_event, j);
            anthropic_ev_init(&j->ev);
            snprintf(j->url, sizeof j->url, "%s/v1/messages", m->url);
            j->body = build_body(o, &reqs[i]);
            ok = j->body != NULL;
            j->http.url = j->url;
            j->http.body = j->body;
            j->http.headers = hdr;
            j->http.req = i;
            j->http.on_body = on_body;
            j->http.on_end = on_end;
            j->http.on_restart = on_restart;
            ptrs[k] = &j->http;
        }
    }
    if (ok)
        http_run(o->http, ptrs, total, &opts);
    /* Samples still open (out of memory on the way) end in error. */
    run.errors += reply_end_unstarted(replies, k, reqs, n_reqs, sink,
                                      "out of memory preparing the request");
    for (int i = 0; jobs && i < k; i++) {
        sse_done(&jobs[i].sse);
        anthropic_ev_done(&jobs[i].ev);
        free(jobs[i].body);
        free(jobs[i].whole);
    }
    free(jobs);
    free(replies);
    free(ptrs);
    curl_slist_free_all(hdr);
    return run.errors;
}

static void an_close(model *m)
{
    an *o = m->impl;
    if (o)
        http_client_free(o->http);
    free(o);
}

static const backend_ops OPS = { an_generate, an_close };

/* A server on this machine (a proxy, the test fixture) may need no key. */
static int local_url(const char *url)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    size_t n = strcspn(h, ":/");
    if (h[0] == '[')
        n = strcspn(h, "]") + 1;
    static const char *const local[] = { "localhost", "[::1]" };
    for (size_t i = 0; i < sizeof local / sizeof *local; i++)
        if (n == strlen(local[i]) && !strncasecmp(h, local[i], n))
            return 1;
    return n > 4 && !strncmp(h, "127.", 4) && strspn(h, "0123456789.") == n;
}

int anthropic_open(model *m, const char *name, char *err, size_t errlen)
{
    const char *base = m->base_url[0] ? m->base_url : "https://api.anthropic.com";
    char url[sizeof m->url];
    snprintf(url, sizeof url, "%s", base);
    for (size_t k = strlen(url); k && url[k - 1] == '/'; k--)
        url[k - 1] = 0;
    size_t len = strlen(url);   /* the path adds /v1: take a base that has it */
    if (len >= 3 && !strcmp(url + len - 3, "/v1"))
        url[len - 3] = 0;
    const char *key = m->key[0] ? m->key : getenv(key_name(m));
    if ((!key || !*key) && !local_url(url)) {
        snprintf(err, errlen, "anthropic:%s needs an API key: set %s, or name a key_file in "
                 "config.ini's [anthropic] (keys never go on the command line)", name,
                 key_name(m));
        return -1;
    }
    an *o = calloc(1, sizeof *o);
    if (!o || !(o->http = http_client_new())) {
        free(o);
        snprintf(err, errlen, "out of memory (or libcurl failed to start)");
        return -1;
    }
    snprintf(o->name, sizeof o->name, "%s", name);
    snprintf(m->url, sizeof m->url, "%s", url);
    m->caps = CAP_THINKING;
    m->ops = &OPS;
    m->impl = o;
    return 0;
}
