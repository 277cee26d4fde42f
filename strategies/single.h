/* single: the one-sample strategies, direct, cot and fewshot. They differ
 * only in the prompt they send. */
#ifndef PONDER_SINGLE_H
#define PONDER_SINGLE_H
#include "strategies/strategy.h"

int strategy_direct(strategy_ctx *ctx);
int strategy_cot(strategy_ctx *ctx);
int strategy_fewshot(strategy_ctx *ctx);

#endif
