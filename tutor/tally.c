/* tally: majority vote over normalized answers. */
#include "tutor/tally.h"
#include "tutor/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
}

void tally_done(tally *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->e[i].answer);
    free(t->e);
    memset(t, 0, sizeof *t);
}

/* Entry i precedes entry j: more votes (or weight), or as many and arrived
 * first. */
static int ahead(const tally *t, const tally_entry *i, const tally_entry *j)
{
    if (t->weighted)
        return i->weight > j->weight || (i->weight == j->weight && i->first < j->first);
    return i->count > j->count || (i->count == j->count && i->first < j->first);
}

/* Insertion sort: after one add only one entry is out of place, but a
 * switch to weighted ranking can reorder them all. */
static void resort(tally *t)
{
    for (int i = 1; i < t->n; i++)
        for (int j = i; j > 0 && ahead(t, &t->e[j], &t->e[j - 1]); j--) {
            tally_entry tmp = t->e[j - 1];
            t->e[j - 1] = t->e[j];
            t->e[j] = tmp;
        }
}

void tally_add(tally *t, const char *answer)
{
    tally_add_weighted(t, answer, 1.0);
}

/* The entry for answer, or NULL when it has no votes yet. */
static const tally_entry *find(const tally *t, const char *answer)
{
    if (!t || !answer)
        return NULL;
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->e[i].answer, answer) == 0)
            return &t->e[i];
    return NULL;
}

double tally_weight(const tally *t, const char *answer)
{
    const tally_entry *e = find(t, answer);
    return e ? e->weight : 0;
}

void tally_add_weighted(tally *t, const char *answer, double w)
{
    if (!(w >= 0) || w > 1e300)
        w = 0;
    if (w != 1.0)
        t->weighted = 1;
    int arrival = t->total++;
    if (!answer || !*answer) {
        t->no_answer++;
        return;
    }
    int i = 0;
    while (i < t->n && strcmp(t->e[i].answer, answer) != 0)
        i++;
    if (i == t->n) {
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 8;
            t->e = mem_realloc(t->e, (size_t)t->cap * sizeof *t->e);
        }
        t->e[t->n++] = (tally_entry){ mem_strdup(answer), 0, arrival, 0 };
    }
    t->e[i].count++;
    t->e[i].weight += w;
    resort(t);
}

void tally_copy(tally *dst, const tally *src)
{
    tally_init(dst);
    if (!src)
        return;
    dst->no_answer = src->no_answer;
    dst->total = src->total;
    dst->weighted = src->weighted;
    if (src->n <= 0)
        return;
    dst->e = mem_realloc(NULL, (size_t)src->n * sizeof *dst->e);
    dst->cap = dst->n = src->n;
    for (int i = 0; i < src->n; i++) {
        dst->e[i] = src->e[i];
        dst->e[i].answer = mem_strdup(src->e[i].answer ? src->e[i].answer : "");
    }
}

const char *tally_leader(const tally *t, int *tied)
{
    if (tied)
        *tied = 0;
    if (!t || t->n == 0)
        return NULL;
    if (tied)
        for (int i = 1; i < t->n; i++) {
            if (t->weighted ? t->e[i].weight != t->e[0].weight
                            : t->e[i].count != t->e[0].count)
                break;
            (*tied)++;
        }
    return t->e[0].answer;
}

int tally_count(const tally *t, const char *answer)
{
    const tally_entry *e = find(t, answer);
    return e ? e->count : 0;
}

/* The leader is safe iff lead > second + remaining: even if every remaining
 * sample went to the runner-up (or to an answer not yet seen, which starts
 * at 0), it could at best come within one vote. A current tie, or an empty
 * tally, is never decided, even with nothing remaining. */
int tally_decided(const tally *t, int remaining)
{
    if (!t || t->n == 0 || t->weighted)
        return 0;
    if (remaining < 0)
        remaining = 0;
    int second = t->n > 1 ? t->e[1].count : 0;
    return t->e[0].count > second + remaining;
}
