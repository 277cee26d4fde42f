/* test_runner: the run thread and its queue (app/runner.c), as the TUI uses
 * them: wait on the wake fd, drain with runner_pop.
 *
 * - the queue hands over a whole run in order (run_start first, done last,
 *   once), and the wake fd is readable exactly while events wait;
 * - a second start while a run is going is refused with a message;
 * - cancel ends a run that would otherwise wait a minute for a stalled
 *   server (the fixture's "stall" scenario), as cancelled;
 * - the done event reaches the UI while the transcript's fsync is still
 *   going: the test links with -Wl,--wrap=fsync and holds fsync until the
 *   done event has been popped (a 30 s guard ends the hold, so a runner
 *   that waits fails the test instead of hanging it).
 *
 * Every wait is a bounded poll of the wake fd; nothing asserts on time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/runner.h"
#include "tests/e2e/harness.h"

#define PROBLEM "An orchard has 20 oranges. 8 are picked, then 15 more grow. How many oranges?"

/* ---- a slow fsync ---- */

int __real_fsync(int fd);
int __wrap_fsync(int fd);

static atomic_int hold_fsync;       /* the next fsync waits for `release` */
static atomic_int fsync_returned;   /* a held fsync has returned */
static atomic_int fsync_gave_up;    /* ... because the guard ran out */
static sem_t entered, release;

int __wrap_fsync(int fd)
{
    if (atomic_exchange(&hold_fsync, 0)) {
        sem_post(&entered);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 30;
        while (sem_timedwait(&release, &until) < 0 && errno == EINTR)
            ;
        if (errno == ETIMEDOUT)
            atomic_store(&fsync_gave_up, 1);
        int rc = __real_fsync(fd);
        atomic_store(&fsync_returned, 1);
        return rc;
    }
    return __real_fsync(fd);
}

/* ---- helpers ---- */

static int readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1;
}

/* Pops events until EV_DONE (returned, the caller frees it), as the UI
 * does: sleep on the wake fd, then drain. Counts and checks order. */
static event *until_done(runner *r, int *n_events, int *n_text)
{
    *n_events = *n_text = 0;
    for (int waits = 0; waits < 600; ) {
        event *ev = runner_pop(r);
        if (!ev) {
            /* an empty queue has nothing to wake for: the byte was drained */
            waits++;
            readable(runner_wake_fd(r), 100);
            continue;
        }
        if (*n_events == 0)
            assert_int_equal(ev->kind, EV_RUN_START);
        (*n_events)++;
        *n_text += ev->kind == EV_TEXT;
        if (ev->kind == EV_DONE)
            return ev;
        event_free(ev);
    }
    fail_msg("no done event after 60 s of waiting on the wake fd");
    return NULL;
}

/* After done: the thread ends (busy drops) and says so on the wake fd. */
static void until_idle(runner *r)
{
    for (int waits = 0; runner_busy(r) && waits < 600; waits++) {
        readable(runner_wake_fd(r), 100);
        event *ev = runner_pop(r);
        assert_null(ev);            /* nothing comes after done */
    }
    assert_int_equal(runner_busy(r), 0);
}

static void scripted_config(app_config *c)
{
    config_defaults(c);
    snprintf(c->model, sizeof c->model, "scripted:tests/fixtures/scripted_demo.json");
    snprintf(c->strategy, sizeof c->strategy, "sc");
    c->strat.n = 5;
    c->transcripts = 1;
}

static int count_runs(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s/data/ponder/runs 2>/dev/null | wc -l", harness_dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

/* ---- tests ---- */

static void test_queue_and_wake_byte(void **state)
{
    (void)state;
    runner *r = runner_new();
    assert_non_null(r);
    assert_false(readable(runner_wake_fd(r), 0));
    assert_null(runner_pop(r));
    app_config c;
    scripted_config(&c);
    char err[256] = "";
    int before = count_runs();
    assert_int_equal(runner_start(r, &c, PROBLEM, err, sizeof err), 0);
    assert_true(readable(runner_wake_fd(r), 30000));   /* the first event wakes */
    int n, text;
    event *done = until_done(r, &n, &text);
    assert_int_equal(done->run, RUN_OK);
    assert_string_equal(done->answer, "27");            /* 3 of the 5 replies */
    assert_int_equal(tally_count(&done->votes, "27"), 3);
    assert_true(text >= 5);
    event_free(done);
    until_idle(r);
    assert_null(runner_pop(r));
    assert_false(readable(runner_wake_fd(r), 0));      /* drained, and quiet */
    assert_int_equal(count_runs(), before + 1);         /* the run was saved */
    /* the runner is reused: a second run goes the same way */
    assert_int_equal(runner_start(r, &c, PROBLEM, err, sizeof err), 0);
    int n2, text2;
    done = until_done(r, &n2, &text2);
    assert_int_equal(n2, n);
    event_free(done);
    until_idle(r);
    runner_free(r);
}

static void test_cancel_stalled_run(void **state)
{
    (void)state;
    fixture fx = { 0 };
    assert_int_equal(fixture_scenario(&fx, "stall"), 0);
    runner *r = runner_new();
    app_config c;
    config_defaults(&c);
    snprintf(c.model, sizeof c.model, "openai:test");
    snprintf(c.base_url, sizeof c.base_url, "http://127.0.0.1:%d/v1", fx.port);
    snprintf(c.strategy, sizeof c.strategy, "cot");
    c.idle_timeout_s = 60;      /* without cancel, the run would wait this long */
    c.max_retries = 0;
    c.transcripts = 0;
    char err[256] = "";
    assert_int_equal(runner_start(r, &c, PROBLEM, err, sizeof err), 0);
    /* refused while it runs, with a message, and the run goes on */
    assert_int_equal(runner_start(r, &c, PROBLEM, err, sizeof err), -1);
    assert_non_null(strstr(err, "already running"));
    /* the stall comes after 3 deltas: wait for them, then cancel */
    int text = 0, events = 0;
    event *done = NULL;
    for (int waits = 0; !done && waits < 600; ) {
        event *ev = runner_pop(r);
        if (!ev) {
            waits++;
            readable(runner_wake_fd(r), 100);
            continue;
        }
        events++;
        if (ev->kind == EV_TEXT && ++text == 3)
            runner_cancel(r);
        if (ev->kind == EV_DONE)
            done = ev;
        else
            event_free(ev);
    }
    assert_non_null(done);
    assert_int_equal(text, 3);
    assert_int_equal(done->run, RUN_CANCELLED);
    event_free(done);
    until_idle(r);
    runner_free(r);
    fixture_stop(&fx);
}

static void test_done_does_not_wait_for_fsync(void **state)
{
    (void)state;
    runner *r = runner_new();
    app_config c;
    scripted_config(&c);
    char err[256] = "";
    atomic_store(&fsync_returned, 0);
    atomic_store(&fsync_gave_up, 0);
    atomic_store(&hold_fsync, 1);
    assert_int_equal(runner_start(r, &c, PROBLEM, err, sizeof err), 0);
    int n, text;
    event *done = until_done(r, &n, &text);
    /* the UI has its answer while the disk is still busy */
    int waited = atomic_load(&fsync_returned);
    sem_post(&release);
    assert_int_equal(done->run, RUN_OK);
    event_free(done);
    if (waited)
        fail_msg("runner_pop returned the done event only after the transcript's fsync%s",
                 atomic_load(&fsync_gave_up) ? " (held 30 s)" : "");
    sem_wait(&entered);         /* the held fsync did run */
    until_idle(r);
    assert_int_equal(atomic_load(&fsync_gave_up), 0);
    runner_free(r);
}

static int setup(void **state)
{
    if (harness_setup(state))
        return -1;
    char d[128];
    snprintf(d, sizeof d, "%s/data", harness_dir);
    setenv("XDG_DATA_HOME", d, 1);
    snprintf(d, sizeof d, "%s/state", harness_dir);
    setenv("XDG_STATE_HOME", d, 1);
    sem_init(&entered, 0, 0);
    sem_init(&release, 0, 0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_and_wake_byte),
        cmocka_unit_test(test_cancel_stalled_run),
        cmocka_unit_test(test_done_does_not_wait_for_fsync),
    };
    return cmocka_run_group_tests(tests, setup, harness_teardown);
}
