/* SPDX-License-Identifier: MIT */
/*
 * Test doubles for loader_enter_vdso() (examples/enter.S).
 *
 * fake_vdso: stands in for __vdso_sgx_enter_enclave. Records its seven
 * arguments and the stack alignment it was called with in fake_seen[],
 * then leaves the state an exception exit would: R12-R15 zero, MXCSR and
 * the x87 control word changed. Keeps RBX and RBP, as the vDSO does.
 * Returns 0x1234.
 *
 * probe_enter(fn, rdi, function, run, regs[5]): sets RBX and R12-R15 to
 * known values, calls loader_enter_vdso(fn, rdi, function, run), stores
 * what RBX and R12-R15 hold after it in regs[], returns its result.
 */
	.data
	.balign	8
	.globl	fake_seen
fake_seen:
	.fill	8, 8, 0		/* rdi rsi rdx rcx r8 r9 arg7 (rsp+8)&15 */
fake_mxcsr:
	.long	0x7f80 | 0x6000	/* all masked, round toward zero */
fake_fcw:
	.word	0x0c7f		/* round toward zero */

	.text
	.globl	fake_vdso
	.type	fake_vdso, @function
fake_vdso:
	lea	fake_seen(%rip), %rax
	mov	%rdi, 0(%rax)
	mov	%rsi, 8(%rax)
	mov	%rdx, 16(%rax)
	mov	%rcx, 24(%rax)
	mov	%r8, 32(%rax)
	mov	%r9, 40(%rax)
	mov	8(%rsp), %r10
	mov	%r10, 48(%rax)
	lea	8(%rsp), %r10
	and	$15, %r10
	mov	%r10, 56(%rax)
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	ldmxcsr	fake_mxcsr(%rip)
	fldcw	fake_fcw(%rip)
	mov	$0x1234, %eax
	ret
	.size	fake_vdso, . - fake_vdso

	.globl	probe_enter
	.type	probe_enter, @function
probe_enter:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%r8
	sub	$8, %rsp
	movabs	$0x1111111111111111, %rbx
	movabs	$0x1212121212121212, %r12
	movabs	$0x1313131313131313, %r13
	movabs	$0x1414141414141414, %r14
	movabs	$0x1515151515151515, %r15
	call	loader_enter_vdso
	add	$8, %rsp
	pop	%r8
	mov	%rbx, 0(%r8)
	mov	%r12, 8(%r8)
	mov	%r13, 16(%r8)
	mov	%r14, 24(%r8)
	mov	%r15, 32(%r8)
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret
	.size	probe_enter, . - probe_enter

	.section .note.GNU-stack, "", @progbits
