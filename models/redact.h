/* redact: keeps an API key out of every text a user or a file may see.
 *
 * A server can echo the key in an error body, and a message is cut to fit
 * a line; if the cut came first, the part of the key before the cut would
 * no longer match the whole key and slip through. So the key is replaced
 * before any cut, and any run of REDACT_RUN or more characters of the key
 * (a piece of it, wherever a cut fell) is replaced too. */
#ifndef PONDER_REDACT_H
#define PONDER_REDACT_H
#include <stddef.h>

#define REDACT_RUN 8        /* the shortest piece of a key that is replaced */

/* Copies the NUL-terminated s into out (cap bytes, always terminated) with
 * every occurrence of secret, and every run of REDACT_RUN or more bytes that
 * occurs in secret, replaced by "***". A secret shorter than 4 bytes, or
 * NULL, is not looked for. The copy stops at cap - 1 bytes. */
void redact_text(char *out, size_t cap, const char *s, const char *secret);

/* The server's words s[0..n) made fit for one line of a message: invalid
 * UTF-8 and controls cleaned (utf8.h), newlines and tabs made spaces, the
 * secret redacted, and only then cut to at most max bytes at a character
 * boundary, ending "..." when cut. out holds cap bytes. */
void redact_clip(char *out, size_t cap, const char *s, size_t n, size_t max,
                 const char *secret);

#endif
