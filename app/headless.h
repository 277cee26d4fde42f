/* headless: `ponder solve`, the same run without a screen. */
#ifndef PONDER_HEADLESS_H
#define PONDER_HEADLESS_H
#include "app/config.h"

/* Solves one problem ("-" reads stdin). Returns the exit status:
 * 0 answered, 1 the run failed (message on stderr). */
int headless_solve(const app_config *cfg, const char *problem);

#endif
