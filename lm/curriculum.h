/* curriculum.h: the seeded generator of ponder's training and test data.
 *
 * Word problems: a holder (a person or a place) has a quantity of items and a
 * sequence of events changes it; the question asks for the final count.
 * Game of 24: one proposal step, or a value judgement of a set of numbers.
 * Prompt and target formats are documented in lm/README.md. */
#ifndef LM_CURRICULUM_H
#define LM_CURRICULUM_H

#include <stddef.h>
#include <stdint.h>

#include "lm/rng.h"

enum cur_tier { CUR_EASY, CUR_MEDIUM, CUR_HARD, CUR_BEYOND, CUR_NTIERS };
enum cur_kind { CUR_COT, CUR_DIRECT, CUR_G24_PROPOSE, CUR_G24_VALUE };

#define CUR_TEXT 1024

typedef struct {
    int kind;                /* enum cur_kind */
    int tier;                /* enum cur_tier, word problems only */
    long answer;             /* word problems only */
    char problem[CUR_TEXT];  /* the problem text alone (word problems) */
    char prompt[CUR_TEXT];   /* what the model is given */
    char target[CUR_TEXT];   /* what it must continue with (before </s>) */
} cur_example;

/* Tier names: "easy", "medium", "hard", "beyond". */
const char *cur_tier_name(int tier);

/* One word problem of the tier: problem text, chain-of-thought target (the text
 * after "Let's think step by step.", starting with a space) and answer. */
void cur_word_problem(lm_rng *r, int tier, char *problem, char *cot, long *answer);

/* Practice skills, in the order of tutor/practice.h's practice_skill. */
enum cur_skill {
    CUR_SKILL_ADD, CUR_SKILL_SUB, CUR_SKILL_MUL, CUR_SKILL_DIV, CUR_SKILL_MIXED, CUR_SKILL_MULTI
};
/* A word problem of the tier that practises one skill: add or subtract
 * events only, one or two multiply (or divide) events, the tier's own mix,
 * or the tier's mix in at least three steps. Outputs as cur_word_problem. */
void cur_practice_problem(lm_rng *r, int skill, int tier, char *problem, char *cot, long *answer);

/* Prompt builders; every output buffer holds CUR_TEXT bytes. */
void cur_prompt_cot(const char *problem, char *out);
void cur_prompt_direct(const char *problem, char *out);

/* One training example drawn from the training mixture. */
void cur_train_example(lm_rng *r, cur_example *ex);

/* A held-out test problem: index i of tier t. The seeds used here are never used
 * for training (different stream domain; the trainer also skips any collision). */
void cur_test_problem(int tier, int i, cur_example *ex);

/* The seed problem of the issue ("A bakery has 45 croissants. ..."). */
extern const char cur_seed_problem[];
enum { CUR_SEED_ANSWER = 45 };

/* Every template and word list the generator draws text from, for building the
 * vocabulary. Calls fn once per string; the strings may contain {placeholders}. */
void cur_each_text(void (*fn)(void *ud, const char *text), void *ud);

/* The forms a word problem's first sentence (CUR_FORM_START) and question
 * (CUR_FORM_QUESTION) take: calls fn once per template, with placeholders
 * {S} {N} {P} {L} {s} {do} (see curriculum.c). For lm/scope.c. */
enum { CUR_FORM_START, CUR_FORM_QUESTION };
void cur_each_form(void (*fn)(void *ud, int form, const char *tmpl), void *ud);

/* What every trained word problem keeps to (the easy, medium and hard tiers;
 * "beyond" is never trained). */
typedef struct {
    int min_steps, max_steps;     /* events */
    int max_numbers;              /* numbers written: the start, then each event's */
    int min_value, max_value;     /* every number written */
} cur_limits;
void cur_get_limits(cur_limits *l);

/* Extracts N from the last "The answer is N" in text; returns 0 if absent. */
int cur_extract_answer(const char *text, long *out);

#endif
