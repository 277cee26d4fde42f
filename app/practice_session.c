/* practice_session: the practice loop on stdin/stdout (see the header). */
#include "app/practice_session.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/practice_source.h"
#include "app/progress.h"
#include "lm/curriculum.h"
#include "tutor/atomicfile.h"
#include "tutor/practice.h"

typedef struct {
    const app_config *cfg;
    const practice_opts *o;
    int json;
    practice *eng;
    practice_set set;
    int have_set, next_in_set;
    uint64_t seed;
    int n_problems;             /* problems started, for ids and seeds */
    progress prog;
    char prog_path[1024];
    int prog_ok;                /* the profile loaded; saving is safe */
    model *m;                   /* opened at the first hint or solution */
    int model_failed;
    /* the model's chains for the current problem, drawn once */
    int have_chains;
    char **chain_text, **chain_ans;
    int n_chains;
    char winner[128];
    tally votes;
    int show_run;               /* print the run's events (a solution) */
    int recorded;               /* the current problem's record is counted */
} session;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Prints a JSON object and frees it. */
static void put_json(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s) {
        puts(s);
        free(s);
    }
    cJSON_Delete(o);
    fflush(stdout);
}

static cJSON *ev_obj(const char *name)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "event", name);
    return o;
}

static const char *verdict_name(check_verdict v)
{
    return v == CHECK_OK ? "right" : v == CHECK_WRONG ? "wrong"
         : v == CHECK_UNSUPPORTED ? "unsupported" : "none";
}

/* ---- the model's chains ---- */

static void free_chains(session *s)
{
    for (int i = 0; i < s->n_chains; i++) {
        free(s->chain_text[i]);
        free(s->chain_ans[i]);
    }
    free(s->chain_text);
    free(s->chain_ans);
    s->chain_text = s->chain_ans = NULL;
    s->n_chains = 0;
    s->have_chains = 0;
    s->winner[0] = '\0';
    tally_done(&s->votes);
    tally_init(&s->votes);
}

static void run_emit(void *ud, const event *ev)
{
    session *s = ud;
    if (!s->show_run)
        return;
    char *js = event_to_json(ev);
    if (js) {
        puts(js);
        free(js);
        fflush(stdout);
    }
}

/* Draws cfg->hint_samples chains with self-consistency, once per problem.
 * Returns 0, or -1 when the model could not run (message on stderr). */
static int draw_chains(session *s)
{
    if (s->have_chains)
        return 0;
    if (!s->m && !s->model_failed) {
        model_config mc;
        char err[512];
        config_model(s->cfg, &mc);
        s->m = model_open(&mc, err, sizeof err);
        if (!s->m) {
            fprintf(stderr, "ponder: %s\n", err);
            s->model_failed = 1;
        }
    }
    if (!s->m)
        return -1;
    atomic_int cancel = 0;
    strategy_ctx ctx = {
        .model = s->m,
        .problem = practice_current(s->eng)->text,
        .opt = s->cfg->strat,
        .emit = run_emit,
        .emit_ud = s,
        .cancel = &cancel,
    };
    ctx.opt.name = "sc";
    ctx.opt.n = s->cfg->hint_samples;
    ctx.opt.task = TASK_MATH;
    ctx.opt.seed = (long long)((s->seed + (uint64_t)s->n_problems) & 0x7fffffff);
    strategy_run(&ctx);
    const trace *t = &ctx.trace;
    s->chain_text = calloc((size_t)t->n, sizeof *s->chain_text);
    s->chain_ans = calloc((size_t)t->n, sizeof *s->chain_ans);
    for (int i = 1; i < t->n; i++) {
        const trace_node *n = &t->nodes[i];
        if (n->kind != NODE_SAMPLE)
            continue;
        size_t len = n->thinking.len + n->answer_text.len + 2;
        char *txt = malloc(len);
        snprintf(txt, len, "%s\n%s", n->thinking.len ? n->thinking.s : "",
                 n->answer_text.len ? n->answer_text.s : "");
        s->chain_text[s->n_chains] = txt;
        s->chain_ans[s->n_chains] = strdup(n->answer ? n->answer : "");
        s->n_chains++;
    }
    if (t->has_votes) {
        tally_copy(&s->votes, &t->votes);
        int tied = 0;
        const char *lead = tally_leader(&t->votes, &tied);
        if (lead && !tied)
            snprintf(s->winner, sizeof s->winner, "%s", lead);
    }
    trace_done(&ctx.trace);
    s->have_chains = 1;
    return 0;
}

static cJSON *votes_json(const tally *t)
{
    cJSON *v = cJSON_CreateObject();
    for (int i = 0; i < t->n; i++)
        cJSON_AddNumberToObject(v, t->e[i].answer, t->e[i].count);
    if (t->no_answer)
        cJSON_AddNumberToObject(v, "no answer", t->no_answer);
    return v;
}

/* ---- problems ---- */

static int pick_tier(const session *s, int skill)
{
    if (s->o->tier >= 0)
        return s->o->tier;
    double p = s->prog.skill[skill].p;
    return p < 0.4 ? CUR_EASY : p < 0.8 ? CUR_MEDIUM : CUR_HARD;
}

/* Starts the next problem; 0 when a set has run out. */
static int next_problem(session *s)
{
    practice_item it;
    free_chains(s);
    if (s->have_set) {
        for (;;) {
            if (s->next_in_set >= s->set.n)
                return 0;
            it = s->set.items[s->next_in_set++];
            if (s->o->skill < 0 || it.pb.skill == s->o->skill)
                break;
        }
    } else {
        int skill = s->o->skill >= 0 ? s->o->skill : progress_next_skill(&s->prog);
        practice_generate(s->seed, skill, pick_tier(s, skill), s->n_problems, &it);
    }
    s->n_problems++;
    s->recorded = 0;
    practice_start(s->eng, &it.pb, it.gold, now_s());
    const practice_problem *pb = practice_current(s->eng);
    if (s->json) {
        cJSON *o = ev_obj("problem");
        cJSON_AddStringToObject(o, "id", pb->id);
        cJSON_AddStringToObject(o, "text", pb->text);
        cJSON_AddStringToObject(o, "skill", practice_skill_name(pb->skill));
        if (pb->tier >= 0)
            cJSON_AddStringToObject(o, "tier", cur_tier_name(pb->tier));
        else
            cJSON_AddNullToObject(o, "tier");
        put_json(o);
    } else {
        printf("\nProblem %s (%s%s%s):\n%s\n", pb->id, practice_skill_name(pb->skill),
               pb->tier >= 0 ? ", " : "", pb->tier >= 0 ? cur_tier_name(pb->tier) : "", pb->text);
        fflush(stdout);
    }
    return 1;
}

/* The problem's record, as the mastery line carries it. */
static cJSON *record_json(const practice_record *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "outcome", r->solved ? "solved" : r->shown ? "shown" : "skipped");
    cJSON_AddNumberToObject(o, "tries", r->tries);
    cJSON_AddNumberToObject(o, "hints", r->hints);
    cJSON_AddNumberToObject(o, "seconds", (double)(long)(r->seconds * 1000) / 1000);
    cJSON *w = cJSON_AddArrayToObject(o, "wrong_steps");
    for (int i = 0; i < r->wrong_steps && i < 16; i++)
        cJSON_AddItemToArray(w, cJSON_CreateNumber(r->wrong_at[i] + 1));
    return o;
}

/* Counts the finished problem once: BKT, the profile on disk, a mastery line. */
static void record(session *s)
{
    if (s->recorded || !practice_done(s->eng))
        return;
    s->recorded = 1;
    int skill = practice_current(s->eng)->skill;
    progress_record(&s->prog, &s->cfg->bkt, skill, practice_get_record(s->eng),
                    s->have_set ? s->set.name : NULL);
    if (s->prog_ok) {
        char err[512];
        if (progress_save(s->prog_path, &s->prog, err, sizeof err) < 0)
            fprintf(stderr, "ponder: progress not saved: %s\n", err);
    }
    double p = s->prog.skill[skill].p;
    if (s->json) {
        cJSON *o = ev_obj("mastery");
        cJSON_AddStringToObject(o, "skill", practice_skill_name(skill));
        cJSON_AddNumberToObject(o, "p", p);
        cJSON_AddBoolToObject(o, "mastered", p >= BKT_MASTERED);
        cJSON_AddItemToObject(o, "record", record_json(practice_get_record(s->eng)));
        put_json(o);
    } else {
        printf("Mastery of %s: %.0f%%%s\n", practice_skill_name(skill), 100 * p,
               p >= BKT_MASTERED ? " (mastered)" : "");
        fflush(stdout);
    }
}

/* ---- commands ---- */

static void do_step(session *s, const char *line)
{
    practice_step st;
    practice_step_enter(s->eng, line, &st);
    if (s->json) {
        cJSON *o = ev_obj("step");
        cJSON_AddStringToObject(o, "line", st.line);
        cJSON_AddStringToObject(o, "verdict", verdict_name(st.verdict));
        cJSON_AddStringToObject(o, "mark", st.mark);
        put_json(o);
    } else if (st.verdict == CHECK_OK) {
        printf("  \xE2\x9C\x93\n");
    } else if (st.verdict == CHECK_WRONG) {
        printf("  \xE2\x9C\x97 %s\n", st.mark);
    } else if (st.verdict == CHECK_UNSUPPORTED) {
        printf("  note: %s\n", st.mark);
    }
    fflush(stdout);
}

static void do_answer(session *s, const char *raw)
{
    char norm[128];
    int r = practice_answer(s->eng, raw, now_s(), norm, sizeof norm);
    if (r < 0) {
        if (s->json) {
            cJSON *o = ev_obj("error");
            cJSON_AddStringToObject(o, "text", "that answer holds no number");
            put_json(o);
        } else {
            printf("  That answer holds no number.\n");
        }
        return;
    }
    int may_show = !r && practice_wrong_answers(s->eng) >= 2;
    if (s->json) {
        cJSON *o = ev_obj("answer");
        cJSON_AddStringToObject(o, "given", norm);
        cJSON_AddBoolToObject(o, "correct", r == 1);
        if (may_show)
            cJSON_AddBoolToObject(o, "may_show", 1);
        put_json(o);
    } else {
        printf(r ? "  Right: %s.\n" : "  %s is not right.%s\n", norm,
               may_show ? " Type show to see a solution, or try again." : r ? "" : " Try again.");
    }
    if (r)
        record(s);
}

static void do_hint(session *s)
{
    practice_hint_out h;
    if (draw_chains(s) < 0) {
        const char *msg = "no hint: the model could not run (the message is on stderr)";
        if (s->json) {
            cJSON *o = ev_obj("error");
            cJSON_AddStringToObject(o, "text", msg);
            put_json(o);
        } else {
            printf("  %s\n", msg);
        }
        return;
    }
    practice_chain ch[64];
    int n = s->n_chains < 64 ? s->n_chains : 64;
    for (int i = 0; i < n; i++)
        ch[i] = (practice_chain){ s->chain_text[i], s->chain_ans[i] };
    practice_hint(s->eng, ch, n, s->winner, &h);
    if (s->json) {
        cJSON *o = ev_obj("hint");
        cJSON_AddNumberToObject(o, "level", h.level);
        cJSON_AddStringToObject(o, "text", h.text);
        cJSON_AddNumberToObject(o, "trusted", h.trusted);
        if (h.chain < 0)
            cJSON_AddItemToObject(o, "votes", votes_json(&s->votes));
        put_json(o);
    } else {
        printf("  hint%s: %s\n", h.level ? "" : " (unchecked)", h.text);
        if (h.chain < 0 && s->votes.n) {
            printf("  votes:");
            for (int i = 0; i < s->votes.n; i++)
                printf(" %s ×%d", s->votes.e[i].answer, s->votes.e[i].count);
            printf("\n");
        }
    }
    fflush(stdout);
}

/* The model's solution, live: the run's own events (JSON) or its chains. */
static void do_show(session *s)
{
    if (s->json) {
        cJSON *o = ev_obj("solution");
        cJSON_AddStringToObject(o, "id", practice_current(s->eng)->id);
        put_json(o);
    }
    free_chains(s);
    s->show_run = s->json;
    int rc = draw_chains(s);
    s->show_run = 0;
    if (!s->json) {
        if (rc < 0)
            printf("  The model could not run.\n");
        for (int i = 0; i < s->n_chains; i++)
            if (s->winner[0] && !strcmp(s->chain_ans[i], s->winner)) {
                printf("  The model's solution (%d of %d votes):\n%s\n",
                       tally_count(&s->votes, s->winner), s->votes.total, s->chain_text[i]);
                break;
            }
    }
    fflush(stdout);
    if (!practice_done(s->eng)) {
        practice_mark_shown(s->eng, now_s());
        record(s);
    }
}

static void finish_skip(session *s)
{
    if (!practice_done(s->eng))
        practice_mark_skipped(s->eng, now_s());
    record(s);
}

/* ---- the loop ---- */

static int open_session(session *s, char *err, size_t errlen)
{
    if (bkt_check(&s->cfg->bkt, NULL) < 0) {
        snprintf(err, errlen, "the [practice] BKT parameters are not usable");
        return -1;
    }
    if (s->o->set) {
        if (practice_set_load(s->o->set, &s->set, err, errlen) < 0)
            return -1;
        s->have_set = 1;
    }
    const char *student = s->o->student ? s->o->student : getenv("USER");
    progress_init(&s->prog, student, &s->cfg->bkt);
    if (progress_default_path(s->prog_path, sizeof s->prog_path) < 0) {
        fprintf(stderr, "ponder: no data directory; progress will not be saved\n");
    } else if (progress_load(s->prog_path, student, &s->cfg->bkt, &s->prog, err, errlen) < 0) {
        fprintf(stderr, "ponder: %s; progress will not be saved\n", err);
        progress_init(&s->prog, student, &s->cfg->bkt);
    } else {
        s->prog_ok = 1;
    }
    s->seed = s->cfg->strat.seed >= 0 ? (uint64_t)s->cfg->strat.seed
                                      : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
    return 0;
}

int practice_session_run(const app_config *cfg, const practice_opts *o)
{
    session s = { .cfg = cfg, .o = o, .json = cfg->json };
    char err[512];
    tally_init(&s.votes);
    if (open_session(&s, err, sizeof err) < 0) {
        fprintf(stderr, "ponder: %s\n", err);
        return 1;
    }
    s.eng = practice_new();
    char *line = NULL;
    size_t cap = 0;
    int more = next_problem(&s);
    while (more) {
        if (!s.json) {
            printf("step> ");
            fflush(stdout);
        }
        if (getline(&line, &cap, stdin) < 0)
            break;
        char ans[128];
        switch (practice_parse(line, ans, sizeof ans)) {
        case PI_EMPTY:
            break;
        case PI_STEP:
            do_step(&s, line);
            break;
        case PI_ANSWER:
            do_answer(&s, ans);
            break;
        case PI_HINT:
            do_hint(&s);
            break;
        case PI_SHOW:
            do_show(&s);
            break;
        case PI_SKIP:
        case PI_NEXT:
            finish_skip(&s);
            more = next_problem(&s);
            break;
        }
    }
    if (!more && !s.json)
        printf("That was the last problem of the set.\n");
    free(line);
    free_chains(&s);
    tally_done(&s.votes);
    practice_free(s.eng);
    practice_set_free(&s.set);
    if (s.m)
        model_close(s.m);
    return 0;
}

int progress_command(const app_config *cfg, const char *student, const char *export_path)
{
    char path[1024], err[512];
    progress pr;
    if (!student)
        student = getenv("USER");
    if (progress_default_path(path, sizeof path) < 0) {
        fprintf(stderr, "ponder: no data directory ($XDG_DATA_HOME or $HOME)\n");
        return 1;
    }
    if (progress_load(path, student, &cfg->bkt, &pr, err, sizeof err) < 0) {
        fprintf(stderr, "ponder: %s\n", err);
        return 1;
    }
    if (export_path && export_path[0]) {
        if (progress_export(&pr, export_path, cfg->export_force ? ATOMICFILE_REPLACE : 0, err,
                            sizeof err) < 0) {
            fprintf(stderr, "ponder: --export: %s\n", err);
            return 1;
        }
        fprintf(stderr, "ponder: wrote %s\n", export_path);
        return 0;
    }
    progress_print(stdout, &pr);
    return 0;
}
