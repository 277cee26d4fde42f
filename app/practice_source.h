/* practice_source: where practice problems come from. Generated ones are
 * drawn from lm/curriculum.c by skill and tier; a set is a teacher's JSON
 * Lines file (man ponder, PRACTICE SETS). */
#ifndef PONDER_PRACTICE_SOURCE_H
#define PONDER_PRACTICE_SOURCE_H
#include <stddef.h>
#include <stdint.h>

#include "tutor/practice.h"

typedef struct {
    practice_problem pb;
    char gold[64];            /* the answer, for the engine only */
} practice_item;

/* Problem number i of a session seeded with seed, practising skill at tier.
 * The same (seed, skill, tier, i) always gives the same problem. */
void practice_generate(uint64_t seed, int skill, int tier, int i, practice_item *out);

typedef struct {
    practice_item *items;     /* owned */
    int n;
    char name[256];           /* the file's base name, for reports */
} practice_set;

/* Reads a set: one JSON object a line with "question" and "answer" (a
 * number or a string holding one), optional "skill" (a skill name) and
 * "hint"; blank lines and lines starting with '#' are skipped. Any other
 * bad line is an error naming file:line. Returns 0, or -1 with a message. */
int practice_set_load(const char *path, practice_set *s, char *err, size_t errlen);
void practice_set_free(practice_set *s);

#endif
