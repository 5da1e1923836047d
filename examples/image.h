/* SPDX-License-Identifier: MIT */
/*
 * The enclave image: what the loader adds and the signer measures, read
 * from the enclave's ELF file. Both use this one description, so they add
 * and measure the same pages in the same order.
 *
 * Rules (README.md, "Layout"):
 *  - an ELF64 x86-64 ET_EXEC linked at 0, without dynamic section or
 *    interpreter: addresses are enclave offsets, nothing to relocate;
 *  - each PT_LOAD covers the pages [p_vaddr, p_vaddr + p_memsz), p_vaddr
 *    page aligned, segments in increasing order without overlap;
 *  - the first PT_LOAD holds the TCS pages (SECINFO type TCS, no
 *    permissions; mapped RW); every other PT_LOAD is REG pages whose
 *    SECINFO permissions are the segment's R/W/X;
 *  - every page is measured (EADD, then EEXTEND of all 16 chunks);
 *  - SECS.SIZE is the value of the symbol __encl_size, SECS.SSAFRAMESIZE
 *    that of __encl_ssa_frame_pages.
 */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define IMAGE_MAX_SEGS 8
#define IMAGE_MAX_TCS 16

struct image_seg {
	uint64_t offset;     /* enclave offset of the first page */
	uint64_t size;	     /* bytes, a multiple of the page size */
	uint64_t secinfo;    /* SECINFO.FLAGS for EADD */
	int prot;	     /* PROT_* for the mapping after INIT */
	const uint8_t *data; /* size bytes of page contents */
};

struct image {
	uint8_t *pages;		  /* contents of [0, end), page aligned */
	uint64_t end;		  /* end of the last segment: the image size */
	uint64_t encl_size;	  /* SECS.SIZE */
	uint32_t ssa_frame_pages; /* SECS.SSAFRAMESIZE */
	unsigned int nr_segs;
	struct image_seg segs[IMAGE_MAX_SEGS];
	unsigned int nr_tcs;
	uint64_t tcs[IMAGE_MAX_TCS]; /* offsets of the TCS pages */
	uint64_t entry;		     /* offset of encl_entry */
	uint64_t dyn_entry;	     /* offset of encl_dyn_entry */
	uint64_t scratch;	     /* offset of encl_scratch */
	uint64_t scratch_size;	     /* its size in bytes */
};

/**
 * image_parse() - build the image from an ELF file held in memory
 * @img: filled in; release with image_free()
 * @elf: the file's bytes
 * @len: their number
 *
 * Return: 0 or -errno: -ENOEXEC when the file breaks a rule above (a
 * line on stderr says which), -ENOMEM.
 */
int image_parse(struct image *img, const void *elf, size_t len);

/** image_load() - image_parse() of the file at @path */
int image_load(struct image *img, const char *path);

/** image_free() - release what image_parse() allocated */
void image_free(struct image *img);

/**
 * image_find_symbol() - the value of a symbol of an ELF file in memory
 * @elf: the file's bytes (already checked by image_parse())
 * @len: their number
 * @name: the symbol
 * @value: where its value is stored
 * @size: where its size is stored, or NULL
 *
 * Return: 0, or -ENOENT when the symbol table has no such symbol.
 */
int image_find_symbol(const void *elf, size_t len, const char *name,
		      uint64_t *value, uint64_t *size);

/** read_file() - the whole file at @path in a malloc()ed buffer */
int read_file(const char *path, uint8_t **data, size_t *len);

#endif /* IMAGE_H */
