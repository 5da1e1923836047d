// SPDX-License-Identifier: MIT
/*
 * The enclave's page array (the kernel's encl->page_array): a sparse
 * two-level table indexed by the page's offset from the base, so that a
 * large, mostly empty enclave costs little. Leaves are allocated on first
 * use and kept; an absent page is one with present == 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "internal.h"

int sim__pages_init(struct sim_encl *e)
{
	uint64_t npages = e->size >> SIM_PAGE_SHIFT;

	e->nleaves = (npages + SIM_LEAF_PAGES - 1) / SIM_LEAF_PAGES;
	e->leaves = calloc(e->nleaves, sizeof(*e->leaves));
	return e->leaves ? 0 : -ENOMEM;
}

void sim__pages_free(struct sim_encl *e)
{
	uint64_t i;

	for (i = 0; e->leaves && i < e->nleaves; i++)
		free(e->leaves[i]);
	free(e->leaves);
	e->leaves = NULL;
	e->nleaves = 0;
}

/*
 * The page slot for a linear address, or NULL outside [base, base + size).
 * The address arithmetic wraps like the kernel's unsigned long.
 */
static struct sim_page *slot(struct sim_encl *e, uint64_t addr, int alloc)
{
	uint64_t idx, leaf;

	if (!e->created || addr - e->base >= e->size)
		return NULL;
	idx = (addr - e->base) >> SIM_PAGE_SHIFT;
	leaf = idx / SIM_LEAF_PAGES;
	if (!e->leaves[leaf]) {
		if (!alloc)
			return NULL;
		e->leaves[leaf] =
			calloc(SIM_LEAF_PAGES, sizeof(struct sim_page));
		if (!e->leaves[leaf])
			return NULL;
	}
	return &e->leaves[leaf][idx % SIM_LEAF_PAGES];
}

/* The page at @addr, present or not (NULL when no slot was ever used). */
struct sim_page *sim__page(struct sim_encl *e, uint64_t addr)
{
	return slot(e, addr, 0);
}

/* A slot for a new page at @addr (its contents are the caller's to set). */
struct sim_page *sim__page_alloc(struct sim_encl *e, uint64_t addr)
{
	return slot(e, addr, 1);
}

/*
 * The first address from @addr (page aligned, inside the enclave) whose
 * slot may be in use: @addr itself, or the start of the next leaf when its
 * leaf was never allocated. Loops over huge, empty ranges stay cheap.
 */
uint64_t sim__next_slot(const struct sim_encl *e, uint64_t addr)
{
	uint64_t leaf = ((addr - e->base) >> SIM_PAGE_SHIFT) / SIM_LEAF_PAGES;

	if (e->leaves[leaf])
		return addr;
	return e->base + (leaf + 1) * SIM_LEAF_PAGES * SIM_PAGE;
}

/* Clip [*start, *end) to the enclave range; 0 when nothing is left. */
int sim__clip(const struct sim_encl *e, uint64_t *start, uint64_t *end)
{
	if (!e->created)
		return 0;
	if (*start < e->base)
		*start = e->base;
	if (*end > e->base + e->size)
		*end = e->base + e->size;
	*start &= ~(SIM_PAGE - 1);
	return *start < *end;
}

/*
 * Page tables of [start, end) are gone (munmap, a mapping replaced): PTEs
 * not present, and nothing of the host mapping left (protect.c).
 */
void sim__page_zap(struct sim_encl *e, uint64_t start, uint64_t end)
{
	struct sim_page *p;
	uint64_t a;

	if (!sim__clip(e, &start, &end))
		return;
	for (a = start; a < end; a += SIM_PAGE) {
		a = sim__next_slot(e, a);
		if (a >= end)
			break;
		p = sim__page(e, a);
		if (p) {
			p->pte = 0;
			p->host_prot = PROT_NONE;
		}
	}
}

/* SECINFO R/W/X to PROT_READ/WRITE/EXEC (the kernel's vm_max_prot_bits). */
unsigned int sim__prot_of_perms(unsigned int perms)
{
	return ((perms & SIM_R) ? PROT_READ : 0) |
	       ((perms & SIM_W) ? PROT_WRITE : 0) |
	       ((perms & SIM_X) ? PROT_EXEC : 0);
}
