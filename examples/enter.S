/* SPDX-License-Identifier: MIT */
/*
 * int loader_enter_vdso(void *vdso_fn, unsigned long rdi,
 *                       unsigned int function, struct sgx_enclave_run *run);
 *
 * Calls __vdso_sgx_enter_enclave(rdi, 0, 0, function, 0, 0, run) from C.
 * The vDSO keeps RBX and RBP, and the enclave keeps the other callee-saved
 * registers when it leaves by EEXIT; but an asynchronous exit (AEX) that
 * the vDSO reports as an exception loads the CPU's synthetic state: R12-R15
 * are zero, MXCSR and the x87 control word are at their reset values. So
 * this wrapper saves and restores what the C ABI expects kept.
 *
 * run->user_handler runs before the vDSO returns, in that state: a C
 * function accepts it (the values are the ABI's defaults or callee-saved),
 * and may call this wrapper again, which nests. Once the vDSO returns, the
 * last exit decides the registers, hence the restore here in every case.
 */
	.text
	.globl	loader_enter_vdso
	.type	loader_enter_vdso, @function
loader_enter_vdso:
	.cfi_startproc
	endbr64
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	.cfi_offset %rbx, -24
	.cfi_offset %r12, -32
	.cfi_offset %r13, -40
	.cfi_offset %r14, -48
	.cfi_offset %r15, -56
	sub	$24, %rsp		/* 16-byte aligned for the call */
	mov	%rcx, (%rsp)		/* 7th argument: run */
	stmxcsr	8(%rsp)
	fnstcw	12(%rsp)

	mov	%rdi, %rax		/* the vDSO function */
	mov	%rsi, %rdi		/* rdi: passed to the enclave */
	mov	%edx, %ecx		/* function: EENTER or ERESUME */
	xor	%esi, %esi
	xor	%edx, %edx
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	call	*%rax

	ldmxcsr	8(%rsp)
	fldcw	12(%rsp)
	add	$24, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	loader_enter_vdso, . - loader_enter_vdso

	.section .note.GNU-stack, "", @progbits
