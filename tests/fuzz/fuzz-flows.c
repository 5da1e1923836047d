// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness with state: libsgx2's flows against the simulator's
 * EPCM, with faults injected. Each input builds a small enclave, puts
 * every heap page in a state of the removal (REG, TRIM, TRIM and
 * accepted, removed), then runs a few steps: a fresh sgx2_trim_and_remove()
 * or a resume (from the last report, from a progress snapshot, or from
 * zero counters), each with fault rules armed (any kind, ioctl, call and
 * page) and an accept callback that may stop short, fail, or answer a
 * count it cannot mean after accepting for real. After every call it
 * checks, page by page, that the report says what the simulator holds:
 *
 *   [0, removed) absent; [removed, accepted) TRIM and accepted;
 *   [accepted, changed) TRIM, not accepted; from changed on, as before
 *   the call, but for the kernel's one documented exception (ETRACK
 *   failing after EMODT: the page at changed is TRIM in the EPCM, REG to
 *   the kernel) and, in a call where the callback answered outside its
 *   contract, pages it may have taken on that REMOVE_PAGES could not
 *   place (left past changed, TRIM, for a resume).
 *
 * and that the callback is never handed a page that is not TRIM (an
 * EACCEPT there would add a page, or accept the wrong thing). Finally,
 * with the faults gone and a callback that keeps its contract, a resume
 * must finish the removal: everything removed, the report exact. A few
 * inputs instead run the other flows once (add_tcs, restrict_and_accept,
 * grow) and check their reports the same way. Any violation aborts.
 *
 * Built with clang -fsanitize=fuzzer (meson -Dfuzz=true) and linked with
 * libsgx2's objects instrumented for coverage; otherwise linked with the
 * replayer, so that the suite runs the seed corpus (tests/fuzz/corpus-flows).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "sgx2-sim.h"
#include "sgx2.h"

#define PAGE 4096ull
#define HEAP_OFF PAGE
#define MAX_PAGES 12u
#define MAX_STEPS 6u

static int verbose; /* FUZZ_FLOWS_VERBOSE=1: say what each step does */

static void fail(int line, const char *what)
{
	fprintf(stderr, "fuzz-flows.c:%d: %s\n", line, what);
	abort();
}

#define check(ok) ((ok) ? (void)0 : fail(__LINE__, #ok))

/* ---- page states ---- */

enum state { ABSENT, REG, TRIM_U, TRIM_A, BROKEN, OTHER };

static const char *const state_name[] = { "absent", "REG",    "TRIM",
					  "TRIM+A", "broken", "other" };

struct world {
	int fd;
	uint64_t base, size;
	unsigned int pages; /* heap pages */
	struct sgx2_enclave *e;
	/* the range the flows work on, in heap pages */
	unsigned int lo, n;
	enum state before[MAX_PAGES];
	/* the accept callback */
	struct input *in;
	unsigned int mode; /* see accept() */
	uint64_t stop;	   /* mode 1: bytes to accept at most */
	uint64_t secinfo;  /* what EACCEPT is asked with in this flow */
	/* progress */
	unsigned int progress_mode, progress_calls, cancel_at;
	struct sgx2_flow_report snapshot;
	int have_snapshot;
	int etrack_armed; /* a rule that can leave a page "broken" */
	int lied;	  /* the callback broke its contract in this call */
};

static enum state state_of(const struct world *w, unsigned int i)
{
	struct sgx2_sim_page pg;

	check(!sgx2_sim_page_state(w->fd, HEAP_OFF + i * PAGE, &pg));
	if (!pg.present)
		return ABSENT;
	if (pg.pending || pg.pr)
		return OTHER;
	if (pg.type == SGX2_SIM_PAGE_TYPE_REG &&
	    pg.epcm_type == SGX2_SIM_PAGE_TYPE_REG && !pg.modified)
		return REG;
	if (pg.type == SGX2_SIM_PAGE_TYPE_TRIM &&
	    pg.epcm_type == SGX2_SIM_PAGE_TYPE_TRIM)
		return pg.modified ? TRIM_U : TRIM_A;
	if (pg.type == SGX2_SIM_PAGE_TYPE_REG &&
	    pg.epcm_type == SGX2_SIM_PAGE_TYPE_TRIM && pg.modified)
		return BROKEN;
	return OTHER;
}

static void dump(const struct world *w, const struct sgx2_flow_report *r,
		 int err)
{
	fprintf(stderr,
		"range heap pages [%u, %u): err %d step %u, changed %llu "
		"accepted %llu removed %llu\n",
		w->lo, w->lo + w->n, err, r->step,
		(unsigned long long)(r->changed / PAGE),
		(unsigned long long)(r->accepted / PAGE),
		(unsigned long long)(r->removed / PAGE));
	for (unsigned int i = 0; i < w->n; i++)
		fprintf(stderr, "  page %u: before %s, now %s\n", i,
			state_name[w->before[i]],
			state_name[state_of(w, w->lo + i)]);
}

static void snapshot_states(struct world *w)
{
	for (unsigned int i = 0; i < w->n; i++)
		w->before[i] = state_of(w, w->lo + i);
}

/* How far along the removal a state is. */
static int rank(enum state s)
{
	return s == REG ? 0 : s == TRIM_U ? 1 : s == TRIM_A ? 2 : -1;
}

/* The report of a removal against the EPCM, page by page. */
static void check_removal(struct world *w, const struct sgx2_flow_report *r,
			  int err)
{
	int bad = 0;

	check(r->error == err);
	check(r->offset == HEAP_OFF + w->lo * PAGE && r->length == w->n * PAGE);
	check(r->removed <= r->accepted && r->accepted <= r->changed &&
	      r->changed <= r->length);
	check(!((r->removed | r->accepted | r->changed) % PAGE));
	check(err || r->removed == r->length);
	check(err <= 0);
	for (unsigned int i = 0; i < w->n && !bad; i++) {
		uint64_t at = i * PAGE;
		enum state now = state_of(w, w->lo + i), was = w->before[i];

		if (at < r->removed)
			bad = now != ABSENT;
		else if (at < r->accepted)
			bad = now != TRIM_A;
		else if (at < r->changed)
			bad = now != TRIM_U;
		else if (now == was)
			bad = 0;
		else if (now == BROKEN && was == REG && w->etrack_armed &&
			 (at == r->changed || w->lied))
			bad = 0; /* EMODT done, ETRACK failed: documented
				  * (past pages a lying callback left) */
		else if (w->lied && rank(was) >= 0 && rank(now) > 0 &&
			 rank(now) >= rank(was))
			bad = 0; /* the callback's pages left for a resume */
		else
			bad = 1;
	}
	if (bad) {
		dump(w, r, err);
		fail(__LINE__, "the report does not say what the EPCM holds");
	}
}

/* ---- the callbacks ---- */

/*
 * EACCEPT in the enclave. Modes: 0 keeps the contract; 1 accepts at most
 * w->stop bytes; 2 cannot run (-ENOMEM); 3-5 accept for real, then answer
 * something the library cannot place: +1 byte, + a page, -100000. (A
 * count that fits but is false, the library cannot tell: not made here.)
 */
static int64_t accept(void *arg, uint64_t addr, uint64_t len, uint64_t secinfo)
{
	struct world *w = arg;
	/* No TCS: a fault inside is abandoned, not left to resume. */
	struct sgx2_sim_run run = { .tcs = 0 };
	uint64_t off = addr - w->base, todo = len;
	int64_t got;

	/* Inside the range asked for, and never over a page that is not
	 * TRIM: EACCEPT on an absent page would add one. */
	check(len && !(len % PAGE) && !(addr % PAGE) && addr + len > addr);
	check(off >= HEAP_OFF + w->lo * PAGE &&
	      off + len <= HEAP_OFF + (w->lo + w->n) * PAGE);
	check(secinfo == w->secinfo);
	if (secinfo == SGX2_ACCEPT_TRIM)
		for (uint64_t o = 0; o < len; o += PAGE) {
			enum state s = state_of(
				w, (unsigned int)((off + o - HEAP_OFF) / PAGE));

			check(s == TRIM_U || s == TRIM_A);
		}
	if (w->mode == 2)
		return -ENOMEM;
	if (w->mode == 1 && todo > w->stop)
		todo = w->stop;
	got = 0;
	if (todo) {
		check(!sgx2_sim_eaccept_range(w->fd, &run, addr, todo,
					      secinfo));
		got = (int64_t)run.done;
	}
	w->lied |= w->mode >= 3;
	switch (w->mode) {
	case 3:
		return got + 1;
	case 4: /* a page too many, where that is past the range */
		return got + ((uint64_t)got == len ? (int64_t)PAGE : 1);
	case 5:
		return -100000;
	default:
		return got;
	}
}

static int progress(void *arg, const struct sgx2_flow_report *sofar)
{
	struct world *w = arg;

	if (!w->progress_mode)
		return 0;
	/* Every chunk before is finished: the counters are equal. */
	check(sofar->changed == sofar->accepted &&
	      sofar->accepted == sofar->removed);
	w->snapshot = *sofar;
	w->have_snapshot = 1;
	return w->progress_mode == 2 && ++w->progress_calls == w->cancel_at;
}

/* ---- faults ---- */

static void arm_faults(struct world *w, struct input *in)
{
	static const uint32_t ioctls[] = { SGX2_SIM_IOCTL_MODIFY,
					   SGX2_SIM_IOCTL_REMOVE,
					   SGX2_SIM_IOCTL_ANY,
					   SGX2_SIM_IOCTL_RESTRICT };
	static const int errnos[] = { EAGAIN, EBUSY, EFAULT };
	unsigned int n = (unsigned int)take(in, 1) % 4, efaults = 0;

	w->etrack_armed = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = take(in, 1), b = take(in, 1), c = take(in, 1);
		struct sgx2_sim_fault f = { 0 };

		f.ioctl = ioctls[b % 4];
		switch (a % 9) {
		case 0:
			/*
			 * The kernel answers EFAULT (no SGX code) both for no
			 * page and for a page it failed to load; the library
			 * takes MODIFY_TYPES' EFAULT and then two of
			 * REMOVE_PAGES' for an absent page, as documented.
			 * Enough injected load failures on one present page
			 * fool it (a page left REG to the kernel by a failed
			 * ETRACK gives the first for real): one EFAULT rule
			 * per call at most.
			 */
			f.kind = SGX2_SIM_FAULT_ERRNO;
			f.error = errnos[c % 3];
			if (f.error == EFAULT && efaults++)
				f.error = EAGAIN;
			break;
		case 1:
			f.kind = SGX2_SIM_FAULT_RECLAIM_RACE;
			break;
		case 2:
			f.kind = SGX2_SIM_FAULT_ENCLS_CODE;
			f.sgx_code = c % 3 == 0 ? 7 : c % 3 == 1 ? 20 : c + 1;
			if (f.sgx_code > 255)
				f.sgx_code = 255;
			break;
		case 3:
			f.kind = SGX2_SIM_FAULT_ENCLS_FAULT;
			break;
		case 4:
			f.kind = SGX2_SIM_FAULT_ETRACK;
			break;
		case 5:
			f.kind = SGX2_SIM_FAULT_UNDER_RECLAIM;
			break;
		case 6:
			f.kind = SGX2_SIM_FAULT_BUSY;
			break;
		default:
			f.kind = SGX2_SIM_FAULT_NOT_TRACKED;
			f.ioctl = SGX2_SIM_IOCTL_ANY;
			break;
		}
		if (f.kind <= SGX2_SIM_FAULT_ETRACK) {
			f.nth = 1 + (uint32_t)(b / 4 % 3);
			f.page = (uint32_t)(c / 3 % (w->n + 1));
		} else {
			f.offset = HEAP_OFF + (c % w->pages) * PAGE;
			f.times = 1 + (uint32_t)(b / 4 % 40);
			if (f.kind == SGX2_SIM_FAULT_BUSY)
				f.offset = 0;
		}
		if (f.kind == SGX2_SIM_FAULT_RECLAIM_RACE &&
		    f.ioctl == SGX2_SIM_IOCTL_RESTRICT)
			f.ioctl = SGX2_SIM_IOCTL_REMOVE;
		if (f.kind == SGX2_SIM_FAULT_ETRACK &&
		    f.ioctl == SGX2_SIM_IOCTL_REMOVE)
			f.ioctl = SGX2_SIM_IOCTL_MODIFY;
		if (f.kind == SGX2_SIM_FAULT_ETRACK)
			w->etrack_armed = 1;
		if (verbose)
			fprintf(stderr,
				"  fault kind %u ioctl %u nth %u page %u "
				"offset "
				"%#llx times %u error %d code %llu\n",
				f.kind, f.ioctl, f.nth, f.page,
				(unsigned long long)f.offset, f.times, f.error,
				(unsigned long long)f.sgx_code);
		check(!sgx2_sim_inject(w->fd, &f));
	}
}

/* ---- the enclave ---- */

static int world_new(struct world *w, struct input *in)
{
	struct sgx2_sim_segment segs[2] = {
		{ .offset = 0, .pages = 1, .type = SGX2_SIM_PAGE_TYPE_TCS },
		{ .offset = HEAP_OFF,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W },
	};
	struct sgx2_sim_layout layout = { .segs = segs, .nsegs = 2 };

	memset(w, 0, sizeof(*w));
	w->in = in;
	w->pages = 1 + (unsigned int)(take(in, 1) % MAX_PAGES);
	segs[1].pages = w->pages;
	for (layout.size = 8 * PAGE; layout.size < (w->pages + 2) * PAGE;)
		layout.size <<= 1;
	check(!sgx2_sim_enclave_create(&layout, &w->fd, &w->base));
	w->size = layout.size;
	check(!sgx2_enclave_new(&w->e, w->fd, w->base,
				take(in, 1) & 1 ? 0 : w->size));
	return 0;
}

static void world_free(struct world *w)
{
	sgx2_enclave_free(w->e);
	check(!sgx2_sim_enclave_destroy(w->fd));
}

/* A starting state for heap page @i, made as a removal would make it. */
static void set_page(struct world *w, unsigned int i, enum state s)
{
	struct sgx2_sim_run run = { .tcs = 0 };
	uint64_t off = HEAP_OFF + i * PAGE;
	struct sgx2_report r;

	if (s == REG)
		return;
	check(!sgx2_modify_types(w->e, off, PAGE, SGX2_PAGE_TYPE_TRIM, NULL,
				 &r));
	if (s == TRIM_U)
		return;
	check(!sgx2_sim_eaccept(w->fd, &run, w->base + off, SGX2_ACCEPT_TRIM) &&
	      run.ret == 0);
	if (s == ABSENT)
		check(!sgx2_remove_pages(w->e, off, PAGE, NULL, &r));
}

/* ---- one input ---- */

static void options_from(struct input *in, struct sgx2_options *o)
{
	uint64_t b = take(in, 1);

	sgx2_options_init(o);
	o->chunk_bytes = (b % 4) * PAGE;
	o->max_retries = (uint32_t)(b / 4 % 5);
	o->backoff_min_us = 0; /* sched_yield(): fast */
}

static void removal(struct world *w, struct input *in)
{
	static const enum state starts[] = { REG, TRIM_U, TRIM_A, ABSENT };
	struct sgx2_callbacks cb = { .accept = accept,
				     .progress = progress,
				     .arg = w };
	struct sgx2_flow_report r, last;
	unsigned int steps = 1 + (unsigned int)(take(in, 1) % MAX_STEPS);
	int err, have_last = 0, broken = 0;

	for (unsigned int i = 0; i < w->pages; i++)
		set_page(w, i, starts[take(in, 1) % 4]);
	w->lo = (unsigned int)(take(in, 1) % w->pages);
	w->n = 1 + (unsigned int)(take(in, 1) % (w->pages - w->lo));
	w->secinfo = SGX2_ACCEPT_TRIM;

	for (unsigned int s = 0; s < steps; s++) {
		struct sgx2_options o;
		uint64_t how = take(in, 1);

		options_from(in, &o);
		w->mode = (unsigned int)(how % 6);
		w->stop = (take(in, 1) % (w->n + 1)) * PAGE;
		w->progress_mode = (unsigned int)(how / 6 % 3);
		w->progress_calls = 0;
		w->cancel_at = 1 + (unsigned int)(how / 18 % 3);
		arm_faults(w, in);
		snapshot_states(w);
		w->lied = 0;
		switch (take(in, 1) % 4) {
		case 0:
			/* A fresh call: only over pages no flow has touched. */
			if (!have_last) {
				int fresh = 1;

				for (unsigned int i = 0; i < w->n; i++)
					fresh &= w->before[i] == REG;
				if (fresh) {
					err = sgx2_trim_and_remove(
						w->e, HEAP_OFF + w->lo * PAGE,
						w->n * PAGE, &cb, &o, &r);
					break;
				}
			}
			/* fall through */
		case 1:
			r = have_last
				    ? last
				    : (struct sgx2_flow_report){
					      .offset = HEAP_OFF + w->lo * PAGE,
					      .length = w->n * PAGE
				      };
			err = sgx2_trim_and_remove_resume(w->e, &cb, &o, &r);
			break;
		case 2:
			if (w->have_snapshot) {
				r = w->snapshot;
				err = sgx2_trim_and_remove_resume(w->e, &cb, &o,
								  &r);
				break;
			}
			/* fall through */
		default:
			r = (struct sgx2_flow_report){ .offset = HEAP_OFF +
								 w->lo * PAGE,
						       .length = w->n * PAGE };
			err = sgx2_trim_and_remove_resume(w->e, &cb, &o, &r);
			break;
		}
		check(!sgx2_sim_clear_faults(w->fd));
		if (verbose)
			fprintf(stderr,
				"step %u: mode %u stop %llu progress %u chunk "
				"%llu retries %u: err %d step %u counters %llu "
				"%llu %llu\n",
				s, w->mode,
				(unsigned long long)(w->stop / PAGE),
				w->progress_mode,
				(unsigned long long)(o.chunk_bytes / PAGE),
				o.max_retries, err, r.step,
				(unsigned long long)(r.changed / PAGE),
				(unsigned long long)(r.accepted / PAGE),
				(unsigned long long)(r.removed / PAGE));
		check_removal(w, &r, err);
		last = r;
		have_last = 1;
	}

	/* No faults, a callback that keeps its contract: it finishes. */
	for (unsigned int i = 0; i < w->n; i++)
		broken |= state_of(w, w->lo + i) == BROKEN;
	w->mode = 0;
	w->progress_mode = 0;
	w->etrack_armed = 0;
	w->lied = 0;
	snapshot_states(w);
	if (take(in, 1) & 1)
		r = last;
	else
		r = (struct sgx2_flow_report){ .offset =
						       HEAP_OFF + w->lo * PAGE,
					       .length = w->n * PAGE };
	err = sgx2_trim_and_remove_resume(w->e, &cb, NULL, &r);
	check_removal(w, &r, err);
	if (!broken && err) {
		dump(w, &r, err);
		fail(__LINE__, "a resume without faults did not finish");
	}
}

/*
 * The other flows, once each, on a range of REG heap pages. Their
 * reports: add_tcs changed >= mapped >= accepted, restrict changed >=
 * accepted >= mapped, grow mapped >= accepted; checked against the EPCM
 * the same way, where the state says enough.
 */
static void other_flow(struct world *w, struct input *in)
{
	struct sgx2_callbacks cb = { .accept = accept, .arg = w };
	struct sgx2_flow_report r;
	struct sgx2_options o;
	uint64_t which = take(in, 1), off;
	int err;

	w->lo = (unsigned int)(take(in, 1) % w->pages);
	w->n = 1 + (unsigned int)(take(in, 1) % (w->pages - w->lo));
	off = HEAP_OFF + w->lo * PAGE;
	options_from(in, &o);
	w->mode = (unsigned int)(take(in, 1) % 6);
	w->stop = (take(in, 1) % (w->n + 1)) * PAGE;
	w->lied = 0;
	arm_faults(w, in);
	switch (which % 3) {
	case 0: {
		uint64_t perms =
			(take(in, 1) % 2 ? SGX2_PERM_W : 0) | SGX2_PERM_R;

		w->secinfo = SGX2_ACCEPT_RESTRICT(perms);
		err = sgx2_restrict_and_accept(w->e, off, w->n * PAGE, perms, 0,
					       &cb, &o, &r);
		if (verbose)
			fprintf(stderr,
				"restrict %u pages to %llu, mode %u: err %d "
				"step %u changed %llu accepted %llu\n",
				w->n, (unsigned long long)perms, w->mode, err,
				r.step, (unsigned long long)(r.changed / PAGE),
				(unsigned long long)(r.accepted / PAGE));
		check(r.mapped == 0 && r.accepted <= r.changed);
		/* After an answer outside the contract, acceptance is not
		 * known (these flows do not ask the kernel). */
		for (unsigned int i = 0; i < w->n && !w->lied; i++) {
			struct sgx2_sim_page pg;

			check(!sgx2_sim_page_state(w->fd, off + i * PAGE, &pg));
			if (i * PAGE < r.changed)
				check(pg.epcm_perms == perms &&
				      pg.pr == (i * PAGE >= r.accepted));
			else if (!w->etrack_armed || i * PAGE != r.changed)
				check(!pg.pr);
		}
		break;
	}
	case 1:
		/* TCS pages need a TCS image: only the mapping and the
		 * kernel's answers are checked here. */
		w->secinfo = SGX2_ACCEPT_TCS;
		err = sgx2_add_tcs(w->e, off, w->n * PAGE, &cb, &o, &r);
		check(r.accepted <= r.mapped && r.mapped <= r.changed);
		for (unsigned int i = 0; i < w->n; i++) {
			struct sgx2_sim_page pg;

			check(!sgx2_sim_page_state(w->fd, off + i * PAGE, &pg));
			if (i * PAGE < r.changed)
				check(pg.type == SGX2_SIM_PAGE_TYPE_TCS &&
				      pg.epcm_type == SGX2_SIM_PAGE_TYPE_TCS);
			else if (!w->etrack_armed || i * PAGE != r.changed)
				check(pg.epcm_type == SGX2_SIM_PAGE_TYPE_REG);
		}
		break;
	default:
		/* Past the heap: no pages there yet. */
		off = HEAP_OFF + w->pages * PAGE;
		w->lo = w->pages;
		w->n = (unsigned int)((w->size - off) / PAGE);
		if (w->n > 2)
			w->n = 2;
		if (!w->n)
			return;
		w->secinfo = SGX2_ACCEPT_AUG;
		err = sgx2_grow(w->e, off, w->n * PAGE, 0, &cb, &o, &r);
		check(r.accepted <= r.mapped);
		for (unsigned int i = 0; i * PAGE < r.accepted; i++) {
			struct sgx2_sim_page pg;

			check(!sgx2_sim_page_state(w->fd, off + i * PAGE, &pg));
			check(pg.present && !pg.pending);
		}
		break;
	}
	check(r.error == err && err <= 0);
	check(err || (r.accepted == w->n * PAGE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct world w;
	uint64_t kind = take(&in, 1);

	verbose = getenv("FUZZ_FLOWS_VERBOSE") != NULL;
	world_new(&w, &in);
	if (kind % 8)
		removal(&w, &in);
	else
		other_flow(&w, &in);
	world_free(&w);
	return 0;
}
