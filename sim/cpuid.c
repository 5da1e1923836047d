// SPDX-License-Identifier: MIT
/*
 * CPUID as the simulated machine answers it: leaf 0x12 (SGX capabilities,
 * attributes, the EPC) and the SGX bits of leaf 7 sub-leaf 0. Programs
 * that probe CPUID inline reach this through <sgx2-sim-cpuid.h>; CPUID
 * itself cannot be trapped everywhere (CPUID faulting is often missing in
 * guests). The answer follows the process's default configuration, since
 * CPUID belongs to the machine, not to an enclave.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "internal.h"

#define LEAF_FEATURES 7u
#define LEAF_SGX 0x12u

#define F7_EBX_SGX (1u << 2)
#define F7_ECX_SGX_LC (1u << 30)

#define SGX_SGX1 (1u << 0)
#define SGX_SGX2 (1u << 1)
#define SGX_MISC_EXINFO (1u << 0)
#define SGX_ATTR_DEBUG (1u << 1)
#define SGX_ATTR_MODE64BIT (1u << 2)
#define SGX_ATTR_PROVISIONKEY (1u << 4)
#define SGX_ATTR_EINITTOKENKEY (1u << 5)

/* The one EPC section: confidentiality and integrity protected. */
#define EPC_SECTION 1u
#define EPC_PROTECTED 1u
#define EPC_FAKE_BASE 0x80000000ull

#define CPUID_1_ECX_OSXSAVE (1u << 27)

static void cpu(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "0"(leaf), "2"(sub));
}

/* XCR0: the state components the OS enables, hence what XFRM may hold. */
static uint64_t xcr0(void)
{
	uint32_t r[4], lo, hi;

	cpu(1, 0, r);
	if (!(r[2] & CPUID_1_ECX_OSXSAVE))
		return 0x3; /* x87 and SSE: what every enclave has */
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* Bits 31:12 of @v in the low word, bits 51:32 in the high word. */
static void split52(uint64_t v, uint32_t *lo, uint32_t *hi)
{
	*lo = (uint32_t)v & 0xfffff000u;
	*hi = (uint32_t)(v >> 32) & 0xfffffu;
}

/*
 * The bits the simulated CPU lets an enclave set (CPUID leaf 0x12):
 * ATTRIBUTES (sub-leaf 1 EAX:EBX), XFRM (ECX:EDX), MISCSELECT (sub-leaf 0
 * EBX); what ECREATE accepts and the kernel's INIT checks compare with.
 */
struct sim_cpu_bits sim__cpu_bits(void)
{
	uint32_t r0[4], r1[4];

	sgx2_sim_cpuid(LEAF_SGX, 0, r0);
	sgx2_sim_cpuid(LEAF_SGX, 1, r1);
	return (struct sim_cpu_bits){
		.attributes = (uint64_t)r1[1] << 32 | r1[0],
		.xfrm = (uint64_t)r1[3] << 32 | r1[2],
		.miscselect = r0[1],
	};
}

SIM_EXPORT int sgx2_sim_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	struct sgx2_sim_config cfg;
	uint64_t x;

	if (!regs)
		return -EINVAL;
	if (leaf == LEAF_FEATURES && subleaf == 0) {
		cpu(leaf, 0, regs);
		regs[1] |= F7_EBX_SGX;
		regs[2] |= F7_ECX_SGX_LC;
		return 1;
	}
	if (leaf != LEAF_SGX)
		return 0;
	sim__default_config(&cfg);
	regs[0] = regs[1] = regs[2] = regs[3] = 0;
	switch (subleaf) {
	case 0: /* capabilities, MISCSELECT, maximum enclave sizes (log2) */
		regs[0] = SGX_SGX1 | (cfg.sgx2 ? SGX_SGX2 : 0);
		regs[1] = SGX_MISC_EXINFO;
		regs[3] = (SIM_MAX_SIZE_LOG2 << 8) | 31u;
		break;
	case 1: /* SECS.ATTRIBUTES bits ECREATE accepts; XFRM bits */
		regs[0] = SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT |
			  SGX_ATTR_PROVISIONKEY | SGX_ATTR_EINITTOKENKEY;
		x = xcr0();
		regs[2] = (uint32_t)x;
		regs[3] = (uint32_t)(x >> 32);
		break;
	case 2: /* the EPC section */
		split52(EPC_FAKE_BASE, &regs[0], &regs[1]);
		regs[0] |= EPC_SECTION;
		split52(sim__epc_size(&cfg), &regs[2], &regs[3]);
		regs[2] |= EPC_PROTECTED;
		break;
	default: /* no more sections: type 0, invalid */
		break;
	}
	return 1;
}
