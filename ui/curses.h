/* curses: the one place ponder includes ncurses. Wide-character calls
 * (wget_wch, waddnwstr, setcchar) need the XSI extended API. */
#ifndef PONDER_UI_CURSES_H
#define PONDER_UI_CURSES_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

/* ncurses declares a debugging function trace(), which would collide with
 * ponder's `trace` type (tutor/trace.h): rename it while curses.h is read. */
#define trace ponder_ncurses_trace_unused

#if defined(__has_include)
#  if __has_include(<ncursesw/curses.h>)
#    include <ncursesw/curses.h>
#  else
#    include <curses.h>
#  endif
#else
#  include <curses.h>
#endif

#undef trace

#endif
