/* tot: Tree of Thoughts (Yao et al. 2023): propose, value, BFS or DFS. */
#ifndef PONDER_TOT_H
#define PONDER_TOT_H
#include "strategies/strategy.h"

int strategy_tot(strategy_ctx *ctx);

#endif
