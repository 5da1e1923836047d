// SPDX-License-Identifier: MIT
/*
 * Bad input is refused before any ioctl: a documented negative errno,
 * nothing submitted, errno untouched, and the report says so.
 */
#include "common.h"

/* Run @op, assert it fails with @want having issued no ioctl at all. */
static void refused(struct sgx2_enclave *e, enum op op, uint64_t off,
		    uint64_t len, const struct sgx2_options *o, int want)
{
	struct sgx2_report r;

	memset(&r, 0xa5, sizeof(r));
	errno = 1234;
	assert_int_equal(run_op(e, op, off, len, o, &r), want);
	assert_int_equal(errno, 1234);
	assert_int_equal(fk_ncalls, 0);
	assert_int_equal(r.error, want);
	assert_int_equal(r.offset, off);
	assert_int_equal(r.length, len);
	assert_int_equal(r.done, 0);
	assert_int_equal(r.ioctls, 0);
	assert_int_equal(r.retries, 0);
	assert_int_equal(r.sgx_result, 0);
}

static void null_handle_is_einval(void **state)
{
	(void)state;
	for (int op = 0; op < NOPS; op++)
		refused(NULL, op, 0, PAGE, NULL, -EINVAL);
}

static void misaligned_offset_is_einval(void **state)
{
	for (int op = 0; op < NOPS; op++) {
		refused(*state, op, 1, PAGE, NULL, -EINVAL);
		refused(*state, op, PAGE + 2048, PAGE, NULL, -EINVAL);
	}
}

static void misaligned_length_is_einval(void **state)
{
	for (int op = 0; op < NOPS; op++) {
		refused(*state, op, 0, PAGE - 1, NULL, -EINVAL);
		refused(*state, op, 0, PAGE + 1, NULL, -EINVAL);
	}
}

static void zero_length_is_einval(void **state)
{
	for (int op = 0; op < NOPS; op++)
		refused(*state, op, 0, 0, NULL, -EINVAL);
}

static void wrapping_range_is_eoverflow(void **state)
{
	struct sgx2_enclave *unsized;

	/* Size unknown, so only the wrap can catch it. */
	assert_int_equal(sgx2_enclave_new(&unsized, FK_FD, BASE, 0), 0);
	for (int op = 0; op < NOPS; op++)
		refused(unsized, op, UINT64_MAX - PAGE + 1, 2 * PAGE, NULL,
			-EOVERFLOW);
	sgx2_enclave_free(unsized);
	(void)state;
}

/*
 * A handle of unknown size (0) at the top of the address space: a range
 * whose end, base + offset + length, passes 2^64 is refused as well.
 */
static void range_past_the_address_space_is_eoverflow(void **state)
{
	uint64_t top = 0 - 16 * (uint64_t)PAGE; /* base 2^64 - 16 pages */
	struct sgx2_enclave *unsized;

	assert_int_equal(sgx2_enclave_new(&unsized, FK_FD, top, 0), 0);
	for (int op = 0; op < NOPS; op++) {
		refused(unsized, op, 15 * PAGE, 2 * PAGE, NULL, -EOVERFLOW);
		refused(unsized, op, 16 * PAGE, PAGE, NULL, -EOVERFLOW);
		/* Ending at 2^64 exactly: its end does not fit in 64 bits. */
		refused(unsized, op, 15 * PAGE, PAGE, NULL, -EOVERFLOW);
	}
	assert_int_equal(
		sgx2_remove_pages(unsized, 14 * PAGE, PAGE, NULL, NULL), 0);
	assert_int_equal(fk_ncalls, 1);
	sgx2_enclave_free(unsized);
	(void)state;
}

static void range_past_enclave_size_is_erange(void **state)
{
	for (int op = 0; op < NOPS; op++) {
		refused(*state, op, ENCL_SIZE, PAGE, NULL, -ERANGE);
		refused(*state, op, ENCL_SIZE - PAGE, 2 * PAGE, NULL, -ERANGE);
	}
}

static void range_ending_at_enclave_size_is_submitted(void **state)
{
	assert_int_equal(
		sgx2_remove_pages(*state, ENCL_SIZE - PAGE, PAGE, NULL, NULL),
		0);
	assert_int_equal(fk_ncalls, 1);
}

static void unknown_size_leaves_the_bound_to_the_kernel(void **state)
{
	struct sgx2_enclave *unsized;

	assert_int_equal(sgx2_enclave_new(&unsized, FK_FD, BASE, 0), 0);
	fk_answer_unwritten(EINVAL);
	assert_int_equal(
		sgx2_remove_pages(unsized, ENCL_SIZE, PAGE, NULL, NULL),
		-EINVAL);
	assert_int_equal(fk_ncalls, 1);
	sgx2_enclave_free(unsized);
	(void)state;
}

static void page_type_other_than_tcs_or_trim_is_einval(void **state)
{
	static const uint64_t bad[] = { 0,     SGX2_PAGE_TYPE_REG, 3, 5, 6,
					0x104, 1ull << 40 };
	struct sgx2_report r;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			sgx2_modify_types(*state, 0, PAGE, bad[i], NULL, &r),
			-EINVAL);
		assert_int_equal(r.ioctls, 0);
	}
	assert_int_equal(fk_ncalls, 0);
}

static void permissions_beyond_rwx_are_einval(void **state)
{
	static const uint64_t bad[] = { 0x8, 0x10, 0x20, 0x201, 1ull << 63 };
	struct sgx2_report r;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sgx2_restrict_permissions(*state, 0, PAGE,
							   bad[i], NULL, &r),
				 -EINVAL);
	assert_int_equal(fk_ncalls, 0);
}

static void write_without_read_is_einval(void **state)
{
	assert_int_equal(sgx2_restrict_permissions(*state, 0, PAGE, SGX2_PERM_W,
						   NULL, NULL),
			 -EINVAL);
	assert_int_equal(sgx2_restrict_permissions(*state, 0, PAGE,
						   SGX2_PERM_W | SGX2_PERM_X,
						   NULL, NULL),
			 -EINVAL);
	assert_int_equal(fk_ncalls, 0);
}

/* The kernel accepts these (even 0 and X-only), so the library must too. */
static void permissions_the_kernel_accepts_are_submitted(void **state)
{
	static const uint64_t ok[] = { 0,   SGX2_PERM_R, SGX2_PERM_X,
				       0x3, 0x5,	 0x7 };

	for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(sgx2_restrict_permissions(*state, 0, PAGE,
							   ok[i], NULL, NULL),
				 0);
		assert_int_equal(fk_calls[i].arg, ok[i]);
	}
	assert_int_equal(fk_ncalls, 6);
}

static void options_with_reserved_bits_are_einval(void **state)
{
	struct sgx2_options o;

	for (int op = 0; op < NOPS; op++) {
		sgx2_options_init(&o);
		o.reserved0 = 1;
		refused(*state, op, 0, PAGE, &o, -EINVAL);
		sgx2_options_init(&o);
		o.reserved[3] = 1;
		refused(*state, op, 0, PAGE, &o, -EINVAL);
	}
}

static void misaligned_chunk_is_einval(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE + 1;
	for (int op = 0; op < NOPS; op++)
		refused(*state, op, 0, PAGE, &o, -EINVAL);
}

static void backoff_min_above_max_is_einval(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 100;
	o.backoff_max_us = 99;
	for (int op = 0; op < NOPS; op++)
		refused(*state, op, 0, PAGE, &o, -EINVAL);
}

static void set_options_refuses_bad_options_and_keeps_the_old(void **state)
{
	struct sgx2_options o;
	struct sgx2_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE;
	assert_int_equal(sgx2_enclave_set_options(*state, &o), 0);
	o.chunk_bytes = 3;
	assert_int_equal(sgx2_enclave_set_options(*state, &o), -EINVAL);
	assert_int_equal(sgx2_enclave_set_options(NULL, &o), -EINVAL);
	/* The one-page chunks set first are still in force. */
	assert_int_equal(sgx2_remove_pages(*state, 0, 2 * PAGE, NULL, &r), 0);
	assert_int_equal(r.ioctls, 2);
}

static void enclave_new_refuses_bad_arguments(void **state)
{
	struct sgx2_enclave *e = (struct sgx2_enclave *)state;

	errno = 1234;
	assert_int_equal(sgx2_enclave_new(NULL, FK_FD, BASE, 0), -EINVAL);
	assert_int_equal(sgx2_enclave_new(&e, -1, BASE, 0), -EBADF);
	assert_int_equal(sgx2_enclave_new(&e, FK_FD, BASE + 1, 0), -EINVAL);
	assert_int_equal(sgx2_enclave_new(&e, FK_FD, BASE, PAGE + 1), -EINVAL);
	assert_int_equal(
		sgx2_enclave_new(&e, FK_FD, UINT64_MAX - PAGE + 1, 2 * PAGE),
		-EOVERFLOW);
	assert_ptr_equal(e, (struct sgx2_enclave *)state); /* untouched */
	assert_int_equal(errno, 1234);
}

static void enclave_free_accepts_null(void **state)
{
	(void)state;
	sgx2_enclave_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(null_handle_is_einval),
		TEST(misaligned_offset_is_einval),
		TEST(misaligned_length_is_einval),
		TEST(zero_length_is_einval),
		TEST(wrapping_range_is_eoverflow),
		TEST(range_past_the_address_space_is_eoverflow),
		TEST(range_past_enclave_size_is_erange),
		TEST(range_ending_at_enclave_size_is_submitted),
		TEST(unknown_size_leaves_the_bound_to_the_kernel),
		TEST(page_type_other_than_tcs_or_trim_is_einval),
		TEST(permissions_beyond_rwx_are_einval),
		TEST(write_without_read_is_einval),
		TEST(permissions_the_kernel_accepts_are_submitted),
		TEST(options_with_reserved_bits_are_einval),
		TEST(misaligned_chunk_is_einval),
		TEST(backoff_min_above_max_is_einval),
		TEST(set_options_refuses_bad_options_and_keeps_the_old),
		TEST(enclave_new_refuses_bad_arguments),
		TEST(enclave_free_accepts_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
