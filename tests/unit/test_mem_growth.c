/* test_mem_growth: memory does not grow across repeated runs. Each HTTP
 * backend runs RUNS batches of SAMPLES concurrent samples on one model
 * (one curl multi handle, kept across runs as the TUI keeps it); the
 * resident set after run WARM and after the last may differ by at most
 * BOUND_KB. A memory assertion, not a timing one; `make bench` runs the
 * long version (20 runs of 64 samples, tests/bench/bench_load.c).
 *
 * Under ASan freed blocks wait in a quarantine that would look like
 * growth, so this program asks for none (__asan_default_options). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "models/model.h"
#include "tests/fixtures/model_rec.h"

#define RUNS 12
#define WARM 4
#define SAMPLES 16
#define BOUND_KB 2048

#ifdef __SANITIZE_ADDRESS__
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=0";
}
#endif

typedef struct {
    int ok, failed;
} counts;

static void count_done(void *ud, int req, int sample, const model_result *r)
{
    counts *c = ud;
    (void)req; (void)sample;
    if (r->finish == FINISH_STOP)
        c->ok++;
    else
        c->failed++;
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%ld %ld", &pages, &resident), 2);
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void runs_on(const char *spec, const char *suffix)
{
    char url[128], err[512];
    snprintf(url, sizeof url, "%s%s", srv.base, suffix);
    model_config cfg = { .spec = spec, .base_url = url, .max_retries = -1,
                         .idle_timeout_s = 10, .native_n = NATIVE_N_NO };
    model *m = model_open(&cfg, err, sizeof err);
    if (!m)
        fail_msg("model_open(%s): %s", spec, err);
    prompt p = chat_prompt();
    model_request rq = request(&p, SAMPLES);
    long warm = 0, last = 0;
    for (int i = 1; i <= RUNS; i++) {
        counts c = { 0, 0 };
        model_sink sink = { .ud = &c, .on_done = count_done };
        assert_int_equal(model_generate(m, &rq, 1, &sink, NULL), 0);
        assert_int_equal(c.ok, SAMPLES);
        last = rss_kb();
        if (i == WARM)
            warm = last;
    }
    model_close(m);
    printf("%s: RSS %ld KB after run %d, %ld KB after run %d (%+ld KB)\n", spec, warm,
           WARM, last, RUNS, last - warm);
    if (last - warm > BOUND_KB)
        fail_msg("%s: RSS grew %ld KB from run %d to run %d (bound %d KB)", spec,
                 last - warm, WARM, RUNS, BOUND_KB);
}

static void test_openai(void **st)
{
    (void)st;
    runs_on("openai:cot", "/v1");
}

static void test_ollama(void **st)
{
    (void)st;
    runs_on("ollama:cot", "");
}

static void test_anthropic(void **st)
{
    (void)st;
    runs_on("anthropic:cot", "");
}

static int group_setup(void **st)
{
    (void)st;
    signal(SIGPIPE, SIG_IGN);
    unsetenv("OPENAI_API_KEY");
    unsetenv("ANTHROPIC_API_KEY");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return fixture_start(&srv, NULL);
}

static int group_teardown(void **st)
{
    (void)st;
    fixture_stop(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openai),
        cmocka_unit_test(test_ollama),
        cmocka_unit_test(test_anthropic),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
