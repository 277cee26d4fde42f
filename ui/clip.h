/* clip: copying text out of the terminal. */
#ifndef PONDER_UI_CLIP_H
#define PONDER_UI_CLIP_H
#include <stddef.h>

/* Standard base64 of len bytes into out (cap >= 4*((len+2)/3)+1).
 * Returns the length written, or 0 if out is too small. */
size_t clip_base64(const unsigned char *in, size_t len, char *out, size_t cap);
/* Asks the terminal to put s on the system clipboard (OSC 52). Writes to
 * fd directly; call between frames. Returns 0 or -1. */
int clip_osc52(int fd, const char *s);

#endif
