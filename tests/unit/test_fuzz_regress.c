/* Replays every fuzz input kept in the tree through the fuzz targets'
 * own functions (tests/fuzz/fuzz_*.c), so `make test` and `make asan`
 * cover them: the regression inputs in tests/fuzz/regress/TARGET/ (each
 * once crashed a target, or is a tricky case written by hand) and the
 * seed corpora in tests/fuzz/corpus/TARGET/. One test per target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

typedef struct {
    const char *name;
    void (*run)(const uint8_t *d, size_t n);
} target;

static const target TARGETS[] = {
    { "sse", fuzz_sse },             { "ndjson", fuzz_ndjson },
    { "openai", fuzz_openai },       { "ollama", fuzz_ollama },
    { "answer", fuzz_answer },       { "stepcheck", fuzz_stepcheck },
    { "game24", fuzz_game24 },       { "config", fuzz_config },
    { "theme", fuzz_theme },         { "events", fuzz_events },
    { "anthropic", fuzz_anthropic },
};

/* Reads a whole file; caller frees. */
static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t k;
    while ((k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    *n = len;
    return buf;
}

/* Runs every file in dir through t; returns how many. */
static int replay_dir(const target *t, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n;
        uint8_t *buf = slurp(path, &n);
        t->run(buf, n);
        free(buf);
        count++;
    }
    closedir(d);
    return count;
}

static void test_replay(void **state)
{
    const target *t = *state;
    char dir[256];
    snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", t->name);
    int regress = replay_dir(t, dir);
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", t->name);
    int seeds = replay_dir(t, dir);
    assert_true(regress > 0);
    assert_true(seeds > 0);
    /* Every target also takes the empty input and a single byte. */
    t->run((const uint8_t *)"", 0);
    t->run((const uint8_t *)"\xff", 1);
}

/* Named after its target, so a failure says which one. */
#define REPLAY(i) { .name = TARGETS[i].name, .test_func = test_replay, \
                    .initial_state = (void *)&TARGETS[i] }

int main(void)
{
    const struct CMUnitTest tests[] = {
        REPLAY(0), REPLAY(1), REPLAY(2), REPLAY(3), REPLAY(4),
        REPLAY(5), REPLAY(6), REPLAY(7), REPLAY(8), REPLAY(9), REPLAY(10),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
