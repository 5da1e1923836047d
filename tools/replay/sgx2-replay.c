// SPDX-License-Identifier: MIT
/*
 * sgx2-replay [-q] [-v] [--kernel=X.Y] TRACE
 *
 * Replays a trace sgx2-trace(1) recorded (JSON Lines) on libsgx2-sim: the
 * same ioctls and mappings, in order, on enclaves rebuilt from the
 * recorded CREATE, ADD_PAGES and INIT, and compares every answer with the
 * recorded one. It says what it inferred the enclave did between the
 * calls and, at the first answer that differs, where (FILE:LINE), what
 * the trace says and what the simulator said, and exits 1. See
 * sgx2-replay(1).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgx2-sim.h>

#include "replay.h"

static const char usage[] =
	"Usage: sgx2-replay [-q] [-v] [--kernel=X.Y] TRACE\n"
	"Replay a trace recorded with sgx2-trace --json on the simulator and "
	"report\nthe first answer of the simulator that differs from the "
	"recorded one.\n\n"
	"  -q, --quiet       say only the divergence and the summary\n"
	"  -v, --verbose     say what is replayed, event by event\n"
	"  --kernel=X.Y      model this kernel release, not the one that "
	"answered\n                    the recording (6.19, 6.14, 6.6, 6.1, "
	"6.0, 5.19)\n"
	"  -h, --help        this text\n\n"
	"Exit status: 0 no divergence, 1 a divergence, 2 the trace cannot be "
	"read or\nreplayed (or a usage error).\n";

static int parse_kernel(const char *s, uint32_t *out)
{
	static const struct {
		const char *name;
		uint32_t v;
	} known[] = {
		{ "6.19", SGX2_SIM_KERNEL_6_19 },
		{ "6.14", SGX2_SIM_KERNEL_6_14 },
		{ "6.6", SGX2_SIM_KERNEL_6_6 },
		{ "6.1", SGX2_SIM_KERNEL_6_1 },
		{ "6.0", SGX2_SIM_KERNEL_6_0 },
		{ "5.19", SGX2_SIM_KERNEL_5_X },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s, known[i].name)) {
			*out = known[i].v;
			return 0;
		}
	return -1;
}

static int step(struct replay *r, const struct event *ev)
{
	const char *op;

	if (!strcmp(ev->ev, "open"))
		return replay_open(r, ev);
	if (!strcmp(ev->ev, "close") || !strcmp(ev->ev, "dup")) {
		replay_close(r, ev);
		return 0;
	}
	if (!strcmp(ev->ev, "mmap") || !strcmp(ev->ev, "mprotect") ||
	    !strcmp(ev->ev, "munmap"))
		return replay_map(r, ev);
	if (!strcmp(ev->ev, "read"))
		return replay_read(r, ev);
	if (!strcmp(ev->ev, "eenter")) {
		r->entries++;
		r->entry_pid = ev->pid;
		r->entry_line = ev->line;
		return 0;
	}
	if (strcmp(ev->ev, "ioctl"))
		return 0; /* start, exits, handler calls: nothing to do */
	op = j_str(&ev->o, "op");
	if (!op || !ev->encl) {
		verbose(r, "ioctl on no enclave: not replayed");
		return 0;
	}
	if (!strcmp(op, "CREATE"))
		return replay_create(r, ev);
	if (!strcmp(op, "ADD_PAGES"))
		return replay_add_pages(r, ev);
	if (!strcmp(op, "INIT"))
		return replay_init(r, ev);
	if (!strcmp(op, "PROVISION"))
		return replay_provision(r, ev);
	if (!strcmp(op, "RESTRICT_PERMISSIONS") ||
	    !strcmp(op, "MODIFY_TYPES") || !strcmp(op, "REMOVE_PAGES"))
		return replay_edmm(r, ev);
	say(r, "note: %s is not replayed", op);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay r = { 0 };
	struct trace t;
	int c, failed = 0;

	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			r.quiet = 1;
			break;
		case 'v':
			r.verbose = 1;
			break;
		case 'k':
			if (parse_kernel(optarg, &r.kernel)) {
				fprintf(stderr,
					"sgx2-replay: --kernel=%s: not a "
					"modelled release\n",
					optarg);
				return 2;
			}
			r.have_kernel = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (trace_load(argv[optind], &t))
		return 2;
	r.t = &t;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < t.n && !r.diverged; i++) {
		r.cur = &t.ev[i];
		if (step(&r, &t.ev[i]) && !r.diverged)
			failed = 1;
		if (failed)
			break;
	}
	if (failed)
		say(&r, "the replay could not go on here");
	r.cur = NULL;
	if (!failed && !r.diverged) {
		say(&r,
		    "no divergence: %u ioctls, %u mapping calls and %u "
		    "enclave entries replayed, %u enclave action(s) inferred",
		    r.ioctls, r.mappings, r.entries, r.inferred);
	}
	renc_free_all(&r);
	trace_free(&t);
	return r.diverged ? 1 : failed ? 2 : 0;
}
