/* SPDX-License-Identifier: MIT */
/*
 * The recorder's wrappers around __vdso_sgx_enter_enclave and around the
 * run->user_handler it calls (vdso.c says when they are used).
 *
 * The vDSO function is no ordinary C function: every general-purpose
 * register but RAX, RBX and RCX reaches the enclave as the caller left it
 * (RDI, RSI, RDX, R8, R9 by convention, but R10-R15 and the vector state
 * too), and on the way back the registers are the enclave's, RBX and RBP
 * excepted, both for the caller and for the user handler. So the wrappers
 * log from C only between a complete save and a complete restore of the
 * general-purpose registers, RFLAGS and the x87/SSE/AVX/AVX-512 state
 * (XSAVE, or FXSAVE without it), and hand the real function, and the
 * caller's handler, exactly the registers they were given. The stack
 * argument (@run, the 7th) is passed on at the same place: 8(%rsp) at
 * the call. RBP anchors each wrapper's frame, as it anchors the vDSO's.
 *
 *   rec__vdso_enter      the stand-in for __vdso_sgx_enter_enclave
 *   rec__vdso_handler    what run->user_handler points to meanwhile
 *
 * The saved registers (struct rec_regs in vdso.c), from low to high
 * addresses: r15 ... r8, rdi, rsi, rdx, rcx, rbx, rax, rflags.
 */
	.text

/* Save: the GPRs and RFLAGS on the stack, RBX = their block, then the
 * extended state 64-byte aligned below it (its XSAVE header zeroed, as
 * XRSTOR requires of the bytes XSAVE does not write). Clobbers nothing
 * that RESTORE does not put back. */
.macro SAVE
	pushfq
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rbx
	cld
	mov	rec__xsave_size(%rip), %eax
	sub	%rax, %rsp
	and	$-64, %rsp
	lea	512(%rsp), %rdi
	mov	$8, %ecx
	xor	%eax, %eax
	rep stosq
	cmpl	$0, rec__use_xsave(%rip)
	je	1f
	mov	rec__xsave_mask(%rip), %eax
	mov	rec__xsave_mask+4(%rip), %edx
	xsave	(%rsp)
	jmp	2f
1:	fxsave	(%rsp)
2:
.endm

.macro RESTORE
	cmpl	$0, rec__use_xsave(%rip)
	je	1f
	mov	rec__xsave_mask(%rip), %eax
	mov	rec__xsave_mask+4(%rip), %edx
	xrstor	(%rsp)
	jmp	2f
1:	fxrstor	(%rsp)
2:	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	popfq
.endm

/* hook(regs, run, frame): C, between SAVE and RESTORE. */
.macro HOOK fn
	mov	%rbx, %rdi
	mov	16(%rbp), %rsi
	mov	%rbp, %rdx
	call	\fn
.endm

	.globl	rec__vdso_enter
	.hidden	rec__vdso_enter
	.type	rec__vdso_enter, @function
rec__vdso_enter:
	.cfi_startproc
	endbr64
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	SAVE
	HOOK	rec__vdso_pre
	RESTORE
	/* The real function, with @run where it was: 8(%rsp) at entry. */
	sub	$8, %rsp
	push	16(%rbp)
	call	*rec__vdso_real(%rip)
	add	$16, %rsp
	SAVE
	HOOK	rec__vdso_post
	RESTORE
	pop	%rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	rec__vdso_enter, . - rec__vdso_enter

	.globl	rec__vdso_handler
	.hidden	rec__vdso_handler
	.type	rec__vdso_handler, @function
rec__vdso_handler:
	.cfi_startproc
	endbr64
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	sub	$16, %rsp		/* -8(%rbp): the caller's handler */
	SAVE
	HOOK	rec__handler_pre
	mov	%rax, -8(%rbp)
	RESTORE
	sub	$8, %rsp
	push	16(%rbp)
	call	*-8(%rbp)
	add	$16, %rsp
	SAVE
	HOOK	rec__handler_post
	RESTORE
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	rec__vdso_handler, . - rec__vdso_handler

	.section .note.GNU-stack, "", @progbits
