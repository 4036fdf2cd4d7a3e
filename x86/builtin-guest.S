/* SPDX-License-Identifier: GPL-2.0 */
/* The built-in guest image (x86/guest/default.c), linked into lkvm. */
	.section .rodata
	.balign 16
	.globl lkvm_builtin_guest, lkvm_builtin_guest_end
lkvm_builtin_guest:
	.incbin BUILTIN_GUEST
lkvm_builtin_guest_end:
	.section .note.GNU-stack, "", @progbits
