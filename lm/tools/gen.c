/* gen.c: lm-gen, dumps curriculum examples.
 *   lm-gen [train|test] [count] [seed-or-tier]
 * train: the training mixture with the given seed (the trainer's stream);
 * test: held-out problems of tier 0..3 (easy, medium, hard, beyond). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm/curriculum.h"

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "train";
    long n = argc > 2 ? atol(argv[2]) : 10;
    unsigned long long arg = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    static const char *const kinds[] = { "cot", "direct", "g24-propose", "g24-value" };
    cur_example ex;
    for (long i = 0; i < n; i++) {
        if (!strcmp(mode, "test")) {
            cur_test_problem((int)arg, (int)i, &ex);
        } else if (!strcmp(mode, "train")) {
            lm_rng r = lm_rng_stream(0x5452414E /* the trainer's domain */, arg, (uint64_t)i);
            cur_train_example(&r, &ex);
        } else {
            fprintf(stderr, "usage: lm-gen [train|test] [count] [seed|tier]\n");
            return 2;
        }
        printf("[%s%s%s] %s|%s\n", kinds[ex.kind], ex.problem[0] ? " " : "",
               ex.problem[0] ? cur_tier_name(ex.tier) : "", ex.prompt, ex.target);
    }
    return 0;
}
