/* runner: one run thread at a time, and the queue that carries its events
 * to the UI thread. The run thread only ever touches its own strategy_ctx
 * and the queue; the UI thread only the queue and the cancel flag. */
#include "app/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/runs.h"
#include "strategies/sample.h"
#include "tutor/mem.h"

typedef struct qitem {
    event *ev;
    struct qitem *next;
} qitem;

struct runner {
    pthread_mutex_t mu;
    qitem *head, *tail;
    int wake[2];                /* run thread writes, UI thread polls [0] */
    pthread_t thread;
    int thread_live;            /* joined yet? (UI thread only) */
    int done_popped;            /* the UI has this run's EV_DONE (UI thread only) */
    atomic_int busy;
    atomic_int cancel;
    strategy_ctx ctx;
    app_config cfg;
    char *problem;
    model *model;
    char model_spec[256];       /* the spec `model` was opened with */
    char model_url[512];
    transcript_writer *tw;      /* this run's transcript (run thread), or NULL */
    struct timespec t0;         /* when the run started, for "t" */
    char warning[600];          /* a transcript problem not yet shown (mu) */
};

/* Keeps the first transcript problem of a run for the UI to show. */
static void set_warning(runner *r, const char *msg)
{
    pthread_mutex_lock(&r->mu);
    if (!r->warning[0])
        snprintf(r->warning, sizeof r->warning, "transcript not saved: %s", msg);
    pthread_mutex_unlock(&r->mu);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void push(void *ud, const event *ev)
{
    runner *r = ud;
    char err[512] = "";
    if (r->tw && transcript_write(r->tw, ev, ms_since(&r->t0), err, sizeof err) < 0 && err[0])
        set_warning(r, err);
    qitem *q = mem_alloc(sizeof *q);   /* out of memory aborts (ARCHITECTURE.md) */
    q->ev = event_dup(ev);
    q->next = NULL;
    pthread_mutex_lock(&r->mu);
    int was_empty = r->head == NULL;
    if (r->tail)
        r->tail->next = q;
    else
        r->head = q;
    r->tail = q;
    pthread_mutex_unlock(&r->mu);
    /* One wake byte per batch: the UI drains the whole queue when it wakes,
     * so only the push onto an empty queue needs to wake it. A full pipe
     * already means "wake up": EAGAIN is fine. */
    if (was_empty) {
        ssize_t w = write(r->wake[1], "e", 1);
        (void)w;
    }
}

static void *run_thread(void *ud)
{
    runner *r = ud;
    char err[512] = "";
    strategy_run(&r->ctx);
    trace_done(&r->ctx.trace);
    if (transcript_close(r->tw, err, sizeof err) < 0)
        set_warning(r, err);
    r->tw = NULL;
    atomic_store(&r->busy, 0);
    ssize_t w = write(r->wake[1], "d", 1);
    (void)w;
    return NULL;
}

runner *runner_new(void)
{
    runner *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    if (pipe(r->wake) < 0)
        goto fail;
    for (int i = 0; i < 2; i++) {
        fcntl(r->wake[i], F_SETFL, fcntl(r->wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(r->wake[i], F_SETFD, FD_CLOEXEC);
    }
    pthread_mutex_init(&r->mu, NULL);
    return r;
fail:
    free(r);
    return NULL;
}

static void join(runner *r)
{
    if (r->thread_live) {
        pthread_join(r->thread, NULL);
        r->thread_live = 0;
    }
}

void runner_free(runner *r)
{
    if (!r)
        return;
    runner_cancel(r);
    join(r);
    for (qitem *q = r->head, *next; q; q = next) {
        next = q->next;
        event_free(q->ev);
        free(q);
    }
    model_close(r->model);
    free(r->problem);
    close(r->wake[0]);
    close(r->wake[1]);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

int runner_wake_fd(const runner *r)
{
    return r->wake[0];
}

/* The model is kept between runs (the built-in model's weights stay mapped)
 * and reopened only when the spec or URL changes. */
static int ensure_model(runner *r, char *err, size_t errlen)
{
    model_config mc;
    config_model(&r->cfg, &mc);
    const char *url = mc.base_url ? mc.base_url : "";
    if (r->model && !strcmp(r->model_spec, mc.spec) && !strcmp(r->model_url, url))
        return 0;
    model_close(r->model);
    r->model = model_open(&mc, err, errlen);
    if (!r->model)
        return -1;
    snprintf(r->model_spec, sizeof r->model_spec, "%s", mc.spec);
    snprintf(r->model_url, sizeof r->model_url, "%s", url);
    return 0;
}

int runner_start(runner *r, const app_config *cfg, const char *problem,
                 char *err, size_t errlen)
{
    /* After its done event the thread only finishes the transcript: a new
     * run may wait for that, but not for a run still solving. */
    if (atomic_load(&r->busy) && !r->done_popped) {
        snprintf(err, errlen, "a solve is already running; press Esc to cancel it");
        return -1;
    }
    join(r);
    r->done_popped = 0;
    r->cfg = *cfg;
    r->cfg.strat.name = r->cfg.strategy;
    if (ensure_model(r, err, errlen) < 0)
        return -1;
    free(r->problem);
    r->problem = strdup(problem);
    if (!r->problem) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memset(&r->ctx, 0, sizeof r->ctx);
    r->ctx.model = r->model;
    r->ctx.problem = r->problem;
    r->ctx.opt = r->cfg.strat;
    r->ctx.emit = push;
    r->ctx.emit_ud = r;
    r->ctx.cancel = &r->cancel;
    r->tw = NULL;
    if (r->cfg.transcripts) {
        char terr[512];
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        r->tw = runs_create(terr, sizeof terr);
        if (!r->tw)
            set_warning(r, terr);
    }
    atomic_store(&r->cancel, 0);
    atomic_store(&r->busy, 1);
    int rc = pthread_create(&r->thread, NULL, run_thread, r);
    if (rc) {
        atomic_store(&r->busy, 0);
        transcript_close(r->tw, err, errlen);
        r->tw = NULL;
        snprintf(err, errlen, "could not start the run thread: %s", strerror(rc));
        return -1;
    }
    r->thread_live = 1;
    return 0;
}

void runner_cancel(runner *r)
{
    if (atomic_load(&r->busy))
        atomic_store(&r->cancel, CANCEL_USER);
}

int runner_take_warning(runner *r, char *buf, size_t cap)
{
    int any;
    pthread_mutex_lock(&r->mu);
    any = r->warning[0] != 0;
    if (any) {
        snprintf(buf, cap, "%s", r->warning);
        r->warning[0] = 0;
    }
    pthread_mutex_unlock(&r->mu);
    return any;
}

int runner_busy(const runner *r)
{
    return atomic_load(&((runner *)r)->busy);
}

event *runner_pop(runner *r)
{
    char buf[256];
    while (read(r->wake[0], buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&r->mu);
    qitem *q = r->head;
    if (q) {
        r->head = q->next;
        if (!r->head)
            r->tail = NULL;
    }
    pthread_mutex_unlock(&r->mu);
    if (!q) {
        /* The thread's last act is its 'd' byte, after the transcript's
         * fsync: it is joined once it has said so, so the done event is
         * never held back by the disk. */
        if (r->thread_live && !atomic_load(&r->busy))
            join(r);
        return NULL;
    }
    event *ev = q->ev;
    free(q);
    if (ev->kind == EV_DONE)
        r->done_popped = 1;
    return ev;
}
