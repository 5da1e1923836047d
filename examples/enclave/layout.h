/* SPDX-License-Identifier: MIT */
/*
 * The test enclave's static layout, shared by entry.S, encl.c and the
 * layout test. Only #defines: the assembler includes this file. Host code
 * reads the same values from the ELF's symbol table (__encl_size,
 * __encl_ssa_frame_pages), so the image describes itself.
 */
#ifndef ENCL_LAYOUT_H
#define ENCL_LAYOUT_H

#define ENCL_PAGE 4096

/* SECS.SIZE: 512 MiB. The image uses the first few pages; the rest is the
 * free area where pages are added at run time (EAUG): room for the
 * benchmark's 65,536-page growth (bench/). */
#define ENCL_SIZE 0x20000000

#define ENCL_NR_TCS 2	       /* static TCS pages, at offset 0 and 4096 */
#define ENCL_SSA_FRAME_PAGES 1 /* SECS.SSAFRAMESIZE; each TCS has NSSA=1 */
#define ENCL_STACK_PAGES 2     /* per static TCS */
#define ENCL_SCRATCH_PAGES 4   /* page-aligned RW pages for the demos */

#endif /* ENCL_LAYOUT_H */
