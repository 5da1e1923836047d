// SPDX-License-Identifier: MIT
/*
 * Building an enclave: SGX_IOC_ENCLAVE_CREATE, ADD_PAGES (and PROVISION),
 * with the kernel's checks and errnos in its order, and the measurement
 * ECREATE, EADD and EEXTEND make of it (INIT is in init.c). What the model
 * leaves out: no signals (ADD_PAGES never stops early), no EPC pressure.
 * ECREATE's own refusals give EIO, as an ECREATE failure does: a size
 * below two pages or above the model's 1 TiB, a base not aligned to the
 * size, SSAFRAMESIZE 0, a 32-bit enclave (the model has 64-bit ones only),
 * an XFRM without x87 and SSE state, ATTRIBUTES, XFRM or MISCSELECT bits
 * the CPU does not offer (CPUID leaf 0x12: sgx2_sim_cpuid()), and an SSA
 * frame too small for the XSAVE area of XFRM, MISC and GPRSGX.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "internal.h"

#define SECINFO_SIZE 64
#define EEXTEND_CHUNK 256

/*
 * MRENCLAVE is SHA-256 over 64-byte records (SDM, ECREATE, EADD and
 * EEXTEND): "ECREATE\0", SSAFRAMESIZE (u32) and SIZE (u64); "EADD\0\0\0\0",
 * the page offset (u64) and the first 48 bytes of SECINFO; "EEXTEND\0" and
 * the offset of a 256-byte chunk (u64), followed by the chunk. Integers are
 * little-endian, as x86 stores them; the rest of a record is zero.
 */
static void measure(struct sim_encl *e, const char *tag, const void *fields,
		    size_t n)
{
	unsigned char rec[64] = { 0 };

	memcpy(rec, tag, strlen(tag));
	memcpy(rec + 8, fields, n);
	sim__sha256_update(&e->mrenclave, rec, sizeof(rec));
}

/*
 * ECREATE's "unsupported attributes" and "unsupported MISCSELECT" #GPs:
 * every bit set must be one the CPU reports (CPUID leaf 0x12).
 */
static int cpu_offers(uint64_t attributes, uint64_t xfrm, uint32_t misc)
{
	struct sim_cpu_bits cpu = sim__cpu_bits();

	return !(attributes & ~cpu.attributes) && !(xfrm & ~cpu.xfrm) &&
	       !(misc & ~cpu.miscselect);
}

long sim__ioc_create(struct sim_encl *e, int fd, void *arg)
{
	struct sgx_enclave_create c;
	uint64_t size, base, attributes, xfrm;
	uint32_t ssaframesize, miscselect;
	unsigned char *secs, fields[12];
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
	memcpy(&size, secs + SIM_SECS_SIZE, sizeof(size));
	memcpy(&base, secs + SIM_SECS_BASE, sizeof(base));
	memcpy(&attributes, secs + SIM_SECS_ATTRIBUTES, sizeof(attributes));
	memcpy(&ssaframesize, secs + SIM_SECS_SSAFRAMESIZE,
	       sizeof(ssaframesize));
	memcpy(&miscselect, secs + SIM_SECS_MISCSELECT, sizeof(miscselect));
	memcpy(&xfrm, secs + SIM_SECS_XFRM, sizeof(xfrm));
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
	if (!ssaframesize || !(attributes & SIM_ATTR_MODE64BIT) ||
	    (xfrm & SIM_XFRM_X87_SSE) != SIM_XFRM_X87_SSE)
		return -EIO;
	if (!cpu_offers(attributes, xfrm, miscselect) ||
	    (uint64_t)ssaframesize * SIM_PAGE <
		    sim__ssa_frame_need(xfrm, miscselect))
		return -EIO;

	if (ftruncate(fd, (off_t)size))
		return -ENOMEM;
	data = sim__sys_mmap(NULL, size, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (data == MAP_FAILED)
		return -ENOMEM;

	pthread_mutex_lock(&e->lock);
	/* The SECS's EPC page: sgx_encl_create() allocates it reclaiming. */
	if (sim__epc_charge(e)) {
		pthread_mutex_unlock(&e->lock);
		sim__sys_munmap(data, size);
		return -ENOMEM;
	}
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
		sim__sha256_init(&e->mrenclave);
		memcpy(fields, &ssaframesize, sizeof(ssaframesize));
		memcpy(fields + sizeof(ssaframesize), &size, sizeof(size));
		measure(e, "ECREATE", fields, sizeof(fields));
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
	/* Direct reclaim: ENOMEM only when nothing can be reclaimed. */
	if (sim__epc_charge(e))
		return -ENOMEM;
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

/*
 * EADD of a TCS (SDM EADD): a TCS whose reserved bytes are not zero is
 * #GP (the kernel's EIO); otherwise STATE, CSSA, AEP and FLAGS.DBGOPTIN
 * are cleared before the page is stored and measured.
 */
static int eadd_tcs(unsigned char *tcs)
{
	unsigned int i;

	for (i = SIM_TCS_RESERVED; i < SIM_PAGE; i++)
		if (tcs[i])
			return -EIO;
	memset(tcs + SIM_TCS_STATE, 0, 8);
	tcs[SIM_TCS_FLAGS] &= (unsigned char)~1u;
	memset(tcs + SIM_TCS_CSSA, 0, 4);
	memset(tcs + SIM_TCS_AEP, 0, 8);
	return 0;
}

/* EADD's record, then with @extend EEXTEND's for the page's 16 chunks
 * (what the kernel does for SGX_PAGE_MEASURE). Zero pages are hashed like
 * any other: only storing them is skipped. */
static void measure_page(struct sim_encl *e, uint64_t offset,
			 const unsigned char *secinfo, const unsigned char *src,
			 int extend)
{
	unsigned char fields[8 + 48];

	memcpy(fields, &offset, 8);
	memcpy(fields + 8, secinfo, 48);
	measure(e, "EADD", fields, sizeof(fields));
	for (unsigned int c = 0; extend && c < SIM_PAGE; c += EEXTEND_CHUNK) {
		uint64_t at = offset + c;

		measure(e, "EEXTEND", &at, sizeof(at));
		sim__sha256_update(&e->mrenclave, src + c, EEXTEND_CHUNK);
	}
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
		if (((flags >> 8) & 0xff) == SIM_PT_TCS) {
			ret = eadd_tcs(page);
			if (ret)
				break;
		}
		pthread_mutex_lock(&e->lock);
		ret = sim__add_page(e, a.offset + c, flags, page);
		if (!ret)
			measure_page(e, a.offset + c, secinfo, page,
				     a.flags & SGX_PAGE_MEASURE);
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

/* There is no /dev/sgx_provision in the model: any fd is the wrong one. */
long sim__ioc_provision(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_provision p;

	(void)e;
	if (sim__copy_from_user(&p, (uintptr_t)arg, sizeof(p)))
		return -EFAULT;
	return -EINVAL;
}
