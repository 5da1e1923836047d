/* SPDX-License-Identifier: MIT */
/* Shared by the unit tests: cmocka, the fake kernel, one handle. */
#ifndef UNIT_COMMON_H
#define UNIT_COMMON_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <asm/sgx.h>

#include "fake-kernel.h"
#include "sgx2.h"

#define BASE 0x7f0000000000ull
#define ENCL_SIZE (256 * (uint64_t)PAGE)

/* The three operations, so one behaviour can be pinned on each. */
enum op { OP_MODIFY_TRIM, OP_RESTRICT_R, OP_REMOVE, NOPS };

static const unsigned long op_cmd[NOPS] = {
	SGX_IOC_ENCLAVE_MODIFY_TYPES,
	SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS,
	SGX_IOC_ENCLAVE_REMOVE_PAGES,
};

static inline int run_op(struct sgx2_enclave *e, enum op op, uint64_t off,
			 uint64_t len, const struct sgx2_options *o,
			 struct sgx2_report *r)
{
	switch (op) {
	case OP_MODIFY_TRIM:
		return sgx2_modify_types(e, off, len, SGX2_PAGE_TYPE_TRIM, o,
					 r);
	case OP_RESTRICT_R:
		return sgx2_restrict_permissions(e, off, len, SGX2_PERM_R, o,
						 r);
	default:
		return sgx2_remove_pages(e, off, len, o, r);
	}
}

/* A handle on the fake fd, options set for fast tests (yield, no sleep). */
static inline int fk_setup(void **state)
{
	struct sgx2_enclave *e;

	fk_reset();
	assert_int_equal(sgx2_enclave_new(&e, FK_FD, BASE, ENCL_SIZE), 0);
	*state = e;
	return 0;
}

static inline int fk_teardown(void **state)
{
	sgx2_enclave_free(*state);
	return 0;
}

static inline void assert_call(unsigned int i, unsigned long cmd, uint64_t off,
			       uint64_t len)
{
	assert_true(i < fk_ncalls);
	assert_int_equal(fk_calls[i].cmd, cmd);
	assert_int_equal(fk_calls[i].offset, off);
	assert_int_equal(fk_calls[i].length, len);
	/* The kernel refuses non-zero count/result on input (EINVAL). */
	assert_int_equal(fk_calls[i].count_in, 0);
	assert_int_equal(fk_calls[i].result_in, 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, fk_setup, fk_teardown)

#endif
