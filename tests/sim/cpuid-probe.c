/*
 * A program that probes CPUID inline, as the kernel's SGX selftests do,
 * built with -include sgx2-sim-cpuid.h and not linked with the simulator.
 * Its own _GNU_SOURCE and <dlfcn.h> come after the forced include, which
 * must not have fixed the feature macros or clash with dlsym().
 *
 *   cpuid-probe cpu          the simulator is not in the process: every
 *                            macro gives what the CPU gives
 *   cpuid-probe sim BYTES    it is (LD_PRELOAD): leaf 0x12 comes from it,
 *                            with an EPC of BYTES, as the selftests sum it
 *
 * Exit status: 0 when every answer is right, 1 if not.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SGX2_SIM_CPUID_H
#error "build with -include sgx2-sim-cpuid.h"
#endif

static int failed;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: %s failed\n", __FILE__,        \
				__LINE__, #cond);                              \
			failed = 1;                                            \
		}                                                              \
	} while (0)

static void raw(unsigned int leaf, unsigned int sub, unsigned int *r)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "0"(leaf), "2"(sub));
}

/* The selftests' get_total_epc_mem(), in its own words. */
static unsigned long long epc_total(void)
{
	unsigned long long total = 0;
	unsigned int eax, ebx, ecx, edx, section;

	for (section = 0;; section++) {
		__cpuid_count(0x12, section + 2, eax, ebx, ecx, edx);
		if ((eax & 0xf) != 1)
			break;
		total += (ecx & 0xfffff000u) +
			 ((unsigned long long)(edx & 0xfffffu) << 32);
	}
	(void)ebx;
	return total;
}

static void same_as_cpu(void)
{
	unsigned int leaf[] = { 0, 1, 7, 0x12 }, r[4], a, b, c, d, i;

	for (i = 0; i < sizeof(leaf) / sizeof(leaf[0]); i++) {
		raw(leaf[i], 0, r);
		__cpuid_count(leaf[i], 0, a, b, c, d);
		CHECK(a == r[0] && b == r[1] && c == r[2] && d == r[3]);
		if (__get_cpuid_count(leaf[i], 0, &a, &b, &c, &d)) {
			CHECK(a == r[0] && b == r[1] && c == r[2] && d == r[3]);
		}
	}
	raw(0, 0, r);
	__cpuid(0, a, b, c, d);
	CHECK(a == r[0] && b == r[1] && c == r[2] && d == r[3]);
}

static void from_simulator(unsigned long long epc)
{
	unsigned int r[4], a, b, c, d;
	int edx; /* any integer lvalue works with the macros */

	CHECK(dlsym(RTLD_DEFAULT, "sgx2_sim_cpuid") != NULL);
	__cpuid_count(0x12, 0, a, b, c, d);
	CHECK((a & 3) == 3 && b == 1 && c == 0 && d == 0x281f);
	CHECK(__get_cpuid(0x12, &a, &b, &c, &d) == 1 && (a & 3) == 3);
	CHECK(__get_cpuid_count(0x12, 3, &a, &b, &c, &d) == 1 && a == 0);
	__cpuid(0x12, a, b, c, d);
	CHECK((a & 3) == 3);
	CHECK(epc_total() == epc);
	__cpuid_count(7, 0, a, b, c, edx);
	CHECK((b & 4) && (c & (1u << 30)));
	raw(7, 0, r);
	CHECK(edx == (int)r[3]);
	/* Other leaves are the CPU's. */
	raw(1, 0, r);
	__cpuid(1, a, b, c, d);
	CHECK(a == r[0] && c == r[2] && d == r[3]);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "cpu")) {
		CHECK(dlsym(RTLD_DEFAULT, "sgx2_sim_cpuid") == NULL);
		same_as_cpu();
	} else if (argc == 3 && !strcmp(argv[1], "sim")) {
		from_simulator(strtoull(argv[2], NULL, 0));
	} else {
		fprintf(stderr, "usage: %s cpu | sim EPC_BYTES\n", argv[0]);
		return 2;
	}
	if (!failed)
		printf("ok: CPUID answered by the %s\n",
		       argv[1][0] == 'c' ? "CPU" : "simulator");
	return failed;
}
