/* Tests for app/config.c and app/cli.c: defaults, the INI file with good
 * and bad lines (file:line warnings, defaults kept), and the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cli.h"
#include "tutor/stepcheck.h"
#include "app/config.h"

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ponder-cfg-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_defaults(void **state)
{
    (void)state;
    app_config c;
    config_defaults(&c);
    assert_string_equal(c.model, "builtin");
    assert_string_equal(c.strategy, "sc");
    assert_string_equal(c.strat.name, "sc");
    assert_int_equal(c.strat.n, 0);
    assert_true(c.strat.temperature < 0);
    assert_int_equal(c.strat.seed, -1);
}

static void test_missing_file_is_fine(void **state)
{
    (void)state;
    app_config c;
    config_defaults(&c);
    assert_int_equal(config_load(&c, "/nonexistent/ponder/config.ini"), 0);
    assert_string_equal(c.warning, "");
}

static void test_good_file(void **state)
{
    (void)state;
    char *p = write_tmp("; comment\n[ponder]\nmodel = ollama:qwen3\nstrategy = cot\n"
                        "samples = 7\ntemperature = 0.5\nseed = 42\nearly_stop = yes\n"
                        "[ollama]\nhost = http://10.1.2.3:11434\n"
                        "[network]\nidle_timeout = 2.5\nretries = 1\n");
    app_config c;
    config_defaults(&c);
    assert_int_equal(config_load(&c, p), 0);
    unlink(p);
    assert_string_equal(c.warning, "");
    assert_string_equal(c.model, "ollama:qwen3");
    assert_string_equal(c.strategy, "cot");
    assert_int_equal(c.strat.n, 7);
    assert_true(c.strat.temperature > 0.49 && c.strat.temperature < 0.51);
    assert_int_equal(c.strat.seed, 42);
    assert_int_equal(c.strat.early_stop, 1);
    assert_true(c.idle_timeout_s > 2.4 && c.idle_timeout_s < 2.6);
    assert_int_equal(c.max_retries, 1);
    model_config mc;
    config_model(&c, &mc);
    assert_string_equal(mc.base_url, "http://10.1.2.3:11434");
}

static void test_anthropic_section(void **state)
{
    (void)state;
    char *p = write_tmp("[ponder]\nmodel = anthropic:claude-x\n"
                        "[anthropic]\nbase_url = http://proxy:9/\nkey_env = MY_ANTHROPIC\n");
    app_config c;
    config_defaults(&c);
    assert_int_equal(config_load(&c, p), 0);
    unlink(p);
    assert_string_equal(c.warning, "");
    model_config mc;
    config_model(&c, &mc);
    assert_string_equal(mc.base_url, "http://proxy:9/");
    assert_string_equal(mc.key_env, "MY_ANTHROPIC");
    /* Without key_env the backend's own default, not OPENAI_API_KEY. */
    c.anthropic_key_env[0] = 0;
    config_model(&c, &mc);
    assert_null(mc.key_env);
    snprintf(c.model, sizeof c.model, "openai:gpt");
    config_model(&c, &mc);
    assert_string_equal(mc.key_env, "OPENAI_API_KEY");
}

static void test_bad_value_keeps_default_and_names_line(void **state)
{
    (void)state;
    char *p = write_tmp("[ponder]\nstrategy = cot\nsamples = lots\ntemperature = 0.3\n");
    app_config c;
    config_defaults(&c);
    config_load(&c, p);
    char expect[128];
    snprintf(expect, sizeof expect, "%s:3:", p);
    unlink(p);
    assert_non_null(strstr(c.warning, expect));
    assert_non_null(strstr(c.warning, "samples"));
    assert_int_equal(c.strat.n, 0);                 /* default kept */
    assert_string_equal(c.strategy, "cot");         /* lines around it still apply */
    assert_true(c.strat.temperature > 0.29 && c.strat.temperature < 0.31);
}

static void test_syntax_error(void **state)
{
    (void)state;
    char *p = write_tmp("[ponder\nmodel = builtin\n");
    app_config c;
    config_defaults(&c);
    assert_int_equal(config_load(&c, p), -1);
    unlink(p);
    assert_non_null(strstr(c.warning, ":1:"));
}

/* Keys: from the environment, a key_file or key_env named in config, or
 * api_key in config itself; a key in a file others can read is warned
 * about, with file:line; the key reaches the model config, never the
 * warning text. */
static void test_keys(void **state)
{
    (void)state;
    app_config c;
    model_config mc;
    char kpath[64];
    snprintf(kpath, sizeof kpath, "/tmp/ponder-key-XXXXXX");
    int fd = mkstemp(kpath);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "sk-canary-file-77\n", 18), 18);
    close(fd);
    chmod(kpath, 0600);

    char text[256];
    snprintf(text, sizeof text, "[ponder]\nmodel = openai:gpt\n[openai]\nkey_file = %s\n", kpath);
    char *p = write_tmp(text);
    chmod(p, 0600);
    config_defaults(&c);
    assert_int_equal(config_load(&c, p), 0);
    assert_string_equal(c.warning, "");
    config_model(&c, &mc);
    assert_string_equal(mc.key, "sk-canary-file-77");
    unlink(p);

    /* the key file readable by others: a warning naming the line, not the key */
    chmod(kpath, 0644);
    p = write_tmp(text);
    chmod(p, 0600);
    config_defaults(&c);
    config_load(&c, p);
    assert_non_null(strstr(c.warning, ":4:"));
    assert_non_null(strstr(c.warning, "chmod 600"));
    assert_null(strstr(c.warning, "sk-canary"));
    unlink(p);
    unlink(kpath);

    /* a missing key file: said, and no key */
    p = write_tmp("[openai]\nkey_file = /nonexistent/ponder-key\n");
    config_defaults(&c);
    config_load(&c, p);
    assert_non_null(strstr(c.warning, "key_file /nonexistent/ponder-key"));
    assert_string_equal(c.openai_key, "");
    unlink(p);

    /* api_key in config: fine at 0600, warned at 0644 */
    p = write_tmp("[anthropic]\napi_key = sk-ant-canary-9\n"
                  "key_env = MY_ANT_KEY\nbase_url = http://127.0.0.1:9\n");
    chmod(p, 0600);
    config_defaults(&c);
    assert_int_equal(config_load(&c, p), 0);
    assert_string_equal(c.warning, "");
    snprintf(c.model, sizeof c.model, "anthropic:claude");
    config_model(&c, &mc);
    assert_string_equal(mc.key, "sk-ant-canary-9");
    assert_string_equal(mc.key_env, "MY_ANT_KEY");
    assert_string_equal(mc.base_url, "http://127.0.0.1:9");
    chmod(p, 0644);
    config_defaults(&c);
    config_load(&c, p);
    assert_non_null(strstr(c.warning, ":2:"));
    assert_non_null(strstr(c.warning, "holds an API key"));
    assert_null(strstr(c.warning, "sk-ant"));
    unlink(p);
}

static void test_unknown_model_and_strategy(void **state)
{
    (void)state;
    char *p = write_tmp("[ponder]\nmodel = gpt4\n");
    app_config c;
    config_defaults(&c);
    config_load(&c, p);
    unlink(p);
    assert_string_equal(c.model, "builtin");
    assert_non_null(strstr(c.warning, ":2:"));
}

/* Every warning is kept, one a line, each with its own line number: a
 * world-readable key is not hidden behind an unknown key before it. */
static void test_all_warnings_shown(void **state)
{
    (void)state;
    char *p = write_tmp("[ponder]\ncolour = red\n[openai]\napi_key = sk-canary-7\n");
    app_config c;
    chmod(p, 0644);
    config_defaults(&c);
    config_load(&c, p);
    unlink(p);
    assert_non_null(strstr(c.warning, ":2: unknown key 'colour'"));
    assert_non_null(strstr(c.warning, ":4: this file holds an API key"));
    assert_non_null(strchr(c.warning, '\n'));
    assert_null(strstr(c.warning, "sk-canary"));
    /* printed as two "ponder: warning:" lines */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    config_print_warnings(&c, f);
    fclose(f);
    char *second = strstr(buf, "\nponder: warning: ");
    assert_true(strncmp(buf, "ponder: warning: ", 17) == 0);
    assert_non_null(second);
    assert_non_null(strstr(second, ":4:"));
    free(buf);
}

/* A value longer than inih's line buffer is one line: it is ignored with a
 * warning on its own line number, and later lines keep theirs. */
static void test_long_line_numbers(void **state)
{
    (void)state;
    char text[1200];
    char big[900];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    snprintf(text, sizeof text, "[ponder]\ntheme = %s\nstrategy = tot\nbogus = 1\n", big);
    char *p = write_tmp(text);
    app_config c;
    config_defaults(&c);
    config_load(&c, p);
    unlink(p);
    assert_non_null(strstr(c.warning, ":2: line longer than"));
    assert_non_null(strstr(c.warning, ":4: unknown key 'bogus'"));
    assert_null(strstr(c.warning, "syntax error"));
    assert_string_equal(c.strategy, "tot");
    assert_string_equal(c.theme, "default");
    /* the same through config_parse_string */
    config_defaults(&c);
    config_parse_string(&c, text, "t.ini");
    assert_non_null(strstr(c.warning, "t.ini:4: unknown key 'bogus'"));
}

/* config.ini linked to /dev/zero is read to 64 KB, not forever. */
static void test_endless_config_is_capped(void **state)
{
    (void)state;
    char path[64];
    app_config c;
    snprintf(path, sizeof path, "/tmp/ponder-cfg-zero-%d.ini", (int)getpid());
    unlink(path);
    assert_int_equal(symlink("/dev/zero", path), 0);
    config_defaults(&c);
    config_load(&c, path);
    unlink(path);
    assert_non_null(strstr(c.warning, "longer than 64 KB"));
    assert_string_equal(c.strategy, "sc");
}

static int parse(app_config *c, cli_args *a, char *err, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, err);
    argv[argc++] = "ponder";
    for (char *s; (s = va_arg(ap, char *));)
        argv[argc++] = s;
    va_end(ap);
    argv[argc] = NULL;
    config_defaults(c);
    return cli_parse(argc, argv, c, a, err, 256);
}

static void test_cli_solve(void **state)
{
    (void)state;
    app_config c;
    cli_args a;
    char err[256];
    assert_int_equal(parse(&c, &a, err, "solve", "-m", "openai:gpt-4o-mini", "-s", "sc", "-n", "5",
                           "-t", "0.7", "--seed", "3", "--json", "--early-stop",
                           "--base-url", "http://127.0.0.1:9/v1", "A store has 3 apples.", NULL), 0);
    assert_int_equal(a.cmd, CMD_SOLVE);
    assert_string_equal(a.problem, "A store has 3 apples.");
    assert_string_equal(c.model, "openai:gpt-4o-mini");
    assert_int_equal(c.strat.n, 5);
    assert_int_equal(c.strat.seed, 3);
    assert_int_equal(c.json, 1);
    assert_int_equal(c.strat.early_stop, 1);
    assert_string_equal(c.base_url, "http://127.0.0.1:9/v1");
}

/* The search knobs of DESIGN.md §5, the task and the export file. */
static void test_cli_search(void **state)
{
    (void)state;
    app_config c;
    cli_args a;
    char err[256];
    assert_int_equal(parse(&c, &a, err, "solve", "--task", "24", "-s", "tot", "-k", "6",
                           "--depth", "3", "--value-samples", "2", "--search", "dfs",
                           "--export", "t.dot", "4 9 10 13", NULL), 0);
    assert_int_equal(c.strat.task, TASK_24);
    assert_int_equal(c.strat.k, 6);
    assert_int_equal(c.strat.depth, 3);
    assert_int_equal(c.strat.value_samples, 2);
    assert_int_equal(c.strat.search, SEARCH_DFS);
    assert_string_equal(c.export_path, "t.dot");
    assert_int_equal(parse(&c, &a, err, "-s", "mcts", "--iterations", "40", "--uct-c", "0.5",
                           "--budget", "900", "--verifier", "judge", "--agg", "prod",
                           "--select", "best", NULL), 0);
    assert_int_equal(c.strat.iterations, 40);
    assert_true(c.strat.uct_c == 0.5);
    assert_int_equal(c.strat.token_budget, 900);
    assert_int_equal(c.strat.verifier, VERIFIER_JUDGE);
    assert_int_equal(c.strat.agg, AGG_PROD);
    assert_int_equal(c.strat.weighted, 0);
    /* defaults: the strategy decides (min, weighted) */
    assert_int_equal(parse(&c, &a, err, NULL), 0);
    assert_int_equal(c.strat.agg, -1);
    assert_int_equal(c.strat.weighted, -1);
    assert_int_equal(c.strat.task, TASK_MATH);
    /* bad values name the flag */
    assert_int_equal(parse(&c, &a, err, "--task", "chess", NULL), 2);
    assert_non_null(strstr(err, "--task"));
    assert_int_equal(parse(&c, &a, err, "-k", "0", NULL), 2);
    assert_non_null(strstr(err, "-k"));
    assert_int_equal(parse(&c, &a, err, "--verifier", "oracle", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--agg", "max", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--search", "astar", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--uct-c", "-1", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--iterations", "0", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--export", "", NULL), 2);
}

static void test_cli_errors(void **state)
{
    (void)state;
    app_config c;
    cli_args a;
    char err[256];
    assert_int_equal(parse(&c, &a, err, "-n", "0", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "-n", "ten", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "-t", "9", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "-s", "magic", NULL), 2);
    assert_non_null(strstr(err, "magic"));
    assert_int_equal(parse(&c, &a, err, "--bogus", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "solve", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "solve", "a", "b", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "frobnicate", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "-m", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--base-url", "ftp://x", NULL), 2);
    assert_int_equal(parse(&c, &a, err, "--help", NULL), 0);
    assert_int_equal(a.cmd, CMD_HELP);
    assert_int_equal(parse(&c, &a, err, "--version", NULL), 0);
    assert_int_equal(a.cmd, CMD_VERSION);
    assert_int_equal(parse(&c, &a, err, NULL), 0);
    assert_int_equal(a.cmd, CMD_TUI);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_missing_file_is_fine),
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_anthropic_section),
        cmocka_unit_test(test_bad_value_keeps_default_and_names_line),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_unknown_model_and_strategy),
        cmocka_unit_test(test_cli_solve),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_search),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_all_warnings_shown),
        cmocka_unit_test(test_long_line_numbers),
        cmocka_unit_test(test_endless_config_is_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
