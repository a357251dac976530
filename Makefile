# cahier - build, test, demo, benchmark.
# Usage: make [all|check|check-layers|check-long|check-netns|demo|bench|fuzz|install|clean] [SANITIZE=address,undefined]

PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build

.DEFAULT_GOAL := all
PKGS := libsodium libzmq libczmq lmdb jansson libsystemd
WARN := -Wall -Wextra -Wpedantic -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wcast-qual -Wwrite-strings -Wvla \
	-Wimplicit-fallthrough -fno-common
HARDEN := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
override CFLAGS += -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(HARDEN) -MMD -MP
override LDFLAGS += -pie -Wl,-z,relro,-z,now,-z,noexecstack
ifneq ($(WERROR),)
override CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
override CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all -U_FORTIFY_SOURCE
override LDFLAGS += -fsanitize=$(SANITIZE)
endif
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# zxcvbn (passphrase strength, keys/pass.c) ships no pkg-config file
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lzxcvbn

LIB_SRC := $(wildcard proto/*.c keys/*.c)
DAEMON_SRC := $(filter-out daemon/main.c,$(wildcard daemon/*.c))
CLIENT_SRC := $(filter-out client/main.c,$(wildcard client/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIB := $(BUILD)/libcahier.a
DLIB := $(BUILD)/libcahierd.a
CLIB := $(BUILD)/libcahiercli.a
BINS := $(BUILD)/cahierd $(BUILD)/cahier
TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRC))

# What --version prints (scripts/version.sh: git describe, else VERSION). The
# stamp changes only when the version does; the two main.c are built again
# then.
VERSION := $(shell sh scripts/version.sh)
MAINS := $(call obj,daemon/main.c client/main.c daemon/health.c)
LOCALEDIR ?= $(PREFIX)/share/locale
$(call obj,keys/i18n.c): override CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'
# The catalogues (keys/i18n.h): po/LANG.po compiled into
# BUILD/locale/LANG/LC_MESSAGES/cahier.mo, checked by msgfmt.
LINGUAS := nl fr
MOS := $(patsubst %,$(BUILD)/locale/%/LC_MESSAGES/cahier.mo,$(LINGUAS))
$(BUILD)/locale/%/LC_MESSAGES/cahier.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<
# po/cahier.pot, the English source text of every marked message: _(),
# N_(), ngettext(); the daemon's log lines (daemon/log.h: log_debug's stay
# English) and the passphrase prompts (keys/pass.c), which are translated
# where they are printed; each of those is a printf format, which msgfmt
# --check then holds the translations to; the daemon's refusals are formats
# the client translates (daemon/why.h): their only conversion is %s.
POT ?= po/cahier.pot
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -kngettext:1,2 --add-comments=TRANSLATORS \
		--keyword=CTX_:1c,2 \
		--keyword=NCTX_:1c,2 \
		-klog_err -klog_warn -klog_info -klog_limited:3 \
		--flag=log_err:1:c-format --flag=log_warn:1:c-format \
		--flag=log_info:1:c-format --flag=log_limited:3:c-format \
		-kkeys_pass_read:1 \
		-kcahierd_reply_err:3 --flag=cahierd_reply_err:3:c-format \
		-kwhy_set:2 --flag=why_set:2:c-format \
		--package-name=cahier -o $(POT) \
		$(sort $(wildcard client/*.c daemon/*.c keys/*.c proto/*.c))

all: $(BINS) $(MOS)

$(BUILD)/version: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION)' | cmp -s - $@ 2>/dev/null || echo '$(VERSION)' > $@
$(MAINS): $(BUILD)/version
$(MAINS): override CFLAGS += -DCAHIER_VERSION='"$(VERSION)"'

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(LIB): $(call obj,$(LIB_SRC))
	$(AR) rcs $@ $^
$(DLIB): $(call obj,$(DAEMON_SRC))
	$(AR) rcs $@ $^
$(CLIB): $(call obj,$(CLIENT_SRC))
	$(AR) rcs $@ $^

$(BUILD)/cahierd: $(call obj,daemon/main.c) $(DLIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/cahier: $(call obj,client/main.c) $(CLIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(DLIB) $(CLIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(DLIB) $(CLIB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

tests: $(BINS) $(MOS) $(TESTS) $(TOOLS)

deps:
	@sh scripts/deps.sh

# Unit tests (TAP, run by prove) and end-to-end shell tests, on one build.
# The long ones (LONG_TESTS) are left to check-long.
LONG_TESTS := tests/t90-crash.sh
check-build: tests
	prove $(TESTS)
	BUILD=$(BUILD) prove -e sh $(filter-out $(LONG_TESTS) $(NETNS_TESTS),$(wildcard tests/t*.sh))

# The long end-to-end tests, on one build (not part of check): daemons killed
# with SIGKILL under load (t90, about 3 minutes; CRASH_SECS, CRASH_CYCLES).
check-long: tests
	BUILD=$(BUILD) prove -v -e sh $(LONG_TESTS)

# The end-to-end tests that need root and ip netns (not part of check nor
# check-long): five daemons in network namespaces of their own, links between
# them cut at random under load (t91, about 1 minute; PART_ROUNDS, PART_SECS).
# Without root they are skipped.
NETNS_TESTS := tests/t91-partition.sh
check-netns: tests
	BUILD=$(BUILD) prove -v -e sh $(NETNS_TESTS)

# The layers of the sources, from their #include lines (tests/layers.sh), then
# the checker's own tests on fake trees. Needs no build.
check-layers:
	sh tests/layers.sh
	prove -e sh tests/test-layers.sh

# The whole suite: the layers, a normal build, then ASan+UBSan, then each fuzz
# target briefly. (check-build's tests/t*.sh runs tests/test-layers.sh again.)
check: deps
	$(MAKE) check-layers
	$(MAKE) -j2 WERROR=1 BUILD=build tests
	$(MAKE) WERROR=1 BUILD=build check-build
	$(MAKE) -j2 WERROR=1 BUILD=build-san SANITIZE=address,undefined CFLAGS="-O1 -g" tests
	$(MAKE) WERROR=1 BUILD=build-san SANITIZE=address,undefined CFLAGS="-O1 -g" check-build
	$(MAKE) -j2 fuzz
	$(MAKE) fuzz-run

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -MMD -MP
FUZZ_OBJ := $(patsubst %.c,build-fuzz/obj/%.o,$(LIB_SRC))
# fuzz_ingest and fuzz_index bring their own clock (a fixed one): daemon/clock.c
# stays out.
FUZZ_DOBJ := $(patsubst %.c,build-fuzz/obj/%.o,$(filter-out daemon/clock.c,$(DAEMON_SRC)))
# The decoders are compiled once, instrumented; each target links them.
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<
# (The headers a target's .d names are prerequisites too: link the rest.)
build-fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)
# fuzz_ingest runs the daemon's rules over real stores, fuzz_index the
# timeline's over a real case: they alone link the daemon's modules
# (instrumented too), each with a clock of its own.
build-fuzz/fuzz_ingest: tests/fuzz/fuzz_ingest.c $(FUZZ_OBJ) $(FUZZ_DOBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)
build-fuzz/fuzz_index: tests/fuzz/fuzz_index.c $(FUZZ_OBJ) $(FUZZ_DOBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)
fuzz: $(FUZZ_BIN)
FUZZ_RUNS ?= 20000
# Inputs are bounded at 4 KB, but fuzz_ingest's are whole batches of real
# entries (its case is 13 KB).
fuzz-run: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
		case $$n in fuzz_ingest) m=16384;; *) m=4096;; esac; \
		echo "fuzz: $$n ($(FUZZ_RUNS) runs)"; \
		$$f -runs=$(FUZZ_RUNS) -max_len=$$m build-fuzz/corpus-$$n tests/fuzz/seeds/$$n \
			> build-fuzz/$$n.log 2>&1 || { tail -n 40 build-fuzz/$$n.log; exit 1; }; \
	done; echo "fuzz: every target ran clean"

demo: deps
	$(MAKE) BUILD=build all
	@BUILD=build sh tests/demo.sh

bench: deps
	$(MAKE) BUILD=$(BUILD) all tests
	@BUILD=$(BUILD) sh tests/bench.sh

# The programs, their man pages, bash completion, the systemd unit (its
# ExecStart names $(BINDIR)/cahierd) and the sysusers.d file that makes its
# user. Nothing is started and no user is made here: see README.md,
# "Install and run as a service".
install: $(BINS) $(MOS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 docs/cahier.1 docs/cahierd.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/cahierd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 dist/cahier.bash $(DESTDIR)$(BASHCOMPDIR)/cahier
	install -m 0644 dist/cahier.bash $(DESTDIR)$(BASHCOMPDIR)/cahierd
	sed 's|@BINDIR@|$(BINDIR)|g' dist/cahierd.service > $(DESTDIR)$(UNITDIR)/cahierd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/cahierd.service
	install -m 0644 dist/cahierd.sysusers $(DESTDIR)$(SYSUSERSDIR)/cahierd.conf
	for l in $(LINGUAS); do install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/cahier.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; done

clean:
	rm -rf build build-san build-fuzz

.PHONY: pot all tests deps check check-layers check-build check-long check-netns demo bench fuzz fuzz-run install clean FORCE
.SECONDARY:
-include $(shell find $(BUILD) build-fuzz -name '*.d' 2>/dev/null)
