/* headless: runs a strategy on this thread and prints its events.
 *
 * With --json every event is one JSON line, flushed at once, so a reader
 * sees the run live. Without it, single-chain strategies stream their text
 * as it comes; sc prints each sample whole when it finishes (interleaved
 * deltas of ten chains would be unreadable), then the vote. */
#include "app/headless.h"
#include "app/runs.h"
#include "tutor/export.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "strategies/sample.h"

#define MAX_PROBLEM (64 * 1024)

static atomic_int cancel_flag;
/* Its own flag: a run stopped by Ctrl-C is still exported, and a signal
 * during the export stops that too (it leaves no file). */
static atomic_int export_cancel;

static void on_sigint(int sig)
{
    (void)sig;
    atomic_store(&cancel_flag, CANCEL_USER);
    atomic_store(&export_cancel, 1);
}

typedef struct {
    const app_config *cfg;
    strategy_ctx *ctx;
    int streaming;            /* print deltas as they come */
    int last_ch;              /* channel of the last printed delta */
    int mid_line;             /* stdout's last byte was not a newline */
    int samples_done;
    char last_msg[512];       /* the last message on stderr: ten samples that
                               * fail alike are said once */
    event_log *log;           /* every event, for --export; NULL without it */
    transcript_writer *tw;    /* the run's transcript, NULL when off or failed */
    struct timespec t0;       /* when the run started, for the transcript's "t" */
} hl_state;

/* Saves ev to the transcript. A failure is said once; the run goes on. */
static void save(hl_state *s, const event *ev)
{
    char err[512] = "";
    struct timespec now;
    if (!s->tw)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (long)(now.tv_sec - s->t0.tv_sec) * 1000 + (now.tv_nsec - s->t0.tv_nsec) / 1000000;
    if (transcript_write(s->tw, ev, ms, err, sizeof err) < 0 && err[0]) {
        fflush(stdout);
        fprintf(stderr, "ponder: transcript not saved: %s\n", err);
    }
}

static void say(hl_state *s, const char *prefix, const char *msg)
{
    if (!strcmp(s->last_msg, msg))
        return;
    snprintf(s->last_msg, sizeof s->last_msg, "%s", msg);
    /* a note starts a line of its own, even between streamed words (on a
     * terminal stdout and stderr are one screen) */
    if (s->mid_line) {
        fputc('\n', stdout);
        s->mid_line = 0;
    }
    fflush(stdout);
    fprintf(stderr, "ponder: %s%s\n", prefix, msg);
}

static void print_votes(const tally *t)
{
    printf("Votes:");
    for (int i = 0; i < t->n; i++)
        if (t->weighted)
            printf("%s %s ×%d (weight %.2f)", i ? "," : "", t->e[i].answer, t->e[i].count,
                   t->e[i].weight);
        else
            printf("%s %s ×%d", i ? "," : "", t->e[i].answer, t->e[i].count);
    if (t->no_answer)
        printf("%s no answer ×%d", t->n ? "," : "", t->no_answer);
    printf("\n");
}

static void print_text(const event *ev, hl_state *s)
{
    if (!s->streaming)
        return;
    if (s->last_ch == CH_THINKING && ev->ch == CH_ANSWER)
        fputs("\n\n", stdout);
    s->last_ch = ev->ch;
    const char *text = ev->text ? ev->text : "";
    fputs(text, stdout);
    if (*text)
        s->mid_line = text[strlen(text) - 1] != '\n';
    fflush(stdout);
}

static void print_sample(const event *ev, hl_state *s)
{
    const trace_node *n = trace_cget(&s->ctx->trace, ev->node);
    if (!n || n->kind != NODE_SAMPLE || n->parent != 0 || ev->status == NS_CHOSEN)
        return;
    s->samples_done++;
    printf("── sample %d of %d: %s ──\n", ev->node, s->ctx->opt.n,
           ev->answer ? ev->answer : ev->status == NS_DONE ? "no answer" : node_status_name(ev->status));
    if (n->thinking.len)
        printf("%s\n", n->thinking.s);
    if (n->answer_text.len)
        printf("%s\n", n->answer_text.s);
    printf("\n");
    fflush(stdout);
}

/* A search's result: the tree's size and the chosen path, step by step,
 * with the step checker's marks. */
static void print_tree(hl_state *s)
{
    const trace *t = &s->ctx->trace;
    int pruned = 0;
    if (!trace_is_tree(t))
        return;
    for (int i = 1; i < t->n; i++)
        pruned += t->nodes[i].status == NS_PRUNED;
    printf("Search tree: %d nodes, %d pruned.\n", t->n, pruned);
    /* the last 64 steps of the chosen path (a crafted chain can be longer) */
    int path[64], n = 0;
    for (int x = trace_chosen_leaf(t); x > 0 && n < 64; x = t->nodes[x].parent)
        path[n++] = x;
    if (n)
        printf("Chosen path:\n");
    for (int i = n - 1, k = 1; i >= 0; i--, k++) {
        const trace_node *x = &t->nodes[path[i]];
        const char *text = x->answer_text.len ? x->answer_text.s : x->thinking.s;
        char line[512];
        snprintf(line, sizeof line, "%s", text ? text : "");
        for (char *p = line; *p; p++)
            if (*p == '\n')
                *p = ' ';
        char *b = line;
        while (*b == ' ')
            b++;
        printf("  %d. %s", k, b);
        if (x->scores.has & SCORE_VALUE)
            printf("   [value %.3g]", x->scores.value);
        if (x->scores.has & SCORE_PRM)
            printf("   [prm %.2f]", x->scores.prm);
        if (x->scores.has & SCORE_VISITS)
            printf("   [N %d, Q %.2f]", x->scores.visits,
                   x->scores.visits ? x->scores.w / x->scores.visits : 0.0);
        if (x->mark)
            printf("   ✗ %s", x->mark);
        printf("\n");
    }
}

static void print_done(const event *ev, hl_state *s)
{
    if (s->streaming)
        printf("\n\n");
    s->mid_line = 0;
    print_tree(s);
    if (ev->answer && ev->answer[0]) {
        printf("Answer: %s", ev->answer);
        if (ev->guess)
            printf("  (a guess: the problem is outside what the model knows)");
        if (ev->has_votes && ev->votes.n && !ev->votes.weighted)
            printf("  (%d of %d votes, %.0f%%)", ev->votes.e[0].count, ev->votes.total,
                   100.0 * ev->confidence);
        else if (ev->has_votes && ev->votes.n && ev->confidence >= 0)
            printf("  (%.0f%% of the weighted vote)", 100.0 * ev->confidence);
        printf("\n");
    }
    if (ev->has_votes)
        print_votes(&ev->votes);
    fflush(stdout);
}

static void emit(void *ud, const event *ev)
{
    hl_state *s = ud;
    save(s, ev);
    if (s->log)
        event_log_push(s->log, ev);
    if (s->cfg->json) {
        char *js = event_to_json(ev);
        if (js) {
            puts(js);
            fflush(stdout);
            free(js);
        }
        if (ev->kind == EV_ERROR && ev->text)
            say(s, "", ev->text);
        return;
    }
    switch (ev->kind) {
    case EV_TEXT:
        print_text(ev, s);
        break;
    case EV_STATUS:
        if (!s->streaming)
            print_sample(ev, s);
        break;
    case EV_ERROR:
    case EV_NOTICE:
        say(s, ev->kind == EV_NOTICE ? "note: " : "", ev->text ? ev->text : "error");
        break;
    case EV_DONE:
        print_done(ev, s);
        break;
    default:
        break;
    }
}

/* Reads all of stdin, at most MAX_PROBLEM bytes. Returns NULL (said why)
 * when it is longer, unreadable, or holds a NUL byte, which would
 * otherwise end the problem there without a word. */
static char *read_stdin(void)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (len == cap - 1) {           /* len <= MAX_PROBLEM: cap stops at 128 KB */
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(0, buf + len, cap - len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            free(buf);
            perror("ponder: stdin");
            return NULL;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len > MAX_PROBLEM) {
            free(buf);
            fprintf(stderr, "ponder: the problem on stdin is longer than %d KB\n",
                    MAX_PROBLEM / 1024);
            return NULL;
        }
    }
    if (memchr(buf, '\0', len)) {
        free(buf);
        fprintf(stderr, "ponder: the problem on stdin holds a NUL byte (is it a text file?)\n");
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

int headless_solve(const app_config *cfg, const char *problem)
{
    char *owned = NULL;
    if (!strcmp(problem, "-")) {
        owned = read_stdin();
        if (!owned)
            return 1;
        problem = owned;
    } else if (strlen(problem) > MAX_PROBLEM) {
        fprintf(stderr, "ponder: the problem is longer than %d KB\n", MAX_PROBLEM / 1024);
        return 1;
    }
    if (blank(problem)) {
        fprintf(stderr, "ponder: the problem is empty\n");
        free(owned);
        return 1;
    }
    config_print_warnings(cfg, stderr);
    /* a run can take minutes: learn now, not after it, that the export
     * has nowhere to go */
    export_opts xo = { .force = cfg->export_force, .cancel = &export_cancel };
    if (cfg->export_path[0]) {
        char xerr[1200];
        errno = 0;
        if (export_check(cfg->export_path, &xo, xerr, sizeof xerr) < 0) {
            fprintf(stderr, "ponder: --export: %s%s\n", xerr,
                    errno == EEXIST ? " (--force replaces it)" : "");
            free(owned);
            return 1;
        }
    }

    model_config mc;
    config_model(cfg, &mc);
    char err[512];
    model *m = model_open(&mc, err, sizeof err);
    if (!m) {
        fprintf(stderr, "ponder: %s\n", err);
        free(owned);
        return 1;
    }

    struct sigaction sa = { .sa_handler = on_sigint };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    strategy_ctx ctx = {
        .model = m,
        .problem = problem,
        .opt = cfg->strat,
        .emit = emit,
        .cancel = &cancel_flag,
    };
    ctx.opt.name = cfg->strategy;
    event_log log;
    event_log_init(&log);
    hl_state s = { .cfg = cfg, .ctx = &ctx, .last_ch = -1,
                   .log = cfg->export_path[0] ? &log : NULL };
    const strategy_info *si = strategy_find(cfg->strategy);
    int n = ctx.opt.n > 0 ? ctx.opt.n : si ? si->default_n : 1;
    s.streaming = n == 1 && !(si && (si->traits & STRAT_VOTES));
    ctx.emit_ud = &s;
    if (cfg->transcripts) {
        clock_gettime(CLOCK_MONOTONIC, &s.t0);
        s.tw = runs_create(err, sizeof err);
        if (!s.tw)
            fprintf(stderr, "ponder: transcript not saved: %s\n", err);
    }

    run_status st = strategy_run(&ctx);
    if (s.tw && transcript_close(s.tw, err, sizeof err) < 0)
        fprintf(stderr, "ponder: transcript not saved: %s\n", err);
    s.tw = NULL;
    int code = 0;
    switch (st) {
    case RUN_OK:
        break;
    case RUN_NO_ANSWER:
    case RUN_NO_SOLUTION:
        fprintf(stderr, "ponder: %s\n", st == RUN_NO_SOLUTION
                ? "no solution found: no expression made 24 with each number once"
                : "the model replied, but no answer could be found in its reply");
        code = 1;
        break;
    case RUN_CANCELLED:
        fprintf(stderr, "ponder: cancelled\n");
        code = 1;
        break;
    case RUN_FAILED:
        fprintf(stderr, "ponder: the run failed; the messages above say why\n");
        code = 1;
        break;
    }
    if (cfg->export_path[0]) {
        char xerr[1200];
        atomic_store(&export_cancel, 0);
        errno = 0;
        if (export_file(cfg->export_path, &ctx.trace, &log, &xo, xerr, sizeof xerr) != 0) {
            fprintf(stderr, "ponder: --export: %s%s\n", xerr,
                    errno == EEXIST ? " (--force replaces it)" : "");
            code = 1;
        } else if (!cfg->json) {
            fprintf(stderr, "ponder: wrote %s\n", cfg->export_path);
        }
    }
    /* what went to stdout is the result: a write that failed (a full disk,
     * a closed pipe, /dev/full) fails the command */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "ponder: writing the output failed: %s\n",
                strerror(errno ? errno : EIO));
        code = 1;
    }
    event_log_done(&log);
    trace_done(&ctx.trace);
    model_close(m);
    free(owned);
    return code;
}
