// SPDX-License-Identifier: MIT
/*
 * Inside the enclave: what code running in it would do, one entry per
 * call, with the outcome reported as the vDSO reports it.
 *
 * Every access goes the way of the hardware and the kernel's fault
 * handler: the mapping (VMA) must allow the access, else #PF without the
 * SGX bit (P set when a PTE is present); an unbacked address in an
 * accessible mapping is added by the kernel (EAUG: REG, RW, PENDING,
 * vm_max_prot_bits RWX) and the instruction runs again; a page whose PTE
 * is not present is mapped only if the VMA's PROT is within its
 * vm_max_prot_bits (else SIGBUS, reported as #PF); then the EPCM decides,
 * and its refusals are #PF with the SGX bit (0x8005 read, 0x8007 write).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* SECINFO bits that must be 0 (everything but R/W/X, state and type). */
#define SECINFO_RESERVED (~(uint64_t)0xff3f)

static int report(struct sgx2_sim_run *run, uint16_t vector, uint16_t ec,
		  uint64_t addr)
{
	run->exception_vector = vector;
	run->exception_error_code = ec;
	run->exception_addr = addr;
	return 1;
}

static int gp(struct sgx2_sim_run *run, uint64_t addr)
{
	return report(run, SIM_VEC_GP, 0, addr);
}

/* The SGX-bit #PF: the EPCM refused an access that the PTE allowed. */
static int epcm_fault(struct sgx2_sim_run *run, uint64_t addr, int write)
{
	return report(run, SIM_VEC_PF,
		      SIM_PF_SGX | SIM_PF_P | SIM_PF_U | (write ? SIM_PF_W : 0),
		      addr);
}

static int can_eaug(const struct sim_encl *e)
{
	return e->cfg.sgx2 && e->cfg.kernel != SGX2_SIM_KERNEL_5_X &&
	       e->initialized;
}

/* sgx_encl_eaug_page(): a fresh PENDING page at @addr. */
static struct sim_page *eaug(struct sim_encl *e, uint64_t addr)
{
	struct sim_page *p = sim__page_alloc(e, addr);

	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
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

/*
 * How an access reached its page: the page, or how the kernel's fault
 * handling ended, which the vDSO reports as a #PF with the access's error
 * code (fixup_vdso_exception() in both the SIGSEGV and SIGBUS paths).
 */
enum sim_reach {
	SIM_REACH_PAGE,	       /* the page; the access goes on */
	SIM_REACH_SEGV,	       /* no mapping allows it: SIGSEGV */
	SIM_REACH_SIGBUS,      /* the fault handler gives up: SIGBUS */
	SIM_REACH_EAUG_SIGBUS, /* EAUG could not allocate (6.6+): SIGBUS */
};

/*
 * sgx_vma_fault() on an address without a page: EAUG, or SIGBUS where it
 * cannot add one. An injected allocation failure is a SIGBUS from 6.6;
 * before, VM_FAULT_OOM, whose pagefault_out_of_memory() just returns, so
 * the access faults again: the thread spins in the fault handler until
 * the allocation succeeds, here until the rule is spent.
 */
static enum sim_reach eaug_fault(struct sim_encl *e, uint64_t addr,
				 struct sim_page **out)
{
	if (!can_eaug(e))
		return SIM_REACH_SIGBUS;
	while (sim__rule_eaug(e, addr - e->base)) {
		e->stats.faults_fired++;
		if (sim__kernel(&e->cfg) >= SGX2_SIM_KERNEL_6_6)
			return SIM_REACH_EAUG_SIGBUS;
	}
	*out = eaug(e, addr);
	return *out ? SIM_REACH_PAGE : SIM_REACH_SIGBUS;
}

/*
 * Reach the page at @addr through the page tables, as a read or a write:
 * SIM_REACH_PAGE with *out set, or another outcome with the #PF in @run.
 */
static enum sim_reach translate(struct sim_encl *e, uint64_t addr, int write,
				struct sim_page **out, struct sgx2_sim_run *run)
{
	const struct sim_vma *v = sim__vma_find(e, addr);
	struct sim_page *p = sim__page(e, addr);
	uint16_t ec = SIM_PF_U | (write ? SIM_PF_W : 0);
	int present = p && p->present;
	enum sim_reach r = SIM_REACH_PAGE;

	if (present && p->pte && v && v->prot != PROT_NONE)
		ec |= SIM_PF_P;
	if (!v || !(write ? (v->prot & PROT_WRITE) : (v->prot & PROT_RWX)))
		r = SIM_REACH_SEGV;
	else if (!present)
		r = eaug_fault(e, addr, &p);
	else if (!p->pte && (v->prot & PROT_RWX & ~p->max_prot))
		r = SIM_REACH_SIGBUS; /* VMA flags beyond vm_max_prot_bits */
	if (r != SIM_REACH_PAGE) {
		report(run, SIM_VEC_PF, ec, addr);
		return r;
	}
	p->pte = 1;
	*out = p;
	return SIM_REACH_PAGE;
}

static int data_access(struct sim_encl *e, uint64_t addr, int write,
		       uint64_t *value, struct sgx2_sim_run *run)
{
	uint64_t page = addr & ~(SIM_PAGE - 1);
	struct sim_page *p;

	if (translate(e, page, write, &p, run)) {
		run->exception_addr = addr;
		return 1;
	}
	if (p->epcm_type != SIM_PT_REG ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)) ||
	    !(p->epcm_perms & (write ? SIM_W : SIM_R)))
		return epcm_fault(run, addr, write);
	if (write)
		memcpy(e->data + (addr - e->base), value, sizeof(*value));
	else
		memcpy(value, e->data + (addr - e->base), sizeof(*value));
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
 * In the SDM's order: SECINFO's reserved bits and a misaligned target
 * (#GP); the target reached as a read (#PF, so an unbacked address is
 * added first); the request's combination (#GP); then the comparison with
 * the EPCM (19), which covers PT, R/W/X, PENDING and MODIFIED but not PR;
 * then tracking (11). Success clears PENDING, MODIFIED and PR.
 */
static int eaccept_page(struct sim_encl *e, uint64_t addr, uint64_t secinfo,
			struct sgx2_sim_run *run)
{
	struct sim_page *p;

	if (!e->cfg.sgx2)
		return gp(run, addr); /* no such ENCLU leaf on SGX1 */
	if ((secinfo & SECINFO_RESERVED) || (addr & (SIM_PAGE - 1)))
		return gp(run, addr);
	if (translate(e, addr, 0, &p, run))
		return 1;
	if (eaccept_malformed(secinfo))
		return gp(run, addr);
	if (p->epcm_type != ((secinfo >> 8) & 0xff) ||
	    p->epcm_perms != (secinfo & SIM_PERMS) ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)) !=
		    (secinfo & (SIM_PENDING | SIM_MODIFIED))) {
		run->ret = SIM_PAGE_ATTRIBUTES_MISMATCH;
		e->stats.eaccept_failed++;
		return 0;
	}
	if (sim__rule_not_tracked(e, addr - e->base)) {
		e->stats.faults_fired++;
		e->stats.eaccept_failed++;
		run->ret = SIM_NOT_TRACKED;
		return 0;
	}
	p->epcm_state = 0;
	run->ret = 0;
	e->stats.eaccept_pages++;
	return 0;
}

/*
 * In the SDM's order: a misaligned target (#GP); the target reached as a
 * read (#PF); SECINFO's reserved bits (#GP: PENDING, MODIFIED, PR and the
 * type are not reserved, EMODPE ignores them); a page that is not REG, or
 * is PENDING or MODIFIED (#PF with the SGX bit; PR is allowed); W without
 * R while the page has no R either (#GP). It ORs R/W/X into the EPCM only.
 */
static int emodpe(struct sim_encl *e, uint64_t addr, uint64_t secinfo,
		  struct sgx2_sim_run *run)
{
	struct sim_page *p;

	if (!e->cfg.sgx2 || (addr & (SIM_PAGE - 1)))
		return gp(run, addr);
	if (translate(e, addr, 0, &p, run))
		return 1;
	if (secinfo & SECINFO_RESERVED)
		return gp(run, addr);
	if (p->epcm_type != SIM_PT_REG ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)))
		return epcm_fault(run, addr, 0);
	if (!((p->epcm_perms | secinfo) & SIM_R) && (secinfo & SIM_W))
		return gp(run, addr);
	p->epcm_perms |= (uint8_t)(secinfo & SIM_PERMS);
	p->last_nr = 0; /* the page changed: a later restrict is new work */
	return 0;
}

/* Run @op (from where it got to): 0 when it completed, 1 on exception. */
static int execute(struct sim_encl *e, struct sim_op *op,
		   struct sgx2_sim_run *run)
{
	switch (op->kind) {
	case SIM_OP_NOP:
		return 0;
	case SIM_OP_READ:
		return data_access(e, op->addr, 0, &run->value, run);
	case SIM_OP_WRITE:
		return data_access(e, op->addr, 1, &op->arg, run);
	case SIM_OP_EMODPE:
		return emodpe(e, op->addr, op->arg, run);
	case SIM_OP_EACCEPT:
		while (op->addr < op->end) {
			if (eaccept_page(e, op->addr, op->arg, run))
				return 1;
			if (run->ret)
				return 0;
			op->addr += SIM_PAGE;
			op->done += SIM_PAGE;
		}
		return 0;
	}
	return 0;
}

static struct sim_tcs *tcs_find(struct sim_encl *e, uint64_t addr)
{
	size_t i;

	for (i = 0; i < e->ntcs; i++)
		if (e->tcs[i].addr == addr)
			return &e->tcs[i];
	return NULL;
}

/* The TCS at @addr is no longer interrupted (resumed, changed, removed). */
void sim__tcs_forget(struct sim_encl *e, uint64_t addr)
{
	struct sim_tcs *t = tcs_find(e, addr);

	if (!t)
		return;
	*t = e->tcs[--e->ntcs];
}

void sim__tcs_free(struct sim_encl *e)
{
	free(e->tcs);
	e->tcs = NULL;
	e->ntcs = e->cap_tcs = 0;
}

static int tcs_interrupt(struct sim_encl *e, uint64_t addr,
			 const struct sim_op *op)
{
	struct sim_tcs *t = tcs_find(e, addr);

	if (!t) {
		if (e->ntcs == e->cap_tcs) {
			size_t cap = e->cap_tcs ? e->cap_tcs * 2 : 4;

			t = realloc(e->tcs, cap * sizeof(*t));
			if (!t)
				return -ENOMEM;
			e->tcs = t;
			e->cap_tcs = cap;
		}
		t = &e->tcs[e->ntcs++];
		t->addr = addr;
	}
	t->op = *op;
	return 0;
}

/* EENTER's checks of the enclave and the TCS: 0, or 1 with an exception. */
static int eenter(struct sim_encl *e, struct sgx2_sim_run *run)
{
	struct sim_page *p;

	if (!e->initialized || (run->tcs && tcs_find(e, run->tcs)))
		return gp(run, run->tcs); /* not initialised; CSSA == NSSA */
	if (!run->tcs)
		return 0;
	if (translate(e, run->tcs, 0, &p, run))
		return 1;
	if (p->epcm_type != SIM_PT_TCS ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)))
		return epcm_fault(run, run->tcs, 0);
	return 0;
}

static int in_range(const struct sim_encl *e, uint64_t addr, uint64_t len)
{
	return addr - e->base < e->size && len <= e->size - (addr - e->base);
}

static int run_op(int fd, struct sgx2_sim_run *run, struct sim_op *op,
		  int resume)
{
	struct sim_encl *e;
	struct sim_tcs *t;
	uint64_t tcs;
	int err, exc;

	if (!run || run->reserved[0] || run->reserved[1])
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	tcs = run->tcs;
	err = -EINVAL;
	if (!e->created)
		goto out;
	if (tcs && ((tcs & (SIM_PAGE - 1)) || !in_range(e, tcs, SIM_PAGE)))
		goto out;
	/* The pages touched must be in the enclave; a misaligned EACCEPT
	 * address is the instruction's #GP, checked when it runs. */
	if (op && op->kind != SIM_OP_NOP &&
	    !(op->kind == SIM_OP_EACCEPT
		      ? in_range(e, op->addr & ~(uint64_t)(SIM_PAGE - 1),
				 op->end - op->addr)
		      : in_range(e, op->addr, 1)))
		goto out;
	t = resume ? tcs_find(e, tcs) : NULL;
	if (resume && (!tcs || !t))
		goto out;
	err = 0;

	memset(run, 0, sizeof(*run));
	run->tcs = tcs;
	if (resume) {
		struct sim_op saved = t->op;

		run->function = SGX2_SIM_ERESUME;
		e->stats.enclave_entries++;
		exc = execute(e, &saved, run);
		if (exc)
			t->op = saved;
		else
			sim__tcs_forget(e, tcs);
		op = &saved;
		run->done = saved.done;
	} else {
		run->function = SGX2_SIM_EENTER;
		if (eenter(e, run)) {
			e->stats.exceptions++;
			goto out;
		}
		run->function = SGX2_SIM_ERESUME;
		e->stats.enclave_entries++;
		exc = execute(e, op, run);
		if (exc && tcs && tcs_interrupt(e, tcs, op))
			err = -ENOMEM;
		run->done = op->done;
	}
	if (exc)
		e->stats.exceptions++;
	else
		run->function = SGX2_SIM_EEXIT;
out:
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return err;
}

SIM_EXPORT int sgx2_sim_enter(int fd, struct sgx2_sim_run *run)
{
	struct sim_op op = { .kind = SIM_OP_NOP };

	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_eresume(int fd, struct sgx2_sim_run *run)
{
	return run_op(fd, run, NULL, 1);
}

SIM_EXPORT int sgx2_sim_read(int fd, struct sgx2_sim_run *run, uint64_t addr)
{
	struct sim_op op = { .kind = SIM_OP_READ, .addr = addr };

	if ((addr & (SIM_PAGE - 1)) > SIM_PAGE - sizeof(uint64_t))
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_write(int fd, struct sgx2_sim_run *run, uint64_t addr,
			      uint64_t value)
{
	struct sim_op op = { .kind = SIM_OP_WRITE, .addr = addr, .arg = value };

	if ((addr & (SIM_PAGE - 1)) > SIM_PAGE - sizeof(uint64_t))
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_eaccept(int fd, struct sgx2_sim_run *run, uint64_t addr,
				uint64_t secinfo)
{
	struct sim_op op = { .kind = SIM_OP_EACCEPT,
			     .addr = addr,
			     .end = addr + SIM_PAGE,
			     .arg = secinfo };

	if (addr + SIM_PAGE < addr)
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_eaccept_range(int fd, struct sgx2_sim_run *run,
				      uint64_t addr, uint64_t length,
				      uint64_t secinfo)
{
	struct sim_op op = { .kind = SIM_OP_EACCEPT,
			     .addr = addr,
			     .end = addr + length,
			     .arg = secinfo };

	if (!length || (length & (SIM_PAGE - 1)) || addr + length < addr)
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_emodpe(int fd, struct sgx2_sim_run *run, uint64_t addr,
			       uint64_t secinfo)
{
	struct sim_op op = { .kind = SIM_OP_EMODPE,
			     .addr = addr,
			     .arg = secinfo };

	return run_op(fd, run, &op, 0);
}
