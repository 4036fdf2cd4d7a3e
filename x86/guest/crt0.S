/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Start-up for lkvm's tiny multiboot guests: flat GDT, IDT stubs for the
 * 32 exception vectors, and a real-mode trampoline for application
 * processors (started at 0x8000 by INIT/SIPI vector 0x08).
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	mov	$boot_stack_top, %esp
	mov	%eax, mb_magic
	mov	%ebx, mb_info
	lgdt	bsp_gdt_desc
	ljmp	$0x08, $1f
1:	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	call	idt_setup
	pushl	mb_info
	pushl	mb_magic
	call	main
	push	%eax
	call	guest_exit
2:	hlt
	jmp	2b

	/* Application processors arrive here in protected mode. */
	.globl ap_entry32
ap_entry32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$1, %eax
	lock xadd %eax, ap_stack_next
	cmp	$AP_MAX, %eax
	jae	3f
	inc	%eax
	shl	$12, %eax
	add	$ap_stacks, %eax
	mov	%eax, %esp
	lidt	idt_desc
	call	ap_main
3:	cli
	hlt
	jmp	3b

/* Exception stubs: push a dummy error code where the CPU pushes none. */
.macro trap_noerr n
	.globl trap\n
trap\n:	pushl	$0
	pushl	$\n
	jmp	trap_common
.endm
.macro trap_err n
	.globl trap\n
trap\n:	pushl	$\n
	jmp	trap_common
.endm

	trap_noerr 0
	trap_noerr 1
	trap_noerr 2
	trap_noerr 3
	trap_noerr 4
	trap_noerr 5
	trap_noerr 6
	trap_noerr 7
	trap_err 8
	trap_noerr 9
	trap_err 10
	trap_err 11
	trap_err 12
	trap_err 13
	trap_err 14
	trap_noerr 15
	trap_noerr 16
	trap_err 17
	trap_noerr 18
	trap_noerr 19
	trap_noerr 20
	trap_err 21
	trap_noerr 22
	trap_noerr 23
	trap_noerr 24
	trap_noerr 25
	trap_noerr 26
	trap_noerr 27
	trap_noerr 28
	trap_err 29
	trap_err 30
	trap_noerr 31

trap_common:
	pusha
	push	%esp
	call	guest_trap
	add	$4, %esp
	popa
	add	$8, %esp
	/*
	 * Return like IRET at the same privilege level, without IRET: KVM's
	 * instruction emulator (all that the software KVM of some test hosts
	 * has) handles IRET in real mode only. Stack: eip, cs, eflags.
	 */
	push	%eax
	mov	4(%esp), %eax
	xchg	%eax, 12(%esp)
	mov	%eax, 8(%esp)
	pop	%eax
	add	$4, %esp
	popf
	ret

	.data
	.align 8
bsp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
bsp_gdt_desc:
	.word	bsp_gdt_desc - bsp_gdt - 1
	.long	bsp_gdt
	.align 4
	.globl mb_magic, mb_info
mb_magic:	.long 0
mb_info:	.long 0
	.globl ap_stack_next
ap_stack_next:	.long 0

	.bss
	.align 4096
	.set AP_MAX, 64
ap_stacks:	.space 4096 * AP_MAX
boot_stack:	.space 16384
boot_stack_top:

/*
 * Real-mode entry for APs, run at 0x8000 after smp_start() copied it there,
 * with its own copy of the GDT (reachable from 16-bit code).
 */
	.section .trampoline, "ax"
	.code16
	.globl ap_trampoline
ap_trampoline:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	gdt_desc
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$0x08, $ap_entry32
	.align 8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: flat data */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt

	.section .note.GNU-stack, "", @progbits
