/* tui_paste: a bracketed paste, collected whole and given to the problem
 * line at its end, or refused when it is too long. */
#include "app/tui_state.h"

#include <stdlib.h>
#include <string.h>

#include "tutor/utf8.h"
#include "ui/input.h"

void tui_paste_char(tui *t, wint_t wc)
{
    char mb[4];
    int n = utf8_encode((unsigned)wc, mb);      /* 0: a surrogate, dropped */
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
