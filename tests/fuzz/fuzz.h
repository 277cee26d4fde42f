/* fuzz: the fuzz targets, one per parser (tests/fuzz/fuzz_*.c).
 *
 * Each target is a function that takes one input and runs it through the
 * real code, checking what must always hold. It is deterministic and
 * frees all it allocates. Built with -DFUZZ_LIBFUZZER (make fuzz), each
 * file also defines libFuzzer's entry point; built without it, the cmocka
 * program tests/unit/test_fuzz_regress.c replays the seed corpora and the
 * regression inputs through the same functions. */
#ifndef PONDER_FUZZ_H
#define PONDER_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void fuzz_sse(const uint8_t *d, size_t n);
void fuzz_ndjson(const uint8_t *d, size_t n);
void fuzz_openai(const uint8_t *d, size_t n);
void fuzz_ollama(const uint8_t *d, size_t n);
void fuzz_answer(const uint8_t *d, size_t n);
void fuzz_stepcheck(const uint8_t *d, size_t n);
void fuzz_game24(const uint8_t *d, size_t n);
void fuzz_config(const uint8_t *d, size_t n);
void fuzz_theme(const uint8_t *d, size_t n);
void fuzz_events(const uint8_t *d, size_t n);
void fuzz_anthropic(const uint8_t *d, size_t n);

/* A broken invariant: abort, so libFuzzer keeps the input and a test fails. */
#define FUZZ_CHECK(cond)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,     \
                    __LINE__, #cond);                                       \
            abort();                                                        \
        }                                                                   \
    } while (0)

#ifdef FUZZ_LIBFUZZER
#define FUZZ_ENTRY(fn)                                                      \
    int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);                 \
    int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)                  \
    {                                                                       \
        fn(d, n);                                                           \
        return 0;                                                           \
    }
#else
#define FUZZ_ENTRY(fn)
#endif

/* The input as a NUL-terminated string (an embedded NUL ends it early);
 * caller frees. Aborts when out of memory. */
static inline char *fuzz_str(const uint8_t *d, size_t n)
{
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)d[i];
    s[n] = '\0';
    return s;
}

/* The chunk size a stream target feeds with, from its first input byte:
 * 1..32, or the whole rest at once for 0xFF. */
static inline size_t fuzz_chunk(uint8_t b)
{
    return b == 0xFF ? SIZE_MAX : (size_t)(b % 32) + 1;
}

#endif
