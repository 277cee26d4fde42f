/* tally: the majority vote over extracted answers (self-consistency).
 *
 * Answers are compared as normalized strings (see answer.h), so "45",
 * "45.0" and "$45" are one candidate. Entries are kept sorted by count,
 * descending (or by weight, for weighted votes), ties broken by first
 * arrival, so e[0] is always the leader. */
#ifndef PONDER_TALLY_H
#define PONDER_TALLY_H

typedef struct {
    char *answer;   /* owned, normalized */
    int count;
    int first;      /* arrival order of its first vote, for stable ties */
    double weight;  /* sum of the votes' weights (1 each for a plain vote) */
} tally_entry;

typedef struct {
    tally_entry *e;
    int n, cap;
    int no_answer;  /* samples that finished without an extractable answer */
    int total;      /* all samples counted, with or without an answer */
    int weighted;   /* some vote had a weight other than 1: rank by weight
                     * (weighted best-of-N, MCTS visits) instead of count */
} tally;

void tally_init(tally *t);
void tally_done(tally *t);
/* Counts one finished sample; answer NULL or "" means no answer. */
void tally_add(tally *t, const char *answer);
/* Counts one sample whose vote weighs w (>= 0), e.g. a verifier's score.
 * Once any vote is weighted, entries rank by weight. */
void tally_add_weighted(tally *t, const char *answer, double w);
/* The entry's weight, or 0. */
double tally_weight(const tally *t, const char *answer);
/* Deep copy into dst (dst need not be initialized). */
void tally_copy(tally *dst, const tally *src);
/* Leader's answer, or NULL with no votes. *tied (may be NULL) is set to the
 * number of other answers with the leader's count. */
const char *tally_leader(const tally *t, int *tied);
int tally_count(const tally *t, const char *answer);
/* 1 when the leader can no longer be overtaken or tied with `remaining`
 * samples still to come (used by --early-stop). */
int tally_decided(const tally *t, int remaining);

#endif
