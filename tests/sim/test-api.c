// SPDX-License-Identifier: MIT
/*
 * The simulator's own API refuses bad input with a clear negative errno,
 * never crashes, and never touches errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

/* A descriptor that is open but is not a simulated enclave. */
static int other_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void open_refuses_unknown_flags(void **state)
{
	(void)state;
	assert_int_equal(sgx2_sim_open(O_RDWR | O_NONBLOCK), -EINVAL);
	assert_int_equal(sgx2_sim_open(-1), -EINVAL);
}

static void calls_on_bad_descriptors_give_ebadf_or_enotty(void **state)
{
	struct sgx2_sim_stats st;
	struct sgx2_sim_run run = { 0 };
	int fd = other_fd();

	(void)state;
	assert_int_equal(sgx2_sim_get_stats(-1, &st), -EBADF);
	assert_int_equal(sgx2_sim_get_stats(1000000, &st), -EBADF);
	assert_int_equal(sgx2_sim_get_stats(fd, &st), -ENOTTY);
	assert_int_equal(sgx2_sim_reset_stats(fd), -ENOTTY);
	assert_int_equal(sgx2_sim_enter(fd, &run), -ENOTTY);
	assert_int_equal(sgx2_sim_clear_faults(-1), -EBADF);
	assert_int_equal(sgx2_sim_armed_faults(fd), -ENOTTY);
	assert_int_equal(sgx2_sim_enclave_destroy(fd), -ENOTTY);
	assert_int_equal(sgx2_sim_inject_script(fd, "kind=busy"), -ENOTTY);
	assert_int_equal(close(fd), 0);
}

static void null_out_pointers_give_einval(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sgx2_sim_get_stats(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_get_info(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_get_config(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_configure(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_page_state(fx->fd, 0, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_inject(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_inject_script(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_get_default_config(NULL), -EINVAL);
	assert_int_equal(sgx2_sim_enter(fx->fd, NULL), -EINVAL);
	assert_int_equal(sgx2_sim_eaccept(fx->fd, NULL, fx->data, 0), -EINVAL);
	sgx2_sim_config_init(NULL); /* ignored */
}

static void bad_configurations_are_refused(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_config cfg, cur;

	sgx2_sim_config_init(&cfg);
	cfg.kernel = 3;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	assert_int_equal(sgx2_sim_set_default_config(&cfg), -EINVAL);
	cfg.kernel = 0x0602; /* 6.2: a release the model does not name */
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	sgx2_sim_config_init(&cfg);
	cfg.sgx2 = 2;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	sgx2_sim_config_init(&cfg);
	cfg.page_delay_ns = 1000000001;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	sgx2_sim_config_init(&cfg);
	cfg.reserved[0] = 1;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	sgx2_sim_config_init(&cfg);
	cfg.epc_size = 4096 + 1;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	assert_int_equal(sgx2_sim_set_default_config(&cfg), -EINVAL);
	cfg.epc_size = SGX2_SIM_EPC_SIZE_MAX + 4096;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	sgx2_sim_config_init(&cfg);
	cfg.epc_no_reclaim = 2;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	sgx2_sim_config_init(&cfg);
	cfg.epc_limit = 4096 + 1;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	assert_int_equal(sgx2_sim_get_config(fx->fd, &cur), 0);
	assert_int_equal(cur.kernel, SGX2_SIM_KERNEL_NEWEST);
	assert_int_equal(cur.sgx2, 1);
	assert_int_equal(sgx2_sim_set_device(2), -EINVAL);
}

static void bad_layouts_are_refused(void **state)
{
	struct sgx2_sim_segment seg = { .offset = 0,
					.pages = 1,
					.type = SGX2_SIM_PAGE_TYPE_REG,
					.perms = SGX2_SIM_SECINFO_R };
	struct sgx2_sim_segment two[2] = { seg, seg };
	struct sgx2_sim_layout l = { .size = 4 * PAGE,
				     .segs = &seg,
				     .nsegs = 1 };
	uint64_t base;
	int fd = -1;

	(void)state;
	assert_int_equal(sgx2_sim_enclave_create(NULL, &fd, &base), -EINVAL);
	assert_int_equal(sgx2_sim_enclave_create(&l, NULL, &base), -EINVAL);
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, NULL), -EINVAL);
	l.size = 3 * PAGE;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	l.size = PAGE;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	l.size = 1ull << 41;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	l.size = 4 * PAGE;
	seg.pages = 5;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	seg.pages = ~0ull;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	seg.pages = 1;
	seg.offset = 100;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	seg.offset = 0;
	seg.perms = SGX2_SIM_SECINFO_W;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	seg.perms = 0x8;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	seg.perms = SGX2_SIM_SECINFO_R;
	seg.type = SGX2_SIM_PAGE_TYPE_TRIM;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	seg.type = SGX2_SIM_PAGE_TYPE_TCS;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	l.segs = two; /* overlapping */
	l.nsegs = 2;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	l.segs = NULL;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	l.nsegs = 0;
	l.reserved[1] = 1;
	assert_int_equal(sgx2_sim_enclave_create(&l, &fd, &base), -EINVAL);
	assert_int_equal(fd, -1);
}

static void bad_fault_rules_are_refused(void **state)
{
	struct fx *fx = *state;
	const struct sgx2_sim_fault bad[] = {
		{ .kind = 0 },
		{ .kind = 13 },
		{ .kind = SGX2_SIM_FAULT_REMOVE_RACE,
		  .offset = SGX2_SIM_OFFSET_ANY },
		{ .kind = SGX2_SIM_FAULT_REMOVE_RACE,
		  .ioctl = SGX2_SIM_IOCTL_MODIFY },
		{ .kind = SGX2_SIM_FAULT_EAUG_RACE,
		  .ioctl = SGX2_SIM_IOCTL_REMOVE },
		{ .kind = SGX2_SIM_FAULT_COPY_SIGNAL, .nth = 1 },
		{ .kind = SGX2_SIM_FAULT_ERRNO, .error = ENOENT },
		{ .kind = SGX2_SIM_FAULT_ERRNO, .error = -EAGAIN },
		{ .kind = SGX2_SIM_FAULT_ERRNO, .error = EAGAIN, .ioctl = 4 },
		{ .kind = SGX2_SIM_FAULT_ERRNO, .error = EAGAIN, .ioctl = 8 },
		{ .kind = SGX2_SIM_FAULT_ERRNO, .error = EAGAIN, .times = 2 },
		{ .kind = SGX2_SIM_FAULT_ENCLS_CODE, .sgx_code = 0 },
		{ .kind = SGX2_SIM_FAULT_ENCLS_CODE, .sgx_code = 256 },
		{ .kind = SGX2_SIM_FAULT_ENCLS_FAULT, .sgx_code = 7 },
		{ .kind = SGX2_SIM_FAULT_RECLAIM_RACE,
		  .ioctl = SGX2_SIM_IOCTL_RESTRICT },
		{ .kind = SGX2_SIM_FAULT_ETRACK,
		  .ioctl = SGX2_SIM_IOCTL_REMOVE },
		{ .kind = SGX2_SIM_FAULT_UNDER_RECLAIM, .offset = 100 },
		{ .kind = SGX2_SIM_FAULT_UNDER_RECLAIM, .nth = 2 },
		{ .kind = SGX2_SIM_FAULT_NOT_TRACKED, .page = 1 },
		{ .kind = SGX2_SIM_FAULT_NOT_TRACKED,
		  .ioctl = SGX2_SIM_IOCTL_MODIFY },
		{ .kind = SGX2_SIM_FAULT_BUSY, .offset = PAGE },
		{ .kind = SGX2_SIM_FAULT_BUSY, .reserved = { 0, 1 } },
		{ .kind = SGX2_SIM_FAULT_EAUG, .offset = PAGE + 8 },
		{ .kind = SGX2_SIM_FAULT_EAUG, .offset = 1ull << 40 },
		{ .kind = SGX2_SIM_FAULT_EAUG,
		  .ioctl = SGX2_SIM_IOCTL_ANY + 5 },
		{ .kind = SGX2_SIM_FAULT_EAUG, .page = 1 },
		{ .kind = SGX2_SIM_FAULT_UNDER_RECLAIM,
		  .offset = SGX2_SIM_OFFSET_ANY },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sgx2_sim_inject(fx->fd, &bad[i]), -EINVAL);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
}

static void malformed_scripts_are_refused(void **state)
{
	struct fx *fx = *state;
	const char *bad[] = {
		"kind",
		"kind=",
		"kind=nonsense",
		"kind=busy,times=-1",
		"kind=busy,times=4294967296",
		"kind=busy,colour=red",
		"kind=errno,error=EAGAIN,page=0x",
		"kind=errno,error=EAGAIN,page=1 2",
		"=busy",
		"kind=encls,code=7,code=",
		"kind=eaug,ioctl=modify",
		"kind=eaug,offset=anything",
		"kind=not-tracked,offset=any",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sgx2_sim_inject_script(fx->fd, bad[i]),
				 -EINVAL);
	assert_int_equal(sgx2_sim_inject_script(fx->fd, ""), 0);
	assert_int_equal(sgx2_sim_inject_script(fx->fd, " ;\n; "), 0);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
}

static void enclave_calls_outside_the_range_give_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_run run = { 0 };

	assert_int_equal(sgx2_sim_read(fx->fd, &run, fx->base - 8), -EINVAL);
	assert_int_equal(sgx2_sim_read(fx->fd, &run, fx->base + fx->size),
			 -EINVAL);
	assert_int_equal(sgx2_sim_read(fx->fd, &run, fx->data + PAGE - 4),
			 -EINVAL); /* crosses a page */
	assert_int_equal(sgx2_sim_write(fx->fd, &run, ~0ull - 3, 0), -EINVAL);
	assert_int_equal(sgx2_sim_eaccept(fx->fd, &run, ~0ull - 100, 0),
			 -EINVAL);
	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, &run, fx->base, 0, 0),
			 -EINVAL);
	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, &run, fx->base, 100, 0),
			 -EINVAL);
	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, &run, fx->base,
						fx->size + PAGE, 0),
			 -EINVAL);
	assert_int_equal(sgx2_sim_emodpe(fx->fd, &run, fx->base + fx->size, 0),
			 -EINVAL);
	run.tcs = fx->base + 8;
	assert_int_equal(sgx2_sim_enter(fx->fd, &run), -EINVAL);
	run.tcs = fx->base + fx->size;
	assert_int_equal(sgx2_sim_enter(fx->fd, &run), -EINVAL);
	run.tcs = fx->tcs1;
	run.reserved[0] = 1;
	assert_int_equal(sgx2_sim_enter(fx->fd, &run), -EINVAL);
	assert_int_equal(stats_of(fx->fd).enclave_entries, 0);
}

static void eresume_needs_an_interrupted_tcs(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sgx2_sim_eresume(fx->fd, run_on(fx, 0)), -EINVAL);
	assert_int_equal(sgx2_sim_eresume(fx->fd, run1(fx)), -EINVAL);
}

static void page_state_checks_its_offset(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_page pg;
	int fd = sgx2_sim_open(0);

	assert_int_equal(sgx2_sim_page_state(fx->fd, 8, &pg), -EINVAL);
	assert_int_equal(sgx2_sim_page_state(fx->fd, fx->size, &pg), -EINVAL);
	assert_int_equal(sgx2_sim_page_state(fd, 0, &pg), -EINVAL);
	assert_int_equal(sgx2_sim_page_state(fx->fd, fx->size - PAGE, &pg), 0);
	assert_int_equal(pg.present, 0);
	assert_int_equal(close(fd), 0);
}

static void errno_is_left_alone(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_stats st;
	int fd;

	(void)fx;
	errno = 12345;
	assert_int_equal(sgx2_sim_get_stats(-1, &st), -EBADF);
	assert_int_equal(sgx2_sim_inject_script(fx->fd, "kind=x"), -EINVAL);
	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), fx->data), 0);
	fd = sgx2_sim_open(O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(sgx2_sim_enclave_destroy(fd), 0);
	assert_int_equal(errno, 12345);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_refuses_unknown_flags),
		cmocka_unit_test(calls_on_bad_descriptors_give_ebadf_or_enotty),
		T(null_out_pointers_give_einval),
		T(bad_configurations_are_refused),
		cmocka_unit_test(bad_layouts_are_refused),
		T(bad_fault_rules_are_refused),
		T(malformed_scripts_are_refused),
		T(enclave_calls_outside_the_range_give_einval),
		T(eresume_needs_an_interrupted_tcs),
		T(page_state_checks_its_offset),
		T(errno_is_left_alone),
	};

	return cmocka_run_group_tests_name("simulator API input checks", tests,
					   NULL, NULL);
}
