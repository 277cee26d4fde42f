/* theme: semantic colour roles and the theme files that map them.
 *
 * Drawing code asks for a role (ROLE_VOTE_BAR), never a colour. A theme
 * file is INI: a [colors] section of `role = fg,bg[,attr+attr]` with colour
 * names (default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-black ... bright-white, gray) and attributes (bold, dim, reverse,
 * underline, italic). Parsing is pure; theme_apply() hands the result to
 * ncurses. */
#ifndef PONDER_UI_THEME_H
#define PONDER_UI_THEME_H
#include <stddef.h>

typedef enum {
    ROLE_NORMAL, ROLE_BORDER, ROLE_TITLE, ROLE_THINKING, ROLE_ANSWER,
    ROLE_ANSWER_BIG, ROLE_VOTE_BAR, ROLE_VOTE_LEADER, ROLE_STATUS,
    ROLE_STATUS_ERROR, ROLE_SPINNER, ROLE_INPUT, ROLE_HELP, ROLE_HELP_KEY,
    ROLE_NODE_CHOSEN, ROLE_NODE_PRUNED, ROLE_TAB, ROLE_TAB_ACTIVE,
    ROLE_ERROR, ROLE_NOTICE, ROLE_DIM,
    ROLE_NODE_EXPANDED, ROLE_NODE_FRONTIER, ROLE_NODE_SOLUTION, ROLE_NODE_WRONG,
    ROLE_NODE_NEW,
    ROLE__COUNT
} ui_role;

enum { THEME_BOLD = 1, THEME_DIM = 2, THEME_REVERSE = 4, THEME_UNDERLINE = 8,
       THEME_ITALIC = 16 };
enum { THEME_DEFAULT_COLOR = -1 };    /* the terminal's own fg or bg */

typedef struct {
    short fg, bg;           /* -1 default, 0-7 normal, 8-15 bright */
    unsigned attrs;         /* THEME_* */
} theme_style;

typedef struct {
    char name[64];
    theme_style s[ROLE__COUNT];
} theme;

const char *theme_role_name(ui_role r);
int theme_role_find(const char *name);          /* -1 if unknown */
/* "red", "bright-red", "default", "gray", or a number 0-255. */
int theme_parse_color(const char *s, short *out);
/* "fg,bg[,attrs]". Returns 0, or -1 with a message. */
int theme_parse_style(const char *value, theme_style *out, char *err, size_t errlen);

/* The built-in themes (the same text as themes/default.theme and
 * themes/mono.theme). */
void theme_builtin(theme *t);
void theme_builtin_mono(theme *t);

/* Parses INI text into t, starting from the built-in default so a file
 * may leave roles out. `label` names the source in messages. Returns 0,
 * or -1 with "label:line: message" in err (t is then the built-in). */
int theme_parse_string(theme *t, const char *text, const char *label,
                       char *err, size_t errlen);
int theme_parse_file(theme *t, const char *path, char *err, size_t errlen);

/* Finds a theme: `name` containing '/' or ending in ".theme" is a path;
 * otherwise NAME.theme in ./themes, $XDG_CONFIG_HOME/ponder/themes
 * (~/.config/ponder/themes) and PONDER_DATADIR/themes. Returns 0 with the
 * path, or -1. */
int theme_find(const char *name, char *path, size_t cap);

/* The whole startup rule: NO_COLOR (set, non-empty) means mono; an empty
 * name means "default"; a missing or bad file falls back to the built-in
 * default. Returns 0, or -1 with a message for the status line. */
int theme_load(theme *t, const char *name, char *msg, size_t msglen);

/* ncurses side: after start_color(), make the colour pairs. Works on
 * terminals without colour (attributes only) and with 8 colours (bright
 * becomes bold). */
void theme_apply(const theme *t);
/* The attributes to draw a role with (valid after theme_apply). */
unsigned long theme_attr(ui_role r);

#endif
