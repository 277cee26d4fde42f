/* redact: see redact.h. */
#include "models/redact.h"
#include <stdlib.h>
#include <string.h>
#include "tutor/utf8.h"

/* The length of the longest prefix of s that occurs somewhere in secret. */
static size_t run_in_secret(const char *s, const char *secret, size_t sl)
{
    size_t best = 0;
    for (size_t k = 0; k + best < sl; k++) {
        size_t n = 0;
        while (k + n < sl && s[n] && s[n] == secret[k + n])
            n++;
        if (n > best)
            best = n;
    }
    return best;
}

void redact_text(char *out, size_t cap, const char *s, const char *secret)
{
    size_t sl = secret ? strlen(secret) : 0, o = 0;
    size_t need = sl < REDACT_RUN ? sl : REDACT_RUN;
    if (!cap)
        return;
    while (*s && o + 1 < cap) {
        size_t run = sl >= 4 ? run_in_secret(s, secret, sl) : 0;
        if (sl >= 4 && run >= need) {
            for (const char *r = "***"; *r && o + 1 < cap; r++)
                out[o++] = *r;
            s += run;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = 0;
}

void redact_clip(char *out, size_t cap, const char *s, size_t n, size_t max,
                 const char *secret)
{
    if (!cap)
        return;
    out[0] = 0;
    char *clean = utf8_sanitize(s, n, NULL);
    if (!clean)
        return;
    size_t len = strlen(clean);
    char *safe = malloc(len + 4);           /* room for "..." after a cut */
    if (!safe) {
        free(clean);
        return;
    }
    redact_text(safe, len + 1, clean, secret);
    free(clean);
    for (char *p = safe; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
    size_t k = strlen(safe);
    if (max + 4 > cap)
        max = cap > 4 ? cap - 4 : 0;
    if (k > max) {                          /* cut at a character boundary */
        k = max;
        while (k && ((unsigned char)safe[k] & 0xC0) == 0x80)
            k--;
        memcpy(safe + k, "...", 4);
    }
    memcpy(out, safe, strlen(safe) + 1 < cap ? strlen(safe) + 1 : cap - 1);
    out[cap - 1] = 0;
    free(safe);
}
