/* anthropic_events: see anthropic_events.h. */
#include "models/anthropic_events.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "models/json.h"
#include "models/redact.h"

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
        k->on_usage(k->ud, json_count(u, "input_tokens"), json_count(u, "output_tokens"));
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

/* A content block (suffix "": text already inside a content_block_start,
 * usually "", or a whole block of a non-streamed message) or a delta
 * (suffix "_delta"). input_json_delta (tool use) and unknown types are
 * ignored; redacted_thinking is encrypted: nothing to show. */
static void content(anthropic_ev *st, const anthropic_ev_sink *k, const cJSON *o,
                    const char *suffix)
{
    static const struct { const char *type; channel ch; const char *field; } kinds[] = {
        { "text", CH_ANSWER, "text" }, { "thinking", CH_THINKING, "thinking" },
        { "signature", CH_THINKING, NULL },
    };
    const char *type = json_str(o, "type");
    size_t sl = strlen(suffix);
    for (size_t i = 0; type && i < sizeof kinds / sizeof *kinds; i++) {
        size_t tl = strlen(kinds[i].type);
        if (strncmp(type, kinds[i].type, tl) || strcmp(type + tl, suffix))
            continue;
        if (kinds[i].field)
            text(st, k, kinds[i].ch, json_str(o, kinds[i].field));
        keep_signature(st, json_str(o, "signature"));
        return;
    }
    if (type && !sl && !strcmp(type, "redacted_thinking"))
        st->redacted++;
}

static anthropic_ev_status error_event(anthropic_ev *st, const cJSON *root)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
    const char *type = cJSON_IsObject(e) ? json_str(e, "type") : NULL;
    const char *msg = cJSON_IsObject(e) ? json_str(e, "message")
                    : cJSON_IsString(e) ? e->valuestring : NULL;
    snprintf(st->err_type, sizeof st->err_type, "%s", type ? type : "error");
    st->retryable = type && !strcmp(type, "overloaded_error");
    char words[260];
    msg = msg ? msg : "(no message)";
    redact_clip(words, sizeof words, msg, strlen(msg), 240, st->secret);
    snprintf(st->err, sizeof st->err, "%s: %s", st->err_type, words);
    return AEV_ERROR;
}

static anthropic_ev_status bad(anthropic_ev *st, const char *data, size_t len)
{
    char head[80];
    redact_clip(head, sizeof head, data, len, 60, st->secret);
    snprintf(st->err, sizeof st->err, "an event's data is not JSON (\"%s\")", head);
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
    const char *type = json_str(root, "type");
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
        long idx = json_count(root, "index");
        st->block = idx >= 0 && idx < 1 << 20 ? (int)idx : -1;
        snprintf(st->block_type, sizeof st->block_type, "%s",
                 json_str(b, "type") ? json_str(b, "type") : "");
        content(st, k, b, "");
    } else if (!strcmp(type, "content_block_delta")) {
        content(st, k, cJSON_GetObjectItemCaseSensitive(root, "delta"), "_delta");
    } else if (!strcmp(type, "content_block_stop")) {
        st->block = -1;
        st->block_type[0] = 0;
    } else if (!strcmp(type, "message_delta")) {
        stop(k, json_str(cJSON_GetObjectItemCaseSensitive(root, "delta"), "stop_reason"));
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
    const char *type = json_str(root, "type");
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
            content(st, k, b, "");
        stop(k, json_str(root, "stop_reason"));
        usage(k, cJSON_GetObjectItemCaseSensitive(root, "usage"));
    }
    cJSON_Delete(root);
    return rc;
}
