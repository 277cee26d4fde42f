/* transcript: a run's events saved as they happen, and read back.
 *
 * A transcript is JSON Lines: one event_to_json_at() object a line, each
 * with "t", the milliseconds since the run started. The writer sends each
 * line to the kernel with one write() as the event arrives, so a crash or
 * kill -9 loses at most the line being written; transcript_close() fsyncs.
 * The reader takes what a killed run left: a cut final line is skipped and
 * counted, garbage lines are skipped and their numbers kept. Where the
 * files live is app/'s business (app/runs.c); this module only does IO. */
#ifndef PONDER_TRANSCRIPT_H
#define PONDER_TRANSCRIPT_H
#include <stddef.h>
#include "tutor/event.h"

/* ---- writing ---- */

typedef struct transcript_writer transcript_writer;

/* Creates path (which must not exist yet; mode 0600). Returns NULL with
 * "path: reason" in err. */
transcript_writer *transcript_create(const char *path, char *err, size_t errlen);
/* Appends ev with its time. After the first failure (disk full, ...) the
 * writer stops writing, so the file never holds a line cut in the middle
 * followed by more lines. Returns 0, or -1 with the reason in err the first
 * time only (later calls return -1 with err untouched). */
int transcript_write(transcript_writer *w, const event *ev, long t_ms,
                     char *err, size_t errlen);
/* fsync and close; frees w (NULL is fine). Returns 0, or -1 with a message
 * when the fsync or close failed and no write had failed before. */
int transcript_close(transcript_writer *w, char *err, size_t errlen);
/* The file being written (owned by w). */
const char *transcript_path(const transcript_writer *w);

/* ---- reading ---- */

enum { TRANSCRIPT_BAD_KEPT = 8 };   /* garbage line numbers remembered */
/* transcript_load reads at most this much: a transcript is untrusted input
 * (runs are shared), and a real run's is a few MB at most. */
enum { TRANSCRIPT_MAX_BYTES = 64 << 20 };

typedef struct {
    event *ev;          /* the events, in order (owned) */
    long *t_ms;         /* each event's time, -1 when it has none */
    int n, cap;
    int lines;          /* lines seen (a cut final line included) */
    int truncated;      /* 1 when the final line was cut off (skipped) */
    int bad;            /* garbage lines skipped */
    int bad_line[TRANSCRIPT_BAD_KEPT];  /* the first ones' numbers (from 1) */
    int has_done;       /* an EV_DONE was read: the run ended */
    int too_big;        /* the file passed TRANSCRIPT_MAX_BYTES: the rest was not read */
} transcript_data;

void transcript_data_init(transcript_data *d);
void transcript_data_done(transcript_data *d);
/* Parses len bytes of JSON Lines (no NUL needed; NULs make a line
 * garbage). Appends to d. Never fails: what cannot be read is counted. */
void transcript_parse(transcript_data *d, const char *buf, size_t len);
/* Reads a file into d, at most TRANSCRIPT_MAX_BYTES of it (too_big says
 * when there was more). Returns 0, or -1 with "path: reason". */
int transcript_load(const char *path, transcript_data *d, char *err, size_t errlen);
/* "skipped 2 unreadable lines (3, 9); the last line was cut off", or ""
 * when every line was read. */
void transcript_describe(const transcript_data *d, char *buf, size_t cap);

#endif
