/* http: see http.h.
 *
 * A job moves IDLE -> RUNNING -> (WAITING -> RUNNING)* -> ENDED. Only
 * RUNNING jobs have their easy handle in the multi handle. Everything,
 * callbacks included, happens on the thread inside http_run. */
#include "models/http.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "models/redact.h"

enum { ST_IDLE, ST_RUNNING, ST_WAITING, ST_ENDED };
#define ERRBODY_CAP (64 * 1024)     /* bytes of an error body kept */
#define POLL_MS 50                  /* cancellation latency bound */
#define MAX_RETRY_AFTER_S 60.0      /* longer waits fail instead */
#define COMPLETE_GRACE_S 1.0        /* wait for the end of a finished reply */

struct http_client {
    CURLM *multi;
    pthread_mutex_t lock;
};

typedef struct {
    http_client *c;
    const http_opts *o;
    uint64_t rng;
    double started;                 /* when http_run began, for deadline_s */
} run;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

http_client *http_client_new(void)
{
    pthread_once(&global_once, global_init);
    http_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->multi = curl_multi_init();
    if (!c->multi) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void http_client_free(http_client *c)
{
    if (!c)
        return;
    curl_multi_cleanup(c->multi);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

struct curl_slist *http_headers(const char *accept, const char *extra,
                                const char *key_prefix, const char *key)
{
    char line[1024];
    struct curl_slist *h = NULL, *t;
    snprintf(line, sizeof line, "Accept: %s", accept ? accept : "*/*");
    const char *fixed[] = { "Content-Type: application/json", "Expect:", line, extra };
    for (size_t i = 0; i < 4 && fixed[i]; i++) {
        if (!(t = curl_slist_append(h, fixed[i])))
            goto fail;
        h = t;
    }
    if (key && *key) {
        snprintf(line, sizeof line, "%s%s", key_prefix, key);
        t = curl_slist_append(h, line);
        memset(line, 0, sizeof line);
        if (!t)
            goto fail;
        h = t;
    }
    return h;
fail:
    curl_slist_free_all(h);
    return NULL;
}

static const char *reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

/* The server's own words from an error body: error.message, error,
 * message or detail of a JSON body, else the body's first line; cleaned,
 * redacted whole, then cut to one line of at most ~200 bytes. */
static void server_message(const http_job *j, const char *secret, char *out, size_t cap)
{
    out[0] = 0;
    if (!j->errlen)
        return;
    cJSON *root = cJSON_ParseWithLength(j->errbody, j->errlen);
    const cJSON *m = NULL;
    if (root) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
        m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
        if (!cJSON_IsString(m))
            m = cJSON_GetObjectItemCaseSensitive(root, "message");
        if (!cJSON_IsString(m))
            m = cJSON_GetObjectItemCaseSensitive(root, "detail");
    }
    if (cJSON_IsString(m) && m->valuestring[0])
        redact_clip(out, cap, m->valuestring, strlen(m->valuestring), 200, secret);
    else
        redact_clip(out, cap, j->errbody, strcspn(j->errbody, "\r\n"), 200, secret);
    cJSON_Delete(root);
}

/* Ends a job as failed with "BACKEND at URL: what — advice", redacted. */
static void fail_job(run *r, http_job *j, http_fault f, const char *what,
                     const char *smsg)
{
    const http_opts *o = r->o;
    char advice[384] = "", msg[sizeof j->error];
    j->fault = f;
    if (o->advise)
        o->advise(o->advise_ud, j, smsg ? smsg : "", advice, sizeof advice);
    char tries[48] = "";
    if (j->attempt)
        snprintf(tries, sizeof tries, " (after %d %s)", j->attempt,
                 j->attempt == 1 ? "retry" : "retries");
    snprintf(msg, sizeof msg, "%s at %s: %s%s%s%s", o->backend, j->url, what,
             tries, advice[0] ? " \xE2\x80\x94 " : "", advice);
    redact_text(j->error, sizeof j->error, msg, o->secret);
    j->end = HTTP_FAILED;
}

void http_job_fail(http_job *j, const char *fmt, ...)
{
    const http_opts *o = j->opts;
    char what[4096], msg[4096 + 700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s at %s: %s", o ? o->backend : "http",
             j->url, what);
    /* Redacted whole first: the cut to fit j->error comes after. */
    redact_text(j->error, sizeof j->error, msg, o ? o->secret : NULL);
    j->fault = HTTP_F_STREAM;
}

int http_job_stop(http_job *j)
{
    j->stopped = 1;
    j->complete = 1;
    return 1;
}

int http_job_retry(http_job *j, const char *fmt, ...)
{
    const http_opts *o = j->opts;
    char what[sizeof j->retry_why];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    redact_text(j->retry_why, sizeof j->retry_why, what, o ? o->secret : NULL);
    http_job_fail(j, "%s", j->retry_why);
    j->retry_body = 1;
    return 1;
}

static int cancelled(const http_opts *o)
{
    return o->cancel && atomic_load(o->cancel);
}

static size_t on_write(char *ptr, size_t sz, size_t nm, void *ud)
{
    http_job *j = ud;
    size_t n = sz * nm;
    j->last_io = now_s();
    if (!j->status_known) {
        long code = 0;
        curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
        j->status = (int)code;
        j->status_known = 1;
    }
    if (j->status >= 200 && j->status < 300) {
        if (!n)
            return 0;
        j->body_bytes += n;
        if (j->on_body && j->on_body(j, ptr, n)) {
            j->rejected = 1;
            return 0;               /* curl ends it with CURLE_WRITE_ERROR */
        }
        return n;
    }
    size_t keep = ERRBODY_CAP - j->errlen;
    if (keep > n)
        keep = n;
    if (keep) {
        char *nb = realloc(j->errbody, j->errlen + keep + 1);
        if (nb) {
            memcpy(nb + j->errlen, ptr, keep);
            j->errlen += keep;
            nb[j->errlen] = 0;
            j->errbody = nb;
        }
    }
    return n;
}

static size_t on_header(char *buf, size_t sz, size_t nm, void *ud)
{
    http_job *j = ud;
    size_t n = sz * nm;
    j->last_io = now_s();
    if (n >= 5 && !strncmp(buf, "HTTP/", 5)) {      /* a new response */
        j->retry_after = -1;
        j->status_known = 0;
    } else if (n > 12 && !strncasecmp(buf, "Retry-After:", 12)) {
        char tmp[64];
        size_t k = n - 12 < sizeof tmp - 1 ? n - 12 : sizeof tmp - 1;
        memcpy(tmp, buf + 12, k);
        tmp[k] = 0;
        char *end;
        double v = strtod(tmp, &end);
        while (*end == ' ' || *end == '\r' || *end == '\n')
            end++;
        /* Seconds only; an HTTP-date falls back to plain backoff. */
        if (end != tmp && !*end && v >= 0 && isfinite(v))
            j->retry_after = v;
    }
    return n;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c,
                       curl_off_t d)
{
    (void)a; (void)b; (void)c; (void)d;
    const http_job *j = ud;
    return cancelled(j->opts);
}

static int start(run *r, http_job *j)
{
    const http_opts *o = r->o;
    if (!j->easy && !(j->easy = curl_easy_init()))
        return -1;
    CURL *e = j->easy;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, j->url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(j->body));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, j);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)j);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->curl_err);
    j->curl_err[0] = 0;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "ponder/0.1");
    if (o->insecure) {
        /* Only ever by an explicit --insecure, which the status line shows. */
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (o->connect_timeout_s > 0)
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                         (long)(o->connect_timeout_s * 1000));
    j->status = 0;
    j->status_known = 0;
    j->rejected = 0;
    j->retry_body = 0;
    j->errlen = 0;
    j->retry_after = -1;
    j->started = j->last_io = now_s();
    if (curl_multi_add_handle(r->c->multi, e) != CURLM_OK)
        return -1;
    j->state = ST_RUNNING;
    return 0;
}

static void end_job(http_job *j, http_end how)
{
    if (j->state == ST_RUNNING)
        j->state = ST_IDLE;         /* caller removed the handle */
    j->end = how;
    j->state = ST_ENDED;
    if (j->on_end)
        j->on_end(j);
}

static double jitter(run *r)
{
    r->rng ^= r->rng << 13;        /* xorshift64 */
    r->rng ^= r->rng >> 7;
    r->rng ^= r->rng << 17;
    return (double)(r->rng >> 11) / (double)(1ull << 53);
}

/* Schedules another attempt if allowed; returns 1 if it did. */
static int retry(run *r, http_job *j, const char *why)
{
    const http_opts *o = r->o;
    if (j->attempt >= o->max_retries)
        return 0;
    j->attempt++;
    /* base * 2^(k-1), plus up to 25% jitter so samples do not stampede. */
    double delay = o->retry_base_s * pow(2, j->attempt - 1) * (1 + 0.25 * jitter(r));
    if (j->retry_after > delay)
        delay = j->retry_after;
    if (o->sink && o->sink->on_retry) {
        char clean[512];
        redact_text(clean, sizeof clean, why, o->secret);
        o->sink->on_retry(o->sink->ud, j->req, j->attempt, o->max_retries,
                          delay, clean);
    }
    j->state = ST_WAITING;
    j->retry_at = now_s() + delay;
    return 1;
}

static int retryable_status(int s)
{
    return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 505);
}

static void on_status(run *r, http_job *j)
{
    char smsg[256], what[512];
    server_message(j, r->o->secret, smsg, sizeof smsg);
    int quiet = j->status == 401 || j->status == 403;   /* bodies may echo keys */
    snprintf(what, sizeof what, "HTTP %d%s%s%s%s", j->status,
             reason(j->status)[0] ? " " : "", reason(j->status),
             smsg[0] && !quiet ? ": " : "", quiet ? "" : smsg);
    if (retryable_status(j->status)) {
        if (j->retry_after > MAX_RETRY_AFTER_S) {
            char w2[600];
            snprintf(w2, sizeof w2, "%s (the server asks to wait %.0f s)",
                     what, j->retry_after);
            fail_job(r, j, HTTP_F_STATUS, w2, smsg);
            return;
        }
        if (retry(r, j, what))
            return;
    }
    fail_job(r, j, HTTP_F_STATUS, what, smsg);
}

/* Whether a failed connect was this process running out of descriptors.
 * curl does not always pass on the errno of a socket() that failed, so
 * when it gives none, a descriptor of our own asked for tells. */
static int out_of_fds(long *os)
{
    if (!*os) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
        else
            *os = errno;
    }
    return *os == EMFILE || *os == ENFILE;
}

static void finished(run *r, http_job *j, CURLcode rc, const char *cerr)
{
    curl_multi_remove_handle(r->c->multi, j->easy);
    j->state = ST_IDLE;
    if (rc == CURLE_OK || !j->status_known) {
        long code = 0;
        curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
        if (code)
            j->status = (int)code;
    }
    char what[512];
    const char *detail = cerr && *cerr ? cerr : curl_easy_strerror(rc);
    if (rc == CURLE_ABORTED_BY_CALLBACK || (rc != CURLE_OK && cancelled(r->o))) {
        end_job(j, HTTP_CANCELLED);
        return;
    }
    if (j->rejected && j->stopped) {
        end_job(j, HTTP_DONE);
        return;
    }
    if (j->rejected && j->retry_body) {
        if (retry(r, j, j->retry_why)) {
            j->body_bytes = 0;
            j->complete = 0;
            j->error[0] = 0;
            if (j->on_restart)
                j->on_restart(j);
        } else {
            fail_job(r, j, HTTP_F_STREAM, j->retry_why, NULL);
            end_job(j, HTTP_FAILED);
        }
        return;
    }
    if (j->rejected) {
        j->end = HTTP_FAILED;
        end_job(j, HTTP_FAILED);
        return;
    }
    int ok2xx = j->status >= 200 && j->status < 300;
    if (rc == CURLE_OK && ok2xx) {
        end_job(j, HTTP_DONE);
        return;
    }
    if (j->status && !ok2xx && (rc == CURLE_OK || j->errlen)) {
        on_status(r, j);
    } else if (j->body_bytes) {
        snprintf(what, sizeof what,
                 "the connection broke after %zu bytes of the reply (%s)",
                 j->body_bytes, detail);
        fail_job(r, j, HTTP_F_NETWORK, what, NULL);
    } else if (rc == CURLE_COULDNT_CONNECT) {
        /* curl says only "Couldn't connect to server"; the errno says why. */
        long os = 0;
        curl_easy_getinfo(j->easy, CURLINFO_OS_ERRNO, &os);
        if (out_of_fds(&os)) {
            snprintf(what, sizeof what, "could not open a connection: %s (%s)",
                     strerror((int)os), detail);
            fail_job(r, j, HTTP_F_LOCAL, what, NULL);
            end_job(j, HTTP_FAILED);
            return;
        }
        snprintf(what, sizeof what, "could not connect: %s (%s)",
                 os == ECONNREFUSED ? "connection refused"
                 : os ? strerror((int)os) : "no connection", detail);
        fail_job(r, j, HTTP_F_REFUSED, what, NULL);
    } else if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) {
        snprintf(what, sizeof what, "cannot resolve the host name (%s)", detail);
        fail_job(r, j, HTTP_F_RESOLVE, what, NULL);
    } else if (rc == CURLE_OPERATION_TIMEDOUT && strstr(detail, "Resolving timed out")) {
        /* A slow resolver spends the connect timeout on the name alone. */
        snprintf(what, sizeof what, "cannot resolve the host name (%s)", detail);
        fail_job(r, j, HTTP_F_RESOLVE, what, NULL);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(what, sizeof what, "no connection within %g s", r->o->connect_timeout_s);
        fail_job(r, j, HTTP_F_CONNECT_TIMEOUT, what, NULL);
    } else if (rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
               rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE) {
        snprintf(what, sizeof what, "the connection broke before the reply (%s)", detail);
        if (!retry(r, j, what))
            fail_job(r, j, HTTP_F_NETWORK, what, NULL);
    } else {
        snprintf(what, sizeof what, "%s", detail);
        fail_job(r, j, HTTP_F_NETWORK, what, NULL);
    }
    if (j->end == HTTP_FAILED)
        end_job(j, HTTP_FAILED);
}

/* Takes a running or waiting job off the wire: a complete reply ends
 * HTTP_DONE, anything else fails with fault f. */
static void expire(run *r, http_job *j, http_fault f, const char *what)
{
    if (j->state == ST_RUNNING)
        curl_multi_remove_handle(r->c->multi, j->easy);
    j->state = ST_IDLE;
    if (j->complete) {
        end_job(j, HTTP_DONE);
        return;
    }
    fail_job(r, j, f, what, NULL);
    end_job(j, HTTP_FAILED);
}

static void check_timers(run *r, http_job *const *jobs, int n)
{
    double t = now_s(), limit = r->o->deadline_s;
    int late = limit > 0 && t - r->started > limit;
    char what[256];
    for (int i = 0; i < n; i++) {
        http_job *j = jobs[i];
        double idle = r->o->idle_timeout_s;
        if (j->complete && (idle <= 0 || idle > COMPLETE_GRACE_S))
            idle = COMPLETE_GRACE_S;
        if (late && (j->state == ST_RUNNING || j->state == ST_WAITING)) {
            snprintf(what, sizeof what, "no complete reply within %g s (the reply "
                     "deadline) after %zu bytes of the reply", limit, j->body_bytes);
            expire(r, j, HTTP_F_DEADLINE, what);
        } else if (j->state == ST_RUNNING && idle > 0 && t - j->last_io > idle) {
            snprintf(what, sizeof what,
                     "no data for %g s (idle timeout) after %zu bytes of the reply",
                     r->o->idle_timeout_s, j->body_bytes);
            expire(r, j, HTTP_F_IDLE, what);
        } else if (j->state == ST_WAITING && t >= j->retry_at) {
            if (start(r, j)) {
                fail_job(r, j, HTTP_F_NETWORK, "could not start the request (out of memory)", NULL);
                end_job(j, HTTP_FAILED);
            }
        }
    }
}

static int poll_ms(http_job *const *jobs, int n)
{
    double t = now_s(), ms = POLL_MS;
    for (int i = 0; i < n; i++)
        if (jobs[i]->state == ST_WAITING && (jobs[i]->retry_at - t) * 1000 < ms)
            ms = (jobs[i]->retry_at - t) * 1000;
    return ms < 0 ? 0 : (int)ms + 1;
}

int http_run(http_client *c, http_job *const *jobs, int n, const http_opts *o)
{
    run r = { .c = c, .o = o, .started = now_s() };
    r.rng = (uint64_t)(now_s() * 1e9) ^ (uint64_t)(uintptr_t)jobs ^ 0x9E3779B97F4A7C15ull;
    if (!r.rng)
        r.rng = 1;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < n; i++) {
        http_job *j = jobs[i];
        j->opts = o;
        j->end = HTTP_PENDING;
        j->error[0] = 0;
        j->complete = 0;
        j->stopped = 0;
        j->attempt = 0;
        j->body_bytes = 0;
        j->easy = NULL;
        j->errbody = NULL;
        j->state = ST_IDLE;
        if (cancelled(o)) {
            end_job(j, HTTP_CANCELLED);
        } else if (start(&r, j)) {
            fail_job(&r, j, HTTP_F_NETWORK, "could not start the request (out of memory)", NULL);
            end_job(j, HTTP_FAILED);
        }
    }
    for (;;) {
        int live = 0;
        for (int i = 0; i < n; i++)
            live += jobs[i]->state == ST_RUNNING || jobs[i]->state == ST_WAITING;
        if (!live)
            break;
        if (cancelled(o)) {
            for (int i = 0; i < n; i++) {
                if (jobs[i]->state == ST_RUNNING)
                    curl_multi_remove_handle(c->multi, jobs[i]->easy);
                if (jobs[i]->state == ST_RUNNING || jobs[i]->state == ST_WAITING)
                    end_job(jobs[i], HTTP_CANCELLED);
            }
            break;
        }
        int running;
        curl_multi_perform(c->multi, &running);
        CURLMsg *msg;
        int queued;
        while ((msg = curl_multi_info_read(c->multi, &queued))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *e = msg->easy_handle;
            CURLcode rc = msg->data.result;
            char *priv = NULL;
            curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
            http_job *j = (http_job *)(void *)priv;
            if (j && j->state == ST_RUNNING)
                finished(&r, j, rc, j->curl_err);
        }
        check_timers(&r, jobs, n);
        curl_multi_poll(c->multi, NULL, 0, poll_ms(jobs, n), NULL);
        /* Coalesce: many streams each send a delta every few ms, and
         * waking for each one costs more than parsing it. A short nap lets
         * the deltas of all streams gather so one perform takes them all;
         * 5 ms is far below what a reader (or a 60 fps screen) can see. */
        struct timespec nap = { 0, 5 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
        if (jobs[i]->easy)
            curl_easy_cleanup(jobs[i]->easy);
        jobs[i]->easy = NULL;
        free(jobs[i]->errbody);
        jobs[i]->errbody = NULL;
        failed += jobs[i]->end == HTTP_FAILED;
    }
    pthread_mutex_unlock(&c->lock);
    return failed;
}
