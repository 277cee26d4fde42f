/* input: the problem line. GNU readline through its callback interface,
 * with emacs keys, redirected so it never touches the terminal: keys come
 * in through input_key(), and the screen draws input_text()/input_point()
 * itself. The only file that includes <readline/readline.h>.
 *
 * History lives in STATE_DIR/history: read at start; each submitted
 * problem is appended with one write, so two tutors open at once keep
 * each other's lines. Past twice HISTORY_MAX lines the file is trimmed to
 * its last HISTORY_MAX, read from the file itself (then written safely:
 * temporary file, fsync, rename). */
#ifndef PONDER_UI_INPUT_H
#define PONDER_UI_INPUT_H
#include <stddef.h>

enum { INPUT_MAX = 4000 };  /* bytes in one problem; longer pastes are refused */

/* Called with each submitted line (owned by input: valid during the call). */
typedef void (*input_submit_fn)(void *ud, const char *line);

/* state_dir may be NULL (no history). A history problem is reported in msg
 * (and is not fatal). Returns 0, or -1 when readline could not be set up. */
int input_init(const char *state_dir, input_submit_fn on_submit, void *ud,
               char *msg, size_t msglen);
void input_done(void);

/* Feeds one key (keymap encoding: code point, KM_FN(KEY_x) or KM_ALT(c)).
 * Returns 1 if the line or cursor may have changed. A refusal (the line
 * is full) is reported in msg. */
int input_key(int key, char *msg, size_t msglen);
/* Inserts pasted text at the cursor: newlines and tabs become spaces,
 * control characters are dropped. Refused whole, with a message, when the
 * line would pass INPUT_MAX. Returns 0 or -1. */
int input_paste(const char *s, size_t len, char *msg, size_t msglen);

/* Submits the line as if Enter were pressed. */
void input_submit(void);
int input_empty(void);
const char *input_prompt(void);     /* "problem> ", or readline's search prompt */
/* Switches the prompt between word problems ("problem> ") and Game of 24
 * puzzles ("24> "). The line being typed is kept. */
void input_set_task24(int on);
const char *input_text(void);
size_t input_point(void);           /* cursor, a byte offset into input_text() */
void input_clear(void);

/* Adds a submitted problem to the history and rewrites the file. Returns 0,
 * or -1 with a message. */
int input_history_add(const char *line, char *msg, size_t msglen);

#endif
