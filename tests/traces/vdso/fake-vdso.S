/* SPDX-License-Identifier: MIT */
/*
 * A stand-in for __vdso_sgx_enter_enclave that keeps its ABI to the
 * letter and plays an enclave that reads and writes every register:
 *
 *  - at entry it records RDI, RSI, RDX, RCX (the leaf), R8-R15 and
 *    XMM0-XMM15, all of which the real function passes to the enclave
 *    untouched (RAX, RBX, RCX are EENTER's own);
 *  - the "enclave" then sets every one of them to values of its own (the
 *    exit_* tables), and calls run->user_handler if there is one, with
 *    them as they are (RCX: its RSP; @run on the stack), as the vDSO does;
 *  - it returns 0 with run->function = EEXIT and the registers as the
 *    enclave left them (return_* values: R12-R15 too, which a real
 *    enclave may clobber), RBX and RBP restored.
 *
 * vdso-regs.c checks what it saw, and what the caller got back, with the
 * recorder's wrapper between the two and without it.
 */
#include "regs.h"

	.text
	.globl	fake_enter
	.type	fake_enter, @function
fake_enter:
	.cfi_startproc
	endbr64
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	push	%rbx

	lea	.Lseen(%rip), %rax
	STORE_REGS

	/* The enclave's registers at its exit to the handler. */
	lea	.Lexit(%rip), %rax
	LOAD_REGS

	mov	16(%rbp), %rbx		/* run */
	movl	$3, 8(%rbx)		/* as after an exception: ERESUME */
	cmpq	$0, 24(%rbx)
	je	1f
	mov	%rsp, %rcx		/* the enclave's RSP */
	push	%rbx			/* @run, 8(%rsp) in the handler */
	call	*24(%rbx)
	add	$8, %rsp
	mov	%eax, .Lhandler_ret(%rip)

1:	/* The registers the enclave leaves its caller. */
	lea	.Lreturn(%rip), %rax
	LOAD_REGS
	mov	16(%rbp), %rbx
	movl	$4, 8(%rbx)		/* EEXIT */
	xor	%eax, %eax
	mov	-8(%rbp), %rbx
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	fake_enter, . - fake_enter

	.bss
	.globl	fake_seen_enter, fake_exit_regs, fake_return_regs
	.globl	fake_handler_ret
	.balign	16
	/* Local labels for the code: the global names may be preempted. */
fake_seen_enter:
.Lseen:		.zero	96 + 256
fake_exit_regs:
.Lexit:		.zero	96 + 256
fake_return_regs:
.Lreturn:	.zero	96 + 256
fake_handler_ret:
.Lhandler_ret:	.zero	4

	.section .note.GNU-stack, "", @progbits
