/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the kvm-unit-tests-style test guest: a raw binary with no Image
 * header, loaded by lkvm (like kvmtool) at RAM base + 0x80000 and entered
 * at its first byte with x0 = the device tree.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	adr	x1, stack_top
	mov	sp, x1
	bl	flat_main
1:	wfi
	b	1b

	.bss
	.balign 16
	.space 8192
stack_top:
	.section .note.GNU-stack, "", %progbits
