/* SPDX-License-Identifier: MIT */
/*
 * A stand-in vDSO image: a small ELF object that exports every function
 * and object symbol of another vDSO (pointing into it) with one symbol
 * replaced, for programs that find __vdso_sgx_enter_enclave through
 * getauxval(AT_SYSINFO_EHDR) and the ELF dynamic section, DT_HASH,
 * DT_SYMTAB and DT_STRTAB, as the kernel's selftests and SGX runtimes do.
 * Built into libsgx2-sim (its vDSO stand-in) and the sgx2-trace recorder
 * (which wraps whatever __vdso_sgx_enter_enclave it finds); private to
 * both: never installed, hidden.
 */
#ifndef SGX2_VDSO_IMAGE_H
#define SGX2_VDSO_IMAGE_H

#include <stdint.h>

/*
 * Build an image that exports the symbols of the vDSO at @vdso (NULL or
 * not an ELF image: none), with @name defined as @func. *@had, if not
 * NULL, gets the address @name had in @vdso, or 0. The image lives in
 * memory of its own (mmap(2) as a system call, read-only once built) and
 * is never freed.
 *
 * Return: the image, or NULL when no memory could be had.
 */
const void *sgx2_vdso__image(const void *vdso, const char *name,
			     const void *func, uintptr_t *had);

#endif
