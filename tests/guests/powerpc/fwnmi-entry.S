/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwnmi.elf's entry points (fwnmi.c has the rest). Linked at 0 and run in
 * real mode, little-endian, as lkvm starts a vmlinux: vCPU 0 at _start
 * with r3 = the device tree. The architected vectors at 0x100-0xf00 report
 * which one was taken and stop; the FWNMI machine-check handler starts a
 * fresh stack and goes to C with r3 = the RTAS error log.
 */
	/* Ready to call C: a stack at \top (a first frame), r2 the TOC. */
	.macro	C_ENV top
	lis	1, \top@ha
	addi	1, 1, \top@l
	lis	2, .TOC.@ha
	addi	2, 2, .TOC.@l
	li	0, 0
	stdu	0, -32(1)
	.endm

	.section .head, "ax"
	.globl	_head
_head:
	b	_start

	/* Any architected interrupt is a failure here: say which. */
	.macro	VEC n
	.org	_head + \n
	li	31, \n
	b	bad_vector
	.endm
	VEC 0x100
	VEC 0x200
	VEC 0x300
	VEC 0x380
	VEC 0x400
	VEC 0x480
	VEC 0x500
	VEC 0x600
	VEC 0x700
	VEC 0x800
	VEC 0x900
	VEC 0xc00
	VEC 0xd00
	VEC 0xe00
	VEC 0xf00

	.org	_head + 0x1000
	.text
	.globl	_start
_start:
	C_ENV	stack_top
	bl	guest_main	/* r3: the device tree */
1:	b	1b

bad_vector:
	C_ENV	stack_top
	mr	3, 31
	mfsrr0	4
	bl	guest_bad_vector
2:	b	2b

	/* FWNMI system reset: not expected. */
	.balign	8
	.globl	fwnmi_sreset
fwnmi_sreset:
	li	31, 0x100
	b	bad_vector

	/* FWNMI machine check: r3 = the error log, SRR0/SRR1 = where it hit. */
	.balign	8
	.globl	fwnmi_mce
fwnmi_mce:
	C_ENV	mce_stack_top
	mfsrr0	4
	mfsrr1	5
	bl	guest_mce
3:	b	3b

	.bss
	.balign	16
	.space	16384
stack_top:
	.space	16384
mce_stack_top:
	.section .note.GNU-stack, "", @progbits
