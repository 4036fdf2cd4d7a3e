// SPDX-License-Identifier: GPL-2.0
/* What the help texts say about the arm64 machine (arch.h: arch_info). */
#include "arch-opts.h"
#include "lkvm/arch.h"

static const struct arch_info arm_info = {
	.name = "arm64",
	.kernels = "arm64 Linux Image (uncompressed), or a raw binary (kvm-unit-tests .flat)",
	.initrd = "initrd (Linux), environment (kvm-unit-tests)",
	.console = "16550 UART at MMIO 0x1000000, SPI 0",
	.guest_exit = NULL,	/* no exit-code device: PSCI SYSTEM_OFF is status 0 */
	.crash = "PSCI crash event, or an MMIO access KVM cannot emulate",
	.options = arm_options,
	.device_tree = true,
};

const struct arch_info *arch_info(void)
{
	return &arm_info;
}
