/* wire: see wire.h. */
#include "models/wire.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "models/redact.h"

#define WHOLE_CAP (8u << 20)    /* a non-streamed reply larger than this fails */

enum { MODE_UNKNOWN, MODE_STREAM, MODE_WHOLE };

/* ---- keys and URLs ---- */

const char *wire_key(const model *m, const wire_kind *kind)
{
    if (m->key[0])
        return m->key;
    const char *var = m->key_env[0] ? m->key_env : kind->key_env;
    const char *v = var ? getenv(var) : NULL;
    return v && *v ? v : NULL;
}

/* The host part of url: its start and length ("" if none). */
static const char *host_of(const char *url, size_t *len)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    const char *at = strpbrk(h, "@/");          /* user:pass@host */
    if (at && *at == '@')
        h = at + 1;
    *len = h[0] == '[' ? strcspn(h, "]") + (strchr(h, ']') ? 1 : 0) : strcspn(h, ":/?#");
    return h;
}

int wire_local(const char *url)
{
    size_t n;
    const char *h = host_of(url, &n);
    static const char *const local[] = { "localhost", "[::1]" };
    for (size_t i = 0; i < sizeof local / sizeof *local; i++)
        if (n == strlen(local[i]) && !strncasecmp(h, local[i], n))
            return 1;
    return n > 4 && !strncmp(h, "127.", 4) && strspn(h, "0123456789.") == n;
}

int wire_check_url(const char *url, int has_key, int insecure, const char *backend,
                   char *err, size_t errlen)
{
    int https = !strncasecmp(url, "https://", 8), http = !strncasecmp(url, "http://", 7);
    size_t n;
    const char *h = host_of(url, &n);
    if (!https && !http) {
        snprintf(err, errlen, "%s: the base URL \"%.200s\" must start with http:// or "
                 "https:// (for example http://127.0.0.1:8080/v1)", backend, url);
        return -1;
    }
    if (n == 0 || (h[0] == '[' && n <= 2)) {
        snprintf(err, errlen, "%s: the base URL \"%.200s\" names no host (for example "
                 "http://127.0.0.1:8080/v1)", backend, url);
        return -1;
    }
    if (http && has_key && !insecure && !wire_local(url)) {
        snprintf(err, errlen, "%s: refusing to send an API key in clear text to %.*s over "
                 "http://; use https://, a server on this machine, or --insecure if "
                 "you accept that others on the network may read the key",
                 backend, (int)(n < 200 ? n : 200), h);
        return -1;
    }
    return 0;
}

/* ---- the body ---- */

static int on_event(void *ud, const char *name, const char *data, size_t len)
{
    wire_job *j = ud;
    j->units++;
    return j->run->w->kind->on_unit(j, name, data, len);
}

static int on_line(void *ud, const char *line, size_t len)
{
    wire_job *j = ud;
    j->units++;
    return j->run->w->kind->on_unit(j, NULL, line, len);
}

static void parser_init(wire_job *j)
{
    if (j->run->w->kind->framing == WIRE_SSE)
        sse_init(&j->sse, 0, on_event, j);
    else
        ndjson_init(&j->nd, 0, on_line, j);
}

static void parser_done(wire_job *j)
{
    if (j->run->w->kind->framing == WIRE_SSE)
        sse_done(&j->sse);
    else
        ndjson_done(&j->nd);
}

/* Feeds the parser (n > 0), or ends the stream (buf NULL). Returns 0, the
 * decoder's stop value, or -1 with the parser's error recorded. */
static int parse(wire_job *j, const char *buf, size_t n)
{
    int sse = j->run->w->kind->framing == WIRE_SSE;
    int rc = buf ? (sse ? sse_feed(&j->sse, buf, n) : ndjson_feed(&j->nd, buf, n))
                 : (sse ? sse_finish(&j->sse) : ndjson_finish(&j->nd));
    if (rc == -1 && !j->http.error[0])
        http_job_fail(&j->http, "malformed stream: %s",
                      sse ? sse_error(&j->sse) : ndjson_error(&j->nd));
    return rc;
}

/* Bytes no text stream starts with: a gzip or zstd header, a NUL, or a
 * control other than whitespace. */
static int binary(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t')
            return 1;
    return 0;
}

static int gzip(const wire_job *j)
{
    return j->nraw >= 2 && j->raw[0] == 0x1f && j->raw[1] == 0x8b;
}

/* Some sample of the job reached its cap, and every other one is capped
 * or finished: nothing more of this body is wanted. */
static int all_capped(const wire_job *j)
{
    int capped = 0;
    for (int i = 0; i < j->nrep; i++) {
        if (!j->replies[i].capped && !j->replies[i].has_finish)
            return 0;
        capped += j->replies[i].capped;
    }
    return capped > 0;
}

static int take_whole(wire_job *j, const char *buf, size_t n)
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
    wire_job *j = (wire_job *)hj;
    if (j->nraw < sizeof j->raw) {
        size_t k = sizeof j->raw - j->nraw < n ? sizeof j->raw - j->nraw : n;
        memcpy(j->raw + j->nraw, buf, k);
        j->nraw += k;
        if (binary(j->raw, j->nraw)) {
            http_job_fail(hj, "the reply is %s, not a text stream; something between "
                          "ponder and %s (a proxy?) may be altering it: reach the "
                          "server directly", gzip(j) ? "gzip-compressed, which ponder "
                          "did not ask for" : "binary data", j->run->w->kind->who);
            return 1;
        }
    }
    if (!j->mode) {
        size_t i = 0;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
            i++;
        if (i < n)
            j->mode = buf[i] == '{' && j->run->w->kind->on_message ? MODE_WHOLE : MODE_STREAM;
    }
    if (j->mode == MODE_WHOLE)
        return take_whole(j, buf, n);
    if (parse(j, buf, n))
        return 1;
    return all_capped(j) ? http_job_stop(hj) : 0;
}

static void on_restart(http_job *hj)
{
    wire_job *j = (wire_job *)hj;
    parser_done(j);
    parser_init(j);
    free(j->whole);
    j->whole = NULL;
    j->whole_len = 0;
    j->mode = MODE_UNKNOWN;
    j->units = 0;
    j->nraw = 0;
    if (j->run->w->kind->on_restart)
        j->run->w->kind->on_restart(j);
}

/* ---- the end ---- */

/* What the first bytes looked like, for "it starts ...". */
static void head_text(const wire_job *j, char *out, size_t cap)
{
    redact_clip(out, cap, (const char *)j->raw, j->nraw, 15, j->run->key);
}

/* A 2xx body that ended without the protocol's end: say which kind. */
static void incomplete(wire_job *j)
{
    const wire_kind *k = j->run->w->kind;
    if (!j->units && j->http.body_bytes) {
        char head[64];
        head_text(j, head, sizeof head);
        http_job_fail(&j->http, "the reply is not an event stream (it starts "
                      "\"%s\"); check the base URL %s%s", head, j->run->m->url,
                      k->url_hint);
    } else {
        http_job_fail(&j->http, "the stream ended before the reply was complete "
                      "(no %s); the text so far is kept", k->marker);
    }
}

static void end_replies(wire_job *j, int upto, model_finish how)
{
    http_job *hj = &j->http;
    for (int i = 0; i < upto; i++) {
        reply *r = &j->replies[i];
        if (how == FINISH_STOP && (hj->end == HTTP_FAILED || (!hj->complete && !r->has_finish)))
            reply_fail(r, hj->status, hj->error);
        else if (how == FINISH_STOP && !r->has_text && !r->has_finish) {
            char msg[sizeof hj->error];
            snprintf(msg, sizeof msg, "%s at %s: the server sent nothing for "
                     "sample %d", j->run->w->kind->backend, j->url, r->sample);
            reply_fail(r, hj->status, msg);
        }
        j->run->errors += reply_end(r, how);
    }
}

static void on_end(http_job *hj)
{
    wire_job *j = (wire_job *)hj;
    const wire_kind *k = j->run->w->kind;
    if (hj->end == HTTP_CANCELLED) {
        end_replies(j, j->nrep, FINISH_CANCELLED);
        return;
    }
    if (hj->end == HTTP_DONE && j->mode == MODE_WHOLE) {
        if (k->on_message(j, j->whole, j->whole_len) == 0)
            hj->complete = 1;
        else
            hj->end = HTTP_FAILED;
    } else if (hj->end == HTTP_DONE && !hj->stopped && parse(j, NULL, 0) != 0) {
        hj->end = HTTP_FAILED;
    }
    if (hj->end == HTTP_DONE && !hj->complete)
        incomplete(j);
    if (k->on_finish)
        k->on_finish(j);
    end_replies(j, j->fallback_from >= 0 ? j->fallback_from : j->nrep, FINISH_STOP);
}

/* ---- advice ---- */

static void advise(void *ud, const http_job *hj, const char *smsg, char *out, size_t cap)
{
    const wire_run *run = ud;
    const wire_kind *k = run->w->kind;
    const char *url = run->m->url;
    switch (hj->fault) {
    case HTTP_F_STATUS:
        if (k->status && k->status(run, (const wire_job *)hj, smsg, out, cap))
            break;
        if (hj->status == 429)
            snprintf(out, cap, "rate limited; wait a moment and try again");
        else if (hj->status >= 500)
            snprintf(out, cap, "%s keeps failing; try again later", k->who);
        else if (hj->status == 400)
            snprintf(out, cap, "the server rejected the request; check the "
                     "model name and sampling options");
        break;
    case HTTP_F_REFUSED:
        snprintf(out, cap, k->refused, url);
        break;
    case HTTP_F_RESOLVE:
    case HTTP_F_CONNECT_TIMEOUT:
        snprintf(out, cap, k->unreachable, url);
        break;
    case HTTP_F_IDLE:
        snprintf(out, cap, "%s stopped sending; the text so far is kept; "
                 "try again, or raise the idle timeout", k->who);
        break;
    case HTTP_F_DEADLINE:
        snprintf(out, cap, "the text so far is kept; raise [network] reply_timeout "
                 "in config.ini if replies this long are expected");
        break;
    case HTTP_F_LOCAL:
        snprintf(out, cap, "ponder ran out of file descriptors; raise the limit "
                 "(ulimit -n) or ask for fewer samples at once");
        break;
    case HTTP_F_NETWORK:
        snprintf(out, cap, "%stry again", hj->body_bytes ? "the text so far is kept; " : "");
        break;
    case HTTP_F_STREAM:     /* the decoders' messages say it all */
        break;
    }
}

/* ---- the batch ---- */

static long long seed_for(const model_request *rq, int sample)
{
    return rq->seed >= 0 ? rq->seed + sample : -1;
}

/* One job for samples sample0 .. sample0 + nrep - 1 of request req. */
static int setup(wire_job *j, wire_run *run, const model_request *reqs, int req,
                 int sample0, reply *replies, int nrep, int native,
                 struct curl_slist *hdr, void *state)
{
    const wire_kind *k = run->w->kind;
    memset(j, 0, sizeof *j);
    j->run = run;
    j->rq = &reqs[req];
    j->req = req;
    j->sample0 = sample0;
    j->replies = replies;
    j->nrep = nrep;
    j->native = native;
    j->fallback_from = -1;
    j->state = state;
    parser_init(j);
    j->body = k->setup(j, native ? nrep : 1, seed_for(j->rq, sample0));
    j->http.url = j->url;
    j->http.body = j->body;
    j->http.headers = hdr;
    j->http.req = req;
    j->http.on_body = on_body;
    j->http.on_end = on_end;
    j->http.on_restart = on_restart;
    return j->body ? 0 : -1;
}

typedef struct {
    wire_job *jobs;
    http_job **ptrs;
    char *states;
    int n;
} batch;

static int batch_alloc(batch *b, int n, size_t state_size)
{
    size_t sz = state_size ? state_size : 1;
    b->n = 0;
    b->jobs = calloc((size_t)(n ? n : 1), sizeof *b->jobs);
    b->ptrs = calloc((size_t)(n ? n : 1), sizeof *b->ptrs);
    b->states = calloc((size_t)(n ? n : 1), sz);
    return b->jobs && b->ptrs && b->states ? 0 : -1;
}

static int batch_add(batch *b, wire_run *run, const model_request *reqs, int req,
                     int sample0, reply *replies, int nrep, int native,
                     struct curl_slist *hdr)
{
    const wire_kind *k = run->w->kind;
    size_t sz = k->state_size ? k->state_size : 1;
    wire_job *j = &b->jobs[b->n];
    if (setup(j, run, reqs, req, sample0, replies, nrep, native, hdr,
              b->states + (size_t)b->n * sz)) {
        if (k->done)
            k->done(j);
        parser_done(j);
        free(j->body);
        return -1;
    }
    b->ptrs[b->n++] = &j->http;
    return 0;
}

static void batch_run(batch *b, const wire_run *run, const http_opts *o)
{
    http_run(run->w->http, b->ptrs, b->n, o);
}

static void batch_free(batch *b, const wire_kind *k)
{
    for (int i = 0; b->jobs && i < b->n; i++) {
        wire_job *j = &b->jobs[i];
        if (k->done)
            k->done(j);
        parser_done(j);
        free(j->body);
        free(j->whole);
    }
    free(b->jobs);
    free(b->ptrs);
    free(b->states);
}

/* Samples a native-n request did not deliver, as single requests. */
static void fallback(wire_run *run, const batch *first, const model_request *reqs,
                     struct curl_slist *hdr, const http_opts *o)
{
    int nmore = 0;
    for (int i = 0; i < first->n; i++)
        if (first->jobs[i].fallback_from >= 0)
            nmore += first->jobs[i].nrep - first->jobs[i].fallback_from;
    if (!nmore)
        return;
    batch more;
    if (batch_alloc(&more, nmore, run->w->kind->state_size) == 0)
        for (int i = 0; i < first->n; i++) {
            const wire_job *j = &first->jobs[i];
            for (int s = j->fallback_from; s >= 0 && s < j->nrep; s++)
                if (batch_add(&more, run, reqs, j->req, j->sample0 + s,
                              &j->replies[s], 1, 0, hdr))
                    break;
        }
    else
        more.n = 0;
    batch_run(&more, run, o);
    batch_free(&more, run->w->kind);
}

static struct curl_slist *headers(const wire_kind *k, const char *key)
{
    return http_headers(k->accept, k->extra_header,
                        k->key_header ? k->key_header : "Authorization: Bearer ", key);
}

static int wire_generate(model *m, const model_request *reqs, int n_reqs,
                         const model_sink *sink, atomic_int *cancel)
{
    wire_model *w = m->impl;
    const wire_kind *k = w->kind;
    wire_run run = { .m = m, .w = w, .sink = sink, .key = wire_key(m, k) };
    char caveat[256];
    const char *note = k->caveat ? k->caveat(&run, &reqs[0], caveat, sizeof caveat) : NULL;
    if (note && sink->on_notice)
        sink->on_notice(sink->ud, 0, note);
    http_opts opts = {
        .backend = k->backend, .secret = run.key,
        .connect_timeout_s = m->connect_timeout_s, .idle_timeout_s = m->idle_timeout_s,
        .deadline_s = m->reply_timeout_s, .insecure = m->insecure,
        .retry_base_s = m->retry_base_s, .max_retries = m->max_retries,
        .sink = sink, .cancel = cancel, .advise = advise, .advise_ud = &run,
    };
    int total = 0, made = 0;
    for (int i = 0; i < n_reqs; i++)
        total += reqs[i].n > 1 ? reqs[i].n : 1;
    struct curl_slist *hdr = headers(k, run.key);
    reply *replies = calloc((size_t)total, sizeof *replies);
    batch b = { 0 };
    int ok = hdr && replies && batch_alloc(&b, total, k->state_size) == 0;
    for (int i = 0; ok && i < n_reqs; i++) {
        int n = reqs[i].n > 1 ? reqs[i].n : 1;
        reply *mine = &replies[made];
        for (int s = 0; s < n; s++, made++) {
            reply_init(&replies[made], sink, i, s);
            replies[made].secret = run.key;
            replies[made].max_bytes = m->max_reply_bytes;
        }
        int native = n > 1 && k->native && k->native(&run, &reqs[i]);
        for (int s = 0; ok && s < (native ? 1 : n); s++)
            ok = batch_add(&b, &run, reqs, i, s, mine + s, native ? n : 1, native, hdr) == 0;
    }
    if (ok) {
        batch_run(&b, &run, &opts);
        fallback(&run, &b, reqs, hdr, &opts);
    }
    /* Samples still open (out of memory on the way) end in error. */
    run.errors += reply_end_unstarted(replies, made, reqs, n_reqs, sink,
                                      "out of memory preparing the request");
    batch_free(&b, k);
    free(replies);
    curl_slist_free_all(hdr);
    return run.errors;
}

static void wire_close(model *m)
{
    http_client_free(((wire_model *)m->impl)->http);
}

static const backend_ops OPS = { wire_generate, wire_close };

int wire_open(model *m, const wire_kind *kind, const char *name, const char *base,
              char *err, size_t errlen)
{
    if (wire_check_url(base, wire_key(m, kind) != NULL, m->insecure, kind->backend,
                       err, errlen))
        return -1;
    snprintf(m->url, sizeof m->url, "%s", base);
    for (size_t k = strlen(m->url); k && m->url[k - 1] == '/'; k--)
        m->url[k - 1] = 0;
    wire_model *w = calloc(1, sizeof *w);
    if (!w || !(w->http = http_client_new())) {
        free(w);
        snprintf(err, errlen, "out of memory (or libcurl failed to start)");
        return -1;
    }
    w->kind = kind;
    snprintf(w->name, sizeof w->name, "%s", name);
    m->ops = &OPS;
    m->impl = w;
    return 0;
}
