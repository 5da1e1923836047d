// SPDX-License-Identifier: MIT
/*
 * Against the real driver: runs where /dev/sgx_enclave and SGX2 exist, and
 * exits 77 (skip) naming what is missing everywhere else. On a fresh,
 * uninitialised enclave each EDMM ioctl must fail with EINVAL (the
 * driver's "not initialised" check) after exactly one ioctl, nothing done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sgx2.h"

#define SKIP 77

static int failures;

static void expect(const char *what, int got, const struct sgx2_report *r)
{
	int ok = got == -EINVAL && r->ioctls == 1 && r->done == 0;

	printf("%s %s: %d (%s), ioctls %u, done %llu\n", ok ? "ok" : "FAIL",
	       what, got, strerror(-got), r->ioctls,
	       (unsigned long long)r->done);
	failures += !ok;
}

int main(void)
{
	struct sgx2_enclave *e;
	struct sgx2_report r;
	unsigned int caps;
	int err, fd;

	err = sgx2_probe(-1, &caps);
	if (err) {
		const char *why = err == -ENOTTY ? "the kernel lacks the EDMM "
						   "ioctls (needs Linux 6.0+)"
				  : err == -ENODEV
					  ? "the CPU has no SGX2"
					  : "no usable " SGX2_DEVICE_PATH;
		printf("SKIP: %s: %s (probe: %s)\n", SGX2_DEVICE_PATH, why,
		       strerror(-err));
		return SKIP;
	}

	fd = open(SGX2_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0 || sgx2_enclave_new(&e, fd, 0, 0)) {
		perror(SGX2_DEVICE_PATH);
		return 1;
	}
	expect("modify_types before INIT",
	       sgx2_modify_types(e, 0, 4096, SGX2_PAGE_TYPE_TRIM, NULL, &r),
	       &r);
	expect("restrict_permissions before INIT",
	       sgx2_restrict_permissions(e, 0, 4096, SGX2_PERM_R, NULL, &r),
	       &r);
	expect("remove_pages before INIT",
	       sgx2_remove_pages(e, 0, 4096, NULL, &r), &r);
	sgx2_enclave_free(e);
	close(fd);
	return failures ? 1 : 0;
}
