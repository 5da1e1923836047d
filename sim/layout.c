// SPDX-License-Identifier: MIT
/*
 * An enclave in one call: the steps a loader (and the kernel selftests'
 * encl_load()) takes, through the same ioctl and mmap paths a loader's
 * calls take: reserve twice the size with a PROT_NONE shared mapping of
 * the enclave, keep the naturally aligned half, CREATE, ADD_PAGES per
 * segment, INIT, then map each segment MAP_SHARED|MAP_FIXED.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <asm/sgx.h>

#include "internal.h"

static int segment_check(const struct sgx2_sim_layout *l,
			 const struct sgx2_sim_segment *s)
{
	uint64_t bytes;

	if (s->reserved || (s->offset & (SIM_PAGE - 1)) || !s->pages ||
	    s->pages > l->size / SIM_PAGE)
		return -EINVAL;
	bytes = s->pages * SIM_PAGE;
	if (s->offset >= l->size || bytes > l->size - s->offset)
		return -EINVAL;
	if (s->type == SGX2_SIM_PAGE_TYPE_TCS)
		return s->perms ? -EINVAL : 0;
	if (s->type != SGX2_SIM_PAGE_TYPE_REG || (s->perms & ~SIM_PERMS) ||
	    ((s->perms & SIM_W) && !(s->perms & SIM_R)))
		return -EINVAL;
	return 0;
}

static int layout_check(const struct sgx2_sim_layout *l)
{
	uint32_t i, j;

	if (l->reserved0 || l->reserved[0] || l->reserved[1])
		return -EINVAL;
	if (l->size < 2 * SIM_PAGE || l->size > SIM_MAX_SIZE ||
	    (l->size & (l->size - 1)))
		return -EINVAL;
	if (l->nsegs && !l->segs)
		return -EINVAL;
	for (i = 0; i < l->nsegs; i++) {
		if (segment_check(l, &l->segs[i]))
			return -EINVAL;
		for (j = 0; j < i; j++) {
			const struct sgx2_sim_segment *a = &l->segs[i],
						      *b = &l->segs[j];

			if (a->offset < b->offset + b->pages * SIM_PAGE &&
			    b->offset < a->offset + a->pages * SIM_PAGE)
				return -EINVAL;
		}
	}
	return 0;
}

static int do_ioctl(struct sim_encl *e, int fd, unsigned long cmd, void *arg)
{
	return (int)sim__ioctl(e, fd, cmd, arg);
}

static int add_segment(struct sim_encl *e, int fd,
		       const struct sgx2_sim_segment *s)
{
	struct sim_secinfo secinfo;
	struct sgx_enclave_add_pages a;
	void *src;
	int err;

	memset(&secinfo, 0, sizeof(secinfo));
	secinfo.flags = ((uint64_t)s->type << 8) | s->perms;
	a = (struct sgx_enclave_add_pages){
		.src = (uintptr_t)s->src,
		.offset = s->offset,
		.length = s->pages * SIM_PAGE,
		.secinfo = (uintptr_t)&secinfo,
	};
	if (s->src)
		return do_ioctl(e, fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a);
	/* No contents: one ADD_PAGES from an untouched anonymous mapping,
	 * which reads as zeros without taking memory. */
	src = sim__sys_mmap(NULL, a.length, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED)
		return -ENOMEM;
	a.src = (uintptr_t)src;
	err = do_ioctl(e, fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a);
	sim__sys_munmap(src, a.length);
	return err;
}

/*
 * A SIGSTRUCT for the enclave as built so far that EINIT accepts but for
 * the signature, which there is no key to make: the enclave is marked so
 * that EINIT skips that check only. The masks are all ones: the
 * attributes must be exactly these.
 */
static void unsigned_sigstruct(struct sim_encl *e, unsigned char *ss,
			       uint64_t attributes, uint64_t xfrm)
{
	uint64_t all = ~0ull;
	uint32_t exponent = 3, misc_all = ~0u;

	memcpy(ss + SIM_SS_HEADER, sim__ss_header, 16);
	memcpy(ss + SIM_SS_HEADER2, sim__ss_header2, 16);
	memcpy(ss + SIM_SS_EXPONENT, &exponent, sizeof(exponent));
	memcpy(ss + SIM_SS_MISCMASK, &misc_all, sizeof(misc_all));
	memcpy(ss + SIM_SS_ATTRIBUTES, &attributes, sizeof(attributes));
	memcpy(ss + SIM_SS_ATTRIBUTES + 8, &xfrm, sizeof(xfrm));
	memcpy(ss + SIM_SS_ATTRMASK, &all, sizeof(all));
	memcpy(ss + SIM_SS_ATTRMASK + 8, &all, sizeof(all));
	pthread_mutex_lock(&e->lock);
	sim__sha256_digest(&e->mrenclave, ss + SIM_SS_ENCLAVEHASH);
	e->measured_only = 1;
	pthread_mutex_unlock(&e->lock);
}

static int build(struct sim_encl *e, int fd, const struct sgx2_sim_layout *l,
		 uint64_t base)
{
	uint64_t attributes = SIM_ATTR_DEBUG | SIM_ATTR_MODE64BIT,
		 xfrm = SIM_XFRM_X87_SSE;
	unsigned char *secs, *sigstruct;
	struct sgx_enclave_create c;
	struct sgx_enclave_init in;
	uint32_t i, ssaframesize = 1;
	int err;

	secs = calloc(1, SIM_PAGE);
	sigstruct = calloc(1, SIM_PAGE);
	err = -ENOMEM;
	if (!secs || !sigstruct)
		goto out;
	memcpy(secs + SIM_SECS_SIZE, &l->size, sizeof(l->size));
	memcpy(secs + SIM_SECS_BASE, &base, sizeof(base));
	memcpy(secs + SIM_SECS_SSAFRAMESIZE, &ssaframesize,
	       sizeof(ssaframesize));
	memcpy(secs + SIM_SECS_ATTRIBUTES, &attributes, sizeof(attributes));
	memcpy(secs + SIM_SECS_XFRM, &xfrm, sizeof(xfrm));
	c.src = (uintptr_t)secs;
	err = do_ioctl(e, fd, SGX_IOC_ENCLAVE_CREATE, &c);
	for (i = 0; !err && i < l->nsegs; i++)
		err = add_segment(e, fd, &l->segs[i]);
	if (!err) {
		unsigned_sigstruct(e, sigstruct, attributes, xfrm);
		in.sigstruct = (uintptr_t)sigstruct;
		err = do_ioctl(e, fd, SGX_IOC_ENCLAVE_INIT, &in);
	}
out:
	free(secs);
	free(sigstruct);
	return err;
}

static int map_segments(int fd, const struct sgx2_sim_layout *l, uint64_t base)
{
	uint32_t i;

	for (i = 0; i < l->nsegs; i++) {
		const struct sgx2_sim_segment *s = &l->segs[i];
		int prot = s->type == SGX2_SIM_PAGE_TYPE_TCS
				   ? PROT_READ | PROT_WRITE
				   : (int)sim__prot_of_perms(s->perms);
		void *p = sim__mmap((void *)(uintptr_t)(base + s->offset),
				    s->pages * SIM_PAGE, prot,
				    MAP_SHARED | MAP_FIXED, fd, 0);

		if (p == MAP_FAILED)
			return -errno;
	}
	return 0;
}

SIM_EXPORT int sgx2_sim_enclave_create(const struct sgx2_sim_layout *layout,
				       int *fdp, uint64_t *basep)
{
	int saved_errno = errno, fd, err;
	uint64_t area, base, size;
	struct sim_encl *e;
	void *p;

	if (!layout || !fdp || !basep || layout_check(layout))
		return -EINVAL;
	size = layout->size;
	fd = sgx2_sim_open(O_CLOEXEC);
	if (fd < 0)
		return fd;
	err = sim__lookup(fd, &e);
	if (err)
		goto fail_fd;

	p = sim__mmap(NULL, 2 * size, PROT_NONE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		goto fail_put;
	}
	area = (uintptr_t)p;
	base = (area + size - 1) & ~(size - 1);
	if (base > area)
		sim__munmap(p, base - area);
	if (area + 2 * size > base + size)
		sim__munmap((void *)(uintptr_t)(base + size),
			    area + 2 * size - (base + size));

	err = build(e, fd, layout, base);
	if (!err)
		err = map_segments(fd, layout, base);
	if (err)
		goto fail_map;
	pthread_mutex_lock(&e->lock);
	memset(&e->stats, 0, sizeof(e->stats));
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	*fdp = fd;
	*basep = base;
	errno = saved_errno;
	return 0;

fail_map:
	sim__munmap((void *)(uintptr_t)base, size);
fail_put:
	sim__put(e);
fail_fd:
	sim__close(fd);
	errno = saved_errno;
	return err;
}

SIM_EXPORT int sgx2_sim_enclave_destroy(int fd)
{
	int saved_errno = errno, created;
	uint64_t base, size;
	struct sim_encl *e;
	int err;

	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	created = e->created;
	base = e->base;
	size = e->size;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	if (created)
		sim__munmap((void *)(uintptr_t)base, size);
	sim__close(fd);
	errno = saved_errno;
	return 0;
}
