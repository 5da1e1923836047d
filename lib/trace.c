// SPDX-License-Identifier: MIT
/*
 * Tracing, opt-in, the libkmod way: the environment variable decides how a
 * handle starts (LIBSGX2_TRACE, read when the handle is made), the caller's
 * function replaces that for the handle. Off, a handle has no log block
 * and the call path tests one pointer per ioctl; on, a line is formatted
 * into a stack buffer and handed to one function, which by default writes
 * it to standard error with one write(2), so that threads do not interleave
 * within a line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define LINE_MAX_BYTES 512

static void write_stderr(void *data, unsigned int kind, const char *line)
{
	char buf[LINE_MAX_BYTES + 1];
	size_t n = strlen(line), off = 0;
	ssize_t w;

	(void)data;
	(void)kind;
	if (n > LINE_MAX_BYTES)
		n = LINE_MAX_BYTES;
	memcpy(buf, line, n);
	buf[n++] = '\n';
	while (off < n) {
		w = write(STDERR_FILENO, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

static struct sgx2__log env_all = { .fn = write_stderr, .kinds = SGX2_LOG_ALL };
static struct sgx2__log env_ioctl = { .fn = write_stderr,
				      .kinds = SGX2_LOG_IOCTL };

/* What LIBSGX2_TRACE asks for: NULL (off) or a static block. */
const struct sgx2__log *sgx2__log_env(void)
{
	const char *v = getenv("LIBSGX2_TRACE");

	if (!v || !*v || !strcmp(v, "0"))
		return NULL;
	return strcmp(v, "ioctl") ? &env_all : &env_ioctl;
}

void sgx2__log_free(struct sgx2__log *retired)
{
	while (retired) {
		struct sgx2__log *b = retired;

		retired = b->next;
		free(b);
	}
}

SGX2_EXPORT int sgx2_enclave_set_log_fn(struct sgx2_enclave *encl,
					sgx2_log_fn fn, void *data,
					unsigned int kinds)
{
	struct sgx2__log *b = NULL;
	int saved_errno = errno;

	if (!encl || (kinds & ~SGX2_LOG_ALL))
		return -EINVAL;
	if (kinds) {
		b = malloc(sizeof(*b));
		if (!b) {
			errno = saved_errno;
			return -ENOMEM;
		}
		b->fn = fn ? fn : write_stderr;
		b->data = data;
		b->kinds = kinds;
	}
	sgx2__lock(&encl->lock);
	if (b) {
		b->next = encl->log_retired;
		encl->log_retired = b;
	}
	atomic_store_explicit(&encl->log, b, memory_order_release);
	sgx2__unlock(&encl->lock);
	return 0;
}

uint64_t sgx2__trace_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

const char *sgx2__trace_errname(int err)
{
#if SGX2_HAVE_STRERRORNAME_NP
	const char *name = strerrorname_np(err < 0 ? -err : err);

	if (name)
		return name;
#endif
	return err ? "errno" : "0";
}

/* The operation and its argument as the trace names them. */
static const char *op_name(enum sgx2__op op, uint64_t arg, char buf[32])
{
	switch (op) {
	case SGX2__MODIFY_TYPES:
		return arg == SGX2_PAGE_TYPE_TCS    ? "MODIFY_TYPES TCS"
		       : arg == SGX2_PAGE_TYPE_TRIM ? "MODIFY_TYPES TRIM"
						    : "MODIFY_TYPES ?";
	case SGX2__RESTRICT_PERMISSIONS:
		snprintf(buf, 32, "RESTRICT_PERMISSIONS %s%s%s%s",
			 arg & SGX2_PERM_R ? "R" : "",
			 arg & SGX2_PERM_W ? "W" : "",
			 arg & SGX2_PERM_X ? "X" : "", arg & 7 ? "" : "NONE");
		return buf;
	case SGX2__REMOVE_PAGES:
		break;
	}
	return "REMOVE_PAGES";
}

/*
 * One line: "libsgx2: fd N: " and the caller's text, then the time since
 * the call's last trace point less @idle_ns (a backoff sleep the text
 * names itself), in microseconds.
 */
void sgx2__trace(struct sgx2__call *call, unsigned int kind, uint64_t idle_ns,
		 const char *fmt, ...)
{
	const struct sgx2__log *log = call->log;
	int saved_errno = errno;
	char line[LINE_MAX_BYTES];
	uint64_t now, spent;
	va_list ap;
	int n;

	if (!(log->kinds & kind))
		return;
	now = sgx2__trace_now();
	spent = now - call->trace_ns;
	spent = spent > idle_ns ? spent - idle_ns : 0;
	n = snprintf(line, sizeof(line),
		     "libsgx2: fd %d: ", call->encl ? call->encl->fd : -1);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " [%llu us]",
			 (unsigned long long)(spent / 1000));
	log->fn(log->data, kind, line);
	call->trace_ns = sgx2__trace_now();
	errno = saved_errno;
}

void sgx2__trace_begin(struct sgx2__call *call)
{
	call->trace_ns = sgx2__trace_now();
	call->slept_ns = 0;
}

void sgx2__trace_sleep(struct sgx2__call *call, int start)
{
	uint64_t now = sgx2__trace_now();

	call->slept_ns = start ? now : now - call->slept_ns;
}

/* The line of one ioctl of sgx2__submit(). */
void sgx2__trace_ioctl(struct sgx2__call *call, const struct sgx2__trace_io *t)
{
	/* The backoff is the retry's only; on a timeout none was slept. */
	uint64_t slept =
		t->decision == SGX2__RETRY_BACKOFF ? call->slept_ns : 0;

	char what[32], result[48] = "", then[80];

	if (t->op != SGX2__REMOVE_PAGES)
		snprintf(result, sizeof(result), " result=%llu (%s)",
			 (unsigned long long)t->result,
			 sgx2_result_name(t->result));
	switch (t->decision) {
	case SGX2__DONE:
		snprintf(then, sizeof(then), "done");
		break;
	case SGX2__FAIL:
		snprintf(then, sizeof(then), "fail (not transient)");
		break;
	case SGX2__EPROTO_COUNT:
		snprintf(then, sizeof(then),
			 "fail (EPROTO: the count is outside the range)");
		break;
	case SGX2__TIMEOUT:
		snprintf(then, sizeof(then), "give up (deadline)");
		break;
	case SGX2__GIVE_UP:
		snprintf(then, sizeof(then),
			 "give up (%u retries in a row without progress)",
			 t->streak - 1);
		break;
	case SGX2__RETRY_NOW:
		snprintf(then, sizeof(then), "retry at once (progress)");
		break;
	case SGX2__RETRY_BACKOFF:
		snprintf(then, sizeof(then),
			 "retry %u of %u after %llu us of backoff", t->streak,
			 call->opts->max_retries,
			 (unsigned long long)(slept / 1000));
		break;
	}
	call->slept_ns = 0;
	sgx2__trace(call, SGX2_LOG_IOCTL, slept,
		    "%s offset=0x%llx length=0x%llx -> %s count=0x%llx%s: %s",
		    op_name(t->op, t->arg, what), (unsigned long long)t->offset,
		    (unsigned long long)t->length, sgx2__trace_errname(t->err),
		    (unsigned long long)t->count, result, then);
}

/* The flows' steps. */
void sgx2__trace_flow_begin(struct sgx2__flow *f)
{
	sgx2__trace_begin(&f->call);
	sgx2__trace(&f->call, SGX2_LOG_STEP, 0,
		    "flow begin offset=0x%llx length=0x%llx%s%s",
		    (unsigned long long)f->r.offset,
		    (unsigned long long)f->r.length, f->r.error ? " -> " : "",
		    f->r.error ? sgx2__trace_errname(f->r.error) : "");
}

void sgx2__trace_flow_end(struct sgx2__flow *f)
{
	const struct sgx2_flow_report *r = &f->r;

	sgx2__trace(
		&f->call, SGX2_LOG_STEP, 0,
		"flow end -> %s step=%s changed=0x%llx mapped=0x%llx "
		"accepted=0x%llx removed=0x%llx result=%llu ioctls=%u "
		"retries=%u callbacks=%u",
		sgx2__trace_errname(r->error), sgx2_step_name(r->step),
		(unsigned long long)r->changed, (unsigned long long)r->mapped,
		(unsigned long long)r->accepted, (unsigned long long)r->removed,
		(unsigned long long)r->sgx_result, r->ioctls, r->retries,
		r->callbacks);
}

void sgx2__trace_accept(struct sgx2__flow *f, uint64_t len, uint64_t secinfo,
			int64_t got)
{
	char ans[32];

	if (got < 0 && got >= -4095)
		snprintf(ans, sizeof(ans), "%s", sgx2__trace_errname((int)got));
	else
		snprintf(ans, sizeof(ans), "0x%llx accepted",
			 (unsigned long long)got);
	sgx2__trace(&f->call, SGX2_LOG_STEP, 0,
		    "accept offset=0x%llx length=0x%llx secinfo=0x%llx -> %s",
		    (unsigned long long)(f->r.offset + f->r.accepted),
		    (unsigned long long)len, (unsigned long long)secinfo, ans);
}

void sgx2__trace_map(struct sgx2__flow *f, int map, uint64_t offset,
		     uint64_t len, int prot, int err)
{
	sgx2__trace(&f->call, SGX2_LOG_STEP, 0,
		    "%s offset=0x%llx length=0x%llx prot=%s%s%s%s -> %s",
		    map ? "mmap" : "mprotect", (unsigned long long)offset,
		    (unsigned long long)len, prot & PROT_READ ? "R" : "",
		    prot & PROT_WRITE ? "W" : "", prot & PROT_EXEC ? "X" : "",
		    prot ? "" : "NONE", sgx2__trace_errname(err));
}

void sgx2__trace_prefault(struct sgx2__flow *f, uint64_t offset, uint64_t len,
			  uint64_t done, int err)
{
	sgx2__trace(&f->call, SGX2_LOG_STEP, 0,
		    "prefault offset=0x%llx length=0x%llx -> %s, 0x%llx added",
		    (unsigned long long)offset, (unsigned long long)len,
		    sgx2__trace_errname(err), (unsigned long long)done);
}
