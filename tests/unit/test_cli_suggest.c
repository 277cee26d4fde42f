/* test_cli_suggest: an unknown command word gets the command it looks
 * like ("rnus" -> runs), and a problem typed without `solve` gets solve. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/cli.h"
#include "app/config.h"

static const char *err_for(const char *word)
{
    static char err[256];
    app_config cfg;
    cli_args a;
    char *argv[] = { "ponder", (char *)word, NULL };
    config_defaults(&cfg);
    err[0] = 0;
    assert_int_equal(cli_parse(2, argv, &cfg, &a, err, sizeof err), 2);
    return err;
}

static void test_typos(void **state)
{
    (void)state;
    assert_string_equal(err_for("rnus"), "unknown command 'rnus' (did you mean: ponder runs?)");
    assert_string_equal(err_for("run"), "unknown command 'run' (did you mean: ponder runs?)");
    assert_string_equal(err_for("slove"), "unknown command 'slove' (did you mean: ponder solve?)");
    assert_string_equal(err_for("solv"), "unknown command 'solv' (did you mean: ponder solve?)");
    assert_string_equal(err_for("replya"), "unknown command 'replya' (did you mean: ponder replay?)");
}

/* Nothing like a command: the word is taken for a problem. */
static void test_problems(void **state)
{
    (void)state;
    assert_string_equal(err_for("2+2"), "unknown command '2+2' (did you mean: ponder solve \"2+2\"?)");
    assert_non_null(strstr(err_for("What is 7 times 8?"), "ponder solve \"What is 7 times 8?\""));
    assert_non_null(strstr(err_for("rust"), "ponder solve \"rust\""));   /* 2 of 4 changed */
    assert_non_null(strstr(err_for("x"), "ponder solve \"x\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typos),
        cmocka_unit_test(test_problems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
