/* test_ui_input: the problem line (readline through its callback
 * interface, never touching a terminal) and its history file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "ui/curses.h"
#include "ui/input.h"
#include "ui/keymap.h"

static char submitted[INPUT_MAX + 1];
static int n_submitted;

static void on_submit(void *ud, const char *line)
{
    (void)ud;
    snprintf(submitted, sizeof submitted, "%s", line);
    n_submitted++;
}

static void type(const char *s)
{
    char msg[200];
    for (; *s; s++) input_key((unsigned char)*s, msg, sizeof msg);
}

static char *slurp(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "r");
    size_t n;
    if (!f) return NULL;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_editing_and_history(void **state)
{
    (void)state;
    char dir[] = "/tmp/ponder-input-XXXXXX", path[256], msg[300] = "", cmd[300];
    FILE *f;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/history", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("an old problem\n", f);
    fputs("bad \x01 control\n", f);                  /* unreadable: skipped */
    for (int i = 0; i < INPUT_MAX + 10; i++) fputc('x', f);
    fputs("\nanother old one\n", f);
    fclose(f);

    assert_int_equal(input_init(dir, on_submit, NULL, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "skipped 2 unreadable lines"));
    assert_true(input_empty());
    assert_string_equal(input_prompt(), "problem> ");

    type("abc");
    assert_string_equal(input_text(), "abc");
    assert_int_equal(input_point(), 3);
    input_key(KM_CTRL('a'), msg, sizeof msg);
    type("x");
    assert_string_equal(input_text(), "xabc");
    assert_int_equal(input_point(), 1);
    input_key(KM_FN(KEY_END), msg, sizeof msg);
    input_key(KM_FN(KEY_BACKSPACE), msg, sizeof msg);
    assert_string_equal(input_text(), "xab");
    input_key(KM_ALT('b'), msg, sizeof msg);
    assert_int_equal(input_point(), 0);
    input_key(KM_CTRL('k'), msg, sizeof msg);
    assert_true(input_empty());
    /* wide characters go in whole */
    input_key(0xe9, msg, sizeof msg);               /* é */
    input_key(0x4e2d, msg, sizeof msg);             /* 中 */
    assert_string_equal(input_text(), "\xc3\xa9\xe4\xb8\xad");
    input_key(KM_FN(KEY_LEFT), msg, sizeof msg);
    assert_int_equal(input_point(), 2);
    input_key(KM_FN(KEY_DC), msg, sizeof msg);
    assert_string_equal(input_text(), "\xc3\xa9");
    /* control bytes that are not editing keys never land in the line */
    input_key(27, msg, sizeof msg);
    input_key(0x85, msg, sizeof msg);
    assert_string_equal(input_text(), "\xc3\xa9");

    input_submit();
    assert_int_equal(n_submitted, 1);
    assert_string_equal(submitted, "\xc3\xa9");
    assert_true(input_empty());
    assert_int_equal(input_history_add(submitted, msg, sizeof msg), 0);
    /* the file was rewritten: old good lines kept, bad ones gone */
    {
        const char *h = slurp(path);
        assert_non_null(h);
        assert_string_equal(h, "an old problem\nanother old one\n\xc3\xa9\n");
    }
    /* Up walks the history */
    input_key(KM_FN(KEY_UP), msg, sizeof msg);
    assert_string_equal(input_text(), "\xc3\xa9");
    input_key(KM_FN(KEY_UP), msg, sizeof msg);
    assert_string_equal(input_text(), "another old one");
    input_key(KM_FN(KEY_DOWN), msg, sizeof msg);
    input_key(KM_FN(KEY_DOWN), msg, sizeof msg);
    input_clear();
    assert_true(input_empty());
    input_done();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_limits_and_paste(void **state)
{
    (void)state;
    char msg[300] = "", *big = malloc(INPUT_MAX + 100);
    assert_int_equal(input_init(NULL, on_submit, NULL, msg, sizeof msg), 0);
    assert_string_equal(msg, "");

    memset(big, 'y', INPUT_MAX + 99);
    big[INPUT_MAX + 99] = 0;
    assert_int_equal(input_paste(big, INPUT_MAX + 99, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "paste refused"));
    assert_true(input_empty());                     /* refused whole */

    assert_int_equal(input_paste("two\nlines\tand\x1b[31m colour\r\n", 28, msg, sizeof msg), 0);
    assert_string_equal(input_text(), "two lines and[31m colour");
    input_clear();

    /* typing stops at the limit, with a message */
    assert_int_equal(input_paste(big, INPUT_MAX, msg, sizeof msg), 0);
    msg[0] = 0;
    assert_int_equal(input_key('z', msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "full"));
    assert_int_equal(strlen(input_text()), INPUT_MAX);
    input_clear();

    /* Ctrl-D on an empty line is left to the keymap (no EOF inside readline) */
    input_key(KM_CTRL('d'), msg, sizeof msg);
    assert_true(input_empty());
    type("  ");
    input_submit();
    input_done();
    free(big);
}

static void test_unreadable_history(void **state)
{
    (void)state;
    char dir[] = "/tmp/ponder-input-XXXXXX", path[256], msg[300] = "", cmd[300];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/history", dir);
    assert_int_equal(mkdir(path, 0700), 0);         /* a directory where the file should be */
    assert_int_equal(input_init(dir, on_submit, NULL, msg, sizeof msg), 0);
    assert_non_null(strstr(msg, "history"));
    msg[0] = 0;
    assert_int_equal(input_history_add("a problem", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "history not saved"));
    input_done();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_editing_and_history),
        cmocka_unit_test(test_limits_and_paste),
        cmocka_unit_test(test_unreadable_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
