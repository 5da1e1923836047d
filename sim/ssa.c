// SPDX-License-Identifier: MIT
/*
 * The TCS and the State Save Area (SDM "Thread Control Structure", "State
 * Save Area Frame"), kept where hardware keeps them: in the enclave's own
 * pages, which only the simulator reads and writes (through its mapping of
 * the memfd), since neither enclave code nor host code may access a TCS.
 *
 * An SSA frame is SECS.SSAFRAMESIZE pages: the XSAVE area at its start (the
 * non-compacted format), the MISC region (EXINFO, 16 bytes) right below the
 * GPR area, and the GPR area (GPRSGX, 184 bytes) at its very end.
 *
 * The register state moves between the frame and the ucontext_t of the
 * signal that stands for the enclave entry or exit: the kernel restores
 * that context when the handler returns, so writing it is executing.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "internal.h"

/* GPRSGX, byte offsets (SDM table "Layout of GPRSGX Portion of the SSA"). */
#define GPR_RFLAGS 128
#define GPR_RIP 136
#define GPR_URSP 144
#define GPR_URBP 152
#define GPR_EXITINFO 160
#define GPR_FSBASE 168
#define GPR_GSBASE 176
#define GPR_SIZE 184
#define EXINFO_SIZE 16

#define EXITINFO_VALID (1u << 31)
#define EXIT_HARDWARE 3u
#define EXIT_SOFTWARE 6u

/* The XSAVE area: the legacy region, then the header with XSTATE_BV. */
#define XSAVE_LEGACY 512
#define XSAVE_HEADER 64
#define XSAVE_SW_RESERVED 464 /* legacy bytes 464..511 are software's */

/* GPRSGX order of RAX..R15 against glibc's gregs[] indices. */
static const int gpr_reg[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8,	 REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* RFLAGS: CF PF AF ZF SF OF, cleared in the synthetic state; TF, RF. */
#define RFLAGS_ARITH 0x8d5ull
#define RFLAGS_TF 0x100ull
#define RFLAGS_RF 0x10000ull
#define RFLAGS_RESUMED 0x254cd5ull

uint64_t sim__rd64(const struct sim_encl *e, uint64_t addr)
{
	uint64_t v;

	memcpy(&v, e->data + (addr - e->base), sizeof(v));
	return v;
}

uint32_t sim__rd32(const struct sim_encl *e, uint64_t addr)
{
	uint32_t v;

	memcpy(&v, e->data + (addr - e->base), sizeof(v));
	return v;
}

void sim__wr64(struct sim_encl *e, uint64_t addr, uint64_t v)
{
	memcpy(e->data + (addr - e->base), &v, sizeof(v));
}

void sim__wr32(struct sim_encl *e, uint64_t addr, uint32_t v)
{
	memcpy(e->data + (addr - e->base), &v, sizeof(v));
}

/* ECREATE's bytes an SSA frame needs: XSAVE(@xfrm), MISC, GPRSGX. */
uint64_t sim__ssa_frame_need(uint64_t xfrm, uint32_t miscselect)
{
	return sim__xsave_size(xfrm) + (miscselect & 1 ? EXINFO_SIZE : 0) +
	       GPR_SIZE;
}

/* Size of the XSAVE area for @xfrm: the end of its last component. */
uint64_t sim__xsave_size(uint64_t xfrm)
{
	unsigned int eax, ebx, ecx, edx, i;
	uint64_t size = XSAVE_LEGACY + XSAVE_HEADER;

	for (i = 2; i < 64; i++) {
		if (!(xfrm & (1ull << i)))
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		if (eax && ebx + eax > size)
			size = ebx + eax;
	}
	return size;
}

uint64_t sim__ssa_frame(const struct sim_encl *e, uint64_t tcs, uint32_t cssa)
{
	return e->base + sim__rd64(e, tcs + SIM_TCS_OSSA) +
	       (uint64_t)cssa * e->ssaframesize * SIM_PAGE;
}

static uint64_t gpr_area(const struct sim_encl *e, uint64_t frame)
{
	return frame + (uint64_t)e->ssaframesize * SIM_PAGE - GPR_SIZE;
}

/* A page of a frame must be a writable REG page of the enclave. */
static int ssa_page(struct sim_encl *e, uint64_t addr, struct sim_exc *x)
{
	struct sim_page *p;

	if (sim__translate(e, addr, SIM_ACC_WRITE, &p, x))
		return 1;
	if (p->epcm_type != SIM_PT_REG ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED)) ||
	    (p->epcm_perms & (SIM_R | SIM_W)) != (SIM_R | SIM_W))
		return sim__epcm_fault(x, addr, SIM_ACC_WRITE);
	return 0;
}

/* EENTER's and ERESUME's checks of the frame: the XSAVE pages and the GPRs. */
int sim__ssa_check(struct sim_encl *e, uint64_t frame, struct sim_exc *x)
{
	uint64_t a, end = frame + sim__xsave_size(e->xfrm);

	if (frame - e->base >= e->size ||
	    (uint64_t)e->ssaframesize * SIM_PAGE > e->size - (frame - e->base))
		return sim__raise(x, SIM_VEC_PF, SIM_PF_U | SIM_PF_W, frame);
	for (a = frame; a < end; a += SIM_PAGE)
		if (ssa_page(e, a, x))
			return 1;
	return ssa_page(e, gpr_area(e, frame) & ~(SIM_PAGE - 1), x);
}

static struct _libc_fpstate *fpstate(ucontext_t *uc)
{
	return uc->uc_mcontext.fpregs;
}

/* The signal frame's XSAVE header, or NULL for a legacy-only frame. */
static unsigned char *xsave_header(ucontext_t *uc, uint32_t *size)
{
	unsigned char *fx = (unsigned char *)fpstate(uc);
	struct _fpx_sw_bytes sw;

	memcpy(&sw, fx + XSAVE_SW_RESERVED, sizeof(sw));
	if (sw.magic1 != FP_XSTATE_MAGIC1)
		return NULL;
	*size = sw.xstate_size;
	return fx + XSAVE_LEGACY;
}

/* x87 and SSE in their INIT state: FCW 037FH, MXCSR 1F80H, all else 0. */
static void fp_init(struct _libc_fpstate *fx)
{
	uint32_t mask = fx->mxcr_mask;

	memset(fx, 0, XSAVE_SW_RESERVED);
	fx->cwd = 0x037f;
	fx->mxcsr = 0x1f80;
	fx->mxcr_mask = mask;
}

/*
 * AEX: XSAVE of the XFRM components into the frame, then the synthetic
 * state: x87/SSE initialised, every extended component too (its
 * XSTATE_BV bit cleared, so that the return from the handler initialises
 * it). Components the signal frame does not carry are left alone.
 */
static void xsave_out(struct sim_encl *e, uint64_t frame, ucontext_t *uc)
{
	unsigned char *area = e->data + (frame - e->base);
	unsigned char *hdr;
	uint64_t bv = 0, saved;
	unsigned int eax, ebx, ecx, edx, i;
	uint32_t size = 0;

	memcpy(area, fpstate(uc), XSAVE_SW_RESERVED);
	memset(area + XSAVE_LEGACY, 0, XSAVE_HEADER);
	hdr = xsave_header(uc, &size);
	saved = e->xfrm & 3;
	if (hdr) {
		memcpy(&bv, hdr, sizeof(bv));
		for (i = 2; i < 64; i++) {
			if (!(e->xfrm & (1ull << i) & bv))
				continue;
			__cpuid_count(0xd, i, eax, ebx, ecx, edx);
			if (!eax || ebx + eax > size)
				continue;
			memcpy(area + ebx, (unsigned char *)fpstate(uc) + ebx,
			       eax);
			saved |= 1ull << i;
		}
		bv &= ~(e->xfrm & ~3ull);
		memcpy(hdr, &bv, sizeof(bv));
	}
	memcpy(area + XSAVE_LEGACY, &saved, sizeof(saved));
	fp_init(fpstate(uc));
}

/* ERESUME: XRSTOR from the frame (a component not saved is initialised). */
static void xsave_in(struct sim_encl *e, uint64_t frame, ucontext_t *uc)
{
	const unsigned char *area = e->data + (frame - e->base);
	unsigned char *hdr;
	uint64_t saved, bv;
	unsigned int eax, ebx, ecx, edx, i;
	uint32_t size = 0;

	memcpy(&saved, area + XSAVE_LEGACY, sizeof(saved));
	if (saved & 3)
		memcpy(fpstate(uc), area, XSAVE_SW_RESERVED);
	else
		fp_init(fpstate(uc));
	hdr = xsave_header(uc, &size);
	if (!hdr)
		return;
	memcpy(&bv, hdr, sizeof(bv));
	for (i = 2; i < 64; i++) {
		if (!(e->xfrm & (1ull << i)))
			continue;
		__cpuid_count(0xd, i, eax, ebx, ecx, edx);
		if (!eax || ebx + eax > size || !(saved & (1ull << i))) {
			bv &= ~(1ull << i);
			continue;
		}
		memcpy((unsigned char *)fpstate(uc) + ebx, area + ebx, eax);
		bv |= 1ull << i;
	}
	memcpy(hdr, &bv, sizeof(bv));
}

/* ERESUME's check of the frame's XSAVE header: otherwise XRSTOR would #GP. */
int sim__ssa_xsave_ok(const struct sim_encl *e, uint64_t frame)
{
	const unsigned char *hdr = e->data + (frame - e->base) + XSAVE_LEGACY;
	uint64_t bv, rsvd[2];

	memcpy(&bv, hdr, sizeof(bv));
	memcpy(rsvd, hdr + 8, sizeof(rsvd));
	return !(bv & ~e->xfrm) && !rsvd[0] && !rsvd[1];
}

void sim__ssa_enter(struct sim_encl *e, uint64_t frame, const ucontext_t *uc)
{
	uint64_t gpr = gpr_area(e, frame);

	sim__wr64(e, gpr + GPR_URSP, (uint64_t)uc->uc_mcontext.gregs[REG_RSP]);
	sim__wr64(e, gpr + GPR_URBP, (uint64_t)uc->uc_mcontext.gregs[REG_RBP]);
}

uint64_t sim__ssa_rip(const struct sim_encl *e, uint64_t frame)
{
	return sim__rd64(e, gpr_area(e, frame) + GPR_RIP);
}

void sim__ssa_bases(const struct sim_encl *e, uint64_t frame,
		    struct sim_bases *b)
{
	uint64_t gpr = gpr_area(e, frame);

	b->fs = sim__rd64(e, gpr + GPR_FSBASE);
	b->gs = sim__rd64(e, gpr + GPR_GSBASE);
}

static uint32_t exitinfo(const struct sim_exc *x)
{
	uint32_t type = x->vector == 3 ? EXIT_SOFTWARE : EXIT_HARDWARE;

	return EXITINFO_VALID | type << 8 | x->vector;
}

/* Which exceptions the enclave learns of (SDM "EXITINFO"). */
static int reported(const struct sim_encl *e, const struct sim_exc *x)
{
	switch (x->vector) {
	case 0:	 /* #DE */
	case 1:	 /* #DB */
	case 3:	 /* #BP */
	case 5:	 /* #BR */
	case 6:	 /* #UD */
	case 16: /* #MF */
	case 17: /* #AC */
	case 19: /* #XM */
		return 1;
	case SIM_VEC_GP:
	case SIM_VEC_PF:
		return e->miscselect & 1; /* EXINFO */
	}
	return 0;
}

void sim__ssa_aex(struct sim_encl *e, uint64_t frame, ucontext_t *uc,
		  const struct sim_bases *encl, const struct sim_exc *x,
		  uint64_t tcs, uint64_t aep)
{
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t gpr = gpr_area(e, frame);
	unsigned int i;

	for (i = 0; i < 16; i++)
		sim__wr64(e, gpr + 8 * i, (uint64_t)g[gpr_reg[i]]);
	sim__wr64(e, gpr + GPR_RFLAGS, (uint64_t)g[REG_EFL] & ~RFLAGS_TF);
	sim__wr64(e, gpr + GPR_RIP, (uint64_t)g[REG_RIP]);
	sim__wr64(e, gpr + GPR_FSBASE, encl->fs);
	sim__wr64(e, gpr + GPR_GSBASE, encl->gs);
	sim__wr32(e, gpr + GPR_EXITINFO, x && reported(e, x) ? exitinfo(x) : 0);
	if (x && reported(e, x) &&
	    (x->vector == SIM_VEC_PF || x->vector == SIM_VEC_GP)) {
		sim__wr64(e, gpr - EXINFO_SIZE,
			  x->vector == SIM_VEC_PF ? x->addr : 0);
		sim__wr64(e, gpr - EXINFO_SIZE + 8, x->error_code);
	}
	xsave_out(e, frame, uc);

	/* The synthetic state (SDM "State Saving by AEX"). */
	for (i = 0; i < 16; i++)
		g[gpr_reg[i]] = 0;
	g[REG_RAX] = SIM_ERESUME;
	g[REG_RBX] = (greg_t)tcs;
	g[REG_RCX] = (greg_t)aep;
	g[REG_RSP] = (greg_t)sim__rd64(e, gpr + GPR_URSP);
	g[REG_RBP] = (greg_t)sim__rd64(e, gpr + GPR_URBP);
	g[REG_RIP] = (greg_t)aep;
	g[REG_EFL] &= (greg_t) ~(RFLAGS_ARITH | RFLAGS_RF);
}

void sim__ssa_resume(struct sim_encl *e, uint64_t frame, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t gpr = gpr_area(e, frame), flags;
	unsigned int i;

	for (i = 0; i < 16; i++)
		g[gpr_reg[i]] = (greg_t)sim__rd64(e, gpr + 8 * i);
	/* The saved arithmetic flags, DF, NT, RF, AC and ID (TF stays off). */
	flags = sim__rd64(e, gpr + GPR_RFLAGS) & RFLAGS_RESUMED;
	g[REG_EFL] = (greg_t)(((uint64_t)g[REG_EFL] & ~RFLAGS_RESUMED) | flags);
	g[REG_RIP] = (greg_t)sim__rd64(e, gpr + GPR_RIP);
	xsave_in(e, frame, uc);
}
