/* test_traits: what a strategy and a model do travels in run_start, so
 * the screen and replays ask traits, never names; old transcripts without
 * them still replay with the registry's traits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/replay.h"
#include "models/model.h"
#include "strategies/strategy.h"
#include "tutor/event.h"
#include "tutor/traits.h"

/* Every trait and every cap goes out as JSON and comes back the same. */
static void test_run_start_round_trip(void **state)
{
    (void)state;
    for (unsigned st = 0; st < 16; st++) {
        event ev = event_make(EV_RUN_START), back;
        ev.text = "2+2";
        ev.strategy = "x";
        ev.model = "m";
        ev.has_traits = 1;
        ev.strategy_traits = st;
        ev.model_caps = (st * 7u) & 31u;
        char *js = event_to_json(&ev);
        assert_non_null(js);
        assert_int_equal(event_from_json(js, &back), 0);
        assert_int_equal(back.has_traits, 1);
        assert_int_equal(back.strategy_traits, st);
        assert_int_equal(back.model_caps, (st * 7u) & 31u);
        event_clear(&back);
        free(js);
    }
}

static void test_json_names(void **state)
{
    (void)state;
    event ev = event_make(EV_RUN_START);
    ev.strategy = "sc";
    ev.model = "builtin";
    ev.has_traits = 1;
    ev.strategy_traits = STRAT_USES_N | STRAT_VOTES;
    ev.model_caps = CAP_RAW | CAP_RAW_FORMAT;
    char *js = event_to_json(&ev);
    assert_non_null(strstr(js, "\"traits\":[\"uses_n\",\"votes\"]"));
    assert_non_null(strstr(js, "\"model_caps\":[\"raw\",\"raw_format\"]"));
    free(js);
}

/* A transcript line from before traits: has_traits 0, unknown names
 * are ignored. */
static void test_old_and_unknown(void **state)
{
    (void)state;
    event ev;
    assert_int_equal(event_from_json("{\"event\":\"run_start\",\"problem\":\"p\","
                                     "\"strategy\":\"sc\",\"model\":\"builtin\",\"n\":10}", &ev), 0);
    assert_int_equal(ev.has_traits, 0);
    assert_int_equal(ev.strategy_traits, 0);
    event_clear(&ev);
    assert_int_equal(event_from_json("{\"event\":\"run_start\",\"strategy\":\"sc\","
                                     "\"traits\":[\"votes\",\"flies\",7],"
                                     "\"model_caps\":[\"thinking\",\"x\"]}", &ev), 0);
    assert_int_equal(ev.has_traits, 1);
    assert_int_equal(ev.strategy_traits, STRAT_VOTES);
    assert_int_equal(ev.model_caps, CAP_THINKING);
    event_clear(&ev);
}

/* The registry says what the UI used to decide from names. */
static void test_registry(void **state)
{
    (void)state;
    int n = 0, trees = 0, votes = 0;
    for (const strategy_info *si; (si = strategy_at(n)); n++) {
        if (si->traits & STRAT_USES_N) assert_non_null(si->n_label);
        else assert_null(si->n_label);
        if (si->traits & STRAT_TREE) trees++;
        if (si->traits & STRAT_VOTES) votes++;
        assert_ptr_equal(strategy_find(si->name), si);
    }
    assert_int_equal(n, 8);
    assert_int_equal(trees, 3);
    assert_int_equal(votes, 2);
    assert_int_equal(strategy_find("sc")->traits & STRAT_VOTES, STRAT_VOTES);
    assert_int_equal(strategy_find("cot")->traits, 0);
    assert_int_equal(strategy_find("direct")->first_prompt, PROMPT_DIRECT);
    assert_int_equal(strategy_find("fewshot")->first_prompt, PROMPT_FEWSHOT);
    assert_string_equal(strategy_find("tot")->n_label, "breadth b");
    assert_non_null(strategy_find(STRATEGY_DEFAULT));
    assert_int_equal(model_spec_caps("builtin") & CAP_RAW_FORMAT, CAP_RAW_FORMAT);
    assert_int_equal(model_spec_caps("openai:gpt-4o") & CAP_RAW_FORMAT, 0);
    assert_int_equal(model_spec_caps("nonsense"), 0);
}

/* A real run says its traits in run_start. */
static void emit_keep(void *ud, const event *ev)
{
    event *first = ud;
    if (ev->kind == EV_RUN_START) {
        *first = *ev;
        first->text = first->strategy = first->model = NULL;
    }
}

static void test_run_emits_traits(void **state)
{
    (void)state;
    char err[256];
    model_config mc = { .spec = "builtin", .max_retries = -1 };
    model *m = model_open(&mc, err, sizeof err);
    if (!m) { skip(); return; }
    atomic_int cancel = 0;
    event first = event_make(EV_DONE);
    strategy_ctx ctx = { .model = m, .problem = "2 + 3", .emit = emit_keep,
                         .emit_ud = &first, .cancel = &cancel };
    ctx.opt.name = "beam";
    ctx.opt.n = 1;
    ctx.opt.temperature = -1;
    ctx.opt.seed = 1;
    ctx.opt.depth = 1;
    ctx.opt.k = 1;
    ctx.opt.agg = -1;
    ctx.opt.weighted = -1;
    strategy_run(&ctx);
    trace_done(&ctx.trace);
    assert_int_equal(first.kind, EV_RUN_START);
    assert_int_equal(first.has_traits, 1);
    assert_int_equal(first.strategy_traits, STRAT_USES_N | STRAT_TREE | STRAT_STEPS);
    assert_int_equal(first.model_caps, model_caps(m));
    model_close(m);
}

/* An old transcript replays with the registry's traits filled in. */
static void test_replay_fills_old(void **state)
{
    (void)state;
    char path[] = "/tmp/ponder-traits-XXXXXX", err[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *lines =
        "{\"event\":\"run_start\",\"problem\":\"p\",\"strategy\":\"tot\",\"model\":\"builtin\",\"n\":5,\"t\":0}\n"
        "{\"event\":\"done\",\"answer\":\"4\",\"status\":\"ok\",\"t\":1}\n";
    assert_int_equal(write(fd, lines, strlen(lines)), (int)strlen(lines));
    close(fd);
    replay *rp = replay_open(path, 0, err, sizeof err);
    assert_non_null(rp);
    replay_start(rp, 0);
    event *ev = replay_next(rp, 0);
    assert_non_null(ev);
    assert_int_equal(ev->kind, EV_RUN_START);
    assert_int_equal(ev->has_traits, 1);
    assert_int_equal(ev->strategy_traits, strategy_find("tot")->traits);
    assert_int_equal(ev->model_caps & CAP_RAW_FORMAT, CAP_RAW_FORMAT);
    event_free(ev);
    replay_free(rp);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_start_round_trip),
        cmocka_unit_test(test_json_names),
        cmocka_unit_test(test_old_and_unknown),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_run_emits_traits),
        cmocka_unit_test(test_replay_fills_old),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
