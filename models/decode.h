/* decode: the per-event and per-line decoders of the HTTP backends, apart
 * from their transfers (internal to models/). Each takes one parsed unit of
 * the stream (an SSE event of an OpenAI-compatible server, one NDJSON line
 * of Ollama) and feeds the text, finish reason and usage it carries to the
 * replies. The backends call them from their parser callbacks; tests and
 * fuzz targets call them without any network. */
#ifndef PONDER_DECODE_H
#define PONDER_DECODE_H
#include <stddef.h>
#include "models/reply.h"

/* What one OpenAI-compatible stream has told so far. */
typedef struct {
    reply *replies;             /* nrep samples, starting at replies[0] */
    int nrep;
    int native;                 /* asked for n = nrep: choices[].index picks
                                   the reply; else only index 0 is taken */
    int max_index;              /* highest choices[].index seen, -1 none */
    int saw_done;               /* "[DONE]" arrived */
    int events;                 /* events seen */
} openai_stream;

/* Starts a stream over replies[0..nrep); the replies stay the caller's. */
void openai_stream_init(openai_stream *s, reply *replies, int nrep, int native);
/* One event: `ev` its name, data[0..len) its data (NUL-terminated), or a
 * whole non-streamed reply with ev "message". Returns 0, or -1 with a
 * message for the user in err (the data is not JSON, or the server
 * reported an error). */
int openai_decode_event(openai_stream *s, const char *ev, const char *data,
                        size_t len, char *err, size_t errlen);

/* One Ollama line (line[0..len), NUL-terminated) into r; sets *saw_done
 * on the "done":true line. Returns 0, or -1 with a message in err. */
int ollama_decode_line(reply *r, int *saw_done, const char *line, size_t len,
                       char *err, size_t errlen);

#endif
