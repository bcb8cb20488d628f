# Makefile - one non-recursive build for libtriage.a and every command.
#
# cmd/NAME.c (or cmd/NAME/*.c) becomes bin/NAME; lib/*.c becomes
# lib/libtriage.a; tests/helpers/*.c and tests/unit/*.c become programs
# under build/.  New files are picked up without editing this file.

VERSION	:= 0.1.0
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# zsh looks in site-functions under /usr/local; Debian's own packages, under
# /usr, use vendor-completions.
ifeq ($(PREFIX),/usr)
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
else
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
endif
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
PKGS	:= libproc2 ncursesw libcap libseccomp libdw libelf json-c
WARN	:= -Wall -Wextra -Wshadow -Wformat=2 -Wformat-security \
	   -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	   -Wvla -Wundef -Wcast-align -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libproc2 is linked static: as a shared library it loads libsystemd and
# four compression and crypto libraries into every run (lib/sdlazy.c).
# libtriage.a comes again after it for the stand-ins it calls.
PKG_LIBS   = $(subst -lproc2,-l:libproc2.a $(LIBA),$(shell pkg-config --libs $(PKGS) 2>/dev/null))
ALL_CPPFLAGS = -D_GNU_SOURCE -DTRI_VERSION='"$(VERSION)"' -Ilib $(CPPFLAGS)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -pthread
# Each binary loads only the shared libraries it really uses.
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS)

# A sanitizer build goes to its own tree so it never mixes with a plain one.
ifeq ($(SANITIZE),1)
B	:= build/san
BIN	:= build/san/bin
else
B	:= build/std
BIN	:= bin
endif

LIB_SRC	:= $(wildcard lib/*.c)
LIB_OBJ	:= $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIBA	:= $(B)/libtriage.a

CMD_FILES := $(wildcard cmd/*.c)
CMD_DIRS  := $(patsubst %/,%,$(wildcard cmd/*/))
CMDS	:= $(sort $(CMD_FILES:cmd/%.c=%) $(CMD_DIRS:cmd/%=%))
CMD_BINS := $(CMDS:%=$(BIN)/%)

HELPER_SRC := $(wildcard tests/helpers/*.c)
HELPERS	:= $(HELPER_SRC:tests/helpers/%.c=$(B)/helpers/%)
# C++ helpers (tests/helpers/*.cc, g++) and Go helpers (*.go, when go is
# installed) are built beside the C ones.
HELPERS	+= $(patsubst tests/helpers/%.cc,$(B)/helpers/%,$(wildcard tests/helpers/*.cc))
ifneq ($(shell command -v go 2>/dev/null),)
HELPERS	+= $(patsubst tests/helpers/%.go,$(B)/helpers/%,$(wildcard tests/helpers/*.go))
endif
UNIT_SRC := $(wildcard tests/unit/*.c)
UNITS	:= $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
DEMO_SRC := $(wildcard demo/*.c)
DEMOS	:= $(DEMO_SRC:demo/%.c=$(B)/demo/%)

.PHONY: all check deps demo stress bench lint install uninstall clean test-build
all: $(CMD_BINS) $(HELPERS) $(UNITS) $(DEMOS)

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# A command is either cmd/NAME.c or every .c file in cmd/NAME/.  A literal
# % would be taken for the rule's stem before the second expansion: PCT.
PCT	:= %
.SECONDEXPANSION:
$(BIN)/%: $$(patsubst cmd/$$(PCT).c,$(B)/cmd/$$(PCT).o,$$(wildcard cmd/$$*.c cmd/$$*/*.c)) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBA) $(PKG_LIBS) -lm

$(B)/helpers/%: tests/helpers/%.c $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(PKG_LIBS) -lm

$(B)/unit/%: tests/unit/%.c tests/unit/unit.h $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(PKG_LIBS) -lm

$(B)/demo/%: demo/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

# Tables (lib/tables/*.def: flag names, syscall argument kinds) become one
# generated header, $(B)/gen/tri_tables.h; a new .def file needs no edit here.
TABLE_DEF := $(wildcard lib/tables/*.def)
GEN_TABLES := $(B)/gen/tri_tables.h
CMD_OBJ	:= $(patsubst cmd/%.c,$(B)/cmd/%.o,$(wildcard cmd/*.c cmd/*/*.c))
ALL_CPPFLAGS += -I$(B)/gen
$(GEN_TABLES): $(TABLE_DEF) scripts/gentable.awk
	@mkdir -p $(@D)
	awk -f scripts/gentable.awk $(TABLE_DEF) > $@.tmp && mv $@.tmp $@
$(LIB_OBJ) $(CMD_OBJ): | $(GEN_TABLES)

$(B)/helpers/%: tests/helpers/%.cc
	@mkdir -p $(@D)
	$(CXX) -O2 -g -Wall -Wno-invalid-offsetof -pthread -o $@ $<

$(B)/helpers/%: tests/helpers/%.go
	@mkdir -p $(@D) $(B)/gocache
	GOCACHE=$(abspath $(B))/gocache GO111MODULE=off go build -o $@ $<

# Rust helpers (tests/helpers/*.rs) with Debian's rustc (make deps):
# /usr/bin/rustc before any other on PATH, such as a rustup one.
RUSTC	?= $(firstword $(wildcard /usr/bin/rustc) $(shell command -v rustc 2>/dev/null))
RS_HELPERS := $(patsubst tests/helpers/%.rs,$(B)/helpers/%,$(wildcard tests/helpers/*.rs))
ifneq ($(RUSTC),)
all: $(RS_HELPERS)
endif
$(B)/helpers/%: tests/helpers/%.rs
	@mkdir -p $(@D)
	$(RUSTC) -g -C opt-level=0 -o $@ $<

# libFuzzer targets: tests/fuzz/fuzz_NAME.c becomes build/fuzz/fuzz_NAME,
# linked with lib/*.c built by clang with ASan, UBSan and the fuzzer's
# coverage (build/fuzz/libtriage.a).  `make fuzz` runs each for
# FUZZ_SECONDS; tests/fuzz.bats runs each for a few seconds in make check.
FUZZ_CC	?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIBA := build/fuzz/libtriage.a
FUZZ_SECONDS ?= 300
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
all: $(FUZZ_BINS)
endif

build/fuzz/lib/%.o: lib/%.c | $(GEN_TABLES)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 $(filter-out -Werror,$(WARN)) \
		-Wno-gnu-variable-sized-type-not-at-end -g -O1 $(FUZZ_SAN) \
		-fsanitize=fuzzer-no-link $(PKG_CFLAGS) -pthread -c -o $@ $<

$(FUZZ_LIBA): $(LIB_SRC:lib/%.c=build/fuzz/lib/%.o)
	rm -f $@
	$(AR) rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBA)
	$(FUZZ_CC) $(ALL_CPPFLAGS) -std=gnu11 $(WARN) -g -O1 $(FUZZ_SAN) \
		-fsanitize=fuzzer $(PKG_CFLAGS) -pthread -o $@ $< $(FUZZ_LIBA) \
		$(subst $(LIBA),$(FUZZ_LIBA),$(PKG_LIBS)) -lm

.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		n=$${f##*/}; mkdir -p build/fuzz/corpus/$$n; \
		[ -x tests/fuzz/$$n.seed ] && tests/fuzz/$$n.seed build/fuzz/corpus/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			build/fuzz/corpus/$$n || exit 1; \
	done

-include $(shell find build -name '*.d' 2>/dev/null)

deps:
	@scripts/deps.sh

# The build runs in a second make so that pkg-config is asked after deps
# has installed it.
check: deps
	@$(MAKE) --no-print-directory WERROR=1 all
ifeq ($(SANITIZE),1)
	@# some helpers must be plain (an ASan heap has no glibc arenas to find)
	@$(MAKE) --no-print-directory WERROR=1 SANITIZE= all
endif
	@TRIAGE_BUILD=$(B) TRIAGE_BIN=$(BIN) scripts/run-tests

demo: deps
	@$(MAKE) --no-print-directory all
	@# under the subreaper: the service's orphaned children are reaped
	@TRIAGE_BUILD=$(B) TRIAGE_BIN=$(BIN) $(B)/helpers/subreaper scripts/demo

# 2,000 interrupted injections (tests/inject.bats runs a few hundred).
stress: deps
	@$(MAKE) --no-print-directory all
	@TRIAGE_BUILD=$(B) TRIAGE_BIN=$(BIN) scripts/stress

bench: deps
	@$(MAKE) --no-print-directory all
	@TRIAGE_BUILD=$(B) TRIAGE_BIN=$(BIN) scripts/bench

lint: deps
	@scripts/lint

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(CMD_BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/triage.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 644 $(wildcard completions/bash/*) $(DESTDIR)$(BASHCOMPDIR)/
	install -m 644 $(wildcard completions/zsh/_*) $(DESTDIR)$(ZSHCOMPDIR)/

# Remove what install put there, then every folder it left empty, up to
# (not including) DESTDIR and PREFIX's parents that held something else.
uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(BINDIR)/%) \
		$(CMDS:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
		$(DESTDIR)$(MANDIR)/man7/triage.7 \
		$(CMDS:%=$(DESTDIR)$(BASHCOMPDIR)/%) \
		$(CMDS:%=$(DESTDIR)$(ZSHCOMPDIR)/_%)
	@for d in $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR); do \
		while [ -n "$$d" ] && [ "$$d" != "$(DESTDIR)" ] && [ "$$d" != / ] && \
		    rmdir "$$d" 2>/dev/null; do d=$${d%/*}; done; \
	done

clean:
	rm -rf build bin
