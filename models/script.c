/* script: see script.h. */
#include "models/script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "models/model.h"

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
} loader;

static int fail(const loader *l, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "scripted model file %s: %s", l->path, msg);
    return -1;
}

#define SCRIPT_MAX_BYTES (16u << 20)    /* /dev/zero, a FIFO: never read forever */

/* The whole file as a string; caller frees. */
static char *slurp(const loader *l, size_t *len)
{
    FILE *f = fopen(l->path, "rb");
    if (!f) {
        fail(l, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        if (cap > SCRIPT_MAX_BYTES) {
            free(buf);
            fclose(f);
            fail(l, "larger than %u MB; is it a device or a pipe rather than a "
                 "JSON file?", SCRIPT_MAX_BYTES >> 20);
            return NULL;
        }
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        fail(l, buf ? "cannot read" : "out of memory");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Fails unless every key of obj is in the NULL-terminated list. */
static int known_keys(const loader *l, const cJSON *obj, const char *const *keys,
                      const char *where)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        int ok = 0;
        for (int i = 0; keys[i] && !ok; i++)
            ok = !strcmp(c->string, keys[i]);
        if (!ok)
            return fail(l, "%s: unknown key \"%s\"", where, c->string);
    }
    return 0;
}

/* *out = a copy of obj[key] if present; fails if it is not a string. */
static int opt_string(const loader *l, const cJSON *obj, const char *key,
                      char **out, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!cJSON_IsString(v))
        return fail(l, "%s: \"%s\" must be a string", where, key);
    *out = strdup(v->valuestring);
    return *out ? 0 : fail(l, "out of memory");
}

static int parse_reply(const loader *l, const cJSON *j, script_reply *r, const char *where)
{
    static const char *const keys[] = { "text", "logprob", NULL };
    if (cJSON_IsString(j)) {
        r->text = strdup(j->valuestring);
        return r->text ? 0 : fail(l, "out of memory");
    }
    if (!cJSON_IsObject(j))
        return fail(l, "%s: a reply is a string or {\"text\": ..., \"logprob\": ...}", where);
    if (known_keys(l, j, keys, where) || opt_string(l, j, "text", &r->text, where))
        return -1;
    if (!r->text)
        return fail(l, "%s: a reply object needs \"text\"", where);
    const cJSON *lp = cJSON_GetObjectItemCaseSensitive(j, "logprob");
    if (lp && !cJSON_IsNumber(lp))
        return fail(l, "%s: \"logprob\" must be a number", where);
    r->has_logprob = lp != NULL;
    r->logprob = lp ? lp->valuedouble : 0;
    return 0;
}

static int parse_rule(const loader *l, const cJSON *j, script_rule *r, int index)
{
    static const char *const keys[] = { "prefix", "suffix", "contains", "replies",
                                        "thinking", "error", NULL };
    char where[48];
    snprintf(where, sizeof where, "rules[%d]", index);
    if (!cJSON_IsObject(j))
        return fail(l, "%s: a rule is an object", where);
    if (known_keys(l, j, keys, where)
        || opt_string(l, j, "prefix", &r->prefix, where)
        || opt_string(l, j, "suffix", &r->suffix, where)
        || opt_string(l, j, "contains", &r->contains, where)
        || opt_string(l, j, "thinking", &r->thinking, where)
        || opt_string(l, j, "error", &r->error, where))
        return -1;
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(j, "replies");
    if (!rs && !r->error)
        return fail(l, "%s needs \"replies\" or \"error\"", where);
    if (rs && r->error)
        return fail(l, "%s has both \"replies\" and \"error\"; give one", where);
    if (!rs)
        return 0;
    if (!cJSON_IsArray(rs) || cJSON_GetArraySize(rs) == 0)
        return fail(l, "%s: \"replies\" must be a non-empty array", where);
    r->n_replies = cJSON_GetArraySize(rs);
    r->replies = calloc((size_t)r->n_replies, sizeof *r->replies);
    if (!r->replies)
        return fail(l, "out of memory");
    int i = 0;
    for (const cJSON *c = rs->child; c; c = c->next, i++) {
        char rwhere[80];
        snprintf(rwhere, sizeof rwhere, "%s.replies[%d]", where, i);
        if (parse_reply(l, c, &r->replies[i], rwhere))
            return -1;
    }
    return 0;
}

static int parse_caps(const loader *l, const cJSON *j, unsigned *caps)
{
    static const struct { const char *name; unsigned cap; } table[] = {
        { "raw", CAP_RAW }, { "logprobs", CAP_LOGPROBS }, { "native_n", CAP_NATIVE_N },
        { "thinking", CAP_THINKING }, { "raw_format", CAP_RAW_FORMAT },
    };
    *caps = CAP_RAW | CAP_LOGPROBS;
    if (!j)
        return 0;
    if (!cJSON_IsArray(j))
        return fail(l, "\"caps\" must be an array of names");
    *caps = 0;
    for (const cJSON *c = j->child; c; c = c->next) {
        size_t i = 0;
        while (i < sizeof table / sizeof *table
               && !(cJSON_IsString(c) && !strcmp(c->valuestring, table[i].name)))
            i++;
        if (i == sizeof table / sizeof *table)
            return fail(l, "\"caps\": unknown cap %s%s%s; use raw, logprobs, native_n, "
                        "thinking, raw_format", cJSON_IsString(c) ? "\"" : "",
                        cJSON_IsString(c) ? c->valuestring : "(not a string)",
                        cJSON_IsString(c) ? "\"" : "");
        *caps |= table[i].cap;
    }
    return 0;
}

/* Line and column (from 1) of byte `at` in text. */
static void position(const char *text, size_t at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at && text[i]; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

static int parse_script(const loader *l, const cJSON *root, script *s)
{
    static const char *const keys[] = { "caps", "chunk", "rules", "default", NULL };
    if (!cJSON_IsObject(root))
        return fail(l, "the top level must be an object with \"rules\"");
    if (known_keys(l, root, keys, "top level")
        || parse_caps(l, cJSON_GetObjectItemCaseSensitive(root, "caps"), &s->caps))
        return -1;
    const cJSON *chunk = cJSON_GetObjectItemCaseSensitive(root, "chunk");
    if (chunk && (!cJSON_IsNumber(chunk) || chunk->valuedouble < 1
                  || chunk->valuedouble > 1 << 20 || chunk->valuedouble != chunk->valueint))
        return fail(l, "\"chunk\" must be a whole number of bytes, at least 1");
    s->chunk = chunk ? chunk->valueint : 0;
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "default");
    if (def && parse_reply(l, def, &s->deflt, "default"))
        return -1;
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
    if (!cJSON_IsArray(rules))
        return fail(l, "\"rules\" must be an array");
    s->n_rules = cJSON_GetArraySize(rules);
    s->rules = calloc((size_t)s->n_rules + 1, sizeof *s->rules);
    if (!s->rules)
        return fail(l, "out of memory");
    int i = 0;
    for (const cJSON *c = rules->child; c; c = c->next, i++)
        if (parse_rule(l, c, &s->rules[i], i))
            return -1;
    return 0;
}

static void free_reply(script_reply *r)
{
    free(r->text);
}

void script_done(script *s)
{
    for (int i = 0; i < s->n_rules && s->rules; i++) {
        script_rule *r = &s->rules[i];
        free(r->prefix);
        free(r->suffix);
        free(r->contains);
        free(r->thinking);
        free(r->error);
        for (int k = 0; k < r->n_replies && r->replies; k++)
            free_reply(&r->replies[k]);
        free(r->replies);
    }
    free(s->rules);
    free_reply(&s->deflt);
    memset(s, 0, sizeof *s);
}

int script_load(script *s, const char *path, char *err, size_t errlen)
{
    loader l = { path, err, errlen };
    memset(s, 0, sizeof *s);
    size_t len = 0;
    char *text = slurp(&l, &len);
    if (!text)
        return -1;
    const char *end = NULL;
    /* With require_null_terminated, cJSON wants the NUL inside the length. */
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    int rc = 0;
    if (!root) {
        int line, col;
        size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
        position(text, at, &line, &col);
        rc = fail(&l, "not valid JSON at line %d, column %d (byte %zu)", line, col, at);
    } else {
        rc = parse_script(&l, root, s);
    }
    cJSON_Delete(root);
    free(text);
    if (rc)
        script_done(s);
    return rc;
}
