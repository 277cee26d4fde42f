/* text: UTF-8 as the screen sees it — decoding with every control byte and
 * invalid sequence replaced, display widths, and word wrapping.
 *
 * Nothing here touches ncurses, so it is unit-tested directly. The text
 * arriving in events is meant to be valid UTF-8 already; this module does
 * not trust that. */
#ifndef PONDER_UI_TEXT_H
#define PONDER_UI_TEXT_H
#include <stddef.h>
#include <wchar.h>

/* Set once at startup: 1 when the locale's codeset is UTF-8. With 0, every
 * non-ASCII character is shown as '?'. */
void text_set_utf8(int on);
int text_utf8(void);

/* Decodes one character from s (len > 0 bytes). Stores the character to
 * show in *wc (never a control character; U+FFFD or '?' for bad input, a
 * space for a tab) and returns the bytes consumed (>= 1). *cols gets its
 * display width (0 for combining marks, 1 or 2 otherwise). */
size_t text_next(const char *s, size_t len, wchar_t *wc, int *cols);

/* Display columns of the first len bytes of s. */
int text_width(const char *s, size_t len);

/* Decodes at most `cols` columns of s[0..len) into out (cap wide chars,
 * NUL-terminated). Returns the columns used; *used (may be NULL) gets the
 * bytes consumed. */
int text_fit(const char *s, size_t len, int cols, wchar_t *out, size_t cap,
             size_t *used);

/* One wrapped line: a byte range of the source text. */
typedef struct {
    size_t off, len;
    int seg;                /* which text it came from (caller's tag) */
} wrap_line;

typedef struct {
    wrap_line *v;
    int n, cap;
} wrap_lines;

void wrap_init(wrap_lines *w);
void wrap_done(wrap_lines *w);
void wrap_clear(wrap_lines *w);
/* Word-wraps s[from..len) to `width` columns and appends the lines, tagged
 * seg. Breaks at spaces, hard-breaks words longer than a line, ends a line
 * at '\n'. `from` must be the start of a line (0, or an earlier line's off). */
void text_wrap(wrap_lines *w, const char *s, size_t len, size_t from,
               int width, int seg);

#endif
