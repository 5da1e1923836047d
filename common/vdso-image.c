// SPDX-License-Identifier: MIT
/*
 * The stand-in vDSO image (vdso-image.h). It has no code of its own and no
 * section headers: an ELF header, a PT_LOAD and a PT_DYNAMIC, the dynamic
 * section, a SysV hash table with one bucket, the symbols and their names.
 * Symbol values are relative to the image, as in any vDSO, even where they
 * point outside it. Its memory is mapped with the mmap system call itself:
 * both users interpose the libc symbol.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vdso-image.h"

#define MAX_SYMS 64
#define STRTAB_SIZE 2048

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	Elf64_Dyn dyn[6];
	Elf64_Word hash[2 + 1 + MAX_SYMS]; /* nbucket = 1, chains */
	Elf64_Sym syms[MAX_SYMS];
	char strtab[STRTAB_SIZE];
};

struct builder {
	struct image *img;
	unsigned int nsyms;
	size_t strsz;
};

static uint64_t off(const struct image *img, const void *field)
{
	return (uint64_t)((const char *)field - (const char *)img);
}

/* Append a symbol for the function at @addr; 0, or -1 when full. */
static int add_sym(struct builder *b, const char *name, uint64_t addr,
		   unsigned char info)
{
	size_t len = strlen(name) + 1;
	Elf64_Sym *s;

	if (b->nsyms == MAX_SYMS || b->strsz + len > STRTAB_SIZE)
		return -1;
	s = &b->img->syms[b->nsyms];
	memcpy(b->img->strtab + b->strsz, name, len);
	s->st_name = (Elf64_Word)b->strsz;
	s->st_info = info;
	s->st_shndx = SHN_ABS; /* anything but SHN_UNDEF */
	s->st_value = addr - (uint64_t)(uintptr_t)b->img;
	b->strsz += len;
	/* One bucket: every symbol on one chain, in order. */
	b->img->hash[2 + 1 + b->nsyms - 1] = b->nsyms;
	b->img->hash[2 + 1 + b->nsyms] = STN_UNDEF;
	b->nsyms++;
	return 0;
}

/* The vDSO's symbols but @name, whose address goes to *@had. */
static void copy_vdso(struct builder *b, const Elf64_Ehdr *eh, const char *name,
		      uintptr_t *had)
{
	const Elf64_Sym *symtab = NULL;
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Word *hash = NULL;
	const char *strtab = NULL;
	uintptr_t load = 0;
	unsigned int i, n;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return;
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph =
			(const Elf64_Phdr *)((const char *)eh + eh->e_phoff) +
			i;

		if (ph->p_type == PT_LOAD && !load)
			load = (uintptr_t)eh + ph->p_offset - ph->p_vaddr;
		else if (ph->p_type == PT_DYNAMIC)
			dyn = (const void *)((const char *)eh + ph->p_offset);
	}
	for (; load && dyn && dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(load + dyn->d_un.d_ptr);

		if (dyn->d_tag == DT_SYMTAB)
			symtab = p;
		else if (dyn->d_tag == DT_STRTAB)
			strtab = p;
		else if (dyn->d_tag == DT_HASH)
			hash = p;
	}
	if (!symtab || !strtab || !hash)
		return; /* x86-64 vDSOs have a DT_HASH */
	n = hash[1];	/* nchain = the number of symbols */
	for (i = 1; i < n; i++) {
		const Elf64_Sym *s = &symtab[i];
		const char *sname = strtab + s->st_name;

		if (s->st_shndx == SHN_UNDEF ||
		    (ELF64_ST_TYPE(s->st_info) != STT_FUNC &&
		     ELF64_ST_TYPE(s->st_info) != STT_OBJECT))
			continue;
		if (!strcmp(sname, name)) {
			if (had)
				*had = load + s->st_value;
			continue;
		}
		if (add_sym(b, sname, load + s->st_value, s->st_info))
			return;
	}
}

const void *sgx2_vdso__image(const void *vdso, const char *name,
			     const void *func, uintptr_t *had)
{
	struct builder b = { .nsyms = 1, .strsz = 1 };
	struct image *img;
	Elf64_Dyn *d;

	if (had)
		*had = 0;
	img = (void *)syscall(SYS_mmap, NULL, sizeof(*img),
			      PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img == MAP_FAILED)
		return NULL;
	b.img = img;
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS64;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_ident[EI_VERSION] = EV_CURRENT;
	img->eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
	img->eh.e_type = ET_DYN;
	img->eh.e_machine = EM_X86_64;
	img->eh.e_version = EV_CURRENT;
	img->eh.e_phoff = off(img, img->ph);
	img->eh.e_ehsize = sizeof(img->eh);
	img->eh.e_phentsize = sizeof(img->ph[0]);
	img->eh.e_phnum = 2;
	img->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD,
				   .p_flags = PF_R,
				   .p_filesz = sizeof(*img),
				   .p_memsz = sizeof(*img),
				   .p_align = 4096 };
	img->ph[1] = (Elf64_Phdr){ .p_type = PT_DYNAMIC,
				   .p_flags = PF_R,
				   .p_offset = off(img, img->dyn),
				   .p_vaddr = off(img, img->dyn),
				   .p_filesz = sizeof(img->dyn),
				   .p_memsz = sizeof(img->dyn),
				   .p_align = 8 };
	d = img->dyn;
	*d++ = (Elf64_Dyn){ DT_HASH, { off(img, img->hash) } };
	*d++ = (Elf64_Dyn){ DT_STRTAB, { off(img, img->strtab) } };
	*d++ = (Elf64_Dyn){ DT_SYMTAB, { off(img, img->syms) } };
	*d++ = (Elf64_Dyn){ DT_STRSZ, { STRTAB_SIZE } };
	*d++ = (Elf64_Dyn){ DT_SYMENT, { sizeof(Elf64_Sym) } };
	*d = (Elf64_Dyn){ DT_NULL, { 0 } };

	img->hash[0] = 1; /* nbucket */
	img->hash[2] = 1; /* bucket 0: the first symbol */
	add_sym(&b, name, (uint64_t)(uintptr_t)func,
		ELF64_ST_INFO(STB_GLOBAL, STT_FUNC));
	copy_vdso(&b, vdso, name, had);
	img->hash[1] = b.nsyms; /* nchain */
	syscall(SYS_mprotect, img, sizeof(*img), PROT_READ);
	return img;
}
