/* SPDX-License-Identifier: MIT */
/*
 * A tiny enclave for the native-execution tests (test-native.c): its pages
 * are assembled into the test binary's .rodata, page by page, and handed
 * to sgx2_sim_enclave_create() as segments. Position-independent: TCS
 * fields are label differences, code is RIP-relative.
 *
 *   page 0   TCS 0: NSSA 2 (an exception handler can run in frame 1),
 *            OFSBASE = the FS page, OGSBASE = the GS page
 *   page 1   TCS 1: NSSA 1, FS and GS bases at the enclave base
 *   page 2   code (R-X)
 *   page 3   data (RW-)
 *   page 4-7 TCS 0's SSA frames (two frames, of up to two pages)
 *   page 8-9 TCS 1's SSA frame (up to two pages)
 *   page 10-12 stacks: TCS 0, TCS 1, TCS 0's handler
 *   page 13  FS page: a marker at 0; page 14 GS page: a marker at 0
 *
 * Entered with RDI = an op (below), RSI/RDX/R8 its arguments; leaves by
 * EEXIT with its answer in RSI and RDX (the test's vDSO user handler
 * reads them: they are "the registers at enclave exit"). Entered through
 * TCS 0 with CSSA 1 (RAX, after an exception in frame 0), it runs the
 * handler ops instead.
 *
 * Also native_call(), the host side's call into the vDSO function.
 */
#define PAGE 4096
#define ENCLU .byte 0x0f, 0x01, 0xd7

#define OP_NOP 0
#define OP_FSGS 1	 /* RSI = FS:[0], RDX = GS:[0] */
#define OP_WRITE 2	 /* [RDX] = RSI */
#define OP_READ 3	 /* RDX = [RSI] */
#define OP_INT3 4	 /* int3, then RSI = 0x1234 */
#define OP_UD2 5	 /* XMM0 = RDX, MXCSR = 0x7f80, ud2 (2 bytes); then
			  * RSI = XMM0, RDX = MXCSR */
#define OP_SPIN 6	 /* spin until the host word at RSI is not 0 */
#define OP_EACCEPT 7	 /* EACCEPT page RSI, SECINFO flags RDX: RSI = RAX */
#define OP_EMODPE 8	 /* EMODPE page RSI, SECINFO flags RDX */
#define OP_EACCEPTCOPY 9 /* dst RSI, src RDX, flags R8: RSI = RAX */
#define OP_DIV0 10	 /* divide by zero */
#define OP_EREPORT 11	 /* ENCLU[EREPORT] */
#define OP_AVX 12	 /* YMM0's upper half all ones, ud2 (2 bytes); then
			  * RSI = the upper half's low quadword */
/*
 * Handler ops, TCS 0 with CSSA 1: frame 0 is the interrupted state, its
 * GPR area at RDX from the frame (0: a one-page frame's, GPR).
 */
#define OP_H_INFO 0x100	  /* RSI = EXITINFO, RDX = the saved RIP */
#define OP_H_SKIP 0x101	  /* saved RIP += RSI; RSI = EXITINFO */
#define OP_H_EXINFO 0x102 /* RSI = EXINFO.MADDR, RDX = EXINFO.ERRCD */

#define GPR 3912	/* GPRSGX in a one-page frame: 4096 - 184 */
#define GPR_RIP 136
#define GPR_EXITINFO 160
#define EXINFO 16	/* below the GPR area: MADDR, ERRCD */

	.section .rodata.encl, "a"
	.balign	PAGE
	.globl	native_encl
native_encl:
/* TCS 0 */
	.quad	0, 0			/* STATE, FLAGS */
	.quad	ssa0 - native_encl	/* OSSA */
	.long	0, 2			/* CSSA, NSSA */
	.quad	entry - native_encl	/* OENTRY */
	.quad	0			/* AEP */
	.quad	fs_page - native_encl	/* OFSBASE */
	.quad	gs_page - native_encl	/* OGSBASE */
	.long	0xffffffff, 0xffffffff	/* FSLIMIT, GSLIMIT */
	.balign	PAGE
/* TCS 1 */
	.quad	0, 0
	.quad	ssa1 - native_encl
	.long	0, 1
	.quad	entry - native_encl
	.quad	0, 0, 0
	.long	0xffffffff, 0xffffffff
	.balign	PAGE

/* Code. RAX = CSSA, RBX = the TCS, RCX = where EEXIT goes. */
	.globl	native_encl_code
native_encl_code:
entry:
	test	%rax, %rax
	jnz	handler
	lea	native_encl(%rip), %r10
	mov	%rbx, %r11
	sub	%r10, %r11		/* the TCS's offset: 0 or PAGE */
	lea	stack0_top(%rip), %r10
	add	%r11, %r10		/* its stack */
	xchg	%rsp, %r10
	push	%r10			/* the host's RSP */
	push	%rcx
	call	dispatch
exit:
	pop	%rbx			/* EEXIT target */
	pop	%r10
	mov	%r10, %rsp
	mov	$4, %eax
	ENCLU
	ud2

handler:
	lea	hstack_top(%rip), %r10
	xchg	%rsp, %r10
	push	%r10
	push	%rcx
	lea	ssa0(%rip), %r10
	test	%rdx, %rdx
	jnz	1f
	mov	$GPR, %edx
1:	add	%rdx, %r10		/* the GPR area of frame 0 */
	cmp	$OP_H_EXINFO, %rdi
	jne	2f
	mov	-EXINFO(%r10), %rsi
	mov	-EXINFO + 8(%r10), %edx
	jmp	exit
2:	mov	GPR_EXITINFO(%r10), %eax
	cmp	$OP_H_SKIP, %rdi
	jne	3f
	add	%rsi, GPR_RIP(%r10)
3:	mov	GPR_RIP(%r10), %rdx
	mov	%rax, %rsi
	jmp	exit

dispatch:
	cmp	$OP_FSGS, %rdi
	je	op_fsgs
	cmp	$OP_WRITE, %rdi
	je	op_write
	cmp	$OP_READ, %rdi
	je	op_read
	cmp	$OP_INT3, %rdi
	je	op_int3
	cmp	$OP_UD2, %rdi
	je	op_ud2
	cmp	$OP_SPIN, %rdi
	je	op_spin
	cmp	$OP_EACCEPT, %rdi
	je	op_eaccept
	cmp	$OP_EMODPE, %rdi
	je	op_emodpe
	cmp	$OP_EACCEPTCOPY, %rdi
	je	op_eacceptcopy
	cmp	$OP_DIV0, %rdi
	je	op_div0
	cmp	$OP_EREPORT, %rdi
	je	op_ereport
	cmp	$OP_AVX, %rdi
	je	op_avx
	ret
op_fsgs:
	mov	%fs:0, %rsi
	mov	%gs:0, %rdx
	ret
op_write:
	mov	%rsi, (%rdx)
	ret
op_read:
	mov	(%rsi), %rdx
	ret
op_int3:
	int3
	mov	$0x1234, %esi
	ret
op_ud2:
	movq	%rdx, %xmm0
	ldmxcsr	mxcsr(%rip)
	ud2
	movq	%xmm0, %rsi
	sub	$8, %rsp
	stmxcsr	(%rsp)
	mov	(%rsp), %edx
	add	$8, %rsp
	ret
op_spin:
	pause
	cmpq	$0, (%rsi)
	je	op_spin
	ret

/* SECINFO on the stack, 64-byte aligned: flags, then 56 zero bytes. */
secinfo:
	pop	%r11			/* the caller's return address */
	mov	%rsp, %r9
	sub	$128, %rsp
	and	$-64, %rsp
	mov	%r8, (%rsp)
	movq	$0, 8(%rsp)
	movq	$0, 16(%rsp)
	movq	$0, 24(%rsp)
	movq	$0, 32(%rsp)
	movq	$0, 40(%rsp)
	movq	$0, 48(%rsp)
	movq	$0, 56(%rsp)
	mov	%rsp, %rbx
	jmp	*%r11
op_eaccept:
	mov	%rdx, %r8
	call	secinfo
	mov	%rsi, %rcx
	mov	$5, %eax
	ENCLU
	mov	%rax, %rsi
	mov	%r9, %rsp
	ret
op_emodpe:
	mov	%rdx, %r8
	call	secinfo
	mov	%rsi, %rcx
	mov	$6, %eax
	ENCLU
	mov	%r9, %rsp
	ret
op_eacceptcopy:
	call	secinfo
	mov	%rsi, %rcx
	mov	$7, %eax
	ENCLU
	mov	%rax, %rsi
	mov	%r9, %rsp
	ret
op_div0:
	xor	%ecx, %ecx
	div	%ecx
	ret
op_ereport:
	xor	%eax, %eax
	ENCLU
	ret
op_avx:
	vpcmpeqb %xmm1, %xmm1, %xmm1
	vinsertf128 $1, %xmm1, %ymm0, %ymm0
	ud2
	vextractf128 $1, %ymm0, %xmm1
	vmovq	%xmm1, %rsi
	vzeroupper
	ret
	.balign	PAGE

/* Data. */
	.globl	native_encl_data
native_encl_data:
mxcsr:
	.long	0x7f80			/* all masked, flush to zero */
	.balign	PAGE
	.globl	native_encl_ssa
native_encl_ssa:
ssa0:
	.fill	4 * PAGE, 1, 0
ssa1:
	.fill	2 * PAGE, 1, 0
	.fill	PAGE, 1, 0
stack0_top:
	.fill	PAGE, 1, 0
	.fill	PAGE, 1, 0
hstack_top:
fs_page:
	.quad	0x4653465346534653
	.balign	PAGE
gs_page:
	.quad	0x4753475347534753
	.balign	PAGE
	.globl	native_encl_end
native_encl_end:

/*
 * int native_call(void *vdso, unsigned long rdi, unsigned long rsi,
 *                 unsigned long rdx, unsigned int function,
 *                 struct sgx_enclave_run *run, unsigned long r8);
 *
 * The vDSO call (R9 = 0), keeping what C keeps across a call: an
 * exception exit comes back with the synthetic state (R12-R15 zero).
 */
	.text
	.globl	native_call
	.type	native_call, @function
native_call:
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %rax
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	mov	%rcx, %rdx
	mov	%r8d, %ecx
	push	%r9			/* run: the 7th argument */
	mov	16(%rbp), %r8
	xor	%r9d, %r9d
	call	*%rax
	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size	native_call, . - native_call

	.section .note.GNU-stack, "", @progbits
