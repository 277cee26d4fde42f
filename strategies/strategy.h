/* strategy: reasoning algorithms (DESIGN.md §5). Each one is plain
 * sequential code on the run thread: it calls model_generate, grows its
 * trace, and emits every change as an event. Strategies never see a gold
 * answer and never touch the screen. */
#ifndef PONDER_STRATEGY_H
#define PONDER_STRATEGY_H
#include <stdatomic.h>
#include "models/model.h"
#include "tutor/trace.h"

typedef struct {
    const char *name;       /* direct | cot | fewshot | sc */
    int n;                  /* samples; <= 0: the strategy's default */
    double temperature;     /* < 0: the strategy's default */
    double top_p;
    long long seed;         /* -1: none */
    int max_tokens;         /* <= 0: default */
    int early_stop;         /* sc: stop once the leader cannot be overtaken */
    think_mode think;
    int think_budget;
} strategy_opts;

typedef void (*emit_fn)(void *ud, const event *ev);

typedef struct {
    model *model;
    const char *problem;
    strategy_opts opt;
    trace trace;            /* the strategy's own copy, grown through emit */
    emit_fn emit;           /* the sink: borrows the event during the call */
    void *emit_ud;
    atomic_int *cancel;     /* 1 = the user cancelled; see sample.h for 2 */
    /* Filled by the strategy's run(); strategy_run() reports them in EV_DONE. */
    char answer[128];
    double confidence;      /* -1 when the strategy has no notion of it */
    int saved;              /* samples --early-stop made unnecessary */
    long t0_ms;
} strategy_ctx;

typedef struct {
    const char *name;
    const char *summary;    /* one line for --help and the TUI */
    int default_n;
    double default_t;
    int (*run)(strategy_ctx *ctx);
} strategy_info;

const strategy_info *strategy_find(const char *name);
const strategy_info *strategy_at(int i);   /* NULL past the end */

/* Runs a whole solve: emits run_start ... done. Returns the run status. */
run_status strategy_run(strategy_ctx *ctx);

#endif
