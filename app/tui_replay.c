/* tui_replay: `ponder replay` in the loop: the saved run's events given
 * to the view on the replay's clock, and the keys that step through it. */
#include "app/tui_state.h"

#include <stdio.h>

void tui_replay_sync(tui *t)
{
    replay_status(t->rp, t->replay_line, sizeof t->replay_line);
    t->scr.replay = t->replay_line;
    t->dirty = 1;
}

/* A replayed event: the status line shows the saved run's settings. */
static void replay_take(tui *t, event *ev, double now)
{
    int start = ev->kind == EV_RUN_START;
    tui_take_event(t, ev, now);
    if (start) {
        t->scr.model = t->v.model;
        t->scr.strategy = t->v.strategy;
        t->scr.n = t->v.n;
        t->scr.temperature = t->v.temperature;
        t->scr.task = t->v.task;
    }
}

/* Once every event is out: a transcript without its done event is a run
 * that was cut off (killed, or still being written); the view stops. */
static void replay_end(tui *t, double now)
{
    const char *notes = replay_notes(t->rp);
    if (t->replay_ended || !replay_finished(t->rp)) return;
    t->replay_ended = 1;
    if (replay_cut_off(t->rp)) {
        t->v.running = 0;
        t->v.t_end = now;
        view_message(&t->v, ROLE_STATUS_ERROR, now, 0,
                     "replay: the run was cut off after %d events (it has no end)%s%s",
                     replay_count(t->rp), notes[0] ? "; " : "", notes);
    } else {
        view_message(&t->v, notes[0] ? ROLE_STATUS_ERROR : ROLE_STATUS, now, MSG_S,
                     "replay: end of the run%s%s", notes[0] ? "; " : "", notes);
    }
    tui_replay_sync(t);
}

void tui_replay_feed(tui *t, double now)
{
    event *ev;
    int n = 0;
    while ((ev = replay_next(t->rp, now))) {
        replay_take(t, ev, now);
        if (++n >= MAX_EVENTS_PER_PASS) { t->more_events = 1; break; }
    }
    replay_end(t, now);
}

void tui_replay_key(tui *t, ui_action a)
{
    double now = tui_now();
    event *ev;
    if (!t->rp) return;
    if (a == ACT_REPLAY_PAUSE) {
        replay_set_paused(t->rp, !replay_paused(t->rp), now);
    } else if (a == ACT_REPLAY_STEP) {
        if ((ev = replay_step(t->rp, now))) replay_take(t, ev, now);
    } else {
        /* on to the next new node: every event up to and including it */
        while ((ev = replay_step(t->rp, now))) {
            int added = ev->kind == EV_NODE_ADD;
            replay_take(t, ev, now);
            if (added) break;
        }
    }
    if (replay_finished(t->rp)) replay_end(t, now);
    else if (a != ACT_REPLAY_PAUSE && replay_peek(t->rp) >= 0)
        view_message(&t->v, ROLE_STATUS, now, MSG_S, "replay: paused at event %d of %d "
                     "(n next, N next node, p go on)",
                     t->v.log.n, replay_count(t->rp));
    tui_replay_sync(t);
}
