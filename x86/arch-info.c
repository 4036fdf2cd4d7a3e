// SPDX-License-Identifier: GPL-2.0
/* What the help texts say about the x86 machine (arch.h: arch_info). */
#include "arch-opts.h"
#include "lkvm/arch.h"

static const struct arch_info x86_info = {
	.name = "x86",
	.kernels = "Linux bzImage, ELF vmlinux with a PVH note, or multiboot (v1) ELF",
	.initrd = "initrd (Linux), first module (multiboot)",
	.console = "16550 UART at port 0x3f8, IRQ 4",
	.guest_exit = "port 0xf4",
	.crash = "triple fault",
	.options = x86_options,
};

const struct arch_info *arch_info(void)
{
	return &x86_info;
}
