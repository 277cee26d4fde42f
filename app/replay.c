/* replay: the clock that gives a transcript's events out again. */
#include "app/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/strategy.h"

struct replay {
    transcript_data d;
    int next;               /* the next event to give out */
    double speed;           /* 0: everything at once */
    int paused;
    double at_ms;           /* the run's clock when the wall clock read wall0 */
    double wall0;
    char name[256];
    char notes[256];
};

/* A transcript written before run_start carried traits: the registry and
 * the model spec still know them, so an old run replays as it looked. */
static void fill_traits(event *ev)
{
    const strategy_info *si = strategy_find(ev->strategy);
    if (ev->kind != EV_RUN_START || ev->has_traits)
        return;
    ev->has_traits = 1;
    ev->strategy_traits = si ? si->traits : 0;
    ev->model_caps = model_spec_caps(ev->model);
}

replay *replay_open(const char *path, double speed, char *err, size_t errlen)
{
    replay *r = calloc(1, sizeof *r);
    const char *base = strrchr(path, '/');
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    transcript_data_init(&r->d);
    if (transcript_load(path, &r->d, err, errlen) < 0) {
        replay_free(r);
        return NULL;
    }
    if (r->d.n == 0) {
        snprintf(err, errlen, "%s: no events to replay%s", path,
                 r->d.bad || r->d.truncated ? " (no line could be read)" : "");
        replay_free(r);
        return NULL;
    }
    /* an event without a time comes with the one before it */
    for (int i = 0; i < r->d.n; i++)
        if (r->d.t_ms[i] < 0)
            r->d.t_ms[i] = i ? r->d.t_ms[i - 1] : 0;
    for (int i = 0; i < r->d.n; i++)
        fill_traits(&r->d.ev[i]);
    r->speed = speed;
    snprintf(r->name, sizeof r->name, "%s", base ? base + 1 : path);
    transcript_describe(&r->d, r->notes, sizeof r->notes);
    return r;
}

void replay_free(replay *r)
{
    if (!r)
        return;
    transcript_data_done(&r->d);
    free(r);
}

static double clock_ms(const replay *r, double now)
{
    if (r->paused)
        return r->at_ms;
    return r->at_ms + (now - r->wall0) * 1000.0 * r->speed;
}

void replay_start(replay *r, double now)
{
    r->at_ms = r->d.n ? (double)r->d.t_ms[0] : 0;
    r->wall0 = now;
}

double replay_wait(const replay *r, double now)
{
    if (r->paused || r->next >= r->d.n)
        return -1;
    if (r->speed <= 0)
        return 0;
    double due = ((double)r->d.t_ms[r->next] - clock_ms(r, now)) / (1000.0 * r->speed);
    return due > 0 ? due : 0;
}

/* Moves event i out of the data into a heap event. */
static event *take(replay *r)
{
    event *e = malloc(sizeof *e);
    if (!e)
        return NULL;
    *e = r->d.ev[r->next];
    r->d.ev[r->next] = event_make(e->kind);   /* the data no longer owns it */
    r->next++;
    return e;
}

event *replay_next(replay *r, double now)
{
    if (replay_wait(r, now) != 0)
        return NULL;
    return take(r);
}

event *replay_step(replay *r, double now)
{
    (void)now;
    if (r->next >= r->d.n)
        return NULL;
    r->paused = 1;
    r->at_ms = (double)r->d.t_ms[r->next];
    return take(r);
}

int replay_peek(const replay *r)
{
    return r->next < r->d.n ? (int)r->d.ev[r->next].kind : -1;
}

void replay_set_paused(replay *r, int paused, double now)
{
    if (paused == r->paused)
        return;
    r->at_ms = clock_ms(r, now);
    r->wall0 = now;
    r->paused = paused;
}

int replay_paused(const replay *r) { return r->paused; }
int replay_finished(const replay *r) { return r->next >= r->d.n; }
int replay_cut_off(const replay *r) { return !r->d.has_done; }
int replay_count(const replay *r) { return r->d.n; }
const char *replay_notes(const replay *r) { return r->notes; }

void replay_status(const replay *r, char *buf, size_t cap)
{
    char speed[32];
    if (r->speed <= 0)
        snprintf(speed, sizeof speed, "instant");
    else
        snprintf(speed, sizeof speed, "\xc3\x97%g", r->speed);
    snprintf(buf, cap, "replay: %s \xc2\xb7 %s%s%s", r->name, speed,
             !replay_finished(r) && r->paused ? " \xc2\xb7 paused" : "",
             !replay_finished(r) ? "" : replay_cut_off(r) ? " \xc2\xb7 cut off" : " \xc2\xb7 end");
}
