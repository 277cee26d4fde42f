/* replay: a saved run fed back to the TUI, with no model and no network.
 *
 * The transcript's events come out at their recorded pace ("t", scaled by
 * the speed; 0 is instant), or one at a time while paused. The TUI's loop
 * asks how long it may sleep (replay_wait) and takes what is due
 * (replay_next); the events go to the same view a live run feeds. No
 * ncurses here. */
#ifndef PONDER_REPLAY_H
#define PONDER_REPLAY_H
#include <stddef.h>
#include "tutor/transcript.h"

typedef struct replay replay;

/* Loads path. Returns NULL with a message when the file cannot be read or
 * holds no event at all. */
replay *replay_open(const char *path, double speed, char *err, size_t errlen);
void replay_free(replay *r);
/* Starts the clock: the first event is due now. */
void replay_start(replay *r, double now);
/* Seconds until the next event is due (0: now), or -1 when paused or when
 * every event has been given out. */
double replay_wait(const replay *r, double now);
/* The next event if it is due, else NULL. The caller owns it (event_free). */
event *replay_next(replay *r, double now);
/* The next event whatever the clock says, and pause. NULL at the end. */
event *replay_step(replay *r, double now);
/* The kind of the event replay_step would give, or -1 at the end. */
int replay_peek(const replay *r);
void replay_set_paused(replay *r, int paused, double now);
int replay_paused(const replay *r);
/* Every event has been given out. */
int replay_finished(const replay *r);
/* The file ended before the run did (no done event). */
int replay_cut_off(const replay *r);
int replay_count(const replay *r);
/* What was skipped while reading ("" when nothing was). */
const char *replay_notes(const replay *r);
/* "replay: NAME · ×2 · paused" for the status line. */
void replay_status(const replay *r, char *buf, size_t cap);

#endif
