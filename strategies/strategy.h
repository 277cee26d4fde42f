/* strategy: reasoning algorithms (DESIGN.md §5). Each one is plain
 * sequential code on the run thread: it calls model_generate, grows its
 * trace, and emits every change as an event. Strategies never see a gold
 * answer and never touch the screen. */
#ifndef PONDER_STRATEGY_H
#define PONDER_STRATEGY_H
#include <stdatomic.h>
#include "models/model.h"
#include "tutor/trace.h"
#include "tutor/traits.h"

/* What the problem is: a word problem, or a Game of 24 puzzle ("4 9 10 13").
 * The task decides the prompts and the checker; any strategy runs on it. */
typedef enum { TASK_MATH, TASK_24 } task_kind;
/* How a search scores a step or a chain (tutor/stepcheck.h, judge prompts,
 * or the model's own token logprobs). */
typedef enum { VERIFIER_CHECK, VERIFIER_JUDGE, VERIFIER_LOGPROB } verifier_kind;
typedef enum { SEARCH_BFS, SEARCH_DFS } search_kind;

typedef struct {
    const char *name;       /* direct | cot | fewshot | sc | bon | beam | tot | mcts */
    int n;                  /* samples; <= 0: the strategy's default */
    double temperature;     /* < 0: the strategy's default */
    double top_p;
    long long seed;         /* -1: none */
    int max_tokens;         /* <= 0: default */
    int early_stop;         /* sc: stop once the leader cannot be overtaken */
    think_mode think;
    int think_budget;       /* THINK_BUDGET: tokens */
    int min_think;          /* built-in model: at least this many thinking tokens */
    /* Search knobs (DESIGN.md §5); 0 or negative: the strategy's default. */
    task_kind task;
    int k;                  /* proposals per expanded node (beam, tot, mcts) */
    int depth;              /* maximum steps */
    int value_samples;      /* tot: v */
    search_kind search;     /* tot */
    int iterations;         /* mcts */
    double uct_c;           /* mcts exploration constant */
    long token_budget;      /* mcts: stop after this many tokens out */
    verifier_kind verifier; /* bon, beam, mcts */
    int agg;                /* agg_kind from tutor/stepcheck.h */
    int weighted;           /* bon: sum the scores per answer (1) or take the best chain (0) */
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
    int calls;              /* model requests so far: varies the seed per call */
    int guess;              /* a sample's model_result said guess */
    char last_notice[256];  /* the last notice, so a batch says it once */
} strategy_ctx;

/* A registry entry. What the UI and headless output need to know about a
 * strategy is here as traits, never decided from its name. */
typedef struct {
    const char *name;
    const char *summary;    /* one line for --help and the TUI */
    int default_n;
    double default_t;
    unsigned traits;        /* STRAT_* (tutor/traits.h), carried in run_start */
    const char *n_label;    /* what N is called ("samples n"); NULL when unused */
    /* The first prompt it sends: this style, or, with STRAT_STEPS, a
     * request for one step (prompt_step). */
    prompt_style first_prompt;
    int (*run)(strategy_ctx *ctx);
} strategy_info;

/* The strategy a fresh config uses. */
#define STRATEGY_DEFAULT "sc"

const strategy_info *strategy_find(const char *name);
const strategy_info *strategy_at(int i);   /* NULL past the end */

/* Runs a whole solve: emits run_start ... done. Returns the run status. */
run_status strategy_run(strategy_ctx *ctx);

#endif
