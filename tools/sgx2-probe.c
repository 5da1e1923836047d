// SPDX-License-Identifier: MIT
/*
 * sgx2-probe: say what this machine offers for SGX2 enclave page
 * management, and answer in the exit status (sgx2-probe(1)):
 *
 *   0 available; 1 no SGX device; 2 usage; 3 the device did not open;
 *   4 the kernel lacks the EDMM ioctls; 5 the CPU lacks SGX2.
 *
 * On the simulator (libsgx2-sim in the process, linked or preloaded) it
 * says so, and shows the CPUID the simulator answers beside the CPU's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sgx2.h>

enum {
	PROBE_OK = 0,
	PROBE_NO_DEVICE = 1,
	PROBE_USAGE = 2,
	PROBE_NO_OPEN = 3,
	PROBE_NO_EDMM = 4,
	PROBE_NO_SGX2 = 5,
};

static void usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"Usage: %s [-q] [-h] [-V]\n"
		"Say whether this machine can manage SGX2 enclave pages "
		"(EDMM).\n\n"
		"  -q, --quiet    print nothing: answer in the exit status\n"
		"  -h, --help     print this help and exit\n"
		"  -V, --version  print the libsgx2 version and exit\n\n"
		"Exit status: 0 available, 1 no SGX device, 2 usage error, "
		"3 the device did\nnot open (permission?), 4 the kernel lacks "
		"the EDMM ioctls (before Linux\n6.0), 5 the CPU lacks SGX2. "
		"See sgx2-probe(1).\n",
		argv0);
}

static const char *yes(int on)
{
	return on ? "yes" : "no";
}

/* The simulator's int sgx2_sim_cpuid(uint32_t, uint32_t, uint32_t[4]). */
typedef int (*sim_cpuid_fn)(unsigned int, unsigned int, unsigned int *);

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int caps = 0, sim_regs[4] = { 0 };
	sim_cpuid_fn sim_cpuid;
	int quiet = 0, c, err, status;
	void *sym;

	while ((c = getopt_long(argc, argv, "qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return PROBE_OK;
		case 'V':
			printf("sgx2-probe (libsgx2) %d.%d.%d\n",
			       sgx2_major_version(), sgx2_minor_version(),
			       sgx2_patch_version());
			return PROBE_OK;
		default:
			usage(stderr, argv[0]);
			return PROBE_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0],
			argv[optind]);
		usage(stderr, argv[0]);
		return PROBE_USAGE;
	}

	err = sgx2_probe(-1, &caps);
	status = !err		  ? PROBE_OK
		 : err == -ENOTTY ? PROBE_NO_EDMM
		 : err == -ENODEV ? PROBE_NO_SGX2
		 : err == -ENOENT ? PROBE_NO_DEVICE
				  : PROBE_NO_OPEN;
	if (quiet)
		return status;

	/* libsgx2 asks the CPU, which the simulator cannot change: show
	 * the CPUID the simulator answers as well, when it is here. */
	sym = dlsym(RTLD_DEFAULT, "sgx2_sim_cpuid");
	memcpy(&sim_cpuid, &sym, sizeof(sim_cpuid)); /* POSIX: a function */
	if (sim_cpuid) {
		printf("simulator:                      libsgx2-sim is in "
		       "this process%s\n",
		       caps & SGX2_CAP_DEVICE
			       ? ", answering " SGX2_DEVICE_PATH
			       : " (SGX2_SIM_DEVICE=1 sends " SGX2_DEVICE_PATH
				 " to it)");
		if (sim_cpuid(0x12, 0, sim_regs) != 1)
			sim_regs[0] = 0;
		printf("simulated CPU reports SGX1:     %s\n",
		       yes(sim_regs[0] & 1u));
		printf("simulated CPU reports SGX2:     %s\n",
		       yes(sim_regs[0] & 2u));
		printf("this CPU reports SGX1, SGX2:    %s, %s (not used by "
		       "the simulator)\n",
		       yes(caps & SGX2_CAP_CPUID_SGX1),
		       yes(caps & SGX2_CAP_CPUID_SGX2));
	} else {
		printf("CPU reports SGX1 (CPUID 0x12):  %s\n",
		       yes(caps & SGX2_CAP_CPUID_SGX1));
		printf("CPU reports SGX2 (CPUID 0x12):  %s\n",
		       yes(caps & SGX2_CAP_CPUID_SGX2));
	}
	printf("%s opens:         %s\n", SGX2_DEVICE_PATH,
	       yes(caps & SGX2_CAP_DEVICE));
	printf("kernel has the EDMM ioctls:     %s\n",
	       yes(caps & SGX2_CAP_EDMM_IOCTLS));
	printf("driver accepts them (SGX2):     %s\n",
	       yes(caps & SGX2_CAP_SGX2));

	switch (status) {
	case PROBE_OK:
		printf("=> SGX2 enclave page management is available%s.\n",
		       sim_cpuid && (caps & SGX2_CAP_DEVICE)
			       ? " (on the simulator)"
			       : "");
		break;
	case PROBE_NO_EDMM:
		printf("=> not available: the kernel predates the EDMM ioctls "
		       "(Linux 6.0)\n");
		break;
	case PROBE_NO_SGX2:
		printf("=> not available: the CPU has no SGX2\n");
		break;
	case PROBE_NO_DEVICE:
		printf("=> not available: no %s (no SGX, SGX off in the "
		       "firmware, or a kernel without CONFIG_X86_SGX)\n",
		       SGX2_DEVICE_PATH);
		break;
	default:
		printf("=> not available: %s did not open: %s\n",
		       SGX2_DEVICE_PATH, strerror(-err));
		break;
	}
	return status;
}
