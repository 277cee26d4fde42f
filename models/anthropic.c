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
#include <cjson/cJSON.h>
#include "models/anthropic_events.h"
#include "models/json.h"
#include "models/wire.h"

#define API_VERSION "2023-06-01"
#define MIN_BUDGET 1024

/* The decoder's state in each job (wire_job.state). */
typedef struct {
    anthropic_ev ev;
    int thinking;               /* the request asked for extended thinking */
    long out_tokens;            /* usage.output_tokens, -1 unknown */
} an_state;

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
static char *build_body(const wire_model *o, const model_request *rq)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", o->name);
    int budget = think_budget(rq);
    int max = rq->max_tokens > 0 ? rq->max_tokens : MODEL_MAX_TOKENS;
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
    json_add_strings(root, "stop_sequences", rq->stop, rq->n_stop, rq->n_stop);
    return json_print_free(root);
}

/* ---- the stream: the skeleton's hooks (wire.h) ---- */

static void ev_text(void *ud, channel ch, const char *s, size_t n)
{
    wire_job *j = ud;
    reply_text(j->replies, ch, s, n);
}

static void ev_stop(void *ud, model_finish why)
{
    wire_job *j = ud;
    reply_finish_reason(j->replies, why);
}

static void ev_usage(void *ud, long in, long out)
{
    wire_job *j = ud;
    an_state *st = j->state;
    reply_usage(j->replies, in, out, -1);
    if (out >= 0)
        st->out_tokens = out;
}

static anthropic_ev_sink sink_for(wire_job *j)
{
    anthropic_ev_sink k = { .ud = j, .on_text = ev_text, .on_stop = ev_stop,
                            .on_usage = ev_usage };
    return k;
}

/* Acts on the decoder's verdict; nonzero stops the transfer. */
static int verdict(wire_job *j, anthropic_ev_status v)
{
    const anthropic_ev *ev = &((an_state *)j->state)->ev;
    switch (v) {
    case AEV_OK:
        return 0;
    case AEV_END:
        j->http.complete = 1;
        return 0;
    case AEV_ERROR:
        /* Overloaded before any text: nothing shown yet, so the whole
         * request can be sent again. After text, retrying would repeat it. */
        if (ev->retryable && !j->replies->has_text)
            return http_job_retry(&j->http, "the server is overloaded (%s)", ev->err);
        http_job_fail(&j->http, "the server reported an error: %s%s", ev->err,
                      ev->retryable ? "; the text so far is kept; try again later" : "");
        return 1;
    case AEV_BAD:
        http_job_fail(&j->http, "malformed stream: %s", ev->err);
        return 1;
    }
    return 1;
}

static int on_unit(wire_job *j, const char *name, const char *data, size_t len)
{
    an_state *st = j->state;
    anthropic_ev_sink sink = sink_for(j);
    return verdict(j, anthropic_ev_feed(&st->ev, name, data, len, &sink));
}

static int on_message(wire_job *j, const char *data, size_t len)
{
    an_state *st = j->state;
    anthropic_ev_sink sink = sink_for(j);
    anthropic_ev_status v = anthropic_ev_message(&st->ev, data, len, &sink);
    if (v == AEV_END)
        return 0;
    http_job_fail(&j->http, "%s: %s", v == AEV_ERROR ? "the server reported an error"
                  : "malformed reply", st->ev.err);
    return -1;
}

static void state_init(wire_job *j)
{
    an_state *st = j->state;
    anthropic_ev_init(&st->ev);
    st->ev.secret = j->run->key;
    st->out_tokens = -1;
    st->thinking = think_budget(j->rq) > 0;
}

static void state_done(wire_job *j)
{
    anthropic_ev_done(&((an_state *)j->state)->ev);
}

static void on_restart(wire_job *j)
{
    state_done(j);
    state_init(j);
}

static char *setup(wire_job *j, int n, long long seed)
{
    (void)n; (void)seed;
    state_init(j);
    snprintf(j->url, sizeof j->url, "%s/v1/messages", j->run->m->url);
    return build_body(j->run->w, j->rq);
}

/* output_tokens shared out by bytes (see the top of the file). */
static void on_finish(wire_job *j)
{
    const an_state *st = j->state;
    size_t t = st->ev.thinking_bytes, a = st->ev.text_bytes;
    if (st->out_tokens >= 0 && t + a > 0)
        reply_usage(j->replies, -1, -1, (long)((double)st->out_tokens * (double)t /
                                               (double)(t + a) + 0.5));
}

static int status_advice(const wire_run *run, const wire_job *j, const char *smsg,
                         char *out, size_t cap)
{
    const model *m = run->m;
    const an_state *st = j->state;
    int s = j->http.status;
    if (s == 401)
        snprintf(out, cap, run->key ? "check %s (the server rejected the key)"
                                    : "set %s to your Anthropic API key", key_name(m));
    else if (s == 403)
        snprintf(out, cap, "the key in %s may not use this model or endpoint; check "
                 "your Anthropic console", key_name(m));
    else if (s == 404)
        snprintf(out, cap, "check the model name \"%s\" (for example "
                 "anthropic:claude-sonnet-4-5) and the base URL %s", run->w->name, m->url);
    else if (s == 400 && st->thinking && (strstr(smsg, "thinking") || strstr(smsg, "Thinking")))
        snprintf(out, cap, "this model rejected extended thinking; try --think off, "
                 "or a model that supports thinking");
    else if (s == 529)
        snprintf(out, cap, "Anthropic is overloaded; try again later");
    else
        return 0;
    return 1;
}

static const wire_kind ANTHROPIC = {
    .backend = "anthropic", .key_env = "ANTHROPIC_API_KEY", .framing = WIRE_SSE,
    .accept = "text/event-stream", .state_size = sizeof(an_state),
    .setup = setup, .done = state_done, .on_unit = on_unit, .on_message = on_message,
    .on_restart = on_restart, .on_finish = on_finish,
    .key_header = "x-api-key: ", .extra_header = "anthropic-version: " API_VERSION,
    .marker = "message_stop", .url_hint = "",
    .refused = "is the server running at %s? check --base-url",
    .unreachable = "check the base URL %s and your network",
    .who = "the server", .status = status_advice,
};

int anthropic_open(model *m, const char *name, char *err, size_t errlen)
{
    const char *base = m->base_url[0] ? m->base_url : "https://api.anthropic.com";
    if (wire_check_url(base, 0, 0, "anthropic", err, errlen))
        return -1;              /* its form first; the key's rule in wire_open */
    char url[sizeof m->url];
    snprintf(url, sizeof url, "%s", base);
    for (size_t k = strlen(url); k && url[k - 1] == '/'; k--)
        url[k - 1] = 0;
    size_t len = strlen(url);   /* the path adds /v1: take a base that has it */
    if (len >= 3 && !strcmp(url + len - 3, "/v1"))
        url[len - 3] = 0;
    if (!wire_key(m, &ANTHROPIC) && !wire_local(url)) {
        snprintf(err, errlen, "anthropic:%s needs an API key: set %s, or name a key_file in "
                 "config.ini's [anthropic] (keys never go on the command line)", name,
                 key_name(m));
        return -1;
    }
    if (wire_open(m, &ANTHROPIC, name, url, err, errlen))
        return -1;
    m->caps = CAP_THINKING;
    return 0;
}
