/* tui: the UI thread's loop. It polls stdin, the runner's wake pipe and
 * the signal self-pipe, hands keys and events to their handlers, and draws
 * at most once per pass (see tui_state.h for the other files). */
#include "app/tui.h"
#include "app/tui_state.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/runs.h"
#include "ui/input.h"
#include "ui/curses.h"          /* KEY_* codes only */
#include "ui/term.h"
#include "ui/text.h"

double tui_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void tui_note(tui *t, ui_role role, const char *fmt, const char *arg)
{
    view_message(&t->v, role, tui_now(), MSG_S, fmt, arg);
    t->dirty = 1;
}

static void read_keys(tui *t)
{
    int key;
    while (!t->quit && (key = term_read_key()) != TERM_NO_KEY) {
        if (key == TERM_RESIZE) { t->resized = 1; t->dirty = 1; continue; }
        if (key == TERM_PASTE_BEGIN) { t->pasting = 1; t->paste_len = t->paste_total = 0; continue; }
        if (key == TERM_PASTE_END) { tui_paste_end(t); continue; }
        if (t->pasting) {
            if (key == KM_FN(KEY_ENTER) || key == '\r') tui_paste_char(t, '\n');
            else if (key < 0x1000000) tui_paste_char(t, (unsigned)key);
            continue;
        }
        tui_key(t, key);
    }
}

/* One event of the run (live or replayed) into the view, which keeps it. */
void tui_take_event(tui *t, event *ev, double now)
{
    view_apply_owned(&t->v, ev, now);      /* the view's log keeps ev */
    if (ev->kind == EV_DONE) {
        if (ev->run == RUN_CANCELLED)
            view_message(&t->v, ROLE_STATUS, now, MSG_S, "cancelled; what arrived is kept");
        else if (ev->run == RUN_FAILED)
            view_message(&t->v, ROLE_STATUS_ERROR, now, MSG_S,
                         "the run failed; the Answer pane says why");
    } else if (ev->kind == EV_ERROR && !ev->retryable && ev->node < 0 && ev->text) {
        view_message(&t->v, ROLE_STATUS_ERROR, now, MSG_S, "%s", ev->text);
    } else if (ev->kind == EV_NOTICE && ev->text && !strchr(t->v.notice, '\n')) {
        view_message(&t->v, ROLE_STATUS, now, MSG_S, "%s", ev->text);   /* the first one */
    } else if (ev->kind == EV_NOTICE && ev->text) {
        msglog_add(&t->msgs, ROLE_STATUS, time(NULL), ev->text);        /* the rest: the log */
    }
    t->events++;
    t->dirty = 1;
}

static void read_events(tui *t)
{
    double now = tui_now();
    event *ev;
    int n = 0;
    char warn[600];
    t->more_events = 0;
    while ((ev = runner_pop(t->run))) {
        tui_take_event(t, ev, now);
        if (++n >= MAX_EVENTS_PER_PASS) { t->more_events = 1; break; }
    }
    if (runner_take_warning(t->run, warn, sizeof warn))   /* said once a run */
        view_message(&t->v, ROLE_STATUS_ERROR, now, MSG_S, "%s", warn);
}

static void read_signals(tui *t)
{
    int sig;
    while ((sig = term_read_signal()) != TERM_SIG_NONE) {
        if (sig == TERM_SIG_INT) tui_key(t, KM_CTRL('c'));
        else if (sig == TERM_SIG_QUIT) t->quit = 1;
        else if (sig == TERM_SIG_TSTP) t->suspend = 1;
        else if (sig == TERM_SIG_CONT) {    /* also after our own suspend */
            term_resume();
            t->resized = t->dirty = 1;
        } else t->dirty = 1;    /* SIGWINCH: KEY_RESIZE follows */
    }
}

/* Stops the process with the terminal given back; the run thread stops
 * with it and goes on after fg. Everything is redrawn at once. */
static void suspend(tui *t)
{
    char err[256];
    t->suspend = 0;
    if (term_suspend(err, sizeof err) < 0) tui_note(t, ROLE_STATUS_ERROR, "%s", err);
    t->resized = t->dirty = 1;
    t->last_draw = 0;
}

/* Milliseconds poll may sleep: until the next frame is allowed, the next
 * spinner step, or a message expiring; forever when nothing is pending. */
static int next_timeout(tui *t, double now)
{
    double wait = 1e9;     /* "forever" */
    if (t->more_events) return 0;
    if (t->rp && replay_wait(t->rp, now) >= 0 && replay_wait(t->rp, now) < wait)
        wait = replay_wait(t->rp, now);
    if (t->dirty) wait = t->last_draw + FRAME_S - now;
    if (t->v.running && t->next_spin - now < wait) wait = t->next_spin - now;
    if (t->next_fade > 0 && t->next_fade - now < wait) wait = t->next_fade - now;
    if (t->v.msg[0] && t->v.msg_until > 0) {
        double w = t->v.msg_until - now;
        if (w <= 0) { t->v.msg[0] = 0; t->dirty = 1; w = 0; }
        if (w + 0.01 < wait) wait = w + 0.01;
    }
    if (wait >= 1e9) return -1;
    if (wait <= 0) return 0;
    return (int)(wait * 1000 + 0.999);
}

static int setup(tui *t, char *err, size_t errlen)
{
    char msg[512] = "", hmsg[512] = "", imsg[512] = "";
    int utf8 = term_locale_utf8(), cols, rows;
    theme_load(&t->th, t->cfg->theme, msg, sizeof msg);
    if (config_state_dir(t->state_dir, sizeof t->state_dir) < 0) {
        snprintf(hmsg, sizeof hmsg, "no state directory (set XDG_STATE_HOME or HOME): history is off");
        t->state_dir[0] = 0;
    }
    t->run = runner_new();
    if (!t->run) { snprintf(err, errlen, "could not create the run queue"); return -1; }
    if (term_open(err, errlen) < 0) return -1;
    theme_apply(&t->th);
    text_set_utf8(utf8);
    screen_init(&t->scr, utf8 && !t->cfg->ascii);
    view_init(&t->v);
    msglog_init(&t->msgs);
    tui_help_init();
    t->v.msgs = &t->msgs;
    input_init(t->state_dir[0] ? t->state_dir : NULL, tui_start_solve, t, imsg, sizeof imsg);
    input_set_task24(t->cfg->strat.task == TASK_24);
    if (!hmsg[0]) snprintf(hmsg, sizeof hmsg, "%s", imsg);
    tui_sync_settings(t);
    term_size(&cols, &rows);
    screen_layout(&t->scr, cols, rows, tui_want_side());
    /* the first thing worth saying: config, theme, then history problems */
    char cfgw[sizeof t->cfg->warning];    /* every config warning, on one line */
    snprintf(cfgw, sizeof cfgw, "%s", t->cfg->warning);
    for (char *nl = strchr(cfgw, '\n'); nl; nl = strchr(nl, '\n')) *nl = ';';
    if (cfgw[0]) view_message(&t->v, ROLE_STATUS_ERROR, tui_now(), 10, "%s", cfgw);
    else if (msg[0]) view_message(&t->v, ROLE_STATUS_ERROR, tui_now(), 10, "%s", msg);
    else if (hmsg[0]) view_message(&t->v, ROLE_STATUS_ERROR, tui_now(), 10, "%s", hmsg);
    t->dirty = 1;
    return 0;
}

/* Also undoes a setup() that failed half way. */
static void teardown(tui *t)
{
    if (t->run) runner_free(t->run);     /* cancels and joins a running solve */
    t->run = NULL;
    term_close();
    input_done();
    screen_done(&t->scr);
    view_done(&t->v);
    msglog_done(&t->msgs);
    free(t->paste);
}

/* PONDER_TUI_STATS=FILE: one JSON line of frame figures at exit, for
 * `make bench` (redraw rate, time to first frame). */
static void write_stats(const tui *t)
{
    const char *path = getenv("PONDER_TUI_STATS");
    double up = tui_now() - t->t_open;
    FILE *f;
    if (!path || !*path || !(f = fopen(path, "w"))) return;
    fprintf(f, "{\"frames\":%ld,\"seconds\":%.3f,\"fps\":%.1f,\"first_frame_ms\":%.1f,"
               "\"events\":%ld}\n",
            t->frames, up, up > 0 ? t->frames / up : 0,
            t->frames ? (t->t_first_frame - t->t_open) * 1000 : -1, t->events);
    fclose(f);
}

/* The loop, for a live session (rp NULL) or a replay (rp owned here). */
static int tui_run(app_config *cfg, replay *rp)
{
    tui t;
    char err[512] = "";
    memset(&t, 0, sizeof t);
    t.cfg = cfg;
    t.rp = rp;
    t.t_open = tui_now();
    if (setup(&t, err, sizeof err) < 0) {
        teardown(&t);
        fprintf(stderr, "ponder: %s\n", err);
        return 1;
    }
    if (t.rp) {
        view_reset(&t.v, tui_now());
        screen_new_run(&t.scr);
        replay_start(t.rp, tui_now());
        tui_replay_sync(&t);
    }
    while (!t.quit) {
        double now = tui_now();
        /* A frame is already owed: let events pile up until it is due and
         * take them in one batch, rather than waking for every delta. */
        int hold = t.dirty && now < t.last_draw + FRAME_S;
        struct pollfd fds[3] = {
            { STDIN_FILENO, POLLIN, 0 },
            { hold ? -1 : runner_wake_fd(t.run), POLLIN, 0 },
            { term_signal_fd(), POLLIN, 0 },
        };
        int rc = poll(fds, 3, next_timeout(&t, now));
        if (rc < 0 && errno != EINTR) break;
        if (fds[2].revents) read_signals(&t);
        if (fds[0].revents & (POLLHUP | POLLERR)) t.quit = 1;
        read_keys(&t);      /* also after EINTR: a resize is waiting */
        if (fds[1].revents || t.more_events || hold) read_events(&t);
        if (t.rp && !hold) tui_replay_feed(&t, tui_now());
        if (t.suspend && !t.quit) suspend(&t);
        now = tui_now();
        if (t.v.running && now >= t.next_spin) {
            t.scr.spin++;
            t.next_spin = now + SPIN_S;
            t.dirty = 1;
        }
        if (t.next_fade > 0 && now >= t.next_fade) {   /* a new node's highlight ends */
            t.next_fade = 0;
            t.dirty = 1;
        }
        if (t.resized) {
            int cols, rows;
            term_size(&cols, &rows);
            screen_layout(&t.scr, cols, rows, tui_want_side());
            t.resized = 0;
        }
        if (t.dirty && now - t.last_draw >= FRAME_S && !t.quit) {
            screen_draw(&t.scr, &t.v, now);
            t.next_fade = tree_next_expiry(&t.v.tree, &t.v.tr, now);
            t.last_draw = now;
            if (t.frames++ == 0) t.t_first_frame = now;
            t.dirty = 0;
        }
    }
    teardown(&t);
    write_stats(&t);
    replay_free(t.rp);
    return 0;
}

int tui_main(app_config *cfg)
{
    return tui_run(cfg, NULL);
}

int tui_replay(app_config *cfg, const char *file, double speed)
{
    char path[1400], err[1600];
    replay *rp;
    if (runs_resolve(file, path, sizeof path, err, sizeof err) < 0 ||
        !(rp = replay_open(path, speed, err, sizeof err))) {
        fprintf(stderr, "ponder: %s\n", err);
        return 1;
    }
    return tui_run(cfg, rp);
}
