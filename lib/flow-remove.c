// SPDX-License-Identifier: MIT
/*
 * Page removal: MODIFY_TYPES(TRIM), EACCEPT, REMOVE_PAGES. TRIM cannot be
 * undone, so whatever stops the flow, it first accepts what it trimmed and
 * removes what was accepted. The report's three counters are prefixes:
 * removed <= accepted <= changed (trimmed), exact below changed.
 *
 * Two answers prove the state of a TRIM page: REMOVE_PAGES removing it
 * (it was accepted) and EACCEPT accepting it (it was not). Their refusals
 * prove nothing alone: REMOVE_PAGES answers EPERM for a page not accepted
 * and also when its EMODPR probe fails on an accepted one; EACCEPT refuses
 * a page already accepted as it refuses one it will not take. So where a
 * page's acceptance is in doubt, a refusal from one sends the flow to the
 * other, and a page neither can place is left at `changed` or after it,
 * where a resume asks again.
 */
#include <errno.h>

#include "internal.h"

#define PAGE SGX2_PAGE_SIZE

/*
 * A removal in progress. [accepted, unsure) are TRIM pages that may have
 * been accepted although the counters say not: a resume's input (a report
 * saved by an older release, or made by hand) or a page the kernel's
 * answers left in doubt. Where EACCEPT refuses one, REMOVE_PAGES is asked.
 */
struct removal {
	struct sgx2__flow f;
	uint64_t unsure;
};

/* REMOVE_PAGES [removed, accepted): pages the enclave accepted. */
static void remove_accepted(struct removal *rm)
{
	struct sgx2__flow *f = &rm->f;
	uint64_t done;
	int err;

	if (f->r.removed >= f->r.accepted)
		return;
	err = sgx2__remove_accepted(&f->call, f->r.offset + f->r.removed,
				    f->r.accepted - f->r.removed, &done);
	f->r.removed += done;
	if (err)
		sgx2__flow_fail(f, err, SGX2_STEP_REMOVE);
}

/*
 * Which of the TRIM pages [removed, changed) were accepted, when the
 * enclave's answer cannot say: REMOVE_PAGES takes them from the first on
 * and stops at the first that is not (EPERM, asked again in case its
 * probe failed), which, since the enclave accepts in order, is where the
 * accepted ones end. Returns 1 when it could tell, 0 when it could not:
 * the pages from accepted on are then left past changed, for a resume.
 * With @trust_none (the callback broke its contract) no refusal is
 * believed: whatever REMOVE_PAGES did not take is left past changed.
 */
static int find_accepted(struct removal *rm, int trust_none)
{
	struct sgx2__flow *f = &rm->f;
	uint64_t claimed = f->r.accepted, done;
	int err;

	err = sgx2__remove_accepted(&f->call, f->r.offset + f->r.removed,
				    f->r.changed - f->r.removed, &done);
	f->r.removed += done;
	if (f->r.removed > f->r.accepted)
		f->r.accepted = f->r.removed;
	if (!err || (err == -EPERM && f->r.removed >= claimed && !trust_none))
		return 1;
	if (err != -EPERM || f->r.removed < claimed)
		sgx2__flow_fail(f, err, SGX2_STEP_REMOVE);
	f->r.changed = f->r.accepted;
	if (rm->unsure > f->r.changed)
		rm->unsure = f->r.changed;
	return 0;
}

/*
 * Accept what is trimmed, then remove what is accepted. A page EACCEPT
 * refuses is not accepted, unless it was in doubt: then it may be
 * accepted already, and REMOVE_PAGES is asked. After -EPROTO nothing the
 * callback said is believed: REMOVE_PAGES is asked, and the callback is
 * not called again.
 */
static void finish(struct removal *rm)
{
	struct sgx2__flow *f = &rm->f;

	for (;;) {
		int err = sgx2__flow_try_accept(f, f->r.changed,
						SGX2_ACCEPT_TRIM);
		uint64_t refused = f->r.accepted;

		if (!(err == -EPROTO ||
		      (err == -EIO && refused < rm->unsure))) {
			if (err)
				sgx2__flow_fail(f, err, SGX2_STEP_ACCEPT);
			remove_accepted(rm);
			return;
		}
		if (err == -EPROTO)
			sgx2__flow_fail(f, err, SGX2_STEP_ACCEPT);
		if (!find_accepted(rm, err == -EPROTO) || err == -EPROTO)
			return;
		if (f->r.accepted == refused) {
			/* Not accepted: the enclave does refuse it. */
			sgx2__flow_fail(f, err, SGX2_STEP_ACCEPT);
			return;
		}
		/* It was accepted already: go on with the pages after. */
	}
}

/* Everything up to @to is gone: no page is there any more. */
static void gone_up_to(struct sgx2__flow *f, uint64_t to)
{
	f->r.changed = f->r.accepted = f->r.removed = to;
}

/*
 * EFAULT without an SGX code from MODIFY_TYPES at @q: no page there, or
 * one the kernel failed on (ETRACK after EMODT, an ENCLS fault, a reload),
 * which stays REG to the kernel. REMOVE_PAGES on that one page tells them
 * apart: EFAULT again (asked twice: a load can fail) for no page, EPERM
 * for a page that is still there.
 */
static void absent_or_fail(struct sgx2__flow *f, uint64_t q)
{
	uint64_t done;
	int err;

	err = sgx2__remove_absent(&f->call, f->r.offset + q, PAGE, &done);
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
 * REMOVE_PAGES takes it with its accepted followers, or not (EPERM, or
 * the probe failed on it), and EACCEPT is asked about it alone: pages
 * past it may be absent, and EACCEPT on an absent, mapped page would add
 * one. A page REMOVE_PAGES stops at past q is for the next round's
 * MODIFY_TYPES to classify.
 */
static void recover(struct removal *rm, int err, uint64_t end)
{
	struct sgx2__flow *f = &rm->f;
	uint64_t q = f->r.changed, done;

	if (err == -EFAULT) {
		absent_or_fail(f, q);
		return;
	}
	err = sgx2__submit(&f->call, SGX2__REMOVE_PAGES, f->r.offset + q,
			   end - q, 0, &done);
	gone_up_to(f, q + done);
	if (!err || q + done == end)
		return; /* nothing left in the chunk to classify */
	if (done && (err == -EPERM || (err == -EFAULT && !f->call.sgx_result)))
		return; /* the next round asks about that page */
	if (err == -EPERM) {
		f->r.changed = rm->unsure = q + PAGE;
		finish(rm);
		/* Neither the enclave nor the kernel would take it: its state
		 * is not known, and left past changed. */
		if (f->r.accepted == q)
			f->r.changed = q;
	} else if (err == -EINVAL && !done) {
		/* Both refused the range itself (e.g. not initialised): the
		 * trim's EINVAL never meant "already TRIM". */
		sgx2__flow_fail(f, err, SGX2_STEP_MODIFY);
	} else {
		/* EFAULT here contradicts the trim's EINVAL: a page the
		 * kernel failed to reload, say. Left for a resume. */
		sgx2__flow_fail(f, err, SGX2_STEP_REMOVE);
	}
}

static int recoverable(const struct sgx2__flow *f, int err)
{
	return err == -EINVAL || (err == -EFAULT && !f->call.sgx_result);
}

static void remove_range(struct removal *rm, int resuming)
{
	struct sgx2__flow *f = &rm->f;
	uint64_t end;
	int err;

	finish(rm); /* what an earlier call left trimmed or accepted */
	while (sgx2__flow_chunk(f, f->r.changed, &end)) {
		uint64_t done;

		err = sgx2__submit(&f->call, SGX2__MODIFY_TYPES,
				   f->r.offset + f->r.changed,
				   end - f->r.changed, SGX2_PAGE_TYPE_TRIM,
				   &done);
		f->r.changed += done;
		if (err && !(resuming && recoverable(f, err)))
			sgx2__flow_fail(f, err, SGX2_STEP_MODIFY);
		finish(rm);
		if (err && !f->r.error && f->r.changed < end)
			recover(rm, err, end);
	}
}

SGX2_EXPORT int sgx2_trim_and_remove(struct sgx2_enclave *encl, uint64_t offset,
				     uint64_t length,
				     const struct sgx2_callbacks *cb,
				     const struct sgx2_options *opts,
				     struct sgx2_flow_report *report)
{
	struct removal rm = { .unsure = 0 };

	if (!sgx2__flow_begin(&rm.f, encl, offset, length, cb, opts, 1))
		remove_range(&rm, 0);
	return sgx2__flow_end(&rm.f, report);
}

SGX2_EXPORT int sgx2_trim_and_remove_resume(struct sgx2_enclave *encl,
					    const struct sgx2_callbacks *cb,
					    const struct sgx2_options *opts,
					    struct sgx2_flow_report *report)
{
	struct sgx2_flow_report in;
	struct removal rm;
	int ordered, err;

	if (!report)
		return -EINVAL;
	in = *report;
	ordered = in.removed <= in.accepted && in.accepted <= in.changed &&
		  in.changed <= in.length &&
		  !((in.removed | in.accepted | in.changed) % PAGE);
	err = sgx2__flow_begin(&rm.f, encl, in.offset, in.length, cb, opts,
			       ordered);
	if (err) {
		/* Refused: the caller's counters stay as they were. */
		report->error = err;
		return err;
	}
	rm.f.r.changed = in.changed;
	rm.f.r.accepted = in.accepted;
	rm.f.r.removed = in.removed;
	/* An accepted page the report calls unaccepted is found out. */
	rm.unsure = in.changed;
	remove_range(&rm, 1);
	return sgx2__flow_end(&rm.f, report);
}
