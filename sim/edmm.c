// SPDX-License-Identifier: MIT
/*
 * The three EDMM ioctls: SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS (0x05),
 * SGX_IOC_ENCLAVE_MODIFY_TYPES (0x06), SGX_IOC_ENCLAVE_REMOVE_PAGES (0x07).
 *
 * Each handler checks in the kernel's order (SGX2 and INIT, copy in,
 * offset/length, its own fields, count/result zero) and returns without
 * writing the struct back when one of those fails. Then it walks the
 * pages in ascending order, one page per lock hold, stops at the first
 * page that fails with nothing undone, writes the whole struct back with
 * count = bytes fully processed before the failing page, and returns that
 * page's errno (or 0).
 *
 * Per page, as the kernel: load the page (EFAULT when absent, EAGAIN when
 * being reclaimed), check the kernel-tracked type (EINVAL/EPERM), run the
 * ENCLS leaf on the EPCM model (an SGX code gives EFAULT with `result`),
 * then ETRACK (RESTRICT and MODIFY only). The kernel's type decides
 * EINVAL/EPERM before any ENCLS; the EPCM state decides the SGX codes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <asm/sgx.h>

#include "internal.h"

typedef int (*page_step)(struct sim_encl *e, struct sim_page *p, uint64_t addr,
			 unsigned int nr, uint64_t idx, uint64_t arg,
			 uint64_t *result);

/* sgx_ioc_sgx2_ready(): runs before the struct is even read. */
static int sgx2_ready(const struct sim_encl *e)
{
	if (!e->icfg.sgx2)
		return -ENODEV;
	if (!e->initialized)
		return -EINVAL;
	return 0;
}

static int fire(struct sim_encl *e, unsigned int nr, uint64_t idx,
		uint32_t kind, struct sgx2_sim_fault *f)
{
	const struct sim_rule *r = sim__rule_at(e, nr, idx, kind);

	if (!r)
		return 0;
	if (f)
		*f = r->f;
	e->stats.faults_fired++;
	return 1;
}

/* sgx_encl_load_page(): the page must exist and be resident. */
static int load(struct sim_encl *e, unsigned int nr, uint64_t idx,
		uint64_t addr, uint64_t arg, struct sim_page **out)
{
	struct sgx2_sim_fault f;
	struct sim_page *p;

	if (fire(e, nr, idx, SGX2_SIM_FAULT_ERRNO, &f))
		return -f.error;
	p = sim__page(e, addr);
	if (!p || !p->present) {
		if (p && p->last_nr == nr)
			e->stats.pages_resubmitted++;
		return -EFAULT;
	}
	if (sim__rule_reclaim(e, nr, addr - e->base)) {
		e->stats.faults_fired++;
		return -EAGAIN;
	}
	if (p->last_nr == nr && p->last_arg == arg)
		e->stats.pages_resubmitted++;
	*out = p;
	return 0;
}

static void done(struct sim_page *p, unsigned int nr, uint64_t arg)
{
	p->last_nr = (uint8_t)nr;
	p->last_arg = (uint8_t)arg; /* permissions or a page type: 8 bits */
}

/* The ETRACK flow after EMODPR/EMODT: it fails only when injected. */
static int etrack(struct sim_encl *e, unsigned int nr, uint64_t idx)
{
	return fire(e, nr, idx, SGX2_SIM_FAULT_ETRACK, NULL) ? -EFAULT : 0;
}

/* What the EMODPR/EMODT models return for a #PF (not an SGX code). */
#define ENCLS_PF ((uint64_t)-1)

/*
 * ENCLS[EMODPR] on the EPCM entry, in the SDM's order: a PENDING or
 * MODIFIED page is SGX_PAGE_NOT_MODIFIABLE before the page type is looked
 * at, then anything but PT_REG is a #PF. PR is not checked; it is set
 * whether or not @perms takes anything away.
 */
static uint64_t emodpr(struct sim_page *p, uint64_t perms)
{
	if (p->epcm_state & (SIM_PENDING | SIM_MODIFIED))
		return SIM_PAGE_NOT_MODIFIABLE;
	if (p->epcm_type != SIM_PT_REG)
		return ENCLS_PF;
	p->epcm_perms &= (uint8_t)perms;
	p->epcm_state |= SIM_PR;
	return 0;
}

/*
 * ENCLS[EMODT] to @type (TCS or TRIM), in the SDM's order: the page type
 * first (PT_REG to either, PT_TCS to TRIM only; else #PF), then PENDING or
 * MODIFIED gives SGX_PAGE_NOT_MODIFIABLE. Then PR <- 0, MODIFIED <- 1,
 * R/W/X <- 0 and the new type: a restricted page not yet accepted loses
 * its PR.
 */
static uint64_t emodt(struct sim_page *p, uint64_t type)
{
	if (p->epcm_type != SIM_PT_REG &&
	    !(p->epcm_type == SIM_PT_TCS && type == SIM_PT_TRIM))
		return ENCLS_PF;
	if (p->epcm_state & (SIM_PENDING | SIM_MODIFIED))
		return SIM_PAGE_NOT_MODIFIABLE;
	p->epcm_type = (uint8_t)type;
	p->epcm_perms = 0;
	p->epcm_state = SIM_MODIFIED;
	return 0;
}

static int restrict_step(struct sim_encl *e, struct sim_page *p, uint64_t addr,
			 unsigned int nr, uint64_t idx, uint64_t perms,
			 uint64_t *result)
{
	struct sgx2_sim_fault f;
	uint64_t code;

	(void)addr;
	if (p->ktype != SIM_PT_REG)
		return -EINVAL;
	/* ENCLS[EMODPR] */
	if (fire(e, nr, idx, SGX2_SIM_FAULT_ENCLS_FAULT, NULL))
		return -EFAULT;
	if (fire(e, nr, idx, SGX2_SIM_FAULT_ENCLS_CODE, &f)) {
		*result = f.sgx_code;
		return -EFAULT;
	}
	code = emodpr(p, perms);
	if (code) {
		if (code != ENCLS_PF)
			*result = code;
		return -EFAULT;
	}
	if (etrack(e, nr, idx))
		return -EFAULT;
	e->stats.pages_restricted++;
	done(p, nr, perms);
	return 0;
}

static int modify_step(struct sim_encl *e, struct sim_page *p, uint64_t addr,
		       unsigned int nr, uint64_t idx, uint64_t type,
		       uint64_t *result)
{
	uint8_t max_prot = p->max_prot;
	struct sgx2_sim_fault f;
	uint64_t code;

	if (!(p->ktype == SIM_PT_REG &&
	      (type == SIM_PT_TCS || type == SIM_PT_TRIM)) &&
	    !(p->ktype == SIM_PT_TCS && type == SIM_PT_TRIM))
		return -EINVAL;
	if (p->ktype == SIM_PT_REG && type == SIM_PT_TCS) {
		if ((p->max_prot & (PROT_READ | PROT_WRITE)) !=
		    (PROT_READ | PROT_WRITE))
			return -EPERM;
		/* A TCS can never be executable or become REG again. */
		p->max_prot = PROT_READ | PROT_WRITE;
		if (fire(e, nr, idx, SGX2_SIM_FAULT_RECLAIM_RACE, NULL)) {
			p->max_prot = max_prot;
			return -EAGAIN;
		}
		p->pte = 0; /* PTEs zapped in every mm */
	}
	/* ENCLS[EMODT]; on failure vm_max_prot_bits is restored. */
	if (fire(e, nr, idx, SGX2_SIM_FAULT_ENCLS_FAULT, NULL)) {
		p->max_prot = max_prot;
		return -EFAULT;
	}
	if (fire(e, nr, idx, SGX2_SIM_FAULT_ENCLS_CODE, &f)) {
		p->max_prot = max_prot;
		*result = f.sgx_code;
		return -EFAULT;
	}
	code = emodt(p, type);
	if (code) {
		p->max_prot = max_prot;
		if (code != ENCLS_PF)
			*result = code;
		return -EFAULT;
	}
	sim__tcs_forget(e, addr);
	/* On an ETRACK failure the kernel type is not updated. */
	if (etrack(e, nr, idx))
		return -EFAULT;
	p->ktype = (uint8_t)type;
	e->stats.pages_modified++;
	done(p, nr, type);
	return 0;
}

static int remove_step(struct sim_encl *e, struct sim_page *p, uint64_t addr,
		       unsigned int nr, uint64_t idx, uint64_t arg,
		       uint64_t *result)
{
	(void)arg;
	(void)result;
	if (p->ktype != SIM_PT_TRIM)
		return -EPERM;
	/*
	 * The probe: EMODPR(RWX) must fault with #PF, which it does on a
	 * TRIM page the enclave has accepted. A PAGE_NOT_MODIFIABLE (not yet
	 * accepted), any other code, any other fault, or success: EPERM.
	 */
	if (fire(e, nr, idx, SGX2_SIM_FAULT_ENCLS_FAULT, NULL) ||
	    fire(e, nr, idx, SGX2_SIM_FAULT_ENCLS_CODE, NULL) ||
	    emodpr(p, SIM_PERMS) != ENCLS_PF)
		return -EPERM;
	if (fire(e, nr, idx, SGX2_SIM_FAULT_RECLAIM_RACE, NULL))
		return -EBUSY;
	/* Zap PTEs, EREMOVE, free: the address has no page any more. */
	memset(p, 0, sizeof(*p));
	done(p, nr, 0);
	sim__tcs_forget(e, addr);
	sim__epc_uncharge(e, 1);
	e->stats.pages_removed++;
	/*
	 * The kernel zaps the PTEs with the lock dropped: a fault then
	 * finds the page still in the array and maps it again, and the
	 * EREMOVE that follows leaves that PTE without a page.
	 */
	if (sim__rule_remove_race(e, addr - e->base)) {
		e->stats.faults_fired++;
		p->pte = 1;
	}
	return 0;
}

static long page_loop(struct sim_encl *e, unsigned int nr, uint64_t offset,
		      uint64_t length, uint64_t arg, __u64 *result,
		      __u64 *count, page_step step)
{
	struct sim_page *p = NULL;
	uint64_t c, addr, delay, code;
	int ret = 0;

	if (e->icfg.null_driver) { /* a benchmark baseline, not the kernel */
		*count = length;
		return 0;
	}
	for (c = 0; c < length; c += SIM_PAGE) {
		pthread_mutex_lock(&e->lock);
		delay = e->cfg.page_delay_ns;
		pthread_mutex_unlock(&e->lock);
		/* Where the kernel reclaims directly: no lock held. */
		sim__delay(delay);

		addr = e->base + offset + c;
		pthread_mutex_lock(&e->lock);
		code = *result;
		ret = load(e, nr, c / SIM_PAGE, addr, arg, &p);
		if (!ret)
			ret = step(e, p, addr, nr, c / SIM_PAGE, arg, &code);
		*result = code;
		/* The page's EPCM state may have changed even if it failed. */
		sim__prot_sync(e, addr, addr + SIM_PAGE);
		pthread_mutex_unlock(&e->lock);
		if (ret)
			break;
	}
	*count = c;
	return ret;
}

long sim__ioc_restrict(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_restrict_permissions p;
	uint64_t uarg = (uintptr_t)arg;
	long ret;

	ret = sgx2_ready(e);
	if (ret)
		return ret;
	if (sim__copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (sim__validate_offset_length(e, p.offset, p.length))
		return -EINVAL;
	if (p.permissions & ~(uint64_t)SIM_PERMS)
		return -EINVAL;
	if ((p.permissions & SIM_W) && !(p.permissions & SIM_R))
		return -EINVAL;
	if (p.result || p.count)
		return -EINVAL;
	ret = page_loop(e, SGX2_SIM_IOCTL_RESTRICT, p.offset, p.length,
			p.permissions, &p.result, &p.count, restrict_step);
	if (sim__copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return ret;
}

long sim__ioc_modify(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_modify_types p;
	uint64_t uarg = (uintptr_t)arg;
	long ret;

	ret = sgx2_ready(e);
	if (ret)
		return ret;
	if (sim__copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (sim__validate_offset_length(e, p.offset, p.length))
		return -EINVAL;
	if (p.page_type & ~(uint64_t)0xff)
		return -EINVAL;
	if (p.result || p.count)
		return -EINVAL;
	/* The inner function: refused before any page, but written back. */
	if (p.page_type != SIM_PT_TCS && p.page_type != SIM_PT_TRIM)
		ret = -EINVAL;
	else
		ret = page_loop(e, SGX2_SIM_IOCTL_MODIFY, p.offset, p.length,
				p.page_type, &p.result, &p.count, modify_step);
	if (sim__copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return ret;
}

long sim__ioc_remove(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_remove_pages p;
	uint64_t uarg = (uintptr_t)arg;
	__u64 unused = 0;
	long ret;

	ret = sgx2_ready(e);
	if (ret)
		return ret;
	if (sim__copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (sim__validate_offset_length(e, p.offset, p.length))
		return -EINVAL;
	if (p.count)
		return -EINVAL;
	ret = page_loop(e, SGX2_SIM_IOCTL_REMOVE, p.offset, p.length, 0,
			&unused, &p.count, remove_step);
	if (sim__copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return ret;
}
