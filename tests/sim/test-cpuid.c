// SPDX-License-Identifier: MIT
/*
 * sgx2_sim_cpuid(): leaf 0x12 and leaf 7 as the simulated machine answers
 * them, read back the way the kernel's selftests and driver read them.
 * SGX2_TEST_EPC_SIZE, when set, is the EPC size the test's environment
 * (SGX2_SIM_EPC_SIZE) must have produced, in bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static uint32_t r[4];

static void cpu(uint32_t leaf, uint32_t sub, uint32_t *out)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]),
			       "=d"(out[3])
			     : "0"(leaf), "2"(sub));
}

/* The selftests' sgx_calc_section_metric() over the sections. */
static uint64_t epc_total(void)
{
	uint64_t total = 0;
	uint32_t s;

	for (s = 2; sgx2_sim_cpuid(0x12, s, r) == 1 && (r[0] & 0xf) == 1; s++)
		total += (r[2] & 0xfffff000u) +
			 ((uint64_t)(r[3] & 0xfffff) << 32);
	return total;
}

static void set_default(uint32_t sgx2, uint64_t epc_size)
{
	struct sgx2_sim_config cfg;

	sgx2_sim_config_init(&cfg);
	cfg.sgx2 = sgx2;
	cfg.epc_size = epc_size;
	assert_int_equal(sgx2_sim_set_default_config(&cfg), 0);
}

static void capabilities(void **state)
{
	(void)state;
	assert_int_equal(sgx2_sim_cpuid(0x12, 0, r), 1);
	assert_int_equal(r[0], 0x3); /* SGX1 | SGX2 */
	assert_int_equal(r[1], 0x1); /* MISCSELECT.EXINFO */
	assert_int_equal(r[2], 0);
	assert_int_equal(r[3], (40 << 8) | 31); /* 2^40 and 2^31 bytes */
	set_default(0, 0);
	assert_int_equal(sgx2_sim_cpuid(0x12, 0, r), 1);
	assert_int_equal(r[0], 0x1); /* SGX1 only */
	assert_int_equal(sgx2_sim_set_default_config(NULL), 0);
}

static void attributes_and_xfrm(void **state)
{
	uint32_t lo, hi;

	(void)state;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	assert_int_equal(sgx2_sim_cpuid(0x12, 1, r), 1);
	/* DEBUG, MODE64BIT, PROVISIONKEY, EINITTOKENKEY */
	assert_int_equal(r[0], 0x36);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[2], lo);
	assert_int_equal(r[3], hi);
	assert_true((r[2] & 3) == 3); /* x87 and SSE, as every XFRM needs */
}

static void one_epc_section_of_the_configured_size(void **state)
{
	(void)state;
	assert_int_equal(sgx2_sim_cpuid(0x12, 2, r), 1);
	assert_int_equal(r[0] & 0xf, 1);	    /* an EPC section */
	assert_int_equal(r[0] & 0xff0, 0);	    /* reserved */
	assert_int_equal(r[2] & 0xf, 1);	    /* protected */
	assert_int_equal(epc_total(), 64ull << 20); /* the built-in default */
	set_default(1, (3ull << 40) + 4096);	    /* bits 51:32 in EDX */
	assert_int_equal(epc_total(), (3ull << 40) + 4096);
	set_default(1, SGX2_SIM_EPC_SIZE_MAX);
	assert_int_equal(epc_total(), SGX2_SIM_EPC_SIZE_MAX);
	set_default(1, 4096);
	assert_int_equal(epc_total(), 4096);
	set_default(1, 0); /* 0: the default */
	assert_int_equal(epc_total(), SGX2_SIM_EPC_SIZE_DEFAULT);
	assert_int_equal(sgx2_sim_set_default_config(NULL), 0);
	assert_int_equal(sgx2_sim_cpuid(0x12, 3, r), 1);
	assert_true(!r[0] && !r[1] && !r[2] && !r[3]); /* invalid: the end */
	assert_int_equal(sgx2_sim_cpuid(0x12, 0xffffffffu, r), 1);
	assert_true(!r[0] && !r[1] && !r[2] && !r[3]);
}

static void leaf7_is_the_cpu_with_sgx(void **state)
{
	uint32_t c[4];

	(void)state;
	cpu(7, 0, c);
	assert_int_equal(sgx2_sim_cpuid(7, 0, r), 1);
	assert_int_equal(r[0], c[0]);
	assert_int_equal(r[1], c[1] | 4u);	   /* SGX */
	assert_int_equal(r[2], c[2] | (1u << 30)); /* SGX_LC */
	assert_int_equal(r[3], c[3]);
}

static void other_leaves_are_not_answered(void **state)
{
	uint32_t mine[4] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(sgx2_sim_cpuid(7, 1, mine), 0);
	assert_int_equal(sgx2_sim_cpuid(0, 0, mine), 0);
	assert_int_equal(sgx2_sim_cpuid(1, 0, mine), 0);
	assert_int_equal(sgx2_sim_cpuid(0x80000000u, 0, mine), 0);
	assert_true(mine[0] == 1 && mine[1] == 2 && mine[2] == 3 &&
		    mine[3] == 4);
	assert_int_equal(sgx2_sim_cpuid(0x12, 0, NULL), -EINVAL);
}

/* What SGX2_SIM_EPC_SIZE made of the default, checked before any change. */
static void environment_sets_the_epc_size(void **state)
{
	const char *want = getenv("SGX2_TEST_EPC_SIZE");
	struct sgx2_sim_config cfg;

	(void)state;
	if (!want)
		skip();
	assert_int_equal(sgx2_sim_get_default_config(&cfg), 0);
	assert_int_equal(cfg.epc_size, strtoull(want, NULL, 0));
	assert_int_equal(epc_total(), strtoull(want, NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(environment_sets_the_epc_size),
		cmocka_unit_test(capabilities),
		cmocka_unit_test(attributes_and_xfrm),
		cmocka_unit_test(one_epc_section_of_the_configured_size),
		cmocka_unit_test(leaf7_is_the_cpu_with_sgx),
		cmocka_unit_test(other_leaves_are_not_answered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
