/* SPDX-License-Identifier: MIT */
/*
 * Register blocks of the vDSO register test, at the address in RAX: RDI,
 * RSI, RDX, RCX, R8-R15 (12 words), then XMM0-XMM15 (32 words).
 */
#ifndef VDSO_REGS_H
#define VDSO_REGS_H

/* clang-format off */
.macro STORE_REGS
	mov	%rdi, 0(%rax)
	mov	%rsi, 8(%rax)
	mov	%rdx, 16(%rax)
	mov	%rcx, 24(%rax)
	mov	%r8, 32(%rax)
	mov	%r9, 40(%rax)
	mov	%r10, 48(%rax)
	mov	%r11, 56(%rax)
	mov	%r12, 64(%rax)
	mov	%r13, 72(%rax)
	mov	%r14, 80(%rax)
	mov	%r15, 88(%rax)
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	%xmm\n, 96+16*\n(%rax)
	.endr
.endm

.macro LOAD_REGS
	mov	0(%rax), %rdi
	mov	8(%rax), %rsi
	mov	16(%rax), %rdx
	mov	24(%rax), %rcx
	mov	32(%rax), %r8
	mov	40(%rax), %r9
	mov	48(%rax), %r10
	mov	56(%rax), %r11
	mov	64(%rax), %r12
	mov	72(%rax), %r13
	mov	80(%rax), %r14
	mov	88(%rax), %r15
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movdqu	96+16*\n(%rax), %xmm\n
	.endr
.endm
/* clang-format on */

#endif
