#include "ui/term.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ui/curses.h"
#include "ui/keymap.h"

#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END   (KEY_MAX + 2)

static int sig_pipe[2] = { -1, -1 };
static struct sigaction old_winch;
static int opened;

static void on_signal(int sig)
{
    int e = errno;
    char c = sig == SIGINT ? TERM_SIG_INT : sig == SIGWINCH ? TERM_SIG_WINCH : TERM_SIG_QUIT;
    /* chain to ncurses' handler, which makes get_wch() return KEY_RESIZE */
    if (sig == SIGWINCH && !(old_winch.sa_flags & SA_SIGINFO) &&
        old_winch.sa_handler != SIG_DFL && old_winch.sa_handler != SIG_IGN &&
        old_winch.sa_handler != on_signal)
        old_winch.sa_handler(sig);
    if (sig_pipe[1] >= 0) {
        ssize_t w = write(sig_pipe[1], &c, 1);
        (void)w;
    }
    errno = e;
}

static void on_fatal(int sig)
{
    static const char off[] = "\033[?2004l";
    ssize_t w = write(STDOUT_FILENO, off, sizeof off - 1);
    (void)w;
    endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_handler(int sig, void (*fn)(int), int flags, struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, old);
}

static void restore_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGPIPE };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
    if (old_winch.sa_handler || (old_winch.sa_flags & SA_SIGINFO))
        sigaction(SIGWINCH, &old_winch, NULL);
    memset(&old_winch, 0, sizeof old_winch);
    for (int i = 0; i < 2; i++)
        if (sig_pipe[i] >= 0) { close(sig_pipe[i]); sig_pipe[i] = -1; }
}

int term_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

int term_open(char *err, size_t errlen)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "the TUI needs a terminal; for scripts use: ponder solve PROBLEM");
        return -1;
    }
    if (pipe(sig_pipe) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    if (!newterm(NULL, stdout, stdin)) {
        const char *term = getenv("TERM");
        snprintf(err, errlen, "cannot use the terminal (TERM=%s)", term ? term : "unset");
        restore_signals();
        return -1;
    }
    opened = 1;
    set_handler(SIGINT, on_signal, SA_RESTART, NULL);
    set_handler(SIGTERM, on_signal, SA_RESTART, NULL);
    set_handler(SIGHUP, on_signal, SA_RESTART, NULL);
    /* newterm() installed ncurses' SIGWINCH handler; ours chains to it */
    set_handler(SIGWINCH, on_signal, SA_RESTART, &old_winch);
    set_handler(SIGPIPE, SIG_IGN, 0, NULL);
    set_handler(SIGSEGV, on_fatal, 0, NULL);
    set_handler(SIGBUS, on_fatal, 0, NULL);
    set_handler(SIGFPE, on_fatal, 0, NULL);
    set_handler(SIGABRT, on_fatal, 0, NULL);
    raw();                  /* Ctrl-C, Ctrl-S and Ctrl-Z arrive as keys */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    if (has_colors()) start_color();
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);
    fputs("\033[?2004h", stdout);   /* bracketed paste on */
    fflush(stdout);
    return 0;
}

void term_close(void)
{
    if (opened) {
        fputs("\033[?2004l", stdout);
        fflush(stdout);
        endwin();
        opened = 0;
    }
    restore_signals();
}

int term_signal_fd(void) { return sig_pipe[0]; }

int term_read_signal(void)
{
    char c;
    if (sig_pipe[0] < 0 || read(sig_pipe[0], &c, 1) != 1) return TERM_SIG_NONE;
    return c;
}

int term_read_key(void)
{
    wint_t wc;
    int r = get_wch(&wc);
    if (r == ERR) return TERM_NO_KEY;
    if (r == KEY_CODE_YES) {
        if (wc == KEY_RESIZE) return TERM_RESIZE;
        if (wc == KEY_PASTE_BEGIN) return TERM_PASTE_BEGIN;
        if (wc == KEY_PASTE_END) return TERM_PASTE_END;
        return KM_FN((int)wc);
    }
    if (wc == 27) {         /* Esc, or Alt-x arriving as Esc then x */
        wint_t w2;
        int r2 = get_wch(&w2);
        if (r2 == OK && (w2 >= 0x20 || w2 == 8) && w2 != 27) return KM_ALT((int)w2);
        if (r2 == OK) unget_wch(w2);
        else if (r2 == KEY_CODE_YES) ungetch((int)w2);
    }
    return (int)wc;
}

void term_size(int *cols, int *rows)
{
    *cols = COLS;
    *rows = LINES;
}

void term_redraw_all(void) { clearok(curscr, TRUE); }
