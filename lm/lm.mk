# lm.mk: the built-in model's tools (included by the top-level Makefile).
# The tools compile lm/*.c themselves (-O3 -march=native for the trainer's
# kernels); lm-train links OpenBLAS, nothing in libponder does.
LM_SRC     := $(wildcard lm/*.c)
LM_HDR     := $(wildcard lm/*.h)
BLAS_FLAGS := $(shell pkg-config --cflags --libs openblas 2>/dev/null || echo -lopenblas)
LM_TOOLFLAGS = $(filter-out -O2 -MMD -MP,$(CFLAGS)) -O3 -march=native

$(BUILD)/lm-train: lm/tools/train.c $(LM_SRC) $(LM_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(LM_TOOLFLAGS) -o $@ lm/tools/train.c $(LM_SRC) $(BLAS_FLAGS) -lm -fopenmp

$(BUILD)/lm-gen: lm/tools/gen.c $(LM_SRC) $(LM_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(LM_TOOLFLAGS) -o $@ lm/tools/gen.c $(LM_SRC) -lm -fopenmp

$(BUILD)/lm-eval: lm/tools/eval.c $(LM_SRC) $(LM_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(LM_TOOLFLAGS) -o $@ lm/tools/eval.c $(LM_SRC) -lm -fopenmp

.PHONY: model bench-model
# Reproduces lm/ponder-tiny.bin from the fixed seed (see lm/README.md for time).
LM_TRAIN_ARGS ?= --seed 1 --steps 11000
model: $(BUILD)/lm-train
	@mkdir -p $(BUILD)/lmrun
	$(BUILD)/lm-train $(LM_TRAIN_ARGS) --dir $(BUILD)/lmrun --out lm/ponder-tiny.bin

bench-model: $(BUILD)/lm-eval
	$(BUILD)/lm-eval lm/ponder-tiny.bin
