/* practice: the student solves, ponder checks (issue 11).
 *
 * One engine shared by the TUI and the headless protocol: it holds the
 * problem, its gold answer (private: no accessor returns it), the
 * student's steps, and the record of the attempt. Each step is checked
 * the moment it is entered with tutor/stepcheck.c, in the context of the
 * problem and the steps kept so far; answers are compared as
 * tutor/answer.c normalizes them. Hints come from model chains the caller
 * draws (practice_hint): the engine keeps only chains whose every step
 * checks and whose answer won the vote. No model calls, no I/O here. */
#ifndef PONDER_PRACTICE_H
#define PONDER_PRACTICE_H
#include <stddef.h>

#include "tutor/event.h"

/* Skills: the kind of arithmetic a problem practises. */
typedef enum {
    SKILL_ADD, SKILL_SUB, SKILL_MUL, SKILL_DIV, SKILL_MIXED, SKILL_MULTI, SKILL_N
} practice_skill;

/* "add", "subtract", "multiply", "divide", "mixed", "multi-step". */
const char *practice_skill_name(int skill);
/* Name (or a short form: "sub", "mul", "div", "multi") → skill, or -1. */
int practice_skill_parse(const char *name);

#define PRACTICE_TEXT 1024
#define PRACTICE_MAX_STEPS 64

/* A problem as the student sees it: no gold answer in it. */
typedef struct {
    char id[64];
    char text[PRACTICE_TEXT];
    int skill;            /* practice_skill */
    int tier;             /* lm/curriculum.h's cur_tier; -1 unknown (a set) */
    char hint[256];       /* a teacher's hint from a set, "" if none */
} practice_problem;

typedef struct {
    char line[256];
    check_verdict verdict;
    char mark[256];       /* what the student sees beside the step; "" for ✓ or none */
    int kept;             /* part of the worked solution (not a wrong step) */
} practice_step;

/* The record of one problem. */
typedef struct {
    int hints, tries;     /* hints asked for; answers submitted */
    int wrong_steps;      /* steps marked wrong */
    int wrong_at[16];     /* indices (in steps[]) of the first 16 wrong steps */
    int solved;           /* answered right (before the solution was shown) */
    int shown, skipped;
    double seconds;       /* from start to the right answer, skip or show */
} practice_record;

typedef struct practice practice;

/* What a line the student typed is. */
typedef enum {
    PI_EMPTY, PI_STEP, PI_ANSWER, PI_HINT, PI_SHOW, PI_SKIP, PI_NEXT
} practice_input;

/* Classifies line. For PI_ANSWER the raw answer goes to ans (cap bytes):
 * "answer 45", "= 45", and every marked form answer_explicit() accepts
 * ("The answer is 45", "#### 45", "\boxed{45}", "Final answer: 45").
 * "hint" and "?" ask for a hint. */
practice_input practice_parse(const char *line, char *ans, size_t cap);

practice *practice_new(void);
void practice_free(practice *p);

/* Starts a problem; gold is copied (normalized) and never shown. now is a
 * clock in seconds, for the record. */
void practice_start(practice *p, const practice_problem *pb, const char *gold, double now);
const practice_problem *practice_current(const practice *p);

/* Checks one step and keeps it. A wrong step names the claim ("45 - 12 is
 * not 32"); the right value is added only at the second wrong try at the
 * same step (no right step in between) or after a hint at level 2 or 3.
 * Fills *out (a copy) and returns its verdict. */
check_verdict practice_step_enter(practice *p, const char *line, practice_step *out);

int practice_n_steps(const practice *p);
const practice_step *practice_step_at(const practice *p, int i);
/* The problem text then every kept step, one a line: the context the
 * checker uses and the hint's match uses. Owned by p, valid until the next
 * call that changes p. */
const char *practice_context(practice *p);

/* Submits an answer (raw text). Returns 1 right, 0 wrong, -1 when raw
 * holds no number (not counted as a try). norm gets the normalized form. */
int practice_answer(practice *p, const char *raw, double now, char *norm, size_t cap);
/* Wrong answers so far; after two the solution may be shown. */
int practice_wrong_answers(const practice *p);

void practice_mark_shown(practice *p, double now);
void practice_mark_skipped(practice *p, double now);
int practice_done(const practice *p);   /* solved, shown or skipped */
const practice_record *practice_get_record(const practice *p);

/* ---- hints ---- */

/* One chain from the model: its text and its normalized answer ("" none). */
typedef struct {
    const char *text;
    const char *answer;
} practice_chain;

typedef struct {
    int level;            /* 1, 2 or 3; 0 when no chain could be trusted */
    char text[512];       /* the hint, or the honest "I'm not sure" line */
    int chain;            /* the index of the chain used, -1 none */
    int trusted;          /* how many chains passed the checks */
} practice_hint_out;

/* The next hint. winner is the vote's winning answer (normalized; NULL or
 * "" when there was none). The hint level rises 1, 2, 3 for the same next
 * step and starts again at 1 once the student has entered that step.
 * Chains are kept only when stepcheck_chain finds no wrong or unsupported
 * step and their answer equals winner; among them the one whose steps the
 * student's kept steps match best gives the hint. Level 1 asks about the
 * next quantity, level 2 gives the next step with its result blanked
 * ("45 - 12 = ?"), level 3 the whole step. With no trusted chain the text
 * says so. A teacher's hint (problem.hint) is level 1 when present. */
void practice_hint(practice *p, const practice_chain *chains, int n, const char *winner,
                   practice_hint_out *out);

#endif
