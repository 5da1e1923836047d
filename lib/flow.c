// SPDX-License-Identifier: MIT
/*
 * The flows' shared steps: each step works on [its counter, end) and moves
 * its counter by what it completed, so the report is always page-exact.
 * A failed step records the first failure and the flow goes on only with
 * the steps that finish what earlier steps did.
 */
#include <errno.h>
#include <sys/mman.h>

#include "internal.h"

static int callbacks_check(const struct sgx2_callbacks *cb)
{
	return cb && cb->accept && !cb->reserved[0] && !cb->reserved[1]
		       ? 0
		       : -EINVAL;
}

int sgx2__flow_begin(struct sgx2__flow *f, struct sgx2_enclave *encl,
		     uint64_t offset, uint64_t length,
		     const struct sgx2_callbacks *cb,
		     const struct sgx2_options *opts, int args_ok)
{
	int err;

	f->cb = cb;
	f->chunks = 0;
	f->saved_errno = errno;
	f->r = (struct sgx2_flow_report){ .offset = offset, .length = length };
	err = sgx2__call_begin(&f->call, encl, opts);
	if (!err)
		err = callbacks_check(cb);
	if (!err)
		err = sgx2__range_check(encl, offset, length);
	if (!err && !args_ok)
		err = -EINVAL;
	f->r.error = err;
	if (SGX2__TRACING(&f->call))
		sgx2__trace_flow_begin(f);
	return err;
}

int sgx2__flow_end(struct sgx2__flow *f, struct sgx2_flow_report *report)
{
	f->r.ioctls = f->call.ioctls;
	f->r.retries = f->call.retries;
	if (SGX2__TRACING(&f->call))
		sgx2__trace_flow_end(f);
	if (report)
		*report = f->r;
	errno = f->saved_errno; /* whatever the callbacks did to it */
	return f->r.error;
}

int sgx2__flow_fail(struct sgx2__flow *f, int err, uint32_t step)
{
	if (!f->r.error) {
		f->r.error = err;
		f->r.step = step;
		if (step == SGX2_STEP_MODIFY || step == SGX2_STEP_REMOVE)
			f->r.sgx_result = f->call.sgx_result;
	}
	return err;
}

/*
 * Whether to run another chunk, from @from: not after a failure, not past
 * the end. After each chunk completed, the last included (so that a
 * progress bar reaches the whole range), show the progress callback the
 * report; between chunks, let it cancel and honour the deadline. *@end is
 * where the chunk stops.
 */
int sgx2__flow_chunk(struct sgx2__flow *f, uint64_t from, uint64_t *end)
{
	uint64_t chunk = f->call.opts->chunk_bytes;
	int stop = 0;

	if (f->r.error)
		return 0;
	if (f->chunks) {
		f->r.ioctls = f->call.ioctls;
		f->r.retries = f->call.retries;
		if (f->cb->progress)
			stop = f->cb->progress(f->cb->arg, &f->r);
	}
	if (from >= f->r.length)
		return 0; /* done: nothing left to cancel */
	if (stop) {
		sgx2__flow_fail(f, -ECANCELED, SGX2_STEP_PROGRESS);
		return 0;
	}
	if (f->chunks++ && sgx2__deadline_passed(&f->call)) {
		sgx2__flow_fail(f, -ETIMEDOUT, SGX2_STEP_PROGRESS);
		return 0;
	}
	*end = chunk && f->r.length - from > chunk ? from + chunk : f->r.length;
	return 1;
}

int sgx2__flow_ioctl(struct sgx2__flow *f, enum sgx2__op op, uint64_t arg,
		     uint64_t *counter, uint64_t end)
{
	uint64_t done;
	int err;

	if (*counter >= end)
		return 0;
	err = sgx2__submit(&f->call, op, f->r.offset + *counter, end - *counter,
			   arg, &done);
	*counter += done;
	return err ? sgx2__flow_fail(f, err,
				     op == SGX2__REMOVE_PAGES
					     ? SGX2_STEP_REMOVE
					     : SGX2_STEP_MODIFY)
		   : 0;
}

/*
 * Have the enclave accept [accepted, end); believe only a count that fits.
 * 0, or the failure, not yet recorded: the callback's errno, -EIO when it
 * accepted only part, -EPROTO for an answer it cannot have meant.
 */
int sgx2__flow_try_accept(struct sgx2__flow *f, uint64_t end, uint64_t secinfo)
{
	uint64_t len = end - f->r.accepted;
	int64_t got;

	if (f->r.accepted >= end)
		return 0;
	f->r.callbacks++;
	got = f->cb->accept(f->cb->arg,
			    f->call.encl->base + f->r.offset + f->r.accepted,
			    len, secinfo);
	if (SGX2__TRACING(&f->call))
		sgx2__trace_accept(f, len, secinfo, got);
	if (got < 0 && got >= -4095)
		return (int)got;
	if (got < 0 || (uint64_t)got > len || got % SGX2_PAGE_SIZE)
		return -EPROTO;
	f->r.accepted += (uint64_t)got;
	return (uint64_t)got < len ? -EIO : 0;
}

int sgx2__flow_accept(struct sgx2__flow *f, uint64_t end, uint64_t secinfo)
{
	int err = sgx2__flow_try_accept(f, end, secinfo);

	return err ? sgx2__flow_fail(f, err, SGX2_STEP_ACCEPT) : 0;
}

/* mmap() or mprotect() [mapped, end) of the enclave's own mapping. */
static int flow_map(struct sgx2__flow *f, uint64_t end, int prot, int map)
{
	struct sgx2_enclave *e = f->call.encl;
	uint64_t off = f->r.offset + f->r.mapped;
	void *addr = (void *)(uintptr_t)(e->base + off);
	size_t len = (size_t)(end - f->r.mapped);
	int err = 0;

	if (f->r.mapped >= end)
		return 0;
	/* The driver ignores the file offset; passing the enclave offset
	 * keeps a file-backed model of the enclave consistent too. */
	if (map) {
		if (mmap(addr, len, prot, MAP_SHARED | MAP_FIXED, e->fd,
			 (off_t)off) == MAP_FAILED)
			err = -errno;
	} else if (mprotect(addr, len, prot)) {
		err = -errno;
	}
	if (SGX2__TRACING(&f->call))
		sgx2__trace_map(f, map, off, len, prot, err);
	if (err)
		return sgx2__flow_fail(f, err, SGX2_STEP_MAP);
	f->r.mapped = end;
	return 0;
}

static int prot_of(uint64_t perms)
{
	return (perms & SGX2_PERM_R ? PROT_READ : 0) |
	       (perms & SGX2_PERM_W ? PROT_WRITE : 0) |
	       (perms & SGX2_PERM_X ? PROT_EXEC : 0);
}

SGX2_EXPORT int sgx2_add_tcs(struct sgx2_enclave *encl, uint64_t offset,
			     uint64_t length, const struct sgx2_callbacks *cb,
			     const struct sgx2_options *opts,
			     struct sgx2_flow_report *report)
{
	struct sgx2__flow f;
	uint64_t end;

	sgx2__flow_begin(&f, encl, offset, length, cb, opts, 1);
	while (sgx2__flow_chunk(&f, f.r.changed, &end)) {
		sgx2__flow_ioctl(&f, SGX2__MODIFY_TYPES, SGX2_PAGE_TYPE_TCS,
				 &f.r.changed, end);
		/* The kernel now caps these pages at RW: an RWX mapping
		 * would SIGBUS on the EACCEPT's fault, so fix it up first. */
		if (!flow_map(&f, f.r.changed, PROT_READ | PROT_WRITE, 0))
			sgx2__flow_accept(&f, f.r.mapped, SGX2_ACCEPT_TCS);
	}
	return sgx2__flow_end(&f, report);
}

SGX2_EXPORT int sgx2_restrict_and_accept(struct sgx2_enclave *encl,
					 uint64_t offset, uint64_t length,
					 uint64_t perms, unsigned int flags,
					 const struct sgx2_callbacks *cb,
					 const struct sgx2_options *opts,
					 struct sgx2_flow_report *report)
{
	struct sgx2__flow f;
	uint64_t end;

	sgx2__flow_begin(&f, encl, offset, length, cb, opts,
			 !sgx2__perms_check(perms) &&
				 !(flags & ~SGX2_FLOW_MPROTECT));
	while (sgx2__flow_chunk(&f, f.r.changed, &end)) {
		sgx2__flow_ioctl(&f, SGX2__RESTRICT_PERMISSIONS, perms,
				 &f.r.changed, end);
		sgx2__flow_accept(&f, f.r.changed, SGX2_ACCEPT_RESTRICT(perms));
		/* After EACCEPT, which needs the page readable. */
		if (flags & SGX2_FLOW_MPROTECT)
			flow_map(&f, f.r.accepted, prot_of(perms), 0);
	}
	return sgx2__flow_end(&f, report);
}

/* Have the kernel add [changed, mapped) from the host (prefault.c). */
static int flow_prefault(struct sgx2__flow *f, int zero_fd)
{
	uint64_t from = f->r.changed, done;
	int err;

	if (from >= f->r.mapped)
		return 0;
	err = sgx2__prefault(zero_fd, f->call.encl->base + f->r.offset + from,
			     f->r.mapped - from, &done);
	if (SGX2__TRACING(&f->call))
		sgx2__trace_prefault(f, f->r.offset + from, f->r.mapped - from,
				     done, err);
	f->r.changed += done;
	return err ? sgx2__flow_fail(f, err, SGX2_STEP_PREFAULT) : 0;
}

SGX2_EXPORT int sgx2_grow(struct sgx2_enclave *encl, uint64_t offset,
			  uint64_t length, unsigned int flags,
			  const struct sgx2_callbacks *cb,
			  const struct sgx2_options *opts,
			  struct sgx2_flow_report *report)
{
	int prefault = !(flags & SGX2_FLOW_NO_PREFAULT), zero_fd = -1;
	struct sgx2__flow f;
	uint64_t end;

	sgx2__flow_begin(
		&f, encl, offset, length, cb, opts,
		!(flags & ~(SGX2_FLOW_NO_MMAP | SGX2_FLOW_NO_PREFAULT)));
	if (!f.r.error && prefault) {
		zero_fd = sgx2__zero_fd(encl);
		if (zero_fd < 0)
			sgx2__flow_fail(&f, zero_fd, SGX2_STEP_PREFAULT);
	}
	while (sgx2__flow_chunk(&f, f.r.accepted, &end)) {
		if (flags & SGX2_FLOW_NO_MMAP)
			f.r.mapped = end;
		else
			flow_map(&f, end, PROT_READ | PROT_WRITE, 1);
		if (prefault) {
			/* What the kernel added, to the enclave in one call:
			 * its EACCEPTs find the pages, and do not fault. */
			flow_prefault(&f, zero_fd);
			sgx2__flow_accept(&f, f.r.changed, SGX2_ACCEPT_AUG);
		} else {
			/* Each EACCEPT faults and the kernel adds its page. */
			sgx2__flow_accept(&f, f.r.mapped, SGX2_ACCEPT_AUG);
			f.r.changed = f.r.accepted;
		}
	}
	return sgx2__flow_end(&f, report);
}
