/* bkt: Bayesian Knowledge Tracing, one skill at a time (Corbett and
 * Anderson 1995).
 *
 * A skill is either learned or not. p is the probability that it is. Each
 * practice opportunity is observed as right or wrong: a learned skill can
 * still slip, an unlearned one can still guess. After the observation the
 * student may learn the skill (transit). The four parameters are per
 * skill; ponder uses one set for every skill, from config. */
#ifndef PONDER_BKT_H
#define PONDER_BKT_H

typedef struct {
    double p_init;     /* P(L0): known before any practice */
    double p_transit;  /* P(T): learned at an opportunity */
    double p_slip;     /* P(S): wrong although learned */
    double p_guess;    /* P(G): right although not learned */
} bkt_params;

/* Mastery threshold: a skill counts as mastered at p >= BKT_MASTERED. */
#define BKT_MASTERED 0.95

/* Defaults: L0 = 0.1, T = 0.1, S = 0.1, G = 0.2. From L0, four right
 * answers in a row reach mastery (0.40, 0.775, 0.945, 0.989), so one lucky
 * answer never does. */
bkt_params bkt_defaults(void);

/* Returns 0 when every parameter is in [0, 1], p_slip + p_guess < 1 (so a
 * right answer is evidence of learning) and p_init < 1; else -1 and a
 * static message in *why (may be NULL). */
int bkt_check(const bkt_params *b, const char **why);

/* The posterior after one observation, then the transit:
 *   right: L' = L(1-S) / (L(1-S) + (1-L)G)
 *   wrong: L' = L S / (L S + (1-L)(1-G))
 *   next:  L'' = L' + (1-L') T
 * p and the result are in [0, 1]. */
double bkt_update(const bkt_params *b, double p, int correct);

/* P(right at the next opportunity) = L(1-S) + (1-L)G. */
double bkt_p_correct(const bkt_params *b, double p);

#endif
