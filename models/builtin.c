/* builtin: the lm/ engine as a backend. A batch of n samples of one prompt
 * is one lm_generate call: the prompt is prefilled once and the samples
 * decode together.
 *
 * The built-in model has no thinking channel of its own. Its trained output
 * is "step. step. The answer is N.", so the steps go to the thinking
 * channel and the final "The answer is" sentence to the answer channel:
 * the thinking pane shows the work, the answer pane the answer. */
#include "models/backend.h"

#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lm/lm.h"
#include "lm/scope.h"
#include "models/marksplit.h"
#include "tutor/trace.h"

#define WEIGHTS "ponder-tiny.bin"

typedef struct {
    lm_model *lm;
    char path[PATH_MAX];
} builtin;

/* Candidate weight files, in order: the config's path, then beside the
 * binary (a source tree: ./ponder or build/ponder), then the installed
 * data dir relative to the binary, then ./lm. */
static int find_weights(const model *m, char *out, size_t cap)
{
    if (m->builtin_path[0]) {
        snprintf(out, cap, "%s", m->builtin_path);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *rel[] = { "/lm/" WEIGHTS, "/../lm/" WEIGHTS, "/../share/ponder/" WEIGHTS };
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(out, cap, "%s%s", exe, rel[i]);
            if (access(out, R_OK) == 0)
                return 0;
        }
    }
    snprintf(out, cap, "lm/" WEIGHTS);
    return access(out, R_OK) == 0 ? 0 : -1;
}

typedef struct {
    marksplit split;        /* thinking until "The answer is", then answer */
    int tokens;             /* tokens since the last delta was sent */
    int sent;               /* any text sent yet */
    int cancelled;
    int think_tokens;       /* tokens that went to the thinking channel */
    text_buf text;          /* budget forcing: the text so far (not streamed twice) */
    int keep;               /* keep text */
} route;

typedef struct {
    const model_sink *sink;
    atomic_int *cancel;
    int req;
    int sample;             /* the sample whose text is being routed */
    int base;               /* added to sample in callbacks (forcing runs one at a time) */
    route *r;
} gen_state;

static void send(void *ud, channel ch, const char *text, size_t len)
{
    gen_state *g = ud;
    route *r = &g->r[g->sample];
    /* The continuation starts with the space the tokenizer puts before a
     * word or number; a reader should not see it. */
    for (; !r->sent && len && *text == ' '; text++, len--)
        ;
    if (!len || !g->sink->on_delta)
        return;
    r->sent = 1;
    char buf[128];
    while (len) {
        size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
        memcpy(buf, text, n);
        buf[n] = '\0';
        g->sink->on_delta(g->sink->ud, g->req, g->base + g->sample, ch, buf,
                          g->r[g->sample].tokens, 0);
        g->r[g->sample].tokens = 0;
        text += n;
        len -= n;
    }
}

static int on_token(void *ud, int s, const char *piece, float logprob)
{
    (void)logprob;
    gen_state *g = ud;
    g->sample = s;
    g->r[s].tokens++;
    if (!g->r[s].split.answering)
        g->r[s].think_tokens++;
    if (g->r[s].keep)
        text_buf_append(&g->r[s].text, piece, strlen(piece));
    marksplit_feed(&g->r[s].split, piece, strlen(piece), send, g);
    if (g->cancel && atomic_load(g->cancel)) {
        g->r[s].cancelled = 1;
        return 1;
    }
    return 0;
}

/* The built-in model reads only its own raw format; a chat prompt is
 * reduced to its last user message, asked in tutor/prompt.c's trained
 * chain-of-thought format. */
static char *raw_prompt(const prompt *p)
{
    if (p->raw)
        return strdup(p->raw);
    const char *q = "";
    for (int i = 0; i < p->n_msgs; i++)
        if (p->msgs[i].role == ROLE_USER)
            q = p->msgs[i].content;
    prompt raw;
    prompt_build(&raw, PROMPT_COT, q, 1);
    char *s = raw.raw;
    raw.raw = NULL;
    prompt_free(&raw);
    return s;
}

/* Counts the prompt's tokens into *tokens_in and, when the problem is
 * outside the curriculum's forms (lm/scope.h), says so and why. Returns 1
 * then: the model's answer to it is a guess. */
static int notices(model *m, int req, const char *text, const model_sink *sink,
                   long *tokens_in)
{
    builtin *b = m->impl;
    *tokens_in = lm_tokenize(b->lm, text, NULL, 0, NULL, NULL, 0) + 1;
    size_t len = 0;
    const char *q = lm_scope_problem(text, &len);
    if (!q)
        return 0;                   /* a Game-of-24 prompt: the task checks those */
    char *problem = strndup(q, len);
    lm_scope sc;
    int out = problem && lm_scope_check(b->lm, problem, &sc) != 0;
    free(problem);
    if (out && sink->on_notice) {
        char why[512], msg[800];
        lm_scope_describe(&sc, why, sizeof why);
        snprintf(msg, sizeof msg,
                 "This problem is outside what the built-in model knows (%s), "
                 "so its answer is a guess: it was trained only on inventory word problems. "
                 "For problems like this, connect Ollama (--model ollama:NAME) or an API "
                 "(--model openai:NAME).",
                 why);
        sink->on_notice(sink->ud, req, msg);
    }
    return out;
}

/* ---- budget forcing (Muennighoff et al. 2025, "s1") ----
 *
 * The built-in model's thinking is everything before "The answer is". A
 * budget ends the thinking after that many tokens and asks for the answer
 * by writing the mark itself; --min-think replaces a mark that comes too
 * early with "Wait," and lets the model go on. --think maps to budgets in
 * the model's own scale: its chains are 3-6 steps of about 8 tokens. */
enum { MARK_WAITS = 4, ANSWER_TOKENS = 16 };
static const char MARK[] = " The answer is";

static int think_budget(const model_request *rq)
{
    switch (rq->think) {
    case THINK_OFF: return 0;
    case THINK_LOW: return 12;
    case THINK_MEDIUM: return 24;
    case THINK_HIGH: return 48;
    case THINK_BUDGET: return rq->think_budget;
    default: return -1;     /* no budget */
    }
}

static int forcing(const model_request *rq)
{
    /* Only for a prompt that asks for reasoning: search steps and the
     * direct format have no thinking to force. */
    return (think_budget(rq) >= 0 || rq->min_think > 0) && rq->n_stop == 0 &&
           !(rq->prompt->raw && marksplit_ends_with_mark(rq->prompt->raw));
}

/* A seed for a run given none: from the kernel, so runs started in the
 * same second differ (time ^ clock() did not). */
static long long fresh_seed(void)
{
    unsigned long long x = 0;
    if (getrandom(&x, sizeof x, 0) != (ssize_t)sizeof x) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        x = (unsigned long long)ts.tv_nsec * 6364136223846793005ull ^
            (unsigned long long)ts.tv_sec ^ (unsigned long long)getpid() << 32;
    }
    return (long long)(x >> 2);     /* non-negative, with room for seed + s */
}

/* One phase of one sample: continues text with the given stops. */
static int phase(model *m, const char *text, const model_request *rq, int max_tokens,
                 const char *const *stop, int n_stop, long long seed, gen_state *g,
                 lm_sample_result *res, char *err, size_t errlen)
{
    builtin *b = m->impl;
    lm_sample_opts o = {
        .temperature = (float)rq->temperature,
        .top_k = rq->top_k,
        .top_p = rq->top_p > 0 && rq->top_p < 1 ? (float)rq->top_p : 1.0f,
        .seed = (unsigned long long)seed,
        .max_tokens = max_tokens,
        .stop = stop,
        .n_stop = n_stop,
        .want_logprobs = 1,
    };
    int truncated = 0;
    return lm_generate(b->lm, text, 1, &o, on_token, g, NULL, res, &truncated, err, errlen);
}

static int generate_forced(model *m, const model_request *rq, int q, const model_sink *sink,
                           atomic_int *cancel)
{
    builtin *b = m->impl;
    int n = rq->n > 0 ? rq->n : 1, failed = 0, cut = 0, waited = 0;
    int budget = think_budget(rq);
    char *start = raw_prompt(rq->prompt);
    long tokens_in = 0;
    if (!start)
        return n;
    int guess = notices(m, q, start, sink, &tokens_in);
    long long seed = rq->seed >= 0 ? rq->seed : fresh_seed();
    for (int s = 0; s < n; s++) {
        route r = { .keep = 1 };
        marksplit_init(&r.split, 0);
        gen_state g = { .sink = sink, .cancel = cancel, .req = q, .r = &r, .base = s };
        text_buf_append(&r.text, start, strlen(start));
        char err[256] = "";
        int rc = 0, out = 0, thinking = 0;
        double lp = 0;
        const char *const mark_stop[] = { MARK };
        for (int waits = 0;; waits++) {
            int room = budget >= 0 ? budget - thinking : lm_ctx_len(b->lm);
            if (room <= 0) {
                cut++;
                break;
            }
            lm_sample_result res = { 0 };
            int before = r.think_tokens;
            rc = phase(m, r.text.s, rq, room, mark_stop, 1, seed + s + 7919 * waits, &g, &res,
                       err, sizeof err);
            if (rc)
                break;
            out += res.n_tokens;
            lp += res.sum_logprob;
            thinking += r.think_tokens - before;
            if (r.cancelled || res.finish == LM_FINISH_CANCELLED)
                break;
            if (res.finish == LM_FINISH_LENGTH && budget >= 0) {
                cut++;
                break;
            }
            if (res.finish != LM_FINISH_STOP)
                break;              /* the sample ended without an answer */
            if (thinking >= rq->min_think || waits >= MARK_WAITS)
                break;              /* the mark: the answer comes next */
            /* too early: "Wait," instead of the answer (s1) */
            static const char wait[] = " Wait,";
            text_buf_append(&r.text, wait, strlen(wait));
            send(&g, CH_THINKING, wait, strlen(wait));
            waited++;
        }
        if (!rc && !r.cancelled) {
            /* The answer: the mark, then what the model writes after it. */
            text_buf_append(&r.text, MARK, strlen(MARK));
            marksplit_flush(&r.split, send, &g);
            marksplit_init(&r.split, 1);
            send(&g, CH_ANSWER, MARK + 1, strlen(MARK) - 1);
            lm_sample_result res = { 0 };
            rc = phase(m, r.text.s, rq, ANSWER_TOKENS, NULL, 0, seed + s + 104729, &g, &res,
                       err, sizeof err);
            out += res.n_tokens;
            lp += res.sum_logprob;
            marksplit_flush(&r.split, send, &g);
        }
        model_result mr = { .tokens_in = tokens_in, .tokens_out = out,
                            .thinking_tokens = r.think_tokens, .logprob = lp,
                            .has_logprob = 1, .guess = guess };
        if (rc) {
            mr.finish = FINISH_ERROR;
            mr.error = err;
            failed++;
        } else {
            mr.finish = r.cancelled ? FINISH_CANCELLED : FINISH_STOP;
        }
        if (sink->on_done)
            sink->on_done(sink->ud, q, s, &mr);
        free(r.text.s);
    }
    if (sink->on_notice && cut) {
        char msg[200];
        snprintf(msg, sizeof msg, "budget forcing: %d of %d samples were stopped at %d "
                 "thinking tokens and asked for the answer", cut, n, budget);
        sink->on_notice(sink->ud, q, msg);
    }
    if (sink->on_notice && waited) {
        char msg[200];
        snprintf(msg, sizeof msg, "budget forcing: \"Wait,\" replaced an early answer %d "
                 "time%s (--min-think %d); the built-in model never saw \"Wait\" in training",
                 waited, waited == 1 ? "" : "s", rq->min_think);
        sink->on_notice(sink->ud, q, msg);
    }
    free(start);
    return failed;
}

static int builtin_generate(model *m, const model_request *reqs, int n_reqs,
                            const model_sink *sink, atomic_int *cancel)
{
    builtin *b = m->impl;
    int failed = 0;
    /* On a busy machine a fixed team of spinning OpenMP threads fights the
     * other load for the cores: sc -n 16 took 4-10 s instead of 0.2 s with
     * a training run beside it. Dynamic teams size themselves to the idle
     * cores (libgomp reads the load average). The setting is per thread,
     * hence here, on the thread that generates. OMP_DYNAMIC still wins. */
    if (!getenv("OMP_DYNAMIC"))
        omp_set_dynamic(1);
    for (int q = 0; q < n_reqs; q++) {
        const model_request *rq = &reqs[q];
        int n = rq->n > 0 ? rq->n : 1;
        if (forcing(rq)) {
            failed += generate_forced(m, rq, q, sink, cancel);
            continue;
        }
        char *text = raw_prompt(rq->prompt);
        route *r = calloc((size_t)n, sizeof *r);
        lm_sample_result *res = calloc((size_t)n, sizeof *res);
        char err[256] = "";
        int truncated = 0, rc = -1;
        long tokens_in = 0;
        int guess = 0;
        if (text && r && res) {
            guess = notices(m, q, text, sink, &tokens_in);
            /* The direct format ends in the answer's lead-in. */
            int answering = marksplit_ends_with_mark(text);
            for (int s = 0; s < n; s++)
                marksplit_init(&r[s].split, answering);
            lm_sample_opts o = {
                .temperature = (float)rq->temperature,
                .top_k = rq->top_k,
                .top_p = rq->top_p > 0 && rq->top_p < 1 ? (float)rq->top_p : 1.0f,
                .seed = rq->seed >= 0 ? (unsigned long long)rq->seed
                                      : (unsigned long long)fresh_seed(),
                .max_tokens = rq->max_tokens > 0 ? rq->max_tokens : lm_ctx_len(b->lm),
                .stop = rq->stop,
                .n_stop = rq->n_stop,
                .want_logprobs = 1,
            };
            gen_state g = { .sink = sink, .cancel = cancel, .req = q, .r = r };
            rc = lm_generate(b->lm, text, n, &o, on_token, &g, NULL, res, &truncated,
                             err, sizeof err);
            if (rc == 0) {
                for (int s = 0; s < n; s++) {
                    g.sample = s;
                    marksplit_flush(&r[s].split, send, &g);
                }
                if (truncated > 0 && sink->on_notice) {
                    char msg[200];
                    snprintf(msg, sizeof msg,
                             "the problem is longer than the built-in model's context of %d "
                             "tokens: its first %d tokens were dropped",
                             lm_ctx_len(b->lm), truncated);
                    sink->on_notice(sink->ud, q, msg);
                }
            }
        } else {
            snprintf(err, sizeof err, "out of memory");
        }
        for (int s = 0; s < n; s++) {
            model_result mr = { .tokens_in = tokens_in, .guess = guess };
            if (rc != 0) {
                mr.finish = FINISH_ERROR;
                mr.error = err;
                failed++;
            } else {
                mr.tokens_out = res[s].n_tokens;
                mr.thinking_tokens = r[s].think_tokens;
                mr.logprob = res[s].sum_logprob;
                mr.has_logprob = 1;
                if (r[s].cancelled || res[s].finish == LM_FINISH_CANCELLED)
                    mr.finish = FINISH_CANCELLED;
                else if (res[s].finish == LM_FINISH_LENGTH || res[s].finish == LM_FINISH_CONTEXT)
                    mr.finish = FINISH_LENGTH;
                else
                    mr.finish = FINISH_STOP;
            }
            if (sink->on_done)
                sink->on_done(sink->ud, q, s, &mr);
        }
        free(text);
        free(r);
        free(res);
    }
    return failed;
}

static void builtin_close(model *m)
{
    lm_free(((builtin *)m->impl)->lm);
}

static const backend_ops OPS = { builtin_generate, builtin_close };

int builtin_open(model *m, char *err, size_t errlen)
{
    builtin *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (find_weights(m, b->path, sizeof b->path) < 0) {
        snprintf(err, errlen,
                 "the built-in model's weights (%s) were not found beside ponder or in ./lm; "
                 "run `make model` to train them, set [builtin] weights in config.ini, or use "
                 "--model ollama:NAME, --model llamacpp or --model openai:NAME", WEIGHTS);
        free(b);
        return -1;
    }
    char lerr[300];
    b->lm = lm_load(b->path, lerr, sizeof lerr);
    if (!b->lm) {
        snprintf(err, errlen, "the built-in model could not be loaded: %s; "
                 "use --model ollama:NAME, --model llamacpp or --model openai:NAME instead", lerr);
        free(b);
        return -1;
    }
    snprintf(m->url, sizeof m->url, "%s", "");
    m->caps = CAP_RAW | CAP_LOGPROBS | CAP_NATIVE_N | CAP_RAW_FORMAT;
    m->ops = &OPS;
    m->impl = b;
    return 0;
}
