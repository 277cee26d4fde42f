# ponder: see README.md for the two commands, ARCHITECTURE.md for the layout.
#
# `make run` and `make test` first run scripts/deps.sh, which installs any
# missing Debian package, then re-enter make so pkg-config sees them.

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS    := ncursesw libcurl libcjson readline inih

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA     := $(shell pkg-config --cflags --libs cmocka 2>/dev/null)

# The flags a user may set: OPT replaces -O2 -g; CFLAGS (`make CFLAGS+=-DX`)
# and EXTRA_CFLAGS (`make EXTRA_CFLAGS=-Werror`, what CI does) are added
# after the project's own flags, and LDFLAGS and EXTRA_LDFLAGS at link time.
# The project's flags live in ALL_CFLAGS, so no user setting drops them.
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes
OPENMP  ?= -fopenmp
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED \
              $(OPT) $(WARN) -I. $(PKG_CFLAGS) $(OPENMP) -MMD -MP $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lpthread -lm $(OPENMP) $(LDFLAGS) $(EXTRA_LDFLAGS)

# Every .c under the product folders is part of libponder, except main.
LIB_SRC := $(wildcard tutor/*.c lm/*.c models/*.c strategies/*.c ui/*.c) \
           $(filter-out app/main.c,$(wildcard app/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_SRC  := $(wildcard tests/e2e/test_*.c)
UNIT_BIN += $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/%)

.PHONY: all run test test-only asan tsan tsan-only mutants valgrind fuzz fuzz-build bench bench-24 bench-think \
        install deps clean
all: ponder

# Copy then rename, so a ./ponder that is running is never written into.
ponder: $(BUILD)/ponder
	@cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/ponder: $(BUILD)/app/main.o $(BUILD)/libponder.a
	$(CC) -o $@ $^ $(LDLIBS)

$(BUILD)/libponder.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Tests that count or slow down system calls wrap them at link time.
$(BUILD)/tests/test_transcript: TEST_LDFLAGS := -Wl,--wrap=fsync,--wrap=write
$(BUILD)/tests/test_runner: TEST_LDFLAGS := -Wl,--wrap=fsync

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libponder.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libponder.a $(CMOCKA) $(LDLIBS) $(TEST_LDFLAGS)

$(BUILD)/tests/%: tests/e2e/%.c $(BUILD)/libponder.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libponder.a $(CMOCKA) $(LDLIBS)

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libponder.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libponder.a $(LDLIBS) -lutil

include $(wildcard lm/lm.mk)
include tests/fuzz/fuzz.mk

deps:
	@scripts/deps.sh

run: deps
	@$(MAKE) --no-print-directory ponder
	./ponder

# The whole suite: unit (cmocka), end to end (fixture servers), TUI (tmux).
test: deps
	@$(MAKE) --no-print-directory test-only

test-only: $(BUILD)/ponder $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run.sh

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test-only

# The threaded tests under ThreadSanitizer: the run thread (test_runner),
# the backends over HTTP, the built-in engine and the end-to-end programs,
# which also run build-tsan/ponder. The build keeps -fopenmp (lm/gpt.c asks
# omp_get_max_threads) but runs one OpenMP thread: libgomp is not built
# with TSan, so its barriers would be reported as races (tests/tsan.supp).
TSAN_TESTS := test_runner test_backends test_anthropic_backend test_model_faults test_faults \
              test_builtin test_lm_engine test_builtin_solve test_solve test_search_http \
              test_anthropic_solve test_transcripts
tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT="-O1 -g -fsanitize=thread" \
	  EXTRA_LDFLAGS="-fsanitize=thread" tsan-only

tsan-only: $(BUILD)/ponder $(TSAN_TESTS:%=$(BUILD)/tests/%)
	@OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  BUILD=$(BUILD) tests/run.sh $(TSAN_TESTS)

# Small deliberate bugs in the product (tests/mutants/mutants.txt), each
# built in a scratch copy and run against the tests that should catch it;
# fails if any survives or no longer applies.
mutants: deps
	@tests/mutants/run.sh

# Every libFuzzer target for FUZZ_SECONDS each (tests/fuzz/run.sh); fails
# if any of them crashes.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: deps
	@$(MAKE) --no-print-directory ponder $(BUILD)/bench/bench_startup $(BUILD)/bench/bench_tree \
	  $(BUILD)/bench/bench_load $(BUILD)/bench/bench_practice
	@BUILD=$(BUILD) tests/bench/run.sh

# ponder solve --json under valgrind against the fixture: no leaks.
valgrind: deps
	@$(MAKE) --no-print-directory ponder
	@BUILD=$(BUILD) tests/bench/valgrind.sh

# The ToT paper's Table 2 on the built-in model: puzzles 900-999 of data/24.csv.
bench-24: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench/bench_24
	@OMP_NUM_THREADS=$${OMP_NUM_THREADS:-$$(nproc)} $(BUILD)/bench/bench_24 data/24.csv 900 100

# Thinking length against accuracy: budget forcing on the built-in model.
bench-think: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench/bench_think
	@$(BUILD)/bench/bench_think 100

install: ponder
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/ponder/themes
	install -m 755 ponder $(DESTDIR)$(PREFIX)/bin/ponder
	install -m 644 man/ponder.1 $(DESTDIR)$(PREFIX)/share/man/man1/ponder.1
	install -m 644 themes/*.theme $(DESTDIR)$(PREFIX)/share/ponder/themes/
	if [ -f lm/ponder-tiny.bin ]; then install -m 644 lm/ponder-tiny.bin $(DESTDIR)$(PREFIX)/share/ponder/; fi

clean:
	rm -rf build build-asan build-tsan build-fuzz ponder

# Each object's and each test program's header dependencies (-MMD -MP), so a
# header change rebuilds every object and test that includes it.
-include $(LIB_OBJ:.o=.d) $(BUILD)/app/main.d $(UNIT_BIN:=.d) $(wildcard $(BUILD)/bench/*.d)
