/* test_lm_weights.c: the weights file round-trips, and every broken file gives
 * a clear message instead of a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <omp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm/gpt.h"
#include "lm/lm.h"
#include "lm/vocab.h"
#include "lm/weights.h"

static char path[64], bad[64];
static size_t file_len;

static int setup(void **state)
{
    (void)state;
    lm_vocab v;
    if (lm_vocab_build(&v)) return -1;
    lm_config c = { v.n, 32, 16, 1, 2, 32 };
    size_t n = lm_param_sizes(&c, (size_t[P_NUM]){ 0 });
    float *p = malloc(n * sizeof *p);
    lm_params_init(p, &c, 3);
    snprintf(path, sizeof path, "/tmp/test_lm_weights.%d.bin", (int)getpid());
    snprintf(bad, sizeof bad, "/tmp/test_lm_weights.%d.bad", (int)getpid());
    char err[256];
    int rc = lm_weights_save(path, &c, &v, p, err, sizeof err);
    free(p);
    lm_vocab_done(&v);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    file_len = (size_t)ftell(f);
    fclose(f);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unlink(bad);
    return 0;
}

/* Writes a copy of the good file cut to len bytes with one byte xor'd at flip. */
static void write_bad(size_t len, long flip)
{
    FILE *in = fopen(path, "rb"), *out = fopen(bad, "wb");
    assert_non_null(in);
    assert_non_null(out);
    unsigned char *b = malloc(file_len);
    assert_int_equal(fread(b, 1, file_len, in), file_len);
    if (flip >= 0) b[flip] ^= 0x40;
    fwrite(b, 1, len, out);
    free(b);
    fclose(in);
    fclose(out);
}

static void expect_error(const char *want)
{
    char err[256] = "";
    lm_model *m = lm_load(bad, err, sizeof err);
    assert_null(m);
    if (!strstr(err, want)) fail_msg("message \"%s\" lacks \"%s\"", err, want);
    assert_null(strchr(err, '\n'));
}

static void test_round_trip(void **state)
{
    (void)state;
    char err[256];
    lm_model *m = lm_load(path, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(lm_ctx_len(m), 32);
    char piece[32];
    lm_token_piece(m, 2, piece, sizeof piece);
    assert_string_equal(piece, "");
    lm_free(m);
}

static void test_missing(void **state)
{
    (void)state;
    char err[256];
    assert_null(lm_load("/nonexistent/ponder-tiny.bin", err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
}

static void test_truncated(void **state)
{
    (void)state;
    write_bad(file_len - 100, -1);
    expect_error("truncated");
    write_bad(20, -1);
    expect_error("truncated");
    write_bad(0, -1);
    expect_error("truncated");
}

static void test_corrupt(void **state)
{
    (void)state;
    write_bad(file_len, (long)file_len - 500);   /* a tensor byte */
    expect_error("checksum");
    write_bad(file_len, 100);                    /* a vocabulary byte */
    expect_error("checksum");
    write_bad(file_len, 0);
    expect_error("not a ponder model");
    write_bad(file_len, 8);
    expect_error("version");
}

int main(void)
{
    omp_set_num_threads(1);  /* tiny sizes; and the suite may share the CPU */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_missing),
        cmocka_unit_test(test_truncated), cmocka_unit_test(test_corrupt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
