/* ollama: the Ollama backend. POST {host}/api/chat, streamed as NDJSON;
 * raw prompts go to /api/generate with raw:true. n samples are n
 * concurrent requests with seeds seed, seed+1, ... */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "models/backend.h"
#include "models/decode.h"
#include "models/http.h"
#include "models/json.h"
#include "models/ndjson.h"
#include "models/reply.h"

typedef struct {
    http_client *http;
    char name[256];
} ol;

typedef struct ol_run ol_run;
typedef struct {
    http_job http;              /* first: callbacks cast back from it */
    ol_run *run;
    reply *r;
    int saw_done;
    ndjson_parser nd;
    char *body;
    char url[640];
} ol_job;

struct ol_run {
    model *m;
    ol *o;
    int errors;
};

static const char *role_name(prompt_role r)
{
    return r == ROLE_SYSTEM ? "system" : r == ROLE_ASSISTANT ? "assistant" : "user";
}

static char *build_body(const ol *o, const model_request *rq, long long seed)
{
    const prompt *p = rq->prompt;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", o->name);
    if (p->raw) {
        cJSON_AddStringToObject(root, "prompt", p->raw);
        cJSON_AddBoolToObject(root, "raw", 1);
    } else {
        cJSON *msgs = cJSON_AddArrayToObject(root, "messages");
        for (int i = 0; i < p->n_msgs; i++) {
            cJSON *msg = cJSON_CreateObject();
            cJSON_AddStringToObject(msg, "role", role_name(p->msgs[i].role));
            cJSON_AddStringToObject(msg, "content",
                                    p->msgs[i].content ? p->msgs[i].content : "");
            cJSON_AddItemToArray(msgs, msg);
        }
    }
    cJSON_AddBoolToObject(root, "stream", 1);
    switch (rq->think) {
    case THINK_DEFAULT: break;
    case THINK_OFF: cJSON_AddBoolToObject(root, "think", 0); break;
    case THINK_LOW: cJSON_AddStringToObject(root, "think", "low"); break;
    case THINK_MEDIUM: cJSON_AddStringToObject(root, "think", "medium"); break;
    case THINK_HIGH: cJSON_AddStringToObject(root, "think", "high"); break;
    case THINK_ON:
    case THINK_BUDGET: cJSON_AddBoolToObject(root, "think", 1); break;
    }
    cJSON *opt = cJSON_AddObjectToObject(root, "options");
    cJSON_AddNumberToObject(opt, "temperature", rq->temperature);
    if (rq->top_p > 0 && rq->top_p < 1)
        cJSON_AddNumberToObject(opt, "top_p", rq->top_p);
    if (rq->top_k > 0)
        cJSON_AddNumberToObject(opt, "top_k", rq->top_k);
    if (rq->max_tokens > 0)
        cJSON_AddNumberToObject(opt, "num_predict", rq->max_tokens);
    if (seed >= 0)
        cJSON_AddNumberToObject(opt, "seed", (double)seed);
    if (rq->n_stop > 0) {
        cJSON *stop = cJSON_AddArrayToObject(opt, "stop");
        for (int i = 0; i < rq->n_stop; i++)
            cJSON_AddItemToArray(stop, cJSON_CreateString(rq->stop[i]));
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A count the server sent: -1 if missing or negative; a huge
 * one saturates at INT_MAX (converting it to long as is would be UB). */
static long num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
        return -1;
    return v->valuedouble < INT_MAX ? (long)v->valuedouble : INT_MAX;
}

static void text_field(reply *r, channel ch, const cJSON *obj, const char *key)
{
    const char *s = str(obj, key);
    if (s)
        reply_text(r, ch, s, strlen(s));
}

int ollama_decode_line(reply *r, int *saw_done, const char *line, size_t len,
                       char *errbuf, size_t errlen)
{
    cJSON *root = json_parse(line, len);
    if (!root) {
        char *clean = utf8_sanitize(line, len < 60 ? len : 60, NULL);
        snprintf(errbuf, errlen, "malformed stream: a line is not JSON (\"%s%s\")",
                 clean ? clean : "", len > 60 ? "..." : "");
        free(clean);
        return -1;
    }
    const char *err = str(root, "error");
    if (err) {
        char *clean = utf8_sanitize(err, strlen(err), NULL);
        snprintf(errbuf, errlen, "the server reported an error: %.300s",
                 clean ? clean : "?");
        free(clean);
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
    if (cJSON_IsObject(msg)) {
        text_field(r, CH_THINKING, msg, "thinking");
        text_field(r, CH_ANSWER, msg, "content");
    }
    text_field(r, CH_THINKING, root, "thinking");    /* /api/generate */
    text_field(r, CH_ANSWER, root, "response");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "done"))) {
        *saw_done = 1;
        const char *why = str(root, "done_reason");
        reply_finish_reason(r, why && !strcmp(why, "length") ? FINISH_LENGTH
                                                             : FINISH_STOP);
        reply_usage(r, num(root, "prompt_eval_count"), num(root, "eval_count"), -1);
    }
    cJSON_Delete(root);
    return 0;
}

static int on_line(void *ud, const char *line, size_t len)
{
    ol_job *j = ud;
    char err[512];
    if (ollama_decode_line(j->r, &j->saw_done, line, len, err, sizeof err)) {
        http_job_fail(&j->http, "%s", err);
        return 1;
    }
    if (j->saw_done)
        j->http.complete = 1;
    return 0;
}

static int on_body(http_job *hj, const char *buf, size_t n)
{
    ol_job *j = (ol_job *)hj;
    int rc = ndjson_feed(&j->nd, buf, n);
    if (rc == -1)
        http_job_fail(hj, "malformed stream: %s", ndjson_error(&j->nd));
    return rc != 0;
}

static void on_end(http_job *hj)
{
    ol_job *j = (ol_job *)hj;
    if (hj->end == HTTP_CANCELLED) {
        j->run->errors += reply_end(j->r, FINISH_CANCELLED);
        return;
    }
    if (hj->end == HTTP_DONE && ndjson_finish(&j->nd) != 0) {
        if (!hj->error[0])
            http_job_fail(hj, "malformed stream: %s", ndjson_error(&j->nd));
        hj->end = HTTP_FAILED;
    }
    if (hj->end == HTTP_DONE && !j->saw_done)
        http_job_fail(hj, "the stream ended before the reply was complete "
                      "(no \"done\":true line); the text so far is kept");
    if (hj->error[0])
        reply_fail(j->r, hj->status, hj->error);
    j->run->errors += reply_end(j->r, FINISH_STOP);
}

static void advise(void *ud, const http_job *hj, const char *smsg, char *out, size_t cap)
{
    const ol_run *run = ud;
    switch (hj->fault) {
    case HTTP_F_STATUS:
        if (hj->status == 401 || hj->status == 403)
            snprintf(out, cap, "the ollama backend sends no key; if a proxy in "
                     "front of Ollama wants one, reach Ollama directly "
                     "(OLLAMA_HOST or --base-url)");
        else if (hj->status == 404 && (strstr(smsg, "not found") || !smsg[0]))
            snprintf(out, cap, "try `ollama pull %s`", run->o->name);
        else if (hj->status >= 500)
            snprintf(out, cap, "Ollama keeps failing; check `ollama ps` and its log");
        break;
    case HTTP_F_REFUSED:
        snprintf(out, cap, "is Ollama running? try `ollama serve`, or set "
                 "OLLAMA_HOST");
        break;
    case HTTP_F_RESOLVE:
    case HTTP_F_CONNECT_TIMEOUT:
        snprintf(out, cap, "check OLLAMA_HOST or --base-url (%s)", run->m->url);
        break;
    case HTTP_F_IDLE:
        snprintf(out, cap, "Ollama stopped sending; the text so far is kept; "
                 "try again, or raise the idle timeout");
        break;
    case HTTP_F_NETWORK:
        snprintf(out, cap, "%stry again", hj->body_bytes ? "the text so far is kept; " : "");
        break;
    case HTTP_F_STREAM:
        break;
    }
}

static int ol_generate(model *m, const model_request *reqs, int n_reqs,
                       const model_sink *sink, atomic_int *cancel)
{
    ol *o = m->impl;
    ol_run run = { .m = m, .o = o };
    if (n_reqs > 0 && reqs[0].think == THINK_BUDGET && sink->on_notice)
        sink->on_notice(sink->ud, 0, "Ollama has no thinking budget: --think with a number "
                                     "of tokens turns thinking on");
    http_opts opts = {
        .backend = "ollama",
        .connect_timeout_s = m->connect_timeout_s, .idle_timeout_s = m->idle_timeout_s,
        .insecure = m->insecure,
        .retry_base_s = m->retry_base_s, .max_retries = m->max_retries,
        .sink = sink, .cancel = cancel, .advise = advise, .advise_ud = &run,
    };
    int total = 0;
    for (int i = 0; i < n_reqs; i++)
        total += reqs[i].n > 1 ? reqs[i].n : 1;
    struct curl_slist *hdr = http_headers("application/x-ndjson", NULL);
    ol_job *jobs = calloc((size_t)total, sizeof *jobs);
    reply *replies = calloc((size_t)total, sizeof *replies);
    http_job **ptrs = calloc((size_t)total, sizeof *ptrs);
    int k = 0, ok = hdr && jobs && replies && ptrs;
    for (int i = 0; ok && i < n_reqs; i++) {
        for (int s = 0; s < (reqs[i].n > 1 ? reqs[i].n : 1); s++, k++) {
            ol_job *j = &jobs[k];
            reply_init(&replies[k], sink, i, s);
            j->run = &run;
            j->r = &replies[k];
            ndjson_init(&j->nd, 0, on_line, j);
            snprintf(j->url, sizeof j->url, "%s/api/%s", m->url,
                     reqs[i].prompt->raw ? "generate" : "chat");
            j->body = build_body(o, &reqs[i], reqs[i].seed >= 0 ? reqs[i].seed + s : -1);
            ok = j->body != NULL;
            j->http.url = j->url;
            j->http.body = j->body;
            j->http.headers = hdr;
            j->http.req = i;
            j->http.on_body = on_body;
            j->http.on_end = on_end;
            ptrs[k] = &j->http;
        }
    }
    if (ok)
        http_run(o->http, ptrs, total, &opts);
    run.errors += reply_end_unstarted(replies, k, reqs, n_reqs, sink,
                                      "out of memory preparing the request");
    for (int i = 0; jobs && i < k; i++) {
        ndjson_done(&jobs[i].nd);
        free(jobs[i].body);
    }
    free(jobs);
    free(replies);
    free(ptrs);
    curl_slist_free_all(hdr);
    return run.errors;
}

static void ol_close(model *m)
{
    ol *o = m->impl;
    if (o)
        http_client_free(o->http);
    free(o);
}

static const backend_ops OPS = { ol_generate, ol_close };

/* OLLAMA_HOST as Ollama reads it: "host", "host:port" or a URL. Without
 * a scheme the port defaults to 11434, with one to the scheme's own;
 * 0.0.0.0 (a bind address) means this machine. */
static void host_url(char *out, size_t cap, const char *host)
{
    if (!host || !*host)
        host = "127.0.0.1:11434";
    const char *sep = strstr(host, "://");
    const char *rest = sep ? sep + 3 : host;
    int scheme_len = sep ? (int)(sep - host) : 4;
    const char *scheme = sep ? host : "http";
    size_t hl = rest[0] == '[' ? strcspn(rest, "]") + (strchr(rest, ']') ? 1 : 0)
                               : strcspn(rest, ":/");
    const char *tail = rest + hl;               /* ":port/path", "/path" or "" */
    int any = hl == 0 || (hl == 7 && !strncmp(rest, "0.0.0.0", 7));
    snprintf(out, cap, "%.*s://%.*s%s%s", scheme_len, scheme,
             any ? 9 : (int)hl, any ? "127.0.0.1" : rest,
             !sep && *tail != ':' ? ":11434" : "", tail);
    for (size_t k = strlen(out); k && out[k - 1] == '/'; k--)
        out[k - 1] = 0;
}

int ollama_open(model *m, const char *name, char *err, size_t errlen)
{
    ol *o = calloc(1, sizeof *o);
    if (!o || !(o->http = http_client_new())) {
        free(o);
        snprintf(err, errlen, "out of memory (or libcurl failed to start)");
        return -1;
    }
    snprintf(o->name, sizeof o->name, "%s", name);
    if (m->base_url[0]) {
        snprintf(m->url, sizeof m->url, "%s", m->base_url);
        for (size_t k = strlen(m->url); k && m->url[k - 1] == '/'; k--)
            m->url[k - 1] = 0;
    } else {
        host_url(m->url, sizeof m->url, getenv("OLLAMA_HOST"));
    }
    m->caps = CAP_RAW | CAP_THINKING;
    m->ops = &OPS;
    m->impl = o;
    return 0;
}
