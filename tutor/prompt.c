/* prompt: the text of every prompt ponder sends. */
#include "tutor/prompt.h"
#include "tutor/mem.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last line every chat prompt asks for; answer_extract looks for it. */
#define FINAL_LINE "The answer is N."

static const char SYSTEM[] =
    "You are a patient math tutor. Solve the student's word problem, showing "
    "each arithmetic step on its own. End with a final line of the form: " FINAL_LINE;
static const char DIRECT_SUFFIX[] =
    "Answer with only the final number, as: " FINAL_LINE;
/* Zero-shot CoT (Kojima et al., 2022), plus the final-line request so chat
 * models end in a form answer_extract finds first. */
static const char COT_SUFFIX[] =
    "Let's think step by step. End with a final line: " FINAL_LINE;

/* Worked exemplars for fewshot (Wei et al., 2022): each solution is the
 * format the model should copy, steps as "a op b = c." then the final line. */
static const struct {
    const char *question, *solution;
} exemplars[] = {
    { "A store has 20 oranges. They sell 8 before lunch and buy 15 more after lunch. "
      "How many oranges do they have?",
      "Let's think step by step. 20 - 8 = 12. 12 + 15 = 27. The answer is 27." },
    { "A baker fills 6 trays with muffins. Each tray holds 12 muffins. "
      "How many muffins does the baker make?",
      "Let's think step by step. 6 * 12 = 72. The answer is 72." },
    { "Maria has 36 stickers. She shares them equally among 4 friends. "
      "How many stickers does each friend get?",
      "Let's think step by step. 36 / 4 = 9. The answer is 9." },
    { "Tom buys 3 notebooks that cost $4 each. He pays with a $20 bill. "
      "How much change does he get?",
      "Let's think step by step. 3 * 4 = 12. 20 - 12 = 8. The answer is 8." },
};
enum { N_EXEMPLARS = (int)(sizeof exemplars / sizeof exemplars[0]) };

/* a + sep + b, freshly allocated. */
static char *join(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *s = mem_alloc(la + ls + lb + 1);
    memcpy(s, a, la);
    memcpy(s + la, sep, ls);
    memcpy(s + la + ls, b, lb + 1);
    return s;
}

/* The problem with runs of whitespace (newlines too) made one space, and
 * trimmed: the built-in model was trained on single-line questions. */
static char *one_line(const char *s)
{
    char *out = mem_alloc(strlen(s) + 1), *o = out;
    int gap = 0;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            gap = o > out;
            continue;
        }
        if (gap)
            *o++ = ' ';
        gap = 0;
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* The problem trimmed, for chat messages (inner newlines kept). */
static char *trimmed(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *out = mem_alloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static void push(prompt *p, prompt_role role, char *owned)
{
    p->msgs[p->n_msgs].role = role;
    p->msgs[p->n_msgs].content = owned;
    p->n_msgs++;
}

/* The built-in model's trained formats (lm/curriculum.c). Its context cannot
 * hold exemplars, so fewshot uses the same prefix as cot. */
static char *raw_prompt(prompt_style style, const char *problem)
{
    char *q = one_line(problem);
    const char *tail = style == PROMPT_DIRECT ? " Answer: The answer is"
                                              : " Answer: Let's think step by step.";
    char *s = join("Question: ", q, tail);
    free(q);
    return s;
}

void prompt_build(prompt *p, prompt_style style, const char *problem, int raw_format)
{
    memset(p, 0, sizeof *p);
    if (!problem)
        problem = "";
    if (raw_format) {
        p->raw = raw_prompt(style, problem);
        return;
    }
    char *q = trimmed(problem);
    switch (style) {
    case PROMPT_DIRECT:
        push(p, ROLE_USER, join(q, "\n\n", DIRECT_SUFFIX));
        break;
    case PROMPT_FEWSHOT:
        push(p, ROLE_SYSTEM, mem_strdup(SYSTEM));
        for (int i = 0; i < N_EXEMPLARS; i++) {
            push(p, ROLE_USER, mem_strdup(exemplars[i].question));
            push(p, ROLE_ASSISTANT, mem_strdup(exemplars[i].solution));
        }
        push(p, ROLE_USER, mem_strdup(q));
        break;
    case PROMPT_COT:
    default:
        push(p, ROLE_SYSTEM, mem_strdup(SYSTEM));
        push(p, ROLE_USER, join(q, "\n\n", COT_SUFFIX));
        break;
    }
    free(q);
}

void prompt_free(prompt *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_msgs; i++)
        free(p->msgs[i].content);
    free(p->raw);
    memset(p, 0, sizeof *p);
}

void prompts_free(prompt *ps, int n)
{
    for (int i = 0; ps && i < n; i++)
        prompt_free(&ps[i]);
    free(ps);
}

static const char *role_name(prompt_role r)
{
    switch (r) {
    case ROLE_SYSTEM: return "system";
    case ROLE_USER: return "user";
    case ROLE_ASSISTANT: return "assistant";
    }
    return "?";
}

char *prompt_render(const prompt *p)
{
    if (p->raw)
        return mem_strdup(p->raw);
    size_t n = 1;
    for (int i = 0; i < p->n_msgs; i++)
        n += strlen(p->msgs[i].content) + strlen(role_name(p->msgs[i].role)) + 4;
    char *s = mem_alloc(n), *o = s;
    *o = '\0';
    for (int i = 0; i < p->n_msgs; i++)
        o += sprintf(o, "[%s] %s\n", role_name(p->msgs[i].role), p->msgs[i].content);
    return s;
}

int prompt_exemplar_count(void)
{
    return N_EXEMPLARS;
}

const char *prompt_exemplar_question(int i)
{
    return i >= 0 && i < N_EXEMPLARS ? exemplars[i].question : NULL;
}

const char *prompt_exemplar_solution(int i)
{
    return i >= 0 && i < N_EXEMPLARS ? exemplars[i].solution : NULL;
}

/* ---- search prompts: one step, a value, a judge, a rollout ----
 *
 * Step-level search needs "continue this partial solution by one step".
 * The built-in model continues its trained raw format; chat models get the
 * steps so far in a message and are asked for exactly one more line (the
 * caller stops at the newline). Game of 24 prompts follow the ToT paper's
 * propose and value prompts, cut down to one step per sample. */

/* One step of a Game of 24 solution, shown to chat models as the format. */
#define G24_STEP_EXAMPLE "14 + 2 = 16 (left: 8 8 16)"

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    char *s = mem_alloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, f);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, f, ap);
    va_end(ap);
    return s;
}

void prompt_step(prompt *p, int game24, const char *problem, const char *steps, int raw_format)
{
    memset(p, 0, sizeof *p);
    char *q = one_line(problem ? problem : "");
    const char *so_far = steps && *steps ? steps : "";
    if (game24) {
        /* For 24 the state is the numbers left, not the history. */
        if (raw_format)
            p->raw = fmt("Numbers: %s Step:", q);
        else
            push(p, ROLE_USER, fmt(
                "We are playing the Game of 24: combine numbers with + - * / to reach 24, "
                "using each number exactly once.\nNumbers left: %s\n"
                "Choose two of these numbers and one operation to make a new number. "
                "Reply with one step only, in the form: " G24_STEP_EXAMPLE, q));
    } else if (raw_format) {
        p->raw = *so_far ? fmt("Question: %s Answer: Let's think step by step. %s", q, so_far)
                         : fmt("Question: %s Answer: Let's think step by step.", q);
    } else {
        push(p, ROLE_SYSTEM, mem_strdup(SYSTEM));
        push(p, ROLE_USER, fmt(
            "Problem: %s\n\nSteps so far: %s\n\n"
            "Write only the next step: one short sentence with one calculation, "
            "such as \"45 - 12 = 33.\" If the steps so far already give the result, "
            "write the final line instead: " FINAL_LINE, q, *so_far ? so_far : "(none yet)"));
    }
    free(q);
}

void prompt_rollout(prompt *p, int game24, const char *problem, const char *steps, int raw_format)
{
    if (game24 || raw_format) {
        /* The built-in model simply keeps going; 24 rolls out step by step. */
        prompt_step(p, game24, problem, steps, raw_format);
        return;
    }
    memset(p, 0, sizeof *p);
    char *q = one_line(problem ? problem : "");
    push(p, ROLE_SYSTEM, mem_strdup(SYSTEM));
    push(p, ROLE_USER, fmt(
        "Problem: %s\n\nSteps so far: %s\n\n"
        "Continue the solution from there to the end, one calculation per step, "
        "and end with a final line: " FINAL_LINE, q, steps && *steps ? steps : "(none yet)"));
    free(q);
}

void prompt_value(prompt *p, int game24, const char *problem, const char *state, int raw_format)
{
    memset(p, 0, sizeof *p);
    char *q = one_line(problem ? problem : "");
    if (game24 && raw_format) {
        p->raw = fmt("Numbers: %s Value:", state ? state : q);
    } else if (game24) {
        push(p, ROLE_USER, fmt(
            "Evaluate if the numbers can reach 24 with + - * /, using each exactly once.\n"
            "Numbers: %s\nReply with one word: sure, likely or impossible.", state ? state : q));
    } else {
        push(p, ROLE_USER, fmt(
            "Problem: %s\n\nPartial solution: %s\n\n"
            "Is every step of this partial solution correct, and is it on the way to the "
            "answer? Reply with one word: sure, likely or impossible.",
            q, state && *state ? state : "(no steps yet)"));
    }
    free(q);
}

void prompt_judge(prompt *p, const char *problem, const char *steps, const char *step)
{
    memset(p, 0, sizeof *p);
    char *q = one_line(problem ? problem : "");
    if (step)   /* a process reward: the newest step, given the ones before */
        push(p, ROLE_USER, fmt(
            "Problem: %s\n\nSteps so far: %s\n\nNext step: %s\n\n"
            "Is the next step correct? Reply with a single number from 0 (certainly wrong) "
            "to 10 (certainly right).", q, steps && *steps ? steps : "(none)", step));
    else        /* an outcome reward: the whole solution */
        push(p, ROLE_USER, fmt(
            "Problem: %s\n\nProposed solution: %s\n\n"
            "How likely is this solution to be correct? Reply with a single number from 0 "
            "(certainly wrong) to 10 (certainly right).", q, steps ? steps : ""));
    free(q);
}

void prompt_build24(prompt *p, prompt_style style, const char *numbers)
{
    memset(p, 0, sizeof *p);
    char *q = one_line(numbers ? numbers : "");
    /* The ToT paper's IO and CoT prompts, with one worked example each. */
    if (style == PROMPT_DIRECT)
        push(p, ROLE_USER, fmt(
            "Use numbers and basic arithmetic operations (+ - * /) to obtain 24, "
            "using each number exactly once.\nInput: 4 4 6 8\nAnswer: (4 + 8) * (6 - 4) = 24\n"
            "Input: %s\nAnswer:", q));
    else
        push(p, ROLE_USER, fmt(
            "Use numbers and basic arithmetic operations (+ - * /) to obtain 24. "
            "Each step, you are only allowed to choose two of the remaining numbers "
            "to obtain a new number.\nInput: 4 4 6 8\nSteps:\n4 + 8 = 12 (left: 4 6 12)\n"
            "6 - 4 = 2 (left: 2 12)\n2 * 12 = 24 (left: 24)\nAnswer: (6 - 4) * (4 + 8) = 24\n"
            "Input: %s\nSteps:", q));
    free(q);
}
