/* anthropic_events: see anthropic_events.h. */
#include "models/anthropic_events.h"
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "models/json.h"
#include "tutor/utf8.h"

void anthropic_ev_init(anthropic_ev *st)
{
    memset(st, 0, sizeof *st);
    st->block = -1;
}

void anthropic_ev_done(anthropic_ev *st)
{
    free(st->signature);
    st->signature = NULL;
    st->signature_len = 0;
}

model_finish anthropic_ev_finish(const char *stop_reason)
{
    return stop_reason && !strcmp(stop_reason, "max_tokens") ? FINISH_LENGTH
                                                             : FINISH_STOP;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A count or index from the server: -1 when missing or negative, capped at
 * INT_MAX (a double out of long's range is undefined to convert; fuzzing
 * found "output_tokens": 1e308). */
static long num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0))
        return -1;
    return v->valuedouble > INT_MAX ? INT_MAX : (long)v->valuedouble;
}

static void text(anthropic_ev *st, const anthropic_ev_sink *k, channel ch,
                 const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n)
        return;
    if (ch == CH_THINKING)
        st->thinking_bytes += n;
    else
        st->text_bytes += n;
    if (k && k->on_text)
        k->on_text(k->ud, ch, s, n);
}

static void usage(const anthropic_ev_sink *k, const cJSON *u)
{
    if (cJSON_IsObject(u) && k && k->on_usage)
        k->on_usage(k->ud, num(u, "input_tokens"), num(u, "output_tokens"));
}

static void stop(const anthropic_ev_sink *k, const char *why)
{
    if (why && k && k->on_stop)
        k->on_stop(k->ud, anthropic_ev_finish(why));
}

/* The signature proves the thinking to the API if it is sent back; ponder
 * never does, but keeps it whole rather than lose it. Capped at 1 MiB. */
static void keep_signature(anthropic_ev *st, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || st->signature_len + n > (1u << 20))
        return;
    char *nb = realloc(st->signature, st->signature_len + n + 1);
    if (!nb)
        return;
    memcpy(nb + st->signature_len, s, n + 1);
    st->signature = nb;
    st->signature_len += n;
}

/* Text already inside a content_block_start (usually ""), or a whole
 * block of a non-streamed message. */
static void block_text(anthropic_ev *st, const anthropic_ev_sink *k, const cJSON *b)
{
    const char *type = str(b, "type");
    if (!type)
        return;
    if (!strcmp(type, "text"))
        text(st, k, CH_ANSWER, str(b, "text"));
    else if (!strcmp(type, "thinking")) {
        text(st, k, CH_THINKING, str(b, "thinking"));
        keep_signature(st, str(b, "signature"));
    } else if (!strcmp(type, "redacted_thinking"))
        st->redacted++;         /* encrypted: nothing to show */
}

static void on_delta(anthropic_ev *st, const anthropic_ev_sink *k, const cJSON *d)
{
    const char *type = str(d, "type");
    if (!type)
        return;
    if (!strcmp(type, "text_delta"))
        text(st, k, CH_ANSWER, str(d, "text"));
    else if (!strcmp(type, "thinking_delta"))
        text(st, k, CH_THINKING, str(d, "thinking"));
    else if (!strcmp(type, "signature_delta"))
        keep_signature(st, str(d, "signature"));
    /* input_json_delta (tool use) and unknown deltas: ignored. */
}

static anthropic_ev_status error_event(anthropic_ev *st, const cJSON *root)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
    const char *type = cJSON_IsObject(e) ? str(e, "type") : NULL;
    const char *msg = cJSON_IsObject(e) ? str(e, "message")
                    : cJSON_IsString(e) ? e->valuestring : NULL;
    snprintf(st->err_type, sizeof st->err_type, "%s", type ? type : "error");
    st->retryable = type && !strcmp(type, "overloaded_error");
    char *clean = utf8_sanitize(msg ? msg : "(no message)",
                                strlen(msg ? msg : "(no message)"), NULL);
    snprintf(st->err, sizeof st->err, "%s: %.240s", st->err_type,
             clean ? clean : "?");
    free(clean);
    return AEV_ERROR;
}

static anthropic_ev_status bad(anthropic_ev *st, const char *data, size_t len)
{
    char *clean = utf8_sanitize(data, len < 60 ? len : 60, NULL);
    snprintf(st->err, sizeof st->err, "an event's data is not JSON "
             "(\"%s%s\")", clean ? clean : "", len > 60 ? "..." : "");
    free(clean);
    return AEV_BAD;
}

anthropic_ev_status anthropic_ev_feed(anthropic_ev *st, const char *name,
                                      const char *data, size_t len,
                                      const anthropic_ev_sink *k)
{
    st->events++;
    cJSON *root = json_parse(data, len);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        /* Only a ping may come without JSON and still mean nothing. */
        return name && !strcmp(name, "ping") ? AEV_OK : bad(st, data, len);
    }
    const char *type = str(root, "type");
    if (!type)
        type = name ? name : "";
    anthropic_ev_status rc = AEV_OK;
    if (!strcmp(type, "error")) {
        rc = error_event(st, root);
    } else if (!strcmp(type, "message_start")) {
        st->started = 1;
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
        usage(k, cJSON_GetObjectItemCaseSensitive(m, "usage"));
    } else if (!strcmp(type, "content_block_start")) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "content_block");
        long idx = num(root, "index");
        st->block = idx >= 0 && idx < 1 << 20 ? (int)idx : -1;
        snprintf(st->block_type, sizeof st->block_type, "%s",
                 str(b, "type") ? str(b, "type") : "");
        block_text(st, k, b);
    } else if (!strcmp(type, "content_block_delta")) {
        on_delta(st, k, cJSON_GetObjectItemCaseSensitive(root, "delta"));
    } else if (!strcmp(type, "content_block_stop")) {
        st->block = -1;
        st->block_type[0] = 0;
    } else if (!strcmp(type, "message_delta")) {
        stop(k, str(cJSON_GetObjectItemCaseSensitive(root, "delta"), "stop_reason"));
        usage(k, cJSON_GetObjectItemCaseSensitive(root, "usage"));
    } else if (!strcmp(type, "message_stop")) {
        st->ended = 1;
        rc = AEV_END;
    }
    /* ping and unknown types: nothing to do. */
    cJSON_Delete(root);
    return rc;
}

anthropic_ev_status anthropic_ev_message(anthropic_ev *st, const char *data,
                                         size_t len, const anthropic_ev_sink *k)
{
    cJSON *root = json_parse(data, len);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return bad(st, data, len);
    }
    anthropic_ev_status rc = AEV_END;
    const char *type = str(root, "type");
    if (type && !strcmp(type, "error")) {
        rc = error_event(st, root);
    } else if (!type || strcmp(type, "message")) {
        snprintf(st->err, sizeof st->err, "the reply is JSON but not a "
                 "message (type \"%.40s\")", type ? type : "none");
        rc = AEV_BAD;
    } else {
        const cJSON *b;
        st->started = st->ended = 1;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(root, "content"))
            block_text(st, k, b);
        stop(k, str(root, "stop_reason"));
        usage(k, cJSON_GetObjectItemCaseSensitive(root, "usage"));
    }
    cJSON_Delete(root);
    return rc;
}
