/* event: the one stream every run produces (DESIGN.md §2-3).
 *
 * Strategies emit events; the TUI applies them to its view of the trace,
 * `--json` prints them as JSON Lines, transcripts store them. Nothing else
 * crosses from a run to the screen.
 *
 * Ownership: an emitted event borrows its strings (const char *): they stay
 * valid only for the emit call, so a receiver that keeps an event keeps
 * event_dup()'s copy. That copy, and an event filled by event_from_json(),
 * own their strings; event_clear() and event_free() free them. Never call
 * event_clear() on an event whose strings are borrowed. */
#ifndef PONDER_EVENT_H
#define PONDER_EVENT_H
#include "tutor/tally.h"

typedef enum {
    EV_RUN_START,   /* problem, strategy, model, params */
    EV_NODE_ADD,    /* node, parent, node_kind, label */
    EV_TEXT,        /* node, channel, text (a delta), tokens */
    EV_SCORE,       /* node, scores, text (the step checker's mark, e.g.
                     * "5² = 10 ✗, 5² = 25", or NULL) */
    EV_STATUS,      /* node, status, answer (the node's extracted answer, if any),
                     * text (why a node was pruned: "merged with #65", the
                     * checker's mark; NULL otherwise) */
    EV_VOTE,        /* node (the sample that voted), answer, votes (whole tally) */
    EV_USAGE,       /* run totals: tokens_in, tokens_out, thinking_tokens */
    EV_ERROR,       /* node or -1 for the run, text, retryable */
    EV_NOTICE,      /* node or -1: something the user should know that is not an error */
    EV_DONE,        /* answer, votes, confidence, tokens, elapsed_ms, run status */
    EV__COUNT
} event_kind;

typedef enum { NODE_ROOT, NODE_STEP, NODE_SAMPLE, NODE_THOUGHT, NODE_ANSWER } node_kind;
typedef enum { CH_THINKING, CH_ANSWER } channel;
/* NS_TRUNCATED: the sample was cut off by the length limit (max_tokens or
 * the context) before it ended; its text is shown but it never votes. */
typedef enum {
    NS_STREAMING, NS_DONE, NS_PRUNED, NS_CHOSEN, NS_FAILED, NS_CANCELLED, NS_TRUNCATED
} node_status;
/* The run's outcome, carried by EV_DONE. RUN_NO_SOLUTION: a Game of 24
 * run in which no chain's expression solved the puzzle. */
typedef enum { RUN_OK, RUN_NO_ANSWER, RUN_CANCELLED, RUN_FAILED, RUN_NO_SOLUTION } run_status;

/* Scores a node may carry; `has` is a bitmask of SCORE_* saying which are set. */
enum {
    SCORE_VALUE = 1, SCORE_PRM = 2, SCORE_ORM = 4, SCORE_VISITS = 8, SCORE_W = 16,
    SCORE_LOGPROB = 32,
    SCORE_CHECK = 64    /* the step checker's verdict on this node's own step */
};
/* Verdicts of the step checker (tutor/stepcheck.h), carried by SCORE_CHECK. */
typedef enum { CHECK_NONE, CHECK_OK, CHECK_WRONG, CHECK_UNSUPPORTED } check_verdict;
typedef struct {
    unsigned has;
    double value, prm, orm, w, logprob;
    int visits;
    check_verdict check;
} node_scores;

typedef struct event {
    event_kind kind;
    int node;               /* -1 for run-level events */
    /* EV_NODE_ADD */
    int parent;
    node_kind nkind;
    /* EV_TEXT */
    channel ch;
    int tokens;             /* tokens in this delta (0 if unknown) */
    /* EV_TEXT delta, EV_ERROR / EV_NOTICE message, EV_NODE_ADD label,
     * EV_RUN_START problem, EV_STATUS prune reason */
    const char *text;
    /* EV_STATUS, EV_VOTE, EV_DONE: an extracted, normalized answer or NULL */
    const char *answer;
    node_status status;
    node_scores scores;
    int retryable;          /* EV_ERROR */
    tally votes;            /* EV_VOTE, EV_DONE (voting strategies only: has_votes) */
    int has_votes;
    /* EV_RUN_START */
    const char *strategy, *model;
    int n;
    double temperature;
    long long seed;
    int task;               /* 0: a word problem, 1: Game of 24 */
    /* What the run's strategy and model do (tutor/traits.h): the screen
     * asks these, never a name. has_traits is 0 for a transcript written
     * before they were recorded (app/replay.c then fills them in). */
    int has_traits;
    unsigned strategy_traits;   /* STRAT_* */
    unsigned model_caps;        /* CAP_* */
    /* EV_USAGE, EV_DONE */
    long tokens_in, tokens_out, thinking_tokens;
    /* EV_DONE */
    run_status run;
    double confidence;      /* leader's share of the votes, or -1 */
    long elapsed_ms;
    int saved;              /* samples saved by --early-stop */
    int guess;              /* the model said the problem is outside what it knows:
                             * the answer is a guess ("guess": true in JSON) */
} event;

/* A zeroed event of the given kind, node = -1, seed = -1, confidence = -1. */
event event_make(event_kind kind);
/* A heap copy that owns copies of ev's strings and votes; free it with
 * event_free(). */
event *event_dup(const event *ev);
/* Frees the strings and votes of an owned event (from event_dup or
 * event_from_json), not the event itself, and zeroes it. */
void event_clear(event *ev);
/* Frees a heap event from event_dup. */
void event_free(event *ev);

const char *event_kind_name(event_kind k);
const char *node_kind_name(node_kind k);
const char *node_status_name(node_status s);
const char *run_status_name(run_status s);
const char *check_verdict_name(check_verdict c);

/* One JSON object, no newline; caller frees. Keys: "event" plus the
 * fields that kind uses. EV_DONE always has "answer" (string, "" if none). */
char *event_to_json(const event *ev);
/* Parses one line written by event_to_json. Fields it does not know are
 * ignored. Returns 0, or -1 on bad input. */
int event_from_json(const char *line, event *out);

/* The transcript form: event_to_json plus "t", the milliseconds since the
 * run started, when t_ms >= 0. Caller frees. */
char *event_to_json_at(const event *ev, long t_ms);
/* event_from_json that also reads "t" into *t_ms (-1 when absent or not a
 * number >= 0). t_ms may be NULL. */
int event_from_json_at(const char *line, event *out, long *t_ms);

#endif
