/* sc: self-consistency (Wang et al. 2022). */
#ifndef PONDER_SC_H
#define PONDER_SC_H
#include "strategies/strategy.h"

int strategy_sc(strategy_ctx *ctx);

#endif
