/* keymap: the one table from keys to actions. The help overlay is made
 * from this table, so it is the source of truth for what the keys do.
 *
 * Keys are ints: a character is its code point; a curses function key is
 * KM_FN(KEY_...) so it can never collide with a character; Alt-x is
 * KM_ALT('x'). Keys the table does not name go to the problem line
 * (readline, emacs keys).
 *
 * While the tree pane has the keyboard (Ctrl-T / F9), KM_TREE rows come
 * first; then the other rows apply as if the problem line were empty, since
 * no key types into it then. */
#ifndef PONDER_UI_KEYMAP_H
#define PONDER_UI_KEYMAP_H
#include <stddef.h>

#define KM_FN(k)  (0x1000000 | (k))
#define KM_ALT(c) (0x2000000 | (c))
#define KM_CTRL(c) ((c) & 0x1f)

typedef enum {
    ACT_NONE,
    ACT_HELP, ACT_SUBMIT, ACT_CANCEL, ACT_INTERRUPT, ACT_QUIT,
    ACT_NEXT_SAMPLE, ACT_PREV_SAMPLE,
    ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_LINE_UP, ACT_LINE_DOWN,
    ACT_STRATEGY, ACT_N_DOWN, ACT_N_UP, ACT_T_DOWN, ACT_T_UP,
    ACT_COPY, ACT_PROMPT, ACT_NEXT_TAB, ACT_REDRAW,
    ACT_TREE_FOCUS, ACT_TASK, ACT_THINK, ACT_THINK_OPEN, ACT_SUSPEND,
    /* tree focus only (KM_TREE) */
    ACT_TREE_DOWN, ACT_TREE_UP, ACT_TREE_PARENT, ACT_TREE_CHILD,
    ACT_TREE_PREV_SIBLING, ACT_TREE_NEXT_SIBLING, ACT_TREE_PAGE_UP, ACT_TREE_PAGE_DOWN,
    ACT_TREE_HOME, ACT_TREE_END, ACT_TREE_PATH, ACT_TREE_COLLAPSE, ACT_TREE_SEARCH,
    ACT_TREE_COMPACT, ACT_TREE_VOTES, ACT_TREE_EXPORT_DOT, ACT_TREE_EXPORT_JSON,
    ACT_TREE_LEAVE, ACT_TREE_EXPORT_MD,
    ACT_EXPORT_MD, ACT_MESSAGES,
    /* replay only (KM_REPLAY) */
    ACT_REPLAY_STEP, ACT_REPLAY_NODE, ACT_REPLAY_PAUSE,
    ACT__COUNT
} ui_action;

/* when: always, only with an empty problem line, only in tree focus, or
 * only in `ponder replay` (with an empty line, or in tree focus) */
enum { KM_ANY = 0, KM_EMPTY = 1, KM_TREE = 2, KM_REPLAY = 3 };

typedef struct {
    int key;
    const char *name;       /* as the help shows it */
    ui_action act;
    int when;
} keymap_entry;

/* The action for a key, or ACT_NONE (the key is for the problem line).
 * Never a KM_TREE action. */
ui_action keymap_lookup(int key, int line_empty);
/* The same, with the tree focus taken into account. */
ui_action keymap_lookup_in(int key, int line_empty, int tree_focus);
/* The same during a replay: KM_REPLAY rows after the tree's, before the rest. */
ui_action keymap_lookup_mode(int key, int line_empty, int tree_focus, int replay);
int keymap_count(void);
const keymap_entry *keymap_at(int i);
/* One line saying what an action does. */
const char *keymap_action_help(ui_action a);
/* Replaces an action's help line (copied), for text only a higher layer
 * knows: app/ lists the strategy registry under Ctrl-S this way. */
void keymap_set_action_help(ui_action a, const char *text);
/* The keys bound to an action, e.g. "F1, (?)" (brackets mark keys that act
 * only on an empty problem line). Returns the length written. */
size_t keymap_keys_for(ui_action a, char *buf, size_t cap);
/* Row i of the help overlay: the keys (paired actions such as n-/n+ share
 * a row: "F5/F6, (-/+)") and what they do. Returns 0 past the last row.
 * Every action appears in exactly one row. */
int keymap_help_row(int i, char *keys, size_t cap, const char **help);
/* The first key name bound to an action, for hints ("F1"). */
const char *keymap_first_key(ui_action a);

#endif
