/* mcts: see strategies/mcts.c. */
#ifndef PONDER_MCTS_H
#define PONDER_MCTS_H
#include "strategies/strategy.h"

int strategy_mcts(strategy_ctx *ctx);

#endif
