# lm.mk: the built-in model's tools (included by the top-level Makefile).
# The tools compile lm/*.c themselves (-O3 -march=native for the trainer's
# kernels); lm-train links OpenBLAS, nothing in libponder does.
LM_SRC     := $(wildcard lm/*.c)
LM_HDR     := $(wildcard lm/*.h)
BLAS_FLAGS := $(shell pkg-config --cflags --libs openblas 2>/dev/null || echo -lopenblas)
LM_TOOLFLAGS = $(filter-out -O2 -MMD -MP,$(ALL_CFLAGS)) -O3 -march=native

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
# Reproduces lm/ponder-tiny.bin from seed 1, as it was trained: 7730 steps of a
# 11000-step schedule, then the schedule stretched to 13000 steps. Needs 2
# OpenMP threads for bit-identical weights. About 1.5 h on this machine.
model: $(BUILD)/lm-train
	@mkdir -p $(BUILD)/lmrun
	OMP_NUM_THREADS=2 $(BUILD)/lm-train --seed 1 --steps 11000 --stop-at 7730 --dir $(BUILD)/lmrun
	OMP_NUM_THREADS=2 $(BUILD)/lm-train --seed 1 --steps 13000 --resume --dir $(BUILD)/lmrun \
	  --out lm/ponder-tiny.bin

# The report: accuracy per tier and engine speed (lm-eval), then the
# whole-program figures (ponder solve wall time, TUI peak RSS with the model).
bench-model: $(BUILD)/lm-eval $(BUILD)/ponder $(BUILD)/bench/bench_startup
	$(BUILD)/lm-eval lm/ponder-tiny.bin
	@BUILD=$(BUILD) PONDER=$(CURDIR)/$(BUILD)/ponder tests/bench/model.sh
