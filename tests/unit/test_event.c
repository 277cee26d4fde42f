/* test_event: names, copies and the JSON Lines form of every event kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "tutor/event.h"
#include "tutor/trace.h"

static void assert_str_eq_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_tally_eq(const tally *a, const tally *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->no_answer, b->no_answer);
    assert_int_equal(a->total, b->total);
    for (int i = 0; i < a->n; i++) {
        assert_string_equal(a->e[i].answer, b->e[i].answer);
        assert_int_equal(a->e[i].count, b->e[i].count);
        assert_true(a->e[i].weight == b->e[i].weight);
    }
    assert_int_equal(a->weighted, b->weighted);
}

static void assert_event_eq(const event *a, const event *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->node, b->node);
    assert_int_equal(a->parent, b->parent);
    assert_int_equal(a->nkind, b->nkind);
    assert_int_equal(a->ch, b->ch);
    assert_int_equal(a->tokens, b->tokens);
    assert_str_eq_null(a->text, b->text);
    assert_str_eq_null(a->answer, b->answer);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->scores.has, b->scores.has);
    assert_true(a->scores.value == b->scores.value);
    assert_true(a->scores.prm == b->scores.prm);
    assert_true(a->scores.orm == b->scores.orm);
    assert_true(a->scores.w == b->scores.w);
    assert_true(a->scores.logprob == b->scores.logprob);
    assert_int_equal(a->scores.visits, b->scores.visits);
    assert_int_equal(a->scores.check, b->scores.check);
    assert_int_equal(a->retryable, b->retryable);
    assert_int_equal(a->has_votes, b->has_votes);
    if (a->has_votes)
        assert_tally_eq(&a->votes, &b->votes);
    assert_str_eq_null(a->strategy, b->strategy);
    assert_str_eq_null(a->model, b->model);
    assert_int_equal(a->n, b->n);
    assert_true(a->temperature == b->temperature);
    assert_true(a->seed == b->seed);
    assert_int_equal(a->task, b->task);
    assert_int_equal(a->tokens_in, b->tokens_in);
    assert_int_equal(a->tokens_out, b->tokens_out);
    assert_int_equal(a->thinking_tokens, b->thinking_tokens);
    assert_int_equal(a->run, b->run);
    assert_true(a->confidence == b->confidence);
    assert_int_equal(a->elapsed_ms, b->elapsed_ms);
    assert_int_equal(a->saved, b->saved);
}

/* Serializes, parses back, compares; then checks the JSON is stable. */
static void roundtrip(const event *ev)
{
    char *json = event_to_json(ev);
    assert_non_null(json);
    event back;
    assert_int_equal(event_from_json(json, &back), 0);
    assert_event_eq(ev, &back);
    char *again = event_to_json(&back);
    assert_string_equal(json, again);
    free(again);
    free(json);
    event_clear(&back);
}

static void sample_tally(tally *t)
{
    tally_init(t);
    tally_add(t, "44");
    tally_add(t, "45");
    tally_add(t, "45");
    tally_add(t, NULL);
}

static void test_make_defaults(void **state)
{
    (void)state;
    event ev = event_make(EV_TEXT);
    assert_int_equal(ev.kind, EV_TEXT);
    assert_int_equal(ev.node, -1);
    assert_true(ev.seed == -1);
    assert_true(ev.confidence == -1);
    assert_null(ev.text);
    assert_int_equal(ev.has_votes, 0);
    event_clear(&ev);
}

static void test_names(void **state)
{
    (void)state;
    const char *kinds[] = { "run_start", "node_add", "text", "score", "status",
                            "vote", "usage", "error", "notice", "done" };
    for (int k = 0; k < EV__COUNT; k++)
        assert_string_equal(event_kind_name((event_kind)k), kinds[k]);
    assert_string_equal(event_kind_name(EV__COUNT), "?");
    assert_string_equal(node_kind_name(NODE_SAMPLE), "sample");
    assert_string_equal(node_status_name(NS_CANCELLED), "cancelled");
    assert_string_equal(node_status_name((node_status)99), "?");
    assert_string_equal(run_status_name(RUN_NO_ANSWER), "no_answer");
}

static void test_dup_is_deep(void **state)
{
    (void)state;
    event /* Weighted votes (bon, mcts) keep their weights beside the counts. */
    ev = event_make(EV_VOTE);
    ev.node = 2;
    ev.has_votes = 1;
    tally_init(&ev.votes);
    tally_add_weighted(&ev.votes, "45", 0.75);
    tally_add_weighted(&ev.votes, "44", 1.5);
    tally_add_weighted(&ev.votes, "45", 0.5);
    roundtrip(&ev);
    event_clear(&ev);

    ev = event_make(EV_VOTE);
    ev.node = 2;
    ev.answer = strdup("45");
    sample_tally(&ev.votes);
    ev.has_votes = 1;
    event *d = event_dup(&ev);
    assert_ptr_not_equal(d->answer, ev.answer);
    assert_ptr_not_equal(d->votes.e, ev.votes.e);
    event_clear(&ev);
    assert_null(ev.answer);
    assert_int_equal(ev.kind, EV_VOTE);
    assert_string_equal(d->answer, "45");
    assert_string_equal(d->votes.e[0].answer, "45");
    event_free(d);
    event_free(NULL);
}

/* An emitted event borrows: its strings are const and live only as long as
 * the emitter's buffers; event_dup's copy owns its own and outlives them. */
static void test_borrowed_event_dup_owns(void **state)
{
    (void)state;
    char problem[] = "What is 2 + 2?", model[] = "builtin", answer[] = "4";
    const char *strategy = "cot";
    event ev = event_make(EV_RUN_START);
    ev.text = problem;
    ev.strategy = strategy;
    ev.model = model;
    ev.answer = answer;
    event *d = event_dup(&ev);
    memset(problem, 'x', sizeof problem - 1);
    model[0] = answer[0] = 'y';
    assert_string_equal(d->text, "What is 2 + 2?");
    assert_string_equal(d->strategy, "cot");
    assert_string_equal(d->model, "builtin");
    assert_string_equal(d->answer, "4");
    event_free(d);   /* ev borrowed: nothing of it is freed */
}

static void test_roundtrip_every_kind(void **state)
{
    (void)state;
    event ev;

    ev = event_make(EV_RUN_START);
    ev.text = strdup("A bakery has 45 croissants.\nHow many?");
    ev.strategy = strdup("sc");
    ev.model = strdup("ollama:qwen3");
    ev.n = 10;
    ev.temperature = 0.8;
    ev.seed = 1234567890123LL;
    roundtrip(&ev);
    ev.seed = -1;
    ev.task = 1;        /* a Game of 24 run says so */
    roundtrip(&ev);
    event_clear(&ev);

    ev = event_make(EV_NODE_ADD);
    ev.node = 0;
    ev.parent = -1;
    ev.nkind = NODE_ROOT;
    roundtrip(&ev);
    ev.node = 3;
    ev.parent = 0;
    ev.nkind = NODE_SAMPLE;
    ev.text = strdup("sample 3");
    roundtrip(&ev);
    event_clear(&ev);

    for (int ch = 0; ch < 2; ch++) {
        ev = event_make(EV_TEXT);
        ev.node = 3;
        ev.ch = (channel)ch;
        ev.text = strdup("12 + 15 = \"27\"\t\\ ok\n");
        ev.tokens = 7;
        roundtrip(&ev);
        event_clear(&ev);
    }

    ev = event_make(EV_SCORE);
    ev.node = 4;
    roundtrip(&ev);
    ev.scores = (node_scores){ SCORE_VALUE | SCORE_PRM | SCORE_ORM | SCORE_VISITS | SCORE_W | SCORE_LOGPROB,
                               0.5, 0.25, 1.0, 3.75, -12.5, 9, CHECK_NONE };
    roundtrip(&ev);
    ev.scores = (node_scores){ SCORE_VISITS, 0, 0, 0, 0, 0, 2, CHECK_NONE };
    roundtrip(&ev);
    /* The step checker's verdict and its mark travel with the score. */
    ev.scores = (node_scores){ SCORE_PRM | SCORE_CHECK, 0, 0, 0, 0, 0, 0, CHECK_WRONG };
    ev.text = strdup("5\u00b2 = 10 \u2717, 5\u00b2 = 25");
    roundtrip(&ev);
    event_clear(&ev);

    for (int s = NS_STREAMING; s <= NS_CANCELLED; s++) {
        ev = event_make(EV_STATUS);
        ev.node = 1;
        ev.status = (node_status)s;
        if (s == NS_DONE)
            ev.answer = strdup("3/4");
        roundtrip(&ev);
        event_clear(&ev);
    }

    ev = event_make(EV_VOTE);
    ev.node = 3;
    char *vote_answer = strdup("45");
    ev.answer = vote_answer;
    sample_tally(&ev.votes);
    ev.has_votes = 1;
    roundtrip(&ev);
    free(vote_answer);
    ev.answer = NULL; /* the sample had no answer */
    roundtrip(&ev);
    event_clear(&ev);

    ev = event_make(EV_USAGE);
    ev.tokens_in = 120;
    ev.tokens_out = 3400;
    ev.thinking_tokens = 2000;
    roundtrip(&ev);
    event_clear(&ev);

    ev = event_make(EV_ERROR);
    ev.text = strdup("openai: HTTP 429 from http://127.0.0.1:1/v1, retrying");
    ev.retryable = 1;
    roundtrip(&ev);
    ev.node = 5;
    ev.retryable = 0;
    roundtrip(&ev);
    event_clear(&ev);

    ev = event_make(EV_NOTICE);
    ev.node = 2;
    ev.text = strdup("server ignores n; sending 10 requests");
    roundtrip(&ev);
    event_clear(&ev);

    for (int r = RUN_OK; r <= RUN_FAILED; r++) {
        ev = event_make(EV_DONE);
        ev.run = (run_status)r;
        ev.tokens_in = 10;
        ev.tokens_out = 20;
        ev.thinking_tokens = 5;
        ev.elapsed_ms = 315;
        roundtrip(&ev);
        ev.answer = strdup("45");
        sample_tally(&ev.votes);
        ev.has_votes = 1;
        ev.confidence = 2.0 / 3.0;
        ev.saved = 3;
        roundtrip(&ev);
        event_clear(&ev);
    }
}

static void test_text_json_shape(void **state)
{
    (void)state;
    event ev = event_make(EV_TEXT);
    ev.node = 3;
    ev.ch = CH_THINKING;
    ev.text = strdup("..");
    ev.tokens = 1;
    char *json = event_to_json(&ev);
    assert_string_equal(json, "{\"event\":\"text\",\"node\":3,\"channel\":\"thinking\",\"delta\":\"..\",\"tokens\":1}");
    free(json);
    event_clear(&ev);
}

static void test_vote_json_shape(void **state)
{
    (void)state;
    event ev = event_make(EV_VOTE);
    ev.node = 3;
    ev.answer = strdup("45");
    tally_init(&ev.votes);
    tally_add(&ev.votes, "44");
    tally_add(&ev.votes, "45");
    tally_add(&ev.votes, "45");
    ev.has_votes = 1;
    char *json = event_to_json(&ev);
    /* leader first, not arrival order */
    assert_string_equal(json, "{\"event\":\"vote\",\"node\":3,\"answer\":\"45\",\"votes\":{\"45\":2,\"44\":1},\"no_answer\":0}");
    free(json);
    event_clear(&ev);
}

static void test_done_json_shape(void **state)
{
    (void)state;
    event ev = event_make(EV_DONE);
    char *json = event_to_json(&ev);
    assert_string_equal(json, "{\"event\":\"done\",\"answer\":\"\",\"status\":\"ok\",\"tokens_in\":0,"
                              "\"tokens_out\":0,\"thinking_tokens\":0,\"elapsed_ms\":0}");
    free(json);

    ev.answer = strdup("45");
    tally_init(&ev.votes);
    for (int i = 0; i < 8; i++)
        tally_add(&ev.votes, "45");
    tally_add(&ev.votes, "44");
    tally_add(&ev.votes, "35");
    ev.has_votes = 1;
    ev.confidence = 0.8;
    ev.tokens_in = 100;
    ev.tokens_out = 2000;
    ev.elapsed_ms = 950;
    ev.saved = 2;
    json = event_to_json(&ev);
    assert_string_equal(json, "{\"event\":\"done\",\"answer\":\"45\",\"status\":\"ok\","
                              "\"votes\":{\"45\":8,\"44\":1,\"35\":1},\"confidence\":0.8,"
                              "\"tokens_in\":100,\"tokens_out\":2000,\"thinking_tokens\":0,"
                              "\"elapsed_ms\":950,\"saved\":2}");
    free(json);
    event_clear(&ev);
}

static void test_run_start_and_error_shape(void **state)
{
    (void)state;
    event ev = event_make(EV_RUN_START);
    ev.text = strdup("2+2?");
    ev.strategy = strdup("cot");
    ev.model = strdup("builtin");
    ev.n = 1;
    ev.temperature = 0;
    char *json = event_to_json(&ev);
    assert_string_equal(json, "{\"event\":\"run_start\",\"problem\":\"2+2?\",\"strategy\":\"cot\","
                              "\"model\":\"builtin\",\"n\":1,\"temperature\":0}");
    free(json);
    event_clear(&ev);

    ev = event_make(EV_ERROR);
    ev.text = strdup("boom");
    json = event_to_json(&ev);
    assert_string_equal(json, "{\"event\":\"error\",\"node\":-1,\"message\":\"boom\",\"retryable\":false}");
    free(json);
    event_clear(&ev);
}

static void test_utf8_sanitized(void **state)
{
    (void)state;
    event ev = event_make(EV_TEXT);
    ev.node = 0;
    /* valid é, stray continuation, truncated 3-byte, overlong '/', surrogate, valid € */
    ev.text = strdup("caf\xC3\xA9 \x80 \xE2\x82 \xC0\xAF \xED\xA0\x80 \xE2\x82\xAC");
    char *json = event_to_json(&ev);
    event back;
    assert_int_equal(event_from_json(json, &back), 0);
    /* one U+FFFD per maximal invalid subpart (tutor/utf8.c), as Unicode
     * recommends: the truncated E2 82 is one */
    assert_string_equal(back.text, "caf\xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD "
                                   "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                                   "\xE2\x82\xAC");
    /* the whole line parses as JSON and holds no byte >= 0x80 outside valid sequences */
    cJSON *o = cJSON_Parse(json);
    assert_non_null(o);
    cJSON_Delete(o);
    free(json);
    event_clear(&back);
    event_clear(&ev);

    ev = event_make(EV_VOTE);
    tally_init(&ev.votes);
    tally_add(&ev.votes, "4\xFF");
    ev.has_votes = 1;
    json = event_to_json(&ev);
    assert_non_null(strstr(json, "\"4\xEF\xBF\xBD\":1"));
    free(json);
    event_clear(&ev);
}

static void test_from_json_rejects_garbage(void **state)
{
    (void)state;
    const char *bad[] = {
        NULL, "", "not json", "[]", "42", "{}", "{\"event\":7}", "{\"event\":\"bogus\"}",
        "{\"event\":\"text\"", "{\"event\":\"done\",}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        event ev = event_make(EV_TEXT);
        assert_int_equal(event_from_json(bad[i], &ev), -1);
    }
    event ev;
    assert_int_equal(event_from_json("{\"event\":\"text\",\"node\":\"x\",\"tokens\":1e300,\"delta\":5}", &ev), 0);
    assert_int_equal(ev.node, -1);
    assert_null(ev.text);
    assert_true(ev.tokens > 0);
    event_clear(&ev);
    assert_int_equal(event_from_json("{\"event\":\"done\",\"votes\":{\"45\":\"x\",\"44\":2},\"saved\":-1e400}", &ev), 0);
    assert_int_equal(ev.has_votes, 1);
    assert_int_equal(ev.votes.n, 1);
    assert_null(ev.answer);
    event_clear(&ev);
}

/* Counts string comparisons while counting is on: this program's strcmp
 * stands in for the C library's (for cJSON's lookups too), so a test can
 * measure work as a count, never as time. */
static long strcmp_calls;
static int counting;

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    if (counting)
        strcmp_calls++;
    while (*x && *x == *y) { x++; y++; }
    return (*x > *y) - (*x < *y);
}

/* A vote line with n answers and their weights. */
static char *votes_line(int n, int weighted)
{
    size_t cap = (size_t)n * 48 + 128, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)snprintf(s + len, cap - len, "{\"event\":\"vote\",\"votes\":{");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s\"a%d\":1", i ? "," : "", i);
    len += (size_t)snprintf(s + len, cap - len, "}");
    if (weighted) {
        len += (size_t)snprintf(s + len, cap - len, ",\"weights\":{");
        for (int i = n - 1; i >= 0; i--)
            len += (size_t)snprintf(s + len, cap - len, "%s\"a%d\":%d.5", i < n - 1 ? "," : "", i, i);
        len += (size_t)snprintf(s + len, cap - len, "}");
    }
    snprintf(s + len, cap - len, "}");
    return s;
}

/* Reading weights is O(n log n) in comparisons, not one scan of the
 * object per answer (n^2/2: 200,000 answers hung `ponder runs`). */
static void test_weights_read_in_n_log_n(void **state)
{
    (void)state;
    enum { N = 4000 };
    char *line = votes_line(N, 1);
    event ev;
    strcmp_calls = 0;
    counting = 1;
    int rc = event_from_json(line, &ev);
    counting = 0;
    assert_int_equal(rc, 0);
    assert_int_equal(ev.votes.n, N);
    for (int i = 0; i < N; i += 997) {
        char want[16];
        snprintf(want, sizeof want, "a%d", i);
        assert_string_equal(ev.votes.e[i].answer, want);
        assert_true(ev.votes.e[i].weight == i + 0.5);
    }
    /* n log2 n is about 48,000 for the sort and as many for the searches;
     * the old lookups made 8,000,000 */
    print_message("%ld comparisons for %d weighted answers\n", strcmp_calls, N);
    assert_true(strcmp_calls < 40L * N);
    event_clear(&ev);
    free(line);
}

/* Weights as a name lookup gives them: the first member of that name;
 * not a number, or missing: 0; out of range: clamped. */
static void test_weights_lookup_semantics(void **state)
{
    (void)state;
    event ev;
    assert_int_equal(event_from_json("{\"event\":\"vote\",\"votes\":{\"x\":2,\"y\":1,\"z\":1},"
                                     "\"weights\":{\"y\":\"no\",\"x\":1e308,\"x\":3,\"w\":5}}", &ev), 0);
    assert_int_equal(ev.votes.n, 3);
    assert_true(ev.votes.weighted);
    assert_true(ev.votes.e[0].weight == 1e9);
    assert_true(ev.votes.e[1].weight == 0);
    assert_true(ev.votes.e[2].weight == 0);
    event_clear(&ev);
}

/* Counts near INT_MAX from a crafted transcript add up without overflow
 * (UBSan under `make asan` stopped on the old sums). */
static void test_vote_counts_saturate(void **state)
{
    (void)state;
    event ev;
    assert_int_equal(event_from_json("{\"event\":\"vote\",\"votes\":{\"1\":2147483646,"
                                     "\"2\":2147483646},\"no_answer\":2147483647}", &ev), 0);
    assert_int_equal(ev.votes.n, 2);
    assert_int_equal(ev.votes.e[0].count, 2147483646);
    assert_int_equal(ev.votes.total, 2147483647);
    event_clear(&ev);
    assert_int_equal(event_from_json("{\"event\":\"done\",\"votes\":{\"1\":2147483646},"
                                     "\"no_answer\":2147483646}", &ev), 0);
    assert_int_equal(ev.votes.total, 2147483647);
    event_clear(&ev);
}

/* Token counts near INT_MAX on a node saturate too (tutor/trace.c). */
static void test_trace_tokens_saturate(void **state)
{
    (void)state;
    trace t;
    event ev;
    trace_init(&t);
    assert_int_equal(event_from_json("{\"event\":\"node_add\",\"node\":0,\"parent\":-1,"
                                     "\"kind\":\"root\"}", &ev), 0);
    assert_int_equal(trace_apply(&t, &ev), 0);
    event_clear(&ev);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(event_from_json("{\"event\":\"text\",\"node\":0,\"channel\":\"thinking\","
                                         "\"delta\":\"x\",\"tokens\":2147483647}", &ev), 0);
        assert_int_equal(trace_apply(&t, &ev), 0);
        event_clear(&ev);
    }
    assert_int_equal(t.nodes[0].tokens, 2147483647);
    assert_int_equal(t.nodes[0].think_tokens, 2147483647);
    trace_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_make_defaults),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_dup_is_deep),
        cmocka_unit_test(test_borrowed_event_dup_owns),
        cmocka_unit_test(test_roundtrip_every_kind),
        cmocka_unit_test(test_text_json_shape),
        cmocka_unit_test(test_vote_json_shape),
        cmocka_unit_test(test_done_json_shape),
        cmocka_unit_test(test_run_start_and_error_shape),
        cmocka_unit_test(test_utf8_sanitized),
        cmocka_unit_test(test_from_json_rejects_garbage),
        cmocka_unit_test(test_weights_read_in_n_log_n),
        cmocka_unit_test(test_weights_lookup_semantics),
        cmocka_unit_test(test_vote_counts_saturate),
        cmocka_unit_test(test_trace_tokens_saturate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
