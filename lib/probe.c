// SPDX-License-Identifier: MIT
/* The capability probe: device, EDMM ioctls, SGX2 CPU. */
#include <errno.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "internal.h"

static unsigned int cpuid_caps(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	/* Leaf 0x12 means something only when leaf 7 says SGX (EBX[2]). */
	if (__get_cpuid_max(0, NULL) < 0x12)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	if (!(b & (1u << 2)))
		return 0;
	__cpuid_count(0x12, 0, a, b, c, d);
	return (a & 1u ? SGX2_CAP_CPUID_SGX1 : 0) |
	       (a & 2u ? SGX2_CAP_CPUID_SGX2 : 0);
#else
	return 0;
#endif
}

SGX2_EXPORT int sgx2_probe(int fd, unsigned int *caps)
{
	unsigned int found = cpuid_caps();
	int saved_errno = errno;
	int own = -1;
	int err;

	if (fd < 0) {
		own = sgx2__open_device();
		if (own < 0) {
			err = own;
			goto out;
		}
		fd = own;
		found |= SGX2_CAP_DEVICE;
	}

	/*
	 * The driver checks SGX2 (ENODEV) before anything else, then that the
	 * enclave is initialised and the length non-zero (EINVAL either way).
	 * ENOTTY: the ioctl number is unknown, i.e. a kernel before 6.0, or
	 * not an enclave at all, which a question every SGX driver knows
	 * tells apart. EBUSY, the retries spent, is the driver's busy bit.
	 */
	err = sgx2__probe_ioctl(fd);
	switch (err) {
	case 0:
	case -EINVAL:
		found |= SGX2_CAP_DEVICE | SGX2_CAP_EDMM_IOCTLS | SGX2_CAP_SGX2;
		err = 0;
		break;
	case -ENODEV:
		found |= SGX2_CAP_DEVICE | SGX2_CAP_EDMM_IOCTLS;
		break;
	case -ENOTTY:
		if (own < 0 && sgx2__probe_enclave(fd) == -EINVAL)
			found |= SGX2_CAP_DEVICE;
		break;
	case -EBUSY:
		found |= SGX2_CAP_DEVICE;
		break;
	default:
		break;
	}
	if (own >= 0)
		close(own);
out:
	if (caps)
		*caps = found;
	errno = saved_errno;
	return err;
}
