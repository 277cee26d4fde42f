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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "models/decode.h"
#include "models/json.h"
#include "models/redact.h"
#include "models/wire.h"

/* The key's variable, as messages name it. */
static const char *key_name(const model *m)
{
    return m->key_env[0] ? m->key_env : "OPENAI_API_KEY";
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

/* A thinking budget as the nearest OpenAI effort. */
static think_mode budget_effort(int tokens)
{
    return tokens < 2048 ? THINK_LOW : tokens < 8192 ? THINK_MEDIUM : THINK_HIGH;
}

/* The JSON body for one request of n samples; caller frees. */
static char *build_body(const wire_model *o, const model_request *rq, int n,
                        long long seed, int completions, int official)
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
    /* OpenAI's reasoning models reject max_tokens; its successor works
     * for every OpenAI model, while other servers know max_tokens. */
    cJSON_AddNumberToObject(root, official ? "max_completion_tokens" : "max_tokens",
                            rq->max_tokens > 0 ? rq->max_tokens : MODEL_MAX_TOKENS);
    if (seed >= 0)
        cJSON_AddNumberToObject(root, "seed", (double)seed);
    json_add_strings(root, "stop", rq->stop, rq->n_stop, 4);   /* OpenAI allows 4 */
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
    return json_print_free(root);
}

/* ---- the stream ---- */

static void on_choice(openai_stream *st, const cJSON *c)
{
    long idx = json_count(c, "index");
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
        if (json_str(delta, "reasoning_content"))
            json_reply_text(r, CH_THINKING, delta, "reasoning_content");
        else
            json_reply_text(r, CH_THINKING, delta, "reasoning");
        json_reply_text(r, CH_ANSWER, delta, "content");
    }
    json_reply_text(r, CH_ANSWER, c, "text");    /* /completions */
    const char *fin = json_str(c, "finish_reason");
    if (fin)
        reply_finish_reason(r, !strcmp(fin, "length") ? FINISH_LENGTH : FINISH_STOP);
}

/* The server's words from an in-stream error object, the key redacted
 * before the cut. */
static void stream_error(const cJSON *err, const char *data, const char *secret,
                         char *out, size_t cap)
{
    const char *msg = cJSON_IsString(err) ? err->valuestring
                    : cJSON_IsObject(err) ? json_str(err, "message") : NULL;
    char words[320];
    redact_clip(words, sizeof words, msg ? msg : data, strlen(msg ? msg : data), 300, secret);
    snprintf(out, cap, "the server reported an error: %s", words);
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
        char head[80];
        redact_clip(head, sizeof head, data, len, 60, st->replies[0].secret);
        snprintf(errbuf, errlen, "malformed stream: a data line is not JSON "
                 "(\"%s\")", head);
        return -1;
    }
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    if ((err && !cJSON_IsNull(err)) || !strcmp(ev, "error")) {
        stream_error(err, data, st->replies[0].secret, errbuf, errlen);
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(root, "choices"))
        on_choice(st, c);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(root, "usage");
    if (cJSON_IsObject(u)) {
        const cJSON *det = cJSON_GetObjectItemCaseSensitive(u, "completion_tokens_details");
        long think = cJSON_IsObject(det) ? json_count(det, "reasoning_tokens") : -1;
        if (st->nrep == 1)
            reply_usage(&st->replies[0], json_count(u, "prompt_tokens"),
                        json_count(u, "completion_tokens"), think);
        else        /* totals over all choices: only the prompt is per sample */
            reply_usage(&st->replies[0], json_count(u, "prompt_tokens"), -1, -1);
    }
    cJSON_Delete(root);
    return 0;
}

/* ---- the skeleton's hooks (wire.h) ---- */

static int on_unit(wire_job *j, const char *ev, const char *data, size_t len)
{
    openai_stream *st = j->state;
    char err[4096];
    if (openai_decode_event(st, ev, data, len, err, sizeof err)) {
        http_job_fail(&j->http, "%s", err);
        return 1;
    }
    if (st->saw_done)
        j->http.complete = 1;
    return 0;
}

/* A server that ignored stream:true: its one JSON object. */
static int on_message(wire_job *j, const char *data, size_t len)
{
    return on_unit(j, "message", data, len) ? -1 : 0;
}

static char *setup(wire_job *j, int n, long long seed)
{
    const wire_model *o = j->run->w;
    int completions = j->rq->prompt->raw && o->llamacpp;
    openai_stream_init(j->state, j->replies, j->nrep, j->native);
    snprintf(j->url, sizeof j->url, "%s/%s", j->run->m->url,
             completions ? "completions" : "chat/completions");
    return build_body(o, j->rq, n, seed, completions,
                      strstr(j->run->m->url, "://api.openai.com") != NULL);
}

static void notice(wire_job *j, const char *fmt, int n)
{
    const model_sink *s = j->run->sink;
    char msg[256];
    snprintf(msg, sizeof msg, fmt, n);
    if (s && s->on_notice)
        s->on_notice(s->ud, j->req, msg);
}

/* Native n that failed: the server rejected it (400), or ignored it (the
 * stream showed only index 0). The rest go as single requests, and the
 * model stops trying. */
static void on_finish(wire_job *j)
{
    const openai_stream *st = j->state;
    if (!j->native)
        return;
    http_job *hj = &j->http;
    if (hj->end == HTTP_FAILED && hj->fault == HTTP_F_STATUS && hj->status == 400) {
        j->fallback_from = 0;
        notice(j, "the server rejected n=%d in one request; sending separate "
               "requests", j->nrep);
    } else if (hj->end == HTTP_DONE && st->max_index <= 0) {
        j->fallback_from = 1;
        notice(j, "the server ignored n=%d; sending separate requests", j->nrep);
    } else {
        return;
    }
    j->run->w->native_n = 0;
    j->run->m->caps &= ~(unsigned)CAP_NATIVE_N;
}

static int native(const wire_run *run, const model_request *rq)
{
    (void)rq;
    return run->w->native_n;
}

static int status_advice(const wire_run *run, const wire_job *j, const char *smsg,
                         char *out, size_t cap)
{
    const model *m = run->m;
    int st = j->http.status;
    (void)smsg;
    if (st == 401 || st == 403) {
        if (run->w->llamacpp && !run->key)
            snprintf(out, cap, "this server wants a key: name its variable in "
                     "key_env under [llamacpp] in config.ini");
        else
            snprintf(out, cap, run->key ? "check %s (the server rejected the key)"
                                        : "set %s to your API key", key_name(m));
    } else if (st == 404) {
        snprintf(out, cap, "check the model name \"%s\" and the base URL %s (it "
                 "should end in /v1)", run->w->name, m->url);
    } else {
        return 0;
    }
    return 1;
}

/* What of --think this server cannot do, or NULL. */
static const char *think_caveat(const wire_run *run, const model_request *rq,
                                char *buf, size_t cap)
{
    const wire_model *o = run->w;
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

static const wire_kind OPENAI = {
    .backend = "openai", .key_env = "OPENAI_API_KEY", .framing = WIRE_SSE,
    .accept = "text/event-stream", .state_size = sizeof(openai_stream),
    .setup = setup, .on_unit = on_unit, .on_message = on_message,
    .on_finish = on_finish, .native = native, .caveat = think_caveat,
    .marker = "finish_reason or [DONE]", .url_hint = " (it should end in /v1)",
    .refused = "is the server running at %s? check --base-url or OPENAI_BASE_URL",
    .unreachable = "check the base URL %s and your network",
    .who = "the server", .status = status_advice,
};

/* llama-server: no key unless the config names one, and its own advice. */
static const wire_kind LLAMACPP = {
    .backend = "llamacpp", .key_env = NULL, .framing = WIRE_SSE,
    .accept = "text/event-stream", .state_size = sizeof(openai_stream),
    .setup = setup, .on_unit = on_unit, .on_message = on_message,
    .on_finish = on_finish, .native = native, .caveat = think_caveat,
    .marker = "finish_reason or [DONE]", .url_hint = " (it should end in /v1)",
    .refused = "is llama-server running? start it with `llama-server -m MODEL.gguf "
               "--port 8080`, or pass --base-url",
    .unreachable = "check the base URL %s and your network",
    .who = "the server", .status = status_advice,
};

int openai_open(model *m, int llamacpp, const char *name, char *err, size_t errlen)
{
    const char *env = llamacpp ? NULL : getenv("OPENAI_BASE_URL");
    const char *base = m->base_url[0] ? m->base_url
                     : env && *env ? env
                     : llamacpp ? "http://127.0.0.1:8080/v1" : "https://api.openai.com/v1";
    if (wire_open(m, llamacpp ? &LLAMACPP : &OPENAI, name, base, err, errlen))
        return -1;
    wire_model *o = m->impl;
    o->llamacpp = llamacpp;
    o->native_n = !llamacpp && (m->native_n == NATIVE_N_YES ||
                                (m->native_n == NATIVE_N_AUTO && strstr(m->url, "://api.openai.com")));
    m->caps = CAP_THINKING | (llamacpp ? CAP_RAW : 0) | (o->native_n ? CAP_NATIVE_N : 0);
    return 0;
}
