/* fuzz_theme: theme files (ui/theme.c): the INI text, and the text as one
 * "fg,bg,attrs" value and one colour name. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "ui/theme.h"

void fuzz_theme(const uint8_t *d, size_t n)
{
    char *text = fuzz_str(d, n);
    theme t;
    char err[256];
    err[0] = '\0';
    int rc = theme_parse_string(&t, text, "fuzz.theme", err, sizeof err);
    FUZZ_CHECK(rc == 0 || (rc == -1 && err[0]));
    for (int r = 0; r < ROLE__COUNT; r++) {
        FUZZ_CHECK(t.s[r].fg >= -1 && t.s[r].fg <= 255);
        FUZZ_CHECK(t.s[r].bg >= -1 && t.s[r].bg <= 255);
    }
    FUZZ_CHECK(memchr(t.name, 0, sizeof t.name));
    theme_style st;
    theme_parse_style(text, &st, err, sizeof err);
    short c;
    if (theme_parse_color(text, &c) == 0)
        FUZZ_CHECK(c >= -1 && c <= 255);
    theme_role_find(text);
    free(text);
}

FUZZ_ENTRY(fuzz_theme)
