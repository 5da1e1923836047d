// SPDX-License-Identifier: MIT
/*
 * The EPC as the kernel hands it out. Each enclave is charged one page for
 * its SECS and one per page in its page array; the machine's EPC
 * (epc_size of the default configuration, what CPUID reports) is shared
 * by all the process's enclaves, and an enclave's epc_limit caps its own
 * charge, as an EPC cgroup's max would.
 *
 * Past either, the kernel reclaims: sgx_alloc_epc_page() with reclaim
 * (ADD_PAGES, CREATE) swaps a page out itself; without (EAUG) it returns
 * -EBUSY while reclaimable pages exist, the fault handler answers
 * VM_FAULT_NOPAGE and the access repeats once ksgxd has freed one. Only
 * when nothing is reclaimable is the answer -ENOMEM: ADD_PAGES fails,
 * and an EAUG ends in SIGBUS. The model keeps counts, not which page is
 * resident: a page the kernel would have swapped out to make room is
 * counted (stats.epc_reclaimed) and the allocation succeeds, unless the
 * enclave says nothing can be reclaimed (epc_no_reclaim).
 */
#include <errno.h>

#include "internal.h"

static atomic_uint_fast64_t epc_used; /* pages charged, all enclaves */

/* One EPC page for @e: 0, or -ENOMEM when there is none to be had. */
int sim__epc_charge(struct sim_encl *e)
{
	uint64_t limit = e->cfg.epc_limit / SIM_PAGE;
	int full = atomic_load(&epc_used) >= sim__machine_epc_pages() ||
		   (limit && e->epc_pages >= limit);

	if (full) {
		if (e->cfg.epc_no_reclaim)
			return -ENOMEM;
		e->stats.epc_reclaimed++;
	}
	e->epc_pages++;
	atomic_fetch_add(&epc_used, 1);
	return 0;
}

void sim__epc_uncharge(struct sim_encl *e, uint64_t pages)
{
	if (pages > e->epc_pages)
		pages = e->epc_pages;
	e->epc_pages -= pages;
	atomic_fetch_sub(&epc_used, pages);
}
