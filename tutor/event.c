/* event: construction, copying and the JSON Lines form of run events. */
#include "tutor/event.h"
#include "tutor/mem.h"
#include "tutor/traits.h"
#include "tutor/utf8.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

event event_make(event_kind kind)
{
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.node = -1;
    ev.parent = -1;
    ev.seed = -1;
    ev.confidence = -1;
    return ev;
}

event *event_dup(const event *ev)
{
    event *d = mem_alloc(sizeof *d);
    *d = *ev;
    d->text = mem_strdup(ev->text);
    d->answer = mem_strdup(ev->answer);
    d->strategy = mem_strdup(ev->strategy);
    d->model = mem_strdup(ev->model);
    tally_copy(&d->votes, &ev->votes);
    return d;
}

/* The one place an event's const strings are freed: only an owned event
 * (event_dup, event_from_json) reaches here, and its strings came from
 * mem_strdup or dup_field, so casting const away is sound. */
static void owned_free(const char *s)
{
    free((char *)s);
}

void event_clear(event *ev)
{
    if (!ev)
        return;
    owned_free(ev->text);
    owned_free(ev->answer);
    owned_free(ev->strategy);
    owned_free(ev->model);
    tally_done(&ev->votes);
    *ev = event_make(ev->kind);
}

void event_free(event *ev)
{
    if (!ev)
        return;
    event_clear(ev);
    free(ev);
}

/* ---- names ---- */

static const char *const kind_names[EV__COUNT] = {
    "run_start", "node_add", "text", "score", "status",
    "vote", "usage", "error", "notice", "done",
};
static const char *const node_kind_names[] = { "root", "step", "sample", "thought", "answer" };
static const char *const status_names[] = {
    "streaming", "done", "pruned", "chosen", "failed", "cancelled", "truncated",
};
static const char *const run_names[] = {
    "ok", "no_answer", "cancelled", "failed", "no_solution_found",
};
static const char *const channel_names[] = { "thinking", "answer" };
static const char *const check_names[] = { "none", "ok", "wrong", "unsupported" };

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NAME_OF(table, i) ((int)(i) >= 0 && (int)(i) < COUNT(table) ? (table)[i] : "?")

const char *event_kind_name(event_kind k) { return NAME_OF(kind_names, k); }
const char *node_kind_name(node_kind k) { return NAME_OF(node_kind_names, k); }
const char *node_status_name(node_status s) { return NAME_OF(status_names, s); }
const char *run_status_name(run_status s) { return NAME_OF(run_names, s); }
const char *check_verdict_name(check_verdict c) { return NAME_OF(check_names, c); }

/* Index of name in table, or -1. */
static int lookup(const char *const *table, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(table[i], name) == 0)
            return i;
    return -1;
}

/* ---- UTF-8 ---- */

/* A copy of s that is valid UTF-8 (tutor/utf8.c: invalid bytes become
 * U+FFFD; cJSON escapes the controls). Caller frees. */
static char *json_text(const char *s)
{
    size_t len = strlen(s);
    char *out = mem_alloc(3 * len + 1);
    utf8_repair(out, s, len);
    return out;
}

/* ---- to JSON ---- */

static void add_str(cJSON *o, const char *key, const char *s)
{
    if (!s)
        return;
    char *clean = json_text(s);
    cJSON_AddStringToObject(o, key, clean);
    free(clean);
}

/* A bit set as an array of names; bits without a name are left out. */
static void add_bits(cJSON *o, const char *key, unsigned bits, const char *(*name)(unsigned))
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (unsigned b = 1; a && b; b <<= 1)
        if ((bits & b) && name(b))
            cJSON_AddItemToArray(a, cJSON_CreateString(name(b)));
}

/* Integers go through Raw so 64-bit values print exactly. */
static void add_int(cJSON *o, const char *key, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    cJSON_AddRawToObject(o, key, buf);
}

static void add_votes(cJSON *o, const tally *t)
{
    cJSON *v = cJSON_AddObjectToObject(o, "votes");
    for (int i = 0; i < t->n; i++) {
        char *clean = json_text(t->e[i].answer ? t->e[i].answer : "");
        add_int(v, clean, t->e[i].count);
        free(clean);
    }
    if (!t->weighted)
        return;
    cJSON *w = cJSON_AddObjectToObject(o, "weights");
    for (int i = 0; i < t->n; i++) {
        char *clean = json_text(t->e[i].answer ? t->e[i].answer : "");
        cJSON_AddNumberToObject(w, clean, t->e[i].weight);
        free(clean);
    }
}

static void add_scores(cJSON *o, const node_scores *s)
{
    if (s->has & SCORE_VALUE) cJSON_AddNumberToObject(o, "value", s->value);
    if (s->has & SCORE_PRM) cJSON_AddNumberToObject(o, "prm", s->prm);
    if (s->has & SCORE_ORM) cJSON_AddNumberToObject(o, "orm", s->orm);
    if (s->has & SCORE_VISITS) add_int(o, "visits", s->visits);
    if (s->has & SCORE_W) cJSON_AddNumberToObject(o, "w", s->w);
    if (s->has & SCORE_LOGPROB) cJSON_AddNumberToObject(o, "logprob", s->logprob);
    if (s->has & SCORE_CHECK)
        cJSON_AddStringToObject(o, "check", check_verdict_name(s->check));
}

char *event_to_json(const event *ev)
{
    return event_to_json_at(ev, -1);
}

char *event_to_json_at(const event *ev, long t_ms)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "event", event_kind_name(ev->kind));
    switch (ev->kind) {
    case EV_RUN_START:
        add_str(o, "problem", ev->text ? ev->text : "");
        add_str(o, "strategy", ev->strategy);
        add_str(o, "model", ev->model);
        add_int(o, "n", ev->n);
        cJSON_AddNumberToObject(o, "temperature", ev->temperature);
        if (ev->seed != -1)
            add_int(o, "seed", ev->seed);
        if (ev->task == 1)
            cJSON_AddStringToObject(o, "task", "24");
        if (ev->has_traits) {
            add_bits(o, "traits", ev->strategy_traits, strategy_trait_name);
            add_bits(o, "model_caps", ev->model_caps, model_cap_name);
        }
        break;
    case EV_NODE_ADD:
        add_int(o, "node", ev->node);
        add_int(o, "parent", ev->parent);
        cJSON_AddStringToObject(o, "kind", node_kind_name(ev->nkind));
        add_str(o, "label", ev->text);
        break;
    case EV_TEXT:
        add_int(o, "node", ev->node);
        cJSON_AddStringToObject(o, "channel", NAME_OF(channel_names, ev->ch));
        add_str(o, "delta", ev->text ? ev->text : "");
        add_int(o, "tokens", ev->tokens);
        break;
    case EV_SCORE:
        add_int(o, "node", ev->node);
        add_scores(o, &ev->scores);
        if (ev->text)
            add_str(o, "mark", ev->text);
        break;
    case EV_STATUS:
        add_int(o, "node", ev->node);
        cJSON_AddStringToObject(o, "status", node_status_name(ev->status));
        if (ev->answer && *ev->answer)
            add_str(o, "answer", ev->answer);
        if (ev->text && *ev->text)
            add_str(o, "reason", ev->text);
        break;
    case EV_VOTE:
        add_int(o, "node", ev->node);
        if (ev->answer && *ev->answer)
            add_str(o, "answer", ev->answer);
        add_votes(o, &ev->votes);
        add_int(o, "no_answer", ev->votes.no_answer);
        break;
    case EV_USAGE:
        add_int(o, "tokens_in", ev->tokens_in);
        add_int(o, "tokens_out", ev->tokens_out);
        add_int(o, "thinking_tokens", ev->thinking_tokens);
        break;
    case EV_ERROR:
        add_int(o, "node", ev->node);
        add_str(o, "message", ev->text ? ev->text : "");
        cJSON_AddBoolToObject(o, "retryable", ev->retryable != 0);
        break;
    case EV_NOTICE:
        add_int(o, "node", ev->node);
        add_str(o, "message", ev->text ? ev->text : "");
        break;
    case EV_DONE:
        add_str(o, "answer", ev->answer ? ev->answer : "");
        cJSON_AddStringToObject(o, "status", run_status_name(ev->run));
        if (ev->has_votes) {
            add_votes(o, &ev->votes);
            if (ev->votes.no_answer > 0)
                add_int(o, "no_answer", ev->votes.no_answer);
        }
        if (ev->confidence >= 0)
            cJSON_AddNumberToObject(o, "confidence", ev->confidence);
        add_int(o, "tokens_in", ev->tokens_in);
        add_int(o, "tokens_out", ev->tokens_out);
        add_int(o, "thinking_tokens", ev->thinking_tokens);
        add_int(o, "elapsed_ms", ev->elapsed_ms);
        if (ev->saved > 0)
            add_int(o, "saved", ev->saved);
        if (ev->guess)
            cJSON_AddBoolToObject(o, "guess", 1);
        break;
    case EV__COUNT:
        break;
    }
    if (t_ms >= 0)
        add_int(o, "t", t_ms);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* ---- from JSON ---- */

static const char *get_str(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int has_num(const cJSON *o, const char *key)
{
    return cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double get_num(const cJSON *o, const char *key, double def)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(it) && isfinite(it->valuedouble) ? it->valuedouble : def;
}

/* An integer field, clamped to [lo, hi] (a double out of range is UB to cast). */
static long long get_int(const cJSON *o, const char *key, long long def, double lo, double hi)
{
    double d = get_num(o, key, (double)def);
    if (d < lo) d = lo;
    if (d > hi) d = hi;
    return (long long)d;
}

#define GET_INT(o, key, def) ((int)get_int(o, key, def, -2147483647.0, 2147483647.0))
#define LONG_LIM (sizeof(long) > 4 ? 9.0e18 : 2147483647.0)
#define GET_LONG(o, key, def) ((long)get_int(o, key, def, -LONG_LIM, LONG_LIM))

/* Dup of a string field; "" counts as absent when empty_is_null. */
static char *dup_field(const cJSON *o, const char *key, int empty_is_null)
{
    const char *s = get_str(o, key);
    if (!s || (empty_is_null && !*s))
        return NULL;
    return mem_strdup(s);
}

/* Counts from a file are untrusted: a sum stops at INT_MAX, never wraps. */
static int add_count(int a, int b)
{
    return a > INT_MAX - b ? INT_MAX : a + b;
}

/* A weight as the tally keeps one: finite, 0 to WEIGHT_MAX (the UI scales
 * weights to draw bars; a 1e308 must not overflow there). */
#define WEIGHT_MAX 1e9

static int by_answer(const void *a, const void *b)
{
    const tally_entry *x = *(tally_entry *const *)a, *y = *(tally_entry *const *)b;
    int c = strcmp(x->answer, y->answer);
    return c ? c : (x->first > y->first) - (x->first < y->first);
}

/* Each entry's weight is the first "weights" member named like its answer
 * (0 when that member is not a number), as a lookup by name would give,
 * but in O(n log n): entries sorted by answer, each member found by
 * binary search, instead of a scan of the object per entry. */
static void read_weights(const cJSON *w, tally *t)
{
    tally_entry **idx = mem_alloc((size_t)t->n * sizeof *idx);
    char *seen = mem_alloc((size_t)t->n);
    const cJSON *it;
    memset(seen, 0, (size_t)t->n);
    for (int i = 0; i < t->n; i++)
        idx[i] = &t->e[i];
    qsort(idx, (size_t)t->n, sizeof *idx, by_answer);
    cJSON_ArrayForEach(it, w) {
        if (!it->string)
            continue;
        int lo = 0, hi = t->n;          /* the first entry >= it->string */
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (strcmp(idx[mid]->answer, it->string) < 0) lo = mid + 1;
            else hi = mid;
        }
        double x = cJSON_IsNumber(it) && isfinite(it->valuedouble) ? it->valuedouble : 0;
        x = x < 0 ? 0 : x > WEIGHT_MAX ? WEIGHT_MAX : x;
        for (int k = lo; k < t->n && !strcmp(idx[k]->answer, it->string); k++) {
            int at = (int)(idx[k] - t->e);
            if (!seen[at]) {
                seen[at] = 1;
                idx[k]->weight = x;
            }
        }
    }
    free(seen);
    free(idx);
}

static void read_votes(const cJSON *o, tally *t)
{
    tally_init(t);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "votes");
    const cJSON *it;
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsObject(v) || n <= 0)
        goto tail;
    t->e = mem_alloc((size_t)n * sizeof *t->e);
    t->cap = n;
    cJSON_ArrayForEach(it, v) {
        if (!it->string || !cJSON_IsNumber(it))
            continue;
        double c = it->valuedouble;
        int count = c >= 0 && c < 2147483647.0 ? (int)c : 0;
        t->e[t->n] = (tally_entry){ mem_strdup(it->string), count, t->n, count };
        t->total = add_count(t->total, count);
        t->n++;
    }
    /* Weighted votes carry their weights beside the counts. */
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "weights");
    if (cJSON_IsObject(w)) {
        t->weighted = 1;
        for (int i = 0; i < t->n; i++)
            t->e[i].weight = 0;
        if (t->n > 0)
            read_weights(w, t);
    }
tail:
    t->no_answer = GET_INT(o, "no_answer", 0);
    if (t->no_answer < 0)
        t->no_answer = 0;
    t->total = add_count(t->total, t->no_answer);
}

/* An array of names back into bits; unknown names are ignored. Returns 0
 * when the key is absent (an older transcript). */
static int read_bits(const cJSON *o, const char *key, unsigned (*bit)(const char *),
                     unsigned *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *it;
    *out = 0;
    if (!cJSON_IsArray(a))
        return 0;
    cJSON_ArrayForEach(it, a)
        if (cJSON_IsString(it))
            *out |= bit(it->valuestring);
    return 1;
}

static void read_scores(const cJSON *o, node_scores *s)
{
    memset(s, 0, sizeof *s);
    if (has_num(o, "value")) { s->has |= SCORE_VALUE; s->value = get_num(o, "value", 0); }
    if (has_num(o, "prm")) { s->has |= SCORE_PRM; s->prm = get_num(o, "prm", 0); }
    if (has_num(o, "orm")) { s->has |= SCORE_ORM; s->orm = get_num(o, "orm", 0); }
    if (has_num(o, "visits")) { s->has |= SCORE_VISITS; s->visits = GET_INT(o, "visits", 0); }
    if (has_num(o, "w")) { s->has |= SCORE_W; s->w = get_num(o, "w", 0); }
    if (has_num(o, "logprob")) { s->has |= SCORE_LOGPROB; s->logprob = get_num(o, "logprob", 0); }
    const char *check = get_str(o, "check");
    if (check) {
        int i = lookup(check_names, COUNT(check_names), check);
        if (i >= 0) { s->has |= SCORE_CHECK; s->check = (check_verdict)i; }
    }
}

int event_from_json(const char *line, event *out)
{
    return event_from_json_at(line, out, NULL);
}

int event_from_json_at(const char *line, event *out, long *t_ms)
{
    if (t_ms)
        *t_ms = -1;
    if (!line || !out)
        return -1;
    cJSON *o = cJSON_Parse(line);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return -1;
    }
    int kind = lookup(kind_names, EV__COUNT, get_str(o, "event"));
    if (kind < 0) {
        cJSON_Delete(o);
        return -1;
    }
    event ev = event_make((event_kind)kind);
    ev.node = GET_INT(o, "node", -1);
    int i;
    switch (ev.kind) {
    case EV_RUN_START:
        ev.text = dup_field(o, "problem", 0);
        ev.strategy = dup_field(o, "strategy", 0);
        ev.model = dup_field(o, "model", 0);
        ev.n = GET_INT(o, "n", 0);
        ev.temperature = get_num(o, "temperature", 0);
        ev.seed = get_int(o, "seed", -1, -9.2e18, 9.2e18);
        ev.task = get_str(o, "task") && !strcmp(get_str(o, "task"), "24");
        ev.has_traits = read_bits(o, "traits", strategy_trait_bit, &ev.strategy_traits);
        read_bits(o, "model_caps", model_cap_bit, &ev.model_caps);
        break;
    case EV_NODE_ADD:
        ev.parent = GET_INT(o, "parent", -1);
        i = lookup(node_kind_names, COUNT(node_kind_names), get_str(o, "kind"));
        ev.nkind = i < 0 ? NODE_STEP : (node_kind)i;
        ev.text = dup_field(o, "label", 0);
        break;
    case EV_TEXT:
        i = lookup(channel_names, COUNT(channel_names), get_str(o, "channel"));
        ev.ch = i < 0 ? CH_ANSWER : (channel)i;
        ev.text = dup_field(o, "delta", 0);
        ev.tokens = GET_INT(o, "tokens", 0);
        break;
    case EV_SCORE:
        read_scores(o, &ev.scores);
        ev.text = dup_field(o, "mark", 1);
        break;
    case EV_STATUS:
        i = lookup(status_names, COUNT(status_names), get_str(o, "status"));
        ev.status = i < 0 ? NS_DONE : (node_status)i;
        ev.answer = dup_field(o, "answer", 1);
        ev.text = dup_field(o, "reason", 1);
        break;
    case EV_VOTE:
        ev.answer = dup_field(o, "answer", 1);
        read_votes(o, &ev.votes);
        ev.has_votes = 1;
        break;
    case EV_USAGE:
    case EV_DONE:
        ev.tokens_in = GET_LONG(o, "tokens_in", 0);
        ev.tokens_out = GET_LONG(o, "tokens_out", 0);
        ev.thinking_tokens = GET_LONG(o, "thinking_tokens", 0);
        if (ev.kind == EV_USAGE)
            break;
        ev.answer = dup_field(o, "answer", 1);
        i = lookup(run_names, COUNT(run_names), get_str(o, "status"));
        ev.run = i < 0 ? RUN_OK : (run_status)i;
        if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "votes"))) {
            read_votes(o, &ev.votes);
            ev.has_votes = 1;
        }
        ev.confidence = get_num(o, "confidence", -1);
        ev.elapsed_ms = GET_LONG(o, "elapsed_ms", 0);
        ev.saved = GET_INT(o, "saved", 0);
        ev.guess = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "guess"));
        break;
    case EV_ERROR:
        ev.text = dup_field(o, "message", 0);
        ev.retryable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "retryable"));
        break;
    case EV_NOTICE:
        ev.text = dup_field(o, "message", 0);
        break;
    case EV__COUNT:
        break;
    }
    if (t_ms && has_num(o, "t"))
        *t_ms = GET_LONG(o, "t", -1) >= 0 ? GET_LONG(o, "t", -1) : -1;
    cJSON_Delete(o);
    *out = ev;
    return 0;
}
