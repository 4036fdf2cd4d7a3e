/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkvm's built-in arm64 guest (`lkvm run` without --kernel): position
 * independent, entered at EL1 with the MMU off. It counts the vCPUs PSCI
 * knows (AFFINITY_INFO on MPIDR 0..15), prints that on the UART at
 * 0x1000000, and powers off with PSCI SYSTEM_OFF.
 */
#define PSCI_AFFINITY_INFO	0xc4000004
#define PSCI_SYSTEM_OFF		0x84000008

	.section .rodata, "a"
	.balign 4096
	.globl lkvm_builtin_guest, lkvm_builtin_guest_end
lkvm_builtin_guest:
	mov	x19, #0x1000000		/* UART THR */
	mov	x20, #0			/* MPIDR being asked about */
	mov	x21, #0			/* vCPUs found */
1:	movz	x0, #(PSCI_AFFINITY_INFO & 0xffff)
	movk	x0, #(PSCI_AFFINITY_INFO >> 16), lsl #16
	mov	x1, x20
	mov	x2, #0
	hvc	#0
	cmn	x0, #2			/* INVALID_PARAMETERS: no such CPU */
	b.eq	2f
	add	x21, x21, #1
2:	add	x20, x20, #1
	cmp	x20, #16
	b.lo	1b

	adr	x2, msg_head
	bl	puts
	mov	x3, #10			/* two decimal digits at most */
	udiv	x4, x21, x3
	msub	x5, x4, x3, x21
	cbz	x4, 3f
	add	w4, w4, #'0'
	strb	w4, [x19]
3:	add	w5, w5, #'0'
	strb	w5, [x19]
	adr	x2, msg_tail
	bl	puts

	movz	x0, #(PSCI_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	hvc	#0
4:	wfi
	b	4b

/* Print the NUL-terminated string at x2. */
puts:	ldrb	w3, [x2], #1
	cbz	w3, 5f
	strb	w3, [x19]
	b	puts
5:	ret

msg_head:
	.asciz	"lkvm built-in guest (arm64): vCPUs seen: "
msg_tail:
	.asciz	"; powering off\r\n"
	.balign 8
lkvm_builtin_guest_end:
	.section .note.GNU-stack, "", %progbits
