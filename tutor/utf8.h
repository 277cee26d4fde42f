/* utf8: the one home of UTF-8 encoding and cleaning (tutor/ depends on
 * nothing, so every layer may use it). Bytes from the network are made
 * safe to show and to store here.
 *
 * Sanitizing turns invalid UTF-8 into U+FFFD, one per maximal invalid
 * subpart (as Unicode recommends): bad lead bytes, stray continuation
 * bytes, overlong forms, surrogates (ED A0..BF), code points above
 * U+10FFFF and truncated sequences. It also DROPS control characters that
 * would reach the terminal: NUL and every C0 control except '\n' and '\t'
 * (so "\r\n" becomes "\n" and ESC sequences lose their ESC), DEL, and the
 * C1 controls U+0080..U+009F. Everything else passes through unchanged.
 *
 * The output is at most 3 bytes per input byte. */
#ifndef PONDER_TUTOR_UTF8_H
#define PONDER_TUTOR_UTF8_H
#include <stddef.h>

/* Writes the sanitized form of s[0..n) plus a NUL to dst, which must hold
 * 3*n + 1 bytes. Returns the length written (without the NUL). */
size_t utf8_clean(char *dst, const char *s, size_t n);

/* utf8_clean that keeps every control character: only invalid UTF-8
 * becomes U+FFFD. For text whose own format escapes controls (JSON). */
size_t utf8_repair(char *dst, const char *s, size_t n);

/* The UTF-8 bytes of code point cp into out (no NUL). Returns 1 to 4, or
 * 0 for what is not a character: a surrogate (U+D800..DFFF) or a value
 * above U+10FFFF. */
int utf8_encode(unsigned cp, char out[4]);

/* The sanitized form as a new NUL-terminated string; caller frees. NULL
 * only if out of memory. outlen may be NULL. */
char *utf8_sanitize(const char *s, size_t n, size_t *outlen);

/* Sanitizes a stream that arrives in chunks which may split a multibyte
 * character: an incomplete but so far valid sequence at the end of a chunk
 * is held back and joined to the next one. */
typedef struct {
    unsigned char pend[4];
    size_t npend;
} utf8_stream;

void utf8_stream_init(utf8_stream *u);
/* Sanitized text for this chunk (may be ""), as a new string; caller
 * frees. NULL only if out of memory. */
char *utf8_stream_feed(utf8_stream *u, const char *s, size_t n, size_t *outlen);
/* End of stream: a held-back incomplete sequence becomes U+FFFD. Returns
 * a new string (often ""); caller frees. */
char *utf8_stream_flush(utf8_stream *u, size_t *outlen);

#endif
