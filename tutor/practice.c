/* practice: the engine behind practice mode (see practice.h). */
#include "tutor/practice.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tutor/answer.h"
#include "tutor/mem.h"
#include "tutor/stepcheck.h"

struct practice {
    practice_problem pb;
    char gold[128];                 /* normalized; never leaves this file */
    practice_step steps[PRACTICE_MAX_STEPS];
    int n_steps, n_kept;
    int wrong_here;                 /* wrong tries since the last kept step */
    int hint_level, hint_kept;      /* last hint's level, and n_kept when given */
    int wrong_answers;
    double t0;
    practice_record rec;
    char *ctx;                      /* practice_context's buffer */
    size_t ctx_cap;
};

static const char *const skill_names[SKILL_N] = {
    "add", "subtract", "multiply", "divide", "mixed", "multi-step"
};

const char *practice_skill_name(int skill)
{
    return skill >= 0 && skill < SKILL_N ? skill_names[skill] : "?";
}

int practice_skill_parse(const char *name)
{
    static const char *const alias[SKILL_N] = { "addition", "sub", "mul", "div", "mix", "multi" };
    if (!name)
        return -1;
    for (int i = 0; i < SKILL_N; i++)
        if (!strcasecmp(name, skill_names[i]) || !strcasecmp(name, alias[i]))
            return i;
    if (!strcasecmp(name, "multistep"))
        return SKILL_MULTI;
    return -1;
}

/* ---- input ---- */

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The line trimmed into buf. */
static void trim(const char *line, char *buf, size_t cap)
{
    line = skip_ws(line ? line : "");
    snprintf(buf, cap, "%s", line);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
}

practice_input practice_parse(const char *line, char *ans, size_t cap)
{
    char buf[512];
    trim(line, buf, sizeof buf);
    if (cap)
        ans[0] = '\0';
    if (!buf[0])
        return PI_EMPTY;
    if (!strcasecmp(buf, "hint") || !strcmp(buf, "?"))
        return PI_HINT;
    if (!strcasecmp(buf, "show"))
        return PI_SHOW;
    if (!strcasecmp(buf, "skip"))
        return PI_SKIP;
    if (!strcasecmp(buf, "next"))
        return PI_NEXT;
    /* "answer 45": the command; "answer: 45" and "answer is 45" fall to answer_explicit */
    if (!strncasecmp(buf, "answer", 6) && buf[6] == ' ') {
        const char *rest = skip_ws(buf + 7);
        if (isdigit((unsigned char)*rest) || *rest == '-' || *rest == '$' || *rest == '.') {
            snprintf(ans, cap, "%s", rest);
            return PI_ANSWER;
        }
    }
    if (buf[0] == '=') {
        snprintf(ans, cap, "%s", skip_ws(buf + 1));
        return PI_ANSWER;
    }
    char norm[128];
    if (answer_explicit(buf, norm, sizeof norm)) {
        snprintf(ans, cap, "%s", norm);
        return PI_ANSWER;
    }
    return PI_STEP;
}

/* ---- lifecycle ---- */

practice *practice_new(void)
{
    practice *p = mem_alloc(sizeof *p);
    memset(p, 0, sizeof *p);
    return p;
}

void practice_free(practice *p)
{
    if (!p)
        return;
    free(p->ctx);
    free(p);
}

void practice_start(practice *p, const practice_problem *pb, const char *gold, double now)
{
    char *ctx = p->ctx;
    size_t cap = p->ctx_cap;
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    p->ctx_cap = cap;
    p->pb = *pb;
    if (!answer_normalize(gold ? gold : "", p->gold, sizeof p->gold))
        p->gold[0] = '\0';
    p->t0 = now;
}

const practice_problem *practice_current(const practice *p)
{
    return &p->pb;
}

const char *practice_context(practice *p)
{
    size_t need = strlen(p->pb.text) + 2;
    for (int i = 0; i < p->n_steps; i++)
        if (p->steps[i].kept)
            need += strlen(p->steps[i].line) + 1;
    if (need > p->ctx_cap) {
        free(p->ctx);
        p->ctx = mem_alloc(need);
        p->ctx_cap = need;
    }
    size_t len = (size_t)snprintf(p->ctx, need, "%s", p->pb.text);
    for (int i = 0; i < p->n_steps; i++)
        if (p->steps[i].kept)
            len += (size_t)snprintf(p->ctx + len, need - len, "\n%s", p->steps[i].line);
    return p->ctx;
}

/* ---- steps ---- */

/* stepcheck's mark "45 - 12 = 32 ✗, 45 - 12 = 33" → claim "45 - 12",
 * wrong value "32", fix "45 - 12 = 33". Returns 0 when the mark has
 * another shape. */
static int split_mark(const char *mark, char *claim, size_t ccap, char *bad, size_t bcap,
                      char *fix, size_t fcap)
{
    static const char sep[] = " \xE2\x9C\x97, ";   /* " ✗, " */
    const char *x = strstr(mark, sep);
    if (!x)
        return 0;
    const char *w = mark, *f = x + strlen(sep);
    size_t wl = (size_t)(x - w);
    size_t cp = 0;   /* the common prefix "45 - 12 = " */
    while (cp < wl && w[cp] == f[cp])
        cp++;
    while (cp > 0 && w[cp - 1] != ' ')
        cp--;
    if (cp == 0)
        return 0;
    size_t lhs = cp - 1;   /* drop the space, then the "=" or "is" before it */
    while (lhs > 0 && w[lhs - 1] != ' ')
        lhs--;
    if (lhs == 0)
        return 0;
    snprintf(claim, ccap, "%.*s", (int)(lhs - 1), w);
    snprintf(bad, bcap, "%.*s", (int)(wl - cp), w + cp);
    snprintf(fix, fcap, "%s", f);
    return 1;
}

check_verdict practice_step_enter(practice *p, const char *line, practice_step *out)
{
    practice_step s;
    memset(&s, 0, sizeof s);
    trim(line, s.line, sizeof s.line);
    step_check c;
    stepcheck_step(s.line, practice_context(p), &c);
    s.verdict = c.verdict;
    s.kept = c.verdict != CHECK_WRONG;
    if (c.verdict == CHECK_WRONG) {
        p->wrong_here++;
        char claim[128], bad[64], fix[128];
        int reveal = p->wrong_here >= 2 || (p->hint_level >= 2 && p->hint_kept == p->n_kept);
        if (split_mark(c.mark, claim, sizeof claim, bad, sizeof bad, fix, sizeof fix)) {
            int k = snprintf(s.mark, sizeof s.mark, "%.100s is not %.60s", claim, bad);
            if (reveal && k > 0 && (size_t)k < sizeof s.mark)
                snprintf(s.mark + k, sizeof s.mark - (size_t)k, "; %.120s", fix);
        } else {
            snprintf(s.mark, sizeof s.mark, "%s", c.mark);
        }
        p->rec.wrong_steps++;
        if (p->rec.wrong_steps <= 16)
            p->rec.wrong_at[p->rec.wrong_steps - 1] = p->n_steps;
    } else {
        snprintf(s.mark, sizeof s.mark, "%s", c.verdict == CHECK_UNSUPPORTED ? c.mark : "");
        p->wrong_here = 0;
    }
    if (p->n_steps < PRACTICE_MAX_STEPS) {
        p->steps[p->n_steps++] = s;
        if (s.kept)
            p->n_kept++;
    }
    if (out)
        *out = s;
    return s.verdict;
}

int practice_n_steps(const practice *p)
{
    return p->n_steps;
}

const practice_step *practice_step_at(const practice *p, int i)
{
    return i >= 0 && i < p->n_steps ? &p->steps[i] : NULL;
}

/* ---- answers and the record ---- */

static void finish(practice *p, double now)
{
    if (!practice_done(p))
        p->rec.seconds = now - p->t0;
}

int practice_answer(practice *p, const char *raw, double now, char *norm, size_t cap)
{
    char n[128];
    if (!answer_normalize(raw ? raw : "", n, sizeof n)) {
        if (cap)
            snprintf(norm, cap, "%s", n);
        return -1;
    }
    if (cap)
        snprintf(norm, cap, "%s", n);
    p->rec.tries++;
    int right = p->gold[0] && answer_equal(n, p->gold);
    if (right && !practice_done(p)) {
        finish(p, now);
        p->rec.solved = 1;
    } else if (!right) {
        p->wrong_answers++;
    }
    return right;
}

int practice_wrong_answers(const practice *p)
{
    return p->wrong_answers;
}

void practice_mark_shown(practice *p, double now)
{
    finish(p, now);
    p->rec.shown = 1;
}

void practice_mark_skipped(practice *p, double now)
{
    finish(p, now);
    p->rec.skipped = 1;
}

int practice_done(const practice *p)
{
    return p->rec.solved || p->rec.shown || p->rec.skipped;
}

const practice_record *practice_get_record(const practice *p)
{
    return &p->rec;
}

/* ---- hints ---- */

/* The numbers written in text, up to max. */
static int numbers_in(const char *text, double *out, int max)
{
    int n = 0;
    for (const char *s = text; *s && n < max;) {
        if (isdigit((unsigned char)*s) && (s == text || !isalnum((unsigned char)s[-1]))) {
            char *end;
            out[n++] = strtod(s, &end);
            s = end > s ? end : s + 1;
        } else {
            s++;
        }
    }
    return n;
}

static int has_number(const double *v, int n, double x)
{
    for (int i = 0; i < n; i++)
        if (fabs(v[i] - x) < 1e-9)
            return 1;
    return 0;
}

typedef struct { char text[256]; double result; } chain_step;

typedef struct { chain_step s[32]; int n; } chain_steps;

static void collect_step(void *ud, int index, const char *step, size_t len)
{
    (void)index;
    chain_steps *cs = ud;
    if (cs->n >= 32)
        return;
    chain_step *c = &cs->s[cs->n];
    snprintf(c->text, sizeof c->text, "%.*s", (int)len, step);
    char *eq = strrchr(c->text, '=');
    if (!eq)
        return;   /* no computation: "The answer is 45." */
    double v[1];
    if (numbers_in(eq + 1, v, 1) != 1)
        return;
    c->result = v[0];
    cs->n++;
}

/* A chain is trusted when its answer won the vote and no step is wrong or unsupported. */
static int trusted(const char *problem, const practice_chain *c, const char *winner)
{
    if (!c->text || !c->answer || !c->answer[0] || !winner || !winner[0])
        return 0;
    if (!answer_equal(c->answer, winner))
        return 0;
    step_check chk[64];
    int n = stepcheck_chain(problem, c->text, chk, 64, NULL);
    if (n <= 0 || n > 64)
        return 0;
    for (int i = 0; i < n; i++)
        if (chk[i].verdict == CHECK_WRONG || chk[i].verdict == CHECK_UNSUPPORTED)
            return 0;
    return 1;
}

/* The clause of the problem that holds the number x as a word, or "". */
static void clause_with(const char *problem, double x, char *out, size_t cap)
{
    out[0] = '\0';
    for (const char *s = problem; *s; s++) {
        if (!isdigit((unsigned char)*s) || (s > problem && isalnum((unsigned char)s[-1])))
            continue;
        char *end;
        double v = strtod(s, &end);
        if (fabs(v - x) > 1e-9) {
            s = end - 1;
            continue;
        }
        const char *a = s, *b = end;
        while (a > problem && a[-1] != '.' && a[-1] != ',' && a[-1] != '?')
            a--;
        for (const char *w = a; w < s; w++)   /* start after the last " and " / "then " */
            if (!strncmp(w, " and ", 5) || !strncmp(w, "then ", 5))
                a = w + (w[0] == ' ' ? 5 : 5);
        while (*b && *b != '.' && *b != ',' && *b != '?' && strncmp(b, " and ", 5))
            b++;
        a = skip_ws(a);
        snprintf(out, cap, "%.*s", (int)(b - a), a);
        if (!strncmp(out, "They ", 5) || !strncmp(out, "She ", 4) || !strncmp(out, "He ", 3))
            out[0] = (char)tolower((unsigned char)out[0]);
        return;
    }
}

/* Level 1: a question that points at the quantity step computes. */
static void hint_question(const char *problem, const char *step, char *out, size_t cap)
{
    double v[3];
    int n = numbers_in(step, v, 3);
    char op = 0;
    for (const char *s = step; *s && *s != '='; s++)
        if (s > step && strchr("+-*/", *s) && s[-1] == ' ') {
            op = *s;
            break;
        }
    if (n < 2 || !op) {
        snprintf(out, cap, "What quantity do you need next?");
        return;
    }
    char clause[200];
    clause_with(problem, v[1], clause, sizeof clause);
    if (!clause[0]) {
        snprintf(out, cap, "What do you get from %g and %g next?", v[0], v[1]);
        return;
    }
    const char *q = op == '-' ? "What is left after"
                  : op == '+' ? "How many are there after"
                  : op == '*' ? "How many does that make with"
                              : "How many are in each share after";
    snprintf(out, cap, "%s \"%s\"?", q, clause);
}

void practice_hint(practice *p, const practice_chain *chains, int n, const char *winner,
                   practice_hint_out *out)
{
    memset(out, 0, sizeof *out);
    out->chain = -1;
    if (p->hint_kept != p->n_kept)
        p->hint_level = 0;
    int level = p->hint_level < 3 ? p->hint_level + 1 : 3;

    /* the student's numbers so far */
    double known[256];
    int nk = 0;
    for (int i = 0; i < p->n_steps; i++)
        if (p->steps[i].kept)
            nk += numbers_in(p->steps[i].line, known + nk, 256 - nk > 32 ? 32 : 256 - nk);

    int best = -1, best_score = -1, best_next = -1;
    chain_steps best_cs;
    chain_steps cs;
    for (int i = 0; i < n; i++) {
        if (!trusted(p->pb.text, &chains[i], winner))
            continue;
        out->trusted++;
        memset(&cs, 0, sizeof cs);
        stepcheck_split(chains[i].text, collect_step, &cs);
        int score = 0, next = -1;
        for (int k = 0; k < cs.n; k++) {
            if (has_number(known, nk, cs.s[k].result))
                score++;
            else if (next < 0)
                next = k;
        }
        if (score > best_score) {
            best = i;
            best_score = score;
            best_next = next;
            best_cs = cs;
        }
    }
    if (best < 0) {
        if (level == 1 && p->pb.hint[0]) {
            out->level = 1;
            snprintf(out->text, sizeof out->text, "%s", p->pb.hint);
        } else {
            snprintf(out->text, sizeof out->text,
                     "I'm not sure either; here is what the samples say: no chain checked step "
                     "by step%s%s.", winner && winner[0] ? ", the vote says " : "",
                     winner && winner[0] ? winner : "");
        }
        p->hint_level = out->level;
        p->hint_kept = p->n_kept;
        p->rec.hints++;
        return;
    }
    out->chain = best;
    out->level = level;
    if (best_next < 0) {
        const char *txt[3] = { "You have worked out every quantity: what is the answer?",
                               "The answer is ?", NULL };
        if (level < 3)
            snprintf(out->text, sizeof out->text, "%s", txt[level - 1]);
        else
            snprintf(out->text, sizeof out->text, "The answer is %s.", chains[best].answer);
    } else {
        const char *step = best_cs.s[best_next].text;
        if (level == 1 && p->pb.hint[0] && p->n_kept == 0) {
            snprintf(out->text, sizeof out->text, "%s", p->pb.hint);
        } else if (level == 1) {
            hint_question(p->pb.text, step, out->text, sizeof out->text);
        } else if (level == 2) {
            const char *eq = strrchr(step, '=');
            snprintf(out->text, sizeof out->text, "%.*s= ?", (int)(eq - step), step);
        } else {
            snprintf(out->text, sizeof out->text, "%s", step);
        }
    }
    p->hint_level = level;
    p->hint_kept = p->n_kept;
    p->rec.hints++;
}
