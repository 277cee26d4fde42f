/* tui_paste: a bracketed paste, collected whole and given to the problem
 * line at its end, or refused when it is too long. */
#include "app/tui_state.h"

#include <stdlib.h>
#include <string.h>

#include "ui/input.h"

void tui_paste_char(tui *t, wint_t wc)
{
    char mb[8];
    int n = 0;
    unsigned c = (unsigned)wc;
    if (c < 0x80) mb[n++] = (char)c;
    else if (c < 0x800) { mb[n++] = (char)(0xc0 | c >> 6); mb[n++] = (char)(0x80 | (c & 0x3f)); }
    else if (c < 0x10000) { mb[n++] = (char)(0xe0 | c >> 12); mb[n++] = (char)(0x80 | (c >> 6 & 0x3f)); mb[n++] = (char)(0x80 | (c & 0x3f)); }
    else { mb[n++] = (char)(0xf0 | c >> 18); mb[n++] = (char)(0x80 | (c >> 12 & 0x3f)); mb[n++] = (char)(0x80 | (c >> 6 & 0x3f)); mb[n++] = (char)(0x80 | (c & 0x3f)); }
    t->paste_total += (size_t)n;
    if (!t->paste) t->paste = malloc(PASTE_CAP);
    if (t->paste && t->paste_len + (size_t)n <= PASTE_CAP) {
        memcpy(t->paste + t->paste_len, mb, (size_t)n);
        t->paste_len += (size_t)n;
    }
}

void tui_paste_end(tui *t)
{
    char msg[256] = "";
    t->pasting = 0;
    if (t->paste_total > t->paste_len || t->paste_total > INPUT_MAX)
        view_message(&t->v, ROLE_STATUS_ERROR, tui_now(), MSG_S,
                     "paste refused: %zu bytes; a problem can be at most %d bytes",
                     t->paste_total, INPUT_MAX);
    else if (t->paste_len && input_paste(t->paste, t->paste_len, msg, sizeof msg) < 0)
        tui_note(t, ROLE_STATUS_ERROR, "%s", msg);
    t->paste_len = t->paste_total = 0;
    t->dirty = 1;
}
