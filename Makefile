# lkvm: a small VMM that survives host memory errors.
#   make [ARCH=x86|arm64] [CROSS_COMPILE=...] [STATIC=1]
#                   build lkvm: ./lkvm for this machine's architecture,
#                   build/ARCH/lkvm for another (objects in build/ARCH/)
#   make check      unit tests (plain and ASan/UBSan, and every other
#                   architecture's under qemu-user) + payload guests on /dev/kvm
#   make bench      start-up, memory overhead, exit round trips vs QEMU
#   make e2e        real Linux guests, real memory errors (nested bed, tests/e2e/)
#   make bench-boot lkvm vs QEMU booting the same Linux (nested bed, bench/boot.sh)
#   make bench-io   virtio-blk from L2: lkvm vs QEMU pc and microvm (bench/io.sh)
#   make bench-9p   virtio-9p from L2: lkvm vs QEMU pc and microvm (bench/9p.sh)
#   make install [PREFIX=/usr/local] [DESTDIR=]

HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' \
	-e 's/aarch64/arm64/' -e 's/ppc64.*/powerpc/')
ARCH ?= $(HOST_ARCH)
# Cross compilers by Debian's names, unless CROSS_COMPILE says otherwise.
CROSS_arm64 := aarch64-linux-gnu-
CROSS_powerpc := powerpc64le-linux-gnu-
ifeq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= $(CROSS_$(ARCH))
endif
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
B := build/$(ARCH)
# A cross build is linked statically and its unit tests run under qemu-user.
CROSS := $(if $(CROSS_COMPILE),1)
QEMU_USER_arm64 := qemu-aarch64-static
QEMU_USER_powerpc := qemu-ppc64le-static
RUN_TARGET := $(if $(CROSS),$(QEMU_USER_$(ARCH)))
ifeq ($(CROSS),1)
STATIC := 1
endif

WARNINGS := -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	-Wsign-compare -Wundef -Wwrite-strings -Wshadow -Wold-style-definition \
	-Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Iinclude -pthread \
	-DLKVM_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS += -pthread
ifeq ($(STATIC),1)
LDFLAGS += -static
endif
# Libraries of the target architecture (libfdt, Check) for a cross build:
# Debian's packages for ARCH unpacked into .cache/sysroot/ARCH by
# scripts/cross-sysroot.sh (downloaded, never installed).
ifeq ($(CROSS),1)
SYSROOT := .cache/sysroot/$(ARCH)
SYSROOT_STAMP := $(SYSROOT)/.unpacked
CFLAGS += -isystem $(SYSROOT)/usr/include
LDFLAGS += $(addprefix -L,$(wildcard $(SYSROOT)/usr/lib/*-linux-gnu))
$(SYSROOT_STAMP): scripts/cross-sysroot.sh
	./scripts/cross-sysroot.sh $(ARCH) $(SYSROOT)
endif

# Core: every top-level .c file. Architecture: the $(ARCH_DIR)/ directory,
# described by its build.mk. kvmtool's habit: ARCH=arm64 lives in arm/.
CORE_SRCS := $(sort $(wildcard *.c))
ARCH_DIR := $(patsubst arm64,arm,$(ARCH))
ifeq ($(wildcard $(ARCH_DIR)/build.mk),)
$(error ARCH=$(ARCH): lkvm has no $(ARCH_DIR)/ directory yet (supported: $(patsubst %/build.mk,%,$(wildcard */build.mk))); build with ARCH=x86)
endif
.DEFAULT_GOAL := all
include $(ARCH_DIR)/build.mk
# Core files an arch goes without (x86: dtb.c, the device-tree half, and so libfdt).
CORE_SRCS := $(filter-out $(ARCH_CORE_SKIP),$(CORE_SRCS))
CFLAGS += $(ARCH_CPPFLAGS)
LDLIBS += $(ARCH_LDLIBS)

# virtio-mmio and its devices: every machine has them (hw/virtio-*.c).
VIRTIO_SRCS := $(sort $(wildcard hw/virtio-*.c hw/vport-*.c hw/net-*.c))
# The 9P2000.L file server behind virtio-9p (hw/9p-*.c, docs/9p.md).
P9_SRCS := $(sort $(wildcard hw/9p-*.c))
# The seccomp allow-lists, one per thread kind (seccomp.h), built into BPF
# by libseccomp (Debian's libseccomp-dev; its static library for STATIC=1).
SECCOMP_SRCS := $(sort $(wildcard seccomp/*.c))
SECCOMP_LIBS := -lseccomp
LDLIBS += $(SECCOMP_LIBS)
OBJS := $(addprefix $(B)/,$(CORE_SRCS:.c=.o) $(SECCOMP_SRCS:.c=.o) $(VIRTIO_SRCS:.c=.o) $(P9_SRCS:.c=.o) $(ARCH_HW:.c=.o) $(ARCH_SRCS:.c=.o) $(ARCH_ASM:.S=.o))
# The sandbox's init (guest/sandbox-init.c): a static program for the guest,
# built with the target's compiler and linked into lkvm (guest/sandbox-init.S).
SANDBOX_INIT := $(B)/guest/sandbox-init
OBJS += $(B)/guest/sandbox-init.o
LKVM := $(if $(CROSS),$(B)/lkvm,lkvm)

# Quiet build lines unless V=1.
ifneq ($(V),1)
Q = @printf '  %-7s %s\n' $(1) $(2);
endif

all: $(LKVM)

$(LKVM): $(OBJS)
	$(call Q,LINK,$@)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(B)/%.o: %.c | $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(call Q,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<

$(SANDBOX_INIT): guest/sandbox-init.c include/lkvm/sandbox.h | $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(call Q,CC,$@)$(CC) -static -Os -s -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Iinclude \
		-ffunction-sections -Wl,--gc-sections -o $@ $<
$(B)/guest/sandbox-init.o: guest/sandbox-init.S $(SANDBOX_INIT)
	$(call Q,AS,$@)$(CC) -c -DSANDBOX_INIT='"$(SANDBOX_INIT)"' -o $@ $<

# main.c prints the version: rebuild it when `git describe` changes.
.version: FORCE
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
$(B)/main.o: .version
FORCE:

# ---- tests ----
ifeq ($(CROSS),1)
CHECK_CFLAGS :=
CHECK_LIBS := -lcheck -lsubunit -lm -lrt
else
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)
endif
# Unit tests: pure core code, and the arch's pure code with its suites in
# tests/unit/$(ARCH_DIR)/ (run natively, or under qemu-user when cross-built).
UNIT_CORE := mem.c mem-load.c run-opts.c run-opts-arch.c run-opts-9p.c util.c ras-policy.c ras-event.c ras-log.c io-bus.c elf.c guard.c \
	ras.c ras-thread.c ras-route.c ras-hold.c ras-poison.c ras-queue.c vm-state.c hw/virtio-queue.c irq-path.c seccomp.c $(SECCOMP_SRCS) \
	$(P9_SRCS) \
	devices.c irqfd.c hw/uart.c hw/virtio-mmio.c hw/virtio-transport.c hw/virtio-9p-req.c hw/virtio-9p.c hw/virtio-blk-req.c \
	hw/virtio-ports.c hw/vport-io.c hw/vport-proto.c hw/net-frame.c hw/virtio-net.c run-opts-net.c net-backend.c \
	term.c term-out.c guest-log.c hw/virtio-round.c acpi-table.c acpi-aml.c ghes.c \
	sandbox-opts.c sandbox-cpio.c sandbox-kernel.c sandbox-initrd.c sandbox-kcache.c arch-default.c
UNIT_SRCS := $(wildcard tests/unit/*.c tests/unit/$(ARCH_DIR)/*.c) $(UNIT_CORE) $(ARCH_UNIT_SRCS)
UNIT_HDRS := $(wildcard include/lkvm/*.h include/hw/*.h $(ARCH_DIR)/*.h tests/unit/*.h tests/unit/$(ARCH_DIR)/*.h)
UNIT_CFLAGS = $(filter-out -MMD -MP,$(CFLAGS)) $(CHECK_CFLAGS) -Itests/unit -Itests/unit/$(ARCH_DIR)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

$(B)/unit-tests: $(UNIT_SRCS) $(UNIT_HDRS) | $(SYSROOT_STAMP)
	@mkdir -p $(B)
	$(call Q,CC,$@)$(CC) $(UNIT_CFLAGS) $(LDFLAGS) -o $@ $(UNIT_SRCS) $(ARCH_LDLIBS) $(SECCOMP_LIBS) $(CHECK_LIBS) -pthread
$(B)/unit-tests-san: $(UNIT_SRCS) $(UNIT_HDRS)
	@mkdir -p $(B)
	$(call Q,CC,$@)$(CC) $(UNIT_CFLAGS) $(SAN) -o $@ $(UNIT_SRCS) $(ARCH_LDLIBS) $(SECCOMP_LIBS) $(CHECK_LIBS) -pthread

# The sanitizers do not run under qemu-user: a cross build's unit tests run
# plain (the same code runs under ASan/UBSan in the native build).
# Check's per-test timeouts (4 s unless a suite says otherwise) catch hangs;
# under qemu-user or ASan on a loaded 2-core machine a sound test has needed
# more (virtio-queue's test_wrap_16bit), so they are stretched 4 times.
CK_TIMEOUT_MULTIPLIER ?= 4
export CK_TIMEOUT_MULTIPLIER
check-unit: $(B)/unit-tests $(if $(CROSS),,$(B)/unit-tests-san)
	CK_FORK=yes $(if $(CROSS),LKVM_UNIT_EMULATED=1) $(RUN_TARGET) ./$(B)/unit-tests
	$(if $(CROSS),,CK_FORK=yes ./$(B)/unit-tests-san)

# Every other architecture's unit tests, cross-built, under qemu-user.
OTHER_ARCHES := $(filter-out $(ARCH),$(patsubst %/build.mk,%,$(subst arm/,arm64/,$(wildcard */build.mk))))
check-cross:
	$(foreach a,$(OTHER_ARCHES),$(MAKE) --no-print-directory ARCH=$(a) check-unit &&) true

guests: $(TEST_GUESTS)

# On /dev/kvm here; without a usable one (or with LKVM_TEST_KVM=l1) run.sh runs
# the same suite in the nested bed's L1 with lkvm.static (tests/e2e/e2e.mk).
# The suite's stand-in for the kernel's part of a memory error this host's
# kernel cannot play (x86-64 ptrace; tests/integration/sigbus-kernel.c).
SIGBUS_KERNEL := $(if $(filter x86,$(ARCH)),$(if $(CROSS),,tests/integration/sigbus-kernel))
tests/integration/sigbus-kernel: tests/integration/sigbus-kernel.c
	$(call Q,CC,$@)$(CC) -O2 -g $(WARNINGS) -o $@ $<
# The suite's odd control-socket peers (static: L1 has no python3).
SOCKPEER := $(if $(CROSS),,tests/integration/sockpeer)
tests/integration/sockpeer: tests/integration/sockpeer.c
	$(call Q,CC,$@)$(CC) -O2 -static $(WARNINGS) -o $@ $<

check-kvm: $(LKVM) $(TEST_GUESTS) $(SIGBUS_KERNEL) $(SOCKPEER)
	./tests/integration/run.sh

# Integration tests that need no /dev/kvm: here, always.
check-host: $(LKVM)
	./tests/integration/host.sh

check: check-unit check-cross check-host check-kvm

# The memory-error core's state is the core's: no arch file includes its
# header (ras-state.h) or reads --ras-policy; an arch gets what it needs
# through ras_ops arguments and ras.h's queries.
lint-ras:
	@bad=$$(grep -rlE 'lkvm/ras-state\.h|ras_policy' --include='*.[chS]' x86 arm powerpc); \
	if [ -n "$$bad" ]; then \
		echo "lint: arch files reach into the RAS core (ras-state.h or ras_policy):" $$bad >&2; \
		exit 1; \
	fi

# Every `file.c: function()` and file the README and docs/ name exists
# (tests/doc-refs.sh).
lint-docs:
	@tests/doc-refs.sh

lint: lint-ras lint-docs
	$(call Q,CPPCHECK,.)cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --std=c11 -D__GNUC__ -Iinclude \
		$(ARCH_CPPFLAGS) $(CORE_SRCS) $(SECCOMP_SRCS) $(VIRTIO_SRCS) $(P9_SRCS) $(ARCH_HW) $(ARCH_SRCS) \
		guest/sandbox-init.c
	$(if $(ARCH_LINT_EXTRA),$(call Q,CPPCHECK,guests)$(ARCH_LINT_EXTRA))

bench: $(LKVM) tests/guests/x86/pio.elf
	./bench/run.sh

install: $(LKVM)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(LKVM) $(DESTDIR)$(PREFIX)/bin/lkvm

clean:
	rm -rf lkvm .version build tests/integration/sigbus-kernel tests/integration/sockpeer $(ARCH_CLEAN)

.PHONY: FORCE all check check-unit check-cross check-host check-kvm guests lint lint-ras lint-docs bench install clean
.SECONDARY:

-include $(OBJS:.o=.d)
# Real Linux guests in the nested test bed: make e2e (tests/e2e/).
-include tests/e2e/e2e.mk

# Fuzz the kernel loaders with libFuzzer + ASan/UBSan (clang): make fuzz [FUZZ_SECONDS=60]
FUZZ_SECONDS ?= 60
tests/fuzz/fuzz-loaders: tests/fuzz/fuzz-loaders.c $(ARCH_FUZZ_SRCS) mem.c mem-load.c elf.c guard.c util.c
	$(call Q,CLANG,$@)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude $(ARCH_CPPFLAGS) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
# The virtqueue walker: guest memory as input, seeds in tests/fuzz/virtq-corpus/.
tests/fuzz/fuzz-virtq: tests/fuzz/fuzz-virtq.c hw/virtio-queue.c mem.c guard.c util.c
	$(call Q,CLANG,$@)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
# The 9P server: message sequences on a real temporary share, seeds in tests/fuzz/9p-corpus/.
tests/fuzz/fuzz-9p: tests/fuzz/fuzz-9p.c $(P9_SRCS)
	$(call Q,CLANG,$@)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
# virtio-ports' control path: message sequences and guest RAM from the input.
tests/fuzz/fuzz-vport: tests/fuzz/fuzz-vport.c hw/vport-proto.c hw/virtio-queue.c mem.c guard.c util.c
	$(call Q,CLANG,$@)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
# virtio-net's pure half: passt's stream, receive and transmit chains, MACs from the input.
tests/fuzz/fuzz-net: tests/fuzz/fuzz-net.c hw/net-frame.c hw/virtio-queue.c mem.c guard.c util.c
	$(call Q,CLANG,$@)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
# The arm64 and ppc64 builds' pure parsers (Image header, --ras-serror-esr,
# RTAS and hcall arguments, the device tree writers read back by libfdt),
# compiled natively: they touch no KVM.
FUZZ_NATIVE = clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Wno-string-plus-int \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
tests/fuzz/fuzz-arm64: tests/fuzz/fuzz-arm64.c tests/fuzz/fuzz-fdt.h arm/image.c arm/serror.c arm/devtree.c
	$(call Q,CLANG,$@)$(FUZZ_NATIVE) -Iarm -o $@ $(filter %.c,$^) -lfdt
tests/fuzz/fuzz-ppc64: tests/fuzz/fuzz-ppc64.c tests/fuzz/fuzz-fdt.h tests/fuzz/ppc-native.h powerpc/rtas.c powerpc/hcall.c \
		powerpc/devtree.c mem.c guard.c util.c
	$(call Q,CLANG,$@)$(FUZZ_NATIVE) -Ipowerpc -include tests/fuzz/ppc-native.h -o $@ $(filter %.c,$^) -lfdt
fuzz: fuzz-loaders fuzz-virtq fuzz-9p fuzz-vport fuzz-net fuzz-arm64 fuzz-ppc64
fuzz-loaders: tests/fuzz/fuzz-loaders
	mkdir -p .cache/fuzz-corpus
	cp -n x86/guest/default.elf tests/guests/x86/*.elf .cache/fuzz-corpus/ 2>/dev/null || true
	./tests/fuzz/fuzz-loaders -max_total_time=$(FUZZ_SECONDS) -max_len=65536 .cache/fuzz-corpus
fuzz-virtq: tests/fuzz/fuzz-virtq
	mkdir -p .cache/fuzz-virtq
	./tests/fuzz/fuzz-virtq -max_total_time=$(FUZZ_SECONDS) -max_len=69640 .cache/fuzz-virtq \
		tests/fuzz/virtq-corpus
fuzz-9p: tests/fuzz/fuzz-9p
	mkdir -p .cache/fuzz-9p
	./tests/fuzz/fuzz-9p -max_total_time=$(FUZZ_SECONDS) -max_len=16384 .cache/fuzz-9p \
		tests/fuzz/9p-corpus
fuzz-vport: tests/fuzz/fuzz-vport
	mkdir -p .cache/fuzz-vport
	./tests/fuzz/fuzz-vport -max_total_time=$(FUZZ_SECONDS) -max_len=4096 .cache/fuzz-vport \
		tests/fuzz/vport-corpus
fuzz-net: tests/fuzz/fuzz-net
	mkdir -p .cache/fuzz-net
	./tests/fuzz/fuzz-net -max_total_time=$(FUZZ_SECONDS) -max_len=8192 .cache/fuzz-net \
		tests/fuzz/net-corpus
fuzz-arm64 fuzz-ppc64: fuzz-%: tests/fuzz/fuzz-%
	mkdir -p .cache/fuzz-$*
	./tests/fuzz/fuzz-$* -max_total_time=$(FUZZ_SECONDS) -max_len=4096 .cache/fuzz-$*
.PHONY: fuzz fuzz-loaders fuzz-virtq fuzz-9p fuzz-vport fuzz-net fuzz-arm64 fuzz-ppc64
