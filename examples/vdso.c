// SPDX-License-Identifier: MIT
/* A vDSO symbol lookup through the ELF dynamic section. */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "vdso.h"

/* Number of dynamic symbols from a DT_GNU_HASH table: one past the last
 * symbol of the longest chain (a chain ends at a hash with bit 0 set). */
static uint32_t gnu_hash_nsyms(const uint32_t *gh)
{
	uint32_t nbuckets = gh[0], symoffset = gh[1], bloom_size = gh[2];
	const uint32_t *buckets = gh + 4 + bloom_size * 2; /* 64-bit blooms */
	const uint32_t *chain = buckets + nbuckets;
	uint32_t last = 0;

	for (uint32_t i = 0; i < nbuckets; i++)
		if (buckets[i] > last)
			last = buckets[i];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return last + 1;
}

void *vdso_sym(const char *name)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *hash = NULL, *gnu_hash = NULL;
	uintptr_t load = 0;
	int have_load = 0;
	uint32_t n;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64)
		return NULL;

	/* The vDSO is mapped whole; its addresses are relative to where the
	 * first PT_LOAD (file offset 0) is mapped. */
	ph = (const void *)((const char *)eh + eh->e_phoff);
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			load = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
		}
	}
	if (!have_load || !dyn)
		return NULL;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(load + dyn->d_un.d_ptr);

		switch (dyn->d_tag) {
		case DT_SYMTAB:
			symtab = p;
			break;
		case DT_STRTAB:
			strtab = p;
			break;
		case DT_HASH:
			hash = p;
			break;
		case DT_GNU_HASH:
			gnu_hash = p;
			break;
		default:
			break;
		}
	}
	if (!symtab || !strtab || (!hash && !gnu_hash))
		return NULL;

	n = hash ? hash[1] /* nchain */ : gnu_hash_nsyms(gnu_hash);
	for (uint32_t i = 0; i < n; i++) {
		const Elf64_Sym *sym = &symtab[i];

		if (sym->st_shndx == SHN_UNDEF ||
		    ELF64_ST_TYPE(sym->st_info) != STT_FUNC)
			continue;
		if (strcmp(strtab + sym->st_name, name) == 0)
			return (void *)(load + sym->st_value);
	}
	return NULL;
}
