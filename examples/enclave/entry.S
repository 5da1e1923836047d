/* SPDX-License-Identifier: MIT */
/*
 * The test enclave's entry points, TCS pages, SSA frames and stacks.
 *
 * The image is linked at address 0 (encl.lds), so a symbol's value is its
 * offset from the enclave base: that is what TCS.OSSA and TCS.OENTRY hold,
 * and the link resolves them; nothing is left for the loader to relocate.
 * Code only uses RIP-relative addressing, so it runs at any base.
 */
#include "layout.h"

#define ENCLU .byte 0x0f, 0x01, 0xd7
#define EEXIT 4
#define STACK_BYTES (ENCL_STACK_PAGES * ENCL_PAGE)
#define SSA_BYTES (ENCL_SSA_FRAME_PAGES * ENCL_PAGE)

/* Layout facts the host reads from the symbol table. */
	.globl	__encl_size
	.set	__encl_size, ENCL_SIZE
	.globl	__encl_ssa_frame_pages
	.set	__encl_ssa_frame_pages, ENCL_SSA_FRAME_PAGES

/*
 * A TCS (SDM table "Layout of Thread Control Structure"): STATE, FLAGS,
 * OSSA, CSSA, NSSA, OENTRY, AEP, OFSBASE, OGSBASE, FSLIMIT, GSLIMIT, then
 * reserved zeros to the end of the page.
 */
	.macro	TCS ssa
	.balign	ENCL_PAGE
	.quad	0		/* STATE */
	.quad	0		/* FLAGS: no DBGOPTIN */
	.quad	\ssa		/* OSSA */
	.long	0		/* CSSA */
	.long	1		/* NSSA */
	.quad	encl_entry	/* OENTRY */
	.quad	0		/* AEP */
	.quad	0		/* OFSBASE */
	.quad	0		/* OGSBASE */
	.long	0xFFFFFFFF	/* FSLIMIT */
	.long	0xFFFFFFFF	/* GSLIMIT */
	.fill	4024, 1, 0
	.endm

	.section .tcs, "aw"
	.globl	__encl_base
__encl_base:
	TCS	encl_ssa
	TCS	(encl_ssa + SSA_BYTES)
#if ENCL_NR_TCS != 2
#error "entry.S lays out exactly two static TCS pages"
#endif

	.text
/*
 * EENTER through a static TCS. The CPU gives RBX = the TCS's address and
 * RCX = the address to return to (after the host's ENCLU); RDI is the
 * host's struct encl_op pointer; RSP and RBP are still the host's.
 * Static TCS i (at offset i * 4096) runs on stack i.
 */
	.globl	encl_entry
	.type	encl_entry, @function
encl_entry:
	lea	__encl_base(%rip), %rax
	mov	%rbx, %r11
	sub	%rax, %r11		/* TCS offset = i * 4096 */
	cmp	$((ENCL_NR_TCS - 1) * ENCL_PAGE), %r11
	ja	encl_refuse		/* not one of ours: dynamic TCSs use */
					/* encl_dyn_entry */
	imul	$ENCL_STACK_PAGES, %r11	/* i * STACK_BYTES */
	lea	(encl_stacks + STACK_BYTES)(%rip), %rax
	add	%r11, %rax		/* top of stack i */
	jmp	encl_entry_core
	.size	encl_entry, . - encl_entry

/*
 * EENTER through a TCS made at run time (ENCL_OP_INIT_TCS). Its thread
 * block is [stack page][TCS page][SSA page]: the stack ends where the TCS
 * begins, so the TCS's own address is the top of its stack.
 */
	.globl	encl_dyn_entry
	.type	encl_dyn_entry, @function
encl_dyn_entry:
	mov	%rbx, %rax
	/* fall through */

/* RAX = top of the trusted stack. */
encl_entry_core:
	xchg	%rax, %rsp		/* RAX = the host's RSP */
	push	%rax
	push	%rcx			/* where EEXIT goes back to */
	cld
	call	encl_body		/* C: encl_body(RDI); keeps RBP, RBX, */
					/* R12-R15 as the ABI says */
	pop	%rbx			/* EEXIT target */
	pop	%rax
	mov	%rax, %rsp		/* the host's stack again */
	/* Leave nothing of the enclave in the scratch registers. */
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	mov	$EEXIT, %eax
	ENCLU
	ud2
	.size	encl_dyn_entry, . - encl_dyn_entry

/* Entered through a TCS that is not a static one: exit, doing nothing. */
encl_refuse:
	mov	%rcx, %rbx
	xor	%r11d, %r11d
	mov	$EEXIT, %eax
	ENCLU
	ud2

/*
 * Pages the demos may restrict, trim or read: page aligned, RW, measured,
 * nothing else lives in them.
 */
	.data
	.balign	ENCL_PAGE
	.globl	encl_scratch
encl_scratch:
	.fill	ENCL_SCRATCH_PAGES * ENCL_PAGE, 1, 0
	.size	encl_scratch, . - encl_scratch

/* One SSA frame per static TCS (NSSA = 1). */
	.section .ssa, "aw", @nobits
	.balign	ENCL_PAGE
	.globl	encl_ssa
encl_ssa:
	.skip	ENCL_NR_TCS * SSA_BYTES

	.section .stack, "aw", @nobits
	.balign	ENCL_PAGE
	.globl	encl_stacks
encl_stacks:
	.skip	ENCL_NR_TCS * STACK_BYTES

	.section .note.GNU-stack, "", @progbits
