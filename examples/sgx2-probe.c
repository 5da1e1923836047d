// SPDX-License-Identifier: MIT
/*
 * sgx2-probe: say what this machine offers for SGX2 enclave page management.
 * Exit status: 0 once it has said what is there, whatever that is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sgx2.h>

static const char *yes(unsigned int caps, unsigned int bit)
{
	return caps & bit ? "yes" : "no";
}

int main(void)
{
	unsigned int caps;
	int err = sgx2_probe(-1, &caps);

	printf("CPU reports SGX1 (CPUID 0x12):  %s\n",
	       yes(caps, SGX2_CAP_CPUID_SGX1));
	printf("CPU reports SGX2 (CPUID 0x12):  %s\n",
	       yes(caps, SGX2_CAP_CPUID_SGX2));
	printf("%s opens:         %s\n", SGX2_DEVICE_PATH,
	       yes(caps, SGX2_CAP_DEVICE));
	printf("kernel has the EDMM ioctls:     %s\n",
	       yes(caps, SGX2_CAP_EDMM_IOCTLS));
	printf("driver accepts them (SGX2):     %s\n",
	       yes(caps, SGX2_CAP_SGX2));

	if (!err) {
		printf("=> SGX2 enclave page management is available.\n");
		return 0;
	}
	printf("=> not available: %s (%s)\n",
	       err == -ENOTTY	? "the kernel predates the EDMM ioctls (6.0)"
	       : err == -ENODEV ? "the CPU has no SGX2"
				: "no SGX enclave device",
	       strerror(-err));
	return 0;
}
