/* runner: the run thread and the event queue between it and the UI thread.
 *
 * runner_start() launches one solve on its own thread. The strategy's events
 * are copied into a mutex-guarded queue and a byte is written to the wake
 * pipe; the UI thread polls runner_wake_fd() and drains with runner_pop().
 * Nothing else is shared between the threads. The run thread also saves
 * each event to the run's transcript (app/runs.c) before queueing it. */
#ifndef PONDER_RUNNER_H
#define PONDER_RUNNER_H
#include "app/config.h"
#include "tutor/event.h"

typedef struct runner runner;

runner *runner_new(void);
/* Cancels and joins any run, then frees everything. */
void runner_free(runner *r);
int runner_wake_fd(const runner *r);
/* Starts a solve of problem with cfg's model and strategy (both copied).
 * Returns 0, or -1 with a message in err (a run is already going, or the
 * model could not be opened). */
int runner_start(runner *r, const app_config *cfg, const char *problem,
                 char *err, size_t errlen);
/* Asks the running solve to stop; events keep flowing until EV_DONE. */
void runner_cancel(runner *r);
int runner_busy(const runner *r);
/* A transcript problem (say, the disk is full) to show once: returns 1 and
 * the message, then forgets it. The run itself carries on regardless. */
int runner_take_warning(runner *r, char *buf, size_t cap);
/* Next queued event, or NULL. The caller frees it with event_free(). Also
 * drains the wake pipe. EV_DONE comes before the transcript's fsync ends:
 * the thread writes one more wake byte when it is through, and the pop
 * that finds the queue empty after it joins the thread (runner_busy() is
 * then 0). runner_start() after EV_DONE waits for that itself. */
event *runner_pop(runner *r);

#endif
