// SPDX-License-Identifier: MIT
/*
 * Building an enclave: SGX_IOC_ENCLAVE_CREATE, ADD_PAGES, INIT (and
 * PROVISION), with the kernel's checks and errnos in its order. What the
 * model leaves out: no measurement (SGX_PAGE_MEASURE is ignored), no
 * SIGSTRUCT signature, MRENCLAVE or launch token check at INIT (only the
 * vendor field is checked), no attribute policy, no signals (ADD_PAGES
 * never stops early), no EPC pressure. ECREATE's own refusals (a size
 * below two pages or above the model's 1 TiB, a base not aligned to the
 * size) give EIO, as an ECREATE failure does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "internal.h"

#define SECS_SIZE 0
#define SECS_BASE 8
#define SECS_SSAFRAMESIZE 16
#define SECS_MISCSELECT 20
#define SECS_ATTRIBUTES 48
#define SECS_XFRM 56
#define SIGSTRUCT_SIZE 1808
#define SIGSTRUCT_VENDOR 16
#define SECINFO_SIZE 64

long sim__ioc_create(struct sim_encl *e, int fd, void *arg)
{
	struct sgx_enclave_create c;
	uint64_t size, base, attributes, xfrm;
	uint32_t ssaframesize, miscselect;
	unsigned char *secs;
	void *data;
	int err;

	if (e->created)
		return -EINVAL;
	if (sim__copy_from_user(&c, (uintptr_t)arg, sizeof(c)))
		return -EFAULT;
	secs = malloc(SIM_PAGE);
	if (!secs)
		return -ENOMEM;
	if (sim__copy_from_user(secs, c.src, SIM_PAGE)) {
		free(secs);
		return -EFAULT;
	}
	memcpy(&size, secs + SECS_SIZE, sizeof(size));
	memcpy(&base, secs + SECS_BASE, sizeof(base));
	memcpy(&attributes, secs + SECS_ATTRIBUTES, sizeof(attributes));
	memcpy(&ssaframesize, secs + SECS_SSAFRAMESIZE, sizeof(ssaframesize));
	memcpy(&miscselect, secs + SECS_MISCSELECT, sizeof(miscselect));
	memcpy(&xfrm, secs + SECS_XFRM, sizeof(xfrm));
	free(secs);

	/* v6.14 refuses this before ECREATE; before, ECREATE failed (EIO). */
	if (!size || (size & (size - 1))) {
		if (sim__kernel(&e->icfg) >= SGX2_SIM_KERNEL_6_14)
			return -EINVAL;
		return -EIO;
	}
	if (size < 2 * SIM_PAGE || size > SIM_MAX_SIZE || (base & (size - 1)) ||
	    base + size < base || base + size > (1ull << 47))
		return -EIO;

	if (ftruncate(fd, (off_t)size))
		return -ENOMEM;
	data = sim__sys_mmap(NULL, size, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (data == MAP_FAILED)
		return -ENOMEM;

	pthread_mutex_lock(&e->lock);
	e->base = base;
	e->size = size;
	e->attributes = attributes;
	e->ssaframesize = ssaframesize;
	e->miscselect = miscselect;
	e->xfrm = xfrm;
	err = sim__pages_init(e);
	if (!err) {
		e->created = 1;
		e->data = data;
		/* Mappings made before CREATE now reach the pages. */
		err = sim__vma_remap_created(e, fd);
	} else {
		sim__sys_munmap(data, size);
	}
	pthread_mutex_unlock(&e->lock);
	return err;
}

/* sgx_validate_secinfo() */
static int secinfo_check(const unsigned char *secinfo)
{
	uint64_t flags, perm, type;
	unsigned int i;

	memcpy(&flags, secinfo, sizeof(flags));
	perm = flags & SIM_PERMS;
	type = flags & 0xff00;
	if (type != (SIM_PT_REG << 8) && type != (SIM_PT_TCS << 8))
		return -EINVAL;
	if ((perm & SIM_W) && !(perm & SIM_R))
		return -EINVAL;
	/* The CPU would silently clear a TCS's permissions. */
	if (type == (SIM_PT_TCS << 8) && perm)
		return -EINVAL;
	if (flags & ~(uint64_t)0xff07)
		return -EINVAL;
	for (i = sizeof(flags); i < SECINFO_SIZE; i++)
		if (secinfo[i])
			return -EINVAL;
	return 0;
}

static int all_zero(const unsigned char *p)
{
	for (unsigned int i = 0; i < SIM_PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * Before INIT nothing has written the enclave's pages, so the memfd is
 * still a hole there: zeros need not be stored, and a large enclave of
 * zero pages costs no memory for its contents. (Reading the hole to check
 * would allocate it: shmem fills holes on read faults.)
 */
static void store_page(unsigned char *dst, const unsigned char *src)
{
	if (!all_zero(src))
		memcpy(dst, src, SIM_PAGE);
}

/* EADD of one page at @offset; enclave lock held. */
int sim__add_page(struct sim_encl *e, uint64_t offset, uint64_t secinfo,
		  const void *src)
{
	struct sim_page *p = sim__page_alloc(e, e->base + offset);
	unsigned int type = (secinfo >> 8) & 0xff;

	if (!p)
		return -ENOMEM;
	if (p->present)
		return -EBUSY;
	memset(p, 0, sizeof(*p));
	p->present = 1;
	p->ktype = (uint8_t)type;
	p->epcm_type = (uint8_t)type;
	if (type == SIM_PT_TCS) {
		p->max_prot = PROT_READ | PROT_WRITE;
	} else {
		p->epcm_perms = secinfo & SIM_PERMS;
		p->max_prot = (uint8_t)sim__prot_of_perms(secinfo & SIM_PERMS);
	}
	store_page(e->data + offset, src);
	return 0;
}

long sim__ioc_add_pages(struct sim_encl *e, void *arg)
{
	unsigned char secinfo[SECINFO_SIZE], *page;
	struct sgx_enclave_add_pages a;
	uint64_t flags, c;
	long ret = 0;

	if (!e->created || e->initialized)
		return -EINVAL;
	if (sim__copy_from_user(&a, (uintptr_t)arg, sizeof(a)))
		return -EFAULT;
	if (a.src & (SIM_PAGE - 1))
		return -EINVAL;
	if (sim__validate_offset_length(e, a.offset, a.length))
		return -EINVAL;
	if (sim__copy_from_user(secinfo, a.secinfo, sizeof(secinfo)))
		return -EFAULT;
	if (secinfo_check(secinfo))
		return -EINVAL;
	memcpy(&flags, secinfo, sizeof(flags));

	page = malloc(SIM_PAGE);
	if (!page)
		return -ENOMEM;
	for (c = 0; c < a.length; c += SIM_PAGE) {
		if (sim__copy_from_user(page, a.src + c, SIM_PAGE)) {
			ret = -EFAULT;
			break;
		}
		pthread_mutex_lock(&e->lock);
		ret = sim__add_page(e, a.offset + c, flags, page);
		pthread_mutex_unlock(&e->lock);
		if (ret)
			break;
	}
	free(page);
	/* A loader may have mapped the range already. */
	pthread_mutex_lock(&e->lock);
	sim__prot_sync(e, e->base + a.offset, e->base + a.offset + c);
	pthread_mutex_unlock(&e->lock);
	a.count = c;
	if (sim__copy_to_user((uintptr_t)arg, &a, sizeof(a)))
		return -EFAULT;
	return ret;
}

long sim__ioc_init(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_init in;
	unsigned char *sig;
	uint32_t vendor;

	if (!e->created || e->initialized)
		return -EINVAL;
	if (sim__copy_from_user(&in, (uintptr_t)arg, sizeof(in)))
		return -EFAULT;
	sig = malloc(SIGSTRUCT_SIZE);
	if (!sig)
		return -ENOMEM;
	if (sim__copy_from_user(sig, in.sigstruct, SIGSTRUCT_SIZE)) {
		free(sig);
		return -EFAULT;
	}
	memcpy(&vendor, sig + SIGSTRUCT_VENDOR, sizeof(vendor));
	free(sig);
	if (vendor != 0x0000 && vendor != 0x8086)
		return -EINVAL;
	pthread_mutex_lock(&e->lock);
	e->initialized = 1;
	pthread_mutex_unlock(&e->lock);
	return 0;
}

/* There is no /dev/sgx_provision in the model: any fd is the wrong one. */
long sim__ioc_provision(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_provision p;

	(void)e;
	if (sim__copy_from_user(&p, (uintptr_t)arg, sizeof(p)))
		return -EFAULT;
	return -EINVAL;
}
