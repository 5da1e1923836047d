// SPDX-License-Identifier: MIT
/*
 * libsgx2's public functions (include/sgx2.h) against the simulator: the
 * library is the shipped shared object, its ioctl() calls reach the
 * simulator by symbol interposition, and the simulator's EPCM state and
 * counters are the oracle for its reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "sgx2.h"

#define R SGX2_SIM_SECINFO_R
#define TRIM SGX2_PAGE_TYPE_TRIM

struct lfx {
	struct fx *fx;
	struct sgx2_enclave *encl;
	struct sgx2_options opts; /* fast backoff */
	struct sgx2_report rep;
};

static int lfx_setup(void **state)
{
	struct lfx *l = calloc(1, sizeof(*l));

	assert_non_null(l);
	l->fx = fx_new(6);
	assert_int_equal(
		sgx2_enclave_new(&l->encl, l->fx->fd, l->fx->base, l->fx->size),
		0);
	sgx2_options_init(&l->opts);
	l->opts.backoff_min_us = 1;
	l->opts.backoff_max_us = 10;
	*state = l;
	return 0;
}

static int lfx_teardown(void **state)
{
	struct lfx *l = *state;

	sgx2_enclave_free(l->encl);
	fx_free(l->fx);
	free(l);
	return 0;
}

static void inject(int fd, const char *script)
{
	assert_int_equal(sgx2_sim_inject_script(fd, script), 0);
}

/* Accept [off, off + len) in one entry, as a flow's callback would. */
static void accept_range(struct fx *fx, uint64_t off, uint64_t len,
			 uint64_t secinfo)
{
	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, run1(fx),
						fx->base + off, len, secinfo),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.ret, 0);
	assert_int_equal(fx->run.done, len);
}

/*
 * The report's promise, checked on the simulator's EPCM page by page:
 * [off, off + done) reached @done_secinfo; the rest still shows @rest.
 */
static void assert_pages(int fd, uint64_t off, uint64_t len, uint64_t done,
			 uint64_t done_secinfo, uint64_t rest_secinfo)
{
	uint64_t o;

	for (o = off; o < off + len; o += PAGE)
		assert_int_equal(page_at(fd, o).secinfo,
				 o < off + done ? done_secinfo : rest_secinfo);
}

/* ---- the probe ---- */

static void probe_finds_edmm_on_a_simulated_enclave(void **state)
{
	struct lfx *l = *state;
	unsigned int caps = 0;

	/* Only the simulator can answer this: libsgx2's ioctl() reached it. */
	assert_int_equal(sgx2_probe(l->fx->fd, &caps), 0);
	assert_true(caps & SGX2_CAP_DEVICE);
	assert_true(caps & SGX2_CAP_EDMM_IOCTLS);
	assert_true(caps & SGX2_CAP_SGX2);
	assert_int_equal(stats_of(l->fx->fd).ioctls[SGX2_SIM_NR_REMOVE], 1);
}

static void probe_reports_enotty_on_a_kernel_without_edmm(void **state)
{
	struct lfx *l = *state;
	unsigned int caps = 0;

	set_config(l->fx->fd, SGX2_SIM_KERNEL_5_X, 1);
	assert_int_equal(sgx2_probe(l->fx->fd, &caps), -ENOTTY);
	assert_false(caps & SGX2_CAP_EDMM_IOCTLS);
}

static void probe_reports_enodev_without_sgx2(void **state)
{
	struct lfx *l = *state;
	unsigned int caps = 0;

	set_config(l->fx->fd, SGX2_SIM_KERNEL_NEWEST, 0);
	assert_int_equal(sgx2_probe(l->fx->fd, &caps), -ENODEV);
	assert_true(caps & SGX2_CAP_EDMM_IOCTLS);
	assert_false(caps & SGX2_CAP_SGX2);
}

/*
 * Descriptors that are not enclaves: no SGX2_CAP_DEVICE, whatever the
 * answer (the simulator passes their ioctls to the kernel).
 */
static void probe_finds_no_device_behind_other_descriptors(void **state)
{
	struct {
		const char *what;
		int fd, err;
	} cases[8];
	unsigned int n = 0, caps;
	int p[2], sv[2], err;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cases[n++] = (typeof(cases[0])){ "fd 1000000", 1000000, -EBADF };
	cases[n++] = (typeof(cases[0])){ "pipe", p[0], -ENOTTY };
	cases[n++] = (typeof(cases[0])){ "socket", sv[0], -ENOTTY };
	cases[n++] = (typeof(cases[0])){ "/dev/null", open("/dev/null", O_RDWR),
					 -ENOTTY };
	cases[n++] = (typeof(cases[0])){ "directory",
					 open("/", O_RDONLY | O_DIRECTORY),
					 -ENOTTY };
	cases[n++] =
		(typeof(cases[0])){ "regular file",
				    open("/proc/self/exe", O_RDONLY), -ENOTTY };
	/* Last, so that no descriptor opened after takes its number. */
	cases[n] = (typeof(cases[0])){ "closed fd", open("/dev/null", O_RDONLY),
				       -EBADF };
	close(cases[n++].fd);
	for (unsigned int i = 0; i < n; i++) {
		caps = SGX2_CAP_DEVICE;
		err = sgx2_probe(cases[i].fd, &caps);
		if (err != cases[i].err || (caps & SGX2_CAP_DEVICE))
			fail_msg("%s: %d, caps %#x", cases[i].what, err, caps);
	}
	for (unsigned int i = 0; i < n; i++)
		if (cases[i].err == -ENOTTY)
			close(cases[i].fd);
	close(p[1]);
	close(sv[1]);
}

/* A pre-6.0 kernel's enclave: ENOTTY, and still a device at hand. */
static void probe_knows_an_enclave_of_a_kernel_without_edmm(void **state)
{
	struct lfx *l = *state;
	unsigned int caps = 0;

	set_config(l->fx->fd, SGX2_SIM_KERNEL_5_X, 1);
	assert_int_equal(sgx2_probe(l->fx->fd, &caps), -ENOTTY);
	assert_true(caps & SGX2_CAP_DEVICE);
	assert_false(caps & (SGX2_CAP_EDMM_IOCTLS | SGX2_CAP_SGX2));
}

/* sgx2_probe(-1) opens /dev/sgx_enclave itself: the redirection serves. */
static void probe_opens_the_simulated_device(void **state)
{
	struct sgx2_sim_config old, cfg;
	unsigned int caps = 0;

	(void)state;
	assert_int_equal(sgx2_sim_get_default_config(&old), 0);
	assert_int_equal(sgx2_sim_set_device(1), 0);
	assert_int_equal(sgx2_probe(-1, &caps), 0);
	assert_true(caps & SGX2_CAP_SGX2);
	cfg = old;
	cfg.kernel = SGX2_SIM_KERNEL_5_X;
	assert_int_equal(sgx2_sim_set_default_config(&cfg), 0);
	assert_int_equal(sgx2_probe(-1, &caps), -ENOTTY);
	assert_int_equal(sgx2_sim_set_default_config(&old), 0);
	assert_int_equal(sgx2_sim_set_device(0), 0);
}

/* ---- success ---- */

static void trim_accept_remove_succeeds(void **state)
{
	struct lfx *l = *state;
	struct fx *fx = l->fx;
	struct sgx2_sim_stats st;
	uint64_t len = 6 * PAGE;

	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, len, TRIM,
					   &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.done, len);
	assert_int_equal(l->rep.ioctls, 1);
	assert_pages(fx->fd, HEAP_OFF, len, len, ACCEPT_TRIM, 0);
	accept_range(fx, HEAP_OFF, len, ACCEPT_TRIM);
	assert_int_equal(
		sgx2_remove_pages(l->encl, HEAP_OFF, len, &l->opts, &l->rep),
		0);
	assert_int_equal(l->rep.done, len);
	assert_pages(fx->fd, HEAP_OFF, len, len, 0, 0);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).present, 0);
	st = stats_of(fx->fd);
	assert_int_equal(st.pages_modified, 6);
	assert_int_equal(st.pages_removed, 6);
	assert_int_equal(st.pages_resubmitted, 0);
}

static void restrict_succeeds(void **state)
{
	struct lfx *l = *state;

	assert_int_equal(sgx2_restrict_permissions(l->encl, HEAP_OFF, 2 * PAGE,
						   R, &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.done, 2 * PAGE);
	assert_pages(l->fx->fd, HEAP_OFF, 2 * PAGE, 2 * PAGE, ACCEPT_RESTRICT_R,
		     0);
}

static void chunks_are_one_ioctl_each(void **state)
{
	struct lfx *l = *state;

	l->opts.chunk_bytes = 2 * PAGE;
	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, 6 * PAGE, TRIM,
					   &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.ioctls, 3);
	assert_int_equal(stats_of(l->fx->fd).ioctls[SGX2_SIM_NR_MODIFY], 3);
}

/* ---- partial failure: the report against the EPCM ---- */

static void modify_stopping_at_pending_page_reports_pages_done(void **state)
{
	struct lfx *l = *state;
	struct fx *fx = l->fx;
	uint64_t pending = HEAP_OFF + 3 * PAGE;

	/* Remove heap page 3, then touch it: it comes back PENDING. */
	assert_int_equal(modt(fx->fd, pending, PAGE, TRIM).ret, 0);
	accept_range(fx, pending, PAGE, ACCEPT_TRIM);
	assert_int_equal(remove_pages(fx->fd, pending, PAGE).ret, 0);
	assert_int_equal(
		sgx2_sim_read(fx->fd, run_on(fx, 0), fx->base + pending), 0);

	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, 6 * PAGE, TRIM,
					   &l->opts, &l->rep),
			 -EFAULT);
	assert_int_equal(l->rep.error, -EFAULT);
	assert_int_equal(l->rep.sgx_result, SGX2_PAGE_NOT_MODIFIABLE);
	assert_int_equal(l->rep.done, 3 * PAGE);
	assert_int_equal(l->rep.ioctls, 1); /* 20 is not transient */
	assert_pages(fx->fd, HEAP_OFF, 3 * PAGE, 3 * PAGE, ACCEPT_TRIM, 0);
	assert_int_equal(page_at(fx->fd, pending).secinfo, ACCEPT_AUG);
	assert_pages(fx->fd, pending + PAGE, 2 * PAGE, 0, 0, 0x203);
}

static void remove_stopping_at_unaccepted_page_reports_pages_done(void **st)
{
	struct lfx *l = *st;
	struct fx *fx = l->fx;

	assert_int_equal(modt(fx->fd, HEAP_OFF, 4 * PAGE, TRIM).ret, 0);
	accept_range(fx, HEAP_OFF, 2 * PAGE, ACCEPT_TRIM);
	assert_int_equal(sgx2_remove_pages(l->encl, HEAP_OFF, 4 * PAGE,
					   &l->opts, &l->rep),
			 -EPERM);
	assert_int_equal(l->rep.done, 2 * PAGE);
	assert_pages(fx->fd, HEAP_OFF, 4 * PAGE, 2 * PAGE, 0, ACCEPT_TRIM);
}

/* ---- transient failures, retried from count ---- */

static void eagain_is_retried_from_count(void **state)
{
	struct lfx *l = *state;
	struct sgx2_sim_stats st;

	inject(l->fx->fd, "kind=errno,ioctl=modify,page=2,error=EAGAIN");
	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, 6 * PAGE, TRIM,
					   &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.done, 6 * PAGE);
	assert_int_equal(l->rep.ioctls, 2);
	assert_int_equal(l->rep.retries, 1);
	st = stats_of(l->fx->fd);
	assert_int_equal(st.faults_fired, 1);
	assert_int_equal(st.pages_modified, 6);
	assert_int_equal(st.pages_resubmitted, 0);
}

static void busy_enclave_is_retried(void **state)
{
	struct lfx *l = *state;
	struct sgx2_sim_stats st;

	inject(l->fx->fd, "kind=busy,ioctl=restrict,times=3");
	assert_int_equal(sgx2_restrict_permissions(l->encl, HEAP_OFF, 6 * PAGE,
						   R, &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.retries, 3);
	assert_int_equal(l->rep.ioctls, 4);
	st = stats_of(l->fx->fd);
	assert_int_equal(st.busy, 3);
	assert_int_equal(st.pages_restricted, 6);
	assert_int_equal(st.pages_resubmitted, 0);
}

static void remove_reclaimer_race_is_retried_from_count(void **state)
{
	struct lfx *l = *state;
	struct fx *fx = l->fx;

	assert_int_equal(modt(fx->fd, HEAP_OFF, 6 * PAGE, TRIM).ret, 0);
	accept_range(fx, HEAP_OFF, 6 * PAGE, ACCEPT_TRIM);
	inject(fx->fd, "kind=reclaim-race,ioctl=remove,page=4");
	assert_int_equal(sgx2_remove_pages(l->encl, HEAP_OFF, 6 * PAGE,
					   &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.retries, 1);
	assert_int_equal(stats_of(fx->fd).pages_removed, 6);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
}

static void epc_page_conflict_is_retried_from_count(void **state)
{
	struct lfx *l = *state;

	inject(l->fx->fd, "kind=encls,ioctl=modify,page=1,code=7;"
			  "kind=encls,ioctl=modify,nth=2,code=7");
	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, 6 * PAGE, TRIM,
					   &l->opts, &l->rep),
			 0);
	assert_int_equal(l->rep.retries, 2);
	assert_int_equal(l->rep.sgx_result, 0);
	assert_int_equal(stats_of(l->fx->fd).pages_modified, 6);
	assert_int_equal(stats_of(l->fx->fd).pages_resubmitted, 0);
	assert_pages(l->fx->fd, HEAP_OFF, 6 * PAGE, 6 * PAGE, ACCEPT_TRIM, 0);
}

static void retries_without_progress_are_bounded(void **state)
{
	struct lfx *l = *state;

	inject(l->fx->fd, "kind=under-reclaim,offset=0x8000,times=100");
	l->opts.max_retries = 3;
	assert_int_equal(sgx2_restrict_permissions(l->encl, HEAP_OFF, PAGE, R,
						   &l->opts, &l->rep),
			 -EAGAIN);
	assert_int_equal(l->rep.ioctls, 4);
	assert_int_equal(l->rep.done, 0);
	assert_int_equal(page_at(l->fx->fd, HEAP_OFF).pr, 0);
}

/*
 * An ETRACK failure after EMODT: EFAULT, result 0, count excludes the page
 * although its EPCM entry did change (the kernel cannot say which EFAULT
 * it was). The report's done is the kernel's count.
 */
static void etrack_failure_leaves_the_page_at_done_changed(void **state)
{
	struct lfx *l = *state;
	struct sgx2_sim_page pg;

	inject(l->fx->fd, "kind=etrack,ioctl=modify,page=1");
	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, 3 * PAGE, TRIM,
					   &l->opts, &l->rep),
			 -EFAULT);
	assert_int_equal(l->rep.done, PAGE);
	assert_int_equal(l->rep.sgx_result, 0);
	pg = page_at(l->fx->fd, HEAP_OFF + PAGE);
	assert_int_equal(pg.secinfo, ACCEPT_TRIM); /* EMODT happened */
	assert_int_equal(pg.type, SGX2_SIM_PAGE_TYPE_REG);
}

/* ---- modes through the range operations ---- */

static void range_ops_report_enodev_and_enotty(void **state)
{
	struct lfx *l = *state;

	set_config(l->fx->fd, SGX2_SIM_KERNEL_NEWEST, 0);
	assert_int_equal(
		sgx2_remove_pages(l->encl, HEAP_OFF, PAGE, &l->opts, &l->rep),
		-ENODEV);
	set_config(l->fx->fd, SGX2_SIM_KERNEL_5_X, 1);
	assert_int_equal(sgx2_modify_types(l->encl, HEAP_OFF, PAGE, TRIM,
					   &l->opts, &l->rep),
			 -ENOTTY);
	assert_int_equal(l->rep.ioctls, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, lfx_setup, lfx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(probe_finds_edmm_on_a_simulated_enclave),
		T(probe_reports_enotty_on_a_kernel_without_edmm),
		T(probe_reports_enodev_without_sgx2),
		cmocka_unit_test(probe_opens_the_simulated_device),
		cmocka_unit_test(
			probe_finds_no_device_behind_other_descriptors),
		T(probe_knows_an_enclave_of_a_kernel_without_edmm),
		T(trim_accept_remove_succeeds),
		T(restrict_succeeds),
		T(chunks_are_one_ioctl_each),
		T(modify_stopping_at_pending_page_reports_pages_done),
		T(remove_stopping_at_unaccepted_page_reports_pages_done),
		T(eagain_is_retried_from_count),
		T(busy_enclave_is_retried),
		T(remove_reclaimer_race_is_retried_from_count),
		T(epc_page_conflict_is_retried_from_count),
		T(retries_without_progress_are_bounded),
		T(etrack_failure_leaves_the_page_at_done_changed),
		T(range_ops_report_enodev_and_enotty),
	};

	return cmocka_run_group_tests_name("libsgx2 on the simulator", tests,
					   NULL, NULL);
}
