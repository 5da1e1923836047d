/* SPDX-License-Identifier: MIT */
/*
 * int __vdso_sgx_enter_enclave(unsigned long rdi, unsigned long rsi,
 *                              unsigned long rdx, unsigned int function,
 *                              unsigned long r8, unsigned long r9,
 *                              struct sgx_enclave_run *run);
 *
 * The simulator's stand-in for the kernel's vDSO function, written from
 * the ABI that <asm/sgx.h> documents (vdso.c exports it in a small ELF
 * image found through getauxval(AT_SYSINFO_EHDR)):
 *
 *  - @function must be EENTER (2) or ERESUME (3), and run->reserved all
 *    zero, else -EINVAL before anything is entered;
 *  - RAX, RBX and RCX are EENTER's/ERESUME's: @function, run->tcs and the
 *    AEP, which is the ENCLU itself, so that an interrupted enclave is
 *    resumed by executing it again; RDI, RSI, RDX, R8 and R9 pass through;
 *  - the ENCLU is the simulator's: UD2 and a NOP (ENCLU's three bytes),
 *    an invalid opcode on every CPU, so that the signal handler runs the
 *    leaf on the model also where the CPU has SGX and would execute a
 *    real ENCLU. For a TCS that is no simulated enclave's the handler
 *    sends the thread to sim__vdso_aep_hw, a real ENCLU with itself as
 *    the AEP (a real enclave entered through the stand-in on SGX
 *    hardware); either returns to the same place;
 *  - RBP anchors the frame: on the way back (EEXIT to the instruction
 *    after the ENCLU, or an exception) it finds @run again, whatever the
 *    enclave did to RSP;
 *  - after EEXIT, run->function = EEXIT; after an exception (the
 *    simulator's signal handler moves RIP to sim__vdso_fixup_entry with the vector, the
 *    error code and the address in DI, SI and RDX, as the kernel's fixup
 *    does), run->function = the leaf in EAX (ERESUME after an AEX, EENTER
 *    when the entry itself faulted) and run->exception_* are filled; the
 *    call returns 0 either way;
 *  - run->user_handler, if set, is called on every return path with the
 *    registers as the enclave left them and the enclave's RSP, on a
 *    16-byte aligned stack: a result <= 0 is returned, > 0 is the ENCLU
 *    leaf to enter with next, with RSP as the enclave left it.
 *
 * struct sgx_enclave_run: tcs 0, function 8, exception_vector 12,
 * exception_error_code 14, exception_addr 16, user_handler 24,
 * user_data 32, reserved 40..255.
 */
#define EENTER 2
#define ERESUME 3
#define EINVAL 22
#define RUN 16 /* @run, above the return address and the saved RBP */

	.text
	.globl	sim__vdso_enter
	.hidden	sim__vdso_enter
	.type	sim__vdso_enter, @function
sim__vdso_enter:
	.cfi_startproc
	endbr64
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	push	%rbx
	.cfi_offset %rbx, -24
	mov	%ecx, %eax

.Lenter:
	cmp	$EENTER, %eax
	jb	.Linvalid
	cmp	$ERESUME, %eax
	ja	.Linvalid
	mov	RUN(%rbp), %rcx
	mov	$40, %ebx
1:	cmpq	$0, (%rcx, %rbx)
	jne	.Linvalid
	add	$8, %rbx
	cmp	$256, %ebx
	jne	1b
	mov	(%rcx), %rbx		/* run->tcs */
	lea	sim__vdso_aep(%rip), %rcx

	.globl	sim__vdso_aep
	.hidden	sim__vdso_aep
sim__vdso_aep:
	ud2				/* the simulator's ENCLU */
	nop

	/* EEXIT comes back here: EAX is EEXIT. */
.Lexited:
	mov	RUN(%rbp), %rbx
	mov	%eax, 8(%rbx)

.Lreturn:
	cld
	cmpq	$0, 24(%rbx)
	jne	.Lhandler
	xor	%eax, %eax

.Lout:
	mov	-8(%rbp), %rbx
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_def_cfa %rbp, 16

.Linvalid:
	mov	$-EINVAL, %eax
	jmp	.Lout

	.globl	sim__vdso_aep_hw
	.hidden	sim__vdso_aep_hw
sim__vdso_aep_hw:
	.byte	0x0f, 0x01, 0xd7	/* ENCLU, run by the CPU */
	jmp	.Lexited

	.globl	sim__vdso_fixup_entry
	.hidden	sim__vdso_fixup_entry
sim__vdso_fixup_entry:
	mov	RUN(%rbp), %rbx
	mov	%eax, 8(%rbx)
	mov	%di, 12(%rbx)
	mov	%si, 14(%rbx)
	mov	%rdx, 16(%rbx)
	jmp	.Lreturn

.Lhandler:
	/*
	 * user_handler(rdi, rsi, rdx, rsp at exit, r8, r9, run), on an
	 * aligned stack below the enclave's RSP, which is given back for a
	 * next entry: the enclave may have left data on the stack for it.
	 */
	mov	%rsp, %rcx
	and	$-16, %rsp
	push	%rcx
	push	%rbx
	call	*24(%rbx)
	mov	8(%rsp), %rsp
	test	%eax, %eax
	jg	.Lenter
	jmp	.Lout
	.cfi_endproc
	.size	sim__vdso_enter, . - sim__vdso_enter

	.section .note.GNU-stack, "", @progbits
