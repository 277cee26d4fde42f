#include "ui/keymap.h"

#include <stdio.h>
#include <string.h>

#include "ui/curses.h"

/* Printable keys act only on an empty problem line, so typing a problem is
 * never interrupted; everything else uses control and function keys. */
static const keymap_entry table[] = {
    { KM_FN(KEY_F(1)),    "F1",        ACT_HELP,        KM_ANY },
    { '?',                "?",         ACT_HELP,        KM_EMPTY },
    { '\r',               "Enter",     ACT_SUBMIT,      KM_ANY },
    { '\n',               "Enter",     ACT_SUBMIT,      KM_ANY },
    { KM_FN(KEY_ENTER),   "Enter",     ACT_SUBMIT,      KM_ANY },
    { 27,                 "Esc",       ACT_CANCEL,      KM_ANY },
    { KM_CTRL('c'),       "Ctrl-C",    ACT_INTERRUPT,   KM_ANY },
    { KM_CTRL('d'),       "Ctrl-D",    ACT_QUIT,        KM_EMPTY },
    { '\t',               "Tab",       ACT_NEXT_SAMPLE, KM_ANY },
    { KM_FN(KEY_RIGHT),   "Right",     ACT_NEXT_SAMPLE, KM_EMPTY },
    { KM_FN(KEY_BTAB),    "Shift-Tab", ACT_PREV_SAMPLE, KM_ANY },
    { KM_FN(KEY_LEFT),    "Left",      ACT_PREV_SAMPLE, KM_EMPTY },
    { KM_FN(KEY_PPAGE),   "PgUp",      ACT_PAGE_UP,     KM_ANY },
    { KM_FN(KEY_NPAGE),   "PgDn",      ACT_PAGE_DOWN,   KM_ANY },
    { KM_FN(KEY_SR),      "Shift-Up",  ACT_LINE_UP,     KM_ANY },
    { KM_FN(KEY_SF),      "Shift-Down", ACT_LINE_DOWN,  KM_ANY },
    { KM_CTRL('s'),       "Ctrl-S",    ACT_STRATEGY,    KM_ANY },
    { KM_FN(KEY_F(2)),    "F2",        ACT_STRATEGY,    KM_ANY },
    { KM_FN(KEY_F(5)),    "F5",        ACT_N_DOWN,      KM_ANY },
    { '-',                "-",         ACT_N_DOWN,      KM_EMPTY },
    { KM_FN(KEY_F(6)),    "F6",        ACT_N_UP,        KM_ANY },
    { '+',                "+",         ACT_N_UP,        KM_EMPTY },
    { KM_FN(KEY_F(7)),    "F7",        ACT_T_DOWN,      KM_ANY },
    { '[',                "[",         ACT_T_DOWN,      KM_EMPTY },
    { KM_FN(KEY_F(8)),    "F8",        ACT_T_UP,        KM_ANY },
    { ']',                "]",         ACT_T_UP,        KM_EMPTY },
    { KM_CTRL('y'),       "Ctrl-Y",    ACT_COPY,        KM_ANY },
    { KM_CTRL('p'),       "Ctrl-P",    ACT_PROMPT,      KM_ANY },
    { KM_FN(KEY_F(4)),    "F4",        ACT_PROMPT,      KM_ANY },
    { KM_CTRL('o'),       "Ctrl-O",    ACT_NEXT_TAB,    KM_ANY },
    { KM_FN(KEY_F(3)),    "F3",        ACT_NEXT_TAB,    KM_ANY },
    { KM_CTRL('l'),       "Ctrl-L",    ACT_REDRAW,      KM_ANY },
    { KM_CTRL('t'),       "Ctrl-T",    ACT_TREE_FOCUS,  KM_ANY },
    { KM_FN(KEY_F(9)),    "F9",        ACT_TREE_FOCUS,  KM_ANY },
    { KM_CTRL('g'),       "Ctrl-G",    ACT_TASK,        KM_ANY },
    { KM_FN(KEY_F(10)),   "F10",       ACT_TASK,        KM_ANY },
    { KM_FN(KEY_F(11)),   "F11",       ACT_THINK,       KM_ANY },
    { '*',                "*",         ACT_THINK,       KM_EMPTY },
    { KM_FN(KEY_F(12)),   "F12",       ACT_THINK_OPEN,  KM_ANY },
    { '~',                "~",         ACT_THINK_OPEN,  KM_EMPTY },
    { KM_ALT('m'),        "Alt-M",     ACT_EXPORT_MD,   KM_ANY },
    { KM_ALT('l'),        "Alt-L",     ACT_MESSAGES,    KM_ANY },
    { KM_CTRL('z'),       "Ctrl-Z",    ACT_SUSPEND,     KM_ANY },
    /* tree focus */
    { KM_FN(KEY_DOWN),    "Down",      ACT_TREE_DOWN,   KM_TREE },
    { 'j',                "j",         ACT_TREE_DOWN,   KM_TREE },
    { KM_FN(KEY_UP),      "Up",        ACT_TREE_UP,     KM_TREE },
    { 'k',                "k",         ACT_TREE_UP,     KM_TREE },
    { KM_FN(KEY_LEFT),    "Left",      ACT_TREE_PARENT, KM_TREE },
    { 'h',                "h",         ACT_TREE_PARENT, KM_TREE },
    { KM_FN(KEY_RIGHT),   "Right",     ACT_TREE_CHILD,  KM_TREE },
    { 'l',                "l",         ACT_TREE_CHILD,  KM_TREE },
    { KM_FN(KEY_SLEFT),   "Shift-Left", ACT_TREE_PREV_SIBLING, KM_TREE },
    { '<',                "<",         ACT_TREE_PREV_SIBLING, KM_TREE },
    { KM_FN(KEY_SRIGHT),  "Shift-Right", ACT_TREE_NEXT_SIBLING, KM_TREE },
    { '>',                ">",         ACT_TREE_NEXT_SIBLING, KM_TREE },
    { KM_FN(KEY_PPAGE),   "PgUp",      ACT_TREE_PAGE_UP, KM_TREE },
    { KM_FN(KEY_NPAGE),   "PgDn",      ACT_TREE_PAGE_DOWN, KM_TREE },
    { KM_FN(KEY_HOME),    "Home",      ACT_TREE_HOME,   KM_TREE },
    { 'g',                "g",         ACT_TREE_HOME,   KM_TREE },
    { KM_FN(KEY_END),     "End",       ACT_TREE_END,    KM_TREE },
    { 'G',                "G",         ACT_TREE_END,    KM_TREE },
    { '\r',               "Enter",     ACT_TREE_PATH,   KM_TREE },
    { '\n',               "Enter",     ACT_TREE_PATH,   KM_TREE },
    { KM_FN(KEY_ENTER),   "Enter",     ACT_TREE_PATH,   KM_TREE },
    { 'c',                "c",         ACT_TREE_COLLAPSE, KM_TREE },
    { ' ',                "Space",     ACT_TREE_COLLAPSE, KM_TREE },
    { '/',                "/",         ACT_TREE_SEARCH, KM_TREE },
    { 'v',                "v",         ACT_TREE_COMPACT, KM_TREE },
    { 't',                "t",         ACT_TREE_VOTES,  KM_TREE },
    { 'e',                "e",         ACT_TREE_EXPORT_DOT, KM_TREE },
    { 'E',                "E",         ACT_TREE_EXPORT_JSON, KM_TREE },
    { 'm',                "m",         ACT_TREE_EXPORT_MD, KM_TREE },
    { 27,                 "Esc",       ACT_TREE_LEAVE,  KM_TREE },
    /* ponder replay */
    { 'n',                "n",         ACT_REPLAY_STEP, KM_REPLAY },
    { 'N',                "N",         ACT_REPLAY_NODE, KM_REPLAY },
    { 'p',                "p",         ACT_REPLAY_PAUSE, KM_REPLAY },
    { ' ',                "Space",     ACT_REPLAY_PAUSE, KM_REPLAY },
};

static const char *const help_text[ACT__COUNT] = {
    [ACT_NONE]        = "",
    [ACT_HELP]        = "show this help",
    [ACT_SUBMIT]      = "solve the problem on the line",
    [ACT_CANCEL]      = "cancel the running solve; close a window",
    [ACT_INTERRUPT]   = "cancel the solve; when idle, quit (asks first)",
    [ACT_QUIT]        = "quit ponder",
    [ACT_NEXT_SAMPLE] = "follow the next sample in the Thinking pane",
    [ACT_PREV_SAMPLE] = "follow the previous sample",
    [ACT_PAGE_UP]     = "scroll the Thinking pane up a page",
    [ACT_PAGE_DOWN]   = "scroll down a page (at the end: follow the stream)",
    [ACT_LINE_UP]     = "scroll up a line",
    [ACT_LINE_DOWN]   = "scroll down a line",
    [ACT_STRATEGY]    = "switch strategy",   /* app/ adds the registry's list */
    [ACT_N_DOWN]      = "fewer samples (n)",
    [ACT_N_UP]        = "more samples (n)",
    [ACT_T_DOWN]      = "lower temperature (T)",
    [ACT_T_UP]        = "higher temperature (T)",
    [ACT_COPY]        = "copy the answer (clipboard and a file)",
    [ACT_PROMPT]      = "show the prompt the strategy will send",
    [ACT_NEXT_TAB]    = "next pane, when the window is narrow",
    [ACT_REDRAW]      = "redraw the screen",
    [ACT_TREE_FOCUS]  = "move the keys to the tree pane and back (tree-search runs)",
    [ACT_TASK]        = "switch between word problems and Game of 24 puzzles",
    [ACT_THINK]       = "thinking: default, off, on, low, medium, high, then a 256-token budget",
    [ACT_THINK_OPEN]  = "open or fold the thinking once the answer has started",
    [ACT_SUSPEND]     = "suspend ponder to the shell (fg brings it back; a run goes on)",
    [ACT_TREE_DOWN]   = "tree: next row",
    [ACT_TREE_UP]     = "tree: previous row",
    [ACT_TREE_PARENT] = "tree: go to the parent",
    [ACT_TREE_CHILD]  = "tree: go to the first child (opens a collapsed node)",
    [ACT_TREE_PREV_SIBLING] = "tree: previous sibling",
    [ACT_TREE_NEXT_SIBLING] = "tree: next sibling",
    [ACT_TREE_PAGE_UP] = "tree: up a page",
    [ACT_TREE_PAGE_DOWN] = "tree: down a page",
    [ACT_TREE_HOME]   = "tree: the root",
    [ACT_TREE_END]    = "tree: the last row",
    [ACT_TREE_PATH]   = "tree: show the whole path to the node, step by step, in the Thinking pane",
    [ACT_TREE_COLLAPSE] = "tree: collapse or expand the node's subtree",
    [ACT_TREE_SEARCH] = "tree: find text in the nodes (Enter: next match, Esc: stop)",
    [ACT_TREE_COMPACT] = "tree: compact view (one mark per node) or detailed",
    [ACT_TREE_VOTES]  = "tree: show the votes instead (when the side is too short for both)",
    [ACT_TREE_EXPORT_DOT] = "tree: export the tree as Graphviz DOT (ponder-run-*.dot)",
    [ACT_TREE_EXPORT_JSON] = "tree: export the run's events as JSON Lines (ponder-run-*.jsonl)",
    [ACT_TREE_LEAVE]  = "tree: give the keys back to the problem line",
    [ACT_TREE_EXPORT_MD] = "tree: write the run up as Markdown (ponder-run-*.md)",
    [ACT_EXPORT_MD]   = "write the run up as Markdown, to ponder-run-*.md here",
    [ACT_MESSAGES]    = "the message log: every status-line message in full (Esc closes)",
    [ACT_REPLAY_STEP] = "replay: the next event (and pause)",
    [ACT_REPLAY_NODE] = "replay: on to the next new node (and pause)",
    [ACT_REPLAY_PAUSE] = "replay: pause or go on",
};

/* Opposite actions shown as one row of the help. */
static const struct { ui_action a, b; const char *help; } pairs[] = {
    { ACT_NEXT_SAMPLE, ACT_PREV_SAMPLE, "next / previous sample in the Thinking pane" },
    { ACT_PAGE_UP, ACT_PAGE_DOWN, "scroll the Thinking pane by a page" },
    { ACT_LINE_UP, ACT_LINE_DOWN, "scroll the Thinking pane by a line" },
    { ACT_N_DOWN, ACT_N_UP, "fewer / more samples (n)" },
    { ACT_T_DOWN, ACT_T_UP, "lower / higher temperature (T)" },
    { ACT_TREE_DOWN, ACT_TREE_UP, "tree: next / previous row" },
    { ACT_TREE_PARENT, ACT_TREE_CHILD, "tree: parent / first child (opens a collapsed node)" },
    { ACT_TREE_PREV_SIBLING, ACT_TREE_NEXT_SIBLING, "tree: previous / next sibling" },
    { ACT_TREE_PAGE_UP, ACT_TREE_PAGE_DOWN, "tree: up / down a page" },
    { ACT_TREE_HOME, ACT_TREE_END, "tree: first / last row" },
    { ACT_TREE_EXPORT_DOT, ACT_TREE_EXPORT_JSON,
      "tree: export the tree as DOT / the run's events as JSON Lines, to ponder-run-*.dot/.jsonl here" },
};

ui_action keymap_lookup(int key, int line_empty)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].key == key && table[i].when != KM_TREE && table[i].when != KM_REPLAY &&
            (table[i].when == KM_ANY || line_empty))
            return table[i].act;
    return ACT_NONE;
}

ui_action keymap_lookup_in(int key, int line_empty, int tree_focus)
{
    if (!tree_focus) return keymap_lookup(key, line_empty);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].key == key && table[i].when == KM_TREE) return table[i].act;
    return keymap_lookup(key, 1);
}

ui_action keymap_lookup_mode(int key, int line_empty, int tree_focus, int replay)
{
    if (tree_focus)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (table[i].key == key && table[i].when == KM_TREE) return table[i].act;
    if (replay && (line_empty || tree_focus))
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (table[i].key == key && table[i].when == KM_REPLAY) return table[i].act;
    return keymap_lookup(key, line_empty || tree_focus);
}

int keymap_count(void) { return (int)(sizeof table / sizeof table[0]); }

const keymap_entry *keymap_at(int i)
{
    return (i >= 0 && i < keymap_count()) ? &table[i] : NULL;
}

static char help_set[ACT__COUNT][256];    /* keymap_set_action_help's copies */

const char *keymap_action_help(ui_action a)
{
    if (a < 0 || a >= ACT__COUNT) return "";
    if (help_set[a][0]) return help_set[a];
    return help_text[a] ? help_text[a] : "";
}

void keymap_set_action_help(ui_action a, const char *text)
{
    if (a >= 0 && a < ACT__COUNT)
        snprintf(help_set[a], sizeof help_set[a], "%s", text ? text : "");
}

size_t keymap_keys_for(ui_action a, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap) buf[0] = 0;
    for (int i = 0; i < keymap_count(); i++) {
        int dup = 0;
        if (table[i].act != a) continue;
        for (int j = 0; j < i; j++)     /* Enter has three codes, one name */
            if (table[j].act == a && strcmp(table[j].name, table[i].name) == 0) dup = 1;
        if (dup) continue;
        /* a key for an empty line only goes in brackets: a "*" after
         * the name would make the "*" key read "**" */
        int empty = table[i].when == KM_EMPTY;
        int w = snprintf(buf + len, cap > len ? cap - len : 0, "%s%s%s%s",
                         len ? ", " : "", empty ? "(" : "", table[i].name, empty ? ")" : "");
        if (w < 0) break;
        len += (size_t)w;
        if (len >= cap) { len = cap ? cap - 1 : 0; break; }
    }
    return len;
}

const char *keymap_first_key(ui_action a)
{
    for (int i = 0; i < keymap_count(); i++)
        if (table[i].act == a) return table[i].name;
    return "";
}

/* The i-th distinct key name of an action (Enter has three codes). */
static const keymap_entry *nth_key(ui_action a, int n)
{
    for (int i = 0, k = 0; i < keymap_count(); i++) {
        int dup = 0;
        if (table[i].act != a) continue;
        for (int j = 0; j < i; j++)
            if (table[j].act == a && strcmp(table[j].name, table[i].name) == 0) dup = 1;
        if (!dup && k++ == n) return &table[i];
    }
    return NULL;
}

static size_t pair_keys(ui_action a, ui_action b, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap) buf[0] = 0;
    for (int i = 0; ; i++) {
        const keymap_entry *x = nth_key(a, i), *y = nth_key(b, i);
        int w;
        if (!x && !y) break;
        int empty = (x && x->when == KM_EMPTY) || (y && y->when == KM_EMPTY);
        w = snprintf(buf + len, cap > len ? cap - len : 0, "%s%s%s%s%s%s",
                     len ? ", " : "", empty ? "(" : "", x ? x->name : "", x && y ? "/" : "",
                     y ? y->name : "", empty ? ")" : "");
        if (w < 0) break;
        len += (size_t)w;
        if (len >= cap) { len = cap ? cap - 1 : 0; break; }
    }
    return len;
}

int keymap_help_row(int row, char *keys, size_t cap, const char **help)
{
    int k = 0;
    for (int i = 0; i < keymap_count(); i++) {
        ui_action a = table[i].act;
        int seen = 0, pair = -1, second = 0;
        for (int j = 0; j < i; j++) if (table[j].act == a) seen = 1;
        if (seen) continue;
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
            if (pairs[p].a == a) pair = (int)p;
            if (pairs[p].b == a) { pair = (int)p; second = 1; }
        }
        if (pair >= 0) {
            /* the row sits where the pair's first-listed action is */
            ui_action other = second ? pairs[pair].a : pairs[pair].b;
            int other_first = 0;
            for (int j = 0; j < i; j++) if (table[j].act == other) other_first = 1;
            if (other_first) continue;
        }
        if (k++ != row) continue;
        if (pair >= 0) {
            pair_keys(pairs[pair].a, pairs[pair].b, keys, cap);
            *help = pairs[pair].help;
        } else {
            keymap_keys_for(a, keys, cap);
            *help = keymap_action_help(a);
        }
        return 1;
    }
    return 0;
}
