/* traits: the names strategy traits and model capabilities have in JSON
 * (run_start's "traits" and "model_caps"). */
#include "tutor/traits.h"

#include <string.h>

static const char *const strat_names[] = { "uses_n", "votes", "tree", "steps" };
static const char *const cap_names[] = { "raw", "logprobs", "native_n", "thinking", "raw_format" };
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const char *name_of(const char *const *names, size_t n, unsigned bit)
{
    for (size_t i = 0; i < n; i++)
        if (bit == 1u << i)
            return names[i];
    return NULL;
}

static unsigned bit_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return 1u << i;
    return 0;
}

const char *strategy_trait_name(unsigned bit) { return name_of(strat_names, COUNT(strat_names), bit); }
unsigned strategy_trait_bit(const char *name) { return bit_of(strat_names, COUNT(strat_names), name); }
const char *model_cap_name(unsigned bit) { return name_of(cap_names, COUNT(cap_names), bit); }
unsigned model_cap_bit(const char *name) { return bit_of(cap_names, COUNT(cap_names), name); }
