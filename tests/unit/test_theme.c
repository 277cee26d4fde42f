/* test_theme: colour names, style values, theme files, and the lookup and
 * fallback rules (NO_COLOR, missing and bad files). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/theme.h"

/* The shipped themes, found from this file's path (tests/unit/...). */
static void data_path(char *buf, size_t cap, const char *name)
{
    const char *f = __FILE__, *slash = strstr(f, "tests/unit/");
    int pre = slash ? (int)(slash - f) : 0;
    snprintf(buf, cap, "%.*sthemes/%s", pre, f, name);
}

static void test_colors(void **state)
{
    (void)state;
    short c = 99;
    assert_int_equal(theme_parse_color("default", &c), 0); assert_int_equal(c, -1);
    assert_int_equal(theme_parse_color("red", &c), 0); assert_int_equal(c, 1);
    assert_int_equal(theme_parse_color("White", &c), 0); assert_int_equal(c, 7);
    assert_int_equal(theme_parse_color("bright-red", &c), 0); assert_int_equal(c, 9);
    assert_int_equal(theme_parse_color("bright_cyan", &c), 0); assert_int_equal(c, 14);
    assert_int_equal(theme_parse_color("brightblack", &c), 0); assert_int_equal(c, 8);
    assert_int_equal(theme_parse_color("gray", &c), 0); assert_int_equal(c, 8);
    assert_int_equal(theme_parse_color("grey", &c), 0); assert_int_equal(c, 8);
    assert_int_equal(theme_parse_color("208", &c), 0); assert_int_equal(c, 208);
    assert_int_equal(theme_parse_color("256", &c), -1);
    assert_int_equal(theme_parse_color("12x", &c), -1);
    assert_int_equal(theme_parse_color("purple", &c), -1);
    assert_int_equal(theme_parse_color("bright-", &c), -1);
    assert_int_equal(theme_parse_color("", &c), -1);
}

static void test_styles(void **state)
{
    (void)state;
    theme_style st;
    char err[200];
    assert_int_equal(theme_parse_style("red,blue", &st, err, sizeof err), 0);
    assert_int_equal(st.fg, 1); assert_int_equal(st.bg, 4); assert_int_equal(st.attrs, 0);
    assert_int_equal(theme_parse_style(" bright-green , default , bold+underline ", &st, err, sizeof err), 0);
    assert_int_equal(st.fg, 10); assert_int_equal(st.bg, -1);
    assert_int_equal(st.attrs, THEME_BOLD | THEME_UNDERLINE);
    assert_int_equal(theme_parse_style("default,default,reverse dim", &st, err, sizeof err), 0);
    assert_int_equal(st.attrs, THEME_REVERSE | THEME_DIM);
    assert_int_equal(theme_parse_style("red", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "fg,bg"));
    assert_int_equal(theme_parse_style("red,blue,blink", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "blink"));
    assert_int_equal(theme_parse_style("red,blue,bold,x", &st, err, sizeof err), -1);
    assert_int_equal(theme_parse_style("red,nocolour", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "nocolour"));
}

static void test_roles(void **state)
{
    (void)state;
    for (int i = 0; i < ROLE__COUNT; i++) {
        const char *n = theme_role_name((ui_role)i);
        assert_true(n[0] && n[0] != '?');
        assert_int_equal(theme_role_find(n), i);
    }
    assert_int_equal(theme_role_find("nope"), -1);
    /* a theme's names reach the roles drawing code asks for */
    assert_int_equal(theme_role_find("thinking"), ROLE_THINKING);
    assert_int_equal(theme_role_find("answer"), ROLE_ANSWER);
    assert_int_equal(theme_role_find("vote_bar"), ROLE_VOTE_BAR);
    assert_int_equal(theme_role_find("node_pruned"), ROLE_NODE_PRUNED);
    /* the roles the brief names all exist */
    const char *need[] = { "normal", "border", "title", "thinking", "answer", "answer_big",
        "vote_bar", "vote_leader", "status", "status_error", "spinner", "input", "help",
        "node_chosen", "node_pruned", "tab_active", "error", "notice" };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        assert_true(theme_role_find(need[i]) >= 0);
}

static void test_parse_string(void **state)
{
    (void)state;
    theme t, def;
    char err[300] = "";
    theme_builtin(&def);
    assert_int_equal(theme_parse_string(&t,
        "; a comment\n[theme]\nname = tiny\n[colors]\ntitle = red,default,bold\n", "x", err, sizeof err), 0);
    assert_string_equal(t.name, "tiny");
    assert_int_equal(t.s[ROLE_TITLE].fg, 1);
    assert_int_equal(t.s[ROLE_TITLE].attrs, THEME_BOLD);
    /* roles left out keep the built-in default */
    assert_memory_equal(&t.s[ROLE_BORDER], &def.s[ROLE_BORDER], sizeof(theme_style));

    assert_int_equal(theme_parse_string(&t, "[colors]\nnormal = default,default\nbogus = red,blue\n",
                                        "my.theme", err, sizeof err), -1);
    assert_string_equal(err, "my.theme:3: unknown role 'bogus'");
    assert_memory_equal(t.s, def.s, sizeof t.s);     /* fell back whole */

    assert_int_equal(theme_parse_string(&t, "[colors]\n\n\ntitle = red\n", "f", err, sizeof err), -1);
    assert_non_null(strstr(err, "f:4: "));
    assert_non_null(strstr(err, "title"));

    assert_int_equal(theme_parse_string(&t, "[colours]\ntitle = red,blue,bold\n[weird]\nx=1\n", "f", err, sizeof err), -1);
    assert_non_null(strstr(err, "f:4: unknown section [weird]"));

    assert_int_equal(theme_parse_string(&t, "[colors]\nthis line has no equals sign\n", "f", err, sizeof err), -1);
    assert_non_null(strstr(err, "f:2:"));
}

static void test_shipped_files(void **state)
{
    (void)state;
    char path[1024], err[300];
    theme t, b;
    data_path(path, sizeof path, "default.theme");
    assert_int_equal(theme_parse_file(&t, path, err, sizeof err), 0);
    theme_builtin(&b);
    assert_memory_equal(t.s, b.s, sizeof t.s);      /* file and built-in agree */
    assert_string_equal(t.name, "default");

    data_path(path, sizeof path, "mono.theme");
    assert_int_equal(theme_parse_file(&t, path, err, sizeof err), 0);
    theme_builtin_mono(&b);
    assert_memory_equal(t.s, b.s, sizeof t.s);
    for (int i = 0; i < ROLE__COUNT; i++) {         /* mono: no colour at all */
        assert_int_equal(t.s[i].fg, -1);
        assert_int_equal(t.s[i].bg, -1);
    }

    data_path(path, sizeof path, "light.theme");
    assert_int_equal(theme_parse_file(&t, path, err, sizeof err), 0);
    assert_string_equal(t.name, "light");
}

static void test_files_and_lookup(void **state)
{
    (void)state;
    char dir[] = "/tmp/ponder-theme-XXXXXX", path[1200], msg[400], cwd[1024];
    theme t, def;
    FILE *f;
    assert_non_null(mkdtemp(dir));
    assert_non_null(getcwd(cwd, sizeof cwd));
    theme_builtin(&def);

    /* a file that cannot be read */
    snprintf(path, sizeof path, "%s/missing.theme", dir);
    assert_int_equal(theme_parse_file(&t, path, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "missing.theme"));

    /* a bad file: file:line message, built-in default */
    snprintf(path, sizeof path, "%s/bad.theme", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[colors]\nnormal = default,default\ntitle = ultraviolet,default\n", f);
    fclose(f);
    unsetenv("NO_COLOR");
    assert_int_equal(theme_load(&t, path, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "bad.theme:3: unknown colour 'ultraviolet'"));
    assert_memory_equal(t.s, def.s, sizeof t.s);

    /* NAME found under $XDG_CONFIG_HOME/ponder/themes */
    snprintf(path, sizeof path, "%s/ponder", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/ponder/themes", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/ponder/themes/mine.theme", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[theme]\nname = mine\n[colors]\nanswer_big = magenta,default,bold\n", f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_int_equal(chdir(dir), 0);                /* no ./themes here */
    assert_int_equal(theme_find("mine", path, sizeof path), 0);
    assert_non_null(strstr(path, "/ponder/themes/mine.theme"));
    assert_int_equal(theme_load(&t, "mine", msg, sizeof msg), 0);
    assert_string_equal(t.name, "mine");
    assert_int_equal(t.s[ROLE_ANSWER_BIG].fg, 5);

    /* an unknown name: a message and the built-in default */
    assert_int_equal(theme_load(&t, "no-such-theme", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "no-such-theme"));
    assert_memory_equal(t.s, def.s, sizeof t.s);
    /* "default" and "" never complain, even with no files installed */
    assert_int_equal(theme_load(&t, "", msg, sizeof msg), 0);
    assert_int_equal(theme_load(&t, "default", msg, sizeof msg), 0);

    /* NO_COLOR (non-empty) forces mono, whatever was asked for */
    setenv("NO_COLOR", "1", 1);
    assert_int_equal(theme_load(&t, "mine", msg, sizeof msg), 0);
    for (int i = 0; i < ROLE__COUNT; i++) assert_int_equal(t.s[i].fg, -1);
    setenv("NO_COLOR", "", 1);                      /* empty: ignored */
    assert_int_equal(theme_load(&t, "mine", msg, sizeof msg), 0);
    assert_string_equal(t.name, "mine");
    unsetenv("NO_COLOR");

    assert_int_equal(chdir(cwd), 0);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_styles),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_parse_string),
        cmocka_unit_test(test_shipped_files),
        cmocka_unit_test(test_files_and_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
