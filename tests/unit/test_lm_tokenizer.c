/* test_lm_tokenizer.c: SPM segmentation, round trips, unknown words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <omp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/curriculum.h"
#include "lm/rng.h"
#include "lm/vocab.h"

static lm_vocab V;

static int setup(void **state)
{
    (void)state;
    return lm_vocab_build(&V);
}

static int teardown(void **state)
{
    (void)state;
    lm_vocab_done(&V);
    return 0;
}

/* Space-joined pieces of text's tokens. */
static void pieces(const char *text, char *out, size_t cap)
{
    int ids[512], n = lm_vocab_tokenize(&V, text, ids, 512, NULL, NULL, 0);
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; i < n && i < 512; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? " " : "", V.piece[ids[i]]);
}

static void test_design_example(void **state)
{
    (void)state;
    char buf[1024];
    pieces("The bakery has 45 croissants.", buf, sizeof buf);
    assert_string_equal(buf, "▁The ▁bakery ▁has ▁ 4 5 ▁croissants .");
    pieces("Let's think step by step. 45 - 12 = 33.", buf, sizeof buf);
    assert_string_equal(buf, "▁Let's ▁think ▁step ▁by ▁step . ▁ 4 5 ▁- ▁ 1 2 ▁= ▁ 3 3 .");
    pieces("Numbers: 4 9 Step: 9 - 4 = 5 (left: 5)", buf, sizeof buf);
    assert_string_equal(buf, "▁Numbers : ▁ 4 ▁ 9 ▁Step : ▁ 9 ▁- ▁ 4 ▁= ▁ 5 ▁(left : ▁ 5 )");
}

static void test_vocabulary_layout(void **state)
{
    (void)state;
    assert_string_equal(V.piece[LM_TOK_UNK], "<unk>");
    assert_string_equal(V.piece[LM_TOK_BOS], "<s>");
    assert_string_equal(V.piece[LM_TOK_EOS], "</s>");
    assert_int_equal(V.byte_tok[0x41], lm_vocab_find(&V, "<0x41>", 6));
    /* every ▁-prefix of a word is present, scored by its length */
    int w = lm_vocab_find(&V, "▁croissants", strlen("▁croissants"));
    assert_true(w >= 0);
    assert_int_equal(V.type[w], LM_TOK_NORMAL);
    int p = lm_vocab_find(&V, "▁croiss", strlen("▁croiss"));
    assert_true(p >= 0);
    assert_int_equal(V.type[p], LM_TOK_PREFIX);
    assert_true(V.score[w] > V.score[p]);
}

/* Every word of the vocabulary segments to exactly its own token. */
static void test_every_word_is_one_token(void **state)
{
    (void)state;
    for (int i = 0; i < V.n; i++) {
        if (V.type[i] != LM_TOK_NORMAL || strncmp(V.piece[i], "▁", 3) || !V.piece[i][3]) continue;
        int ids[64], nu;
        int n = lm_vocab_tokenize(&V, V.piece[i] + 3, ids, 64, &nu, NULL, 0);
        if (n != 1 || ids[0] != i) fail_msg("word %s splits into %d tokens", V.piece[i], n);
        assert_int_equal(nu, 0);
    }
}

/* Reference SPM: repeatedly merge the adjacent pair whose merged piece is in
 * the vocabulary with the highest score, leftmost on ties; then look up each
 * symbol or fall back to bytes. Quadratic, obviously right. */
static int reference(const char *text, int *ids)
{
    char esc[4096];
    size_t m = 0;
    memcpy(esc, "▁", 3); m = 3;
    for (const char *p = text; *p; p++) {
        if (*p == ' ') { memcpy(esc + m, "▁", 3); m += 3; }
        else esc[m++] = *p;
    }
    int start[1024], len[1024], n = 0;
    for (size_t o = 0; o < m;) {
        unsigned char c = (unsigned char)esc[o];
        int l = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if ((size_t)l > m - o) l = (int)(m - o);
        start[n] = (int)o; len[n] = l; n++;
        o += (size_t)l;
    }
    for (;;) {
        int best = -1;
        float bs = 0;
        for (int i = 0; i + 1 < n; i++) {
            int id = lm_vocab_find(&V, esc + start[i], (size_t)(len[i] + len[i + 1]));
            if (id >= 0 && (best < 0 || V.score[id] > bs)) { best = i; bs = V.score[id]; }
        }
        if (best < 0) break;
        len[best] += len[best + 1];
        memmove(start + best + 1, start + best + 2, (size_t)(n - best - 2) * sizeof *start);
        memmove(len + best + 1, len + best + 2, (size_t)(n - best - 2) * sizeof *len);
        n--;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        int id = lm_vocab_find(&V, esc + start[i], (size_t)len[i]);
        if (id >= 0) ids[k++] = id;
        else for (int b = 0; b < len[i]; b++) ids[k++] = V.byte_tok[(unsigned char)esc[start[i] + b]];
    }
    return k;
}

static void check_against_reference(const char *text)
{
    int a[2048], b[2048];
    int na = lm_vocab_tokenize(&V, text, a, 2048, NULL, NULL, 0), nb = reference(text, b);
    if (na != nb || memcmp(a, b, (size_t)na * sizeof *a))
        fail_msg("segmentation differs from the reference for: %s", text);
}

static void test_matches_reference_spm(void **state)
{
    (void)state;
    lm_rng r = { 3 };
    cur_example ex;
    char buf[2 * CUR_TEXT];
    for (int i = 0; i < 300; i++) {
        cur_train_example(&r, &ex);
        snprintf(buf, sizeof buf, "%s%s", ex.prompt, ex.target);
        check_against_reference(buf);
    }
    /* random strings over letters, digits, punctuation, spaces and UTF-8 */
    static const char *const bits[] = { "a", "the", "Th", "e", " ", "  ", "4", ".", "?", "é",
                                        "▁", "bak", "ery", "'s", "(", "left", ":", "zebra", "-" };
    for (int i = 0; i < 2000; i++) {
        size_t k = 0;
        int n = lm_rng_range(&r, 1, 20);
        for (int j = 0; j < n; j++) {
            const char *s = bits[lm_rng_int(&r, (int)(sizeof bits / sizeof bits[0]))];
            memcpy(buf + k, s, strlen(s));
            k += strlen(s);
        }
        buf[k] = 0;
        check_against_reference(buf);
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *texts[] = { "The bakery has 45 croissants.", "A zebra ate 3 café crêpes!",
                            "tabs\tand\nnewlines", "  two  spaces ", "" };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        int ids[256], n = lm_vocab_tokenize(&V, texts[t], ids, 256, NULL, NULL, 0);
        char out[1024] = "", want[1024];
        size_t k = 0;
        for (int i = 0; i < n; i++) k += (size_t)lm_vocab_piece(&V, ids[i], out + k, sizeof out - k);
        snprintf(want, sizeof want, " %s", texts[t]);
        assert_string_equal(out, want);
    }
}

static void test_unknown_words(void **state)
{
    (void)state;
    int ids[256], nu;
    char words[256];
    int n = lm_vocab_tokenize(&V, "A zebra has 45 croissants and a bicycle.", ids, 256, &nu, words,
                              sizeof words);
    assert_true(n > 0);
    assert_int_equal(nu, 2);
    assert_string_equal(words, "zebra bicycle.");
    n = lm_vocab_tokenize(&V, cur_seed_problem, ids, 256, &nu, words, sizeof words);
    assert_int_equal(nu, 0);
    assert_string_equal(words, "");
    /* the max bound: the count is still returned */
    int few[3];
    n = lm_vocab_tokenize(&V, "The bakery has 45 croissants.", few, 3, &nu, NULL, 0);
    assert_int_equal(n, 8);
}

/* The curriculum never produces unknown words. */
static void test_curriculum_in_vocabulary(void **state)
{
    (void)state;
    lm_rng r = { 11 };
    cur_example ex;
    char buf[2 * CUR_TEXT], words[256];
    for (int i = 0; i < 3000; i++) {
        cur_train_example(&r, &ex);
        snprintf(buf, sizeof buf, "%s%s", ex.prompt, ex.target);
        int ids[1024], nu;
        lm_vocab_tokenize(&V, buf, ids, 1024, &nu, words, sizeof words);
        if (nu) fail_msg("unknown words [%s] in: %s", words, buf);
    }
}

int main(void)
{
    omp_set_num_threads(1);  /* tiny sizes; and the suite may share the CPU */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_example), cmocka_unit_test(test_vocabulary_layout),
        cmocka_unit_test(test_every_word_is_one_token), cmocka_unit_test(test_matches_reference_spm),
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_unknown_words),
        cmocka_unit_test(test_curriculum_in_vocabulary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
