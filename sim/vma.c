// SPDX-License-Identifier: MIT
/*
 * Mappings of enclave files: mmap(), mprotect() and munmap() as the driver
 * constrains them (sgx_get_unmapped_area, sgx_mmap, sgx_vma_mprotect):
 *
 *  - MAP_PRIVATE is refused with EINVAL, MAP_FIXED or not;
 *  - after INIT, any part outside [base, base + size) gives EACCES;
 *  - PROT bits beyond vm_max_prot_bits of any existing page in the range
 *    give EACCES; unbacked addresses impose no limit;
 *  - a READ_IMPLIES_EXEC personality gives EACCES;
 *  - the file offset is ignored: the address selects the enclave page.
 *
 * The range really is mapped: inside the enclave range from the memfd at
 * file offset = enclave offset (so enclave code running there reads and
 * runs the page contents the model uses), elsewhere (before CREATE, or
 * outside the range) with PROT_NONE anonymous memory, since the kernel has
 * no page there either. Each mapping is remembered with the PROT it was
 * given, as the CPU's page tables would have it; each page of it really
 * gets that PROT narrowed by the EPCM (protect.c).
 *
 * VMA arrays change only with the registry lock and the enclave lock both
 * held, so either lock is enough to read them. Unlike the kernel, a
 * refused mprotect() changes nothing, where the kernel may already have
 * changed the VMAs before the one it refused.
 */
/*
 * This file defines both mmap() and its 64-bit twin: the headers must
 * not rename one into the other, as they do with _FILE_OFFSET_BITS=64
 * (which Meson sets). On x86-64 both take a 64-bit offset anyway.
 */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

const struct sim_vma *sim__vma_find(const struct sim_encl *e, uint64_t addr)
{
	size_t i;

	for (i = 0; i < e->nvmas; i++) {
		if (e->vmas[i].start > addr)
			break;
		if (addr < e->vmas[i].end)
			return &e->vmas[i];
	}
	return NULL;
}

void sim__vmas_free(struct sim_encl *e)
{
	free(e->vmas);
	e->vmas = NULL;
	e->nvmas = e->cap_vmas = 0;
}

static int vma_reserve(struct sim_encl *e, size_t extra)
{
	struct sim_vma *v;
	size_t cap;

	if (e->nvmas + extra <= e->cap_vmas)
		return 0;
	cap = e->cap_vmas ? e->cap_vmas * 2 : 8;
	while (cap < e->nvmas + extra)
		cap *= 2;
	v = realloc(e->vmas, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	e->vmas = v;
	e->cap_vmas = cap;
	return 0;
}

/* Take [start, end) out of @e's VMAs: 1 when something was, 0, -ENOMEM. */
static int vma_cut(struct sim_encl *e, uint64_t start, uint64_t end)
{
	size_t i = 0, tail;
	int changed = 0;

	if (vma_reserve(e, 1))
		return -ENOMEM;
	while (i < e->nvmas) {
		struct sim_vma *v = &e->vmas[i];

		if (v->end <= start || v->start >= end) {
			i++;
			continue;
		}
		changed = 1;
		tail = e->nvmas - i - 1;
		if (v->start < start && v->end > end) {
			memmove(v + 2, v + 1, tail * sizeof(*v));
			v[1] = (struct sim_vma){ end, v->end, v->prot };
			v->end = start;
			e->nvmas++;
			break;
		}
		if (v->start < start) {
			v->end = start;
			i++;
		} else if (v->end > end) {
			v->start = end;
			i++;
		} else {
			memmove(v, v + 1, tail * sizeof(*v));
			e->nvmas--;
		}
	}
	return changed;
}

static int vma_insert(struct sim_encl *e, uint64_t start, uint64_t end,
		      int prot)
{
	size_t i;

	if (vma_reserve(e, 2))
		return -ENOMEM;
	vma_cut(e, start, end);
	for (i = 0; i < e->nvmas && e->vmas[i].start < start; i++)
		;
	memmove(&e->vmas[i + 1], &e->vmas[i],
		(e->nvmas - i) * sizeof(e->vmas[0]));
	e->vmas[i] = (struct sim_vma){ start, end, prot };
	e->nvmas++;
	return 0;
}

/* Give the mapped parts of [start, end) the protection @prot. */
static int vma_set_prot(struct sim_encl *e, uint64_t start, uint64_t end,
			int prot)
{
	uint64_t cur = start, a, b;
	size_t i;
	int err;

	while (cur < end) {
		for (i = 0; i < e->nvmas; i++)
			if (e->vmas[i].end > cur)
				break;
		if (i == e->nvmas || e->vmas[i].start >= end)
			break;
		a = e->vmas[i].start > cur ? e->vmas[i].start : cur;
		b = e->vmas[i].end < end ? e->vmas[i].end : end;
		err = vma_insert(e, a, b, prot);
		if (err)
			return err;
		cur = b;
	}
	return 0;
}

/* sgx_encl_may_map(): may [start, end) be mapped with @prot? */
static int may_map(const struct sim_encl *e, uint64_t start, uint64_t end,
		   int prot)
{
	long persona = syscall(SYS_personality, 0xffffffffUL);
	int want = prot & PROT_RWX;
	const struct sim_page *p;
	uint64_t a;

	if (persona != -1 && (persona & READ_IMPLIES_EXEC))
		return -EACCES;
	if (e->initialized &&
	    (start < e->base || end > e->base + e->size || end < start))
		return -EACCES;
	if (!sim__clip(e, &start, &end))
		return 0;
	for (a = start; a < end; a += SIM_PAGE) {
		a = sim__next_slot(e, a);
		if (a >= end)
			break;
		p = sim__page((struct sim_encl *)e, a);
		if (p && p->present && (want & ~p->max_prot))
			return -EACCES;
	}
	return 0;
}

/*
 * The memfd at file offset = enclave offset, PROT_NONE: each page then
 * gets what its VMA and the EPCM allow (sim__prot_sync, protect.c).
 */
static int map_file(const struct sim_encl *e, int fd, uint64_t start,
		    uint64_t end)
{
	void *p = sim__sys_mmap((void *)(uintptr_t)start, end - start,
				PROT_NONE, MAP_SHARED | MAP_FIXED, fd,
				(off_t)(start - e->base));

	return p == MAP_FAILED ? -errno : 0;
}

static int map_none(uint64_t start, uint64_t end)
{
	void *p = sim__sys_mmap(
		(void *)(uintptr_t)start, end - start, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

/* Really map [start, end) of an enclave VMA (see the top). */
static int back(const struct sim_encl *e, int fd, uint64_t start, uint64_t end)
{
	uint64_t in_s = start, in_e = end;
	int err = 0;

	if (!sim__clip(e, &in_s, &in_e))
		return map_none(start, end);
	if (start < in_s)
		err = map_none(start, in_s);
	if (!err)
		err = map_file(e, fd, in_s, in_e);
	if (!err && in_e < end)
		err = map_none(in_e, end);
	return err;
}

int sim__vma_remap_created(struct sim_encl *e, int fd)
{
	size_t i;
	int err;

	for (i = 0; i < e->nvmas; i++) {
		uint64_t s = e->vmas[i].start, t = e->vmas[i].end;

		if (!sim__clip(e, &s, &t))
			continue;
		err = map_file(e, fd, s, t);
		if (err)
			return err;
	}
	return 0; /* no page yet: PROT_NONE is right everywhere */
}

/*
 * [start, end) no longer maps what it did (munmap, or a new mapping on
 * top): forget it in every enclave, and end those left with neither
 * mappings nor descriptors, except @keep. Registry lock held.
 */
static void forget_all(uint64_t start, uint64_t end, struct sim_encl *keep)
{
	struct sim_encl *e, *next;
	int changed, empty;

	for (e = sim__first_locked(); e; e = next) {
		next = e->next;
		pthread_mutex_lock(&e->lock);
		changed = vma_cut(e, start, end) > 0;
		if (changed)
			sim__page_zap(e, start, end);
		empty = !e->nvmas;
		pthread_mutex_unlock(&e->lock);
		if (changed && empty && e != keep)
			sim__maybe_destroy_locked(e);
	}
}

static void *fail_ptr(int err)
{
	errno = -err;
	return MAP_FAILED;
}

static void *encl_mmap(struct sim_encl *e, int fd, void *addr, size_t len,
		       int prot, int flags)
{
	int type = flags & MAP_TYPE, placed = 0, err;
	uint64_t start, end;
	void *res;

	if (!len || type == MAP_PRIVATE ||
	    (type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
		return fail_ptr(-EINVAL);
	if (len > SIZE_MAX - (SIM_PAGE - 1))
		return fail_ptr(-ENOMEM);
	len = (len + SIM_PAGE - 1) & ~(SIM_PAGE - 1);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((uintptr_t)addr & (SIM_PAGE - 1))
			return fail_ptr(-EINVAL);
		start = (uintptr_t)addr;
		if (!(flags & MAP_FIXED)) {
			res = sim__sys_mmap(addr, len, PROT_NONE,
					    MAP_PRIVATE | MAP_ANONYMOUS |
						    MAP_NORESERVE |
						    MAP_FIXED_NOREPLACE,
					    -1, 0);
			if (res == MAP_FAILED)
				return res;
			placed = 1;
		}
	} else {
		res = sim__sys_mmap(addr, len, PROT_NONE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				    -1, 0);
		if (res == MAP_FAILED)
			return res;
		start = (uintptr_t)res;
		placed = 1;
	}
	end = start + len;
	if (end < start)
		return fail_ptr(-ENOMEM);

	pthread_mutex_lock(&e->lock);
	err = may_map(e, start, end, prot);
	pthread_mutex_unlock(&e->lock);
	if (err) {
		if (placed)
			sim__sys_munmap((void *)(uintptr_t)start, len);
		return fail_ptr(err);
	}
	forget_all(start, end, e);
	pthread_mutex_lock(&e->lock);
	err = back(e, fd, start, end);
	if (!err)
		err = vma_insert(e, start, end, prot);
	if (!err) {
		sim__prot_sync(e, start, end);
		e->stats.mmaps++;
	}
	pthread_mutex_unlock(&e->lock);
	if (err)
		return fail_ptr(err);
	return (void *)(uintptr_t)start;
}

void *sim__mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct sim_encl *e = NULL;
	int saved_errno;
	void *res;

	if (!atomic_load(&sim__nencl))
		return sim__sys_mmap(addr, len, prot, flags, fd, off);
	if (!(flags & MAP_ANONYMOUS) && fd >= 0 && sim__lookup(fd, &e))
		e = NULL;

	pthread_mutex_lock(&sim__registry_lock);
	if (e) {
		res = encl_mmap(e, fd, addr, len, prot, flags);
	} else {
		res = sim__sys_mmap(addr, len, prot, flags, fd, off);
		if (res != MAP_FAILED) {
			saved_errno = errno;
			forget_all((uintptr_t)res,
				   (uintptr_t)res + ((len + SIM_PAGE - 1) &
						     ~(SIM_PAGE - 1)),
				   NULL);
			errno = saved_errno;
		}
	}
	saved_errno = errno;
	pthread_mutex_unlock(&sim__registry_lock);
	if (e)
		sim__put(e);
	errno = saved_errno;
	return res;
}

SIM_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	return sim__mmap(addr, len, prot, flags, fd, off);
}

SIM_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			off64_t off)
{
	return sim__mmap(addr, len, prot, flags, fd, (off_t)off);
}

int sim__munmap(void *addr, size_t len)
{
	uint64_t start = (uintptr_t)addr;
	int ret, saved_errno;

	if (!atomic_load(&sim__nencl))
		return sim__sys_munmap(addr, len);
	pthread_mutex_lock(&sim__registry_lock);
	ret = sim__sys_munmap(addr, len);
	saved_errno = errno;
	if (!ret && len <= SIZE_MAX - (SIM_PAGE - 1))
		forget_all(start,
			   start + ((len + SIM_PAGE - 1) & ~(SIM_PAGE - 1)),
			   NULL);
	pthread_mutex_unlock(&sim__registry_lock);
	errno = saved_errno;
	return ret;
}

SIM_EXPORT int munmap(void *addr, size_t len)
{
	return sim__munmap(addr, len);
}

/* The first enclave VMA that ends after @cur and starts before @end. */
static const struct sim_vma *next_vma(uint64_t cur, uint64_t end,
				      struct sim_encl **owner)
{
	const struct sim_vma *best = NULL;
	struct sim_encl *e;
	size_t i;

	for (e = sim__first_locked(); e; e = e->next) {
		for (i = 0; i < e->nvmas; i++) {
			const struct sim_vma *v = &e->vmas[i];

			if (v->end <= cur || v->start >= end)
				continue;
			if (!best || v->start < best->start) {
				best = v;
				*owner = e;
			}
			break;
		}
	}
	return best;
}

static int encl_mprotect(uint64_t start, uint64_t end, int prot)
{
	const struct sim_vma *v;
	struct sim_encl *e;
	uint64_t cur, s, t;
	int err = 0;

	/* Every enclave piece must be allowed before anything changes. */
	for (e = sim__first_locked(); e && !err; e = e->next) {
		size_t i;

		pthread_mutex_lock(&e->lock);
		for (i = 0; i < e->nvmas && !err; i++) {
			v = &e->vmas[i];
			if (v->end <= start || v->start >= end)
				continue;
			s = v->start > start ? v->start : start;
			t = v->end < end ? v->end : end;
			err = may_map(e, s, t, prot);
		}
		pthread_mutex_unlock(&e->lock);
	}
	if (err)
		return err;

	/* Then in address order, like the kernel's walk over the VMAs. */
	for (cur = start; cur < end;) {
		v = next_vma(cur, end, &e);
		if (!v)
			return sim__sys_mprotect((void *)(uintptr_t)cur,
						 end - cur, prot)
				       ? -errno
				       : 0;
		if (v->start > cur) {
			if (sim__sys_mprotect((void *)(uintptr_t)cur,
					      v->start - cur, prot))
				return -errno;
			cur = v->start;
		}
		t = v->end < end ? v->end : end;
		pthread_mutex_lock(&e->lock);
		err = vma_set_prot(e, cur, t, prot);
		if (!err)
			sim__prot_sync(e, cur, t);
		pthread_mutex_unlock(&e->lock);
		if (err)
			return err;
		cur = t;
	}
	return 0;
}

SIM_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	uint64_t start = (uintptr_t)addr, end;
	int err, saved_errno = errno;

	if (!atomic_load(&sim__nencl) || (start & (SIM_PAGE - 1)) ||
	    len > SIZE_MAX - (SIM_PAGE - 1))
		return sim__sys_mprotect(addr, len, prot);
	end = start + ((len + SIM_PAGE - 1) & ~(SIM_PAGE - 1));
	if (end < start)
		return sim__sys_mprotect(addr, len, prot);
	pthread_mutex_lock(&sim__registry_lock);
	err = encl_mprotect(start, end, prot);
	pthread_mutex_unlock(&sim__registry_lock);
	if (err) {
		errno = -err;
		return -1;
	}
	errno = saved_errno;
	return 0;
}
