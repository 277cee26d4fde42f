/* openai: the OpenAI-compatible backend (OpenAI, vLLM, llama.cpp's
 * llama-server as "llamacpp"): POST {base}/chat/completions, streamed as
 * SSE.
 *
 * Samples. A request with n > 1 becomes n concurrent single requests, with
 * seeds seed, seed+1, ... (so they differ). For the openai spec ponder
 * first tries native "n" in one request and demultiplexes choices[i].index;
 * if the server rejects it (400) or ignores it (the stream ends having
 * shown only index 0), the missing samples are sent as single requests and
 * the model remembers not to try again. llamacpp never tries: llama-server
 * ignores n on chat completions.
 *
 * Raw prompts. llamacpp continues prompt->raw on {base}/completions
 * (choices[i].text). The openai spec sends the raw text as one user
 * message, since OpenAI's chat models have no completions endpoint. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "models/backend.h"
#include "models/decode.h"
#include "models/http.h"
#include "models/json.h"
#include "models/reply.h"
#include "models/sse.h"

typedef struct {
    http_client *http;
    int llamacpp;
    char name[256];             /* model id sent to the server, may be "" */
    int native_n;               /* try native n (openai only, until it fails) */
} oa;

typedef struct oa_run oa_run;
typedef struct {
    http_job http;              /* first: callbacks cast back from it */
    oa_run *run;
    int req;
    openai_stream st;           /* the replies and what the stream told */
    int fallback_from;          /* native n failed: samples from here need
                                   single requests; -1 = none */
    int mode;                   /* 0 undecided, 1 SSE, 2 one JSON object */
    char head[48];              /* the body's first bytes, for messages */
    char *whole;                /* mode 2: the body so far */
    size_t whole_len;
    sse_parser sse;
    char *body;
    char url[640];
} oa_job;

#define WHOLE_CAP (8u << 20)    /* a non-streamed reply larger than this fails */

struct oa_run {
    model *m;
    oa *o;
    const model_sink *sink;
    const char *key;            /* may be NULL */
    int errors;
};

static const char *key_name(const model *m)
{
    return m->key_env[0] ? m->key_env : "OPENAI_API_KEY";
}

static const char *backend_name(const oa *o)
{
    return o->llamacpp ? "llamacpp" : "openai";
}

/* ---- the request ---- */

static const char *role_name(prompt_role r)
{
    return r == ROLE_SYSTEM ? "system" : r == ROLE_ASSISTANT ? "assistant" : "user";
}

static void add_message(cJSON *msgs, const char *role, const char *content)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "role", role);
    cJSON_AddStringToObject(msg, "content", content ? content : "");
    cJSON_AddItemToArray(msgs, msg);
}

/* The JSON body for one request of n samples; caller frees. */
/* A thinking budget as the nearest OpenAI effort. */
static think_mode budget_effort(int tokens)
{
    return tokens < 2048 ? THINK_LOW : tokens < 8192 ? THINK_MEDIUM : THINK_HIGH;
}

static char *build_body(const oa *o, const model_request *rq, int n,
                        long long seed, int completions)
{
    const prompt *p = rq->prompt;
    cJSON *root = cJSON_CreateObject();
    if (o->name[0])
        cJSON_AddStringToObject(root, "model", o->name);
    if (completions) {
        cJSON_AddStringToObject(root, "prompt", p->raw);
    } else {
        cJSON *msgs = cJSON_AddArrayToObject(root, "messages");
        if (p->raw)
            add_message(msgs, "user", p->raw);
        else
            for (int i = 0; i < p->n_msgs; i++)
                add_message(msgs, role_name(p->msgs[i].role), p->msgs[i].content);
    }
    cJSON_AddBoolToObject(root, "stream", 1);
    cJSON *so = cJSON_AddObjectToObject(root, "stream_options");
    cJSON_AddBoolToObject(so, "include_usage", 1);
    cJSON_AddNumberToObject(root, "temperature", rq->temperature);
    if (rq->top_p > 0 && rq->top_p < 1)
        cJSON_AddNumberToObject(root, "top_p", rq->top_p);
    if (rq->top_k > 0 && o->llamacpp)
        cJSON_AddNumberToObject(root, "top_k", rq->top_k);
    if (rq->max_tokens > 0)
        cJSON_AddNumberToObject(root, "max_tokens", rq->max_tokens);
    if (seed >= 0)
        cJSON_AddNumberToObject(root, "seed", (double)seed);
    if (rq->n_stop > 0) {
        cJSON *stop = cJSON_AddArrayToObject(root, "stop");
        for (int i = 0; i < rq->n_stop && i < 4; i++)   /* OpenAI allows 4 */
            cJSON_AddItemToArray(stop, cJSON_CreateString(rq->stop[i]));
    }
    if (n > 1)
        cJSON_AddNumberToObject(root, "n", n);
    /* --think: OpenAI takes an effort, llama.cpp a switch and a budget.
     * think_caveat() says what could not be honoured. */
    static const char *effort[] = {
        [THINK_LOW] = "low", [THINK_MEDIUM] = "medium", [THINK_HIGH] = "high" };
    if (!o->llamacpp && rq->think >= THINK_LOW && rq->think <= THINK_HIGH)
        cJSON_AddStringToObject(root, "reasoning_effort", effort[rq->think]);
    if (!o->llamacpp && rq->think == THINK_BUDGET)
        cJSON_AddStringToObject(root, "reasoning_effort", effort[budget_effort(rq->think_budget)]);
    if (o->llamacpp && rq->think != THINK_DEFAULT) {
        cJSON *kw = cJSON_AddObjectToObject(root, "chat_template_kwargs");
        cJSON_AddBoolToObject(kw, "enable_thinking", rq->think != THINK_OFF);
        if (rq->think == THINK_BUDGET)
            cJSON_AddNumberToObject(root, "reasoning_budget", rq->think_budget);
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

/* ---- the stream ---- */

/* A count or index the server sent: -1 if missing or negative; a huge
 * one saturates at INT_MAX (converting it to long as is would be UB). */
static long num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
        return -1;
    return v->valuedouble < INT_MAX ? (long)v->valuedouble : INT_MAX;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void text_field(reply *r, channel ch, const cJSON *obj, const char *key)
{
    const char *s = str(obj, key);
    if (s)
        reply_text(r, ch, s, strlen(s));
}

static void on_choice(openai_stream *st, const cJSON *c)
{
    long idx = num(c, "index");
    if (idx < 0)
        idx = 0;
    if (idx > st->max_index)
        st->max_index = (int)idx;
    if (idx >= (st->native ? st->nrep : 1))
        return;                             /* a choice nobody asked for */
    reply *r = &st->replies[idx];
    const cJSON *delta = cJSON_GetObjectItemCaseSensitive(c, "delta");
    if (!cJSON_IsObject(delta))     /* a non-streamed reply */
        delta = cJSON_GetObjectItemCaseSensitive(c, "message");
    if (cJSON_IsObject(delta)) {
        /* Servers that send both carry the same text in each. */
        if (str(delta, "reasoning_content"))
            text_field(r, CH_THINKING, delta, "reasoning_content");
        else
            text_field(r, CH_THINKING, delta, "reasoning");
        text_field(r, CH_ANSWER, delta, "content");
    }
    text_field(r, CH_ANSWER, c, "text");    /* /completions */
    const char *fin = str(c, "finish_reason");
    if (fin)
        reply_finish_reason(r, !strcmp(fin, "length") ? FINISH_LENGTH : FINISH_STOP);
}

/* The server's words from an in-stream error object. */
static void stream_error(const cJSON *err, const char *data, char *out, size_t cap)
{
    const char *msg = cJSON_IsString(err) ? err->valuestring
                    : cJSON_IsObject(err) ? str(err, "message") : NULL;
    char *clean = utf8_sanitize(msg ? msg : data, strlen(msg ? msg : data), NULL);
    snprintf(out, cap, "the server reported an error: %.300s", clean ? clean : "?");
    free(clean);
}

void openai_stream_init(openai_stream *s, reply *replies, int nrep, int native)
{
    memset(s, 0, sizeof *s);
    s->replies = replies;
    s->nrep = nrep;
    s->native = native;
    s->max_index = -1;
}

int openai_decode_event(openai_stream *st, const char *ev, const char *data,
                        size_t len, char *errbuf, size_t errlen)
{
    st->events++;
    if (!strcmp(data, "[DONE]")) {
        st->saw_done = 1;
        return 0;
    }
    cJSON *root = json_parse(data, len);
    if (!root) {
        char *clean = utf8_sanitize(data, len < 60 ? len : 60, NULL);
        snprintf(errbuf, errlen, "malformed stream: a data line is not JSON "
                 "(\"%s%s\")", clean ? clean : "", len > 60 ? "..." : "");
        free(clean);
        return -1;
    }
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    if ((err && !cJSON_IsNull(err)) || !strcmp(ev, "error")) {
        stream_error(err, data, errbuf, errlen);
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "choices"))
        on_choice(st, c);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(root, "usage");
    if (cJSON_IsObject(u)) {
        const cJSON *det = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens_details");
        long think = cJSON_IsObject(det) ? num(det, "reasoning_tokens") : -1;
        if (st->nrep == 1)
            reply_usage(&st->replies[0], num(u, "prompt_tokens"),
                        num(u, "completion_tokens"), think);
        else        /* totals over all choices: only the prompt is per sample */
            reply_usage(&st->replies[0], num(u, "prompt_tokens"), -1, -1);
    }
    cJSON_Delete(root);
    return 0;
}

/* One event, or a whole non-streamed reply, into the job's replies.
 * Returns nonzero, with the job's error set, if the data is not usable. */
static int on_json(oa_job *j, const char *ev, const char *data, size_t len)
{
    char err[512];
    if (openai_decode_event(&j->st, ev, data, len, err, sizeof err)) {
        http_job_fail(&j->http, "%s", err);
        return 1;
    }
    if (j->st.saw_done)
        j->http.complete = 1;
    return 0;
}

static int on_event(void *ud, const char *ev, const char *data, size_t len)
{
    return on_json(ud, ev, data, len);
}

/* A server that ignores stream:true answers with one JSON object; anything
 * else is taken as SSE. */
static int on_whole(oa_job *j, const char *buf, size_t n)
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
    oa_job *j = (oa_job *)hj;
    if (!j->head[0]) {
        char *clean = utf8_sanitize(buf, n < sizeof j->head / 3 ? n : sizeof j->head / 3, NULL);
        if (clean)
            snprintf(j->head, sizeof j->head, "%s", clean);
        free(clean);
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

static void notice(oa_job *j, const char *fmt, int n)
{
    const model_sink *s = j->run->sink;
    char msg[256];
    snprintf(msg, sizeof msg, fmt, n);
    if (s && s->on_notice)
        s->on_notice(s->ud, j->req, msg);
}

static void end_all(oa_job *j, int from, model_finish how, const char *err, int status)
{
    for (int i = from; i < j->st.nrep; i++) {
        reply *r = &j->st.replies[i];
        if (err)
            reply_fail(r, status, err);
        else if (how == FINISH_STOP && !j->st.saw_done && !r->has_finish)
            reply_fail(r, j->http.status, j->http.error);
        else if (how == FINISH_STOP && !r->has_text && !r->has_finish) {
            char msg[sizeof j->http.error];
            snprintf(msg, sizeof msg, "%s at %s: the server sent nothing for "
                     "sample %d", backend_name(j->run->o), j->url, r->sample);
            reply_fail(r, j->http.status, msg);
        }
        j->run->errors += reply_end(r, how);
    }
}

static void on_end(http_job *hj)
{
    oa_job *j = (oa_job *)hj;
    oa *o = j->run->o;
    if (hj->end == HTTP_CANCELLED) {
        end_all(j, 0, FINISH_CANCELLED, NULL, 0);
        return;
    }
    if (hj->end == HTTP_DONE && j->mode == 2) {
        if (on_json(j, "message", j->whole, j->whole_len) == 0)
            j->st.saw_done = 1;
        else
            hj->end = HTTP_FAILED;
    } else if (hj->end == HTTP_DONE && sse_finish(&j->sse) != 0) {
        if (!hj->error[0])
            http_job_fail(hj, "malformed stream: %s", sse_error(&j->sse));
        hj->end = HTTP_FAILED;
    }
    if (hj->end == HTTP_FAILED) {
        if (j->st.native && hj->fault == HTTP_F_STATUS && hj->status == 400) {
            o->native_n = 0;
            j->run->m->caps &= ~(unsigned)CAP_NATIVE_N;
            j->fallback_from = 0;
            notice(j, "the server rejected n=%d in one request; sending "
                   "separate requests", j->st.nrep);
            return;
        }
        end_all(j, 0, FINISH_ERROR, hj->error, hj->status);
        return;
    }
    int upto = j->st.nrep;
    if (j->st.native && j->st.max_index <= 0) {
        o->native_n = 0;
        j->run->m->caps &= ~(unsigned)CAP_NATIVE_N;
        j->fallback_from = 1;
        upto = 1;
        notice(j, "the server ignored n=%d; sending separate requests", j->st.nrep);
    }
    if (!j->st.saw_done && !j->st.events && hj->body_bytes)
        http_job_fail(hj, "the reply is not an event stream (it starts "
                      "\"%s\"); check the base URL %s (it should end in /v1)",
                      j->head, j->run->m->url);
    else if (!j->st.saw_done)
        http_job_fail(hj, "the stream ended before the reply was complete "
                      "(no finish_reason or [DONE]); the text so far is kept");
    int keep = j->st.nrep;
    j->st.nrep = upto;
    end_all(j, 0, FINISH_STOP, NULL, 0);
    j->st.nrep = keep;
}

/* ---- advice and the run ---- */

static void advise(void *ud, const http_job *hj, const char *smsg, char *out, size_t cap)
{
    const oa_run *run = ud;
    const model *m = run->m;
    int has_key = run->key && *run->key;
    (void)smsg;
    switch (hj->fault) {
    case HTTP_F_STATUS:
        if (hj->status == 401 || hj->status == 403)
            snprintf(out, cap, has_key ? "check %s (the server rejected the key)"
                                       : "set %s to your API key", key_name(m));
        else if (hj->status == 404)
            snprintf(out, cap, "check the model name \"%s\" and the base URL "
                     "%s (it should end in /v1)", run->o->name, m->url);
        else if (hj->status == 429)
            snprintf(out, cap, "rate limited; wait a moment and try again");
        else if (hj->status >= 500)
            snprintf(out, cap, "the server keeps failing; try again later");
        else if (hj->status == 400)
            snprintf(out, cap, "the server rejected the request; check the "
                     "model name and sampling options");
        break;
    case HTTP_F_REFUSED:
        if (run->o->llamacpp)
            snprintf(out, cap, "is llama-server running? start it with "
                     "`llama-server -m MODEL.gguf --port 8080`, or pass --base-url");
        else
            snprintf(out, cap, "is the server running at %s? check --base-url "
                     "or OPENAI_BASE_URL", m->url);
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

static int setup_job(oa_job *j, oa_run *run, const model_request *rq, int req,
                     reply *replies, int nrep, int native, long long seed,
                     struct curl_slist *hdr)
{
    const oa *o = run->o;
    int completions = rq->prompt->raw && o->llamacpp;
    memset(j, 0, sizeof *j);
    j->run = run;
    j->req = req;
    openai_stream_init(&j->st, replies, nrep, native);
    j->fallback_from = -1;
    sse_init(&j->sse, 0, on_event, j);
    snprintf(j->url, sizeof j->url, "%s/%s", run->m->url,
             completions ? "completions" : "chat/completions");
    j->body = build_body(o, rq, native ? nrep : 1, seed, completions);
    j->http.url = j->url;
    j->http.body = j->body;
    j->http.headers = hdr;
    j->http.req = req;
    j->http.on_body = on_body;
    j->http.on_end = on_end;
    return j->body ? 0 : -1;
}

static long long seed_for(const model_request *rq, int sample)
{
    return rq->seed >= 0 ? rq->seed + sample : -1;
}

/* Runs jobs[0..n) through the engine. */
static void run_jobs(http_client *c, oa_job *jobs, int n, const http_opts *opts)
{
    http_job **ptrs = malloc((size_t)(n ? n : 1) * sizeof *ptrs);
    if (!ptrs) {
        for (int i = 0; i < n; i++)
            jobs[i].fallback_from = -1;     /* replies end in error later */
        return;
    }
    for (int i = 0; i < n; i++)
        ptrs[i] = &jobs[i].http;
    http_run(c, ptrs, n, opts);
    free(ptrs);
}

static void free_jobs(oa_job *jobs, int n)
{
    for (int i = 0; i < n; i++) {
        sse_done(&jobs[i].sse);
        free(jobs[i].body);
        free(jobs[i].whole);
    }
    free(jobs);
}

/* What of --think this server cannot do, or NULL. */
static const char *think_caveat(const oa *o, const model_request *rq, char *buf, size_t cap)
{
    static const char *names[] = { [THINK_LOW] = "low", [THINK_MEDIUM] = "medium",
                                   [THINK_HIGH] = "high" };
    if (o->llamacpp && rq->think >= THINK_LOW && rq->think <= THINK_HIGH) {
        snprintf(buf, cap, "llama.cpp has no thinking levels: --think %s turns thinking on",
                 names[rq->think]);
        return buf;
    }
    if (!o->llamacpp && rq->think == THINK_OFF)
        return "OpenAI reasoning models cannot stop thinking: --think off sends nothing, "
               "and the model decides";
    if (!o->llamacpp && rq->think == THINK_BUDGET) {
        snprintf(buf, cap, "OpenAI takes a reasoning effort, not a budget: %d tokens is sent "
                 "as reasoning_effort=%s", rq->think_budget,
                 names[budget_effort(rq->think_budget)]);
        return buf;
    }
    return NULL;
}

static int oa_generate(model *m, const model_request *reqs, int n_reqs,
                       const model_sink *sink, atomic_int *cancel)
{
    oa *o = m->impl;
    char caveat[200];
    if (n_reqs > 0 && sink->on_notice && think_caveat(o, &reqs[0], caveat, sizeof caveat))
        sink->on_notice(sink->ud, 0, think_caveat(o, &reqs[0], caveat, sizeof caveat));
    oa_run run = { .m = m, .o = o, .sink = sink, .key = m->key[0] ? m->key : getenv(key_name(m)) };
    http_opts opts = {
        .backend = backend_name(o), .secret = run.key,
        .connect_timeout_s = m->connect_timeout_s, .idle_timeout_s = m->idle_timeout_s,
        .insecure = m->insecure,
        .retry_base_s = m->retry_base_s, .max_retries = m->max_retries,
        .sink = sink, .cancel = cancel, .advise = advise, .advise_ud = &run,
    };
    struct curl_slist *hdr = http_headers("text/event-stream", run.key);
    reply **replies = calloc((size_t)n_reqs, sizeof *replies);
    int total = 0, njobs = 0;
    for (int i = 0; i < n_reqs; i++)
        total += reqs[i].n > 1 ? reqs[i].n : 1;
    oa_job *jobs = calloc((size_t)total, sizeof *jobs);
    if (!hdr || !replies || !jobs)
        goto oom;
    for (int i = 0; i < n_reqs; i++) {
        int n = reqs[i].n > 1 ? reqs[i].n : 1;
        if (!(replies[i] = calloc((size_t)n, sizeof **replies)))
            goto oom;
        for (int s = 0; s < n; s++)
            reply_init(&replies[i][s], sink, i, s);
        int native = n > 1 && o->native_n;
        for (int s = 0; s < (native ? 1 : n); s++)
            if (setup_job(&jobs[njobs++], &run, &reqs[i], i, &replies[i][s],
                          native ? n : 1, native, seed_for(&reqs[i], s), hdr))
                goto oom;
    }
    run_jobs(o->http, jobs, njobs, &opts);

    /* Samples a native-n request did not deliver, as single requests. */
    int nmore = 0;
    for (int k = 0; k < njobs; k++)
        if (jobs[k].fallback_from >= 0)
            nmore += jobs[k].st.nrep - jobs[k].fallback_from;
    if (nmore) {
        oa_job *more = calloc((size_t)nmore, sizeof *more);
        int m2 = 0;
        for (int k = 0; more && k < njobs; k++)
            for (int s = jobs[k].fallback_from; s >= 0 && s < jobs[k].st.nrep; s++)
                if (setup_job(&more[m2], &run, &reqs[jobs[k].req], jobs[k].req,
                              &jobs[k].st.replies[s], 1, 0,
                              seed_for(&reqs[jobs[k].req], s), hdr) == 0)
                    m2++;
        if (more)
            run_jobs(o->http, more, m2, &opts);
        free_jobs(more, m2);
    }
    /* Anything still open (out of memory on the way) ends in error. */
    for (int i = 0; i < n_reqs; i++)
        for (int s = 0; s < (reqs[i].n > 1 ? reqs[i].n : 1); s++) {
            reply_fail(&replies[i][s], 0, "could not send the request (out of memory)");
            run.errors += reply_end(&replies[i][s], FINISH_ERROR);
        }
    free_jobs(jobs, njobs);
    for (int i = 0; i < n_reqs; i++)
        free(replies[i]);
    free(replies);
    curl_slist_free_all(hdr);
    return run.errors;
oom:
    if (replies)
        for (int i = 0; i < n_reqs; i++)
            free(replies[i]);
    free(replies);
    if (jobs)
        free_jobs(jobs, njobs);
    curl_slist_free_all(hdr);
    /* Report every sample, so the caller's per-sample bookkeeping ends. */
    reply_end_unstarted(NULL, 0, reqs, n_reqs, sink, "out of memory preparing the request");
    return total;
}

static void oa_close(model *m)
{
    oa *o = m->impl;
    if (o)
        http_client_free(o->http);
    free(o);
}

static const backend_ops OPS = { oa_generate, oa_close };

int openai_open(model *m, int llamacpp, const char *name, char *err, size_t errlen)
{
    oa *o = calloc(1, sizeof *o);
    if (!o || !(o->http = http_client_new())) {
        free(o);
        snprintf(err, errlen, "out of memory (or libcurl failed to start)");
        return -1;
    }
    o->llamacpp = llamacpp;
    snprintf(o->name, sizeof o->name, "%s", name);
    const char *env = llamacpp ? NULL : getenv("OPENAI_BASE_URL");
    const char *base = m->base_url[0] ? m->base_url
                     : env && *env ? env
                     : llamacpp ? "http://127.0.0.1:8080/v1" : "https://api.openai.com/v1";
    snprintf(m->url, sizeof m->url, "%s", base);
    for (size_t k = strlen(m->url); k && m->url[k - 1] == '/'; k--)
        m->url[k - 1] = 0;
    o->native_n = !llamacpp && (m->native_n == NATIVE_N_YES ||
                                (m->native_n == NATIVE_N_AUTO && strstr(m->url, "://api.openai.com")));
    m->caps = CAP_THINKING | (llamacpp ? CAP_RAW : 0) | (o->native_n ? CAP_NATIVE_N : 0);
    m->ops = &OPS;
    m->impl = o;
    return 0;
}
