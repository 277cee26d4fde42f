/* http: the engine under the HTTP backends. It runs a set of POST
 * transfers concurrently on one curl multi handle, on the calling thread,
 * and streams each response body to its job's callback.
 *
 * It owns the things every backend needs the same way: the connect and
 * idle timeouts, cancellation (checked at least every 50 ms), retries of
 * 429 / 5xx / a connection reset before the first body byte (exponential
 * backoff with jitter, honouring Retry-After, each one announced through
 * sink->on_retry before the wait, as retry k of max_retries), and one
 * readable message per failure
 * that names the backend and the URL and, through the backend's advise
 * callback, what to try. Messages never contain opts->secret, nor any
 * run of REDACT_RUN of its characters (redact.h). */
#ifndef PONDER_HTTP_H
#define PONDER_HTTP_H
#include <stdatomic.h>
#include <stddef.h>
#include <curl/curl.h>
#include "models/model.h"

typedef enum { HTTP_PENDING, HTTP_DONE, HTTP_FAILED, HTTP_CANCELLED } http_end;

/* Why a transfer failed, for the backend's advice. */
typedef enum {
    HTTP_F_STATUS,          /* a non-2xx status (after any retries) */
    HTTP_F_REFUSED,         /* nothing listens at the host and port */
    HTTP_F_RESOLVE,         /* the host name does not resolve */
    HTTP_F_CONNECT_TIMEOUT, /* no connection within the connect timeout */
    HTTP_F_IDLE,            /* no byte for idle_timeout_s */
    HTTP_F_NETWORK,         /* any other transport error */
    HTTP_F_STREAM,          /* the backend rejected the body (on_body) */
    HTTP_F_DEADLINE,        /* the batch ran past deadline_s */
    HTTP_F_LOCAL            /* this machine ran out of something (file
                               descriptors): not the server's fault */
} http_fault;

typedef struct http_job http_job;
struct http_job {
    /* Set by the backend; borrowed until http_run returns. */
    const char *url;
    const char *body;               /* NUL-terminated request body */
    struct curl_slist *headers;     /* from http_headers() */
    int req;                        /* batch index reported to on_retry */
    void *ud;
    /* Each chunk of a 2xx body. Return 0 to go on; nonzero aborts the
     * transfer, which ends HTTP_FAILED with the message the callback left
     * via http_job_fail(). */
    int (*on_body)(http_job *j, const char *buf, size_t n);
    /* Called once, when the job reaches its end (not before a retry). */
    void (*on_end)(http_job *j);
    /* Called when a job whose body asked for a retry (http_job_retry) is
     * scheduled again, so the backend forgets what it parsed of the failed
     * attempt. May be NULL. */
    void (*on_restart)(http_job *j);
    /* Set from on_body once the protocol says the reply is over ([DONE],
     * "done":true). A server that then holds the connection open ends the
     * job HTTP_DONE after a short grace instead of an idle failure. */
    int complete;
    /* Set through http_job_stop(): the backend has all it will take. */
    int stopped;

    /* Set by the engine; read them in on_end. */
    http_end end;
    http_fault fault;               /* when end == HTTP_FAILED */
    int status;                     /* last HTTP status, 0 if none */
    size_t body_bytes;              /* 2xx body bytes passed to on_body */
    char error[768];                /* the user-facing message, "" if none */

    /* Engine-private. */
    CURL *easy;
    int state, attempt, status_known, rejected, retry_body;
    char retry_why[384];
    double started, last_io, retry_at, retry_after;
    char *errbody;
    char curl_err[CURL_ERROR_SIZE];
    size_t errlen;
    const void *opts;
};

typedef struct {
    const char *backend;        /* "openai", "llamacpp", "ollama" */
    const char *secret;         /* an API key to keep out of messages, or NULL */
    double connect_timeout_s, idle_timeout_s, retry_base_s;
    /* The whole of http_run, retries and their waits included, may take
     * at most this long; 0 = no bound. A server that sends a keep-alive
     * comment more often than the idle timeout cannot hold a run forever. */
    double deadline_s;
    int max_retries;
    const model_sink *sink;     /* on_retry; may be NULL */
    atomic_int *cancel;         /* may be NULL */
    int insecure;               /* --insecure: no TLS certificate checks */
    /* Writes what the user should try for this failure into out (no
     * leading punctuation), or leaves out empty. server_msg is the server's
     * own error text ("" if none). May be NULL. */
    void (*advise)(void *ud, const http_job *j, const char *server_msg,
                   char *out, size_t cap);
    void *advise_ud;
} http_opts;

typedef struct http_client http_client;

/* One multi handle and its connection cache, reused across runs. */
http_client *http_client_new(void);
void http_client_free(http_client *c);

/* The headers a JSON POST needs: Content-Type, Accept, no Expect; then
 * extra if not NULL ("anthropic-version: ..."), and key_prefix followed by
 * key when key is non-empty ("Authorization: Bearer ", "x-api-key: "). The
 * line that held the key is wiped. Free with curl_slist_free_all. NULL if
 * out of memory. */
struct curl_slist *http_headers(const char *accept, const char *extra,
                                const char *key_prefix, const char *key);

/* Runs the jobs (an array of n pointers) to their ends; on_end is called for each as it ends.
 * Serialized per client (a mutex). Returns the number that failed. */
int http_run(http_client *c, http_job *const *jobs, int n, const http_opts *o);

/* For on_body: records why the body was rejected ("malformed stream: ...").
 * The message is prefixed with "BACKEND at URL: ". */
void http_job_fail(http_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For on_body: the body says "try again later" (an in-stream overload
 * before any text was shown). Returns nonzero for on_body to return. The
 * engine retries the job like a 503, through on_restart and on_retry,
 * while retries remain; then it fails with this message. */
int http_job_retry(http_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For on_body: the backend wants no more of this body (every sample it
 * carries reached its length cap). Returns nonzero for on_body to return;
 * the job then ends HTTP_DONE with complete set, not as a failure. */
int http_job_stop(http_job *j);

#endif
