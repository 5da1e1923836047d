// SPDX-License-Identifier: MIT
/*
 * The environment the simulator reads once, at its first use:
 *
 *   sim-env KERNEL [ANSWER...]
 *
 * checks that the default configuration's kernel is KERNEL (a number in C
 * syntax, as SGX2_SIM_KERNEL set it) and that the next sgx2_sim_open()
 * calls answer ANSWER each: 0, EAGAIN, EIO or EINVAL (as
 * SGX2_SIM_OPEN_FAULTS armed them). Every open that works is closed at
 * once, so each one is a first open.
 *
 * Exit status: 0 when everything matched, 1 if not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sgx2-sim.h"

static int answer(const char *name)
{
	if (!strcmp(name, "EAGAIN"))
		return -EAGAIN;
	if (!strcmp(name, "EIO"))
		return -EIO;
	if (!strcmp(name, "EINVAL"))
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	struct sgx2_sim_config cfg;
	int i, fd, bad = 0;

	if (argc < 2 || sgx2_sim_get_default_config(&cfg))
		return 1;
	if (cfg.kernel != strtoul(argv[1], NULL, 0)) {
		fprintf(stderr, "kernel %#x, not %s\n", cfg.kernel, argv[1]);
		bad = 1;
	}
	for (i = 2; i < argc; i++) {
		fd = sgx2_sim_open(0);
		if (fd >= 0)
			close(fd);
		if ((fd >= 0 ? 0 : fd) != answer(argv[i])) {
			fprintf(stderr, "open %d: %d, not %s\n", i - 1, fd,
				argv[i]);
			bad = 1;
		}
	}
	return bad;
}
