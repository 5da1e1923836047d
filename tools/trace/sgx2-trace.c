// SPDX-License-Identifier: MIT
/*
 * sgx2-trace [-o FILE] [--json] [--] COMMAND [ARGS...]
 *
 * Runs COMMAND with the recorder (libsgx2-trace.so) preloaded, first in
 * LD_PRELOAD (after a sanitizer runtime that must stay first), and tells
 * it where to write and how through the environment: SGX2_TRACE_OUTPUT,
 * SGX2_TRACE_FORMAT. COMMAND replaces this program (execvp), so its exit
 * status is the command's, and every process it starts is recorded too,
 * into the same file. See sgx2-trace(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage: sgx2-trace [-o FILE] [--json] [--] COMMAND [ARGS...]\n"
	"Run COMMAND and record what it asks the Linux SGX driver and what "
	"the\ndriver answers: every ioctl on an SGX enclave descriptor, "
	"decoded, its\nmmap/mprotect/munmap calls on enclave ranges, and its "
	"enclave entries\nand exits through __vdso_sgx_enter_enclave.\n\n"
	"  -o, --output=FILE  write the trace to FILE (truncated first), "
	"not to\n                     standard error\n"
	"  --json             JSON Lines, one object per line (what "
	"sgx2-replay(1)\n                     reads), instead of text\n"
	"  -h, --help         this text\n"
	"  --version          the version\n\n"
	"The exit status is COMMAND's; 125 for a usage error of sgx2-trace, "
	"126 when\nCOMMAND cannot be run, 127 when it is not found.\n";

/* The recorder: $SGX2_TRACE_LIB, else beside this program (a build
 * tree), else where it is installed. */
static const char *recorder(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("SGX2_TRACE_LIB");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		if (slash) {
			strcpy(slash + 1, "libsgx2-trace.so");
			if (!access(path, R_OK))
				return path;
		}
	}
	return SGX2_TRACE_LIB;
}

/* A runtime that insists on coming first in LD_PRELOAD (ASan). */
static int must_be_first(const char *lib, size_t n)
{
	static const char *const first[] = { "libasan", "libclang_rt.asan",
					     "libtsan", "libclang_rt.tsan" };
	const char *base = lib;

	for (size_t i = 0; i < n; i++)
		if (lib[i] == '/')
			base = lib + i + 1;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		if (!strncmp(base, first[i], strlen(first[i])))
			return 1;
	return 0;
}

/* LD_PRELOAD with @lib first, or second after a runtime that must be. */
static char *preload_with(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	size_t skip = 0, len;
	char *out;

	if (!old || !*old) {
		out = strdup(lib);
	} else {
		len = strcspn(old, " :");
		if (must_be_first(old, len))
			skip = len;
		out = malloc(strlen(old) + strlen(lib) + 3);
		if (out) {
			if (skip)
				sprintf(out, "%.*s %s%s", (int)skip, old, lib,
					old + skip);
			else
				sprintf(out, "%s %s", lib, old);
		}
	}
	return out;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *lib;
	char abs[PATH_MAX], *preload;
	int json = 0, c, fd;

	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			puts("sgx2-trace (libsgx2) " SGX2_VERSION);
			return 0;
		default:
			fputs(usage, stderr);
			return 125;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 125;
	}

	lib = recorder();
	if (access(lib, R_OK)) {
		fprintf(stderr, "sgx2-trace: %s: %s (set SGX2_TRACE_LIB)\n",
			lib, strerror(errno));
		return 125;
	}
	if (output) {
		/* Absolute: the command may change directory. */
		if (output[0] != '/' && getcwd(abs, sizeof(abs)) &&
		    strlen(abs) + strlen(output) + 2 < sizeof(abs)) {
			strcat(abs, "/");
			strcat(abs, output);
			output = abs;
		}
		fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0) {
			fprintf(stderr, "sgx2-trace: %s: %s\n", output,
				strerror(errno));
			return 125;
		}
		close(fd);
		setenv("SGX2_TRACE_OUTPUT", output, 1);
	} else {
		unsetenv("SGX2_TRACE_OUTPUT");
	}
	setenv("SGX2_TRACE_FORMAT", json ? "json" : "text", 1);
	preload = preload_with(lib);
	if (!preload || setenv("LD_PRELOAD", preload, 1)) {
		fprintf(stderr, "sgx2-trace: out of memory\n");
		return 125;
	}
	execvp(argv[optind], argv + optind);
	c = errno;
	fprintf(stderr, "sgx2-trace: %s: %s\n", argv[optind], strerror(c));
	return c == ENOENT ? 127 : 126;
}
