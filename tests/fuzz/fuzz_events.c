/* fuzz_events: reading a transcript, JSON Lines of events (tutor/event.c),
 * as a replay would: split into lines (LF or CRLF; a last line without a
 * newline still counts, and one that does not parse is a torn write, not
 * an error), parse each with event_from_json, apply it to a trace
 * (tutor/trace.c) and draw the trace as DOT (tutor/export.c) and Markdown
 * (tutor/markdown.c). Each event that parses must survive event_to_json ->
 * event_from_json unchanged. A transcript is untrusted input (runs are
 * shared), so the target also checks what an attacker would try: the
 * counts never go negative (UBSan catches a signed overflow on the way),
 * and the write-ups grow linearly with the input, never as nodes times
 * depth (the seed corpus has a 1,000-node chain and vote counts near
 * INT_MAX to start from). */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "tutor/event.h"
#include "tutor/export.h"
#include "tutor/markdown.h"
#include "tutor/trace.h"
#include "tutor/transcript.h"

static void round_trip(const event *ev)
{
    char *js = event_to_json(ev);
    FUZZ_CHECK(js != NULL);
    event again;
    FUZZ_CHECK(event_from_json(js, &again) == 0);
    char *js2 = event_to_json(&again);
    FUZZ_CHECK(js2 && !strcmp(js, js2));
    event *copy = event_dup(&again);
    FUZZ_CHECK(copy != NULL);
    char *js3 = event_to_json(copy);
    FUZZ_CHECK(js3 && !strcmp(js, js3));
    free(js3);
    event_free(copy);
    free(js2);
    event_clear(&again);
    free(js);
}

void fuzz_events(const uint8_t *d, size_t n)
{
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    FUZZ_CHECK(devnull != NULL);
    trace t;
    event_log log;
    trace_init(&t);
    event_log_init(&log);
    size_t at = 0;
    while (at < n) {
        const uint8_t *nl = memchr(d + at, '\n', n - at);
        size_t end = nl ? (size_t)(nl - d) : n;
        size_t len = end - at;
        if (len && d[at + len - 1] == '\r')
            len--;
        char *line = fuzz_str(d + at, len);
        event ev;
        if (event_from_json(line, &ev) == 0) {
            FUZZ_CHECK(ev.kind >= 0 && ev.kind < EV__COUNT);
            round_trip(&ev);
            if (ev.has_votes) {
                FUZZ_CHECK(ev.votes.total >= 0 && ev.votes.no_answer >= 0);
                for (int i = 0; i < ev.votes.n; i++)
                    FUZZ_CHECK(ev.votes.e[i].count >= 0 && ev.votes.e[i].weight >= 0);
            }
            trace_apply(&t, &ev);
            event_log_push(&log, &ev);
            event_clear(&ev);
        }
        free(line);
        at = nl ? end + 1 : n;
    }
    /* The reader replay uses (tutor/transcript.c): what it keeps must be
     * the events that parse, its counts must add up, and its description
     * must be a string. */
    transcript_data td;
    transcript_data_init(&td);
    transcript_parse(&td, (const char *)d, n);
    FUZZ_CHECK(td.n >= 0 && td.bad >= 0 && td.n + td.bad + td.truncated <= td.lines + 1);
    for (int i = 0; i < td.n; i++)
        FUZZ_CHECK(td.ev[i].kind >= 0 && td.ev[i].kind < EV__COUNT);
    char why[256];
    transcript_describe(&td, why, sizeof why);
    FUZZ_CHECK(memchr(why, '\0', sizeof why) != NULL);
    transcript_data_done(&td);
    for (int i = 0; i < t.n; i++)
        FUZZ_CHECK(t.nodes[i].tokens >= 0 && t.nodes[i].think_tokens >= 0);
    export_dot(&t, devnull);
    /* Markdown: a bounded amount of text per input byte (each node's text
     * is written a few times at most, escaped) */
    char *md = NULL;
    size_t md_len = 0;
    FILE *mf = open_memstream(&md, &md_len);
    FUZZ_CHECK(mf != NULL);
    export_markdown(&t, &log, mf);
    fclose(mf);
    FUZZ_CHECK(md_len <= 8192 + 16 * n);
    free(md);
    event_log_done(&log);
    trace_done(&t);
}

FUZZ_ENTRY(fuzz_events)
