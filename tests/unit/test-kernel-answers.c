// SPDX-License-Identifier: MIT
/*
 * Each row of the kernel's errno table (spec §6), for each of the three
 * ioctls: what the library submits next, what it reports, when it stops.
 * Retries use a yield instead of a sleep here (backoff_min_us = 0).
 *
 * "spec §N" is section N of doc/kernel-behaviour.md.
 */
#include "common.h"

static struct sgx2_options fast(void)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 0;
	return o;
}

#define OFF (8 * (uint64_t)PAGE)
#define LEN (16 * (uint64_t)PAGE)

static void success_is_one_ioctl_over_the_whole_range(void **state)
{
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		assert_int_equal(run_op(*state, op, OFF, LEN, NULL, &r), 0);
		assert_int_equal(fk_ncalls, 1);
		assert_call(0, op_cmd[op], OFF, LEN);
		assert_int_equal(fk_calls[0].fd, FK_FD);
		assert_int_equal(r.done, LEN);
		assert_int_equal(r.error, 0);
		assert_int_equal(r.ioctls, 1);
		assert_int_equal(r.retries, 0);
		assert_int_equal(r.sgx_result, 0);
	}
}

static void operation_arguments_reach_the_kernel(void **state)
{
	assert_int_equal(sgx2_modify_types(*state, 0, PAGE, SGX2_PAGE_TYPE_TCS,
					   NULL, NULL),
			 0);
	assert_int_equal(fk_calls[0].arg, SGX2_PAGE_TYPE_TCS);
	assert_int_equal(sgx2_modify_types(*state, 0, PAGE, SGX2_PAGE_TYPE_TRIM,
					   NULL, NULL),
			 0);
	assert_int_equal(fk_calls[1].arg, SGX2_PAGE_TYPE_TRIM);
	assert_int_equal(sgx2_restrict_permissions(*state, 0, PAGE,
						   SGX2_PERM_R | SGX2_PERM_X,
						   NULL, NULL),
			 0);
	assert_int_equal(fk_calls[2].arg, SGX2_PERM_R | SGX2_PERM_X);
}

/* EAGAIN: a page under reclaim; `count` is valid and the rest is retried. */
static void eagain_resumes_from_count(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer(EAGAIN, 5 * PAGE, 0);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), 0);
		assert_int_equal(fk_ncalls, 2);
		assert_call(0, op_cmd[op], OFF, LEN);
		assert_call(1, op_cmd[op], OFF + 5 * PAGE, LEN - 5 * PAGE);
		assert_int_equal(r.done, LEN);
		assert_int_equal(r.ioctls, 2);
		assert_int_equal(r.retries, 1);
		/* Progress was made, so the retry goes out without waiting. */
		assert_int_equal(fk_yields + fk_nsleeps, 0);
	}
}

static void eagain_without_progress_retries_the_same_range(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer(EAGAIN, 0, 0);
		fk_answer(EAGAIN, 0, 0);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), 0);
		assert_int_equal(fk_ncalls, 3);
		for (unsigned int i = 0; i < 3; i++)
			assert_call(i, op_cmd[op], OFF, LEN);
		assert_int_equal(r.retries, 2);
		assert_int_equal(fk_yields, 2); /* backed off, never spun */
	}
}

/* EBUSY from the busy bit: the struct is not written back at all. */
static void ebusy_unwritten_is_retried(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer_unwritten(EBUSY);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), 0);
		assert_int_equal(fk_ncalls, 2);
		assert_call(1, op_cmd[op], OFF, LEN);
		assert_int_equal(r.done, LEN);
		assert_int_equal(r.retries, 1);
	}
}

/* EBUSY from REMOVE_PAGES' reclaimer race: `count` is valid. */
static void remove_ebusy_with_count_resumes_from_count(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	fk_answer(EBUSY, 3 * PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, &r), 0);
	assert_int_equal(fk_ncalls, 2);
	assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 3 * PAGE,
		    LEN - 3 * PAGE);
	assert_int_equal(r.done, LEN);
}

static void eintr_is_retried(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer(EINTR, PAGE, 0);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), 0);
		assert_call(1, op_cmd[op], OFF + PAGE, LEN - PAGE);
		assert_int_equal(r.retries, 1);
	}
}

/* EFAULT + SGX_EPC_PAGE_CONFLICT: another ENCLS on the page, transient. */
static void efault_with_epc_page_conflict_is_retried(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < OP_REMOVE; op++) {
		fk_reset();
		fk_answer(EFAULT, 2 * PAGE, SGX2_EPC_PAGE_CONFLICT);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), 0);
		assert_int_equal(fk_ncalls, 2);
		assert_call(1, op_cmd[op], OFF + 2 * PAGE, LEN - 2 * PAGE);
		assert_int_equal(r.done, LEN);
		assert_int_equal(r.sgx_result, 0); /* it succeeded in the end */
	}
}

/* EFAULT + SGX_PAGE_NOT_MODIFIABLE: EACCEPT is needed; no retry helps. */
static void efault_with_page_not_modifiable_stops_with_result(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < OP_REMOVE; op++) {
		fk_reset();
		fk_answer(EFAULT, 4 * PAGE, SGX2_PAGE_NOT_MODIFIABLE);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), -EFAULT);
		assert_int_equal(fk_ncalls, 1);
		assert_int_equal(r.done, 4 * PAGE);
		assert_int_equal(r.sgx_result, SGX2_PAGE_NOT_MODIFIABLE);
		assert_int_equal(r.error, -EFAULT);
		assert_int_equal(r.retries, 0);
	}
}

/* EFAULT with no SGX code: no page there, an ENCLS fault, ETRACK failed. */
static void efault_without_result_stops(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer(EFAULT, 6 * PAGE, 0);
		assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r), -EFAULT);
		assert_int_equal(fk_ncalls, 1);
		assert_int_equal(r.done, 6 * PAGE);
		assert_int_equal(r.sgx_result, 0);
	}
}

/* copy_from_user failed: nothing was done or written back. */
static void efault_unwritten_stops_with_nothing_done(void **state)
{
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer_unwritten(EFAULT);
		assert_int_equal(run_op(*state, op, OFF, LEN, NULL, &r),
				 -EFAULT);
		assert_int_equal(fk_ncalls, 1);
		assert_int_equal(r.done, 0);
	}
}

/* Per-page EINVAL (wrong page type) and EPERM: `count` pages were done. */
static void per_page_einval_and_eperm_stop_at_count(void **state)
{
	static const int errs[] = { EINVAL, EPERM };
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		for (unsigned int i = 0; i < 2; i++) {
			fk_reset();
			fk_answer(errs[i], 7 * PAGE, 0);
			assert_int_equal(run_op(*state, op, OFF, LEN, NULL, &r),
					 -errs[i]);
			assert_int_equal(fk_ncalls, 1);
			assert_int_equal(r.done, 7 * PAGE);
			assert_int_equal(r.error, -errs[i]);
		}
	}
}

/* Not initialised, bad bits, ENODEV, ENOTTY: refused before the loop. */
static void pre_loop_errors_are_not_retried(void **state)
{
	static const int errs[] = { EINVAL, ENODEV, ENOTTY, EPERM };
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		for (unsigned int i = 0; i < 4; i++) {
			fk_reset();
			fk_answer_unwritten(errs[i]);
			assert_int_equal(run_op(*state, op, OFF, LEN, NULL, &r),
					 -errs[i]);
			assert_int_equal(fk_ncalls, 1);
			assert_int_equal(r.done, 0);
			assert_int_equal(r.retries, 0);
		}
	}
}

/* MODIFY_TYPES with a type the kernel refuses in its inner function. */
static void inner_einval_with_count_zero_is_not_retried(void **state)
{
	struct sgx2_report r;

	fk_answer(EINVAL, 0, 0);
	assert_int_equal(sgx2_modify_types(*state, OFF, LEN, SGX2_PAGE_TYPE_TCS,
					   NULL, &r),
			 -EINVAL);
	assert_int_equal(fk_ncalls, 1);
	assert_int_equal(r.done, 0);
}

/* A kernel that returns early with 0 and a short count is making progress. */
static void success_with_short_count_continues(void **state)
{
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer(0, 10 * PAGE, 0);
		assert_int_equal(run_op(*state, op, OFF, LEN, NULL, &r), 0);
		assert_int_equal(fk_ncalls, 2);
		assert_call(1, op_cmd[op], OFF + 10 * PAGE, LEN - 10 * PAGE);
		assert_int_equal(r.done, LEN);
		assert_int_equal(r.retries, 0);
	}
}

static void success_with_zero_count_counts_against_the_bound(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	o.max_retries = 2;
	fk_answer_always(0, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, &r), -EAGAIN);
	assert_int_equal(fk_ncalls, 3);
	assert_int_equal(r.done, 0);
}

static void retries_in_a_row_are_bounded(void **state)
{
	static const int errs[] = { EAGAIN, EBUSY, EINTR };
	struct sgx2_options o = fast();
	struct sgx2_report r;

	o.max_retries = 5;
	for (int op = 0; op < NOPS; op++) {
		for (unsigned int i = 0; i < 3; i++) {
			fk_reset();
			fk_answer(errs[i], 2 * PAGE, 0);
			fk_answer_always(errs[i], 0, 0);
			assert_int_equal(run_op(*state, op, OFF, LEN, &o, &r),
					 -errs[i]);
			/* 1 + one retry after progress + 5 in a row without. */
			assert_int_equal(fk_ncalls, 7);
			assert_int_equal(r.ioctls, 7);
			assert_int_equal(r.retries, 6);
			assert_int_equal(r.done, 2 * PAGE);
			assert_int_equal(r.error, -errs[i]);
		}
	}
}

static void efault_conflict_past_the_bound_reports_the_code(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	o.max_retries = 1;
	fk_answer_always(EFAULT, 0, SGX2_EPC_PAGE_CONFLICT);
	assert_int_equal(sgx2_modify_types(*state, OFF, LEN,
					   SGX2_PAGE_TYPE_TRIM, &o, &r),
			 -EFAULT);
	assert_int_equal(fk_ncalls, 2);
	assert_int_equal(r.sgx_result, SGX2_EPC_PAGE_CONFLICT);
}

static void zero_retries_means_one_attempt(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	o.max_retries = 0;
	fk_answer(EAGAIN, 0, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, &r), -EAGAIN);
	assert_int_equal(fk_ncalls, 1);
	assert_int_equal(r.retries, 0);
}

/* Progress resets the streak: one EAGAIN per page still finishes. */
static void progress_resets_the_retry_bound(void **state)
{
	struct sgx2_options o = fast();
	struct sgx2_report r;

	o.max_retries = 1;
	for (unsigned int i = 0; i < 15; i++) {
		fk_answer(EAGAIN, 0, 0);
		fk_answer(EAGAIN, PAGE, 0);
	}
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, &r), 0);
	assert_int_equal(r.done, LEN);
	assert_int_equal(fk_ncalls, 31);
	for (unsigned int i = 0; i < 15; i++) {
		assert_call(2 * i, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + i * PAGE,
			    LEN - i * PAGE);
		assert_call(2 * i + 1, SGX_IOC_ENCLAVE_REMOVE_PAGES,
			    OFF + i * PAGE, LEN - i * PAGE);
	}
}

/* A transient errno with every page counted leaves nothing to retry. */
static void transient_errno_with_full_count_is_done(void **state)
{
	struct sgx2_report r;

	for (int op = 0; op < NOPS; op++) {
		fk_reset();
		fk_answer(EAGAIN, LEN, 0);
		assert_int_equal(run_op(*state, op, OFF, LEN, NULL, &r), 0);
		assert_int_equal(fk_ncalls, 1);
		assert_int_equal(r.done, LEN);
	}
}

/* A driver answering outside its ABI is not believed. */
static void count_beyond_the_range_is_eproto(void **state)
{
	struct sgx2_report r;

	fk_answer(0, LEN + PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, NULL, &r),
			 -EPROTO);
	assert_int_equal(r.done, 0);
	assert_int_equal(fk_ncalls, 1);
}

static void count_not_page_aligned_is_eproto(void **state)
{
	struct sgx2_report r;

	fk_answer(EAGAIN, PAGE, 0);
	fk_answer(EAGAIN, 100, 0);
	assert_int_equal(sgx2_modify_types(*state, OFF, LEN,
					   SGX2_PAGE_TYPE_TRIM, NULL, &r),
			 -EPROTO);
	assert_int_equal(r.done, PAGE);
	assert_int_equal(fk_ncalls, 2);
}

static void null_report_is_allowed(void **state)
{
	fk_answer(EPERM, PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, NULL, NULL),
			 -EPERM);
}

static void errno_is_left_alone(void **state)
{
	struct sgx2_options o = fast();

	errno = 1234;
	fk_answer(EAGAIN, 0, 0);
	fk_answer(EPERM, PAGE, 0);
	assert_int_equal(sgx2_remove_pages(*state, OFF, LEN, &o, NULL), -EPERM);
	assert_int_equal(errno, 1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(success_is_one_ioctl_over_the_whole_range),
		TEST(operation_arguments_reach_the_kernel),
		TEST(eagain_resumes_from_count),
		TEST(eagain_without_progress_retries_the_same_range),
		TEST(ebusy_unwritten_is_retried),
		TEST(remove_ebusy_with_count_resumes_from_count),
		TEST(eintr_is_retried),
		TEST(efault_with_epc_page_conflict_is_retried),
		TEST(efault_with_page_not_modifiable_stops_with_result),
		TEST(efault_without_result_stops),
		TEST(efault_unwritten_stops_with_nothing_done),
		TEST(per_page_einval_and_eperm_stop_at_count),
		TEST(pre_loop_errors_are_not_retried),
		TEST(inner_einval_with_count_zero_is_not_retried),
		TEST(success_with_short_count_continues),
		TEST(success_with_zero_count_counts_against_the_bound),
		TEST(retries_in_a_row_are_bounded),
		TEST(efault_conflict_past_the_bound_reports_the_code),
		TEST(zero_retries_means_one_attempt),
		TEST(progress_resets_the_retry_bound),
		TEST(transient_errno_with_full_count_is_done),
		TEST(count_beyond_the_range_is_eproto),
		TEST(count_not_page_aligned_is_eproto),
		TEST(null_report_is_allowed),
		TEST(errno_is_left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
