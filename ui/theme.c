#include "ui/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <ini.h>

#include "ui/curses.h"

#ifndef PONDER_DATADIR
#define PONDER_DATADIR "/usr/local/share/ponder"
#endif

static const char *const role_names[ROLE__COUNT] = {
    "normal", "border", "title", "thinking", "answer", "answer_big",
    "vote_bar", "vote_leader", "status", "status_error", "spinner", "input",
    "help", "help_key", "node_chosen", "node_pruned", "tab", "tab_active",
    "error", "notice", "dim",
    "node_expanded", "node_frontier", "node_solution", "node_wrong", "node_new",
};

/* Kept equal to themes/default.theme and themes/mono.theme (a unit test
 * checks), so ponder looks right with no data files installed. */
static const char builtin_default[] =
    "[colors]\n"
    "normal=default,default\n" "border=blue,default\n"
    "title=bright-cyan,default,bold\n" "thinking=default,default\n"
    "answer=bright-white,default,bold\n" "answer_big=bright-green,default,bold\n"
    "vote_bar=cyan,default\n" "vote_leader=bright-green,default,bold\n"
    "status=black,cyan\n" "status_error=bright-white,red,bold\n"
    "spinner=black,cyan,bold\n" "input=default,default\n"
    "help=default,default\n" "help_key=bright-yellow,default,bold\n"
    "node_chosen=bright-green,default,bold\n" "node_pruned=gray,default\n"
    "tab=default,default\n" "tab_active=black,cyan,bold\n"
    "error=bright-red,default,bold\n" "notice=yellow,default\n"
    "dim=gray,default\n"
    "node_expanded=default,default\n" "node_frontier=cyan,default\n"
    "node_solution=bright-yellow,default,bold\n" "node_wrong=bright-red,default\n"
    "node_new=black,yellow\n";

static const char builtin_mono[] =
    "[colors]\n"
    "normal=default,default\n" "border=default,default\n"
    "title=default,default,bold\n" "thinking=default,default\n"
    "answer=default,default,bold\n" "answer_big=default,default,bold+underline\n"
    "vote_bar=default,default\n" "vote_leader=default,default,bold\n"
    "status=default,default,reverse\n" "status_error=default,default,reverse+bold\n"
    "spinner=default,default,reverse+bold\n" "input=default,default\n"
    "help=default,default\n" "help_key=default,default,bold\n"
    "node_chosen=default,default,bold\n" "node_pruned=default,default,dim\n"
    "tab=default,default\n" "tab_active=default,default,reverse\n"
    "error=default,default,bold\n" "notice=default,default,underline\n"
    "dim=default,default,dim\n"
    "node_expanded=default,default\n" "node_frontier=default,default\n"
    "node_solution=default,default,bold+underline\n" "node_wrong=default,default,bold+italic\n"
    "node_new=default,default,reverse\n";

const char *theme_role_name(ui_role r)
{
    return (r >= 0 && r < ROLE__COUNT) ? role_names[r] : "?";
}

int theme_role_find(const char *name)
{
    for (int i = 0; i < ROLE__COUNT; i++)
        if (strcasecmp(name, role_names[i]) == 0) return i;
    return -1;
}

static const char *const color_names[8] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

int theme_parse_color(const char *s, short *out)
{
    int bright = 0;
    if (!*s) return -1;
    if (strcasecmp(s, "default") == 0 || strcasecmp(s, "none") == 0) {
        *out = THEME_DEFAULT_COLOR;
        return 0;
    }
    if (strcasecmp(s, "gray") == 0 || strcasecmp(s, "grey") == 0) { *out = 8; return 0; }
    if (isdigit((unsigned char)*s)) {
        char *end;
        long v = strtol(s, &end, 10);
        if (*end || v < 0 || v > 255) return -1;
        *out = (short)v;
        return 0;
    }
    if (strncasecmp(s, "bright", 6) == 0) {
        s += 6;
        if (*s == '-' || *s == '_') s++;
        bright = 8;
    }
    for (int i = 0; i < 8; i++)
        if (strcasecmp(s, color_names[i]) == 0) { *out = (short)(i + bright); return 0; }
    return -1;
}

static char *trim(char *s)
{
    char *e;
    while (isspace((unsigned char)*s)) s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

static int parse_attrs(char *s, unsigned *attrs, char *err, size_t errlen)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        { "bold", THEME_BOLD }, { "dim", THEME_DIM }, { "reverse", THEME_REVERSE },
        { "underline", THEME_UNDERLINE }, { "italic", THEME_ITALIC },
        { "none", 0 }, { "normal", 0 },
    };
    char *save = NULL;
    for (char *tok = strtok_r(s, "+| ", &save); tok; tok = strtok_r(NULL, "+| ", &save)) {
        size_t i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcasecmp(tok, names[i].name) == 0) break;
        if (i == sizeof names / sizeof names[0]) {
            snprintf(err, errlen, "unknown attribute '%s' (bold, dim, reverse, underline, italic)", tok);
            return -1;
        }
        *attrs |= names[i].bit;
    }
    return 0;
}

int theme_parse_style(const char *value, theme_style *out, char *err, size_t errlen)
{
    char buf[256], *parts[3] = { 0 }, *p;
    int n = 0;
    theme_style st = { THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
    if (strlen(value) >= sizeof buf) {
        snprintf(err, errlen, "value too long");
        return -1;
    }
    strcpy(buf, value);
    p = buf;
    for (;;) {
        char *comma = strchr(p, ',');
        if (n == 3) {
            snprintf(err, errlen, "expected fg,bg[,attr], got '%s'", value);
            return -1;
        }
        parts[n++] = p;
        if (!comma) break;
        *comma = 0;
        p = comma + 1;
    }
    if (n < 2) {
        snprintf(err, errlen, "expected fg,bg[,attr], got '%s'", value);
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        char *c = trim(parts[i]);
        if (theme_parse_color(c, i ? &st.bg : &st.fg) < 0) {
            snprintf(err, errlen, "unknown colour '%s'", c);
            return -1;
        }
    }
    if (n == 3 && parse_attrs(trim(parts[2]), &st.attrs, err, errlen) < 0) return -1;
    *out = st;
    return 0;
}

typedef struct {
    theme *t;
    char msg[200];          /* the first problem found */
} parse_state;

static int on_entry(void *ud, const char *section, const char *key, const char *value)
{
    parse_state *ps = ud;
    int role;
    if (ps->msg[0]) return 1;           /* report only the first problem */
    if (strcasecmp(section, "theme") == 0) {
        if (strcasecmp(key, "name") == 0)
            snprintf(ps->t->name, sizeof ps->t->name, "%s", value);
        return 1;                       /* description etc. are free text */
    }
    if (strcasecmp(section, "colors") != 0 && strcasecmp(section, "colours") != 0) {
        snprintf(ps->msg, sizeof ps->msg, "unknown section [%s] (expected [theme] or [colors])", section);
        return 0;
    }
    role = theme_role_find(key);
    if (role < 0) {
        snprintf(ps->msg, sizeof ps->msg, "unknown role '%s'", key);
        return 0;
    }
    if (theme_parse_style(value, &ps->t->s[role], ps->msg, sizeof ps->msg) < 0) {
        size_t l = strlen(ps->msg);
        snprintf(ps->msg + l, sizeof ps->msg - l, " for %s", key);
        return 0;
    }
    return 1;
}

static void parse_builtin(theme *t, const char *text, const char *name)
{
    parse_state ps = { t, "" };
    memset(t, 0, sizeof *t);
    for (int i = 0; i < ROLE__COUNT; i++)
        t->s[i] = (theme_style){ THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
    ini_parse_string(text, on_entry, &ps);
    snprintf(t->name, sizeof t->name, "%s", name);
}

void theme_builtin(theme *t) { parse_builtin(t, builtin_default, "default"); }
void theme_builtin_mono(theme *t) { parse_builtin(t, builtin_mono, "mono"); }

static int finish(theme *t, int line, parse_state *ps, const char *label,
                  char *err, size_t errlen)
{
    if (line == 0 && !ps->msg[0]) return 0;
    if (line < 0) snprintf(err, errlen, "%s: %s", label, strerror(errno ? errno : EIO));
    else snprintf(err, errlen, "%s:%d: %s", label, line,
                  ps->msg[0] ? ps->msg : "syntax error");
    theme_builtin(t);
    return -1;
}

int theme_parse_string(theme *t, const char *text, const char *label,
                       char *err, size_t errlen)
{
    parse_state ps = { t, "" };
    int line;
    theme_builtin(t);
    t->name[0] = 0;
    line = ini_parse_string(text, on_entry, &ps);
    if (!t->name[0]) snprintf(t->name, sizeof t->name, "%s", label);
    return finish(t, line, &ps, label, err, errlen);
}

int theme_parse_file(theme *t, const char *path, char *err, size_t errlen)
{
    parse_state ps = { t, "" };
    FILE *f;
    int line;
    struct stat st;
    theme_builtin(t);
    t->name[0] = 0;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    errno = 0;
    line = ini_parse_file(f, on_entry, &ps);
    fclose(f);
    if (!t->name[0]) snprintf(t->name, sizeof t->name, "%s", path);
    return finish(t, line, &ps, path, err, errlen);
}

static int readable(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int theme_find(const char *name, char *path, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    size_t len = strlen(name);
    if (!*name) return -1;
    if (strchr(name, '/') || (len > 6 && strcmp(name + len - 6, ".theme") == 0)) {
        if (!readable(name)) return -1;
        snprintf(path, cap, "%s", name);
        return 0;
    }
    snprintf(path, cap, "themes/%s.theme", name);
    if (readable(path)) return 0;
    if (xdg && *xdg) snprintf(path, cap, "%s/ponder/themes/%s.theme", xdg, name);
    else if (home && *home) snprintf(path, cap, "%s/.config/ponder/themes/%s.theme", home, name);
    else path[0] = 0;
    if (path[0] && readable(path)) return 0;
    snprintf(path, cap, "%s/themes/%s.theme", PONDER_DATADIR, name);
    if (readable(path)) return 0;
    path[0] = 0;
    return -1;
}

int theme_load(theme *t, const char *name, char *msg, size_t msglen)
{
    const char *nc = getenv("NO_COLOR");
    char path[1024];
    if (msglen) msg[0] = 0;
    if (nc && *nc) name = "mono";
    else if (!name || !*name) name = "default";
    if (theme_find(name, path, sizeof path) < 0) {
        if (strcmp(name, "mono") == 0) { theme_builtin_mono(t); return 0; }
        theme_builtin(t);
        if (strcmp(name, "default") == 0) return 0;
        snprintf(msg, msglen, "theme '%s' not found; using the default theme", name);
        return -1;
    }
    if (theme_parse_file(t, path, msg, msglen) < 0) {
        if (strcmp(name, "mono") == 0) theme_builtin_mono(t);
        return -1;
    }
    return 0;
}

/* ---- ncurses side ---- */

static attr_t role_attr[ROLE__COUNT];

static attr_t to_curses(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & THEME_BOLD) r |= A_BOLD;
    if (a & THEME_DIM) r |= A_DIM;
    if (a & THEME_REVERSE) r |= A_REVERSE;
    if (a & THEME_UNDERLINE) r |= A_UNDERLINE;
#ifdef A_ITALIC
    if (a & THEME_ITALIC) r |= A_ITALIC;
#endif
    return r;
}

void theme_apply(const theme *t)
{
    int colors = has_colors() ? COLORS : 0;
    int defaults = colors && use_default_colors() == OK;
    for (int i = 0; i < ROLE__COUNT; i++) {
        theme_style st = t->s[i];
        attr_t a = to_curses(st.attrs);
        if (colors >= 8 && COLOR_PAIRS > ROLE__COUNT) {
            short fg = st.fg, bg = st.bg;
            /* 8-colour terminals: bright foregrounds become bold */
            if (fg >= 8 && colors < 16) { if (fg < 16) a |= A_BOLD; fg = (short)(fg % 8); }
            if (bg >= 8 && colors < 16) bg = (short)(bg % 8);
            if (fg >= colors) fg = (short)(fg % 8);
            if (bg >= colors) bg = (short)(bg % 8);
            if (!defaults) {
                if (fg < 0) fg = COLOR_WHITE;
                if (bg < 0) bg = COLOR_BLACK;
            }
            init_pair((short)(i + 1), fg, bg);
            a |= COLOR_PAIR(i + 1);
        } else if (st.bg >= 0 && st.bg != 8 && !(st.attrs & THEME_REVERSE) &&
                   (i == ROLE_STATUS || i == ROLE_STATUS_ERROR || i == ROLE_TAB_ACTIVE ||
                    i == ROLE_SPINNER || i == ROLE_NODE_NEW)) {
            a |= A_REVERSE;   /* no colour: a coloured bar becomes reverse video */
        }
        role_attr[i] = a;
    }
}

unsigned long theme_attr(ui_role r)
{
    return (r >= 0 && r < ROLE__COUNT) ? role_attr[r] : A_NORMAL;
}
