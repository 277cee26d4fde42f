/* ollama: the Ollama backend. POST {host}/api/chat, streamed as NDJSON;
 * raw prompts go to /api/generate with raw:true. n samples are n
 * concurrent requests with seeds seed, seed+1, ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "models/decode.h"
#include "models/json.h"
#include "models/redact.h"
#include "models/wire.h"

static const char *role_name(prompt_role r)
{
    return r == ROLE_SYSTEM ? "system" : r == ROLE_ASSISTANT ? "assistant" : "user";
}

static char *build_body(const wire_model *o, const model_request *rq, long long seed)
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
    cJSON_AddNumberToObject(opt, "num_predict",
                            rq->max_tokens > 0 ? rq->max_tokens : MODEL_MAX_TOKENS);
    if (seed >= 0)
        cJSON_AddNumberToObject(opt, "seed", (double)seed);
    json_add_strings(opt, "stop", rq->stop, rq->n_stop, rq->n_stop);
    return json_print_free(root);
}

int ollama_decode_line(reply *r, int *saw_done, const char *line, size_t len,
                       char *errbuf, size_t errlen)
{
    cJSON *root = json_parse(line, len);
    if (!root) {
        char head[80];
        redact_clip(head, sizeof head, line, len, 60, r->secret);
        snprintf(errbuf, errlen, "malformed stream: a line is not JSON (\"%s\")", head);
        return -1;
    }
    const char *err = json_str(root, "error");
    if (err) {
        char words[320];
        redact_clip(words, sizeof words, err, strlen(err), 300, r->secret);
        snprintf(errbuf, errlen, "the server reported an error: %s", words);
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
    if (cJSON_IsObject(msg)) {
        json_reply_text(r, CH_THINKING, msg, "thinking");
        json_reply_text(r, CH_ANSWER, msg, "content");
    }
    json_reply_text(r, CH_THINKING, root, "thinking");    /* /api/generate */
    json_reply_text(r, CH_ANSWER, root, "response");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "done"))) {
        *saw_done = 1;
        const char *why = json_str(root, "done_reason");
        reply_finish_reason(r, why && !strcmp(why, "length") ? FINISH_LENGTH
                                                             : FINISH_STOP);
        reply_usage(r, json_count(root, "prompt_eval_count"), json_count(root, "eval_count"), -1);
    }
    cJSON_Delete(root);
    return 0;
}

/* ---- the skeleton's hooks (wire.h) ---- */

static int on_unit(wire_job *j, const char *name, const char *line, size_t len)
{
    char err[4096];
    int saw_done = 0;
    (void)name;
    if (ollama_decode_line(j->replies, &saw_done, line, len, err, sizeof err)) {
        http_job_fail(&j->http, "%s", err);
        return 1;
    }
    if (saw_done)
        j->http.complete = 1;
    return 0;
}

static char *setup(wire_job *j, int n, long long seed)
{
    (void)n;
    snprintf(j->url, sizeof j->url, "%s/api/%s", j->run->m->url,
             j->rq->prompt->raw ? "generate" : "chat");
    return build_body(j->run->w, j->rq, seed);
}

static const char *caveat(const wire_run *run, const model_request *rq, char *buf, size_t cap)
{
    (void)run; (void)buf; (void)cap;
    return rq->think == THINK_BUDGET ? "Ollama has no thinking budget: --think with a "
                                       "number of tokens turns thinking on" : NULL;
}

static int status_advice(const wire_run *run, const wire_job *j, const char *smsg,
                         char *out, size_t cap)
{
    int st = j->http.status;
    if (st == 401 || st == 403)
        snprintf(out, cap, "the ollama backend sends no key; if a proxy in front of "
                 "Ollama wants one, reach Ollama directly (OLLAMA_HOST or --base-url)");
    else if (st == 404 && (strstr(smsg, "not found") || !smsg[0]))
        snprintf(out, cap, "try `ollama pull %s`", run->w->name);
    else if (st >= 500)
        snprintf(out, cap, "Ollama keeps failing; check `ollama ps` and its log");
    else
        return 0;
    return 1;
}

static const wire_kind OLLAMA = {
    .backend = "ollama", .key_env = NULL, .framing = WIRE_NDJSON,
    .accept = "application/x-ndjson", .setup = setup, .on_unit = on_unit,
    .caveat = caveat, .marker = "\"done\":true line", .url_hint = "",
    .refused = "is Ollama running? try `ollama serve`, or set OLLAMA_HOST",
    .unreachable = "check OLLAMA_HOST or --base-url (%s)",
    .who = "Ollama", .status = status_advice,
};

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
    char url[sizeof m->url];
    if (m->base_url[0])
        snprintf(url, sizeof url, "%s", m->base_url);
    else
        host_url(url, sizeof url, getenv("OLLAMA_HOST"));
    if (wire_open(m, &OLLAMA, name, url, err, errlen))
        return -1;
    m->caps = CAP_RAW | CAP_THINKING;
    return 0;
}
