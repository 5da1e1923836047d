// SPDX-License-Identifier: MIT
/* Options: chunking, backoff, deadline, per-handle and per-call. */
#include "common.h"

#define OFF (4 * (uint64_t)PAGE)

static void defaults_are_documented_values(void **state)
{
	struct sgx2_options o;

	(void)state;
	memset(&o, 0xff, sizeof(o));
	sgx2_options_init(&o);
	assert_int_equal(o.chunk_bytes, 0);
	assert_int_equal(o.max_retries, SGX2_DEFAULT_MAX_RETRIES);
	assert_int_equal(o.backoff_min_us, SGX2_DEFAULT_BACKOFF_MIN_US);
	assert_int_equal(o.backoff_max_us, SGX2_DEFAULT_BACKOFF_MAX_US);
	assert_int_equal(o.timeout_ns, 0);
	assert_int_equal(o.reserved0, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(o.reserved[i], 0);
}

static void chunk_caps_bytes_per_ioctl(void **state)
{
	struct sgx2_options o;
	struct sgx2_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = 2 * PAGE;
	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		assert_int_equal(run_op(*state, op, OFF, 5 * PAGE, &o, &r), 0);
		assert_int_equal(fk_ncalls, 3);
		assert_call(0, op_cmd[op], OFF, 2 * PAGE);
		assert_call(1, op_cmd[op], OFF + 2 * PAGE, 2 * PAGE);
		assert_call(2, op_cmd[op], OFF + 4 * PAGE, PAGE);
		assert_int_equal(r.done, 5 * PAGE);
		assert_int_equal(r.ioctls, 3);
	}
}

static void chunk_larger_than_range_is_one_ioctl(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.chunk_bytes = 64 * PAGE;
	assert_int_equal(sgx2_remove_pages(*state, OFF, 3 * PAGE, &o, NULL), 0);
	assert_int_equal(fk_ncalls, 1);
	assert_call(0, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, 3 * PAGE);
}

static void partial_chunk_resumes_inside_the_chunk(void **state)
{
	struct sgx2_options o;
	struct sgx2_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = 4 * PAGE;
	o.backoff_min_us = 0;
	fk_answer(0, 4 * PAGE, 0);
	fk_answer(EAGAIN, PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, 8 * PAGE, &o, &r), 0);
	assert_int_equal(fk_ncalls, 3);
	assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 4 * PAGE, 4 * PAGE);
	assert_call(2, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 5 * PAGE, 3 * PAGE);
}

static void failure_in_a_later_chunk_reports_pages_before_it(void **state)
{
	struct sgx2_options o;
	struct sgx2_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = 2 * PAGE;
	fk_answer(0, 2 * PAGE, 0);
	fk_answer(EPERM, PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, 6 * PAGE, &o, &r),
			 -EPERM);
	assert_int_equal(fk_ncalls, 2);
	assert_int_equal(r.done, 3 * PAGE);
}

/* Backoff: doubling from min to max, and only when no progress was made. */
static void backoff_doubles_up_to_the_cap(void **state)
{
	static const uint64_t want[] = { 50, 100, 200, 400, 800, 1000, 1000 };
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 50;
	o.backoff_max_us = 1000;
	o.max_retries = 7;
	fk_answer_always(EBUSY, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, PAGE, &o, NULL),
			 -EBUSY);
	assert_int_equal(fk_nsleeps, 7);
	for (unsigned int i = 0; i < 7; i++)
		assert_int_equal(fk_sleeps_us[i], want[i]);
	assert_int_equal(fk_yields, 0);
}

static void backoff_restarts_after_progress(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 10;
	o.backoff_max_us = 10000;
	fk_answer(EAGAIN, 0, 0);
	fk_answer(EAGAIN, 0, 0);
	fk_answer(EAGAIN, PAGE, 0); /* progress: retried at once */
	fk_answer(EAGAIN, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, 4 * PAGE, &o, NULL), 0);
	assert_int_equal(fk_nsleeps, 3);
	assert_int_equal(fk_sleeps_us[0], 10);
	assert_int_equal(fk_sleeps_us[1], 20);
	assert_int_equal(fk_sleeps_us[2], 10);
}

static void default_options_sleep_rather_than_spin(void **state)
{
	fk_answer(EBUSY, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, PAGE, NULL, NULL), 0);
	assert_int_equal(fk_nsleeps, 1);
	assert_int_equal(fk_sleeps_us[0], SGX2_DEFAULT_BACKOFF_MIN_US);
}

static void zero_backoff_yields_the_cpu(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 0;
	fk_answer(EBUSY, 0, 0);
	fk_answer(EBUSY, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, PAGE, &o, NULL), 0);
	assert_int_equal(fk_yields, 2);
	assert_int_equal(fk_nsleeps, 0);
}

/* A backoff that would end past the deadline gives up at once. */
static void deadline_stops_retries_with_etimedout(void **state)
{
	struct sgx2_options o;
	struct sgx2_report r;

	sgx2_options_init(&o);
	o.timeout_ns = 1000000000; /* 1 s, below the 2 s sleep */
	o.backoff_min_us = 2000000;
	o.backoff_max_us = 2000000;
	fk_answer(EAGAIN, 2 * PAGE, 0);
	fk_answer_always(EAGAIN, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, 4 * PAGE, &o, &r),
			 -ETIMEDOUT);
	assert_int_equal(fk_ncalls, 2);
	assert_int_equal(fk_nsleeps, 0);
	assert_int_equal(r.done, 2 * PAGE);
	assert_int_equal(r.error, -ETIMEDOUT);
}

/* The first ioctl always goes out; a passed deadline stops the next chunk. */
static void deadline_is_checked_between_chunks(void **state)
{
	struct sgx2_options o;
	struct sgx2_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE;
	o.timeout_ns = 1; /* already over by the second chunk */
	assert_int_equal(sgx2_remove_pages(*state, OFF, 3 * PAGE, &o, &r),
			 -ETIMEDOUT);
	assert_int_equal(fk_ncalls, 1);
	assert_int_equal(r.done, PAGE);
}

static void huge_timeout_does_not_overflow(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.timeout_ns = UINT64_MAX;
	o.backoff_min_us = 0;
	fk_answer(EAGAIN, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, PAGE, &o, NULL), 0);
	assert_int_equal(fk_ncalls, 2);
}

static void handle_options_apply_when_call_passes_null(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE;
	assert_int_equal(sgx2_enclave_set_options(*state, &o), 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, 3 * PAGE, NULL, NULL),
			 0);
	assert_int_equal(fk_ncalls, 3);
}

static void call_options_override_handle_options(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE;
	assert_int_equal(sgx2_enclave_set_options(*state, &o), 0);
	o.chunk_bytes = 0;
	assert_int_equal(sgx2_remove_pages(*state, OFF, 3 * PAGE, &o, NULL), 0);
	assert_int_equal(fk_ncalls, 1);
}

static void set_options_null_restores_defaults(void **state)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE;
	assert_int_equal(sgx2_enclave_set_options(*state, &o), 0);
	assert_int_equal(sgx2_enclave_set_options(*state, NULL), 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, 3 * PAGE, NULL, NULL),
			 0);
	assert_int_equal(fk_ncalls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(defaults_are_documented_values),
		TEST(chunk_caps_bytes_per_ioctl),
		TEST(chunk_larger_than_range_is_one_ioctl),
		TEST(partial_chunk_resumes_inside_the_chunk),
		TEST(failure_in_a_later_chunk_reports_pages_before_it),
		TEST(backoff_doubles_up_to_the_cap),
		TEST(backoff_restarts_after_progress),
		TEST(default_options_sleep_rather_than_spin),
		TEST(zero_backoff_yields_the_cpu),
		TEST(deadline_stops_retries_with_etimedout),
		TEST(deadline_is_checked_between_chunks),
		TEST(huge_timeout_does_not_overflow),
		TEST(handle_options_apply_when_call_passes_null),
		TEST(call_options_override_handle_options),
		TEST(set_options_null_restores_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
