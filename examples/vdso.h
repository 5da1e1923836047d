/* SPDX-License-Identifier: MIT */
/* Find a function in the vDSO the kernel maps into every process. */
#ifndef VDSO_H
#define VDSO_H

/**
 * vdso_sym() - the address of a vDSO symbol
 * @name: e.g. "__vdso_sgx_enter_enclave"
 *
 * Walks the vDSO's dynamic symbol table (getauxval(AT_SYSINFO_EHDR), then
 * PT_DYNAMIC: DT_SYMTAB, DT_STRTAB, and DT_HASH or DT_GNU_HASH for the
 * number of symbols). Symbol versions are not checked.
 *
 * Return: the address, or NULL when there is no vDSO or no such symbol
 * (__vdso_sgx_enter_enclave exists only in kernels built with SGX support).
 */
void *vdso_sym(const char *name);

#endif /* VDSO_H */
