// SPDX-License-Identifier: MIT
/* The enclave image: the ELF file turned into pages with their SECINFO. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "sgx-arch.h"

#define PAGE SGX_PAGE_SIZE

static int bad(const char *why)
{
	fprintf(stderr, "enclave image: %s\n", why);
	return -ENOEXEC;
}

int read_file(const char *path, uint8_t **data, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int err = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	*data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!*data) {
		err = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, *data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			free(*data);
			*data = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	*len = got;
out:
	close(fd);
	return err;
}

/* The ELF header, checked for what the rules need. */
static const Elf64_Ehdr *elf_header(const void *elf, size_t len)
{
	const Elf64_Ehdr *eh = elf;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return NULL;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return NULL;
	if (eh->e_shnum &&
	    (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > len ||
	     (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > len - eh->e_shoff))
		return NULL;
	return eh;
}

int image_find_symbol(const void *elf, size_t len, const char *name,
		      uint64_t *value, uint64_t *size)
{
	const Elf64_Ehdr *eh = elf_header(elf, len);
	const Elf64_Shdr *sh;
	const uint8_t *base = elf;
	unsigned int i;

	if (!eh)
		return -ENOEXEC;
	sh = (const Elf64_Shdr *)(base + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *strtab;
		const Elf64_Sym *sym;
		size_t n, j;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		strtab = &sh[sh[i].sh_link];
		if (sh[i].sh_offset > len ||
		    sh[i].sh_size > len - sh[i].sh_offset ||
		    strtab->sh_offset > len ||
		    strtab->sh_size > len - strtab->sh_offset)
			return -ENOEXEC;
		sym = (const Elf64_Sym *)(base + sh[i].sh_offset);
		n = sh[i].sh_size / sizeof(*sym);
		for (j = 0; j < n; j++) {
			const char *s = (const char *)base + strtab->sh_offset;

			if (sym[j].st_name >= strtab->sh_size)
				continue;
			if (strncmp(s + sym[j].st_name, name,
				    strtab->sh_size - sym[j].st_name) == 0) {
				*value = sym[j].st_value;
				if (size)
					*size = sym[j].st_size;
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* SECINFO permissions from ELF p_flags (PF_X=1, PF_W=2, PF_R=4). */
static uint64_t secinfo_perms(uint32_t p_flags)
{
	return (p_flags & PF_R ? SGX_SECINFO_R : 0) |
	       (p_flags & PF_W ? SGX_SECINFO_W : 0) |
	       (p_flags & PF_X ? SGX_SECINFO_X : 0);
}

static int prot_of(uint32_t p_flags)
{
	return (p_flags & PF_R ? PROT_READ : 0) |
	       (p_flags & PF_W ? PROT_WRITE : 0) |
	       (p_flags & PF_X ? PROT_EXEC : 0);
}

/* EADD rewrites STATE, CSSA, AEP and FLAGS.DBGOPTIN of a TCS page before
 * it is measured; insisting on zeros keeps our measurement exact. */
static int check_tcs(const struct sgx_tcs *tcs, uint64_t end)
{
	if (tcs->state || tcs->cssa || tcs->aep || (tcs->flags & 1))
		return bad("a TCS has non-zero STATE, CSSA, AEP or DBGOPTIN");
	if (tcs->nssa == 0 || tcs->ossa % PAGE || tcs->ossa >= end ||
	    tcs->oentry >= end)
		return bad("a TCS has OSSA/NSSA/OENTRY outside the image");
	return 0;
}

/* Record the segments; file[i] is the PT_LOAD behind img->segs[i]. */
static int add_segments(struct image *img, size_t len, const Elf64_Phdr *ph,
			unsigned int phnum, const Elf64_Phdr **file)
{
	unsigned int i;

	for (i = 0; i < phnum; i++) {
		struct image_seg *seg;
		uint64_t size;

		if (ph[i].p_type == PT_DYNAMIC || ph[i].p_type == PT_INTERP)
			return bad("has a dynamic section or interpreter");
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (img->nr_segs == IMAGE_MAX_SEGS)
			return bad("too many PT_LOAD segments");
		if (ph[i].p_vaddr % PAGE || ph[i].p_vaddr < img->end ||
		    ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > len ||
		    ph[i].p_filesz > len - ph[i].p_offset ||
		    ph[i].p_memsz > UINT32_MAX)
			return bad("PT_LOAD not page aligned, out of order or "
				   "past the end of the file");
		size = (ph[i].p_memsz + PAGE - 1) & ~(uint64_t)(PAGE - 1);
		seg = &img->segs[img->nr_segs++];
		seg->offset = ph[i].p_vaddr;
		seg->size = size;
		seg->prot = prot_of(ph[i].p_flags);
		seg->secinfo = SGX_SECINFO_REG | secinfo_perms(ph[i].p_flags);
		file[img->nr_segs - 1] = &ph[i];
		img->end = seg->offset + size;
	}
	if (img->nr_segs < 2)
		return bad("needs a TCS segment and at least one more PT_LOAD");
	return 0;
}

int image_parse(struct image *img, const void *elf, size_t len)
{
	const Elf64_Ehdr *eh = elf_header(elf, len);
	const Elf64_Phdr *file[IMAGE_MAX_SEGS];
	const Elf64_Phdr *ph;
	struct image_seg *tcs_seg;
	uint64_t value;
	unsigned int i;
	int err;

	memset(img, 0, sizeof(*img));
	if (!eh)
		return bad("not an ELF64 x86-64 little-endian file");
	if (eh->e_type != ET_EXEC)
		return bad("not ET_EXEC (linked at a fixed address)");
	ph = (const Elf64_Phdr *)((const uint8_t *)elf + eh->e_phoff);
	err = add_segments(img, len, ph, eh->e_phnum, file);
	if (err)
		return err;
	if (img->segs[0].offset != 0)
		return bad("the image does not start at offset 0");

	if (image_find_symbol(elf, len, "__encl_size", &img->encl_size, NULL) ||
	    image_find_symbol(elf, len, "__encl_ssa_frame_pages", &value,
			      NULL) ||
	    image_find_symbol(elf, len, "encl_entry", &img->entry, NULL) ||
	    image_find_symbol(elf, len, "encl_dyn_entry", &img->dyn_entry,
			      NULL) ||
	    image_find_symbol(elf, len, "encl_scratch", &img->scratch,
			      &img->scratch_size))
		return bad("a layout symbol (__encl_size, "
			   "__encl_ssa_frame_pages, encl_entry, "
			   "encl_dyn_entry, encl_scratch) is missing");
	img->ssa_frame_pages = (uint32_t)value;
	if (value == 0 || value > 16)
		return bad("__encl_ssa_frame_pages is not in 1..16");
	if (img->encl_size < 2 * PAGE ||
	    (img->encl_size & (img->encl_size - 1)) ||
	    img->encl_size < img->end)
		return bad("__encl_size is not a power of two >= the image");

	/* One page-aligned copy of the whole image, zero-filled (bss). */
	img->pages = mmap(NULL, img->end, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img->pages == MAP_FAILED) {
		img->pages = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < img->nr_segs; i++) {
		memcpy(img->pages + img->segs[i].offset,
		       (const uint8_t *)elf + file[i]->p_offset,
		       file[i]->p_filesz);
		img->segs[i].data = img->pages + img->segs[i].offset;
	}

	/* The first segment: TCS pages. */
	tcs_seg = &img->segs[0];
	tcs_seg->secinfo = SGX_SECINFO_TCS;
	tcs_seg->prot = PROT_READ | PROT_WRITE;
	for (value = 0; value < tcs_seg->size; value += PAGE) {
		if (img->nr_tcs == IMAGE_MAX_TCS) {
			err = bad("too many TCS pages");
			goto fail;
		}
		err = check_tcs((const struct sgx_tcs *)(img->pages + value),
				img->end);
		if (err)
			goto fail;
		img->tcs[img->nr_tcs++] = value;
	}
	return 0;
fail:
	image_free(img);
	return err;
}

int image_load(struct image *img, const char *path)
{
	uint8_t *elf;
	size_t len;
	int err;

	err = read_file(path, &elf, &len);
	if (err) {
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
		return err;
	}
	err = image_parse(img, elf, len);
	free(elf);
	return err;
}

void image_free(struct image *img)
{
	if (img->pages)
		munmap(img->pages, img->end);
	memset(img, 0, sizeof(*img));
}
