// SPDX-License-Identifier: MIT
/*
 * The three EDMM ioctls, replayed with the recorded arguments, and what
 * the enclave must have done between them for the recorded answers to
 * come out.
 *
 * The driver stops at a page and says how far it got (count), why
 * (errno) and, for EMODPR/EMODT, the SGX code (result). The replay issues
 * the same call; where the simulator stops before the recorded page, the
 * page's state on the simulator says what the enclave did that a host
 * trace cannot show, and the replay does the least of it, from there to
 * where the recorded call stopped, then goes on from that page:
 *
 *   no page, EFAULT (RESTRICT, MODIFY)     the enclave added the pages
 *                                          (EAUG on EACCEPT R|W|PENDING)
 *   PENDING/MODIFIED/PR, EFAULT with 20    the enclave accepted them
 *   (SGX_PAGE_NOT_MODIFIABLE)              (EACCEPT of their state)
 *   TRIM not accepted, EPERM (REMOVE)      the enclave accepted the TRIM
 *
 * Where the recorded call stopped on a page with SGX_PAGE_NOT_MODIFIABLE
 * and the simulator has no page there, the enclave touched the page (EAUG
 * on the access) and did not accept it. A transient answer the recording
 * got (EAGAIN, EBUSY, EFAULT with SGX_EPC_PAGE_CONFLICT: the reclaimer, a
 * concurrent ioctl or ENCLS, not the enclave's state) is injected at the
 * same page. Before MODIFY_TYPES to TCS, a page whose TCS image is not in
 * the trace gets one (NSSA 1), for an EACCEPT(TCS) that may have to be
 * inferred later. EMODPE is never needed: no answer of the driver depends
 * on it. Anything else is a divergence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <asm/sgx.h>
#include <sgx2-sim.h>

#include "replay.h"

#define NOT_MODIFIABLE 20u
#define EPC_PAGE_CONFLICT 7u
#define ACCEPT_AUG 0x20bull
#define ACCEPT_TRIM 0x410ull
#define TCS_NSSA_WORD 24u /* CSSA (u32) and NSSA (u32) */

struct call {
	unsigned long cmd;
	uint32_t nr; /* SGX2_SIM_IOCTL_* */
	const char *name;
	uint64_t off, len, arg, in_count, in_result;
	char text[128];
};

static int is_transient(const struct answer *a)
{
	return a->ret < 0 &&
	       (a->err == EAGAIN || a->err == EBUSY ||
		(a->err == EFAULT && a->result == EPC_PAGE_CONFLICT));
}

/* One ioctl over [from, from + len): the simulator's answer. */
static struct answer issue(struct renc *e, const struct call *c, uint64_t from,
			   uint64_t len, int first)
{
	uint64_t in_count = first ? c->in_count : 0;
	uint64_t in_result = first ? c->in_result : 0;
	struct answer a = { .has_count = 1 };
	long ret;

	if (c->nr == SGX2_SIM_IOCTL_REMOVE) {
		struct sgx_enclave_remove_pages p = { .offset = from,
						      .length = len,
						      .count = in_count };

		ret = ioctl(e->fd, c->cmd, &p);
		a.count = p.count;
	} else {
		/* RESTRICT_PERMISSIONS and MODIFY_TYPES share the layout. */
		struct sgx_enclave_modify_types p = { .offset = from,
						      .length = len,
						      .page_type = c->arg,
						      .result = in_result,
						      .count = in_count };

		ret = ioctl(e->fd, c->cmd, &p);
		a.count = p.count;
		a.result = p.result;
		a.has_result = 1;
	}
	a.ret = ret < 0 ? -1 : ret;
	a.err = ret < 0 ? errno : 0;
	return a;
}

/* The recorded transient failure, at the page where it came. */
static void arm(struct replay *r, struct renc *e, const struct call *c,
		const struct answer *want, uint64_t stop, uint64_t cur)
{
	struct sgx2_sim_fault f = { .ioctl = c->nr, .nth = 1 };

	sgx2_sim_clear_faults(e->fd);
	if (!is_transient(want) || stop < cur || stop >= c->off + c->len)
		return;
	f.page = (uint32_t)((stop - cur) / PAGE);
	if (want->err == EFAULT) {
		f.kind = SGX2_SIM_FAULT_ENCLS_CODE;
		f.sgx_code = EPC_PAGE_CONFLICT;
	} else if (want->err == EBUSY &&
		   (c->nr != SGX2_SIM_IOCTL_REMOVE || stop == c->off)) {
		/* The busy bit: nothing read or written back. */
		f = (struct sgx2_sim_fault){ .kind = SGX2_SIM_FAULT_BUSY,
					     .ioctl = c->nr,
					     .times = 1 };
	} else {
		f.kind = SGX2_SIM_FAULT_ERRNO;
		f.error = want->err;
	}
	if (sgx2_sim_inject(e->fd, &f))
		say(r, "warning: could not inject the recorded %s",
		    errname(want->err));
	else
		verbose(r, "the recorded %s injected at +0x%llx",
			errname(want->err), (unsigned long long)stop);
}

static int state(const struct renc *e, uint64_t off, struct sgx2_sim_page *p)
{
	return sgx2_sim_page_state(e->fd, off, p) ? -1 : 0;
}

/* Pages from @from, below @to, that pass @same with the first's state. */
static uint64_t run_of(const struct renc *e, uint64_t from, uint64_t to,
		       int (*same)(const struct sgx2_sim_page *,
				   const struct sgx2_sim_page *))
{
	struct sgx2_sim_page first, p;
	uint64_t at = from;

	if (state(e, from, &first))
		return 0;
	while (at < to && !state(e, at, &p) && same(&first, &p))
		at += PAGE;
	return at - from;
}

static int both_absent(const struct sgx2_sim_page *a,
		       const struct sgx2_sim_page *b)
{
	return !a->present && !b->present;
}

static int same_pending_state(const struct sgx2_sim_page *a,
			      const struct sgx2_sim_page *b)
{
	return b->present && (b->pending || b->modified || b->pr) &&
	       b->secinfo == a->secinfo;
}

static int trim_unaccepted(const struct sgx2_sim_page *a,
			   const struct sgx2_sim_page *b)
{
	(void)a;
	return b->present && b->type == SGX2_SIM_PAGE_TYPE_TRIM && b->modified;
}

/* EACCEPT of [off, off + len) in one entry: bytes accepted. */
static uint64_t eaccept(struct renc *e, uint64_t off, uint64_t len,
			uint64_t secinfo)
{
	struct sgx2_sim_run run = { 0 };

	if (sgx2_sim_eaccept_range(e->fd, &run, e->base + off, len, secinfo))
		return 0;
	return run.done;
}

static const char *state_name(uint64_t secinfo)
{
	switch (secinfo) {
	case ACCEPT_AUG:
		return "an added page (R|W|PENDING)";
	case ACCEPT_TRIM:
		return "TRIM";
	case 0x110:
		return "TCS";
	}
	return (secinfo & 0x20) ? "restricted (PR)" : "as the EPCM has it";
}

/* EACCEPT(@secinfo) of the pages from @q, below @stop, that pass @same:
 * the inference @what (said with the pages and the flags), if any took. */
static int accept_run(struct replay *r, struct renc *e, const struct call *c,
		      uint64_t q, uint64_t stop,
		      int (*same)(const struct sgx2_sim_page *,
				  const struct sgx2_sim_page *),
		      uint64_t secinfo, const char *what)
{
	uint64_t done = eaccept(e, q, run_of(e, q, stop, same), secinfo);

	if (!done)
		return 0;
	inferred(r,
		 "the enclave %s %llu page(s) at +0x%llx (%sEACCEPT 0x%llx) "
		 "before %s",
		 what, (unsigned long long)(done / PAGE), (unsigned long long)q,
		 same == both_absent ? "EAUG on " : "",
		 (unsigned long long)secinfo, c->text);
	return 1;
}

/* The simulator stopped at @q, before the recorded call did (@stop). */
static int infer_before(struct replay *r, struct renc *e, const struct call *c,
			const struct answer *got, uint64_t q, uint64_t stop)
{
	static char as[64];
	struct sgx2_sim_page p;

	if (state(e, q, &p))
		return 0;
	if (c->nr != SGX2_SIM_IOCTL_REMOVE && got->err == EFAULT) {
		if (!p.present && !got->result)
			return accept_run(r, e, c, q, stop, both_absent,
					  ACCEPT_AUG, "added");
		snprintf(as, sizeof(as), "accepted, as %s,",
			 state_name(p.secinfo));
		if (p.present && got->result == NOT_MODIFIABLE &&
		    (p.pending || p.modified || p.pr))
			return accept_run(r, e, c, q, stop, same_pending_state,
					  p.secinfo, as);
	}
	if (c->nr == SGX2_SIM_IOCTL_REMOVE && got->err == EPERM &&
	    trim_unaccepted(&p, &p))
		return accept_run(r, e, c, q, stop, trim_unaccepted,
				  ACCEPT_TRIM, "accepted, as TRIM,");
	return 0;
}

/* Both stopped at @q, the recording with SGX_PAGE_NOT_MODIFIABLE. */
static int infer_at(struct replay *r, struct renc *e, const struct call *c,
		    const struct answer *want, const struct answer *got,
		    uint64_t q)
{
	struct sgx2_sim_run run = { 0 };
	struct sgx2_sim_page p;

	if (c->nr == SGX2_SIM_IOCTL_REMOVE || want->err != EFAULT ||
	    want->result != NOT_MODIFIABLE || got->err != EFAULT ||
	    got->result || state(e, q, &p) || p.present)
		return 0;
	if (sgx2_sim_read(e->fd, &run, e->base + q) || state(e, q, &p) ||
	    !p.pending)
		return 0;
	inferred(r,
		 "the enclave touched +0x%llx (the kernel added the page, "
		 "EAUG) and did not accept it, before %s",
		 (unsigned long long)q, c->text);
	return 1;
}

/* Pages to become TCS: a TCS image where the trace cannot have one. */
static void tcs_images(struct replay *r, struct renc *e, const struct call *c,
		       uint64_t from, uint64_t to)
{
	for (uint64_t at = from; at < to; at += PAGE) {
		struct sgx2_sim_run run = { 0 };
		struct sgx2_sim_page p;

		if (state(e, at, &p) || !p.present ||
		    p.type != SGX2_SIM_PAGE_TYPE_REG || p.pending ||
		    p.modified || !(p.epcm_perms & SGX2_SIM_SECINFO_W))
			continue;
		if (sgx2_sim_read(e->fd, &run, e->base + at + TCS_NSSA_WORD) ||
		    run.function != SGX2_SIM_EEXIT || run.value)
			continue;
		if (sgx2_sim_write(e->fd, &run, e->base + at + TCS_NSSA_WORD,
				   1ull << 32) ||
		    run.function != SGX2_SIM_EEXIT)
			continue;
		inferred(r,
			 "the enclave wrote a TCS into +0x%llx before %s "
			 "(NSSA 1: page contents are not in a trace)",
			 (unsigned long long)at, c->text);
	}
}

/* The argument as the trace names it: TCS, TRIM; R, RW... */
static const char *arg_name(const struct call *c)
{
	static char perms[8];

	if (c->nr == SGX2_SIM_IOCTL_MODIFY)
		return c->arg == 1 ? "TCS" : c->arg == 4 ? "TRIM" : "?";
	snprintf(perms, sizeof(perms), "%s%s%s%s", c->arg & 1 ? "R" : "",
		 c->arg & 2 ? "W" : "", c->arg & 4 ? "X" : "",
		 c->arg & 7 ? "" : "NONE");
	return perms;
}

static int same(const struct answer *want, const struct answer *got)
{
	return (want->ret < 0) == (got->ret < 0) &&
	       (want->ret >= 0 || want->err == got->err) &&
	       (!want->has_result || !got->has_result ||
		want->result == got->result);
}

int replay_edmm(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 1);
	const char *op = j_str(&ev->o, "op");
	struct answer want = recorded(ev), got = { 0 };
	uint64_t stop, cur, end, at, last_touch = UINT64_MAX;
	unsigned int rounds = 0;
	struct call c = { 0 };
	char why[200] = "";

	if (!e)
		return -1;
	if (!strcmp(op, "RESTRICT_PERMISSIONS")) {
		c.cmd = SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS;
		c.nr = SGX2_SIM_IOCTL_RESTRICT;
		j_u64(&ev->o, "in.permissions", &c.arg);
	} else if (!strcmp(op, "MODIFY_TYPES")) {
		c.cmd = SGX_IOC_ENCLAVE_MODIFY_TYPES;
		c.nr = SGX2_SIM_IOCTL_MODIFY;
		j_u64(&ev->o, "in.page_type", &c.arg);
	} else {
		c.cmd = SGX_IOC_ENCLAVE_REMOVE_PAGES;
		c.nr = SGX2_SIM_IOCTL_REMOVE;
	}
	j_u64(&ev->o, "in.offset", &c.off);
	j_u64(&ev->o, "in.length", &c.len);
	j_u64(&ev->o, "in.count", &c.in_count);
	j_u64(&ev->o, "in.result", &c.in_result);
	snprintf(c.text, sizeof(c.text), "%s(%s) offset 0x%llx length 0x%llx",
		 op, arg_name(&c), (unsigned long long)c.off,
		 (unsigned long long)c.len);
	if (c.nr == SGX2_SIM_IOCTL_REMOVE)
		snprintf(c.text, sizeof(c.text),
			 "%s offset 0x%llx length 0x%llx", op,
			 (unsigned long long)c.off, (unsigned long long)c.len);
	r->ioctls++;
	end = c.off + c.len;
	/* What the kernel reads first (the struct's own fields, the busy
	 * bit, SGX2, INIT): nothing of the enclave's to infer. */
	stop = want.has_count && want.count <= c.len ? c.off + want.count
						     : c.off;
	if (c.in_count || c.in_result || c.len % PAGE || c.off % PAGE ||
	    !want.has_count || want.count > c.len || end < c.off) {
		got = issue(e, &c, c.off, c.len, 1);
		if (same(&want, &got) &&
		    (!want.has_count || want.count == got.count))
			return 0;
		diverge(r, c.text, &want, &got, NULL, e, 0, 0);
		return -1;
	}
	for (cur = at = c.off;;) {
		uint64_t q;

		if (++rounds > c.len / PAGE + 4) {
			snprintf(why, sizeof(why),
				 "(the inferences do not converge)");
			break;
		}
		if (c.nr == SGX2_SIM_IOCTL_MODIFY && c.arg == 1)
			tcs_images(r, e, &c, cur, stop);
		arm(r, e, &c, &want, stop, cur);
		got = issue(e, &c, cur, end - cur, cur == c.off);
		sgx2_sim_clear_faults(e->fd);
		if (got.count > end - cur) {
			snprintf(why, sizeof(why),
				 "(the simulator's count is outside the "
				 "range)");
			break;
		}
		q = cur + got.count;
		at = q > stop ? stop : q; /* the page to show */
		got.count = q - c.off;	  /* over the whole recorded call */
		if (q < stop) {
			if (infer_before(r, e, &c, &got, q, stop)) {
				cur = q;
				continue;
			}
			snprintf(why, sizeof(why),
				 "(the simulator stopped at +0x%llx, before "
				 "the recorded +0x%llx, and no enclave action "
				 "explains the difference)",
				 (unsigned long long)q,
				 (unsigned long long)stop);
			break;
		}
		if (q > stop) {
			snprintf(why, sizeof(why),
				 "(the simulator went on past +0x%llx, where "
				 "the recorded kernel stopped)",
				 (unsigned long long)stop);
			break;
		}
		if (same(&want, &got))
			return 0;
		if (q < end && q != last_touch &&
		    infer_at(r, e, &c, &want, &got, q)) {
			last_touch = q;
			cur = q;
			continue;
		}
		break;
	}
	diverge(r, c.text, &want, &got, why[0] ? why : NULL, e, at < end, at);
	return -1;
}
