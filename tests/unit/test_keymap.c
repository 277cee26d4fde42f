/* test_keymap: the key table, its lookups and the help text made from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/curses.h"
#include "ui/keymap.h"

static void test_lookup(void **state)
{
    (void)state;
    assert_int_equal(keymap_lookup(KM_FN(KEY_F(1)), 0), ACT_HELP);
    assert_int_equal(keymap_lookup('?', 1), ACT_HELP);
    assert_int_equal(keymap_lookup('?', 0), ACT_NONE);       /* typed into a problem */
    assert_int_equal(keymap_lookup('\r', 0), ACT_SUBMIT);
    assert_int_equal(keymap_lookup(KM_FN(KEY_ENTER), 1), ACT_SUBMIT);
    assert_int_equal(keymap_lookup(27, 0), ACT_CANCEL);
    assert_int_equal(keymap_lookup(KM_CTRL('c'), 0), ACT_INTERRUPT);
    assert_int_equal(keymap_lookup(KM_CTRL('d'), 1), ACT_QUIT);
    assert_int_equal(keymap_lookup(KM_CTRL('d'), 0), ACT_NONE); /* readline's delete-char */
    assert_int_equal(keymap_lookup('\t', 0), ACT_NEXT_SAMPLE);
    assert_int_equal(keymap_lookup(KM_FN(KEY_BTAB), 0), ACT_PREV_SAMPLE);
    assert_int_equal(keymap_lookup(KM_FN(KEY_LEFT), 1), ACT_PREV_SAMPLE);
    assert_int_equal(keymap_lookup(KM_FN(KEY_LEFT), 0), ACT_NONE);  /* moves the cursor */
    assert_int_equal(keymap_lookup(KM_FN(KEY_RIGHT), 1), ACT_NEXT_SAMPLE);
    assert_int_equal(keymap_lookup(KM_FN(KEY_PPAGE), 0), ACT_PAGE_UP);
    assert_int_equal(keymap_lookup(KM_FN(KEY_NPAGE), 0), ACT_PAGE_DOWN);
    assert_int_equal(keymap_lookup(KM_CTRL('s'), 0), ACT_STRATEGY);
    assert_int_equal(keymap_lookup(KM_CTRL('y'), 0), ACT_COPY);
    assert_int_equal(keymap_lookup(KM_CTRL('p'), 0), ACT_PROMPT);
    assert_int_equal(keymap_lookup(KM_CTRL('o'), 0), ACT_NEXT_TAB);
    assert_int_equal(keymap_lookup('+', 1), ACT_N_UP);
    assert_int_equal(keymap_lookup('+', 0), ACT_NONE);
    assert_int_equal(keymap_lookup(KM_FN(KEY_F(6)), 0), ACT_N_UP);
    assert_int_equal(keymap_lookup(KM_FN(KEY_F(7)), 0), ACT_T_DOWN);
    /* ordinary typing and line editing go to readline */
    assert_int_equal(keymap_lookup('a', 1), ACT_NONE);
    assert_int_equal(keymap_lookup('4', 1), ACT_NONE);
    assert_int_equal(keymap_lookup(0x00e9, 1), ACT_NONE);      /* é */
    assert_int_equal(keymap_lookup(0x0109, 1), ACT_NONE);      /* ĉ: not a curses key code */
    assert_int_equal(keymap_lookup(KM_CTRL('a'), 0), ACT_NONE);
    assert_int_equal(keymap_lookup(KM_CTRL('k'), 0), ACT_NONE);
    assert_int_equal(keymap_lookup(KM_CTRL('w'), 0), ACT_NONE);
    assert_int_equal(keymap_lookup(KM_ALT('b'), 0), ACT_NONE);
}

/* Typing a problem is never interrupted: a printable key acts only on an
 * empty line; and no key is bound twice for the same condition. */
static void test_table_sane(void **state)
{
    (void)state;
    int n = keymap_count();
    assert_true(n > 10);
    assert_null(keymap_at(n));
    for (int i = 0; i < n; i++) {
        const keymap_entry *e = keymap_at(i);
        assert_non_null(e->name);
        assert_true(e->name[0]);
        assert_true(e->act > ACT_NONE && e->act < ACT__COUNT);
        if (e->key >= 0x20 && e->key < 0x1000000 && e->key != 0x7f)
            assert_true(e->when == KM_EMPTY || e->when == KM_TREE || e->when == KM_REPLAY);
        for (int j = 0; j < i; j++) {
            const keymap_entry *f = keymap_at(j);
            if (f->key != e->key) continue;
            /* the tree's keys are a layer of their own */
            if ((f->when == KM_TREE) != (e->when == KM_TREE)) continue;
            /* and so are the replay's */
            if ((f->when == KM_REPLAY) != (e->when == KM_REPLAY)) continue;
            /* same key twice: only allowed if it is the same action, and an
             * earlier KM_ANY binding would shadow any later one */
            assert_int_equal(f->act, e->act);
        }
    }
}

static void test_every_action_documented(void **state)
{
    (void)state;
    for (int a = ACT_NONE + 1; a < ACT__COUNT; a++) {
        char keys[128];
        assert_true(strlen(keymap_action_help((ui_action)a)) > 5);
        assert_true(keymap_keys_for((ui_action)a, keys, sizeof keys) > 0);
        assert_true(keymap_first_key((ui_action)a)[0]);
    }
}

static void test_help_keys(void **state)
{
    (void)state;
    char buf[128];
    keymap_keys_for(ACT_HELP, buf, sizeof buf);
    assert_string_equal(buf, "F1, (?)");
    keymap_keys_for(ACT_SUBMIT, buf, sizeof buf);
    assert_string_equal(buf, "Enter");                       /* three codes, one name */
    keymap_keys_for(ACT_NEXT_SAMPLE, buf, sizeof buf);
    assert_string_equal(buf, "Tab, (Right)");
    keymap_keys_for(ACT_THINK, buf, sizeof buf);
    assert_string_equal(buf, "F11, (*)");                  /* was "F11, **" */
    assert_string_equal(keymap_first_key(ACT_HELP), "F1");
    /* a short buffer is cut, still terminated */
    size_t len = keymap_keys_for(ACT_NEXT_SAMPLE, buf, 5);
    assert_true(len < 5);
    assert_int_equal(strlen(buf), len);
}

/* The help overlay's rows: every action once, pairs merged. */
static void test_help_rows(void **state)
{
    (void)state;
    char keys[128], all[4096] = "";
    const char *help;
    int rows = 0;
    while (keymap_help_row(rows, keys, sizeof keys, &help)) {
        assert_true(keys[0]);
        assert_true(strlen(help) > 5);
        strcat(all, keys);
        strcat(all, "|");
        rows++;
    }
    assert_true(rows < ACT__COUNT - 1);             /* some were paired */
    assert_non_null(strstr(all, "F5/F6, (-/+)|"));
    assert_non_null(strstr(all, "F11, (*)|"));
    assert_null(strstr(all, "**"));
    assert_non_null(strstr(all, "Tab/Shift-Tab, (Right/Left)|"));
    assert_non_null(strstr(all, "PgUp/PgDn|"));
    /* every key name of the table shows up somewhere */
    for (int i = 0; i < keymap_count(); i++)
        assert_non_null(strstr(all, keymap_at(i)->name));
    assert_int_equal(keymap_help_row(rows, keys, sizeof keys, &help), 0);
}

/* Tree focus: its own keys first, then the rest as on an empty line. */
static void test_tree_lookup(void **state)
{
    (void)state;
    assert_int_equal(keymap_lookup(KM_CTRL('t'), 0), ACT_TREE_FOCUS);
    assert_int_equal(keymap_lookup(KM_FN(KEY_F(9)), 0), ACT_TREE_FOCUS);
    assert_int_equal(keymap_lookup('j', 1), ACT_NONE);          /* typed, not a tree move */
    assert_int_equal(keymap_lookup(27, 0), ACT_CANCEL);
    assert_int_equal(keymap_lookup_in('j', 0, 1), ACT_TREE_DOWN);
    assert_int_equal(keymap_lookup_in(KM_FN(KEY_UP), 0, 1), ACT_TREE_UP);
    assert_int_equal(keymap_lookup_in('h', 0, 1), ACT_TREE_PARENT);
    assert_int_equal(keymap_lookup_in(KM_FN(KEY_RIGHT), 1, 1), ACT_TREE_CHILD);
    assert_int_equal(keymap_lookup_in('>', 0, 1), ACT_TREE_NEXT_SIBLING);
    assert_int_equal(keymap_lookup_in(KM_FN(KEY_NPAGE), 0, 1), ACT_TREE_PAGE_DOWN);
    assert_int_equal(keymap_lookup_in(KM_FN(KEY_HOME), 0, 1), ACT_TREE_HOME);
    assert_int_equal(keymap_lookup_in('\r', 0, 1), ACT_TREE_PATH);
    assert_int_equal(keymap_lookup_in('c', 0, 1), ACT_TREE_COLLAPSE);
    assert_int_equal(keymap_lookup_in('/', 0, 1), ACT_TREE_SEARCH);
    assert_int_equal(keymap_lookup_in('v', 0, 1), ACT_TREE_COMPACT);
    assert_int_equal(keymap_lookup_in('e', 0, 1), ACT_TREE_EXPORT_DOT);
    assert_int_equal(keymap_lookup_in('E', 0, 1), ACT_TREE_EXPORT_JSON);
    assert_int_equal(keymap_lookup_in(27, 0, 1), ACT_TREE_LEAVE);
    assert_int_equal(keymap_lookup_in(KM_CTRL('t'), 0, 1), ACT_TREE_FOCUS);
    assert_int_equal(keymap_lookup_in(KM_CTRL('c'), 0, 1), ACT_INTERRUPT);
    assert_int_equal(keymap_lookup_in('?', 0, 1), ACT_HELP);   /* nothing types into the line */
    assert_int_equal(keymap_lookup_in('\t', 0, 1), ACT_NEXT_SAMPLE);
    assert_int_equal(keymap_lookup_in('j', 1, 0), ACT_NONE);
}

/* Replay keys act only in `ponder replay`, and never take a letter that is
 * being typed; the tree's own keys come first; markdown export is global. */
static void test_replay_and_markdown_keys(void **state)
{
    (void)state;
    assert_int_equal(keymap_lookup('n', 1), ACT_NONE);          /* a live session types it */
    assert_int_equal(keymap_lookup_in('p', 1, 0), ACT_NONE);
    assert_int_equal(keymap_lookup_mode('n', 1, 0, 0), ACT_NONE);
    assert_int_equal(keymap_lookup_mode('n', 1, 0, 1), ACT_REPLAY_STEP);
    assert_int_equal(keymap_lookup_mode('n', 0, 0, 1), ACT_NONE);  /* typed on the line */
    assert_int_equal(keymap_lookup_mode('N', 1, 0, 1), ACT_REPLAY_NODE);
    assert_int_equal(keymap_lookup_mode('p', 1, 0, 1), ACT_REPLAY_PAUSE);
    assert_int_equal(keymap_lookup_mode(' ', 1, 0, 1), ACT_REPLAY_PAUSE);
    assert_int_equal(keymap_lookup_mode(' ', 0, 1, 1), ACT_TREE_COLLAPSE);
    assert_int_equal(keymap_lookup_mode('n', 0, 1, 1), ACT_REPLAY_STEP);
    assert_int_equal(keymap_lookup_mode('j', 0, 1, 1), ACT_TREE_DOWN);
    assert_int_equal(keymap_lookup_mode('?', 1, 0, 1), ACT_HELP);
    assert_int_equal(keymap_lookup_in('m', 0, 1), ACT_TREE_EXPORT_MD);
    assert_int_equal(keymap_lookup('m', 1), ACT_NONE);
    assert_int_equal(keymap_lookup(KM_ALT('m'), 0), ACT_EXPORT_MD);
    /* F11 and F12: the thinking setting, and opening folded thinking */
    assert_int_equal(keymap_lookup(KM_FN(KEY_F(11)), 0), ACT_THINK);
    assert_int_equal(keymap_lookup(KM_FN(KEY_F(12)), 0), ACT_THINK_OPEN);
    assert_int_equal(keymap_lookup('*', 1), ACT_THINK);
    assert_int_equal(keymap_lookup('*', 0), ACT_NONE);        /* typed into a problem */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_table_sane),
        cmocka_unit_test(test_every_action_documented),
        cmocka_unit_test(test_help_keys),
        cmocka_unit_test(test_help_rows),
        cmocka_unit_test(test_tree_lookup),
        cmocka_unit_test(test_replay_and_markdown_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
