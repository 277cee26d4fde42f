/* traits: what a run's strategy and model do, named once.
 *
 * The strategy registry (strategies/strategy.c) and the backends (models/)
 * set them, and run_start carries them, so the screen, headless output and
 * replays ask a trait, never a strategy's or a model's name. Adding a
 * strategy then touches its own file and the registry only. Bits live here,
 * in tutor/, because ui/ may read an event but not the registry. */
#ifndef PONDER_TRAITS_H
#define PONDER_TRAITS_H

/* What a strategy does. */
enum {
    STRAT_USES_N = 1,   /* N (samples, beams, breadth, proposals) changes the run */
    STRAT_VOTES = 2,    /* the answer is a vote over sampled chains */
    STRAT_TREE = 4,     /* grows a search tree worth exploring */
    STRAT_STEPS = 8     /* asks the model for one step at a time */
};

/* What a backend can do (model_caps()). */
enum {
    CAP_RAW = 1,        /* continue a raw prefix */
    CAP_LOGPROBS = 2,
    CAP_NATIVE_N = 4,   /* one request returns n samples */
    CAP_THINKING = 8,   /* separate thinking channel */
    CAP_RAW_FORMAT = 16 /* prompts must use the built-in trained raw format:
                         * its "thinking" is the worked steps, the lesson */
};

/* The JSON names of single bits ("uses_n", "raw", ...), NULL for an
 * unknown bit; and the bit a name stands for, 0 when unknown. */
const char *strategy_trait_name(unsigned bit);
unsigned strategy_trait_bit(const char *name);
const char *model_cap_name(unsigned bit);
unsigned model_cap_bit(const char *name);

#endif
