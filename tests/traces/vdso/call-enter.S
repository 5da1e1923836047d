/* SPDX-License-Identifier: MIT */
/*
 * int call_enter(void *vdso_fn, struct sgx_enclave_run *run): call the
 * vDSO function as an SGX runtime's assembly does, every register loaded
 * from caller_regs (the same layout as fake-vdso.S's tables: RDI, RSI,
 * RDX, RCX, R8-R15, then XMM0-XMM15; RCX is the leaf, EENTER), RBX too
 * (from caller_rbx), and record every register after it returns into
 * caller_after (RBX at caller_after_rbx). The callee-saved registers are
 * saved here, since the enclave may clobber R12-R15.
 *
 * test_handler: a run->user_handler that records the registers it is
 * called with into handler_seen (and @run into handler_run), returns 0.
 */
#include "regs.h"

	.text
	.globl	call_enter
	.type	call_enter, @function
call_enter:
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
	mov	%rdi, fn(%rip)
	push	%rsi			/* @run: 8(%rsp) in the callee */
	lea	caller_regs(%rip), %rax
	LOAD_REGS
	mov	caller_rbx(%rip), %rbx
	call	*fn(%rip)
	add	$8, %rsp
	mov	%rax, caller_after_rax(%rip)
	mov	%rbx, caller_after_rbx(%rip)
	lea	caller_after(%rip), %rax
	STORE_REGS
	mov	caller_after_rax(%rip), %rax
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	call_enter, . - call_enter

	.globl	test_handler
	.type	test_handler, @function
test_handler:
	endbr64
	push	%rax
	lea	handler_seen(%rip), %rax
	STORE_REGS
	mov	16(%rsp), %rdi		/* @run, above RAX and the return */
	mov	%rdi, handler_run(%rip)
	pop	%rax
	xor	%eax, %eax
	ret
	.size	test_handler, . - test_handler

	.bss
	.balign	16
	.globl	caller_regs, caller_after, handler_seen
	.globl	caller_rbx, caller_after_rbx, handler_run
caller_regs:	.zero	96 + 256
caller_after:	.zero	96 + 256
handler_seen:	.zero	96 + 256
caller_rbx:	.zero	8
caller_after_rbx: .zero	8
caller_after_rax: .zero	8
handler_run:	.zero	8
fn:		.zero	8

	.section .note.GNU-stack, "", @progbits
