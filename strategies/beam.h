/* beam: see strategies/beam.c. */
#ifndef PONDER_BEAM_H
#define PONDER_BEAM_H
#include "strategies/strategy.h"

int strategy_beam(strategy_ctx *ctx);

#endif
