/* prompt: every prompt ponder sends lives here, so the UI can show them.
 *
 * A prompt is either chat messages (HTTP backends) or a raw prefix to
 * continue (the built-in model, trained on its own format; see lm/README.md). */
#ifndef PONDER_PROMPT_H
#define PONDER_PROMPT_H

typedef enum { PROMPT_DIRECT, PROMPT_COT, PROMPT_FEWSHOT } prompt_style;
typedef enum { ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT } prompt_role;

typedef struct {
    prompt_role role;
    char *content;            /* owned */
} prompt_msg;

typedef struct {
    prompt_msg msgs[16];
    int n_msgs;
    char *raw;                /* owned; non-NULL for raw-continuation prompts */
} prompt;

/* Builds the prompt for a problem. raw_format selects the built-in model's
 * trained format (a raw prefix) instead of chat messages. */
void prompt_build(prompt *p, prompt_style style, const char *problem, int raw_format);
void prompt_free(prompt *p);
/* Frees n prompts and the array that holds them (which may be NULL). */
void prompts_free(prompt *ps, int n);
/* Search prompts (strategies/search.c). `game24` selects the Game of 24
 * forms, where `problem` is the numbers left ("4 4 10"). steps: the partial
 * solution so far, one line ("45 - 12 = 33. 33 + 30 = 63."), or NULL. */
/* Asks for exactly one next step. */
void prompt_step(prompt *p, int game24, const char *problem, const char *steps, int raw_format);
/* Asks to finish the solution from the steps so far (MCTS rollouts). */
void prompt_rollout(prompt *p, int game24, const char *problem, const char *steps, int raw_format);
/* Asks for sure / likely / impossible about a partial state (ToT value). */
void prompt_value(prompt *p, int game24, const char *problem, const char *state, int raw_format);
/* Asks a model for a 0-10 score: of the next step `step` (a PRM judge) or,
 * with step NULL, of the whole solution in `steps` (an ORM judge). Chat only. */
void prompt_judge(prompt *p, const char *problem, const char *steps, const char *step);
/* Game of 24 direct (IO) and chain-of-thought prompts for chat models. */
void prompt_build24(prompt *p, prompt_style style, const char *numbers);
/* Renders the prompt as readable text for the "show prompt" view; caller frees. */
char *prompt_render(const prompt *p);
/* The worked exemplars used by fewshot (at least three). */
int prompt_exemplar_count(void);
const char *prompt_exemplar_question(int i);
const char *prompt_exemplar_solution(int i);

#endif
