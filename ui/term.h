/* term: the terminal as ponder uses it — ncurses set up and torn down,
 * signals turned into bytes on a self-pipe, and keys read into the
 * keymap's encoding.
 *
 * Signal handlers only write to the pipe (SIGWINCH also chains to ncurses'
 * own handler, so get_wch() reports KEY_RESIZE). A crash still restores
 * the terminal before the default action runs.
 *
 * Suspending (Ctrl-Z, or SIGTSTP from outside) happens on the UI thread:
 * the loop sees the key or the signal byte and calls term_suspend(), which
 * gives the terminal back, stops the process and takes the terminal again
 * when the shell continues it. SIGCONT alone (after SIGSTOP) writes a byte
 * too, and term_resume() puts the screen back. */
#ifndef PONDER_UI_TERM_H
#define PONDER_UI_TERM_H
#include <stddef.h>

/* Keys that are not keys: returned by term_read_key(). */
enum {
    TERM_NO_KEY = -1,
    TERM_RESIZE = 0x4000000,
    TERM_PASTE_BEGIN,       /* bracketed paste: ESC [ 200 ~ */
    TERM_PASTE_END,         /* ESC [ 201 ~ */
};

/* Signals as read from the pipe. */
enum { TERM_SIG_NONE = 0, TERM_SIG_INT = 'i', TERM_SIG_QUIT = 'q', TERM_SIG_WINCH = 'w',
       TERM_SIG_TSTP = 'z', TERM_SIG_CONT = 'c' };

/* 1 when the locale's codeset is UTF-8. */
int term_locale_utf8(void);
/* Takes the terminal: stdin and stdout must be a tty, and TERM must name a
 * terminfo entry that can move the cursor (not "dumb"). Returns 0, or -1
 * with a message for the user (nothing is left changed). */
int term_open(char *err, size_t errlen);
/* Gives the terminal back exactly as it was. Safe to call twice. */
void term_close(void);
int term_signal_fd(void);
/* Next signal byte, or TERM_SIG_NONE. */
int term_read_signal(void);
/* Next key without waiting, or TERM_NO_KEY. Alt-x (Esc then x in one read)
 * becomes KM_ALT(x). */
int term_read_key(void);
void term_size(int *cols, int *rows);
/* Makes the next frame repaint every cell. */
void term_redraw_all(void);
/* Gives the terminal back, stops the process (as Ctrl-Z in a cooked
 * terminal would) and, once continued, takes the terminal again; the
 * caller redraws everything. Returns 0, or -1 with a message when the
 * shell cannot resume a stopped job (SIGTSTP was ignored at start). */
int term_suspend(char *err, size_t errlen);
/* After a continue: raw mode, bracketed paste and the window size again,
 * and a full repaint on the next frame. Harmless when nothing changed. */
void term_resume(void);

#endif
