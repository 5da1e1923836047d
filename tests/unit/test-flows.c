// SPDX-License-Identifier: MIT
/*
 * The flows against the scripted kernel and a scripted enclave: the order
 * of the steps, what each step is handed, and the report after a failure
 * at each step. (tests/sim/ runs them against the simulator's EPCM.)
 */
#include "common.h"

#define OFF (16 * (uint64_t)PAGE)

/* The enclave side: records each accept call, answers as scripted. */
struct accept_call {
	unsigned int seq;
	uint64_t addr;
	uint64_t length;
	uint64_t secinfo;
};

static struct accept_call accepts[FK_MAX];
static unsigned int naccepts;
static int64_t accept_answers[FK_MAX];
static unsigned int nanswers, next_answer;
static struct sgx2_flow_report progress_seen[FK_MAX];
static unsigned int nprogress, cancel_at;

static int64_t accept_cb(void *arg, uint64_t addr, uint64_t length,
			 uint64_t secinfo)
{
	(void)arg;
	accepts[naccepts++] =
		(struct accept_call){ fk_seq++, addr, length, secinfo };
	errno = 4321; /* the library must restore the caller's errno */
	return next_answer < nanswers ? accept_answers[next_answer++]
				      : (int64_t)length;
}

static void accept_answers_with(int64_t v)
{
	accept_answers[nanswers++] = v;
}

static int progress_cb(void *arg, const struct sgx2_flow_report *sofar)
{
	(void)arg;
	progress_seen[nprogress++] = *sofar;
	return cancel_at && nprogress == cancel_at;
}

static const struct sgx2_callbacks cb = {
	.accept = accept_cb,
	.progress = progress_cb,
};

static int setup(void **state)
{
	naccepts = nanswers = next_answer = nprogress = cancel_at = 0;
	return fk_setup(state);
}

#define FTEST(f) cmocka_unit_test_setup_teardown(f, setup, fk_teardown)

static void assert_accept(unsigned int i, uint64_t off, uint64_t len,
			  uint64_t secinfo)
{
	assert_true(i < naccepts);
	assert_int_equal(accepts[i].addr, BASE + off);
	assert_int_equal(accepts[i].length, len);
	assert_int_equal(accepts[i].secinfo, secinfo);
}

static void assert_counters(const struct sgx2_flow_report *r, uint64_t changed,
			    uint64_t accepted, uint64_t removed)
{
	assert_int_equal(r->changed, changed);
	assert_int_equal(r->accepted, accepted);
	assert_int_equal(r->removed, removed);
}

/* -- sgx2_trim_and_remove -------------------------------------------- */

static void removal_costs_two_ioctls_and_one_callback_for_any_size(void **s)
{
	static const uint64_t pages[] = { 1, 2, 7, 64, 1 << 20 };
	struct sgx2_enclave *big;
	struct sgx2_flow_report r;

	assert_int_equal(sgx2_enclave_new(&big, FK_FD, BASE, 0), 0);
	for (unsigned int i = 0; i < 5; i++) {
		uint64_t len = pages[i] * PAGE;

		fk_reset();
		naccepts = 0;
		assert_int_equal(
			sgx2_trim_and_remove(big, OFF, len, &cb, NULL, &r), 0);
		assert_int_equal(fk_ncalls, 2);
		assert_call(0, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF, len);
		assert_int_equal(fk_calls[0].arg, SGX2_PAGE_TYPE_TRIM);
		assert_int_equal(naccepts, 1);
		assert_accept(0, OFF, len, SGX2_ACCEPT_TRIM);
		assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, len);
		assert_true(fk_calls[0].seq < accepts[0].seq &&
			    accepts[0].seq < fk_calls[1].seq);
		assert_counters(&r, len, len, len);
		assert_int_equal(r.ioctls, 2);
		assert_int_equal(r.callbacks, 1);
		assert_int_equal(r.error, 0);
		assert_int_equal(r.step, SGX2_STEP_NONE);
		/* One chunk, shown once it is done: the whole range. */
		assert_int_equal(nprogress, 1);
		assert_counters(&progress_seen[0], len, len, len);
		nprogress = 0;
	}
	sgx2_enclave_free(big);
	(void)s;
}

static void chunks_run_trim_accept_remove_each(void **state)
{
	struct sgx2_options o;
	struct sgx2_flow_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = 2 * PAGE;
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 5 * PAGE, &cb, &o, &r), 0);
	assert_int_equal(fk_ncalls, 6);
	assert_int_equal(naccepts, 3);
	for (unsigned int c = 0; c < 3; c++) {
		uint64_t off = OFF + 2 * c * PAGE;
		uint64_t len = c < 2 ? 2 * PAGE : PAGE;

		assert_call(2 * c, SGX_IOC_ENCLAVE_MODIFY_TYPES, off, len);
		assert_accept(c, off, len, SGX2_ACCEPT_TRIM);
		assert_call(2 * c + 1, SGX_IOC_ENCLAVE_REMOVE_PAGES, off, len);
		assert_true(fk_calls[2 * c].seq < accepts[c].seq &&
			    accepts[c].seq < fk_calls[2 * c + 1].seq);
	}
	/* Progress is reported after each chunk, the last included (a
	 * progress bar reaches 100%), never before the first. */
	assert_int_equal(nprogress, 3);
	assert_counters(&progress_seen[0], 2 * PAGE, 2 * PAGE, 2 * PAGE);
	assert_counters(&progress_seen[1], 4 * PAGE, 4 * PAGE, 4 * PAGE);
	assert_counters(&progress_seen[2], 5 * PAGE, 5 * PAGE, 5 * PAGE);
	assert_int_equal(progress_seen[2].ioctls, 6);
	assert_int_equal(progress_seen[2].error, 0);
	assert_counters(&r, 5 * PAGE, 5 * PAGE, 5 * PAGE);
}

/* After the last chunk there is nothing left to cancel. */
static void progress_after_the_last_chunk_cannot_cancel(void **state)
{
	struct sgx2_options o;
	struct sgx2_flow_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = 2 * PAGE;
	cancel_at = 2;
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 4 * PAGE, &cb, &o, &r), 0);
	assert_int_equal(nprogress, 2);
	assert_int_equal(r.step, SGX2_STEP_NONE);
	assert_counters(&r, 4 * PAGE, 4 * PAGE, 4 * PAGE);
}

/* A chunk that failed is not shown: the report the flow returns is. */
static void progress_is_not_called_for_a_failed_chunk(void **state)
{
	struct sgx2_options o;
	struct sgx2_flow_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = 2 * PAGE;
	fk_answer(0, 2 * PAGE, 0);			   /* trim chunk 1 */
	fk_answer(0, 2 * PAGE, 0);			   /* remove */
	fk_answer(EFAULT, PAGE, SGX2_PAGE_NOT_MODIFIABLE); /* trim chunk 2 */
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 4 * PAGE, &cb, &o, &r),
		-EFAULT);
	assert_int_equal(nprogress, 1);
	assert_counters(&progress_seen[0], 2 * PAGE, 2 * PAGE, 2 * PAGE);
	assert_counters(&r, 3 * PAGE, 3 * PAGE, 3 * PAGE);
}

static void progress_can_cancel_between_chunks(void **state)
{
	struct sgx2_options o;
	struct sgx2_flow_report r;

	sgx2_options_init(&o);
	o.chunk_bytes = PAGE;
	cancel_at = 2;
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 5 * PAGE, &cb, &o, &r),
		-ECANCELED);
	assert_int_equal(r.step, SGX2_STEP_PROGRESS);
	assert_counters(&r, 2 * PAGE, 2 * PAGE, 2 * PAGE);
	assert_int_equal(fk_ncalls, 4);
}

static void transient_faults_end_in_success_with_no_page_twice(void **state)
{
	struct sgx2_options o;
	struct sgx2_flow_report r;

	sgx2_options_init(&o);
	o.backoff_min_us = 0;
	fk_answer(EAGAIN, 3 * PAGE, 0);			     /* trim */
	fk_answer(EFAULT, 2 * PAGE, SGX2_EPC_PAGE_CONFLICT); /* trim */
	fk_answer(0, 3 * PAGE, 0);     /* trim, the rest */
	fk_answer(EBUSY, 4 * PAGE, 0); /* remove */
	fk_answer_unwritten(EBUSY);    /* remove */
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, &o, &r), 0);
	assert_int_equal(fk_ncalls, 6);
	assert_call(1, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + 3 * PAGE, 5 * PAGE);
	assert_call(2, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + 5 * PAGE, 3 * PAGE);
	assert_accept(0, OFF, 8 * PAGE, SGX2_ACCEPT_TRIM);
	assert_call(4, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 4 * PAGE, 4 * PAGE);
	assert_call(5, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 4 * PAGE, 4 * PAGE);
	assert_counters(&r, 8 * PAGE, 8 * PAGE, 8 * PAGE);
	assert_int_equal(r.retries, 4);
	assert_int_equal(naccepts, 1);
}

/* A trim that stops at page k still has pages [0, k) accepted and removed. */
static void trim_failure_still_removes_what_was_trimmed(void **state)
{
	struct sgx2_flow_report r;

	for (uint64_t k = 0; k < 4; k++) {
		fk_reset();
		naccepts = 0;
		fk_answer(EFAULT, k * PAGE, SGX2_PAGE_NOT_MODIFIABLE);
		assert_int_equal(sgx2_trim_and_remove(*state, OFF, 4 * PAGE,
						      &cb, NULL, &r),
				 -EFAULT);
		assert_int_equal(r.step, SGX2_STEP_MODIFY);
		assert_int_equal(r.sgx_result, SGX2_PAGE_NOT_MODIFIABLE);
		assert_counters(&r, k * PAGE, k * PAGE, k * PAGE);
		assert_int_equal(naccepts, k ? 1 : 0);
		assert_int_equal(fk_ncalls, k ? 2 : 1);
		if (k) {
			assert_accept(0, OFF, k * PAGE, SGX2_ACCEPT_TRIM);
			assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF,
				    k * PAGE);
		}
	}
}

/* The enclave accepted a prefix: that prefix is removed, the rest stays. */
static void short_accept_removes_the_accepted_prefix(void **state)
{
	struct sgx2_flow_report r;

	accept_answers_with(3 * PAGE);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, NULL, &r),
		-EIO);
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_counters(&r, 8 * PAGE, 3 * PAGE, 3 * PAGE);
	assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, 3 * PAGE);
	assert_int_equal(fk_ncalls, 2);
}

static void accept_error_removes_nothing_and_is_returned(void **state)
{
	struct sgx2_flow_report r;

	accept_answers_with(-ENOMEM);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, NULL, &r),
		-ENOMEM);
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_counters(&r, 8 * PAGE, 0, 0);
	assert_int_equal(fk_ncalls, 1);
}

/*
 * A callback that answers outside its range is not believed: REMOVE_PAGES
 * is asked which of the pages were accepted (here none: EPERM, which
 * the library asks again in case the kernel's probe failed). Nor is a
 * refusal then: the pages it did not take are left past changed, TRIM,
 * for a resume to ask about one by one.
 */
static void lying_accept_is_eproto_and_remove_pages_is_asked(void **state)
{
	static const int64_t lies[] = { 9 * PAGE, 100, INT64_MAX, INT64_MIN,
					-100000 };
	struct sgx2_flow_report r;

	for (unsigned int i = 0; i < 5; i++) {
		fk_reset();
		nanswers = next_answer = naccepts = 0;
		accept_answers_with(lies[i]);
		fk_answer(0, 8 * PAGE, 0);
		fk_answer_always(EPERM, 0, 0);
		assert_int_equal(sgx2_trim_and_remove(*state, OFF, 8 * PAGE,
						      &cb, NULL, &r),
				 -EPROTO);
		assert_int_equal(r.step, SGX2_STEP_ACCEPT);
		assert_counters(&r, 0, 0, 0);
		/* Once, then 3 more times in a row without progress. */
		assert_int_equal(fk_ncalls, 1 + 4);
		for (unsigned int c = 1; c < 5; c++)
			assert_call(c, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF,
				    8 * PAGE);
		/* The callback that lied is not asked again. */
		assert_int_equal(naccepts, 1);
	}
}

/* The pages the lying callback did accept are found, and removed. */
static void eproto_after_accepting_a_prefix_removes_that_prefix(void **s)
{
	struct sgx2_flow_report r;

	accept_answers_with(8 * PAGE + 1);
	fk_answer(0, 8 * PAGE, 0);
	fk_answer(EPERM, 3 * PAGE, 0); /* accepted: pages 0-2 */
	fk_answer_always(EPERM, 0, 0);
	assert_int_equal(sgx2_trim_and_remove(*s, OFF, 8 * PAGE, &cb, NULL, &r),
			 -EPROTO);
	assert_counters(&r, 3 * PAGE, 3 * PAGE, 3 * PAGE);
	assert_call(2, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 3 * PAGE, 5 * PAGE);
	assert_int_equal(fk_ncalls, 2 + 4);
}

/* Past the retries, REMOVE_PAGES could not tell: the pages it could not
 * place are left past changed, for a resume to ask about again. */
static void eproto_and_a_failed_remove_leave_the_pages_unknown(void **s)
{
	struct sgx2_options o;
	struct sgx2_flow_report r;

	sgx2_options_init(&o);
	o.max_retries = 0;
	accept_answers_with(-100000);
	fk_answer(0, 8 * PAGE, 0);
	fk_answer(EAGAIN, 2 * PAGE, 0);
	fk_answer(EAGAIN, 0, 0);
	assert_int_equal(sgx2_trim_and_remove(*s, OFF, 8 * PAGE, &cb, &o, &r),
			 -EPROTO);
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_counters(&r, 2 * PAGE, 2 * PAGE, 2 * PAGE);
}

static void remove_failure_reports_where_it_stopped(void **state)
{
	struct sgx2_flow_report r;

	fk_answer(0, 8 * PAGE, 0);
	fk_answer(EPERM, 5 * PAGE, 0);
	fk_answer_always(EPERM, 0, 0);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, NULL, &r),
		-EPERM);
	assert_int_equal(r.step, SGX2_STEP_REMOVE);
	assert_counters(&r, 8 * PAGE, 8 * PAGE, 5 * PAGE);
	assert_int_equal(fk_ncalls, 1 + 1 + 4);
}

/*
 * EPERM from REMOVE_PAGES on pages the enclave accepted may be the
 * kernel's EMODPR probe failing: asked again, with the backoff, it goes.
 */
static void remove_eperm_on_accepted_pages_is_asked_again(void **state)
{
	struct sgx2_flow_report r;

	fk_answer(0, 8 * PAGE, 0);
	fk_answer(EPERM, 5 * PAGE, 0);
	fk_answer(EPERM, 0, 0);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, NULL, &r), 0);
	assert_counters(&r, 8 * PAGE, 8 * PAGE, 8 * PAGE);
	assert_int_equal(fk_ncalls, 4);
	assert_call(2, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 5 * PAGE, 3 * PAGE);
	assert_call(3, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 5 * PAGE, 3 * PAGE);
	assert_int_equal(fk_nsleeps, 1); /* after the one without progress */
	assert_int_equal(r.retries, 2);
}

/* The first failure is the one reported; the counters say the rest. */
static void first_failure_wins_when_cleanup_fails_too(void **state)
{
	struct sgx2_flow_report r;

	fk_answer(EFAULT, 4 * PAGE, SGX2_PAGE_NOT_MODIFIABLE);
	accept_answers_with(2 * PAGE);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, NULL, &r),
		-EFAULT);
	assert_int_equal(r.step, SGX2_STEP_MODIFY);
	assert_counters(&r, 4 * PAGE, 2 * PAGE, 2 * PAGE);
}

static void bad_input_calls_nothing(void **state)
{
	struct sgx2_callbacks no_accept = { .progress = progress_cb };
	struct sgx2_callbacks reserved = { .accept = accept_cb };
	struct sgx2_flow_report r;

	reserved.reserved[1] = &r;
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, PAGE, NULL, NULL, &r),
		-EINVAL);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, PAGE, &no_accept, NULL, &r),
		-EINVAL);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, PAGE, &reserved, NULL, &r),
		-EINVAL);
	assert_int_equal(sgx2_trim_and_remove(NULL, OFF, PAGE, &cb, NULL, &r),
			 -EINVAL);
	assert_int_equal(
		sgx2_trim_and_remove(*state, ENCL_SIZE, PAGE, &cb, NULL, &r),
		-ERANGE);
	assert_int_equal(r.error, -ERANGE);
	assert_counters(&r, 0, 0, 0);
	assert_int_equal(sgx2_add_tcs(*state, 1, PAGE, &cb, NULL, &r), -EINVAL);
	assert_int_equal(sgx2_grow(*state, OFF, PAGE, 0x80, &cb, NULL, &r),
			 -EINVAL);
	assert_int_equal(sgx2_restrict_and_accept(*state, OFF, PAGE,
						  SGX2_PERM_W, 0, &cb, NULL,
						  &r),
			 -EINVAL);
	assert_int_equal(sgx2_restrict_and_accept(*state, OFF, PAGE,
						  SGX2_PERM_R, 0x4, &cb, NULL,
						  &r),
			 -EINVAL);
	assert_int_equal(fk_ncalls + fk_nmaps + naccepts + nprogress, 0);
}

/*
 * Handles of unknown size at the top of the address space: no flow hands
 * the callback a range that wraps past 2^64 (or maps one): -EOVERFLOW up
 * front, nothing done.
 */
static void no_flow_passes_a_range_that_wraps_the_address_space(void **s)
{
	uint64_t top = 0 - 16 * (uint64_t)PAGE; /* base 2^64 - 16 pages */
	struct sgx2_enclave *e;
	struct sgx2_flow_report r;
	uint64_t off = 15 * PAGE, len = 2 * PAGE;

	(void)s;
	assert_int_equal(sgx2_enclave_new(&e, FK_FD, top, 0), 0);
	assert_int_equal(
		sgx2_grow(e, off, len, SGX2_FLOW_NO_MMAP, &cb, NULL, &r),
		-EOVERFLOW);
	assert_int_equal(r.step, SGX2_STEP_NONE);
	assert_int_equal(sgx2_grow(e, off, len, 0, &cb, NULL, &r), -EOVERFLOW);
	assert_int_equal(sgx2_trim_and_remove(e, off, len, &cb, NULL, &r),
			 -EOVERFLOW);
	r = (struct sgx2_flow_report){ .offset = off, .length = len };
	assert_int_equal(sgx2_trim_and_remove_resume(e, &cb, NULL, &r),
			 -EOVERFLOW);
	assert_int_equal(sgx2_add_tcs(e, off, len, &cb, NULL, &r), -EOVERFLOW);
	assert_int_equal(sgx2_restrict_and_accept(e, off, len, SGX2_PERM_R,
						  SGX2_FLOW_MPROTECT, &cb, NULL,
						  &r),
			 -EOVERFLOW);
	assert_int_equal(fk_ncalls + fk_nmaps + naccepts + nprogress, 0);
	/* Below the top, the same flow runs. */
	assert_int_equal(
		sgx2_grow(e, 14 * PAGE, PAGE, SGX2_FLOW_NO_MMAP, &cb, NULL, &r),
		0);
	assert_accept(0, 14 * PAGE - BASE + top, PAGE, SGX2_ACCEPT_AUG);
	sgx2_enclave_free(e);
}

/*
 * The rule for callbacks (sgx2.h, sgx2_enclave_free(3)): no library lock
 * is held, so a callback may call libsgx2 on its flow's handle (here a
 * range op and new handle options), just not free it.
 */
static struct sgx2_enclave *reentered;

static int64_t accept_and_call_libsgx2(void *arg, uint64_t addr, uint64_t len,
				       uint64_t secinfo)
{
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.max_retries = 7;
	assert_int_equal(sgx2_enclave_set_options(reentered, &o), 0);
	assert_int_equal(sgx2_restrict_permissions(reentered, 0, PAGE,
						   SGX2_PERM_R, NULL, NULL),
			 0);
	return accept_cb(arg, addr, len, secinfo);
}

static void a_callback_may_call_libsgx2_on_its_handle(void **state)
{
	const struct sgx2_callbacks re = { .accept = accept_and_call_libsgx2 };
	struct sgx2_flow_report r;

	reentered = *state;
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 2 * PAGE, &re, NULL, &r), 0);
	assert_int_equal(fk_ncalls, 3);
	assert_call(1, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, 0, PAGE);
	assert_counters(&r, 2 * PAGE, 2 * PAGE, 2 * PAGE);
}

static void callbacks_leave_errno_alone(void **state)
{
	errno = 1234;
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, PAGE, &cb, NULL, NULL), 0);
	assert_int_equal(errno, 1234);
}

/* -- sgx2_trim_and_remove_resume ------------------------------------- */

static void resume_accepts_what_was_trimmed_then_carries_on(void **state)
{
	struct sgx2_flow_report r;

	accept_answers_with(3 * PAGE);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 8 * PAGE, &cb, NULL, &r),
		-EIO);
	fk_reset();
	naccepts = 0;
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r), 0);
	assert_int_equal(naccepts, 1);
	assert_accept(0, OFF + 3 * PAGE, 5 * PAGE, SGX2_ACCEPT_TRIM);
	assert_int_equal(fk_ncalls, 1);
	assert_call(0, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 3 * PAGE, 5 * PAGE);
	assert_counters(&r, 8 * PAGE, 8 * PAGE, 8 * PAGE);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.step, SGX2_STEP_NONE);
}

static void resume_after_trim_failure_trims_the_rest(void **state)
{
	struct sgx2_flow_report r;

	fk_answer(EAGAIN, 2 * PAGE, 0); /* progress: retried at once */
	fk_answer(EAGAIN, 0, 0);	/* none: the bound of 0 is spent */
	{
		struct sgx2_options o;

		sgx2_options_init(&o);
		o.max_retries = 0;
		assert_int_equal(sgx2_trim_and_remove(*state, OFF, 6 * PAGE,
						      &cb, &o, &r),
				 -EAGAIN);
	}
	assert_counters(&r, 2 * PAGE, 2 * PAGE, 2 * PAGE);
	fk_reset();
	naccepts = 0;
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r), 0);
	assert_call(0, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + 2 * PAGE, 4 * PAGE);
	assert_accept(0, OFF + 2 * PAGE, 4 * PAGE, SGX2_ACCEPT_TRIM);
	assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 2 * PAGE, 4 * PAGE);
	assert_counters(&r, 6 * PAGE, 6 * PAGE, 6 * PAGE);
}

/*
 * Counters that lag (zero, say) over pages already removed, accepted and
 * trimmed: absent pages count as removed, accepted TRIM pages are removed,
 * unaccepted TRIM pages are accepted one by one, the rest runs as usual.
 */
static void resume_from_lagging_counters_finishes_every_state(void **state)
{
	struct sgx2_flow_report r = { .offset = OFF, .length = 6 * PAGE };

	/* Truth: page 0 absent, page 1 accepted TRIM, page 2 TRIM, 3-5 REG. */
	fk_answer(EFAULT, 0, 0);   /* trim @0: no page there? */
	fk_answer(EFAULT, 0, 0);   /* remove @0 alone: none? */
	fk_answer(EFAULT, 0, 0);   /* asked again (a load can fail): none */
	fk_answer(EINVAL, 0, 0);   /* trim @1: already TRIM */
	fk_answer(EPERM, PAGE, 0); /* remove @1: takes 1, EPERM at 2 */
	fk_answer(EINVAL, 0, 0);   /* trim @2: already TRIM */
	fk_answer(EPERM, 0, 0);	   /* remove @2: not accepted */
	fk_answer(0, PAGE, 0);	   /* remove @2 after its accept */
	fk_answer(0, 3 * PAGE, 0); /* trim @3..5 */
	fk_answer(0, 3 * PAGE, 0); /* remove @3..5 */
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r), 0);
	assert_int_equal(fk_ncalls, 10);
	assert_call(0, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF, 6 * PAGE);
	assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, PAGE);
	assert_call(2, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, PAGE);
	assert_call(3, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + PAGE, 5 * PAGE);
	assert_call(4, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + PAGE, 5 * PAGE);
	assert_call(5, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + 2 * PAGE, 4 * PAGE);
	assert_call(6, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 2 * PAGE, 4 * PAGE);
	assert_call(7, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 2 * PAGE, PAGE);
	assert_call(8, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + 3 * PAGE, 3 * PAGE);
	assert_call(9, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + 3 * PAGE, 3 * PAGE);
	assert_int_equal(naccepts, 2);
	assert_accept(0, OFF + 2 * PAGE, PAGE, SGX2_ACCEPT_TRIM);
	assert_accept(1, OFF + 3 * PAGE, 3 * PAGE, SGX2_ACCEPT_TRIM);
	assert_counters(&r, 6 * PAGE, 6 * PAGE, 6 * PAGE);
	assert_int_equal(r.error, 0);
}

/*
 * EFAULT from the trim with the page still there (ETRACK failed after
 * EMODT, or EMODT faulted): REMOVE_PAGES says EPERM, and it is an error.
 */
static void resume_does_not_count_a_failed_page_as_removed(void **state)
{
	struct sgx2_flow_report r = { .offset = OFF, .length = 4 * PAGE };

	fk_answer(EFAULT, PAGE, 0); /* trim: page 1 failed */
	fk_answer(0, PAGE, 0);	    /* remove page 0 */
	fk_answer(EPERM, 0, 0);	    /* page 1 is still there */
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r),
			 -EFAULT);
	assert_int_equal(r.step, SGX2_STEP_MODIFY);
	assert_int_equal(r.sgx_result, 0);
	assert_counters(&r, PAGE, PAGE, PAGE);
	assert_call(2, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + PAGE, PAGE);
	assert_int_equal(fk_ncalls, 3);
}

/*
 * REMOVE_PAGES' EPERM on a TRIM page means "not accepted" or "the probe
 * failed on an accepted page". Where EACCEPT then refuses the page, the
 * library asks REMOVE_PAGES again rather than calling it unaccepted.
 */
static void resume_asks_again_where_eaccept_refuses_a_page_in_doubt(void **s)
{
	struct sgx2_flow_report r = { .offset = OFF, .length = 4 * PAGE };

	fk_answer(EINVAL, 0, 0); /* trim @0: already TRIM */
	fk_answer(EPERM, 0, 0);	 /* remove @0..: the probe failed on it */
	accept_answers_with(0);	 /* EACCEPT refuses it: accepted already */
	fk_answer(0, PAGE, 0);	 /* remove @0 alone: it goes */
	assert_int_equal(sgx2_trim_and_remove_resume(*s, &cb, NULL, &r), 0);
	assert_int_equal(fk_ncalls, 5);
	assert_call(0, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF, 4 * PAGE);
	assert_call(1, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, 4 * PAGE);
	assert_call(2, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF, PAGE);
	assert_call(3, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF + PAGE, 3 * PAGE);
	assert_call(4, SGX_IOC_ENCLAVE_REMOVE_PAGES, OFF + PAGE, 3 * PAGE);
	assert_int_equal(naccepts, 2);
	assert_accept(0, OFF, PAGE, SGX2_ACCEPT_TRIM);
	assert_accept(1, OFF + PAGE, 3 * PAGE, SGX2_ACCEPT_TRIM);
	assert_counters(&r, 4 * PAGE, 4 * PAGE, 4 * PAGE);
}

/* A report may call an accepted page unaccepted (one from an earlier
 * release did, after a failed probe): where EACCEPT refuses it, the
 * resume asks REMOVE_PAGES, which removes it and its accepted followers;
 * a page it does not take is really unaccepted, and refused: -EIO. */
static void resume_checks_the_pages_its_input_calls_unaccepted(void **s)
{
	struct sgx2_flow_report r = { .offset = OFF,
				      .length = 4 * PAGE,
				      .changed = 4 * PAGE };

	accept_answers_with(0);	   /* page 0: accepted already */
	fk_answer(EPERM, PAGE, 0); /* takes 0, not 1 */
	fk_answer_always(EPERM, 0, 0);
	accept_answers_with(0); /* page 1: refused for real */
	assert_int_equal(sgx2_trim_and_remove_resume(*s, &cb, NULL, &r), -EIO);
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_counters(&r, 4 * PAGE, PAGE, PAGE);
	assert_int_equal(naccepts, 2);
	assert_accept(1, OFF + PAGE, 3 * PAGE, SGX2_ACCEPT_TRIM);
	/* Each EPERM without progress is asked 3 more times: 2 + 3 after
	 * the first refusal, 1 + 3 after the second. */
	assert_int_equal(fk_ncalls, 9);
}

/* A fresh call does not guess: an absent or TRIM page stops it. */
static void fresh_call_stops_on_pages_in_other_states(void **state)
{
	struct sgx2_flow_report r;

	fk_answer(EINVAL, 2 * PAGE, 0);
	assert_int_equal(
		sgx2_trim_and_remove(*state, OFF, 6 * PAGE, &cb, NULL, &r),
		-EINVAL);
	assert_counters(&r, 2 * PAGE, 2 * PAGE, 2 * PAGE);
	assert_int_equal(r.step, SGX2_STEP_MODIFY);
}

static void resume_stops_on_a_pending_page(void **state)
{
	struct sgx2_flow_report r = { .offset = OFF, .length = 4 * PAGE };

	fk_answer(EFAULT, PAGE, SGX2_PAGE_NOT_MODIFIABLE);
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r),
			 -EFAULT);
	assert_int_equal(r.sgx_result, SGX2_PAGE_NOT_MODIFIABLE);
	assert_counters(&r, PAGE, PAGE, PAGE);
}

/* EINVAL from both the trim and the check that follows is the range's. */
static void resume_reports_a_refused_range_at_the_trim_step(void **state)
{
	struct sgx2_flow_report r = { .offset = OFF, .length = 4 * PAGE };

	fk_answer_unwritten(EINVAL); /* trim: not initialised */
	fk_answer_unwritten(EINVAL); /* remove: the same */
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r),
			 -EINVAL);
	assert_int_equal(r.step, SGX2_STEP_MODIFY);
	assert_counters(&r, 0, 0, 0);
	assert_int_equal(fk_ncalls, 2);
	assert_int_equal(naccepts, 0);
}

static void refused_resume_keeps_the_callers_counters(void **state)
{
	struct sgx2_flow_report r = { .offset = OFF,
				      .length = 4 * PAGE,
				      .changed = 3 * PAGE,
				      .accepted = 2 * PAGE,
				      .removed = PAGE };

	assert_int_equal(sgx2_trim_and_remove_resume(NULL, &cb, NULL, &r),
			 -EINVAL);
	assert_int_equal(r.error, -EINVAL);
	assert_counters(&r, 3 * PAGE, 2 * PAGE, PAGE);
	assert_int_equal(sgx2_trim_and_remove_resume(*state, NULL, NULL, &r),
			 -EINVAL);
	assert_counters(&r, 3 * PAGE, 2 * PAGE, PAGE);
	r.removed = 4 * PAGE; /* out of order */
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, &r),
			 -EINVAL);
	assert_counters(&r, 3 * PAGE, 2 * PAGE, 4 * PAGE);
	assert_int_equal(fk_ncalls + naccepts, 0);
}

static void resume_refuses_inconsistent_counters(void **state)
{
	static const struct sgx2_flow_report bad[] = {
		{ .offset = OFF, .length = 4 * PAGE, .removed = PAGE },
		{ .offset = OFF, .length = 4 * PAGE, .accepted = PAGE },
		{ .offset = OFF,
		  .length = 4 * PAGE,
		  .changed = 5 * PAGE,
		  .accepted = 5 * PAGE,
		  .removed = 5 * PAGE },
		{ .offset = OFF, .length = 4 * PAGE, .changed = 100 },
		{ .offset = OFF, .length = 0 },
	};
	struct sgx2_flow_report r;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = bad[i];
		assert_int_equal(
			sgx2_trim_and_remove_resume(*state, &cb, NULL, &r),
			-EINVAL);
	}
	assert_int_equal(sgx2_trim_and_remove_resume(*state, &cb, NULL, NULL),
			 -EINVAL);
	assert_int_equal(fk_ncalls + naccepts, 0);
}

/* -- sgx2_add_tcs, sgx2_restrict_and_accept, sgx2_grow --------------- */

static void add_tcs_mprotects_rw_before_the_accept(void **state)
{
	struct sgx2_flow_report r;

	assert_int_equal(sgx2_add_tcs(*state, OFF, 2 * PAGE, &cb, NULL, &r), 0);
	assert_int_equal(fk_ncalls, 1);
	assert_call(0, SGX_IOC_ENCLAVE_MODIFY_TYPES, OFF, 2 * PAGE);
	assert_int_equal(fk_calls[0].arg, SGX2_PAGE_TYPE_TCS);
	assert_int_equal(fk_nmaps, 1);
	assert_false(fk_maps[0].is_mmap);
	assert_int_equal(fk_maps[0].addr, BASE + OFF);
	assert_int_equal(fk_maps[0].length, 2 * PAGE);
	assert_int_equal(fk_maps[0].prot, PROT_READ | PROT_WRITE);
	assert_accept(0, OFF, 2 * PAGE, SGX2_ACCEPT_TCS);
	assert_true(fk_calls[0].seq < fk_maps[0].seq &&
		    fk_maps[0].seq < accepts[0].seq);
	assert_int_equal(r.changed, 2 * PAGE);
	assert_int_equal(r.mapped, 2 * PAGE);
	assert_int_equal(r.accepted, 2 * PAGE);
}

static void add_tcs_without_rw_max_protection_is_eperm(void **state)
{
	struct sgx2_flow_report r;

	fk_answer(EPERM, 0, 0);
	assert_int_equal(sgx2_add_tcs(*state, OFF, PAGE, &cb, NULL, &r),
			 -EPERM);
	assert_int_equal(r.step, SGX2_STEP_MODIFY);
	assert_int_equal(fk_nmaps + naccepts, 0);
}

static void add_tcs_does_not_accept_what_it_could_not_mprotect(void **state)
{
	struct sgx2_flow_report r;

	fk_map_fails(ENOMEM);
	assert_int_equal(sgx2_add_tcs(*state, OFF, PAGE, &cb, NULL, &r),
			 -ENOMEM);
	assert_int_equal(r.step, SGX2_STEP_MAP);
	assert_int_equal(r.changed, PAGE);
	assert_int_equal(r.mapped, 0);
	assert_int_equal(naccepts, 0);
}

static void restrict_accepts_with_pr_and_mprotects_after(void **state)
{
	struct sgx2_flow_report r;

	assert_int_equal(
		sgx2_restrict_and_accept(*state, OFF, 3 * PAGE, SGX2_PERM_R,
					 SGX2_FLOW_MPROTECT, &cb, NULL, &r),
		0);
	assert_call(0, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, OFF, 3 * PAGE);
	assert_int_equal(fk_calls[0].arg, SGX2_PERM_R);
	assert_accept(0, OFF, 3 * PAGE, 0x221);
	assert_int_equal(fk_nmaps, 1);
	assert_int_equal(fk_maps[0].prot, PROT_READ);
	assert_true(accepts[0].seq < fk_maps[0].seq);
	assert_int_equal(r.changed, 3 * PAGE);
	assert_int_equal(r.accepted, 3 * PAGE);
	assert_int_equal(r.mapped, 3 * PAGE);
}

static void restrict_leaves_mappings_alone_by_default(void **state)
{
	assert_int_equal(sgx2_restrict_and_accept(*state, OFF, PAGE,
						  SGX2_PERM_R | SGX2_PERM_X, 0,
						  &cb, NULL, NULL),
			 0);
	assert_accept(0, OFF, PAGE, 0x225);
	assert_int_equal(fk_nmaps, 0);
}

static void grow_maps_shared_fixed_then_accepts_pending(void **state)
{
	struct sgx2_flow_report r;

	assert_int_equal(sgx2_grow(*state, OFF, 4 * PAGE, 0, &cb, NULL, &r), 0);
	assert_int_equal(fk_ncalls, 0);
	assert_int_equal(fk_nmaps, 1);
	assert_true(fk_maps[0].is_mmap);
	assert_int_equal(fk_maps[0].addr, BASE + OFF);
	assert_int_equal(fk_maps[0].length, 4 * PAGE);
	assert_int_equal(fk_maps[0].prot, PROT_READ | PROT_WRITE);
	assert_int_equal(fk_maps[0].flags, MAP_SHARED | MAP_FIXED);
	assert_int_equal(fk_maps[0].fd, FK_FD);
	assert_int_equal(fk_maps[0].file_offset, OFF);
	/* Then the pre-fault: one read() of the whole range, before the
	 * one accept call. */
	assert_int_equal(fk_nreads, 1);
	assert_int_equal(fk_reads[0].addr, BASE + OFF);
	assert_int_equal(fk_reads[0].length, 4 * PAGE);
	assert_true(fk_maps[0].seq < fk_reads[0].seq);
	assert_true(fk_reads[0].seq < accepts[0].seq);
	assert_int_equal(naccepts, 1);
	assert_accept(0, OFF, 4 * PAGE, SGX2_ACCEPT_AUG);
	assert_int_equal(r.mapped, 4 * PAGE);
	assert_int_equal(r.changed, 4 * PAGE);
	assert_int_equal(r.accepted, 4 * PAGE);
	assert_int_equal(r.ioctls, 0);
}

static void grow_no_mmap_prefaults_and_accepts(void **state)
{
	assert_int_equal(sgx2_grow(*state, OFF, PAGE, SGX2_FLOW_NO_MMAP, &cb,
				   NULL, NULL),
			 0);
	assert_int_equal(fk_nmaps, 0);
	assert_int_equal(fk_nreads, 1);
	assert_int_equal(naccepts, 1);
}

/* A signal, or a race another thread won: read() again from the count. */
static void grow_prefault_resumes_from_a_short_count(void **state)
{
	struct sgx2_flow_report r;

	fk_read_answer(2 * PAGE, 0);
	fk_read_answer(PAGE, 0);
	assert_int_equal(sgx2_grow(*state, OFF, 8 * PAGE, 0, &cb, NULL, &r), 0);
	assert_int_equal(fk_nreads, 3);
	assert_int_equal(fk_reads[1].addr, BASE + OFF + 2 * PAGE);
	assert_int_equal(fk_reads[1].length, 6 * PAGE);
	assert_int_equal(fk_reads[2].addr, BASE + OFF + 3 * PAGE);
	assert_int_equal(fk_reads[2].length, 5 * PAGE);
	assert_int_equal(naccepts, 1);
	assert_accept(0, OFF, 8 * PAGE, SGX2_ACCEPT_AUG);
	assert_int_equal(r.changed, 8 * PAGE);
}

/* The kernel could not add page 3: the three before are accepted, the
 * report says which page stopped it, and nothing past it is touched. */
static void grow_prefault_efault_accepts_what_was_added(void **state)
{
	struct sgx2_flow_report r;

	fk_read_answer(3 * PAGE, 0);
	fk_read_answer(-1, EFAULT);
	errno = 77;
	assert_int_equal(sgx2_grow(*state, OFF, 8 * PAGE, 0, &cb, NULL, &r),
			 -EFAULT);
	assert_int_equal(errno, 77);
	assert_int_equal(r.error, -EFAULT);
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(r.mapped, 8 * PAGE);
	assert_int_equal(r.changed, 3 * PAGE);
	assert_int_equal(r.accepted, 3 * PAGE);
	assert_int_equal(fk_nreads, 2);
	assert_int_equal(naccepts, 1);
	assert_accept(0, OFF, 3 * PAGE, SGX2_ACCEPT_AUG);
}

/* Nothing added at all: no accept call. */
static void grow_prefault_efault_at_the_first_page(void **state)
{
	struct sgx2_flow_report r;

	fk_read_answer(-1, EFAULT);
	assert_int_equal(sgx2_grow(*state, OFF, 2 * PAGE, 0, &cb, NULL, &r),
			 -EFAULT);
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(r.changed, 0);
	assert_int_equal(naccepts, 0);
}

/* The enclave stops short of what was added: those stay PENDING. */
static void grow_accept_short_of_the_prefault(void **state)
{
	struct sgx2_flow_report r;

	accept_answers_with(2 * PAGE);
	assert_int_equal(sgx2_grow(*state, OFF, 4 * PAGE, 0, &cb, NULL, &r),
			 -EIO);
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_int_equal(r.changed, 4 * PAGE);
	assert_int_equal(r.accepted, 2 * PAGE);
}

/* Chunks: map, pre-fault and accept each in turn. */
static void grow_chunks_prefault_each(void **state)
{
	struct sgx2_flow_report r;
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.chunk_bytes = 2 * PAGE;
	assert_int_equal(sgx2_grow(*state, OFF, 5 * PAGE, 0, &cb, &o, &r), 0);
	assert_int_equal(fk_nmaps, 3);
	assert_int_equal(fk_nreads, 3);
	assert_int_equal(naccepts, 3);
	assert_int_equal(fk_reads[2].addr, BASE + OFF + 4 * PAGE);
	assert_int_equal(fk_reads[2].length, PAGE);
	assert_true(fk_reads[1].seq < accepts[1].seq &&
		    accepts[1].seq < fk_maps[2].seq);
	assert_int_equal(r.changed, 5 * PAGE);
	assert_int_equal(nprogress, 3);
	assert_int_equal(progress_seen[2].accepted, 5 * PAGE);
}

static void grow_no_prefault_leaves_it_to_eaccept(void **state)
{
	struct sgx2_flow_report r;

	accept_answers_with(PAGE);
	assert_int_equal(sgx2_grow(*state, OFF, 2 * PAGE, SGX2_FLOW_NO_PREFAULT,
				   &cb, NULL, &r),
			 -EIO);
	assert_int_equal(fk_nreads, 0);
	assert_int_equal(fk_nopens, 0);
	assert_int_equal(r.changed, PAGE);
	assert_int_equal(r.accepted, PAGE);
}

/* No /dev/zero: refused before the mapping, nothing changed. */
static void grow_without_dev_zero_changes_nothing(void **state)
{
	struct sgx2_flow_report r;

	fk_open_fails(EMFILE);
	assert_int_equal(sgx2_grow(*state, OFF, PAGE, 0, &cb, NULL, &r),
			 -EMFILE);
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(fk_nmaps, 0);
	assert_int_equal(naccepts, 0);
	assert_int_equal(r.mapped | r.changed | r.accepted, 0);
}

/* The descriptor is opened once per handle. */
static void grow_opens_dev_zero_once(void **state)
{
	assert_int_equal(sgx2_grow(*state, OFF, PAGE, 0, &cb, NULL, NULL), 0);
	assert_int_equal(
		sgx2_grow(*state, OFF + PAGE, PAGE, 0, &cb, NULL, NULL), 0);
	assert_int_equal(fk_nopens, 1);
	assert_int_equal(fk_nreads, 2);
}

static void grow_mmap_failure_is_reported_before_any_accept(void **state)
{
	struct sgx2_flow_report r;

	fk_map_fails(EACCES);
	assert_int_equal(sgx2_grow(*state, OFF, PAGE, 0, &cb, NULL, &r),
			 -EACCES);
	assert_int_equal(r.step, SGX2_STEP_MAP);
	assert_int_equal(naccepts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FTEST(removal_costs_two_ioctls_and_one_callback_for_any_size),
		FTEST(chunks_run_trim_accept_remove_each),
		FTEST(progress_can_cancel_between_chunks),
		FTEST(progress_after_the_last_chunk_cannot_cancel),
		FTEST(progress_is_not_called_for_a_failed_chunk),
		FTEST(transient_faults_end_in_success_with_no_page_twice),
		FTEST(trim_failure_still_removes_what_was_trimmed),
		FTEST(short_accept_removes_the_accepted_prefix),
		FTEST(accept_error_removes_nothing_and_is_returned),
		FTEST(lying_accept_is_eproto_and_remove_pages_is_asked),
		FTEST(eproto_after_accepting_a_prefix_removes_that_prefix),
		FTEST(eproto_and_a_failed_remove_leave_the_pages_unknown),
		FTEST(remove_failure_reports_where_it_stopped),
		FTEST(remove_eperm_on_accepted_pages_is_asked_again),
		FTEST(first_failure_wins_when_cleanup_fails_too),
		FTEST(bad_input_calls_nothing),
		FTEST(no_flow_passes_a_range_that_wraps_the_address_space),
		FTEST(a_callback_may_call_libsgx2_on_its_handle),
		FTEST(callbacks_leave_errno_alone),
		FTEST(resume_accepts_what_was_trimmed_then_carries_on),
		FTEST(resume_after_trim_failure_trims_the_rest),
		FTEST(resume_from_lagging_counters_finishes_every_state),
		FTEST(resume_does_not_count_a_failed_page_as_removed),
		FTEST(resume_asks_again_where_eaccept_refuses_a_page_in_doubt),
		FTEST(resume_checks_the_pages_its_input_calls_unaccepted),
		FTEST(fresh_call_stops_on_pages_in_other_states),
		FTEST(resume_stops_on_a_pending_page),
		FTEST(resume_reports_a_refused_range_at_the_trim_step),
		FTEST(refused_resume_keeps_the_callers_counters),
		FTEST(resume_refuses_inconsistent_counters),
		FTEST(add_tcs_mprotects_rw_before_the_accept),
		FTEST(add_tcs_without_rw_max_protection_is_eperm),
		FTEST(add_tcs_does_not_accept_what_it_could_not_mprotect),
		FTEST(restrict_accepts_with_pr_and_mprotects_after),
		FTEST(restrict_leaves_mappings_alone_by_default),
		FTEST(grow_maps_shared_fixed_then_accepts_pending),
		FTEST(grow_no_mmap_prefaults_and_accepts),
		FTEST(grow_prefault_resumes_from_a_short_count),
		FTEST(grow_prefault_efault_accepts_what_was_added),
		FTEST(grow_prefault_efault_at_the_first_page),
		FTEST(grow_accept_short_of_the_prefault),
		FTEST(grow_chunks_prefault_each),
		FTEST(grow_no_prefault_leaves_it_to_eaccept),
		FTEST(grow_without_dev_zero_changes_nothing),
		FTEST(grow_opens_dev_zero_once),
		FTEST(grow_mmap_failure_is_reported_before_any_accept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
