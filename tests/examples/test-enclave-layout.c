// SPDX-License-Identifier: MIT
/*
 * The built test enclave has the layout the loader and the README promise:
 * a static ELF linked at 0 with nothing to relocate at run time, no
 * writable and executable segment, the two TCS pages where the loader
 * looks for them and pointing at their SSA frames and entry, and room
 * after the image for pages added at run time.
 *
 * Usage: test-enclave-layout ENCLAVE.elf
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "enclave/layout.h"
#include "image.h"
#include "sgx-arch.h"

#define PAGE SGX_PAGE_SIZE

static const char *elf_path;
static uint8_t *elf;
static size_t elf_len;
static struct image img;

static const Elf64_Ehdr *ehdr(void)
{
	return (const Elf64_Ehdr *)elf;
}

static const Elf64_Shdr *shdr(unsigned int i)
{
	return (const Elf64_Shdr *)(elf + ehdr()->e_shoff) + i;
}

static const char *section_name(const Elf64_Shdr *sh)
{
	return (const char *)elf + shdr(ehdr()->e_shstrndx)->sh_offset +
	       sh->sh_name;
}

static uint64_t sym(const char *name, uint64_t *size)
{
	uint64_t value = 0;

	assert_int_equal(image_find_symbol(elf, elf_len, name, &value, size),
			 0);
	return value;
}

/* The segment holding [off, off + len), or NULL. */
static const struct image_seg *seg_of(uint64_t off, uint64_t len)
{
	for (unsigned int i = 0; i < img.nr_segs; i++)
		if (off >= img.segs[i].offset &&
		    off + len <= img.segs[i].offset + img.segs[i].size)
			return &img.segs[i];
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	if (read_file(elf_path, &elf, &elf_len)) {
		fprintf(stderr, "cannot read %s\n", elf_path);
		return -1;
	}
	return image_parse(&img, elf, elf_len) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	image_free(&img);
	free(elf);
	return 0;
}

static void static_exec_at_zero(void **state)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(elf + ehdr()->e_phoff);
	unsigned int loads = 0;

	(void)state;
	assert_int_equal(ehdr()->e_type, ET_EXEC);
	assert_int_equal(ehdr()->e_machine, EM_X86_64);
	for (unsigned int i = 0; i < ehdr()->e_phnum; i++) {
		assert_int_not_equal(ph[i].p_type, PT_DYNAMIC);
		assert_int_not_equal(ph[i].p_type, PT_INTERP);
		assert_int_not_equal(ph[i].p_type, PT_TLS);
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (loads++ == 0)
			assert_int_equal(ph[i].p_vaddr, 0);
		/* W^X: nothing is both writable and executable. */
		assert_false((ph[i].p_flags & PF_W) && (ph[i].p_flags & PF_X));
	}
	assert_int_equal(loads, 3);
}

/*
 * No dynamic relocations, and (from --emit-relocs) every relocation the
 * link resolved is position independent, except the enclave offsets the
 * TCS pages hold on purpose. An absolute address in code or data would be
 * an offset at run time, since the image is linked at 0.
 */
static void nothing_to_relocate(void **state)
{
	unsigned int checked = 0;

	(void)state;
	for (unsigned int i = 0; i < ehdr()->e_shnum; i++) {
		const Elf64_Shdr *sh = shdr(i);
		const Elf64_Shdr *target;
		const Elf64_Rela *r;
		const char *tname;

		assert_int_not_equal(sh->sh_type, SHT_DYNAMIC);
		assert_int_not_equal(sh->sh_type, SHT_DYNSYM);
		assert_int_not_equal(sh->sh_type, SHT_REL);
		if (sh->sh_type != SHT_RELA)
			continue;
		assert_false(sh->sh_flags & SHF_ALLOC); /* not .rela.dyn */
		target = shdr(sh->sh_info);
		tname = section_name(target);
		r = (const Elf64_Rela *)(elf + sh->sh_offset);
		for (size_t j = 0; j < sh->sh_size / sizeof(*r); j++) {
			unsigned int type = ELF64_R_TYPE(r[j].r_info);

			checked++;
			if (type == R_X86_64_PC32 || type == R_X86_64_PLT32 ||
			    type == R_X86_64_PC64)
				continue;
			if (type == R_X86_64_64 && strcmp(tname, ".tcs") == 0)
				continue;
			fail_msg("relocation type %u at %#lx in %s needs the "
				 "load address",
				 type, (unsigned long)r[j].r_offset, tname);
		}
	}
	assert_true(checked > 0); /* linked with --emit-relocs */
}

static void size_and_free_area(void **state)
{
	(void)state;
	assert_int_equal(img.encl_size, ENCL_SIZE);
	assert_int_equal(img.encl_size & (img.encl_size - 1), 0);
	assert_int_equal(img.ssa_frame_pages, ENCL_SSA_FRAME_PAGES);
	assert_int_equal(img.end % PAGE, 0);
	assert_int_equal(img.end, sym("__encl_image_end", NULL));
	/* Room for at least 64 pages added at run time. */
	assert_true(img.encl_size - img.end >= 64 * PAGE);
}

static void segments(void **state)
{
	(void)state;
	assert_int_equal(img.nr_segs, 3);
	assert_int_equal(img.segs[0].offset, 0);
	assert_int_equal(img.segs[0].secinfo, SGX_SECINFO_TCS);
	assert_int_equal(img.segs[0].prot, PROT_READ | PROT_WRITE);
	assert_int_equal(img.segs[1].secinfo,
			 SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X);
	assert_int_equal(img.segs[1].prot, PROT_READ | PROT_EXEC);
	assert_int_equal(img.segs[2].secinfo,
			 SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W);
	/* Contiguous: no page of the image is left out. */
	for (unsigned int i = 1; i < img.nr_segs; i++)
		assert_int_equal(img.segs[i].offset,
				 img.segs[i - 1].offset + img.segs[i - 1].size);
}

static void tcs_pages(void **state)
{
	uint64_t ssa = sym("encl_ssa", NULL);
	uint64_t entry = sym("encl_entry", NULL);
	const struct image_seg *s;

	(void)state;
	assert_int_equal(img.nr_tcs, ENCL_NR_TCS);
	s = seg_of(entry, 1);
	assert_non_null(s);
	assert_true(s->secinfo & SGX_SECINFO_X);
	for (unsigned int i = 0; i < img.nr_tcs; i++) {
		const struct sgx_tcs *tcs =
			(const struct sgx_tcs *)(img.pages + img.tcs[i]);
		uint64_t frame =
			ssa + (uint64_t)i * ENCL_SSA_FRAME_PAGES * PAGE;

		assert_int_equal(img.tcs[i], (uint64_t)i * PAGE);
		assert_int_equal(tcs->state, 0);
		assert_int_equal(tcs->flags, 0);
		assert_int_equal(tcs->ossa, frame);
		assert_int_equal(tcs->cssa, 0);
		assert_int_equal(tcs->nssa, 1);
		assert_int_equal(tcs->oentry, entry);
		assert_int_equal(tcs->aep, 0);
		assert_int_equal(tcs->ofsbase, 0);
		assert_int_equal(tcs->ogsbase, 0);
		assert_int_equal(tcs->fslimit, 0xFFFFFFFF);
		assert_int_equal(tcs->gslimit, 0xFFFFFFFF);
		for (size_t b = 0; b < sizeof(tcs->reserved); b++)
			assert_int_equal(tcs->reserved[b], 0);
		/* Its SSA frame: RW REG pages of the image. */
		s = seg_of(frame, ENCL_SSA_FRAME_PAGES * PAGE);
		assert_non_null(s);
		assert_int_equal(s->secinfo, SGX_SECINFO_REG | SGX_SECINFO_R |
						     SGX_SECINFO_W);
	}
}

static void stacks_scratch_dyn_entry(void **state)
{
	uint64_t size = 0;
	uint64_t stacks = sym("encl_stacks", NULL);
	const struct image_seg *s;

	(void)state;
	s = seg_of(stacks, ENCL_NR_TCS * ENCL_STACK_PAGES * PAGE);
	assert_non_null(s);
	assert_int_equal(s->secinfo,
			 SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W);
	assert_int_equal(stacks % PAGE, 0);

	assert_int_equal(img.scratch, sym("encl_scratch", &size));
	assert_int_equal(img.scratch % PAGE, 0);
	assert_int_equal(img.scratch_size, ENCL_SCRATCH_PAGES * PAGE);
	assert_int_equal(size, img.scratch_size);
	s = seg_of(img.scratch, img.scratch_size);
	assert_non_null(s);
	assert_int_equal(s->secinfo,
			 SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W);

	s = seg_of(img.dyn_entry, 1);
	assert_non_null(s);
	assert_true(s->secinfo & SGX_SECINFO_X);
}

/* image_parse() refuses what the loader could not load faithfully. */
static void image_rules(void **state)
{
	uint8_t *copy = malloc(elf_len);
	struct image bad;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)copy;
	struct sgx_tcs *tcs;

	(void)state;
	assert_non_null(copy);

	memcpy(copy, elf, elf_len);
	eh->e_type = ET_DYN;
	assert_int_equal(image_parse(&bad, copy, elf_len), -ENOEXEC);

	memcpy(copy, elf, elf_len);
	eh->e_machine = EM_386;
	assert_int_equal(image_parse(&bad, copy, elf_len), -ENOEXEC);

	/* A TCS with a field EADD would rewrite. */
	memcpy(copy, elf, elf_len);
	tcs = (struct sgx_tcs *)(copy +
				 ((const Elf64_Phdr *)(elf + eh->e_phoff))
					 ->p_offset);
	tcs->cssa = 1;
	assert_int_equal(image_parse(&bad, copy, elf_len), -ENOEXEC);

	assert_int_equal(image_parse(&bad, copy, 10), -ENOEXEC);
	free(copy);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(static_exec_at_zero),
		cmocka_unit_test(nothing_to_relocate),
		cmocka_unit_test(size_and_free_area),
		cmocka_unit_test(segments),
		cmocka_unit_test(tcs_pages),
		cmocka_unit_test(stacks_scratch_dyn_entry),
		cmocka_unit_test(image_rules),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s ENCLAVE.elf\n", argv[0]);
		return 2;
	}
	elf_path = argv[1];
	return cmocka_run_group_tests(tests, setup, teardown);
}
