/* fuzz_config: config.ini as app/config.c reads it (inih, then every
 * key's parser), from memory through config_parse_string. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "app/config.h"

void fuzz_config(const uint8_t *d, size_t n)
{
    char *text = fuzz_str(d, n);
    app_config c;
    config_defaults(&c);
    int rc = config_parse_string(&c, text, "fuzz.ini");
    FUZZ_CHECK(rc == 0 || c.warning[0]);
    /* the same text read again gives the same settings and the same word */
    app_config again;
    config_defaults(&again);
    FUZZ_CHECK(config_parse_string(&again, text, "fuzz.ini") == rc);
    FUZZ_CHECK(!strcmp(again.warning, c.warning) && !strcmp(again.model, c.model) &&
               !strcmp(again.strategy, c.strategy) && again.strat.n == c.strat.n);
    FUZZ_CHECK(strlen(c.warning) < sizeof c.warning);
    FUZZ_CHECK(c.strat.name == c.strategy);
    model_config mc;
    config_model(&c, &mc);
    FUZZ_CHECK(mc.spec == c.model);
    free(text);
}

FUZZ_ENTRY(fuzz_config)
