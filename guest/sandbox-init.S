/* SPDX-License-Identifier: GPL-2.0 */
/* The sandbox init (guest/sandbox-init.c), built for this architecture, linked into lkvm. */
	.section .rodata
	.balign 16
	.globl lkvm_sandbox_init, lkvm_sandbox_init_end
lkvm_sandbox_init:
	.incbin SANDBOX_INIT
lkvm_sandbox_init_end:
	.section .note.GNU-stack, "", %progbits
