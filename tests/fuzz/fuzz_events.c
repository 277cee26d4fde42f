/* fuzz_events: reading a transcript, JSON Lines of events (tutor/event.c),
 * as a replay would: split into lines (LF or CRLF; a last line without a
 * newline still counts, and one that does not parse is a torn write, not
 * an error), parse each with event_from_json, apply it to a trace
 * (tutor/trace.c) and draw the trace as DOT (tutor/export.c). Each event
 * that parses must survive event_to_json -> event_from_json unchanged. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "tutor/event.h"
#include "tutor/export.h"
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
    trace_init(&t);
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
            trace_apply(&t, &ev);
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
    export_dot(&t, devnull);
    trace_done(&t);
}

FUZZ_ENTRY(fuzz_events)
