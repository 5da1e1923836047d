// SPDX-License-Identifier: MIT
/*
 * The environment the simulator reads once, at its first use:
 *
 *   sim-env [--stderr TEXT] KERNEL [ANSWER...]
 *
 * checks that the default configuration's kernel is KERNEL (a number in C
 * syntax, as SGX2_SIM_KERNEL set it) and that the next sgx2_sim_open()
 * calls answer ANSWER each: 0, EAGAIN, EIO or EINVAL (as
 * SGX2_SIM_OPEN_FAULTS armed them). Every open that works is closed at
 * once, so each one is a first open. With --stderr, what the simulator
 * wrote to stderr meanwhile must contain TEXT (its line saying why an
 * SGX2_SIM_FAULTS or SGX2_SIM_OPEN_FAULTS setting was refused).
 *
 * Exit status: 0 when everything matched, 1 if not.
 */
#include <errno.h>
#include <fcntl.h>
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

/* Send fd 2 to a scratch file: the previous fd 2, to restore. */
static int capture_stderr(FILE **file)
{
	int saved = dup(2);

	*file = tmpfile();
	if (saved < 0 || !*file || dup2(fileno(*file), 2) < 0)
		return -1;
	return saved;
}

/* Restore fd 2; 0 when what was written contains @text. */
static int captured_has(FILE *file, int saved, const char *text)
{
	char buf[4096];
	size_t n;

	dup2(saved, 2);
	close(saved);
	rewind(file);
	n = fread(buf, 1, sizeof(buf) - 1, file);
	buf[n] = '\0';
	fclose(file);
	fprintf(stderr, "stderr was: %s", n ? buf : "(nothing)\n");
	if (strstr(buf, text))
		return 0;
	fprintf(stderr, "it lacks: %s\n", text);
	return 1;
}

int main(int argc, char **argv)
{
	const char *want_stderr = NULL;
	struct sgx2_sim_config cfg;
	int i, fd, bad = 0, saved = -1;
	FILE *file = NULL;

	if (argc > 2 && !strcmp(argv[1], "--stderr")) {
		want_stderr = argv[2];
		argv += 2;
		argc -= 2;
		saved = capture_stderr(&file);
		if (saved < 0)
			return 1;
	}
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
	if (want_stderr && captured_has(file, saved, want_stderr))
		bad = 1;
	return bad;
}
