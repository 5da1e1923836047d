// SPDX-License-Identifier: MIT
/* Counters and page-state inspection, for tests to assert on. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "internal.h"

SIM_EXPORT int sgx2_sim_get_stats(int fd, struct sgx2_sim_stats *st)
{
	struct sim_encl *e;
	int err;

	if (!st)
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	*st = e->stats;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return 0;
}

SIM_EXPORT int sgx2_sim_reset_stats(int fd)
{
	struct sim_encl *e;
	int err;

	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	memset(&e->stats, 0, sizeof(e->stats));
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return 0;
}

SIM_EXPORT int sgx2_sim_page_state(int fd, uint64_t offset,
				   struct sgx2_sim_page *page)
{
	const struct sim_page *p;
	struct sim_encl *e;
	int err;

	if (!page || (offset & (SIM_PAGE - 1)))
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	err = -EINVAL;
	if (!e->created || offset >= e->size)
		goto out;
	err = 0;
	memset(page, 0, sizeof(*page));
	p = sim__page(e, e->base + offset);
	if (sim__stale_pte(p))
		page->pte = 1; /* the REMOVE_PAGES race left it */
	if (!p || !p->present)
		goto out;
	page->present = 1;
	page->type = p->ktype;
	page->max_prot = p->max_prot;
	page->epcm_type = p->epcm_type;
	page->epcm_perms = p->epcm_perms;
	page->pending = !!(p->epcm_state & SIM_PENDING);
	page->modified = !!(p->epcm_state & SIM_MODIFIED);
	page->pr = !!(p->epcm_state & SIM_PR);
	page->secinfo =
		((uint64_t)p->epcm_type << 8) | p->epcm_state | p->epcm_perms;
	page->pte = p->pte;
out:
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return err;
}
