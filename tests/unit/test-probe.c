// SPDX-License-Identifier: MIT
/* The capability probe tells the three missing pieces apart. */
#include "common.h"

/* CPUID bits are the machine's; the probe's answer must not depend on them. */
#define DRIVER_CAPS (SGX2_CAP_DEVICE | SGX2_CAP_EDMM_IOCTLS | SGX2_CAP_SGX2)

static void einval_from_a_zero_length_remove_means_supported(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(EINVAL);
	assert_int_equal(sgx2_probe(FK_FD, &caps), 0);
	assert_int_equal(caps & DRIVER_CAPS, DRIVER_CAPS);
	assert_int_equal(fk_ncalls, 1);
	assert_call(0, SGX_IOC_ENCLAVE_REMOVE_PAGES, 0, 0);
}

/*
 * ENOTTY: a kernel without the EDMM ioctls, or not an enclave. The
 * driver's answer to SGX_IOC_ENCLAVE_PROVISION, which it has had since
 * 5.11, tells which: EINVAL for an enclave.
 */
static void enotty_means_a_kernel_without_edmm(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(ENOTTY);
	fk_answer_unwritten(EINVAL);
	assert_int_equal(sgx2_probe(FK_FD, &caps), -ENOTTY);
	assert_int_equal(caps & DRIVER_CAPS, SGX2_CAP_DEVICE);
	assert_int_equal(fk_ncalls, 2);
	assert_int_equal(fk_calls[1].cmd, SGX_IOC_ENCLAVE_PROVISION);
	assert_int_equal(fk_calls[1].arg, UINT32_MAX); /* no open file */
}

static void enotty_twice_means_not_an_enclave(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(ENOTTY);
	fk_answer_unwritten(ENOTTY);
	assert_int_equal(sgx2_probe(FK_FD, &caps), -ENOTTY);
	assert_int_equal(caps & DRIVER_CAPS, 0);
}

static void ebadf_means_no_device(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(EBADF);
	assert_int_equal(sgx2_probe(FK_FD, &caps), -EBADF);
	assert_int_equal(caps & DRIVER_CAPS, 0);
	assert_int_equal(fk_ncalls, 1);
}

/* The device opened: an enclave fd was at hand, whatever it answers. */
static void an_opened_device_is_a_device_on_any_kernel(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(ENOTTY);
	assert_int_equal(sgx2_probe(-1, &caps), -ENOTTY);
	assert_int_equal(caps & DRIVER_CAPS, SGX2_CAP_DEVICE);
	assert_int_equal(fk_ncalls, 1);
}

static void enodev_means_a_cpu_without_sgx2(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(ENODEV);
	assert_int_equal(sgx2_probe(FK_FD, &caps), -ENODEV);
	assert_int_equal(caps & DRIVER_CAPS,
			 SGX2_CAP_DEVICE | SGX2_CAP_EDMM_IOCTLS);
}

static void a_busy_enclave_is_asked_again(void **state)
{
	(void)state;
	fk_answer_unwritten(EBUSY);
	fk_answer_unwritten(EINVAL);
	assert_int_equal(sgx2_probe(FK_FD, NULL), 0);
	assert_int_equal(fk_ncalls, 2);
	assert_int_equal(fk_nsleeps, 1);
}

static void no_device_is_enoent_without_an_ioctl(void **state)
{
	unsigned int caps;

	(void)state;
	fk_open_fails(ENOENT);
	errno = 1234;
	assert_int_equal(sgx2_probe(-1, &caps), -ENOENT);
	assert_int_equal(errno, 1234);
	assert_int_equal(caps & DRIVER_CAPS, 0);
	assert_int_equal(fk_ncalls, 0);
}

static void unreadable_device_is_eacces(void **state)
{
	(void)state;
	fk_open_fails(EACCES);
	assert_int_equal(sgx2_probe(-1, NULL), -EACCES);
}

/*
 * Linux 6.19 runs EUPDATESVN at the first open of the device, which says
 * EAGAIN when the CPU is short of entropy: retried with the default bound
 * and backoff, as EBUSY.
 */
static void eagain_from_open_is_retried(void **state)
{
	unsigned int caps;

	(void)state;
	fk_open_fails_times(EAGAIN, 3);
	fk_answer_unwritten(EINVAL);
	assert_int_equal(sgx2_probe(-1, &caps), 0);
	assert_int_equal(caps & DRIVER_CAPS, DRIVER_CAPS);
	assert_int_equal(fk_nopens, 4);
	assert_int_equal(fk_nsleeps, 3);
	assert_int_equal(fk_sleeps_us[0], SGX2_DEFAULT_BACKOFF_MIN_US);
	assert_int_equal(fk_sleeps_us[2], 4 * SGX2_DEFAULT_BACKOFF_MIN_US);
}

static void eagain_from_open_gives_up_after_the_bound(void **state)
{
	(void)state;
	fk_open_fails(EAGAIN);
	assert_int_equal(sgx2_probe(-1, NULL), -EAGAIN);
	assert_int_equal(fk_nopens, 1 + SGX2_DEFAULT_MAX_RETRIES);
	assert_int_equal(fk_nsleeps, SGX2_DEFAULT_MAX_RETRIES);
	assert_int_equal(fk_sleeps_us[fk_nsleeps - 1],
			 SGX2_DEFAULT_BACKOFF_MAX_US);
	assert_int_equal(fk_ncalls, 0);
}

/* EIO (EUPDATESVN failed) and the rest are not retried. */
static void other_open_errors_are_not_retried(void **state)
{
	(void)state;
	fk_open_fails_times(EIO, 1);
	assert_int_equal(sgx2_probe(-1, NULL), -EIO);
	assert_int_equal(fk_nopens, 1);
	assert_int_equal(fk_nsleeps, 0);
}

static void the_probe_opens_the_device_when_given_no_fd(void **state)
{
	unsigned int caps;

	(void)state;
	fk_answer_unwritten(EINVAL); /* a fresh, uninitialised enclave */
	assert_int_equal(sgx2_probe(-1, &caps), 0);
	assert_int_equal(caps & DRIVER_CAPS, DRIVER_CAPS);
	assert_int_equal(fk_ncalls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(einval_from_a_zero_length_remove_means_supported),
		TEST(enotty_means_a_kernel_without_edmm),
		TEST(enotty_twice_means_not_an_enclave),
		TEST(ebadf_means_no_device),
		TEST(an_opened_device_is_a_device_on_any_kernel),
		TEST(enodev_means_a_cpu_without_sgx2),
		TEST(a_busy_enclave_is_asked_again),
		TEST(no_device_is_enoent_without_an_ioctl),
		TEST(unreadable_device_is_eacces),
		TEST(eagain_from_open_is_retried),
		TEST(eagain_from_open_gives_up_after_the_bound),
		TEST(other_open_errors_are_not_retried),
		TEST(the_probe_opens_the_device_when_given_no_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
