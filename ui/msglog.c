/* msglog: see msglog.h. */
#include "ui/msglog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tutor/mem.h"

void msglog_init(msglog *l)
{
    memset(l, 0, sizeof *l);
}

void msglog_done(msglog *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->e[(l->head + i) % MSGLOG_CAP].text);
    msglog_init(l);
}

void msglog_add(msglog *l, ui_role role, time_t when, const char *text)
{
    const msglog_entry *last = msglog_at(l, l->n - 1);
    if (!text || !*text || (last && !strcmp(last->text, text)))
        return;
    msglog_entry *e;
    if (l->n == MSGLOG_CAP) {          /* full: the oldest goes */
        e = &l->e[l->head];
        free(e->text);
        l->head = (l->head + 1) % MSGLOG_CAP;
    } else {
        e = &l->e[(l->head + l->n) % MSGLOG_CAP];
        l->n++;
    }
    e->text = mem_strdup(text);
    e->role = role;
    e->when = when;
}

int msglog_count(const msglog *l) { return l->n; }

const msglog_entry *msglog_at(const msglog *l, int i)
{
    return i >= 0 && i < l->n ? &l->e[(l->head + i) % MSGLOG_CAP] : NULL;
}

char *msglog_text(const msglog *l)
{
    size_t cap = 64, len = 0;
    for (int i = 0; i < l->n; i++)
        cap += strlen(msglog_at(l, i)->text) + 32;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = 0;
    if (l->n == 0)
        len += (size_t)snprintf(out, cap, "No messages yet.\n");
    for (int i = 0; i < l->n; i++) {
        const msglog_entry *e = msglog_at(l, i);
        struct tm tm;
        char stamp[16] = "";
        if (localtime_r(&e->when, &tm))
            strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
        len += (size_t)snprintf(out + len, cap - len, "%s%s  %s\n", i ? "\n" : "", stamp,
                                e->text);
    }
    return out;
}
