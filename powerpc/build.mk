# ppc64 (pseries): what this architecture adds to the build (included by the Makefile).
#   ARCH_SRCS       lkvm's ppc64 code (every powerpc/*.c)
#   ARCH_HW         shared devices from hw/ that this machine has (none: the
#                   console is the PAPR vty, interrupts KVM's XICS)
#   ARCH_UNIT_SRCS  ppc64 code the unit tests link (pure: no KVM calls)
#   ARCH_LDLIBS     libfdt: the device tree the guest boots with
ARCH_SRCS := $(sort $(wildcard powerpc/*.c))
ARCH_HW :=
ARCH_ASM :=
ARCH_UNIT_SRCS := powerpc/arch-info.c powerpc/errlog.c powerpc/fwnmi.c powerpc/rtas.c \
	powerpc/devtree.c powerpc/hcall.c dtb.c
ARCH_FUZZ_SRCS :=
ARCH_CPPFLAGS := -Ipowerpc
ARCH_LDLIBS := -lfdt
ARCH_CLEAN :=
TEST_GUESTS :=
