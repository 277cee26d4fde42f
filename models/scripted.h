/* scripted: a model that answers from a JSON table, for tests and demos.
 *
 * `scripted:FILE` opens the backend (see models/scripted.c for the file
 * format). These two functions let a test see what a strategy asked, in
 * order. Both take a model from model_open and return 0 / NULL for any
 * model that is not a scripted one. */
#ifndef PONDER_SCRIPTED_H
#define PONDER_SCRIPTED_H
#include "models/model.h"

/* How many samples the model has served since it was opened: every sample
 * of every request, whatever its outcome (reply, error, cancelled). */
int scripted_calls(const model *m);

/* The prompt text of served sample i (0-based, in request order; the text
 * the rules match against). Only the last 4096 are kept; NULL outside
 * that window. Owned by the model; valid until model_close. */
const char *scripted_prompt(const model *m, int i);

#endif
