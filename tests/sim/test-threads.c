// SPDX-License-Identifier: MIT
/*
 * Threads: the busy bit between concurrent ioctls on one enclave, the
 * per-page lock that lets the enclave run while an ioctl is in progress,
 * and libsgx2 callers sharing a handle (serialised: no EBUSY) or not
 * (EBUSY, retried).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common.h"
#include "sgx2.h"

#define TRIM SGX2_SIM_PAGE_TYPE_TRIM
#define R SGX2_SIM_SECINFO_R

static int slow_setup(void **state)
{
	struct sgx2_sim_config cfg;
	struct fx *fx = fx_new(8);

	sgx2_sim_config_init(&cfg);
	cfg.page_delay_ns = 20 * 1000 * 1000; /* 20 ms per page */
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), 0);
	*state = fx;
	return 0;
}

struct job {
	struct fx *fx;
	struct ioc r;
};

static void *trim_heap(void *arg)
{
	struct job *j = arg;

	j->r = modt(j->fx->fd, HEAP_OFF, 5 * PAGE, TRIM);
	return NULL;
}

/* Wait until the thread's ioctl has done @n pages (and is still going). */
static void wait_pages_modified(struct fx *fx, uint64_t n)
{
	while (stats_of(fx->fd).pages_modified < n)
		sched_yield();
}

static void concurrent_ioctl_gets_ebusy_without_write_back(void **state)
{
	struct fx *fx = *state;
	struct job j = { .fx = fx };
	struct sgx_enclave_restrict_permissions p = { .offset = fx->data_off,
						      .length = PAGE,
						      .permissions = R,
						      .count = 77 };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, trim_heap, &j), 0);
	wait_pages_modified(fx, 1);
	assert_int_equal(
		ioctl(fx->fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &p), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(p.count, 77);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(j.r.ret, 0);
	assert_int_equal(j.r.count, 5 * PAGE);
	assert_int_equal(stats_of(fx->fd).busy, 1);
	assert_int_equal(page_at(fx->fd, fx->data_off).pr, 0);
}

/* The enclave lock is per page: the enclave runs between the pages. */
static void enclave_runs_while_an_ioctl_is_between_pages(void **state)
{
	struct fx *fx = *state;
	struct job j = { .fx = fx };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, trim_heap, &j), 0);
	wait_pages_modified(fx, 1);
	eaccept_ok(fx, fx->base + HEAP_OFF, ACCEPT_TRIM);
	put_ok(fx, fx->data, MAGIC);
	assert_true(stats_of(fx->fd).pages_modified < 5);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(j.r.ret, 0);
}

struct lib_job {
	struct sgx2_enclave *encl;
	uint64_t offset;
	int ret;
};

static void *lib_restrict(void *arg)
{
	struct lib_job *j = arg;
	struct sgx2_options opts;

	sgx2_options_init(&opts);
	opts.backoff_min_us = 100;
	opts.backoff_max_us = 1000;
	opts.max_retries = 1000;
	j->ret = sgx2_restrict_permissions(j->encl, j->offset, 4 * PAGE, R,
					   &opts, NULL);
	return NULL;
}

/* Two library calls, the second issued once the first is under way. */
static void run_two(struct fx *fx, struct sgx2_enclave *a,
		    struct sgx2_enclave *b)
{
	struct lib_job j1 = { .encl = a, .offset = HEAP_OFF };
	struct lib_job j2 = { .encl = b, .offset = HEAP_OFF + 4 * PAGE };
	pthread_t t1, t2;

	assert_int_equal(pthread_create(&t1, NULL, lib_restrict, &j1), 0);
	while (stats_of(fx->fd).pages_restricted < 1)
		sched_yield();
	assert_int_equal(pthread_create(&t2, NULL, lib_restrict, &j2), 0);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(j1.ret, 0);
	assert_int_equal(j2.ret, 0);
}

static void library_threads_sharing_a_handle_never_see_ebusy(void **state)
{
	struct fx *fx = *state;
	struct sgx2_enclave *encl;

	assert_int_equal(sgx2_enclave_new(&encl, fx->fd, fx->base, fx->size),
			 0);
	run_two(fx, encl, encl);
	sgx2_enclave_free(encl);
	assert_int_equal(stats_of(fx->fd).busy, 0);
	assert_int_equal(stats_of(fx->fd).pages_restricted, 8);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
}

static void library_handles_on_one_enclave_retry_ebusy(void **state)
{
	struct fx *fx = *state;
	struct sgx2_enclave *a, *b;

	assert_int_equal(sgx2_enclave_new(&a, fx->fd, fx->base, fx->size), 0);
	assert_int_equal(sgx2_enclave_new(&b, fx->fd, fx->base, fx->size), 0);
	run_two(fx, a, b);
	sgx2_enclave_free(a);
	sgx2_enclave_free(b);
	assert_true(stats_of(fx->fd).busy > 0);
	assert_int_equal(stats_of(fx->fd).pages_restricted, 8);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, slow_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(concurrent_ioctl_gets_ebusy_without_write_back),
		T(enclave_runs_while_an_ioctl_is_between_pages),
		T(library_threads_sharing_a_handle_never_see_ebusy),
		T(library_handles_on_one_enclave_retry_ebusy),
	};

	return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
