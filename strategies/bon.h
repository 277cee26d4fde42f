/* bon: see strategies/bon.c. */
#ifndef PONDER_BON_H
#define PONDER_BON_H
#include "strategies/strategy.h"

int strategy_bon(strategy_ctx *ctx);

#endif
