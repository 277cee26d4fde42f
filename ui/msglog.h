/* msglog: every status-line message of the session, kept whole.
 *
 * The status line has one row, so a long notice is cut there; the message
 * log (a key opens it) shows each one in full, oldest first, with the time
 * it was said. It outlives runs; the oldest go once MSGLOG_CAP are kept. */
#ifndef PONDER_UI_MSGLOG_H
#define PONDER_UI_MSGLOG_H
#include <time.h>

#include "ui/theme.h"

enum { MSGLOG_CAP = 200 };

typedef struct {
    char *text;         /* owned */
    ui_role role;
    time_t when;        /* wall clock */
} msglog_entry;

typedef struct {
    msglog_entry e[MSGLOG_CAP];
    int head, n;        /* ring: the oldest is e[head] */
} msglog;

void msglog_init(msglog *l);
void msglog_done(msglog *l);
/* Keeps a copy of text, unless it repeats the newest entry. */
void msglog_add(msglog *l, ui_role role, time_t when, const char *text);
int msglog_count(const msglog *l);
/* Entry i, 0 the oldest; NULL past the end. */
const msglog_entry *msglog_at(const msglog *l, int i);
/* The whole log as text for an overlay, one "HH:MM:SS  message" entry a
 * paragraph, errors marked; caller frees. NULL only if out of memory. */
char *msglog_text(const msglog *l);

#endif
