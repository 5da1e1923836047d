/* SPDX-License-Identifier: MIT */
/*
 * sgx2-sim-cpuid.h - let a program that probes CPUID inline see the
 * simulator's SGX.
 *
 * Force-include it into a program you cannot change, e.g. the kernel's SGX
 * selftests:
 *
 *     cc -include sgx2-sim-cpuid.h ...       (or make CC="cc -include ...")
 *
 * It includes GCC's <cpuid.h> and then redefines __cpuid, __cpuid_count,
 * __get_cpuid and __get_cpuid_count so that CPUID leaf 0x12 (every
 * sub-leaf) and leaf 7 sub-leaf 0 are answered by sgx2_sim_cpuid() when
 * libsgx2-sim is in the process (linked, or LD_PRELOADed), and by the CPU
 * otherwise; every other leaf always goes to the CPU. The simulator is
 * found at run time with dlsym(RTLD_DEFAULT, "sgx2_sim_cpuid"), so the
 * program needs no link-time dependency on it (dlsym is in libc.so.6 since
 * glibc 2.34) and works the same as a PIE or not. See sgx2_sim_cpuid(3).
 *
 * Rules this header keeps, so that it can go in front of any C or C++ file:
 * no system header but <cpuid.h> (which is freestanding: a forced include
 * must not fix glibc's feature macros before the program's own
 * "#define _GNU_SOURCE"), nothing at all in assembly sources (the kernel
 * builds its .S files with the same $(CC)), only static inline functions
 * (nothing is emitted, and nothing is linked, unless CPUID is used: a
 * -nostdlib enclave built with it still links), and names of its own:
 * dlsym is declared under the name sgx2_sim__dlsym with an asm label, so
 * that it cannot conflict with <dlfcn.h>.
 *
 * Not covered: __get_cpuid_max() and GCC's __cpuidex() (they still execute
 * CPUID), and cpuid instructions written in assembly.
 */
#ifndef SGX2_SIM_CPUID_H
#define SGX2_SIM_CPUID_H

#ifndef __ASSEMBLER__

#include <cpuid.h>

#ifdef __cplusplus
extern "C" {
#endif

/* dlsym() of libc.so.6, under a name that <dlfcn.h> does not declare. */
extern void *sgx2_sim__dlsym(void *sgx2_sim__handle,
			     const char *sgx2_sim__name) __asm__("dlsym");

/* The simulator's int sgx2_sim_cpuid(uint32_t, uint32_t, uint32_t[4]). */
typedef int (*sgx2_sim__cpuid_fn)(unsigned int, unsigned int, unsigned int *);

/* The CPU's answer. */
static __inline__ void sgx2_sim__cpuid_cpu(unsigned int sgx2_sim__leaf,
					   unsigned int sgx2_sim__sub,
					   unsigned int *sgx2_sim__r)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(sgx2_sim__r[0]), "=b"(sgx2_sim__r[1]),
			       "=c"(sgx2_sim__r[2]), "=d"(sgx2_sim__r[3])
			     : "0"(sgx2_sim__leaf), "2"(sgx2_sim__sub));
}

/*
 * 1 with the simulator's answer in r[0..3] (EAX, EBX, ECX, EDX), or 0: no
 * simulator in the process, or a leaf it does not answer. Only leaves 7
 * and 0x12 cost a symbol lookup.
 */
static __inline__ int sgx2_sim__cpuid_sim(unsigned int sgx2_sim__leaf,
					  unsigned int sgx2_sim__sub,
					  unsigned int *sgx2_sim__r)
{
	sgx2_sim__cpuid_fn sgx2_sim__fn;
	void *sgx2_sim__sym;

	if (sgx2_sim__leaf != 0x12u && sgx2_sim__leaf != 7u)
		return 0;
	/* RTLD_DEFAULT is ((void *)0) in glibc. */
	sgx2_sim__sym = sgx2_sim__dlsym((void *)0, "sgx2_sim_cpuid");
	if (!sgx2_sim__sym)
		return 0;
	/* An object pointer to a function pointer, without ISO C's warning. */
	__builtin_memcpy(&sgx2_sim__fn, &sgx2_sim__sym, sizeof(sgx2_sim__fn));
	return sgx2_sim__fn(sgx2_sim__leaf, sgx2_sim__sub, sgx2_sim__r) == 1;
}

/* CPUID with ECX = @sub: the simulator's answer, or the CPU's. */
static __inline__ void sgx2_sim__cpuid(unsigned int sgx2_sim__leaf,
				       unsigned int sgx2_sim__sub,
				       unsigned int *sgx2_sim__r)
{
	if (!sgx2_sim__cpuid_sim(sgx2_sim__leaf, sgx2_sim__sub, sgx2_sim__r))
		sgx2_sim__cpuid_cpu(sgx2_sim__leaf, sgx2_sim__sub, sgx2_sim__r);
}

/*
 * CPUID without a sub-leaf, as <cpuid.h>'s __cpuid: the CPU gets whatever
 * ECX holds; the simulator answers as for sub-leaf 0.
 */
static __inline__ void sgx2_sim__cpuid_nosub(unsigned int sgx2_sim__leaf,
					     unsigned int *sgx2_sim__r)
{
	if (sgx2_sim__cpuid_sim(sgx2_sim__leaf, 0, sgx2_sim__r))
		return;
	__asm__ __volatile__("cpuid"
			     : "=a"(sgx2_sim__r[0]), "=b"(sgx2_sim__r[1]),
			       "=c"(sgx2_sim__r[2]), "=d"(sgx2_sim__r[3])
			     : "0"(sgx2_sim__leaf));
}

/* __get_cpuid_count(): 1 with the answer, 0 for a leaf beyond the CPU's. */
static __inline__ int sgx2_sim__get_cpuid_count(unsigned int sgx2_sim__leaf,
						unsigned int sgx2_sim__sub,
						unsigned int *sgx2_sim__a,
						unsigned int *sgx2_sim__b,
						unsigned int *sgx2_sim__c,
						unsigned int *sgx2_sim__d)
{
	unsigned int sgx2_sim__r[4];

	if (!sgx2_sim__cpuid_sim(sgx2_sim__leaf, sgx2_sim__sub, sgx2_sim__r))
		return __get_cpuid_count(sgx2_sim__leaf, sgx2_sim__sub,
					 sgx2_sim__a, sgx2_sim__b, sgx2_sim__c,
					 sgx2_sim__d);
	*sgx2_sim__a = sgx2_sim__r[0];
	*sgx2_sim__b = sgx2_sim__r[1];
	*sgx2_sim__c = sgx2_sim__r[2];
	*sgx2_sim__d = sgx2_sim__r[3];
	return 1;
}

/* __get_cpuid(): as __get_cpuid_count() with the simulator's sub-leaf 0. */
static __inline__ int sgx2_sim__get_cpuid(unsigned int sgx2_sim__leaf,
					  unsigned int *sgx2_sim__a,
					  unsigned int *sgx2_sim__b,
					  unsigned int *sgx2_sim__c,
					  unsigned int *sgx2_sim__d)
{
	unsigned int sgx2_sim__r[4];

	if (!sgx2_sim__cpuid_sim(sgx2_sim__leaf, 0, sgx2_sim__r))
		return __get_cpuid(sgx2_sim__leaf, sgx2_sim__a, sgx2_sim__b,
				   sgx2_sim__c, sgx2_sim__d);
	*sgx2_sim__a = sgx2_sim__r[0];
	*sgx2_sim__b = sgx2_sim__r[1];
	*sgx2_sim__c = sgx2_sim__r[2];
	*sgx2_sim__d = sgx2_sim__r[3];
	return 1;
}

#ifdef __cplusplus
}
#endif

/*
 * The redefinitions, after the functions above (which call the originals).
 * The answer reaches the four register arguments through the outputs of an
 * empty asm with <cpuid.h>'s own constraints, so that they accept the same
 * lvalues and draw the same warnings as there (an asm output does not make
 * a variable "set but not used", an assignment would); each argument is
 * evaluated once.
 */
#define sgx2_sim__cpuid_out(q, a, b, c, d)                                     \
	__asm__ __volatile__(""                                                \
			     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)              \
			     : "0"(q[0]), "1"(q[1]), "2"(q[2]), "3"(q[3]))

#undef __cpuid
#define __cpuid(level, a, b, c, d)                                             \
	do {                                                                   \
		unsigned int sgx2_sim__q[4];                                   \
		sgx2_sim__cpuid_nosub((level), sgx2_sim__q);                   \
		sgx2_sim__cpuid_out(sgx2_sim__q, a, b, c, d);                  \
	} while (0)

#undef __cpuid_count
#define __cpuid_count(level, count, a, b, c, d)                                \
	do {                                                                   \
		unsigned int sgx2_sim__q[4];                                   \
		sgx2_sim__cpuid((level), (count), sgx2_sim__q);                \
		sgx2_sim__cpuid_out(sgx2_sim__q, a, b, c, d);                  \
	} while (0)

#define __get_cpuid sgx2_sim__get_cpuid
#define __get_cpuid_count sgx2_sim__get_cpuid_count

#endif /* !__ASSEMBLER__ */

#endif /* SGX2_SIM_CPUID_H */
