// SPDX-License-Identifier: MIT
/*
 * The EPCM enforced by the host's page protection. Enclave code runs
 * natively at the enclave's addresses, so each page of an enclave mapping
 * gets what both its mapping (the PROT the VMA was given) and the EPCM
 * allow: an accepted REG page its EPCM permissions, every other page
 * (absent, PENDING, MODIFIED, TCS, TRIM) none, so that any access to it
 * faults and the model decides what the CPU and the kernel would do (EAUG,
 * an EPCM #PF, a page-table #PF).
 *
 * Kept in step incrementally: whoever changes the EPCM or a mapping syncs
 * the range that changed, never the whole enclave. Each page remembers
 * the protection its host mapping has (host_prot), so only pages whose
 * protection really changes cost an mprotect(), and neighbours that
 * change alike share one. A page's host_prot is 0 (PROT_NONE) whenever it
 * is not mapped, and mappings are created PROT_NONE (vma.c), so an absent
 * page, which has no slot to remember anything in, is right as it is.
 *
 * The price of the design: host code touching enclave memory also meets
 * the EPCM's refusals, as faults, where hardware would give it the abort
 * page (reads of all ones, writes dropped). See doc/simulator.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

static void apply(uint64_t start, uint64_t end, int prot)
{
	static int warned;
	void *at = (void *)(uintptr_t)start;

	if (start == end || !sim__sys_mprotect(at, end - start, prot))
		return;
	/* A noexec memfd: keep the rest; an enclave fetch then faults. */
	if ((prot & PROT_EXEC) && (errno == EPERM || errno == EACCES) &&
	    !sim__sys_mprotect(at, end - start, prot & ~PROT_EXEC))
		return;
	if (!warned) {
		warned = 1;
		fprintf(stderr,
			"sgx2-sim: mprotect(%#llx, %llu): %s: the EPCM is not "
			"enforced there\n",
			(unsigned long long)start,
			(unsigned long long)(end - start), strerror(errno));
	}
}

/* Give the pages of [start, end) inside VMA @v what they should have. */
static void sync_vma(struct sim_encl *e, const struct sim_vma *v,
		     uint64_t start, uint64_t end)
{
	uint64_t a, run_start = 0, run_end = 0;
	int run_prot = -1, want;
	struct sim_page *p;

	for (a = start; a < end; a += SIM_PAGE) {
		a = sim__next_slot(e, a);
		if (a >= end)
			break;
		p = sim__page(e, a);
		if (!p)
			continue;
		want = v->prot & (int)sim__epcm_prot(p);
		if (want == p->host_prot)
			continue;
		p->host_prot = (uint8_t)want;
		if (want == run_prot && a == run_end) {
			run_end += SIM_PAGE;
			continue;
		}
		apply(run_start, run_end, run_prot);
		run_start = a;
		run_end = a + SIM_PAGE;
		run_prot = want;
	}
	apply(run_start, run_end, run_prot);
}

void sim__prot_sync(struct sim_encl *e, uint64_t start, uint64_t end)
{
	size_t i;

	if (!sim__clip(e, &start, &end))
		return;
	for (i = 0; i < e->nvmas; i++) {
		const struct sim_vma *v = &e->vmas[i];
		uint64_t s = v->start > start ? v->start : start;
		uint64_t t = v->end < end ? v->end : end;

		if (s < t)
			sync_vma(e, v, s, t);
	}
}
