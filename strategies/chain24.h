/* chain24: Game of 24 chains on the built-in model, which was trained to
 * propose one step for the numbers left ("Numbers: 4 9 10 13 Step:"), not
 * to write a whole solution. A chain is three such steps in a row, each
 * asked with the state the last one left. cot, sc and bon draw their
 * samples this way for --task 24 on the built-in model. */
#ifndef PONDER_CHAIN24_H
#define PONDER_CHAIN24_H
#include "strategies/sample.h"

/* Same contract as sample_run. */
int chain24_run(strategy_ctx *ctx, const sample_spec *spec, sample_outcome *out);

#endif
