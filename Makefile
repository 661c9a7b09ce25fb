# rtpseal — see README.md. Targets: deps, all (default), test, bench, soak,
# style, format, clean. Variables: IPSEC_MB=deps|system, SAN=1, BENCH=name,
# SOAK_SECONDS=N.

IPSEC_MB ?= deps
SAN ?= 0
BENCH ?=

CC ?= gcc
ifeq ($(CC),cc)
CC := gcc
endif

ifeq ($(SAN),1)
BUILD := build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT := -O1 -g
else
BUILD := build
SAN_FLAGS :=
OPT := -O3 -g
endif
ifeq ($(IPSEC_MB),system)
BUILD := $(BUILD)/ipsec-system
endif
# O=DIR puts this build's outputs in DIR instead (parallel work trees).
ifdef O
BUILD := $(O)
endif

# ipsec-mb: the 2.0 copy that `make deps` unpacked into .deps/, linked with an
# rpath, or the system's (IPSEC_MB=system).
IPSEC_ROOT := $(CURDIR)/.deps/ipsec-mb/usr
ifeq ($(IPSEC_MB),deps)
IPSEC_CFLAGS := -I$(IPSEC_ROOT)/include
IPSEC_LIBS := -L$(IPSEC_ROOT)/lib/x86_64-linux-gnu \
	-Wl,-rpath,$(IPSEC_ROOT)/lib/x86_64-linux-gnu -lIPSec_MB
else ifeq ($(IPSEC_MB),system)
IPSEC_CFLAGS :=
IPSEC_LIBS := -lIPSec_MB
else
$(error IPSEC_MB must be 'deps' or 'system', not '$(IPSEC_MB)')
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS_ALL := -std=gnu11 $(OPT) -march=native -DLINUX -D_GNU_SOURCE -fPIC \
	$(WARN) $(SAN_FLAGS) -MMD -MP -Ilib $(IPSEC_CFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(SAN_FLAGS) $(LDFLAGS)
LIB_LIBS := $(IPSEC_LIBS) -lcrypto

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIBRTPSEAL := $(BUILD)/librtpseal.a

TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRCS := $(filter-out $(TEST_SRCS),$(wildcard tests/unit/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_LIBS := -lcmocka -lsrtp2 -ljansson $(LIB_LIBS)

# app/: the DPDK application. main.c and rtpsealctl.c hold the two programs'
# main(); everything else is linked into both rtpseal and the app tests.
DPDK_CFLAGS := $(shell pkg-config --cflags libdpdk 2>/dev/null | sed 's/-march=[^ ]*//')
DPDK_LIBS := $(shell pkg-config --libs libdpdk 2>/dev/null)
APP_SRCS := $(wildcard app/*.c)
APP_MAIN_SRCS := app/main.c app/rtpsealctl.c
APP_CORE_OBJS := $(filter-out $(APP_MAIN_SRCS:%.c=$(BUILD)/obj/%.o),$(APP_SRCS:%.c=$(BUILD)/obj/%.o))
APP_LIBS := $(DPDK_LIBS) -ljansson -lsrtp2 -lpcap -lpthread -ldl $(LIB_LIBS)
RTPSEAL := $(if $(wildcard app/main.c),$(BUILD)/rtpseal)
RTPSEALCTL := $(if $(wildcard app/rtpsealctl.c),$(BUILD)/rtpsealctl)
APP_TEST_SRCS := $(wildcard tests/app/test_*.c)
APP_TEST_BINS := $(APP_TEST_SRCS:tests/app/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
GEN := $(if $(wildcard perf/rtpseal_gen.c),$(BUILD)/rtpseal-gen)
# Packet observers (lib/rs_observer.h): the examples in conf/observers/ and
# the test observers in tests/observers/, each a shared object.
OBSERVER_SRCS := $(wildcard conf/observers/*.c) $(wildcard tests/observers/*.c)
OBSERVERS := $(foreach f,$(OBSERVER_SRCS),$(BUILD)/observers/$(basename $(notdir $(f))).so)

BENCH_SRCS := $(wildcard perf/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:perf/%.c=$(BUILD)/%)
BENCH_LIBS := -lsrtp2 -lpthread $(LIB_LIBS)

.PHONY: all deps test bench run style format clean check-deps
.DEFAULT_GOAL := all
.SECONDARY:

all: check-deps $(LIBRTPSEAL) $(RTPSEAL) $(RTPSEALCTL) $(GEN) $(TEST_BINS) $(APP_TEST_BINS) \
	$(TOOL_BINS) $(BENCH_BINS) $(OBSERVERS)

deps:
	@bash .ci/deps.sh

# Fast when everything is present (no apt call); installs what is missing.
check-deps:
	@bash .ci/deps.sh --quiet

$(BUILD)/obj/app/%.o: app/%.c
	@mkdir -p $(dir $@)
	$(CC) $(DPDK_CFLAGS) $(CFLAGS_ALL) -Iapp -c $< -o $@

$(BUILD)/obj/tests/app/%.o: tests/app/%.c
	@mkdir -p $(dir $@)
	$(CC) $(DPDK_CFLAGS) $(CFLAGS_ALL) -Iapp -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/rtpseal: $(BUILD)/obj/app/main.o $(APP_CORE_OBJS) $(LIBRTPSEAL)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(APP_LIBS)

$(BUILD)/rtpsealctl: $(BUILD)/obj/app/rtpsealctl.o $(LIBRTPSEAL)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -ljansson $(LIB_LIBS)

$(BUILD)/rtpseal-gen: $(BUILD)/obj/perf/rtpseal_gen.o $(LIBRTPSEAL)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lpcap $(LIB_LIBS)

$(BUILD)/tests/test_app_%: $(BUILD)/obj/tests/app/test_app_%.o $(APP_CORE_OBJS) $(LIBRTPSEAL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(APP_LIBS)

$(BUILD)/observers/%.so: conf/observers/%.c lib/rs_observer.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -shared -o $@ $< $(LDFLAGS_ALL) -lcrypto

$(BUILD)/observers/%.so: tests/observers/%.c lib/rs_observer.h tests/observers/per_worker.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -shared -o $@ $< $(LDFLAGS_ALL) -lcrypto

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIBRTPSEAL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lpcap -lsrtp2 -ljansson $(LIB_LIBS)

$(LIBRTPSEAL): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJS) $(LIBRTPSEAL)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_SUPPORT_OBJS) $(LIBRTPSEAL) $(TEST_LIBS)

$(BUILD)/bench_%: $(BUILD)/obj/perf/bench_%.o $(LIBRTPSEAL)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBRTPSEAL) $(BENCH_LIBS)

test: all
	@RS_VECTORS=$(CURDIR)/tests/vectors RS_SHARED=$(CURDIR)/../shared \
		bash tests/run.sh $(BUILD)

run: all
	@bash perf/run.sh $(BUILD)

# Soak (tests/soak.sh): full rate both ways, 1000 channels, rekey storm,
# churn, injected faults, an observer; exact accounting and flat RSS.
SOAK_SECONDS ?= 600
.PHONY: soak
soak: all
	@BUILD=$(BUILD) SOAK_SECONDS=$(SOAK_SECONDS) bash tests/soak.sh

bench: all
	@bash perf/bench.sh $(BUILD) "$(BENCH)"

STYLE_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

style:
	clang-format --dry-run -Werror $(STYLE_SRCS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -Ilib -Iapp -DLINUX $(STYLE_SRCS)

format:
	clang-format -i $(STYLE_SRCS)

# ---- fuzz: libFuzzer targets (tests/fuzz/) ---------------------------------
# Built with clang from the sources (never the gcc objects) into
# $(BUILD)/fuzz/, with -fsanitize=fuzzer,address,undefined (objects get
# fuzzer-no-link: the same instrumentation, no main). `make fuzz` replays
# tests/fuzz/regressions/<target>/, then fuzzes each target FUZZ_SECONDS on a
# copy of tests/fuzz/corpus/<target>/ and fails if any crashed.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_TARGETS := fuzz_parse fuzz_open fuzz_control fuzz_config
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -g -O1 -march=native -DLINUX -D_GNU_SOURCE -Wall -Wextra \
	-Wno-missing-field-initializers $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP \
	-Ilib -Iapp $(IPSEC_CFLAGS)
FUZZ_LDFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_LIB := $(FUZZ_DIR)/librtpseal.a
FUZZ_APP_CORE_OBJS := $(APP_CORE_OBJS:$(BUILD)/obj/%=$(FUZZ_DIR)/obj/%)

.PHONY: fuzz fuzz-build

$(FUZZ_DIR)/obj/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/app/%.o: app/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(DPDK_CFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(DPDK_CFLAGS) $(FUZZ_CFLAGS) -Werror -c $< -o $@

$(FUZZ_LIB): $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_parse $(FUZZ_DIR)/fuzz_open: $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(LIB_LIBS)

$(FUZZ_DIR)/fuzz_config: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_config.o $(FUZZ_DIR)/obj/app/config.o \
		$(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(DPDK_LIBS) $(LIB_LIBS)

$(FUZZ_DIR)/fuzz_control: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_control.o $(FUZZ_APP_CORE_OBJS) \
		$(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(APP_LIBS)

fuzz-build: check-deps $(FUZZ_BINS)

fuzz: fuzz-build
	@bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
# ---- end fuzz ----------------------------------------------------------------

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
