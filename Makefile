# lkvm: a small VMM that survives host memory errors.
#   make [ARCH=x86] [CROSS_COMPILE=...] [STATIC=1]   build ./lkvm
#   make check      unit tests (plain and ASan/UBSan) + payload guests on /dev/kvm
#   make bench      start-up, memory overhead, exit round trips vs QEMU
#   make e2e        real Linux guests, real memory errors (nested bed, tests/e2e/)
#   make bench-boot lkvm vs QEMU booting the same Linux (nested bed, bench/boot.sh)
#   make install [PREFIX=/usr/local] [DESTDIR=]

HOST_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' \
	-e 's/aarch64/arm64/' -e 's/ppc64.*/powerpc/')
ARCH ?= $(HOST_ARCH)
CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

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

CORE_SRCS := main.c builtin-run.c builtin-ctl.c run-opts.c vm.c vcpu.c mem.c io-bus.c \
	ctl.c term.c util.c ras.c ras-policy.c ras-event.c

ifeq ($(ARCH),x86)
ARCH_SRCS := $(sort $(wildcard x86/*.c))
ARCH_ASM := x86/builtin-guest.S
else
$(error ARCH=$(ARCH) is not supported yet: lkvm builds for x86 only so far)
endif

OBJS := $(CORE_SRCS:.c=.o) $(ARCH_SRCS:.c=.o) $(ARCH_ASM:.S=.o)

# Quiet build lines unless V=1.
ifneq ($(V),1)
Q = @printf '  %-7s %s\n' $(1) $(2);
endif

all: lkvm

lkvm: $(OBJS)
	$(call Q,LINK,$@)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

%.o: %.c
	$(call Q,CC,$@)$(CC) $(CFLAGS) -c -o $@ $<

# main.c prints the version: rebuild it when `git describe` changes.
.version: FORCE
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
main.o: .version
FORCE:

# ---- tiny x86 guests: the built-in one and the test payloads ----
GUEST_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -mgeneral-regs-only -nostdlib -O2 -std=gnu11 \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ix86/guest
GUEST_RT := x86/guest/crt0.o32 x86/guest/lib.o32

%.o32: %.c x86/guest/guest.h
	$(call Q,CC32,$@)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
%.o32: %.S
	$(call Q,AS32,$@)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
%.elf: %.o32 $(GUEST_RT) x86/guest/guest.ld
	$(call Q,LD32,$@)$(LD) -m elf_i386 -n --no-warn-rwx-segments -z noexecstack -T x86/guest/guest.ld -o $@ $(GUEST_RT) $<

x86/builtin-guest.o: x86/builtin-guest.S x86/guest/default.elf
	$(call Q,AS,$@)$(CC) -c -DBUILTIN_GUEST='"x86/guest/default.elf"' -o $@ $<

# ---- tests ----
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)
UNIT_SRCS := $(wildcard tests/unit/*.c) mem.c run-opts.c util.c ras-policy.c ras-event.c \
	io-bus.c x86/bzimage.c x86/multiboot.c x86/e820.c x86/mce.c x86/pvh.c x86/cmdline.c
UNIT_HDRS := $(wildcard include/lkvm/*.h x86/*.h tests/unit/*.h)
TEST_GUESTS := $(patsubst %.c,%.elf,$(wildcard tests/guests/*.c))
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

tests/unit-tests: $(UNIT_SRCS) $(UNIT_HDRS)
	$(call Q,CC,$@)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(CHECK_CFLAGS) -Ix86 -o $@ $(UNIT_SRCS) $(CHECK_LIBS) -pthread
tests/unit-tests-san: $(UNIT_SRCS) $(UNIT_HDRS)
	$(call Q,CC,$@)$(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(SAN) $(CHECK_CFLAGS) -Ix86 -o $@ $(UNIT_SRCS) $(CHECK_LIBS) -pthread

guests: $(TEST_GUESTS)

check-unit: tests/unit-tests tests/unit-tests-san
	CK_FORK=yes ./tests/unit-tests
	CK_FORK=yes ./tests/unit-tests-san

check-kvm: lkvm $(TEST_GUESTS)
	./tests/integration/run.sh

check: check-unit check-kvm

lint:
	$(call Q,CPPCHECK,.)cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem --std=c11 -D__GNUC__ -Iinclude \
		$(CORE_SRCS) $(ARCH_SRCS)
	$(call Q,CPPCHECK,guests)cppcheck --quiet --error-exitcode=1 --platform=unix32 \
		--enable=warning,style,performance,portability --inline-suppr \
		--suppress=missingIncludeSystem --std=c11 -Ix86/guest x86/guest/*.c tests/guests/*.c

bench: lkvm tests/guests/pio.elf
	./bench/run.sh

install: lkvm
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 lkvm $(DESTDIR)$(PREFIX)/bin/lkvm

clean:
	rm -f lkvm .version $(OBJS) $(OBJS:.o=.d) x86/guest/*.o32 x86/guest/*.elf tests/guests/*.o32 \
		tests/guests/*.elf tests/unit-tests tests/unit-tests-san

.PHONY: FORCE all check check-unit check-kvm guests lint bench install clean
.SECONDARY:

-include $(OBJS:.o=.d)
# Real Linux guests in the nested test bed: make e2e (tests/e2e/).
-include tests/e2e/e2e.mk

# Fuzz the kernel loaders with libFuzzer + ASan/UBSan (clang): make fuzz [FUZZ_SECONDS=60]
FUZZ_SECONDS ?= 60
tests/fuzz/fuzz-loaders: tests/fuzz/fuzz-loaders.c x86/bzimage.c x86/multiboot.c x86/pvh.c x86/e820.c mem.c
	$(call Q,CLANG,$@)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude -Ix86 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $^
fuzz: tests/fuzz/fuzz-loaders
	mkdir -p .cache/fuzz-corpus
	cp -n x86/guest/default.elf tests/guests/*.elf .cache/fuzz-corpus/ 2>/dev/null || true
	./tests/fuzz/fuzz-loaders -max_total_time=$(FUZZ_SECONDS) -max_len=65536 .cache/fuzz-corpus
.PHONY: fuzz
