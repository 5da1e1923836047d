// SPDX-License-Identifier: MIT
/*
 * The vDSO stand-in. Programs find __vdso_sgx_enter_enclave the way the
 * kernel's selftests do: getauxval(AT_SYSINFO_EHDR), then the ELF dynamic
 * section, DT_HASH, DT_SYMTAB, DT_STRTAB. The kernel's own vDSO cannot
 * serve enclaves of the simulator (built with SGX, it catches its ENCLU's
 * #UD itself and no signal is seen; built without, it has no such symbol),
 * so getauxval() is interposed to answer with a small ELF image made here,
 * whenever simulated enclaves may be entered (the device redirect is on,
 * or a simulated enclave exists; otherwise the real vDSO, so that a
 * program that has the simulator loaded but drives real SGX is left alone):
 * it exports the stand-in (vdso-enter.S) and every symbol of the kernel's
 * vDSO, pointing into the real one, so that any other use of the vDSO
 * through the auxiliary vector finds what it found before. (libc found its
 * vDSO functions at start-up without asking getauxval().)
 *
 * The image has no code of its own and no section headers: an ELF header,
 * a PT_LOAD and a PT_DYNAMIC, the dynamic section, a SysV hash table, the
 * symbols and their names. Symbol values are relative to the image, as in
 * any vDSO, even where they point outside it.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "internal.h"

#define ENTER_NAME "__vdso_sgx_enter_enclave"
#define MAX_SYMS 64
#define STRTAB_SIZE 2048

unsigned long __getauxval(unsigned long type);
void sim__vdso_enter(void);
extern const char sim__vdso_aep[], sim__vdso_fixup_entry[];

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	Elf64_Dyn dyn[6];
	Elf64_Word hash[2 + 1 + MAX_SYMS]; /* nbucket = 1, chains */
	Elf64_Sym syms[MAX_SYMS];
	char strtab[STRTAB_SIZE];
};

static struct image *image;
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

static uint64_t off(const void *field)
{
	return (uint64_t)((const char *)field - (const char *)image);
}

/* Append a symbol for the function at @addr; 0, or -1 when full. */
static int add_sym(unsigned int *nsyms, size_t *strsz, const char *name,
		   uint64_t addr, unsigned char info)
{
	size_t len = strlen(name) + 1;
	Elf64_Sym *s;

	if (*nsyms == MAX_SYMS || *strsz + len > STRTAB_SIZE)
		return -1;
	s = &image->syms[*nsyms];
	memcpy(image->strtab + *strsz, name, len);
	s->st_name = (Elf64_Word)*strsz;
	s->st_info = info;
	s->st_shndx = SHN_ABS; /* anything but SHN_UNDEF */
	s->st_value = addr - (uint64_t)(uintptr_t)image;
	*strsz += len;
	/* One bucket: every symbol on one chain, in order. */
	image->hash[2 + 1 + *nsyms - 1] = *nsyms;
	image->hash[2 + 1 + *nsyms] = STN_UNDEF;
	(*nsyms)++;
	return 0;
}

/* The kernel's vDSO symbols (SysV or GNU hash for their number). */
static void copy_vdso(unsigned int *nsyms, size_t *strsz)
{
	const Elf64_Ehdr *eh = (const void *)__getauxval(AT_SYSINFO_EHDR);
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
		const char *name = strtab + s->st_name;

		if (s->st_shndx == SHN_UNDEF || !strcmp(name, ENTER_NAME) ||
		    (ELF64_ST_TYPE(s->st_info) != STT_FUNC &&
		     ELF64_ST_TYPE(s->st_info) != STT_OBJECT))
			continue;
		if (add_sym(nsyms, strsz, name, load + s->st_value, s->st_info))
			return;
	}
}

static void build(void)
{
	unsigned int nsyms = 1;
	size_t strsz = 1;
	struct image *img;
	Elf64_Dyn *d;

	img = sim__sys_mmap(NULL, sizeof(*img), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img == MAP_FAILED)
		return;
	image = img;
	memcpy(img->eh.e_ident, ELFMAG, SELFMAG);
	img->eh.e_ident[EI_CLASS] = ELFCLASS64;
	img->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img->eh.e_ident[EI_VERSION] = EV_CURRENT;
	img->eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
	img->eh.e_type = ET_DYN;
	img->eh.e_machine = EM_X86_64;
	img->eh.e_version = EV_CURRENT;
	img->eh.e_phoff = off(img->ph);
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
				   .p_offset = off(img->dyn),
				   .p_vaddr = off(img->dyn),
				   .p_filesz = sizeof(img->dyn),
				   .p_memsz = sizeof(img->dyn),
				   .p_align = 8 };
	d = img->dyn;
	*d++ = (Elf64_Dyn){ DT_HASH, { off(img->hash) } };
	*d++ = (Elf64_Dyn){ DT_STRTAB, { off(img->strtab) } };
	*d++ = (Elf64_Dyn){ DT_SYMTAB, { off(img->syms) } };
	*d++ = (Elf64_Dyn){ DT_STRSZ, { STRTAB_SIZE } };
	*d++ = (Elf64_Dyn){ DT_SYMENT, { sizeof(Elf64_Sym) } };
	*d = (Elf64_Dyn){ DT_NULL, { 0 } };

	img->hash[0] = 1; /* nbucket */
	img->hash[2] = 1; /* bucket 0: the first symbol */
	add_sym(&nsyms, &strsz, ENTER_NAME,
		(uint64_t)(uintptr_t)sim__vdso_enter,
		ELF64_ST_INFO(STB_GLOBAL, STT_FUNC));
	copy_vdso(&nsyms, &strsz);
	img->hash[1] = nsyms; /* nchain */
	sim__sys_mprotect(img, sizeof(*img), PROT_READ);
}

const void *sim__vdso_image(void)
{
	pthread_once(&image_once, build);
	return image;
}

SIM_EXPORT unsigned long getauxval(unsigned long type)
{
	const void *img;

	if (type == AT_SYSINFO_EHDR &&
	    (sim__device_enabled() || atomic_load(&sim__nencl))) {
		/* A program about to enter enclaves through it. */
		sim__signals_init();
		img = sim__vdso_image();
		if (img)
			return (unsigned long)(uintptr_t)img;
	}
	return __getauxval(type);
}

int sim__vdso_fixup(ucontext_t *uc, const struct sim_exc *x)
{
	greg_t *g = uc->uc_mcontext.gregs;

	if ((uintptr_t)g[REG_RIP] != (uintptr_t)sim__vdso_aep)
		return 0;
	g[REG_RIP] = (greg_t)(uintptr_t)sim__vdso_fixup_entry;
	g[REG_RDI] = x->vector;
	g[REG_RSI] = x->error_code;
	g[REG_RDX] = (greg_t)x->addr;
	return 1;
}

/*
 * On SGX hardware the stand-in's ENCLU runs for real, and the kernel,
 * finding no fixup of its own for the AEP, sends the exception as a
 * signal: fix it up the same way.
 */
int sim__vdso_hw_exception(int sig, const siginfo_t *si, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	struct sim_exc x = { .vector = (uint16_t)g[REG_TRAPNO],
			     .error_code = (uint16_t)g[REG_ERR] };

	if (sig == SIGSEGV || sig == SIGBUS)
		x.addr = (uint64_t)(uintptr_t)si->si_addr;
	return sim__vdso_fixup(uc, &x);
}
