# ppc64 (pseries): what this architecture adds to the build (included by the Makefile).
#   ARCH_SRCS       lkvm's ppc64 code (every powerpc/*.c)
#   ARCH_HW         shared devices from hw/ that this machine has (none: the
#                   console is the PAPR vty, interrupts KVM's XICS)
#   ARCH_UNIT_SRCS  ppc64 code the unit tests link (no KVM calls on their
#                   paths; ras.c's registers come from tests/unit/powerpc/fake-regs.c)
#   ARCH_LDLIBS     libfdt: the device tree the guest boots with
ARCH_SRCS := $(sort $(wildcard powerpc/*.c))
ARCH_HW :=
ARCH_ASM :=
ARCH_UNIT_SRCS := powerpc/arch-info.c powerpc/errlog.c powerpc/fwnmi.c powerpc/rtas.c \
	powerpc/devtree.c powerpc/hcall.c powerpc/ras.c dtb.c
ARCH_FUZZ_SRCS :=
ARCH_CPPFLAGS := -Ipowerpc
ARCH_LDLIBS := -lfdt
ARCH_CLEAN :=
TEST_GUESTS :=

# A payload guest for the nested bed (e2e scenario fwnmi-guest): it checks the
# FWNMI error log lkvm delivers (tests/guests/powerpc/fwnmi.c); linked at 0
# and loaded as an ELF vmlinux is.
PPC_GUEST_CFLAGS := -ffreestanding -fno-pic -fno-stack-protector -mno-pcrel -mcmodel=medium \
	-nostdlib -static -O2 -std=gnu11 -Wall -Wextra -Werror
$(B)/tests/guests/powerpc/fwnmi.elf: tests/guests/powerpc/fwnmi.c tests/guests/powerpc/fwnmi-entry.S \
		tests/guests/powerpc/fwnmi.lds
	@mkdir -p $(dir $@)
	$(call Q,CC,$@)$(CC) $(PPC_GUEST_CFLAGS) -Wl,-T,tests/guests/powerpc/fwnmi.lds \
		-Wl,--build-id=none -Wl,--no-warn-rwx-segments -o $@ \
		tests/guests/powerpc/fwnmi-entry.S tests/guests/powerpc/fwnmi.c

E2E_GUESTS := $(B)/tests/guests/powerpc/fwnmi.elf
