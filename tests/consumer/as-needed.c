/*
 * A test program that calls only libsgx2, linked with --as-needed and
 * run with SGX2_SIM_DEVICE=1: the simulator must be attached all the
 * same (its DT_NEEDED kept), so that the probe finds its device.
 */
#include <stdio.h>
#include <string.h>
#include <sgx2.h>

int main(void)
{
	unsigned int caps = 0;
	int err = sgx2_probe(-1, &caps);

	printf("sgx2_probe(-1): %d (%s), caps %#x\n", err, strerror(-err),
	       caps);
	return !err && (caps & SGX2_CAP_SGX2) ? 0 : 1;
}
