# arm64: what this architecture adds to the build (included by the Makefile).
#   ARCH_SRCS       lkvm's arm64 code (every arm/*.c)
#   ARCH_HW         shared devices from hw/ that this machine has
#   ARCH_UNIT_SRCS  arm64 code the unit tests link (pure: no KVM calls)
#   ARCH_LDLIBS     libfdt: the device tree the guest boots with
ARCH_SRCS := $(sort $(wildcard arm/*.c))
ARCH_HW := hw/uart.c
ARCH_ASM := arm/builtin-guest.S
ARCH_UNIT_SRCS := arm/arch-info.c arm/image.c arm/serror.c arm/devtree.c
ARCH_FUZZ_SRCS :=
ARCH_CPPFLAGS := -Iarm
ARCH_LDLIBS := -lfdt
ARCH_CLEAN :=
TEST_GUESTS :=

$(B)/arm/builtin-guest.o: arm/builtin-guest.S
	@mkdir -p $(dir $@)
	$(call Q,AS,$@)$(CC) -c -o $@ $<
