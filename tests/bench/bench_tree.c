/* bench_tree: the tree pane's cost per frame. Builds a 5,000-node trace
 * (a bushy tree of thoughts with scores, some pruned, plus a long chain of
 * steps), then draws the whole screen into an off-screen terminal at
 * 120x40 while paging the tree cursor through it, and prints the median
 * time of one frame. A benchmark, not a test: it asserts nothing. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/curses.h"
#include "ui/input.h"
#include "ui/screen.h"
#include "ui/text.h"
#include "ui/theme.h"
#include "ui/view.h"

enum { NODES = 5000, FRAMES = 400 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void send(view *v, event *ev) { view_apply(v, ev, 0.0); }

static void build(view *v)
{
    event ev = event_make(EV_RUN_START);
    view_reset(v, 0);
    ev.text = "Use 4 4 10 13 and + - * / to make 24.";
    ev.strategy = "tot";
    ev.model = "bench";
    send(v, &ev);
    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    send(v, &ev);
    for (int id = 1; id < NODES; id++) {
        char label[96];
        int parent = id <= 20 ? 0 : id <= 400 ? 1 + (id - 21) % 20
                   : id < 4000 ? 21 + (id - 401) % 380 : id - 1;
        snprintf(label, sizeof label, "%d - %d = %d (left: %d %d %d)", id, parent, id - parent,
                 id % 13, id % 7, id % 5);
        ev = event_make(EV_NODE_ADD);
        ev.node = id;
        ev.parent = parent;
        ev.nkind = id < 4000 ? NODE_THOUGHT : NODE_STEP;
        ev.text = label;
        send(v, &ev);
        ev = event_make(EV_SCORE);
        ev.node = id;
        ev.scores.has = SCORE_VALUE | (id % 4 == 0 ? SCORE_VISITS | SCORE_W : 0);
        ev.scores.value = id % 50;
        ev.scores.visits = id % 17 + 1;
        ev.scores.w = (id % 17) * 0.4;
        send(v, &ev);
        ev = event_make(EV_STATUS);
        ev.node = id;
        ev.status = id % 3 ? NS_DONE : NS_PRUNED;
        ev.answer = id % 97 == 0 ? "24" : NULL;
        send(v, &ev);
    }
}

int main(void)
{
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    SCREEN *scr;
    theme th;
    ui_screen s;
    view v;
    char msg[200];
    double t[FRAMES], build_s;
    setlocale(LC_ALL, "C.UTF-8");
    scr = newterm("xterm-256color", out, in);
    if (!scr) scr = newterm("vt100", out, in);
    if (!scr) { fprintf(stderr, "bench_tree: no terminal\n"); return 1; }
    if (has_colors()) start_color();
    theme_builtin(&th);
    theme_apply(&th);
    text_set_utf8(1);
    input_init(NULL, NULL, NULL, msg, sizeof msg);
    view_init(&v);
    build_s = now_s();
    build(&v);
    build_s = now_s() - build_s;
    screen_init(&s, 1);
    s.strategy = "tot";
    resizeterm(40, 120);
    screen_layout(&s, 120, 40, 1);
    v.tree.focus = 1;
    tree_move_home(&v.tree, &v.tr);
    for (int f = 0; f < FRAMES; f++) {
        double a = now_s();
        screen_draw(&s, &v, 100.0);
        t[f] = now_s() - a;
        /* a page down, and now and then a collapse, as a reader would */
        tree_move_rows(&v.tree, &v.tr, f % 50 == 49 ? -1000 : 37);
        if (f % 100 == 99) tree_toggle(&v.tree, &v.tr);
    }
    qsort(t, FRAMES, sizeof t[0], cmp);
    printf("tree draw, %s nodes: median %.2f ms per frame (goal <= 5 ms); "
           "p95 %.2f ms over %d frames at 120x40; building the trace from events: %.0f ms\n",
           "5,000", t[FRAMES / 2] * 1000, t[FRAMES * 95 / 100] * 1000, FRAMES, build_s * 1000);
    screen_done(&s);
    view_done(&v);
    input_done();
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    return 0;
}
