// SPDX-License-Identifier: MIT
/*
 * Page removal: MODIFY_TYPES(TRIM), EACCEPT, REMOVE_PAGES. TRIM cannot be
 * undone, so whatever stops the flow, it first accepts what it trimmed and
 * removes what was accepted. The report's three counters are prefixes:
 * removed <= accepted <= changed (trimmed).
 */
#include <errno.h>

#include "internal.h"

#define PAGE SGX2_PAGE_SIZE

/* Accept what is trimmed, then remove what is accepted. */
static void finish(struct sgx2__flow *f)
{
	sgx2__flow_accept(f, f->r.changed, SGX2_ACCEPT_TRIM);
	sgx2__flow_ioctl(f, SGX2__REMOVE_PAGES, 0, &f->r.removed,
			 f->r.accepted);
}

/* Everything up to @to is gone: no page is there any more. */
static void gone_up_to(struct sgx2__flow *f, uint64_t to)
{
	f->r.changed = f->r.accepted = f->r.removed = to;
}

/*
 * EFAULT without an SGX code from MODIFY_TYPES at @q: no page there, or
 * one the kernel failed on (ETRACK after EMODT, an ENCLS fault), which
 * stays REG to the kernel. REMOVE_PAGES on that one page tells them
 * apart: EFAULT again for no page, EPERM for a page that is still there.
 */
static void absent_or_fail(struct sgx2__flow *f, uint64_t q)
{
	uint64_t done;
	int err;

	err = sgx2__submit(&f->call, SGX2__REMOVE_PAGES, f->r.offset + q, PAGE,
			   0, &done);
	if (!err || (err == -EFAULT && !f->call.sgx_result)) {
		gone_up_to(f, q + PAGE);
		return;
	}
	f->call.sgx_result = 0;
	sgx2__flow_fail(f, -EFAULT, SGX2_STEP_MODIFY);
}

/*
 * MODIFY_TYPES(TRIM) stopped at page q = changed with @err, after the pages
 * before q were finished. When resuming from counters that lag behind,
 * the kernel's answer classifies q: EFAULT without an SGX code, perhaps no
 * page there (already removed); EINVAL, already TRIM (the only transition
 * to TRIM the kernel refuses). A TRIM page is either accepted, and
 * REMOVE_PAGES takes it with its accepted followers, or not (EPERM), and
 * is accepted on its own: pages past it may be absent, and EACCEPT on an
 * absent, mapped page would add one.
 */
static void recover(struct sgx2__flow *f, int err, uint64_t end)
{
	uint64_t q = f->r.changed, done = q;

	if (err == -EFAULT) {
		absent_or_fail(f, q);
		return;
	}
	err = sgx2__submit(&f->call, SGX2__REMOVE_PAGES, f->r.offset + q,
			   end - q, 0, &done);
	done += q;
	gone_up_to(f, done);
	if (!err || done == end)
		return; /* nothing left in the chunk to classify */
	if (err == -EPERM && done == q) {
		f->r.changed = q + PAGE;
		finish(f);
	} else if (err == -EFAULT && !f->call.sgx_result) {
		/* REMOVE_PAGES has no ETRACK and no ENCLS fault to report:
		 * EFAULT is no page (or one the kernel cannot reload). */
		gone_up_to(f, done + PAGE);
	} else if (err == -EINVAL && done == q) {
		/* Both refused the range itself (e.g. not initialised): the
		 * trim's EINVAL never meant "already TRIM". */
		sgx2__flow_fail(f, err, SGX2_STEP_MODIFY);
	} else if (err != -EPERM) {
		sgx2__flow_fail(f, err, SGX2_STEP_REMOVE);
	}
	/* EPERM past q: the next round classifies that page. */
}

static int recoverable(const struct sgx2__flow *f, int err)
{
	return err == -EINVAL || (err == -EFAULT && !f->call.sgx_result);
}

static void remove_range(struct sgx2__flow *f, int resuming)
{
	uint64_t end;
	int err;

	finish(f); /* what an earlier call left trimmed or accepted */
	while (sgx2__flow_chunk(f, f->r.changed, &end)) {
		uint64_t done;

		err = sgx2__submit(&f->call, SGX2__MODIFY_TYPES,
				   f->r.offset + f->r.changed,
				   end - f->r.changed, SGX2_PAGE_TYPE_TRIM,
				   &done);
		f->r.changed += done;
		if (err && !(resuming && recoverable(f, err)))
			sgx2__flow_fail(f, err, SGX2_STEP_MODIFY);
		finish(f);
		if (err && !f->r.error && f->r.changed < end)
			recover(f, err, end);
	}
}

SGX2_EXPORT int sgx2_trim_and_remove(struct sgx2_enclave *encl, uint64_t offset,
				     uint64_t length,
				     const struct sgx2_callbacks *cb,
				     const struct sgx2_options *opts,
				     struct sgx2_flow_report *report)
{
	struct sgx2__flow f;

	if (!sgx2__flow_begin(&f, encl, offset, length, cb, opts, 1))
		remove_range(&f, 0);
	return sgx2__flow_end(&f, report);
}

SGX2_EXPORT int sgx2_trim_and_remove_resume(struct sgx2_enclave *encl,
					    const struct sgx2_callbacks *cb,
					    const struct sgx2_options *opts,
					    struct sgx2_flow_report *report)
{
	struct sgx2_flow_report in;
	struct sgx2__flow f;
	int ordered, err;

	if (!report)
		return -EINVAL;
	in = *report;
	ordered = in.removed <= in.accepted && in.accepted <= in.changed &&
		  in.changed <= in.length &&
		  !((in.removed | in.accepted | in.changed) % PAGE);
	err = sgx2__flow_begin(&f, encl, in.offset, in.length, cb, opts,
			       ordered);
	if (err) {
		/* Refused: the caller's counters stay as they were. */
		report->error = err;
		return err;
	}
	f.r.changed = in.changed;
	f.r.accepted = in.accepted;
	f.r.removed = in.removed;
	remove_range(&f, 1);
	return sgx2__flow_end(&f, report);
}
