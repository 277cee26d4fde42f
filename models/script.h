/* script: the scripted backend's JSON file, read into rules. Internal to
 * models/; models/scripted.c says how the rules answer.
 *
 *   { "caps": ["raw", "logprobs"],    optional; also "native_n", "thinking",
 *                                      "raw_format". Default: raw, logprobs
 *     "chunk": 4,                      optional; bytes per streamed chunk,
 *                                      never splitting a UTF-8 sequence.
 *                                      Default: word by word (a run of
 *                                      whitespace, then the word after it)
 *     "rules": [ { "prefix": "...", "suffix": "...", "contains": "...",
 *                  "replies": ["text", {"text": "...", "logprob": -0.7}],
 *                  "thinking": "...",  optional, sent first on CH_THINKING
 *                  "error": "..." },   instead of replies: FINISH_ERROR
 *                ... ],
 *     "default": "text" or {"text": ..., "logprob": ...} }   optional
 *
 * A rule gives any of prefix, suffix, contains (none: it matches every
 * prompt) and exactly one of replies (non-empty) or error. Unknown keys
 * are errors, so a misspelt "sufix" does not silently match everything. */
#ifndef PONDER_SCRIPT_H
#define PONDER_SCRIPT_H
#include <stddef.h>

typedef struct {
    char *text;
    double logprob;
    int has_logprob;
} script_reply;

typedef struct {
    char *prefix, *suffix, *contains;   /* NULL: not tested */
    char *thinking;                     /* NULL: none */
    char *error;                        /* non-NULL: an error rule */
    script_reply *replies;
    int n_replies;
    unsigned long hits;                 /* samples that took a reply here */
} script_rule;

typedef struct {
    script_rule *rules;
    int n_rules;
    script_reply deflt;                 /* text NULL: no default */
    int chunk;                          /* bytes per chunk; 0: word by word */
    unsigned caps;                      /* CAP_* */
} script;

/* Reads the file at path into s. On failure returns -1 with a one-line
 * message in err naming the file (and, for bad JSON, the line, column and
 * byte; for a bad rule, its index), and s holds nothing. */
int script_load(script *s, const char *path, char *err, size_t errlen);
/* Frees what s holds. */
void script_done(script *s);

#endif
