/* search: what bon, beam, tot and mcts share. The task (a word problem or
 * a Game of 24 puzzle) decides how a step is asked for, checked, valued and
 * recognised as final; the strategies only decide which node to grow next.
 *
 * A search node's own text is one step. The partial solution at a node is
 * its path: the steps of its ancestors, root first. */
#ifndef PONDER_SEARCH_H
#define PONDER_SEARCH_H
#include "strategies/gen.h"
#include "strategies/sample.h"
#include "tutor/game24.h"
#include "tutor/stepcheck.h"

/* A step, once generated and checked. */
typedef struct {
    int valid;              /* 24: legal arithmetic on the numbers left; math: no wrong claim */
    int terminal;           /* the path ends here: an answer, or 24's last number */
    char answer[128];       /* the path's answer when terminal ("" if it has none) */
    double score;           /* the step's verifier score in [0, 1] */
    check_verdict check;
} step_eval;

/* 1 when prompts must use the built-in model's trained raw format. */
int search_raw(const strategy_ctx *ctx);
/* The step text of a node: trimmed, one line, a math step ending in ".".
 * Writes at most cap bytes. */
void search_step_text(const strategy_ctx *ctx, int node, char *out, size_t cap);
/* The partial solution at node: its ancestors' steps and its own, joined
 * with spaces (math) or newlines (24). Caller frees. */
char *search_path_text(const strategy_ctx *ctx, int node);
/* The Game of 24 state at node, replaying its path from the puzzle.
 * Returns 0, or -1 if the puzzle or a step on the path is not valid. */
int search_state24(const strategy_ctx *ctx, int node, g24_state *st);

/* g24_apply, forgiving a step whose arithmetic is right but whose "(left:
 * ...)" list is not: the numbers left follow from the move, so the search
 * goes on from the true state, and mark (may be set even on success) says
 * what was fixed. Returns 0 or -1 with the reason in why. */
int search_apply24(const g24_state *st, const char *step, g24_state *next,
                   char *why, size_t wcap, char *mark, size_t mcap);
/* Builds the prompt that asks for the next step after node. */
void search_step_prompt(const strategy_ctx *ctx, int node, prompt *p);
/* The gen options for one step: stop at the step's end. */
gen_opts search_step_opts(const strategy_ctx *ctx, double temperature);

/* Checks a freshly generated step node (rule-based: the step checker, or
 * Game of 24 legality), emits its score with the checker's verdict and
 * mark, and fills ev. The score is the step checker's PRM score. */
void search_check_step(strategy_ctx *ctx, int node, step_eval *ev);

/* Scores the steps in nodes[0..n) with the run's verifier (check, judge or
 * logprob); evs are their search_check_step results. Writes each score in
 * [0, 1] to scores[] and emits it as the node's PRM score. */
void search_verify_steps(strategy_ctx *ctx, const int *nodes, const step_eval *evs,
                         int n, double *scores);
/* The aggregate (--agg) of the PRM scores along node's path. */
double search_path_score(const strategy_ctx *ctx, int node);

/* Marks the path from the root's child to node as chosen, with the answer
 * on its last node. */
void search_mark_chosen(strategy_ctx *ctx, int node, const char *answer);
/* Prunes node, saying why in the status event (the TUI tree, --json,
 * transcripts and exports show it). reason NULL: the checker's mark on the
 * node, or "wrong step". */
void search_prune(strategy_ctx *ctx, int node, const char *reason);
/* Emits a status for one node (answer may be NULL). */
void search_status(strategy_ctx *ctx, int node, node_status st, const char *answer);
/* Emits a score event. mark may be NULL. */
void search_score(strategy_ctx *ctx, int node, const node_scores *s, const char *mark);
/* Emits a notice (once per run for the same text). */
void search_notice(strategy_ctx *ctx, const char *msg);

/* The answer's share of a weighted vote's total weight, or -1. */
double search_share(const tally *votes, const char *answer);
/* For --task 24: checks the puzzle parses; if not, emits an error that says
 * what a puzzle looks like and returns -1. Word problems always pass. */
int search_check_puzzle(strategy_ctx *ctx);
/* Asks the judge for a 0-10 score of each text (judge_prompts[i], built by
 * prompt_judge) as one batch; writes scores in [0, 1] where the reply had
 * one, and leaves the others as they were. Returns how many had none. */
int search_judge(strategy_ctx *ctx, const prompt *judge_prompts, int n, double *scores);

/* Reads sure / likely / impossible in a value reply and maps it to the ToT
 * paper's 20 / 1 / 0.001; anything else is 0. */
double search_value_word(const char *text);
/* The first number 0-10 in a judge's reply, as a score in [0, 1], or -1. */
double search_judge_score(const char *text);

/* A Game of 24 answer in its one written form: no spaces, no outer
 * parentheses ("(13-9)*(10-4)"). */
void search_answer24(const char *expr, char *out, size_t cap);
/* The answer a whole chain (a sample of cot or sc) gives for the task. */
void search_chain_answer(const strategy_ctx *ctx, const char *text, char *out, size_t cap);
/* 1 when answer may be the run's answer for the task: always for a word
 * problem; for Game of 24, only an expression that passes g24_check_expr
 * (the puzzle's own rule, which the task states, not a gold answer). */
int search_answer_ok(const strategy_ctx *ctx, const char *answer);
/* The step checker on a whole chain (a sample's thinking and answer text,
 * every step of it; for Game of 24, its final expression against the
 * puzzle's rule). Emits the node's SCORE_CHECK verdict and the mark of its
 * first wrong step ("Step 2: 13 + 13 = 23 ✗, 13 + 13 = 26"); returns the
 * chain's aggregate (--agg) step score in [0, 1]. */
double search_check_chain(strategy_ctx *ctx, int node);

/* How cot, sc and bon draw whole chains for the task: the puzzle checked
 * first, a Game of 24 chain on the built-in model step by step
 * (chain24_run), anything else as samples (sample_run) whose answers
 * search_chain_answer reads. Same contract as sample_run. */
int search_chains(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out);

#endif
