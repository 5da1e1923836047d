/* SPDX-License-Identifier: MIT */
/*
 * void sim__signal_entry(int sig, siginfo_t *si, void *uc);
 *
 * The handler of every signal the simulator takes (signal.c). A signal
 * that arrives while the thread runs enclave code comes with the
 * enclave's FS and GS bases (the TCS's OFSBASE/OGSBASE, or whatever the
 * enclave set), and the kernel does not switch them: no C code may run
 * before the thread's own bases are back, since compiled code, libc and
 * sanitizer runtimes reach thread-local storage through FS. So:
 *
 *  1. save the bases the signal came with, in a struct sim_bases on the
 *     stack;
 *  2. ask sim__thread_inside() (TLS-free) whether this thread is inside
 *     an enclave; if so, load its host bases from the struct sim_thread;
 *  3. call sim__signal(sig, si, uc, &saved, thread);
 *  4. load the bases it returns, if any (the enclave's, to go back in),
 *     and return to the kernel's sigreturn, which touches no TLS either.
 *
 * FS/GS base access is WRFSBASE/RDFSBASE when the kernel enables it
 * (HWCAP2_FSGSBASE), arch_prctl(2) otherwise.
 */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define SYS_arch_prctl 158

	.text

/* rax: the address of a struct sim_bases to load. Clobbers rdi, rsi, rcx, r11. */
	.type	load_bases, @function
load_bases:
	cmpl	$0, sim__fsgsbase(%rip)
	je	1f
	mov	(%rax), %rdi
	wrfsbase %rdi
	mov	8(%rax), %rdi
	wrgsbase %rdi
	ret
1:	push	%rax
	mov	(%rax), %rsi
	mov	$ARCH_SET_FS, %edi
	mov	$SYS_arch_prctl, %eax
	syscall
	mov	(%rsp), %rax
	mov	8(%rax), %rsi
	mov	$ARCH_SET_GS, %edi
	mov	$SYS_arch_prctl, %eax
	syscall
	pop	%rax
	ret
	.size	load_bases, . - load_bases

/* rax: where to store the current bases. Clobbers rdi, rsi, rcx, r11. */
	.type	save_bases, @function
save_bases:
	cmpl	$0, sim__fsgsbase(%rip)
	je	1f
	rdfsbase %rdi
	mov	%rdi, (%rax)
	rdgsbase %rdi
	mov	%rdi, 8(%rax)
	ret
1:	push	%rax
	mov	%rax, %rsi
	mov	$ARCH_GET_FS, %edi
	mov	$SYS_arch_prctl, %eax
	syscall
	mov	(%rsp), %rsi
	add	$8, %rsi
	mov	$ARCH_GET_GS, %edi
	mov	$SYS_arch_prctl, %eax
	syscall
	pop	%rax
	ret
	.size	save_bases, . - save_bases

	.globl	sim__signal_entry
	.hidden	sim__signal_entry
	.type	sim__signal_entry, @function
sim__signal_entry:
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	push	%r12
	.cfi_def_cfa_offset 24
	.cfi_offset %r12, -24
	push	%r13
	.cfi_def_cfa_offset 32
	.cfi_offset %r13, -32
	push	%r14
	.cfi_def_cfa_offset 40
	.cfi_offset %r14, -40
	sub	$24, %rsp		/* struct sim_bases, 16-byte aligned */
	.cfi_def_cfa_offset 64
	mov	%edi, %ebx
	mov	%rsi, %r12
	mov	%rdx, %r13

	mov	%rsp, %rax
	call	save_bases
	call	sim__thread_inside
	mov	%rax, %r14
	test	%rax, %rax
	jz	1f
	call	load_bases		/* struct sim_thread starts with host */
1:
	mov	%ebx, %edi
	mov	%r12, %rsi
	mov	%r13, %rdx
	mov	%rsp, %rcx
	mov	%r14, %r8
	call	sim__signal
	test	%rax, %rax
	jz	2f
	call	load_bases
2:
	add	$24, %rsp
	.cfi_def_cfa_offset 40
	pop	%r14
	.cfi_def_cfa_offset 32
	pop	%r13
	.cfi_def_cfa_offset 24
	pop	%r12
	.cfi_def_cfa_offset 16
	pop	%rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	sim__signal_entry, . - sim__signal_entry

	.section .note.GNU-stack, "", @progbits
