# ebrec build. `make` builds ./ebrec; `make test`, `make demo` and `make deps` as in README.md.
# V=1 shows commands; SANITIZE=1 builds everything with ASan + UBSan (into build-san/).
.DELETE_ON_ERROR:
.SUFFIXES:

CC ?= cc
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
PYTHON ?= /usr/bin/python3
ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')

ifeq ($(SANITIZE),1)
BUILD := build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build
SAN_FLAGS :=
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat-security \
	-Wno-unused-parameter
ifneq ($(CI),)
WARN += -Werror
endif

# zlib: pprof profiles are gzip'd by definition (report/export_pprof.c); zstd cannot write gzip;
# libtraceevent: tracepoint format files, parsed and printed as trace-cmd and perf do
PKGS := libbpf libelf libzstd libdw zlib libtraceevent
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(WARN) $(SAN_FLAGS) -I. -I$(BUILD) -MMD -MP \
	-D_GNU_SOURCE $(PKG_CFLAGS)
# libiberty (static): the C++ and Rust demanglers of binutils and perf (analyze/demangle.c)
DEMANGLE_LIBS := -liberty
LDLIBS := $(PKG_LIBS) $(DEMANGLE_LIBS) -lpthread -lm
# the multiarch include directory: libbpf's usdt.bpf.h includes <linux/errno.h>, whose
# <asm/errno.h> lives there on Debian
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf -I. -Wall -Wno-unused-function \
	-MMD -MP -idirafter /usr/include/$(shell $(CC) -dumpmachine)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
FORMAT_SRCS := $(wildcard format/*.c)
ANALYZE_SRCS := $(wildcard analyze/*.c)
REPORT_SRCS := $(wildcard report/*.c)
REDACT_SRCS := $(wildcard redact/*.c)
QUERY_SRCS := $(wildcard query/*.c)
RECORD_SRCS := $(wildcard record/*.c)
FORMAT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(FORMAT_SRCS))
ANALYZE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(ANALYZE_SRCS))
REPORT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(REPORT_SRCS)) $(BUILD)/report/html_assets.o
REDACT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(REDACT_SRCS))
QUERY_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(QUERY_SRCS))
# the HTML report's script and style, and the SVG flame graph's script, as C strings
HTML_ASSETS := report/html/app.js report/html/style.css report/html/flamegraph.js
RECORD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(RECORD_SRCS))
# record/'s translators and what they use, without the skeleton: the unit tests link them
RECORD_TRANSLATE_SRCS := $(wildcard record/*translate.c) record/stacks.c record/ksyms.c \
	record/usyms.c record/unwind.c record/addrset.c record/host.c record/generic_fields.c \
	record/probe_spec.c record/cgroup.c record/proctable.c record/grow.c \
	record/trigger.c record/elfsyms.c record/duration.c
RECORD_TRANSLATE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(RECORD_TRANSLATE_SRCS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
# test objects are intermediate files of a pattern chain: keep them, so -MMD can track them
.SECONDARY: $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,$(wildcard tests/unit/test_*.c))
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/tests/workloads/%,$(wildcard tests/workloads/*.c))

.PHONY: all
all: ebrec

# Phony so that ./ebrec is always the binary of this build (plain or SANITIZE=1).
.PHONY: ebrec
ebrec: $(BUILD)/ebrec
	$(Q)cmp -s $< $@ || cp $< $@

$(BUILD)/ebrec: $(BUILD)/ebrec.o $(RECORD_OBJS) $(QUERY_OBJS) $(REDACT_OBJS) $(REPORT_OBJS) $(ANALYZE_OBJS) \
		$(FORMAT_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(LDLIBS) -o $@

# The BPF side: every bpf/*.bpf.c compiled CO-RE, linked into one object and one skeleton.
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/ebrec.bpf.o: $(BPF_OBJS)
	$(call msg,BPFLINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/ebrec.skel.h: $(BUILD)/ebrec.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ebrec_bpf > $@

$(filter-out $(RECORD_TRANSLATE_OBJS),$(RECORD_OBJS)) $(BUILD)/ebrec.o: $(BUILD)/ebrec.skel.h

# System-call numbers by name, from the C library's kernel headers (record/generic_attach.c)
$(BUILD)/syscall_nrs.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)echo '#include <sys/syscall.h>' | $(CC) -dM -E -x c - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$$/{ "\1", \2 },/p' | \
		LC_ALL=C sort > $@.tmp && mv $@.tmp $@

$(BUILD)/record/generic_attach.o: $(BUILD)/syscall_nrs.h

$(BUILD)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/bpf:
	$(Q)mkdir -p $@

$(BUILD)/report/html_assets.c build-fuzz/html_assets.c: $(HTML_ASSETS) report/html/embed.sh
	$(call msg,EMBED,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)sh report/html/embed.sh $(HTML_ASSETS) > $@

$(BUILD)/report/html_assets.o: $(BUILD)/report/html_assets.c
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Unit tests need no root and no kernel: they link format/, analyze/, report/, redact/, query/ and
# record/'s translators, never the BPF skeleton.
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(RECORD_TRANSLATE_OBJS) $(QUERY_OBJS) $(REDACT_OBJS) \
		$(REPORT_OBJS) \
		$(ANALYZE_OBJS) $(FORMAT_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $^ $(shell pkg-config --libs libdw libelf libtraceevent 2>/dev/null) -lzstd -lz \
		$(DEMANGLE_LIBS) -lpthread -lm -o $@

# An LD_PRELOAD library that makes the Nth allocation fail (tests/e2e/test_nomem.py).
$(BUILD)/tests/failmalloc.so: tests/fixtures/failmalloc.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -shared -fPIC -O1 -Wall $< -ldl -o $@

# Workloads with exactly known behaviour, for the end-to-end tests and the demo.
# ebr-stacks: every function keeps its frame and its name, for the stack tests
WORKLOAD_CFLAGS_ebr-stacks := -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls -fno-inline
# ebr-unwind: -O2 without frame pointers, as distributions build (--call-graph dwarf's tests)
WORKLOAD_CFLAGS_ebr-unwind := -O2 -fomit-frame-pointer -fno-optimize-sibling-calls
# ebr-churn: its copies' samples walk by frame pointers to churn_spin (tests/e2e/test_service.py)
WORKLOAD_CFLAGS_ebr-churn := -fno-omit-frame-pointer
# ebr-traces writes crafted traces through format/'s writer (tests/e2e/test_hostile.py)
WORKLOAD_LIBS_ebr-traces := $(FORMAT_OBJS) -lzstd
$(BUILD)/tests/workloads/ebr-traces: $(FORMAT_OBJS)
# ebr-relayout writes a trace again in rows or in columns (tests/e2e/test_columns.py)
WORKLOAD_LIBS_ebr-relayout := $(FORMAT_OBJS) -lzstd
$(BUILD)/tests/workloads/ebr-relayout: $(FORMAT_OBJS)
# ebr-split cuts a recorded trace into a rotation series (tests/e2e/test_series.py): format/'s
# reader and writer, and analyze/'s process table for each file's snapshot
WORKLOAD_LIBS_ebr-split := $(ANALYZE_OBJS) $(FORMAT_OBJS) $(LDLIBS) -lzstd
$(BUILD)/tests/workloads/ebr-split: $(ANALYZE_OBJS) $(FORMAT_OBJS)
$(BUILD)/tests/workloads/%: tests/workloads/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(WORKLOAD_CFLAGS_$*) $< $(WORKLOAD_LIBS_$*) -lpthread -o $@

# Regenerates the damaged-trace fixtures (committed; tests/e2e/test_damaged.py reads them).
.PHONY: fixtures
fixtures: $(FORMAT_OBJS)
	$(Q)mkdir -p $(BUILD)/tests tests/fixtures/damaged
	$(Q)$(CC) $(ALL_CFLAGS) tests/fixtures/make_damaged.c $(FORMAT_OBJS) -lzstd \
		-o $(BUILD)/tests/make_damaged
	$(Q)$(BUILD)/tests/make_damaged tests/fixtures/damaged

# Regenerates bpf/vmlinux.h from this machine's BTF (it is committed: builds need no BTF).
.PHONY: vmlinux
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > bpf/vmlinux.h

.PHONY: deps
deps:
	$(Q)tests/install-deps.sh

.PHONY: unit
unit: $(UNIT_TESTS)
	$(Q)for t in $(UNIT_TESTS); do echo "== $$t"; $$t || exit 1; done

# The binary of this build (build/ or build-san/), not ./ebrec: SANITIZE=1 e2e leaves it alone.
.PHONY: e2e
# The workloads are the plain build's also when ebrec is sanitized: they are fixtures whose
# system calls are counted exactly, and ASan's runtime makes some of its own (getppid...).
e2e: $(BUILD)/ebrec $(patsubst $(BUILD)/%,build/%,$(WORKLOADS)) build/tests/failmalloc.so
	$(Q)EBREC=$(CURDIR)/$(BUILD)/ebrec WORKLOADS=$(CURDIR)/build/tests/workloads \
		$(PYTHON) -m pytest -q -ra --durations=10 tests/e2e

.PHONY: test
test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS) $(WORKLOADS)
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory unit-san
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	$(Q)$(MAKE) --no-print-directory e2e
	$(Q)echo "== end-to-end tests again, ebrec built with ASan + UBSan"
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 e2e

.PHONY: demo
demo: deps
	$(Q)$(MAKE) --no-print-directory all $(WORKLOADS)
	$(Q)tests/demo.sh

# ebrec against perf and trace-cmd on the same workloads (tests/bench/bench.py): docs/BENCH.md.
# bench-quick: one round of smaller workloads, for development (build/bench-quick.md).
# bench-prod: the real workloads alone, PostgreSQL under pgbench and nginx under wrk
# (tests/bench/prod.py), about 10 minutes (build/bench-prod.md).
BENCH_PACKAGES := linux-perf trace-cmd fio postgresql nginx wrk
.PHONY: bench bench-quick bench-prod bench-prep
bench-prep: deps
	$(Q)tests/install-deps.sh $(BENCH_PACKAGES)
	$(Q)$(MAKE) --no-print-directory all $(WORKLOADS)
bench: bench-prep
	$(Q)$(PYTHON) tests/bench/bench.py --rounds 5
bench-quick: bench-prep
	$(Q)$(PYTHON) tests/bench/bench.py --rounds 1 --scale 0.1 --prod no --out build/bench-quick.md
bench-prod: bench-prep
	$(Q)$(PYTHON) tests/bench/bench.py --prod only --out build/bench-prod.md

# samples/: records every sample again (root; installs PostgreSQL, nginx and wrk), or only
# remakes the checked-in reports of the traces as they are (sample-reports).
SAMPLE_PACKAGES := postgresql nginx-light wrk
.PHONY: samples sample-reports
samples: deps
	$(Q)tests/install-deps.sh $(SAMPLE_PACKAGES)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)for s in samples/*/record.sh; do echo "== $$s"; sh $$s || exit 1; done
sample-reports: all
	$(Q)for d in samples/*/; do \
		./build/ebrec report $${d}trace.ebr > $${d}report.txt && \
		for t in $${d}*.txt; do v=$$(basename $$t .txt); [ $$v = report ] || \
			./build/ebrec report $${d}trace.ebr $$v > $$t || exit 1; done && \
		./build/ebrec report $${d}trace.ebr --format html --rows 2000 -o $${d}report.html \
		|| exit 1; done

# The reading code under libFuzzer, ASan and UBSan (clang), fast to slow (tests/fuzz/*.c): the
# reader alone, every analyzer, the commands' renderers (one corpus), ebrec query's programs and
# the DWARF unwinder.
# `make fuzz` shares FUZZ_SECONDS between them; `make fuzz-long FUZZ_SECONDS=3600` gives each
# FUZZ_SECONDS, and keeps what it found in build-fuzz/corpus-TARGET (merge it into
# tests/fuzz/corpus/ with the target's -merge=1 when it finds something worth keeping).
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 25
FUZZ_TARGETS := reader analyze render query unwind
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -std=gnu11 -I. -D_GNU_SOURCE
# -max_len: room for a block whose sizes claim far more than it holds (a size-class bomb)
FUZZ_RUN_FLAGS := -max_len=1048576 -timeout=10 -close_fd_mask=2 -print_final_stats=1 \
	-dict=tests/fuzz/ebr.dict
FUZZ_DEPS := tests/fuzz/fuzz_input.c $(FORMAT_SRCS) \
	$(wildcard format/*.h analyze/*.h report/*.h tests/fuzz/*.h format/*.def)
build-fuzz/fuzz_reader: tests/fuzz/fuzz_reader.c $(FUZZ_DEPS)
build-fuzz/fuzz_analyze: tests/fuzz/fuzz_analyze.c $(FUZZ_DEPS) $(ANALYZE_SRCS)
build-fuzz/fuzz_render: tests/fuzz/fuzz_render.c $(FUZZ_DEPS) $(ANALYZE_SRCS) $(REPORT_SRCS) \
	build-fuzz/html_assets.c
build-fuzz/fuzz_%:
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p build-fuzz
	$(Q)$(CLANG) $(FUZZ_FLAGS) $(filter %.c,$^) -lzstd -lz $(DEMANGLE_LIBS) \
		$(shell pkg-config --libs libtraceevent 2>/dev/null) -lm -o $@

# `ebrec query`'s parser, checker and evaluator: any bytes as a program over a known trace
build-fuzz/fuzz_query: tests/fuzz/fuzz_query.c $(FUZZ_DEPS) $(ANALYZE_SRCS) $(REPORT_SRCS) \
	$(QUERY_SRCS) build-fuzz/html_assets.c $(wildcard query/*.h)

# The --call-graph dwarf unwinder: hostile registers and stack bytes over real CFI.
build-fuzz/fuzz_unwind: tests/fuzz/fuzz_unwind.c record/unwind.c record/unwind.h bpf/events.h
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p build-fuzz
	$(Q)$(CLANG) $(FUZZ_FLAGS) $(filter %.c,$^) $(shell pkg-config --libs libdw libelf) -o $@

# each target from a copy of its seeds of its own: what one adds, the others do not replay.
# The trace targets share tests/fuzz/corpus and the format's dictionary; query's seeds are
# programs (ours, and bpftrace's own tools where the package is installed); the unwinder's
# inputs are registers and stack bytes, from nothing. libtraceevent's own leaks on a bad
# format file are suppressed (tests/fuzz/lsan.supp).
FUZZ_QUERY_FLAGS := -max_len=8192 -timeout=10 -rss_limit_mb=1024 -close_fd_mask=2 \
	-print_final_stats=1
FUZZ_UNWIND_FLAGS := -max_len=20000 -timeout=10 -close_fd_mask=2 -print_final_stats=1
.PHONY: fuzz fuzz-long
fuzz: $(patsubst %,build-fuzz/fuzz_%,$(FUZZ_TARGETS))
	$(Q)for t in $(FUZZ_TARGETS); do \
		case $$t in \
		query) seeds="tests/fuzz/query-seeds/* $(wildcard /usr/sbin/*.bt)"; \
			flags="$(FUZZ_QUERY_FLAGS)";; \
		unwind) seeds=""; flags="$(FUZZ_UNWIND_FLAGS)";; \
		*) seeds="tests/fuzz/corpus/*"; flags="$(FUZZ_RUN_FLAGS)";; \
		esac; \
		mkdir -p build-fuzz/corpus-$$t && { [ -z "$$seeds" ] || cp $$seeds build-fuzz/corpus-$$t/; } && \
		echo "== fuzz_$$t" && \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
		build-fuzz/fuzz_$$t -max_total_time=$$(( $(FUZZ_SECONDS) / $(words $(FUZZ_TARGETS)) )) \
			$$flags build-fuzz/corpus-$$t >build-fuzz/fuzz_$$t.log 2>&1; \
		rc=$$?; grep -E '^(Done|stat::(number|average|new))|ERROR|SUMMARY' \
			build-fuzz/fuzz_$$t.log; [ $$rc = 0 ] || exit $$rc; done
fuzz-long:
	$(Q)$(MAKE) --no-print-directory fuzz \
		FUZZ_SECONDS=$$(( $(FUZZ_SECONDS) * $(words $(FUZZ_TARGETS)) ))

# The unit tests again, built with ASan + UBSan.
.PHONY: unit-san
unit-san:
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 unit

include dist/install.mk

.PHONY: clean
clean:
	rm -rf build build-san build-fuzz ebrec

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
