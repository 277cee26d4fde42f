# make fuzz: one libFuzzer program per parser (tests/fuzz/fuzz_*.c), built
# with clang into build-fuzz/, then run by tests/fuzz/run.sh.
#
# The product sources the targets use are compiled again with clang, with
# coverage (fuzzer-no-link), ASan and UBSan, into build-fuzz/libponder.a;
# the linker takes from it only the objects a target reaches, and each
# target names the system libraries those objects need (FUZZ_LIBS_*).

FUZZ_BUILD   := build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := sse ndjson openai ollama answer stepcheck game24 config theme events anthropic

FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED \
               -O1 -g $(WARN) -I. $(PKG_CFLAGS) -fopenmp $(FUZZ_SAN) \
               -fsanitize=fuzzer-no-link -Wno-pass-failed -MMD -MP
FUZZ_LIB_SRC := $(filter-out ui/% app/%,$(LIB_SRC)) app/config.c ui/theme.c
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

FUZZ_LIBS_openai    := -lcjson -lcurl
FUZZ_LIBS_ollama    := -lcjson -lcurl
FUZZ_LIBS_stepcheck := -lm
FUZZ_LIBS_game24    := -lm
FUZZ_LIBS_events    := -lcjson -lm
FUZZ_LIBS_anthropic := -lcjson -lm
FUZZ_LIBS_theme     := -linih $(shell pkg-config --libs ncursesw 2>/dev/null)
FUZZ_LIBS_config    := -linih -lcjson -lcurl -lm -lpthread -fopenmp

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_LIBFUZZER -c -o $@ $<

$(FUZZ_BUILD)/libponder.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/libponder.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(FUZZ_LIBS_$*)

# The regression replay is a normal cmocka program, built by $(CC) with the
# same harness functions (without libFuzzer's entry points).
FUZZ_HARNESS := $(wildcard tests/fuzz/fuzz_*.c)
$(BUILD)/tests/test_fuzz_regress: tests/unit/test_fuzz_regress.c $(FUZZ_HARNESS) \
                                  tests/fuzz/fuzz.h tests/fuzz/sink.h $(BUILD)/libponder.a
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -o $@ tests/unit/test_fuzz_regress.c \
	  $(FUZZ_HARNESS) $(BUILD)/libponder.a $(CMOCKA) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# Keep the harness objects, so a second `make fuzz` rebuilds nothing.
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/tests/fuzz/fuzz_%.o)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/tests/fuzz/fuzz_%.d)
