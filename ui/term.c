#include "ui/term.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ui/curses.h"
#include "ui/keymap.h"

#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END   (KEY_MAX + 2)

static const char PASTE_ON[] = "\033[?2004h", PASTE_OFF[] = "\033[?2004l";

static int sig_pipe[2] = { -1, -1 };
static struct sigaction old_winch, old_tstp, old_cont;
static int saved_job_signals;   /* old_tstp and old_cont hold what to restore */
static int can_suspend;         /* SIGTSTP was not ignored when we started */
static SCREEN *scr;
static int opened;

static void on_signal(int sig)
{
    int e = errno;
    char c = sig == SIGINT ? TERM_SIG_INT : sig == SIGWINCH ? TERM_SIG_WINCH
           : sig == SIGTSTP ? TERM_SIG_TSTP : sig == SIGCONT ? TERM_SIG_CONT : TERM_SIG_QUIT;
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
    ssize_t w = write(STDOUT_FILENO, PASTE_OFF, sizeof PASTE_OFF - 1);
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
    if (saved_job_signals) {
        sigaction(SIGTSTP, &old_tstp, NULL);
        sigaction(SIGCONT, &old_cont, NULL);
        saved_job_signals = 0;
    }
    for (int i = 0; i < 2; i++)
        if (sig_pipe[i] >= 0) { close(sig_pipe[i]); sig_pipe[i] = -1; }
}

int term_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

/* What to tell someone whose terminal ponder cannot draw on. */
static void no_screen(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "%s.\nThe TUI needs a terminal that can move the cursor; set TERM to "
             "the terminal's type (such as xterm-256color), or on a plain terminal use:\n"
             "  ponder solve \"PROBLEM\"", why);
}

/* A usable terminfo entry has cursor addressing; "dumb" and the like do
 * not, and ncurses would draw nonsense on them. */
static int can_address_cursor(void)
{
    char *cup = tigetstr("cup");
    return cup && cup != (char *)-1 && *cup;
}

int term_open(char *err, size_t errlen)
{
    const char *term = getenv("TERM");
    char why[256];
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "the TUI needs a terminal; for scripts use: ponder solve PROBLEM");
        return -1;
    }
    if (!term || !*term || !strcmp(term, "dumb")) {
        no_screen(err, errlen, !term || !*term ? "TERM is not set" : "TERM=dumb has no screen to draw on");
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
    /* what the shell gave us, restored at the end: newterm() may replace
     * SIGTSTP with ncurses' own handler, which draws inside the handler */
    sigaction(SIGTSTP, NULL, &old_tstp);
    sigaction(SIGCONT, NULL, &old_cont);
    saved_job_signals = 1;
    can_suspend = old_tstp.sa_handler != SIG_IGN;
    scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        snprintf(why, sizeof why, "TERM=%.100s is not a terminal type this system knows "
                 "(no terminfo entry)", term);
        no_screen(err, errlen, why);
        restore_signals();
        return -1;
    }
    if (!can_address_cursor()) {
        snprintf(why, sizeof why, "TERM=%.100s cannot move the cursor", term);
        no_screen(err, errlen, why);
        endwin();
        delscreen(scr);
        scr = NULL;
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
    set_handler(SIGTSTP, can_suspend ? on_signal : SIG_IGN, SA_RESTART, NULL);
    set_handler(SIGCONT, on_signal, SA_RESTART, NULL);
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
    fputs(PASTE_ON, stdout);
    fflush(stdout);
    return 0;
}

void term_close(void)
{
    if (opened) {
        fputs(PASTE_OFF, stdout);
        fflush(stdout);
        endwin();
        delscreen(scr);
        scr = NULL;
        opened = 0;
    }
    restore_signals();
}

int term_suspend(char *err, size_t errlen)
{
    if (!opened) return 0;
    if (!can_suspend) {
        snprintf(err, errlen, "cannot suspend: this shell has no job control to resume ponder");
        return -1;
    }
    fputs(PASTE_OFF, stdout);
    fflush(stdout);
    endwin();               /* cooked mode, main screen, cursor shown */
    /* stop as the terminal's own Ctrl-Z would; raise() sends to this
     * thread, so the stop happens before it returns */
    set_handler(SIGTSTP, SIG_DFL, 0, NULL);
    raise(SIGTSTP);
    set_handler(SIGTSTP, on_signal, SA_RESTART, NULL);
    term_resume();
    return 0;
}

void term_resume(void)
{
    struct winsize ws;
    if (!opened) return;
    reset_prog_mode();      /* raw again, if the shell changed the modes */
    fputs(PASTE_ON, stdout);
    fflush(stdout);
    /* a resize while stopped sent SIGWINCH to the shell, not to us */
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0 &&
        (ws.ws_col != COLS || ws.ws_row != LINES))
        resizeterm(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
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
