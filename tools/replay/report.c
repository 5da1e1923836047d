// SPDX-License-Identifier: MIT
/*
 * What the replay says, on standard output: "FILE:LINE: ..." for each
 * inference (-q leaves them out) and for the first divergence, then a
 * summary. Errnos are written and read by name, as the trace has them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgx2-sim.h>

#include "replay.h"

static void vline(struct replay *r, const char *tag, const char *fmt,
		  va_list ap)
{
	if (r->cur)
		printf("%s:%u: %s", r->t->path, r->cur->line, tag);
	else
		printf("%s: %s", r->t->path, tag);
	vprintf(fmt, ap);
	putchar('\n');
}

void say(struct replay *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(r, "", fmt, ap);
	va_end(ap);
}

void verbose(struct replay *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->verbose)
		return;
	va_start(ap, fmt);
	vline(r, "", fmt, ap);
	va_end(ap);
}

void inferred(struct replay *r, const char *fmt, ...)
{
	va_list ap;

	r->inferred++;
	if (r->quiet)
		return;
	va_start(ap, fmt);
	vline(r, "inferred: ", fmt, ap);
	va_end(ap);
	/* When the enclave can have done it: in an entry before this. */
	if (r->entry_line && r->cur && r->entry_pid == r->cur->pid)
		printf("  (the last enclave entry before it: line %u)\n",
		       r->entry_line);
	else
		printf("  (no enclave entry before it in the trace: did the "
		       "program find the vDSO\n  another way than through "
		       "getauxval(AT_SYSINFO_EHDR)?)\n");
}

const char *errname(int err)
{
	const char *n = err ? strerrorname_np(err) : "0";

	return n ? n : "errno?";
}

int errno_of_name(const char *name)
{
	if (!name || !strcmp(name, "0"))
		return 0;
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	if (*name >= '0' && *name <= '9')
		return (int)strtol(name, NULL, 10);
	return -1;
}

struct answer recorded(const struct event *ev)
{
	struct answer a = { 0 };
	const struct jval *e = jget(&ev->o, "errno");

	j_s64(&ev->o, "ret", &a.ret);
	if (e)
		a.err = e->type == J_STR ? errno_of_name(e->str) : (int)e->num;
	a.has_count = j_u64(&ev->o, "out.count", &a.count);
	a.has_result = j_u64(&ev->o, "out.result", &a.result);
	return a;
}

void answer_text(const struct answer *a, char *buf, size_t n)
{
	int k;

	if (a->ret < 0)
		k = snprintf(buf, n, "%lld %s", (long long)a->ret,
			     errname(a->err));
	else
		k = snprintf(buf, n, "%lld", (long long)a->ret);
	if (a->has_count && k >= 0 && (size_t)k < n)
		k += snprintf(buf + k, n - (size_t)k, ", count 0x%llx",
			      (unsigned long long)a->count);
	if (a->has_result && k >= 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, ", result %llu",
			 (unsigned long long)a->result);
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case SGX2_SIM_PAGE_TYPE_SECS:
		return "SECS";
	case SGX2_SIM_PAGE_TYPE_TCS:
		return "TCS";
	case SGX2_SIM_PAGE_TYPE_REG:
		return "REG";
	case SGX2_SIM_PAGE_TYPE_TRIM:
		return "TRIM";
	}
	return "?";
}

void page_text(int fd, uint64_t offset, char *buf, size_t n)
{
	struct sgx2_sim_page p;

	if (sgx2_sim_page_state(fd, offset, &p)) {
		snprintf(buf, n, "unknown");
		return;
	}
	if (!p.present) {
		snprintf(buf, n, "no page");
		return;
	}
	snprintf(buf, n,
		 "kernel type %s, EPCM %s%s%s%s%s%s%s%s (SECINFO 0x%llx), max "
		 "prot %s%s%s%s",
		 type_name(p.type), type_name(p.epcm_type),
		 p.epcm_perms ? " " : "", p.epcm_perms & 1 ? "R" : "",
		 p.epcm_perms & 2 ? "W" : "", p.epcm_perms & 4 ? "X" : "",
		 p.pending ? " PENDING" : "", p.modified ? " MODIFIED" : "",
		 p.pr ? " PR" : "", (unsigned long long)p.secinfo,
		 p.max_prot & 1 ? "R" : "", p.max_prot & 2 ? "W" : "",
		 p.max_prot & 4 ? "X" : "", p.max_prot ? "" : "none");
}

void diverge(struct replay *r, const char *call, const struct answer *want,
	     const struct answer *got, const char *why, const struct renc *e,
	     int page, uint64_t offset)
{
	char a[128], b[128], p[160];

	r->diverged = 1;
	answer_text(want, a, sizeof(a));
	if (got)
		answer_text(got, b, sizeof(b));
	say(r, "divergence: %s", call);
	printf("  recorded:  %s\n", a);
	if (got)
		printf("  simulator: %s\n", b);
	if (why)
		printf("  %s\n", why);
	if (page && e && e->fd >= 0) {
		page_text(e->fd, offset, p, sizeof(p));
		printf("  page +0x%llx on the simulator: %s\n",
		       (unsigned long long)offset, p);
	}
}
