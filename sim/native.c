// SPDX-License-Identifier: MIT
/*
 * Enclave code, run natively. The enclave's pages are the host memory at
 * its addresses (the memfd mapped there), so its instructions execute on
 * the CPU as they are; what the CPU cannot do without SGX comes here as a
 * signal (signal.c takes them all, with the host's FS/GS bases back):
 *
 *  - ENCLU (0F 01 D7) is an invalid opcode without SGX: SIGILL at the
 *    instruction, RAX/RBX/RCX/RDX intact. The leaf is executed on the model
 *    and the result written into the signal's ucontext, which the return
 *    from the handler loads: EENTER and ERESUME outside enclave mode; EEXIT,
 *    EACCEPT, EACCEPTCOPY and EMODPE inside.
 *  - An access the EPCM refuses faults, because each page's host
 *    protection is its mapping's and the EPCM's (protect.c): the model
 *    decides what hardware and the kernel's fault handler would have done
 *    (an EAUG and a retry, or an exception).
 *  - Any exception or signal inside enclave mode is an asynchronous exit:
 *    the state goes into the SSA frame, CSSA is incremented, the synthetic
 *    state is loaded at the AEP, and the exception is reported as the
 *    kernel reports it: through the vDSO stand-in's fixup when the AEP is
 *    its own (vdso.c), as a signal otherwise; a signal (an interrupt) then
 *    runs the application's handler, which returns to the AEP, whose
 *    ENCLU[ERESUME] resumes the enclave.
 *
 * Safe to do from a signal handler only because every signal handled
 * here is synchronous to code the simulator does not run: the thread is
 * executing an ENCLU or enclave code, never inside the simulator.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "internal.h"

#define G(uc, r) ((uc)->uc_mcontext.gregs[REG_##r])
#define ENCLU_LEN 3

/* How many times one fault may come back before it is reported anyway. */
#define FAULT_REPEATS 3

static int canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* An ENCLU at RIP: the instruction, or the vDSO stand-in's UD2 for it. */
int sim__is_enclu(const ucontext_t *uc)
{
	static const unsigned char enclu[ENCLU_LEN] = { 0x0f, 0x01, 0xd7 };

	return sim__vdso_is_enclu(uc) ||
	       !memcmp((const void *)(uintptr_t)G(uc, RIP), enclu, ENCLU_LEN);
}

/* @addr lies in a simulated enclave. */
static int in_some_enclave(uint64_t addr)
{
	struct sim_encl *e = sim__encl_at(addr);

	if (e)
		sim__put(e);
	return e != NULL;
}

/*
 * How an ENCLU the simulator executes reaches it: #UD (SIGILL) on a CPU
 * without SGX. Where the CPU has SGX enabled, it runs ENCLU itself, and
 * outside real enclave mode a leaf of enclave mode is #GP(0) (SDM,
 * ENCLU), a SIGSEGV from the kernel; EENTER or ERESUME of a TCS in no EPC
 * page is a #PF with the SGX bit, also a SIGSEGV. (The vDSO stand-in's own
 * ENCLU is a UD2 on every CPU.)
 */
static int enclu_trap(int sig, const ucontext_t *uc)
{
	if (sig == SIGILL)
		return sim__is_enclu(uc);
	return sig == SIGSEGV &&
	       (G(uc, TRAPNO) == SIM_VEC_GP || G(uc, TRAPNO) == SIM_VEC_PF) &&
	       sim__is_enclu(uc);
}

/* A thread runs natively through the TCS at @tcs (enclave lock held). */
int sim__tcs_busy(struct sim_encl *e, uint64_t tcs)
{
	const struct sim_page *p = sim__page(e, tcs);

	return p && p->present && p->epcm_type == SIM_PT_TCS &&
	       sim__rd64(e, tcs + SIM_TCS_STATE) == SIM_TCS_ACTIVE;
}

static void count_enclu(struct sim_encl *e, uint64_t leaf)
{
	if (leaf < sizeof(e->stats.enclu) / sizeof(e->stats.enclu[0]))
		e->stats.enclu[leaf]++;
}

/* The checks EENTER and ERESUME share (SDM order): 0, or 1 with *x. */
static int tcs_check(struct sim_encl *e, uint64_t tcs, uint64_t aep,
		     struct sim_exc *x)
{
	uint64_t ofs, ogs;
	struct sim_page *p;

	if (tcs & (SIM_PAGE - 1))
		return sim__gp(x);
	if (!canonical(aep))
		return sim__gp(x);
	/* The CPU reaches the TCS through the page tables. */
	if (sim__translate(e, tcs, SIM_ACC_READ, &p, x))
		return 1;
	if (p->epcm_type != SIM_PT_TCS ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)))
		return sim__epcm_fault(x, tcs, SIM_ACC_READ);
	ofs = sim__rd64(e, tcs + SIM_TCS_OFSBASE);
	ogs = sim__rd64(e, tcs + SIM_TCS_OGSBASE);
	if ((sim__rd64(e, tcs + SIM_TCS_OSSA) | ofs | ogs) & (SIM_PAGE - 1))
		return sim__gp(x);
	if (!canonical(e->base + ofs) || !canonical(e->base + ogs))
		return sim__gp(x);
	/* Only DBGOPTIN is defined (AEX-Notify is not modelled). */
	if (sim__rd64(e, tcs + SIM_TCS_FLAGS) & ~1ull)
		return sim__gp(x);
	if (!e->initialized)
		return sim__gp(x);
	return 0;
}

static int do_eenter(struct sim_encl *e, struct sim_thread *t, ucontext_t *uc,
		     struct sim_exc *x)
{
	uint64_t tcs = (uint64_t)G(uc, RBX), aep = (uint64_t)G(uc, RCX);
	uint64_t frame, entry;
	uint32_t cssa;

	if (tcs_check(e, tcs, aep, x))
		return 1;
	cssa = sim__rd32(e, tcs + SIM_TCS_CSSA);
	if (cssa >= sim__rd32(e, tcs + SIM_TCS_NSSA))
		return sim__gp(x);
	frame = sim__ssa_frame(e, tcs, cssa);
	if (sim__ssa_check(e, frame, x))
		return 1;
	entry = e->base + sim__rd64(e, tcs + SIM_TCS_OENTRY);
	if (!canonical(entry))
		return sim__gp(x);
	if (sim__rd64(e, tcs + SIM_TCS_STATE) == SIM_TCS_ACTIVE)
		return sim__gp(x); /* another thread is inside */

	sim__ssa_enter(e, frame, uc); /* URSP, URBP */
	sim__wr64(e, tcs + SIM_TCS_AEP, aep);
	sim__wr64(e, tcs + SIM_TCS_STATE, SIM_TCS_ACTIVE);
	t->encl.fs = e->base + sim__rd64(e, tcs + SIM_TCS_OFSBASE);
	t->encl.gs = e->base + sim__rd64(e, tcs + SIM_TCS_OGSBASE);
	G(uc, RCX) = (greg_t)((uint64_t)G(uc, RIP) + ENCLU_LEN);
	G(uc, RAX) = (greg_t)cssa;
	G(uc, RIP) = (greg_t)entry;
	return 0;
}

static int do_eresume(struct sim_encl *e, struct sim_thread *t, ucontext_t *uc,
		      struct sim_exc *x)
{
	uint64_t tcs = (uint64_t)G(uc, RBX), aep = (uint64_t)G(uc, RCX);
	uint64_t frame;
	uint32_t cssa;

	if (tcs_check(e, tcs, aep, x))
		return 1;
	cssa = sim__rd32(e, tcs + SIM_TCS_CSSA);
	if (!cssa)
		return sim__gp(x); /* nothing to resume */
	frame = sim__ssa_frame(e, tcs, cssa - 1);
	if (sim__ssa_check(e, frame, x))
		return 1;
	sim__ssa_bases(e, frame, &t->encl);
	if (!canonical(sim__ssa_rip(e, frame)) || !canonical(t->encl.fs) ||
	    !canonical(t->encl.gs))
		return sim__gp(x);
	if (sim__rd64(e, tcs + SIM_TCS_STATE) == SIM_TCS_ACTIVE ||
	    !sim__ssa_xsave_ok(e, frame))
		return sim__gp(x);

	sim__ssa_resume(e, frame, uc);
	sim__wr64(e, tcs + SIM_TCS_AEP, aep);
	sim__wr64(e, tcs + SIM_TCS_STATE, SIM_TCS_ACTIVE);
	sim__wr32(e, tcs + SIM_TCS_CSSA, cssa - 1);
	return 0;
}

/* ENCLU outside enclave mode: EENTER or ERESUME, everything else #GP. */
static const struct sim_bases *enclu_outside(ucontext_t *uc,
					     const struct sim_bases *cur)
{
	uint64_t leaf = (uint32_t)G(uc, RAX), tcs = (uint64_t)G(uc, RBX);
	struct sim_thread *t = NULL;
	struct sim_encl *e = NULL;
	struct sim_exc x;
	int err;

	if (leaf != SIM_EENTER && leaf != SIM_ERESUME) {
		sim__gp(&x);
		goto fault;
	}
	e = sim__encl_at(tcs);
	if (!e && sim__vdso_is_enclu(uc)) {
		/* The stand-in, asked to enter a real enclave: the CPU's. */
		sim__vdso_to_hardware(uc);
		return NULL;
	}
	if (!e) {
		/* No EPC page there: #PF(RBX). */
		sim__raise(&x, SIM_VEC_PF, SIM_PF_U, tcs);
		goto fault;
	}
	t = sim__thread_claim();
	if (!t || sim__altstack_ensure()) {
		sim__gp(&x); /* the simulator is out of thread slots */
		goto fault;
	}
	pthread_mutex_lock(&e->lock);
	count_enclu(e, leaf);
	err = leaf == SIM_EENTER ? do_eenter(e, t, uc, &x)
				 : do_eresume(e, t, uc, &x);
	if (err)
		e->stats.exceptions++;
	else
		e->stats.enclave_entries++;
	pthread_mutex_unlock(&e->lock);
	if (err)
		goto fault;
	t->host = *cur;
	t->e = e;
	t->tcs = tcs;
	t->fault_repeats = 0;
	sim__thread_enter(t);
	return &t->encl;
fault:
	if (t)
		sim__thread_leave(t);
	if (e)
		sim__put(e);
	sim__deliver(uc, &x);
	return NULL;
}

/*
 * AEX: the thread leaves enclave mode with the state in the SSA frame and
 * the synthetic state loaded. @x is the exception, NULL for an interrupt;
 * a #PF's address goes whole into EXINFO, then AEX clears its page offset
 * (CR2), so that @x says what the kernel will report.
 */
static void aex(struct sim_thread *t, ucontext_t *uc, struct sim_exc *x)
{
	struct sim_encl *e = t->e;
	uint64_t tcs = t->tcs, frame, aep;
	uint32_t cssa;

	pthread_mutex_lock(&e->lock);
	cssa = sim__rd32(e, tcs + SIM_TCS_CSSA);
	frame = sim__ssa_frame(e, tcs, cssa);
	aep = sim__rd64(e, tcs + SIM_TCS_AEP);
	sim__ssa_aex(e, frame, uc, &t->encl, x, tcs, aep);
	sim__wr32(e, tcs + SIM_TCS_CSSA, cssa + 1);
	sim__wr64(e, tcs + SIM_TCS_STATE, 0);
	if (x && x->vector == SIM_VEC_PF)
		x->addr &= ~(SIM_PAGE - 1);
	if (x) {
		e->stats.aex[x->vector % 32]++;
		e->stats.exceptions++;
	} else {
		e->stats.aex_interrupts++;
	}
	pthread_mutex_unlock(&e->lock);
	sim__thread_leave(t);
	t->e = NULL;
	sim__put(e);
}

static const struct sim_bases *eexit(struct sim_thread *t, ucontext_t *uc)
{
	struct sim_encl *e = t->e;
	uint64_t target = (uint64_t)G(uc, RBX);
	struct sim_exc x;

	if (!canonical(target)) {
		sim__gp(&x);
		aex(t, uc, &x);
		sim__deliver(uc, &x);
		return NULL;
	}
	pthread_mutex_lock(&e->lock);
	G(uc, RCX) = (greg_t)sim__rd64(e, t->tcs + SIM_TCS_AEP);
	sim__wr64(e, t->tcs + SIM_TCS_STATE, 0);
	pthread_mutex_unlock(&e->lock);
	G(uc, RIP) = (greg_t)target; /* RAX stays EEXIT, RSP and RBP as set */
	sim__thread_leave(t);
	t->e = NULL;
	sim__put(e);
	return NULL; /* the host's bases */
}

/* An operand the enclave names must be inside ELRANGE, else #GP. */
static int in_elrange(const struct sim_encl *e, uint64_t addr)
{
	return addr - e->base < e->size;
}

/* SECINFO at @addr (RBX): 64-byte aligned, readable, reserved bytes 0. */
static int read_secinfo(struct sim_encl *e, uint64_t addr, uint64_t *flags,
			struct sim_exc *x)
{
	unsigned char si[64];
	struct sim_page *p;
	unsigned int i;

	if ((addr & 63) || !in_elrange(e, addr))
		return sim__gp(x);
	if (sim__access(e, addr, SIM_ACC_READ, &p, x))
		return 1;
	memcpy(si, e->data + (addr - e->base), sizeof(si));
	for (i = 8; i < sizeof(si); i++)
		if (si[i])
			return sim__gp(x);
	memcpy(flags, si, sizeof(*flags));
	return 0;
}

/* RAX and the flags of a leaf that returns a code: ZF set on an error. */
static void set_code(ucontext_t *uc, uint64_t code)
{
	G(uc, RAX) = (greg_t)code;
	G(uc, EFL) &= ~(greg_t)0x8d5; /* CF PF AF ZF SF OF */
	if (code)
		G(uc, EFL) |= 0x40;
}

/* EACCEPT, EACCEPTCOPY, EMODPE: 0 when done, 1 with *x. */
static int leaf_inside(struct sim_encl *e, uint64_t leaf, ucontext_t *uc,
		       struct sim_exc *x)
{
	uint64_t rbx = (uint64_t)G(uc, RBX), rcx = (uint64_t)G(uc, RCX);
	uint64_t rdx = (uint64_t)G(uc, RDX), flags = 0, code = 0;

	if (!e->cfg.sgx2)
		return sim__gp(x); /* SGX1: no such leaves */
	if (read_secinfo(e, rbx, &flags, x))
		return 1;
	if (!in_elrange(e, rcx) ||
	    (leaf == SIM_EACCEPTCOPY && !in_elrange(e, rdx)))
		return sim__gp(x);
	switch (leaf) {
	case SIM_EACCEPT:
		if (sim__eaccept(e, rcx, flags, &code, x))
			return 1;
		set_code(uc, code);
		return 0;
	case SIM_EACCEPTCOPY:
		if (sim__eacceptcopy(e, rcx, rdx, flags, &code, x))
			return 1;
		set_code(uc, code);
		return 0;
	default:
		return sim__emodpe(e, rcx, flags, x);
	}
}

/* ENCLU inside enclave mode. */
static const struct sim_bases *enclu_inside(struct sim_thread *t,
					    ucontext_t *uc)
{
	uint64_t leaf = (uint32_t)G(uc, RAX), eaugs;
	struct sim_encl *e = t->e;
	struct sim_exc x;
	int err;

	pthread_mutex_lock(&e->lock);
	count_enclu(e, leaf);
	pthread_mutex_unlock(&e->lock);
	switch (leaf) {
	case SIM_EEXIT:
		return eexit(t, uc);
	case SIM_EACCEPT:
	case SIM_EACCEPTCOPY:
	case SIM_EMODPE:
		pthread_mutex_lock(&e->lock);
		eaugs = e->stats.eaug_pages;
		err = leaf_inside(e, leaf, uc, &x);
		if (e->stats.eaug_pages != eaugs) {
			/* Hardware: the leaf's #PF, an AEX, the kernel's
			 * EAUG, ERESUME at the AEP, the leaf again. */
			e->stats.aex[SIM_VEC_PF]++;
			e->stats.enclave_entries++;
		}
		pthread_mutex_unlock(&e->lock);
		if (!err) {
			G(uc, RIP) += ENCLU_LEN;
			return &t->encl;
		}
		break;
	case SIM_EREPORT:
	case SIM_EGETKEY:
		/* No keys in the model: documented as #UD. */
		sim__raise(&x, SIM_VEC_UD, 0, 0);
		break;
	default:
		sim__gp(&x); /* EENTER, ERESUME inside; unknown leaves */
		break;
	}
	aex(t, uc, &x);
	sim__deliver(uc, &x);
	return NULL;
}

/* The same fault again and again: the host protection cannot follow. */
static int fault_repeats(struct sim_thread *t, const ucontext_t *uc,
			 uint64_t addr)
{
	if (t->fault_rip == (uint64_t)G(uc, RIP) && t->fault_addr == addr)
		return ++t->fault_repeats > FAULT_REPEATS;
	t->fault_rip = (uint64_t)G(uc, RIP);
	t->fault_addr = addr;
	t->fault_repeats = 0;
	return 0;
}

/*
 * A #PF inside enclave mode: 1 with *x to report, or 0 to run the
 * instruction again (the kernel added the page, or the host protection
 * was behind the EPCM).
 */
static int page_fault(struct sim_thread *t, const siginfo_t *si, ucontext_t *uc,
		      struct sim_exc *x)
{
	uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
	uint16_t err = (uint16_t)G(uc, ERR);
	enum sim_access acc = (err & SIM_PF_W)	 ? SIM_ACC_WRITE
			      : (err & SIM_PF_I) ? SIM_ACC_EXEC
						 : SIM_ACC_READ;
	struct sim_encl *e = t->e;
	uint64_t eaugs;
	struct sim_page *p;
	int ret = 1;

	if (!in_elrange(e, addr))
		return sim__raise(x, SIM_VEC_PF, err, addr);
	pthread_mutex_lock(&e->lock);
	eaugs = e->stats.eaug_pages;
	if (sim__translate(e, addr, acc, &p, x)) {
		x->error_code |= err & SIM_PF_P;
		goto out;
	}
	if (e->stats.eaug_pages != eaugs) {
		/* Hardware: an AEX, the kernel's EAUG, ERESUME. */
		e->stats.aex[SIM_VEC_PF]++;
		e->stats.enclave_entries++;
	}
	if (!sim__epcm_allows(p, acc)) {
		sim__epcm_fault(x, addr, acc);
		goto out;
	}
	sim__prot_sync(e, addr & ~(SIM_PAGE - 1),
		       (addr & ~(SIM_PAGE - 1)) + SIM_PAGE);
	if (fault_repeats(t, uc, addr))
		sim__raise(x, SIM_VEC_PF, err, addr);
	else
		ret = 0;
out:
	pthread_mutex_unlock(&e->lock);
	return ret;
}

/* The exception a synchronous signal stands for. */
static void exception_of(int sig, const ucontext_t *uc, struct sim_exc *x)
{
	uint16_t vector = (uint16_t)G(uc, TRAPNO);

	if (sig == SIGILL)
		vector = SIM_VEC_UD;
	sim__raise(x, vector, vector == SIM_VEC_GP ? (uint16_t)G(uc, ERR) : 0,
		   0);
}

static int is_synchronous(int sig, const siginfo_t *si)
{
	return si->si_code > 0 &&
	       (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		sig == SIGFPE || sig == SIGTRAP);
}

static const struct sim_bases *inside(struct sim_thread *t, int sig,
				      siginfo_t *si, ucontext_t *uc)
{
	struct sim_exc x;

	if (enclu_trap(sig, uc))
		return enclu_inside(t, uc);
	if (!is_synchronous(sig, si)) {
		aex(t, uc, NULL); /* an interrupt */
		sim__signal_app(sig, si, uc);
		return NULL;
	}
	if ((sig == SIGSEGV || sig == SIGBUS) && G(uc, TRAPNO) == SIM_VEC_PF) {
		if (!page_fault(t, si, uc, &x))
			return &t->encl;
	} else {
		exception_of(sig, uc, &x);
	}
	aex(t, uc, &x);
	if (sig == SIGTRAP) {
		/* #DB and #BP are never fixed up: the signal, at the AEP. */
		sim__signal_app(sig, si, uc);
		return NULL;
	}
	sim__deliver(uc, &x);
	return NULL;
}

/*
 * A fault of host code at an enclave address: the kernel's fault handler
 * adds a missing page (EAUG) for any access, as hardware's host touch of
 * an EPC page then reads the abort page; here the access faults instead
 * (documented), unless the host protection was only behind. 1: run it
 * again; -1: the fault handler gave up, SIGBUS (an EAUG that could not
 * add the page); 0: the signal as it came.
 */
static int host_fault(const siginfo_t *si, const ucontext_t *uc)
{
	uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
	uint16_t err = (uint16_t)G(uc, ERR);
	enum sim_access acc = (err & SIM_PF_W)	 ? SIM_ACC_WRITE
			      : (err & SIM_PF_I) ? SIM_ACC_EXEC
						 : SIM_ACC_READ;
	struct sim_encl *e = sim__encl_at(addr);
	struct sim_page *p;
	struct sim_exc x;
	int retry = 0;

	if (!e)
		return 0;
	pthread_mutex_lock(&e->lock);
	if (sim__translate(e, addr, acc, &p, &x)) {
		retry = x.sigbus ? -1 : 0;
	} else if (sim__epcm_allows(p, acc) &&
		   p->host_prot != (sim__vma_find(e, addr)->prot &
				    (int)sim__epcm_prot(p))) {
		sim__prot_sync(e, addr & ~(SIM_PAGE - 1),
			       (addr & ~(SIM_PAGE - 1)) + SIM_PAGE);
		retry = 1;
	}
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return retry;
}

const struct sim_bases *sim__native(int sig, siginfo_t *si, ucontext_t *uc,
				    const struct sim_bases *cur,
				    struct sim_thread *t)
{
	if (t) {
		t->encl = *cur;
		return inside(t, sig, si, uc);
	}
	/* A SIGSEGV at ENCLU is the simulator's only for one of its TCSs. */
	if (enclu_trap(sig, uc) &&
	    (sig == SIGILL || in_some_enclave((uint64_t)G(uc, RBX))))
		return enclu_outside(uc, cur);
	if (sig == SIGSEGV && si->si_code > 0 && G(uc, TRAPNO) == SIM_VEC_PF) {
		int how = host_fault(si, uc);

		if (how > 0)
			return NULL;
		if (how < 0) {
			siginfo_t bus = *si;

			bus.si_signo = SIGBUS;
			bus.si_code = BUS_ADRERR;
			sim__signal_app(SIGBUS, &bus, uc);
			return NULL;
		}
	}
	if (is_synchronous(sig, si) && sim__vdso_hw_exception(sig, si, uc))
		return NULL;
	sim__signal_app(sig, si, uc);
	return NULL;
}
