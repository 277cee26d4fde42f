/* reply: see reply.h. */
#include "models/reply.h"
#include <stdlib.h>
#include <string.h>

void reply_emit(const model_sink *sink, int req, int sample, channel ch,
                const char *s, size_t n, int tokens, double logprob)
{
    if (!sink || !sink->on_delta)
        return;
    char small[512];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return;
    memcpy(buf, s, n);
    buf[n] = 0;
    sink->on_delta(sink->ud, req, sample, ch, buf, tokens, logprob);
    if (buf != small)
        free(buf);
}

static void deliver(reply *r, channel ch, const char *s, size_t n)
{
    if (!n || r->ended)
        return;
    int tok = r->pending_tokens;
    r->pending_tokens = 0;
    if (ch == CH_THINKING)
        r->thinking_tokens += tok;
    r->has_text = 1;
    reply_emit(r->sink, r->req, r->sample, ch, s, n, tok, 0.0);
}

static void on_split(void *ud, channel ch, const char *s, size_t n)
{
    deliver(ud, ch, s, n);
}

void reply_init(reply *r, const model_sink *sink, int req, int sample)
{
    memset(r, 0, sizeof *r);
    r->sink = sink;
    r->req = req;
    r->sample = sample;
    utf8_stream_init(&r->u_answer);
    utf8_stream_init(&r->u_think);
    thinksplit_init(&r->split, on_split, r);
    r->usage_in = r->usage_out = r->usage_thinking = -1;
}

static void route(reply *r, channel ch, const char *clean, size_t len)
{
    if (ch == CH_ANSWER)
        thinksplit_feed(&r->split, clean, len);
    else
        deliver(r, CH_THINKING, clean, len);
}

void reply_text(reply *r, channel ch, const char *s, size_t n)
{
    if (r->ended || r->capped || !n)
        return;
    r->bytes += n;
    if (r->max_bytes && r->bytes > r->max_bytes) {
        r->capped = 1;
        reply_finish_reason(r, FINISH_LENGTH);
    }
    r->tokens_out++;
    r->pending_tokens++;
    size_t len;
    char *clean = utf8_stream_feed(ch == CH_ANSWER ? &r->u_answer : &r->u_think,
                                   s, n, &len);
    if (!clean)
        return;
    route(r, ch, clean, len);
    free(clean);
}

void reply_finish_reason(reply *r, model_finish f)
{
    if (r->capped)
        f = FINISH_LENGTH;      /* the cap was ponder's own length limit */
    r->finish = f;
    r->has_finish = 1;
}

void reply_usage(reply *r, long in, long out, long thinking)
{
    if (in >= 0) r->usage_in = in;
    if (out >= 0) r->usage_out = out;
    if (thinking >= 0) r->usage_thinking = thinking;
}

void reply_fail(reply *r, int http_status, const char *msg)
{
    if (r->error[0] || r->ended)
        return;
    size_t k = strlen(msg);
    if (k >= sizeof r->error)
        k = sizeof r->error - 1;
    memcpy(r->error, msg, k);
    r->error[k] = 0;
    r->http_status = http_status;
}

int reply_end(reply *r, model_finish how)
{
    if (r->ended)
        return 0;
    /* Flush: held UTF-8 bytes, then a held partial tag. */
    utf8_stream *us[2] = { &r->u_think, &r->u_answer };
    for (int i = 0; i < 2; i++) {
        size_t len;
        char *tail = utf8_stream_flush(us[i], &len);
        if (tail) {
            route(r, i ? CH_ANSWER : CH_THINKING, tail, len);
            free(tail);
        }
    }
    thinksplit_flush(&r->split);
    r->ended = 1;
    model_result res = { 0 };
    res.finish = r->error[0] ? FINISH_ERROR
               : how == FINISH_STOP && r->has_finish ? r->finish : how;
    res.tokens_in = r->usage_in >= 0 ? r->usage_in : r->tokens_in;
    res.tokens_out = r->usage_out >= 0 ? r->usage_out : r->tokens_out;
    res.thinking_tokens = r->usage_thinking >= 0 ? r->usage_thinking
                                                 : r->thinking_tokens;
    res.error = r->error[0] ? r->error : NULL;
    res.http_status = r->http_status;
    if (r->sink && r->sink->on_done)
        r->sink->on_done(r->sink->ud, r->req, r->sample, &res);
    return res.finish == FINISH_ERROR;
}

int reply_end_unstarted(reply *replies, int made, const model_request *reqs, int n_reqs,
                        const model_sink *sink, const char *why)
{
    int errors = 0;
    for (int i = 0, q = 0; i < n_reqs; i++)
        for (int s = 0; s < (reqs[i].n > 1 ? reqs[i].n : 1); s++, q++) {
            if (replies && q < made) {
                reply_fail(&replies[q], 0, why);
                errors += reply_end(&replies[q], FINISH_ERROR);
            } else if (sink && sink->on_done) {
                model_result r = { .finish = FINISH_ERROR, .error = why };
                sink->on_done(sink->ud, i, s, &r);
                errors++;
            }
        }
    return errors;
}
