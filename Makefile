# sshdial: PPP over SSH, supervised.  See README.md.
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
EXAMPLESDIR ?= $(PREFIX)/share/doc/sshdial/examples
# The example configuration under peers/ (peers/README says what each is).
EXAMPLES  := peers/README peers/office peers/two-servers peers/classic peers/server.conf
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CC        ?= cc
PKGS      := libnl-route-3.0 libcap-ng
CFLAGS    ?= -O2 -g
# Hardening for a binary that runs as root, on by default (HARDEN=0 leaves it all out):
# a stack protector, a position-independent executable, full RELRO (the GOT read-only
# after start-up) and _FORTIFY_SOURCE, at level FORTIFY (3 where the compiler and the C
# library support it, else 2). _FORTIFY_SOURCE needs optimisation, so a CFLAGS without
# -O (or with -O0) goes without it, as does one with -fsanitize=address, whose own checks
# it would bypass.
HARDEN    ?= 1
ifneq ($(HARDEN),0)
HARDEN_CFLAGS  ?= -fstack-protector-strong -fPIE
HARDEN_LDFLAGS ?= -pie -Wl,-z,relro,-z,now
ifneq ($(filter-out -O0,$(filter -O%,$(CFLAGS))),)
ifeq ($(findstring address,$(filter -fsanitize=%,$(CFLAGS))),)
FORTIFY   ?= $(shell echo 'int main(void){return 0;}' | $(CC) -x c -O2 -Werror -U_FORTIFY_SOURCE \
               -D_FORTIFY_SOURCE=3 -include stdio.h -o /dev/null - 2>/dev/null && echo 3 || echo 2)
HARDEN_CPPFLAGS ?= -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$(FORTIFY)
endif
endif
endif
# "override": a CFLAGS or LDFLAGS given on the command line (the sanitizer pass) adds to these.
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
             -Wno-format-nonliteral $(HARDEN_CFLAGS)
LIB_CPPFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -Isrc
override CPPFLAGS += $(LIB_CPPFLAGS) $(HARDEN_CPPFLAGS)
override LDFLAGS += $(HARDEN_LDFLAGS)
override LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Each compiler run writes the headers its output depends on beside it (TARGET.d, read
# at the end of this file): touching a header rebuilds only what includes it.
DEPFLAGS   = -MMD -MP -MF $@.d -MT $@
B         := build

# src/SUBSYSTEM/NAME.c, one folder per subsystem (docs/architecture.md, "Source layout").
SRCS      := $(sort $(wildcard src/*/*.c))
MAIN      := src/cmd/main.c
LIB_OBJS  := $(patsubst src/%.c,$(B)/obj/%.o,$(filter-out $(MAIN),$(SRCS)))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps check unit e2e demo bench install uninstall clean format lint fuzz

all: $(B)/sshdial

$(B)/obj/%.o: src/%.c
	@$(if $(Q),echo "  CC      $<")
	@mkdir -p "$(@D)"
	$(Q)$(CC) $(DEPFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Made anew each time: a source that was removed or renamed leaves no member behind.
$(B)/libsshdial.a: $(LIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/sshdial: $(B)/obj/cmd/main.o $(B)/libsshdial.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libsshdial.a | $(B)/tests
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(DEPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsshdial.a $(LDLIBS) -lcmocka

$(B)/bench-netconf: bench/netconf_routes.c $(B)/libsshdial.a
	$(Q)$(CC) $(DEPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsshdial.a $(LDLIBS)

# The real-kernel test of netconf (root, network namespaces): tests/netconf/run.
$(B)/tests/netconf-driver: tests/netconf/driver.c $(B)/libsshdial.a | $(B)/tests
	$(Q)$(CC) $(DEPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libsshdial.a $(LDLIBS)

.PHONY: netconf-test
netconf-test: $(B)/tests/netconf-driver
	tests/netconf/run

# `sshdial check` on every example of peers/, installed where a user would put it (root).
.PHONY: examples
examples: $(B)/sshdial
	tests/examples/run

$(B)/tests:
	$(Q)mkdir -p $@

# A local user's attacks on the frame transport, and an LD_PRELOAD shim that forces the
# tunnel IDs sshdial draws (tests/attack; e2e scenario 77): test build only, never installed.
.PHONY: attack
attack: $(B)/tests/l2tp_attacker $(B)/tests/draw_ids.so

$(B)/tests/l2tp_attacker: tests/attack/l2tp_attacker.c | $(B)/tests
	$(Q)$(CC) $(DEPFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(B)/tests/draw_ids.so: tests/attack/draw_ids.c | $(B)/tests
	$(Q)$(CC) $(DEPFLAGS) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

# libFuzzer harnesses, one per parser of outside input (tests/fuzz): clang, with the
# library compiled again for them in an object directory of their own.
FUZZ_CC      ?= clang
FUZZ_B       := build-fuzz
FUZZ_SECONDS ?= 20
# Not hardened: the sanitizers check more than _FORTIFY_SOURCE would.
FUZZ_CPPFLAGS := $(LIB_CPPFLAGS)
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
                -Wno-format-nonliteral -O1 -g -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(FUZZ_SRCS))
FUZZ_OBJS    := $(patsubst src/%.c,$(FUZZ_B)/obj/%.o,$(filter-out $(MAIN),$(SRCS)))

$(FUZZ_B)/obj/%.o: src/%.c
	@$(if $(Q),echo "  FUZZCC  $<")
	@mkdir -p "$(@D)"
	$(Q)$(FUZZ_CC) $(DEPFLAGS) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		-c -o $@ $<

$(FUZZ_B)/libsshdial.a: $(FUZZ_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_B)/libsshdial.a
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(DEPFLAGS) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
		$(FUZZ_B)/libsshdial.a $(LDLIBS)

# Each harness for FUZZ_SECONDS after replaying its kept crashes; fails on any finding.
fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BINS)

# Installs the Debian (or Ubuntu) packages the build and the tests need (root, apt-get;
# no service is started: scripts/install-deps).
deps:
	scripts/install-deps

unit: $(UNIT_BINS)
	scripts/run-unit $(UNIT_BINS)

e2e: $(B)/sshdial attack
	tests/e2e/run

# The test command of the README: installs what it needs, then runs every test.
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) netconf-test
	$(MAKE) examples
	$(MAKE) e2e

# Installs only what the demo uses (scripts/install-deps demo), builds, runs it.
demo:
	scripts/install-deps demo
	$(MAKE) all
	scripts/demo

bench: deps
	$(MAKE) all $(B)/bench-netconf
	bench/routes
	$(MAKE) bench-failover
	$(MAKE) bench-forwards
	$(MAKE) bench-daemon
	bench/pty-ceiling
	$(MAKE) bench-throughput
	$(MAKE) bench-serve-scale

# BENCH_PEERS links under one daemon against one call per peer: time to all up, RSS per
# link, system calls per idle minute (in the VM when the kernel has no PPP).
.PHONY: bench-daemon
bench-daemon: $(B)/sshdial
	bench/daemon

# Throughput and latency against ssh -L, a raw ssh pipe, ssh -w, sshuttle and the classic
# recipe; then 50 clients against one server (both in the VM when the kernel has no PPP;
# docs/performance.md).
# Whether the pty is the limit on this machine's own CPU: a pty against a pipe, ssh -L
# and a raw ssh pipe, in two network namespaces (no PPP needed; a minute or two).
.PHONY: bench-pty-ceiling
bench-pty-ceiling:
	bench/pty-ceiling

.PHONY: bench-throughput bench-serve-scale
bench-throughput: $(B)/sshdial
	bench/throughput

bench-serve-scale: $(B)/sshdial
	bench/serve-scale

# Dead-link detection and recovery against pppd's and ssh's own, and a soak (in the VM
# when the kernel has no PPP; about 20 minutes; SOAK_SECONDS shortens the soak).
.PHONY: bench-failover
bench-failover: $(B)/sshdial
	bench/failover

# A fault soak under the daemon (ssh, pppd, blackhole, sshd restart, a move, reload; in the
# VM when the kernel has no PPP): SOAK_CYCLES (1000) cycles, then nothing may be left and
# the daemon's descriptors and memory must be flat. Not part of bench: a day in the VM.
.PHONY: soak
soak: $(B)/sshdial
	bench/soak

# Port forwards: recovery after a dead path against autossh, throughput against ssh -L
# (network namespaces here: forwards need no kernel PPP; a few minutes).
.PHONY: bench-forwards
bench-forwards: $(B)/sshdial
	bench/forwards

# The shell scripts shellcheck reads: every file of scripts/, tests/ and bench/ that starts
# with a sh or bash #! line, and the files the scenarios and benchmarks source.
SHELL_SCRIPTS = $(sort $(wildcard tests/e2e/*.sh bench/*.sh scripts/completion/sshdial) \
                  $(shell grep -lsIE '^.! */(usr/)?bin/(env +)?(ba|da)?sh\b' scripts/* tests/*/* bench/*))

# Dependencies between subsystems follow the order of docs/architecture.md (scripts/check-layers);
# its file map is the one the files' opening comments make (scripts/file-map).
# shellcheck at its default "warning" level: a `# shellcheck disable=` names its reason on
# the line above.
lint:
	scripts/check-layers
	scripts/file-map --check
	shellcheck --severity=warning $(SHELL_SCRIPTS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -Isrc src tests/unit tests/fuzz bench
	clang-format --dry-run --Werror src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fuzz/*.h \
		bench/*.c

format:
	clang-format -i src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fuzz/*.h bench/*.c

install: $(B)/sshdial
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/sshdial/peers $(DESTDIR)$(EXAMPLESDIR)
	install -m 0755 $(B)/sshdial $(DESTDIR)$(SBINDIR)/sshdial
	install -m 0644 docs/sshdial.8 $(DESTDIR)$(MANDIR)/man8/sshdial.8
	install -m 0644 docs/sshdial-peer.5 $(DESTDIR)$(MANDIR)/man5/sshdial-peer.5
	install -m 0644 docs/sshdial-server.5 $(DESTDIR)$(MANDIR)/man5/sshdial-server.5
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(EXAMPLESDIR)
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 scripts/completion/sshdial $(DESTDIR)$(BASHCOMPDIR)/sshdial
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in sshdial.service sshdial@.service; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' scripts/systemd/$$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/sshdial $(DESTDIR)$(MANDIR)/man8/sshdial.8 \
		$(DESTDIR)$(MANDIR)/man5/sshdial-peer.5 $(DESTDIR)$(MANDIR)/man5/sshdial-server.5 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/sshdial.service $(DESTDIR)$(SYSTEMDUNITDIR)/sshdial@.service \
		$(DESTDIR)$(BASHCOMPDIR)/sshdial
	rm -f $(addprefix $(DESTDIR)$(EXAMPLESDIR)/,$(notdir $(EXAMPLES)))
	-rmdir $(DESTDIR)$(EXAMPLESDIR) $(DESTDIR)$(PREFIX)/share/doc/sshdial 2>/dev/null

clean:
	rm -rf $(B) $(FUZZ_B)

# The header dependencies each compiler run wrote (DEPFLAGS); none before the first build.
-include $(wildcard $(B)/obj/*/*.d $(B)/tests/*.d $(FUZZ_B)/obj/*/*.d $(FUZZ_B)/*.d)
