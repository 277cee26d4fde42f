/* progress: a student's mastery and record, kept in
 * $XDG_DATA_HOME/ponder/progress.json (issue 11).
 *
 * One file holds every student's profile under "students". Saving reads
 * the file again, replaces only this student's profile and writes the
 * whole file through tutor/atomicfile.c (temporary file, fsync, rename), so
 * a kill -9 at any moment leaves the old file or the new one, never half.
 * Mastery is BKT (tutor/bkt.h), one p per skill. */
#ifndef PONDER_PROGRESS_H
#define PONDER_PROGRESS_H
#include <stddef.h>
#include <stdio.h>

#include "tutor/bkt.h"
#include "tutor/practice.h"

typedef struct {
    double p;                 /* P(learned), BKT */
    int done, right, hints;   /* problems, right at the first try without help, hints */
} progress_skill;

typedef struct {
    char student[64];
    progress_skill skill[SKILL_N];
    int done, solved, hints;  /* problems finished; answered right (any try); hints */
    int streak, best_streak;  /* right at the first try without help, in a row */
    char sets[4][128];        /* the sets practised, newest first */
} progress;

/* $XDG_DATA_HOME/ponder/progress.json (the directory is created). */
int progress_default_path(char *buf, size_t cap);

/* A fresh profile: every p at b->p_init. */
void progress_init(progress *pr, const char *student, const bkt_params *b);
/* Reads student's profile from path. A missing file or student gives a
 * fresh profile and 0. A file that is not a progress file is -1 with a
 * message, and is never overwritten by progress_save. */
int progress_load(const char *path, const char *student, const bkt_params *b, progress *pr,
                  char *err, size_t errlen);
/* Writes pr into path, keeping every other student. 0, or -1 with a message. */
int progress_save(const char *path, const progress *pr, char *err, size_t errlen);

/* A BKT observation: right at the first try, with no wrong step and no hint. */
int progress_first_try(const practice_record *rec);
/* Counts one finished problem of skill, from set (NULL or "" generated). */
void progress_record(progress *pr, const bkt_params *b, int skill, const practice_record *rec,
                     const char *set);
/* The weakest skill not yet mastered (p < BKT_MASTERED), or the weakest of
 * all when every one is. Ties go to the earlier skill. */
int progress_next_skill(const progress *pr);

/* `ponder progress`: a table per skill. */
void progress_print(FILE *f, const progress *pr);
/* A report for a teacher: FILE.md or FILE.csv. flags as atomicfile's. */
int progress_export(const progress *pr, const char *path, int flags, char *err, size_t errlen);

#endif
