# x86-64: what this architecture adds to the build (included by the Makefile).
#   ARCH_SRCS       lkvm's x86 code (every x86/*.c)
#   ARCH_HW         shared devices from hw/ that this machine has
#   ARCH_ASM        the built-in guest, linked into lkvm
#   ARCH_UNIT_SRCS  x86 code the unit tests link (pure: no KVM calls)
#   ARCH_CPPFLAGS   include path for x86's private headers
#   ARCH_CORE_SKIP  core files x86 goes without (dtb.c: no device tree, no libfdt)
#   ARCH_LDLIBS     libraries x86 code links (liblzma)
ARCH_SRCS := $(sort $(wildcard x86/*.c))
ARCH_HW := hw/uart.c hw/rtc.c hw/rtc-clock.c
ARCH_ASM := x86/builtin-guest.S
ARCH_UNIT_SRCS := x86/arch-info.c x86/arch-opts.c x86/bzimage.c x86/multiboot.c x86/e820.c x86/mce.c x86/pvh.c x86/cmdline.c \
	x86/acpi.c x86/pt-walk.c x86/ghes.c hw/rtc-clock.c x86/kernel-unpack.c
ARCH_FUZZ_SRCS := x86/bzimage.c x86/multiboot.c x86/pvh.c x86/e820.c
ARCH_CPPFLAGS := -Ix86
ARCH_CORE_SKIP := dtb.c
# liblzma (Debian's liblzma-dev): the sandbox unpacks a bzImage's xz vmlinux (x86/kernel-unpack.c).
ARCH_LDLIBS := -llzma

# ---- tiny x86 guests: the built-in one and the test payloads ----
GUEST_CFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-asynchronous-unwind-tables -mgeneral-regs-only -nostdlib -O2 -std=gnu11 \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ix86/guest
GUEST_RT := x86/guest/crt0.o32 x86/guest/lib.o32
TEST_GUESTS := $(patsubst %.c,%.elf,$(wildcard tests/guests/x86/*.c))
ARCH_CLEAN := x86/guest/*.o32 x86/guest/*.elf tests/guests/x86/*.o32 tests/guests/x86/*.elf
ARCH_LINT_EXTRA = cppcheck --quiet --error-exitcode=1 --platform=unix32 \
	--enable=warning,style,performance,portability --inline-suppr \
	--suppress=missingIncludeSystem --std=c11 -Ix86/guest x86/guest/*.c tests/guests/x86/*.c

%.o32: %.c x86/guest/guest.h
	$(call Q,CC32,$@)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
%.o32: %.S
	$(call Q,AS32,$@)$(CC) $(GUEST_CFLAGS) -c -o $@ $<
%.elf: %.o32 $(GUEST_RT) x86/guest/guest.ld
	$(call Q,LD32,$@)$(LD) -m elf_i386 -n --no-warn-rwx-segments -z noexecstack -T x86/guest/guest.ld -o $@ $(GUEST_RT) $<

$(B)/x86/builtin-guest.o: x86/builtin-guest.S x86/guest/default.elf
	@mkdir -p $(dir $@)
	$(call Q,AS,$@)$(CC) -c -DBUILTIN_GUEST='"x86/guest/default.elf"' -o $@ $<
