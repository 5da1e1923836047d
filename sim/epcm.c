// SPDX-License-Identifier: MIT
/*
 * The enclave side of the model: how an access from enclave mode reaches
 * a page, what the EPCM lets through, and the ENCLU leaves that change the
 * EPCM (EACCEPT, EACCEPTCOPY, EMODPE). Shared by the enclave-side API calls
 * (enclave-calls.c) and by enclave code running natively (native.c);
 * refusals come back as the exception the CPU would raise.
 *
 * Every access goes the way of the hardware and the kernel's fault
 * handler: the mapping (VMA) must allow the access, else #PF without the
 * SGX bit (P set when a PTE is present); an unbacked address in an
 * accessible mapping is added by the kernel (EAUG: REG, RW, PENDING,
 * vm_max_prot_bits RWX) and the instruction runs again; a page whose PTE
 * is not present is mapped only if the VMA's PROT is within its
 * vm_max_prot_bits (else SIGBUS, reported as #PF); then the EPCM decides,
 * and its refusals are #PF with the SGX bit (0x8005 read, 0x8007 write,
 * 0x8015 fetch). The enclave lock is held throughout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* SECINFO bits that must be 0 (everything but R/W/X, state and type). */
#define SECINFO_RESERVED (~(uint64_t)0xff3f)

int sim__raise(struct sim_exc *x, uint16_t vector, uint16_t ec, uint64_t addr)
{
	x->vector = vector;
	x->error_code = ec;
	x->sigbus = 0;
	x->addr = addr;
	return 1;
}

int sim__gp(struct sim_exc *x)
{
	return sim__raise(x, SIM_VEC_GP, 0, 0);
}

static uint16_t access_bits(enum sim_access acc)
{
	return SIM_PF_U | (acc == SIM_ACC_WRITE ? SIM_PF_W : 0) |
	       (acc == SIM_ACC_EXEC ? SIM_PF_I : 0);
}

/* The SGX-bit #PF: the EPCM refused an access that the PTE allowed. */
int sim__epcm_fault(struct sim_exc *x, uint64_t addr, enum sim_access acc)
{
	return sim__raise(x, SIM_VEC_PF,
			  SIM_PF_SGX | SIM_PF_P | access_bits(acc), addr);
}

static int can_eaug(const struct sim_encl *e)
{
	return e->cfg.sgx2 && sim__kernel(&e->cfg) >= SGX2_SIM_KERNEL_6_0 &&
	       e->initialized;
}

/* A PTE without a page: what the REMOVE_PAGES race leaves (inject.c). */
int sim__stale_pte(const struct sim_page *p)
{
	return p && !p->present && p->pte;
}

/* sgx_encl_eaug_page(): a fresh PENDING page at @addr. */
static struct sim_page *eaug(struct sim_encl *e, uint64_t addr)
{
	struct sim_page *p = sim__page_alloc(e, addr);

	if (!p)
		return NULL;
	if (sim__epc_charge(e))
		return NULL;
	memset(p, 0, sizeof(*p)); /* host_prot 0: an absent page had none */
	p->present = 1;
	p->ktype = SIM_PT_REG;
	p->max_prot = PROT_RWX;
	p->epcm_type = SIM_PT_REG;
	p->epcm_perms = SIM_R | SIM_W;
	p->epcm_state = SIM_PENDING;
	p->pte = 1;
	memset(e->data + (addr - e->base), 0, SIM_PAGE);
	e->stats.eaug_pages++;
	return p;
}

static int vma_allows(const struct sim_vma *v, enum sim_access acc)
{
	switch (acc) {
	case SIM_ACC_WRITE:
		return v && (v->prot & PROT_WRITE);
	case SIM_ACC_EXEC:
		return v && (v->prot & PROT_EXEC);
	default:
		/* Any PROT but NONE lets a read through on x86. */
		return v && (v->prot & PROT_RWX);
	}
}

/*
 * sgx_vma_fault() on an address without a page: EAUG, or SIGBUS where it
 * cannot add one, on every release from 6.0: no EPC page and nothing to
 * reclaim (sim__epc_charge), an injected failure (the same -ENOMEM, or
 * ENCLS[EAUG] failing: each leaves sgx_encl_eaug_page() with its default
 * VM_FAULT_SIGBUS), or losing the race with another thread's EAUG of the
 * same address (the kernel's xa_insert() finds the winner's page, which
 * is then there). For an access the kernel makes on the process's behalf
 * (@kernel: a system call's copy) the uaccess fixup turns the SIGBUS into
 * a short copy, never a signal.
 *
 * Not modelled: the page's metadata allocation failing. That is
 * VM_FAULT_OOM in 6.1.192, 6.12.117 and a 6.17-rc tree alike, whose
 * pagefault_out_of_memory() only returns, so the access faults again
 * until the allocation succeeds: a delay, nothing the caller can see.
 */
static enum sim_reach eaug_fault(struct sim_encl *e, uint64_t addr,
				 struct sim_page **out)
{
	uint64_t page = addr & ~(SIM_PAGE - 1);

	if (!can_eaug(e))
		return SIM_REACH_SIGBUS;
	if (sim__rule_eaug_race(e, page - e->base)) {
		e->stats.faults_fired++;
		eaug(e, page); /* the winner's */
		return SIM_REACH_SIGBUS;
	}
	if (sim__rule_eaug(e, page - e->base)) {
		e->stats.faults_fired++;
		return SIM_REACH_SIGBUS;
	}
	*out = eaug(e, page);
	return *out ? SIM_REACH_PAGE : SIM_REACH_SIGBUS;
}

enum sim_reach sim__translate(struct sim_encl *e, uint64_t addr,
			      enum sim_access acc, struct sim_page **out,
			      struct sim_exc *x)
{
	const struct sim_vma *v = sim__vma_find(e, addr);
	struct sim_page *p = sim__page(e, addr);
	uint16_t ec = access_bits(acc);
	int present = p && p->present;
	enum sim_reach r = SIM_REACH_PAGE;

	if ((present || sim__stale_pte(p)) && p->pte && v &&
	    v->prot != PROT_NONE)
		ec |= SIM_PF_P;
	if (!vma_allows(v, acc)) {
		r = SIM_REACH_SEGV;
	} else if (sim__stale_pte(p)) {
		/* The PTE maps a page the EPCM does not give this enclave:
		 * an SGX-bit #PF, which the fault handler never sees. */
		sim__epcm_fault(x, addr, acc);
		return SIM_REACH_SEGV;
	} else if (!present) {
		r = eaug_fault(e, addr, &p);
	} else if (!p->pte && (v->prot & PROT_RWX & ~p->max_prot)) {
		r = SIM_REACH_SIGBUS; /* VMA flags beyond vm_max_prot_bits */
	}
	if (r != SIM_REACH_PAGE) {
		sim__raise(x, SIM_VEC_PF, ec, addr);
		x->sigbus = r != SIM_REACH_SEGV;
		return r;
	}
	p->pte = 1;
	*out = p;
	return SIM_REACH_PAGE;
}

/*
 * A write the kernel makes to @addr on the process's behalf (a system
 * call copying into the range): 0 when the copy goes on, the page there
 * or added now (an EPC page from outside the enclave: the write is
 * dropped, nothing of the page changes); -EFAULT where the kernel's
 * uaccess fixup ends the copy instead of a signal: the mapping does not
 * allow writes (access_error, no EAUG), no page can be added, or the VMA's
 * PROT is beyond the page's vm_max_prot_bits. An address left with a PTE
 * and no page (the REMOVE_PAGES race) does not fault at all: the abort
 * page takes the write. The enclave lock is held.
 */
int sim__kernel_write(struct sim_encl *e, uint64_t addr)
{
	const struct sim_vma *v = sim__vma_find(e, addr);
	struct sim_page *p = sim__page(e, addr);

	if (!vma_allows(v, SIM_ACC_WRITE))
		return -EFAULT;
	if (sim__stale_pte(p))
		return 0;
	if (!p || !p->present) {
		if (eaug_fault(e, addr, &p) != SIM_REACH_PAGE)
			return -EFAULT;
	} else if (!p->pte && (v->prot & PROT_RWX & ~p->max_prot)) {
		return -EFAULT;
	}
	p->pte = 1;
	return 0;
}

int sim__epcm_allows(const struct sim_page *p, enum sim_access acc)
{
	static const uint8_t need[] = { [SIM_ACC_READ] = SIM_R,
					[SIM_ACC_WRITE] = SIM_W,
					[SIM_ACC_EXEC] = SIM_X };

	return p->present && p->epcm_type == SIM_PT_REG &&
	       !(p->epcm_state & (SIM_PENDING | SIM_MODIFIED)) &&
	       (p->epcm_perms & need[acc]);
}

unsigned int sim__epcm_prot(const struct sim_page *p)
{
	if (!p->present || p->epcm_type != SIM_PT_REG ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)))
		return PROT_NONE;
	return sim__prot_of_perms(p->epcm_perms);
}

int sim__access(struct sim_encl *e, uint64_t addr, enum sim_access acc,
		struct sim_page **out, struct sim_exc *x)
{
	struct sim_page *p;

	if (sim__translate(e, addr, acc, &p, x))
		return 1;
	if (!sim__epcm_allows(p, acc))
		return sim__epcm_fault(x, addr, acc);
	*out = p;
	return 0;
}

/*
 * The PT/PR/PENDING/MODIFIED combinations EACCEPT takes as a request
 * (SDM); any other is #GP. REG needs PR (a restriction) or PENDING (an
 * addition) and not MODIFIED; TCS and TRIM need MODIFIED alone.
 */
static int eaccept_malformed(uint64_t s)
{
	uint64_t type = (s >> 8) & 0xff, state = s & SIM_STATE;

	if (type == SIM_PT_REG)
		return !(state & (SIM_PR | SIM_PENDING)) ||
		       (state & SIM_MODIFIED);
	if (type == SIM_PT_TCS || type == SIM_PT_TRIM)
		return state != SIM_MODIFIED;
	return 1;
}

/*
 * EACCEPT's checks of a page that becomes a TCS (SDM EACCEPT): its
 * contents must be a TCS no thread ever ran on: reserved bytes zero, no
 * DBGOPTIN, CSSA below NSSA, no AEP, STATE inactive. A zero-filled page
 * fails (NSSA 0).
 */
static int tcs_valid(const struct sim_encl *e, uint64_t addr)
{
	const unsigned char *t = e->data + (addr - e->base);
	unsigned int i;

	for (i = SIM_TCS_RESERVED; i < SIM_PAGE; i++)
		if (t[i])
			return 0;
	return !(sim__rd64(e, addr + SIM_TCS_FLAGS) & 1) &&
	       sim__rd32(e, addr + SIM_TCS_CSSA) <
		       sim__rd32(e, addr + SIM_TCS_NSSA) &&
	       !sim__rd64(e, addr + SIM_TCS_AEP) &&
	       !sim__rd64(e, addr + SIM_TCS_STATE);
}

/*
 * In the SDM's order: SECINFO's reserved bits and a misaligned target
 * (#GP); the target reached as a read (#PF, so an unbacked address is
 * added first); the request's combination (#GP); then the comparison with
 * the EPCM (19), which covers PT, R/W/X, PENDING and MODIFIED but not PR;
 * then tracking (11); then a TCS's contents (#GP). Success clears
 * PENDING, MODIFIED and PR.
 */
int sim__eaccept(struct sim_encl *e, uint64_t addr, uint64_t secinfo,
		 uint64_t *code, struct sim_exc *x)
{
	struct sim_page *p;

	if (!e->cfg.sgx2)
		return sim__gp(x); /* no such ENCLU leaf on SGX1 */
	if ((secinfo & SECINFO_RESERVED) || (addr & (SIM_PAGE - 1)))
		return sim__gp(x);
	if (sim__translate(e, addr, SIM_ACC_READ, &p, x))
		return 1;
	if (eaccept_malformed(secinfo))
		return sim__gp(x);
	if (p->epcm_type != ((secinfo >> 8) & 0xff) ||
	    p->epcm_perms != (secinfo & SIM_PERMS) ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)) !=
		    (secinfo & (SIM_PENDING | SIM_MODIFIED))) {
		*code = SIM_PAGE_ATTRIBUTES_MISMATCH;
		e->stats.eaccept_failed++;
		return 0;
	}
	if (sim__rule_not_tracked(e, addr - e->base)) {
		e->stats.faults_fired++;
		e->stats.eaccept_failed++;
		*code = SIM_NOT_TRACKED;
		return 0;
	}
	if (p->epcm_type == SIM_PT_TCS && !tcs_valid(e, addr))
		return sim__gp(x);
	p->epcm_state = 0;
	*code = 0;
	e->stats.eaccept_pages++;
	sim__prot_sync(e, addr, addr + SIM_PAGE);
	return 0;
}

/*
 * In the SDM's order: a misaligned target (#GP); the target reached as a
 * read (#PF); SECINFO's reserved bits (#GP: PENDING, MODIFIED, PR and the
 * type are not reserved, EMODPE ignores them); a page that is not REG, or
 * is PENDING or MODIFIED (#PF with the SGX bit; PR is allowed); W without
 * R while the page has no R either (#GP). It ORs R/W/X into the EPCM only.
 */
int sim__emodpe(struct sim_encl *e, uint64_t addr, uint64_t secinfo,
		struct sim_exc *x)
{
	struct sim_page *p;

	if (!e->cfg.sgx2 || (addr & (SIM_PAGE - 1)))
		return sim__gp(x);
	if (sim__translate(e, addr, SIM_ACC_READ, &p, x))
		return 1;
	if (secinfo & SECINFO_RESERVED)
		return sim__gp(x);
	if (p->epcm_type != SIM_PT_REG ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)))
		return sim__epcm_fault(x, addr, SIM_ACC_READ);
	if (!((p->epcm_perms | secinfo) & SIM_R) && (secinfo & SIM_W))
		return sim__gp(x);
	p->epcm_perms |= (uint8_t)(secinfo & SIM_PERMS);
	p->last_nr = 0; /* the page changed: a later restrict is new work */
	sim__prot_sync(e, addr, addr + SIM_PAGE);
	return 0;
}

/*
 * EACCEPTCOPY: accept a PENDING page (as EAUG made it: REG, RW) by filling
 * it with the contents of another page and giving it SECINFO's
 * permissions.
 */
int sim__eacceptcopy(struct sim_encl *e, uint64_t dst, uint64_t src,
		     uint64_t secinfo, uint64_t *code, struct sim_exc *x)
{
	struct sim_page *d, *s;

	if (!e->cfg.sgx2)
		return sim__gp(x);
	if (((dst | src) & (SIM_PAGE - 1)) || (secinfo & SECINFO_RESERVED) ||
	    ((secinfo & SIM_W) && !(secinfo & SIM_R)) ||
	    ((secinfo >> 8) & 0xff) != SIM_PT_REG)
		return sim__gp(x);
	if (sim__translate(e, dst, SIM_ACC_READ, &d, x) ||
	    sim__access(e, src, SIM_ACC_READ, &s, x))
		return 1;
	if (d->epcm_type != SIM_PT_REG || d->epcm_state != SIM_PENDING ||
	    d->epcm_perms != (SIM_R | SIM_W)) {
		*code = SIM_PAGE_ATTRIBUTES_MISMATCH;
		e->stats.eaccept_failed++;
		return 0;
	}
	memcpy(e->data + (dst - e->base), e->data + (src - e->base), SIM_PAGE);
	d->epcm_perms = (uint8_t)(secinfo & SIM_PERMS);
	d->epcm_state = 0;
	*code = 0;
	e->stats.eaccept_pages++;
	sim__prot_sync(e, dst, dst + SIM_PAGE);
	return 0;
}
