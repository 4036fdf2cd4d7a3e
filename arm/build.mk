# arm64: what this architecture adds to the build (included by the Makefile).
#   ARCH_SRCS       lkvm's arm64 code (every arm/*.c)
#   ARCH_HW         shared devices from hw/ that this machine has
#   ARCH_UNIT_SRCS  arm64 code the unit tests link (pure: no KVM calls)
#   ARCH_LDLIBS     libfdt: the device tree the guest boots with
#   TEST_GUESTS     payload guests for make check-kvm
ARCH_SRCS := $(sort $(wildcard arm/*.c))
ARCH_HW := hw/uart.c
ARCH_ASM := arm/builtin-guest.S
ARCH_UNIT_SRCS := arm/arch-info.c arm/arch-opts.c arm/image.c arm/serror.c arm/devtree.c arm/ras-plan.c dtb.c \
	arm/acpi.c arm/efi.c
ARCH_FUZZ_SRCS :=
ARCH_CPPFLAGS := -Iarm
ARCH_LDLIBS := -lfdt
ARCH_CLEAN :=
# The payload guests of make check-kvm (tests/integration/arm64.sh; in the
# arm64 bed's L1 without a local arm64 KVM).
TEST_GUESTS := $(B)/tests/guests/arm/flat.flat

$(B)/arm/builtin-guest.o: arm/builtin-guest.S
	@mkdir -p $(dir $@)
	$(call Q,AS,$@)$(CC) -c -o $@ $<

# A kvm-unit-tests-style test guest (raw .flat, no Image header) for the
# nested bed: tests/guests/arm/flat.c; its link address is where lkvm
# (like kvmtool) loads a raw binary: RAM base + 0x80000.
FLAT_CFLAGS := -ffreestanding -fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-nostdlib -O2 -std=gnu11 -Wall -Wextra -Werror
FLAT_SRCS := tests/guests/arm/flat-entry.S tests/guests/arm/flat.c tests/guests/arm/flat-sve.c \
	tests/guests/arm/flat-its.c
$(B)/tests/guests/arm/flat.flat: $(FLAT_SRCS) tests/guests/arm/flat.h
	@mkdir -p $(dir $@)
	$(call Q,CC,$@)$(CC) $(FLAT_CFLAGS) -static -no-pie -Wl,-Ttext=0x80080000 \
		-Wl,--section-start=.text=0x80080000 -Wl,-e,_start -Wl,--build-id=none \
		-o $(@:.flat=.elf) $(FLAT_SRCS)
	$(CROSS_COMPILE)objcopy -O binary $(@:.flat=.elf) $@

E2E_GUESTS := $(B)/tests/guests/arm/flat.flat
