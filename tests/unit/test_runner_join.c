/* test_runner_join: the UI joins the run thread on the thread's own wake
 * byte, so popping the done event never waits for the transcript's fsync.
 *
 * This program defines fsync(): the executable's definition wins over
 * libc's for every call in libponder, so the run thread's transcript_close
 * blocks in it until the test lets it go. The done event must come out of
 * the queue while that fsync is still held. (The hold gives up after 30 s
 * only so that old code, which joined on done, fails instead of hanging.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/config.h"
#include "app/runner.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int hold;            /* fsync waits while set */
static int in_fsync;        /* a held fsync has started */
static int gave_up;         /* a held fsync stopped waiting on its own */
static int returned;        /* a held fsync has returned */

int fsync(int fd);
int fsync(int fd)
{
    (void)fd;
    pthread_mutex_lock(&mu);
    if (hold) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 30;
        in_fsync = 1;
        pthread_cond_broadcast(&cv);
        while (hold)
            if (pthread_cond_timedwait(&cv, &mu, &until) != 0) {
                gave_up = 1;
                break;
            }
        returned = 1;
    }
    pthread_mutex_unlock(&mu);
    return 0;
}

static event *pop_wait(runner *r)
{
    event *ev;
    while (!(ev = runner_pop(r))) {
        struct pollfd p = { runner_wake_fd(r), POLLIN, 0 };
        if (poll(&p, 1, 60000) <= 0)
            return NULL;
    }
    return ev;
}

static void test_done_before_fsync(void **state)
{
    (void)state;
    char dir[] = "/tmp/ponder-join-XXXXXX", err[512];
    assert_non_null(mkdtemp(dir));
    setenv("XDG_DATA_HOME", dir, 1);
    app_config cfg;
    config_defaults(&cfg);
    snprintf(cfg.model, sizeof cfg.model, "builtin");
    snprintf(cfg.strategy, sizeof cfg.strategy, "direct");
    cfg.strat.seed = 1;
    cfg.transcripts = 1;
    runner *r = runner_new();
    assert_non_null(r);
    pthread_mutex_lock(&mu);
    hold = 1;
    pthread_mutex_unlock(&mu);
    if (runner_start(r, &cfg, "Sam has 5 apples and buys 3 more. How many apples?",
                     err, sizeof err) < 0) {
        print_message("no built-in model here (%s)\n", err);
        skip();
    }
    event *ev;
    int done = 0, events = 0;
    while (!done && (ev = pop_wait(r))) {
        done = ev->kind == EV_DONE;
        events++;
        event_free(ev);
    }
    assert_true(done);
    pthread_mutex_lock(&mu);
    int early = !returned && !gave_up;      /* done came out before the fsync ended */
    /* the thread does reach the held fsync (so the test holds something) */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    while (!in_fsync && pthread_cond_timedwait(&cv, &mu, &until) == 0)
        ;
    int reached = in_fsync;
    hold = 0;                   /* let the thread finish its transcript */
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    assert_true(reached);
    assert_true(early);
    /* the thread's own wake byte comes once the fsync is let go; reading
     * it joins the thread, and nothing more is queued */
    struct pollfd p = { runner_wake_fd(r), POLLIN, 0 };
    assert_int_equal(poll(&p, 1, 60000), 1);
    assert_null(runner_pop(r));
    /* and a next run starts */
    assert_int_equal(runner_start(r, &cfg, "2 + 2", err, sizeof err), 0);
    done = 0;
    while (!done && (ev = pop_wait(r))) {
        done = ev->kind == EV_DONE;
        event_free(ev);
    }
    assert_true(done);
    runner_free(r);
    assert_true(events > 2);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_done_before_fsync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
