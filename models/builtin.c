/* builtin: the built-in model's place in the backend table. The lm/ engine
 * is not part of this build yet, so opening it fails with directions to a
 * server; the lead replaces this file when lm/ lands. */
#include "models/backend.h"
#include <stdio.h>

int builtin_open(model *m, char *err, size_t errlen)
{
    const char *where = m->builtin_path[0] ? m->builtin_path
                                           : "the default search path";
    snprintf(err, errlen,
             "the built-in model is not available in this build (no weights "
             "at %s); use --model ollama:NAME with Ollama running "
             "(`ollama serve`, `ollama pull NAME`), or --model llamacpp with "
             "llama-server on http://127.0.0.1:8080, or --model openai:NAME "
             "with OPENAI_API_KEY set", where);
    return -1;
}
