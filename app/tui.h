/* tui: the interactive program — the UI thread's event loop.
 *
 * One loop polls stdin, the runner's wake pipe and a self-pipe for
 * signals, with a timeout for the spinner and the 60 fps redraw cap. Key
 * and event handlers only change state and mark the screen dirty; the loop
 * draws at most once per pass. */
#ifndef PONDER_APP_TUI_H
#define PONDER_APP_TUI_H
#include "app/config.h"

/* Runs the TUI until the user quits. Owns ncurses from start to end (the
 * caller has already called setlocale). cfg is used, and changed by the
 * strategy / n / T keys. Returns the exit status: 0, or 1 when the
 * terminal could not be used. */
int tui_main(app_config *cfg);
/* `ponder replay FILE`: the saved run FILE (a path, or a name from `ponder
 * runs`) shown again at speed times its pace (0: at once), with no model
 * and no network. Returns 0, or 1 when FILE cannot be read. */
int tui_replay(app_config *cfg, const char *file, double speed);
/* Fills in the help overlay's lines only app/ can write: Ctrl-S lists
 * every strategy in the registry. Called by the TUI at start. */
void tui_help_init(void);

#endif
