// SPDX-License-Identifier: MIT
/*
 * libsgx2's flows on the simulator. For N in {1, 2, 7, 64} heap pages, each
 * fault is injected at every page position of every step, with and without
 * chunking; after each call the flow report must say exactly what the
 * simulator's EPCM holds, page by page, and a resume must finish the job.
 * Transient faults must end in success with no page submitted twice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"
#include "sgx2.h"

/* The enclave side of the flows: EACCEPT through TCS#1, range by range. */
struct enclave {
	struct fx *fx;
	uint64_t stop_after; /* accept at most this many bytes per call */
	int fail;	     /* answer this negative errno, accepting nothing */
	int lie;	     /* 1: accept, then answer a page too many; 2: +1 */
};

static int64_t accept_in_enclave(void *arg, uint64_t addr, uint64_t len,
				 uint64_t secinfo)
{
	struct enclave *en = arg;
	struct sgx2_sim_run *run = run1(en->fx);
	int64_t got = 0;

	if (en->fail)
		return en->fail;
	if (len > en->stop_after)
		len = en->stop_after;
	if (len) {
		assert_int_equal(sgx2_sim_eaccept_range(en->fx->fd, run, addr,
							len, secinfo),
				 0);
		got = (int64_t)run->done;
	}
	return got + (en->lie == 1 ? (int64_t)PAGE : en->lie == 2 ? 1 : 0);
}

static struct enclave enclave_of(struct fx *fx)
{
	return (struct enclave){ .fx = fx, .stop_after = UINT64_MAX };
}

/* A scenario: an enclave, its enclave side for the flows, a handle. */
struct scene {
	struct fx *fx;
	struct enclave en;
	struct sgx2_callbacks cb;
	struct sgx2_enclave *e;
};

static struct scene *scene_new(uint64_t heap_pages)
{
	struct scene *sc = calloc(1, sizeof(*sc));

	assert_non_null(sc);
	sc->fx = fx_new(heap_pages);
	sc->en = enclave_of(sc->fx);
	sc->cb = (struct sgx2_callbacks){ .accept = accept_in_enclave,
					  .arg = &sc->en };
	assert_int_equal(sgx2_enclave_new(&sc->e, sc->fx->fd, sc->fx->base,
					  sc->fx->size),
			 0);
	return sc;
}

static void scene_free(struct scene *sc)
{
	sgx2_enclave_free(sc->e);
	fx_free(sc->fx);
	free(sc);
}

/* -- the page-by-page comparison ------------------------------------- */

/* What the report says of page @i of a trim_and_remove range. */
enum state { REMOVED, ACCEPTED, TRIMMED, UNTOUCHED };

static enum state reported(const struct sgx2_flow_report *r, uint64_t i)
{
	uint64_t at = i * PAGE;

	return at < r->removed	  ? REMOVED
	       : at < r->accepted ? ACCEPTED
	       : at < r->changed  ? TRIMMED
				  : UNTOUCHED;
}

/*
 * @etrack_page: a page whose EMODT took effect but was not counted (an
 * ETRACK failure, the documented exception), or UINT64_MAX.
 */
static void assert_epcm_matches(struct fx *fx, const struct sgx2_flow_report *r,
				uint64_t pages, uint64_t etrack_page)
{
	assert_true(r->removed <= r->accepted && r->accepted <= r->changed &&
		    r->changed <= pages * PAGE);
	for (uint64_t i = 0; i < pages; i++) {
		struct sgx2_sim_page pg = page_at(fx->fd, HEAP_OFF + i * PAGE);
		enum state st = reported(r, i);

		if (st == REMOVED) {
			assert_int_equal(pg.present, 0);
			continue;
		}
		assert_int_equal(pg.present, 1);
		if (st == UNTOUCHED && i == etrack_page) {
			assert_int_equal(pg.type, SGX2_SIM_PAGE_TYPE_REG);
			assert_int_equal(pg.epcm_type, SGX2_SIM_PAGE_TYPE_TRIM);
			assert_int_equal(pg.modified, 1);
		} else if (st == UNTOUCHED) {
			assert_int_equal(pg.type, SGX2_SIM_PAGE_TYPE_REG);
			assert_int_equal(pg.epcm_type, SGX2_SIM_PAGE_TYPE_REG);
			assert_int_equal(pg.epcm_perms,
					 SGX2_SIM_SECINFO_R |
						 SGX2_SIM_SECINFO_W);
			assert_int_equal(pg.modified | pg.pending | pg.pr, 0);
		} else {
			assert_int_equal(pg.type, SGX2_SIM_PAGE_TYPE_TRIM);
			assert_int_equal(pg.epcm_type, SGX2_SIM_PAGE_TYPE_TRIM);
			assert_int_equal(pg.modified, st == TRIMMED);
		}
	}
}

/* -- the fault grid --------------------------------------------------- */

enum fault {
	F_MODIFY_EAGAIN,
	F_MODIFY_EBUSY,
	F_MODIFY_CONFLICT,  /* EFAULT + SGX_EPC_PAGE_CONFLICT */
	F_MODIFY_NOT_MODIF, /* EFAULT + SGX_PAGE_NOT_MODIFIABLE */
	F_MODIFY_ETRACK,    /* EFAULT, EMODT done but not counted */
	F_REMOVE_EAGAIN,
	F_REMOVE_EBUSY,	   /* the reclaimer race: count valid */
	F_REMOVE_BUSY_BIT, /* another ioctl in flight: not written back */
	F_REMOVE_EPERM,	   /* the EMODPR probe faulted: asked again */
	F_ACCEPT_STOPS,	   /* the enclave accepts only k pages */
	F_ACCEPT_FAILS,	   /* the callback cannot run */
	NFAULTS
};

static const char *const fault_name[NFAULTS] = {
	"modify EAGAIN", "modify EBUSY",  "modify EFAULT+7", "modify EFAULT+20",
	"modify ETRACK", "remove EAGAIN", "remove EBUSY",    "remove busy bit",
	"remove EPERM",	 "accept stops",  "accept fails",
};

static int transient(enum fault f)
{
	return f == F_MODIFY_EAGAIN || f == F_MODIFY_EBUSY ||
	       f == F_MODIFY_CONFLICT || f == F_REMOVE_EAGAIN ||
	       f == F_REMOVE_EBUSY || f == F_REMOVE_BUSY_BIT ||
	       f == F_REMOVE_EPERM;
}

static void arm(struct fx *fx, struct enclave *en, enum fault f, uint64_t k)
{
	/* Each rule fires at page k of the first call of its ioctl. */
	static const char *const script[NFAULTS] = {
		"kind=errno,ioctl=modify,error=EAGAIN",
		"kind=errno,ioctl=modify,error=EBUSY",
		"kind=encls,ioctl=modify,code=7",
		"kind=encls,ioctl=modify,code=20",
		"kind=etrack,ioctl=modify",
		"kind=errno,ioctl=remove,error=EAGAIN",
		"kind=reclaim-race,ioctl=remove",
		"kind=busy,ioctl=remove",
		"kind=encls-fault,ioctl=remove",
	};
	char text[128];

	if (f == F_ACCEPT_STOPS) {
		en->stop_after = k * PAGE;
	} else if (f == F_ACCEPT_FAILS) {
		en->fail = -ENOMEM;
	} else {
		snprintf(text, sizeof(text), "%s%s%llu", script[f],
			 f == F_REMOVE_BUSY_BIT ? ",times=" : ",page=",
			 /* busy: k % 8 + 1 times, within the retry bound */
			 (unsigned long long)(f == F_REMOVE_BUSY_BIT ? k % 8 + 1
								     : k));
		assert_int_equal(sgx2_sim_inject_script(fx->fd, text), 0);
	}
}

static void one_case(uint64_t pages, uint64_t chunk_pages, enum fault f,
		     uint64_t k)
{
	struct scene *sc = scene_new(pages);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;
	struct sgx2_options o;
	int err;

	sgx2_options_init(&o);
	o.chunk_bytes = chunk_pages * PAGE;
	o.backoff_min_us = 0;
	arm(fx, &sc->en, f, k);

	err = sgx2_trim_and_remove(e, HEAP_OFF, pages * PAGE, &sc->cb, &o, &r);
	st = stats_of(fx->fd);
	if (getenv("SGX2_TEST_VERBOSE")) /* which case, when one fails */
		print_message("N=%llu chunk=%llu %s at page %llu: %d step %u\n",
			      (unsigned long long)pages,
			      (unsigned long long)chunk_pages, fault_name[f],
			      (unsigned long long)k, err, r.step);
	assert_int_equal(st.pages_resubmitted, 0);
	assert_epcm_matches(fx, &r, pages,
			    f == F_MODIFY_ETRACK && err ? r.changed / PAGE
							: UINT64_MAX);
	/* TRIM cannot be undone: whatever stopped the flow, what was
	 * trimmed is accepted, and what was accepted removed, where the
	 * failing step itself allows. */
	if (err && r.step == SGX2_STEP_MODIFY)
		assert_int_equal(r.accepted, r.changed);
	if (err && r.step != SGX2_STEP_REMOVE)
		assert_int_equal(r.removed, r.accepted);
	if (transient(f)) {
		assert_int_equal(err, 0);
		assert_int_equal(r.removed, pages * PAGE);
	}
	if (f == F_MODIFY_ETRACK && err) {
		/* The kernel leaves that page changed but REG to itself:
		 * nothing in the ABI can finish it. */
		assert_int_equal(err, -EFAULT);
		goto out;
	}

	/* Whatever stopped it, a resume with a working enclave finishes. */
	sc->en = enclave_of(fx);
	assert_int_equal(sgx2_sim_clear_faults(fx->fd), 0);
	assert_int_equal(sgx2_trim_and_remove_resume(e, &sc->cb, &o, &r), 0);
	assert_epcm_matches(fx, &r, pages, UINT64_MAX);
	assert_int_equal(r.removed, pages * PAGE);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
out:
	scene_free(sc);
}

static void grid(uint64_t pages)
{
	static const uint64_t chunks[] = { 0, 3 };

	for (unsigned int c = 0; c < 2; c++)
		for (int f = 0; f < NFAULTS; f++)
			for (uint64_t k = 0; k < pages; k++)
				one_case(pages, chunks[c], f, k);
}

static void every_fault_at_every_page_of_1(void **state)
{
	(void)state;
	grid(1);
}

static void every_fault_at_every_page_of_2(void **state)
{
	(void)state;
	grid(2);
}

static void every_fault_at_every_page_of_7(void **state)
{
	(void)state;
	grid(7);
}

static void every_fault_at_every_page_of_64(void **state)
{
	(void)state;
	grid(64);
}

/* -- costs ------------------------------------------------------------ */

static void removal_costs_two_ioctls_and_one_entry(void **state)
{
	struct scene *sc = scene_new(64);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;

	(void)state;
	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	assert_int_equal(
		sgx2_trim_and_remove(e, HEAP_OFF, 64 * PAGE, &sc->cb, NULL, &r),
		0);
	st = stats_of(fx->fd);
	assert_int_equal(st.ioctls[SGX2_SIM_NR_MODIFY] +
				 st.ioctls[SGX2_SIM_NR_REMOVE],
			 2);
	assert_int_equal(st.enclave_entries, 1);
	assert_int_equal(st.eaccept_pages, 64);
	assert_int_equal(st.pages_removed, 64);
	assert_int_equal(r.ioctls, 2);
	assert_int_equal(r.callbacks, 1);
	scene_free(sc);
}

/* k injected EAGAINs cost exactly k more ioctls. */
static void each_eagain_costs_one_ioctl(void **state)
{
	struct scene *sc = scene_new(16);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;
	struct sgx2_options o;

	(void)state;
	sgx2_options_init(&o);
	o.backoff_min_us = 0;
	assert_int_equal(
		sgx2_sim_inject_script(
			fx->fd,
			"kind=errno,ioctl=modify,nth=1,page=3,error=EAGAIN;"
			"kind=errno,ioctl=modify,nth=2,page=5,error=EAGAIN;"
			"kind=errno,ioctl=remove,nth=1,page=0,error=EAGAIN"),
		0);
	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	assert_int_equal(
		sgx2_trim_and_remove(e, HEAP_OFF, 16 * PAGE, &sc->cb, &o, &r),
		0);
	assert_int_equal(r.ioctls, 2 + 3);
	assert_int_equal(r.retries, 3);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
	assert_int_equal(stats_of(fx->fd).pages_removed, 16);
	scene_free(sc);
}

/* Past the retry bound the flow gives up, still page-exact. */
static void a_busy_storm_past_the_bound_gives_up_with_ebusy(void **state)
{
	struct scene *sc = scene_new(8);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;
	struct sgx2_options o;

	(void)state;
	sgx2_options_init(&o);
	o.backoff_min_us = 0;
	o.max_retries = 4;
	assert_int_equal(sgx2_sim_inject_script(
				 fx->fd, "kind=busy,ioctl=remove,times=5"),
			 0);
	assert_int_equal(
		sgx2_trim_and_remove(e, HEAP_OFF, 8 * PAGE, &sc->cb, &o, &r),
		-EBUSY);
	assert_int_equal(r.step, SGX2_STEP_REMOVE);
	assert_int_equal(r.ioctls, 1 + 5);
	assert_epcm_matches(fx, &r, 8, UINT64_MAX);
	assert_int_equal(r.accepted, 8 * PAGE);
	assert_int_equal(r.removed, 0);
	assert_int_equal(sgx2_trim_and_remove_resume(e, &sc->cb, &o, &r), 0);
	assert_int_equal(r.removed, 8 * PAGE);
	scene_free(sc);
}

/* -- resume after a crash: only a progress snapshot survived ----------- */

struct snapshot {
	struct enclave en;
	struct sgx2_flow_report saved;
};

static int64_t accept_snap(void *arg, uint64_t addr, uint64_t len,
			   uint64_t secinfo)
{
	return accept_in_enclave(&((struct snapshot *)arg)->en, addr, len,
				 secinfo);
}

/* Keep the snapshot, then stop as a crash would (here: cancel). */
static int save_and_stop(void *arg, const struct sgx2_flow_report *r)
{
	((struct snapshot *)arg)->saved = *r;
	return 1;
}

static void resume_from_a_progress_snapshot_and_more_done(void **state)
{
	struct fx *fx = fx_new(12);
	struct snapshot snap = { .en = enclave_of(fx) };
	struct sgx2_callbacks cb = { .accept = accept_snap,
				     .progress = save_and_stop,
				     .arg = &snap };
	struct sgx2_flow_report r;
	struct sgx2_enclave *e;
	struct sgx2_options o;

	(void)state;
	sgx2_options_init(&o);
	o.chunk_bytes = 4 * PAGE;
	assert_int_equal(sgx2_enclave_new(&e, fx->fd, fx->base, fx->size), 0);
	assert_int_equal(
		sgx2_trim_and_remove(e, HEAP_OFF, 12 * PAGE, &cb, &o, &r),
		-ECANCELED);
	assert_int_equal(snap.saved.removed, 4 * PAGE);

	/* After the snapshot, more happened: the chunk in flight at the
	 * crash trimmed pages 4-6, accepted 4-5 and removed 4. */
	assert_int_equal(modt(fx->fd, HEAP_OFF + 4 * PAGE, 3 * PAGE,
			      SGX2_SIM_PAGE_TYPE_TRIM)
				 .ret,
			 0);
	eaccept_ok(fx, fx->base + HEAP_OFF + 4 * PAGE, ACCEPT_TRIM);
	eaccept_ok(fx, fx->base + HEAP_OFF + 5 * PAGE, ACCEPT_TRIM);
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF + 4 * PAGE, PAGE).ret,
			 0);

	cb.progress = NULL;
	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	assert_int_equal(sgx2_trim_and_remove_resume(e, &cb, &o, &snap.saved),
			 0);
	assert_int_equal(snap.saved.removed, 12 * PAGE);
	assert_epcm_matches(fx, &snap.saved, 12, UINT64_MAX);
	/* Recovery asks the kernel about each page the crash left in
	 * flight (4-6), once, and the removed one (4) once more, since a
	 * page that fails to load looks absent too; nothing else is
	 * submitted twice. */
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 4);
	sgx2_enclave_free(e);
	fx_free(fx);
}

/* -- ambiguous answers: a resume must never strand a page ------------- */

/* TRIM every page of [HEAP_OFF, +pages); EACCEPT the first @accepted. */
static void trim_heap(struct fx *fx, uint64_t pages, uint64_t accepted)
{
	assert_int_equal(
		modt(fx->fd, HEAP_OFF, pages * PAGE, SGX2_SIM_PAGE_TYPE_TRIM)
			.ret,
		0);
	for (uint64_t i = 0; i < accepted; i++)
		eaccept_ok(fx, fx->base + HEAP_OFF + i * PAGE, ACCEPT_TRIM);
}

/*
 * Pages 0-1 TRIM and accepted, 2-3 TRIM only; a resume that knows nothing
 * (zero counters) meets one failure of REMOVE_PAGES' EMODPR probe on page
 * 0, which the kernel answers EPERM, as for a page not accepted. The
 * resume must not take that one answer for the page's state: the report
 * stays exact, and the removal finishes (here in the same call, since
 * the enclave's EACCEPT refusing the page sends the library back to
 * REMOVE_PAGES).
 */
static void a_failed_remove_probe_does_not_strand_an_accepted_page(void **s)
{
	static const char *const faults[] = {
		"kind=encls,ioctl=remove,code=7",
		"kind=encls,ioctl=remove,code=20",
		"kind=encls-fault,ioctl=remove",
	};

	(void)s;
	for (unsigned int i = 0; i < 3; i++) {
		struct scene *sc = scene_new(4);
		struct fx *fx = sc->fx;
		struct sgx2_flow_report r = { .offset = HEAP_OFF,
					      .length = 4 * PAGE };
		int err;

		trim_heap(fx, 4, 2);
		assert_int_equal(sgx2_sim_inject_script(fx->fd, faults[i]), 0);
		err = sgx2_trim_and_remove_resume(sc->e, &sc->cb, NULL, &r);
		assert_epcm_matches(fx, &r, 4, UINT64_MAX);
		assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
		assert_int_equal(err, 0);
		assert_int_equal(r.removed, 4 * PAGE);
		scene_free(sc);
	}
}

/*
 * The dead end itself: a report (from an earlier release of the library)
 * that calls an accepted page "TRIM, not accepted". EACCEPT refuses it;
 * REMOVE_PAGES tells what it is, and the resume finishes.
 */
static void resume_finds_out_a_page_its_report_calls_unaccepted(void **s)
{
	struct scene *sc = scene_new(4);
	struct sgx2_flow_report r = { .offset = HEAP_OFF,
				      .length = 4 * PAGE,
				      .changed = PAGE };

	(void)s;
	trim_heap(sc->fx, 4, 2);
	assert_int_equal(sgx2_trim_and_remove_resume(sc->e, &sc->cb, NULL, &r),
			 0);
	assert_int_equal(r.removed, 4 * PAGE);
	assert_epcm_matches(sc->fx, &r, 4, UINT64_MAX);
	scene_free(sc);
}

/*
 * -EPROTO from a callback that did accept (all the pages, or a prefix),
 * then answered a count the library cannot place: len + 4096, or one not
 * page aligned. The flow asks REMOVE_PAGES which of those pages were
 * accepted and removes them; the rest, which it cannot vouch for, are
 * left past changed (TRIM here: the flow trimmed them). A resume with a
 * callback that keeps to its contract finishes.
 */
static void eproto_after_a_real_accept_is_found_out(void **s)
{
	(void)s;
	for (uint64_t stop = 0; stop <= 5; stop++) {
		struct scene *sc = scene_new(4);
		struct sgx2_flow_report r;

		sc->en.stop_after = (stop < 5 ? stop : 4) * PAGE;
		sc->en.lie = stop < 5 ? 2 : 1;
		assert_int_equal(sgx2_trim_and_remove(sc->e, HEAP_OFF, 4 * PAGE,
						      &sc->cb, NULL, &r),
				 -EPROTO);
		assert_int_equal(r.step, SGX2_STEP_ACCEPT);
		assert_int_equal(r.removed, (stop < 5 ? stop : 4) * PAGE);
		assert_int_equal(r.changed, r.removed);
		assert_int_equal(r.accepted, r.removed);
		for (uint64_t i = 0; i < 4; i++) {
			struct sgx2_sim_page pg =
				page_at(sc->fx->fd, HEAP_OFF + i * PAGE);

			assert_int_equal(pg.present, i * PAGE >= r.removed);
			if (pg.present)
				assert_int_equal(pg.secinfo, ACCEPT_TRIM);
		}

		sc->en = enclave_of(sc->fx);
		assert_int_equal(
			sgx2_trim_and_remove_resume(sc->e, &sc->cb, NULL, &r),
			0);
		assert_int_equal(r.removed, 4 * PAGE);
		assert_epcm_matches(sc->fx, &r, 4, UINT64_MAX);
		scene_free(sc);
	}
}

/* -- the other flows -------------------------------------------------- */

/* The selftest tcs_create, through the library: grow 3 pages, make the
 * middle one a TCS, enter through it, trim all three, grow them again. */
static void tcs_create_through_the_flows(void **state)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	uint64_t dyn = fx->total, tcs = dyn + PAGE;
	struct sgx2_flow_report r;
	struct sgx2_sim_page pg;

	(void)state;
	assert_int_equal(sgx2_grow(e, dyn, 3 * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(r.accepted, 3 * PAGE);
	pg = page_at(fx->fd, tcs);
	assert_int_equal(pg.present && !pg.pending, 1);
	/* INIT_TCS_PAGE, written from inside. */
	tcs_init(fx, fx->base + tcs, dyn + 2 * PAGE);

	assert_int_equal(sgx2_add_tcs(e, tcs, PAGE, &sc->cb, NULL, &r), 0);
	assert_int_equal(r.changed, PAGE);
	assert_int_equal(r.mapped, PAGE);
	assert_int_equal(r.accepted, PAGE);
	pg = page_at(fx->fd, tcs);
	assert_int_equal(pg.epcm_type, SGX2_SIM_PAGE_TYPE_TCS);
	assert_int_equal(pg.max_prot, PROT_READ | PROT_WRITE);
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, fx->base + tcs)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);

	assert_int_equal(
		sgx2_trim_and_remove(e, dyn, 3 * PAGE, &sc->cb, NULL, &r), 0);
	assert_int_equal(r.removed, 3 * PAGE);
	for (int i = 0; i < 3; i++)
		assert_int_equal(page_at(fx->fd, dyn + i * PAGE).present, 0);

	assert_int_equal(sgx2_grow(e, dyn, 3 * PAGE, 0, &sc->cb, NULL, &r), 0);
	put_ok(fx, fx->base + tcs, MAGIC);
	assert_int_equal(get_ok(fx, fx->base + tcs), MAGIC);
	scene_free(sc);
}

/* Pages mapped RWX (allowed over unbacked addresses) still become
 * usable TCSs: the flow mprotects them to RW, the kernel's cap. */
static void add_tcs_fixes_up_an_rwx_mapping(void **state)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	uint64_t dyn = fx->total;
	struct sgx2_flow_report r;

	(void)state;
	assert_true(mmap((void *)(uintptr_t)(fx->base + dyn), PAGE,
			 PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_SHARED | MAP_FIXED, fx->fd,
			 (off_t)dyn) != MAP_FAILED);
	assert_int_equal(
		sgx2_grow(e, dyn, PAGE, SGX2_FLOW_NO_MMAP, &sc->cb, NULL, &r),
		0);
	tcs_init(fx, fx->base + dyn, DATA_OFF);
	assert_int_equal(sgx2_add_tcs(e, dyn, PAGE, &sc->cb, NULL, &r), 0);
	assert_int_equal(page_at(fx->fd, dyn).epcm_type,
			 SGX2_SIM_PAGE_TYPE_TCS);
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, fx->base + dyn)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	scene_free(sc);
}

static void add_tcs_on_a_page_without_rw_is_eperm(void **state)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;

	(void)state;
	assert_int_equal(sgx2_add_tcs(e, TEXT_OFF, PAGE, &sc->cb, NULL, &r),
			 -EPERM);
	assert_int_equal(r.step, SGX2_STEP_MODIFY);
	assert_int_equal(r.changed + r.mapped + r.accepted + r.callbacks, 0);
	assert_int_equal(page_at(fx->fd, TEXT_OFF).epcm_type,
			 SGX2_SIM_PAGE_TYPE_REG);
	scene_free(sc);
}

/* The selftest epcm_permissions through the flow, and with mprotect. */
static void restrict_then_write_faults_in_the_epcm_or_the_pte(void **state)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	uint64_t a = fx->base + HEAP_OFF, b = a + PAGE;
	struct sgx2_flow_report r;

	(void)state;
	put_ok(fx, a, MAGIC);
	assert_int_equal(sgx2_restrict_and_accept(e, HEAP_OFF, PAGE,
						  SGX2_PERM_R, 0, &sc->cb, NULL,
						  &r),
			 0);
	assert_int_equal(r.accepted, PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).epcm_perms,
			 SGX2_SIM_SECINFO_R);
	/* No TCS: the faulting write is abandoned, TCS#1 stays usable. */
	assert_int_equal(sgx2_sim_write(fx->fd, run_on(fx, 0), a, MAGIC2), 0);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x8007);
	assert_int_equal(get_ok(fx, a), MAGIC);

	/* With SGX2_FLOW_MPROTECT the page tables refuse the write first. */
	assert_int_equal(
		sgx2_restrict_and_accept(e, HEAP_OFF + PAGE, PAGE, SGX2_PERM_R,
					 SGX2_FLOW_MPROTECT, &sc->cb, NULL, &r),
		0);
	assert_int_equal(r.mapped, PAGE);
	assert_int_equal(sgx2_sim_write(fx->fd, run_on(fx, 0), b, MAGIC2), 0);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x7);
	scene_free(sc);
}

static void restrict_on_a_tcs_is_einval_with_nothing_changed(void **state)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;

	(void)state;
	assert_int_equal(sgx2_restrict_and_accept(e, TCS1_OFF, PAGE,
						  SGX2_PERM_R, 0, &sc->cb, NULL,
						  &r),
			 -EINVAL);
	assert_int_equal(r.changed + r.accepted + r.callbacks, 0);
	assert_int_equal(page_at(fx->fd, TCS1_OFF).epcm_type,
			 SGX2_SIM_PAGE_TYPE_TCS);
	assert_int_equal(page_at(fx->fd, TCS1_OFF).pr, 0);
	assert_int_equal(stats_of(fx->fd).pages_restricted, 0);
	scene_free(sc);
}

/*
 * Permissions a page lacks: EMODPR keeps the intersection, so EACCEPT
 * with @perms refuses the page (19): -EIO at the accept, the page
 * restricted to the intersection, PR set; SGX2_FLOW_MPROTECT changes
 * nothing, the mprotect() coming after the accept.
 */
static void restrict_to_permissions_a_page_lacks_fails_at_the_accept(void **s)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_flow_report r;
	struct sgx2_sim_page pg;

	(void)s;
	for (unsigned int flags = 0; flags <= SGX2_FLOW_MPROTECT; flags++) {
		uint64_t off = TEXT_OFF + flags * PAGE; /* R|X pages */

		assert_int_equal(
			sgx2_restrict_and_accept(sc->e, off, PAGE,
						 SGX2_PERM_R | SGX2_PERM_W,
						 flags, &sc->cb, NULL, &r),
			-EIO);
		assert_int_equal(r.step, SGX2_STEP_ACCEPT);
		assert_int_equal(r.changed, PAGE);
		assert_int_equal(r.accepted + r.mapped, 0);
		assert_int_equal(fx->run.ret, 19);
		pg = page_at(fx->fd, off);
		assert_int_equal(pg.epcm_perms, SGX2_SIM_SECINFO_R);
		assert_int_equal(pg.pr, 1);
	}
	scene_free(sc);
}

/*
 * -EACCES from mprotect(): the EPCM has a permission (added with EMODPE)
 * that the kernel's maximum protection of the page lacks.
 */
static void restrict_and_mprotect_beyond_the_maximum_is_eacces(void **s)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_flow_report r;

	(void)s;
	/* A data page: R|W, at most R|W to the kernel; the enclave adds X. */
	assert_int_equal(
		sgx2_sim_emodpe(fx->fd, run1(fx), fx->data, SGX2_SIM_SECINFO_X),
		0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(sgx2_restrict_and_accept(sc->e, fx->data_off, PAGE,
						  SGX2_PERM_R | SGX2_PERM_X,
						  SGX2_FLOW_MPROTECT, &sc->cb,
						  NULL, &r),
			 -EACCES);
	assert_int_equal(r.step, SGX2_STEP_MAP);
	assert_int_equal(r.changed, PAGE);
	assert_int_equal(r.accepted, PAGE);
	assert_int_equal(r.mapped, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).epcm_perms,
			 SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_X);
	scene_free(sc);
}

/* Growing over pages that exist: EACCEPT(0x20B) meets a REG page that is
 * not PENDING and refuses it; the flow says so and nothing changes. */
static void grow_over_existing_pages_stops_at_the_accept(void **state)
{
	struct scene *sc = scene_new(4);
	struct fx *fx = sc->fx;
	struct sgx2_enclave *e = sc->e;
	struct sgx2_flow_report r;

	(void)state;
	assert_int_equal(sgx2_grow(e, HEAP_OFF, 2 * PAGE, 0, &sc->cb, NULL, &r),
			 -EIO);
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_int_equal(r.accepted, 0);
	assert_int_equal(fx->run.ret, 19); /* SGX_PAGE_ATTRIBUTES_MISMATCH */
	scene_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(removal_costs_two_ioctls_and_one_entry),
		cmocka_unit_test(each_eagain_costs_one_ioctl),
		cmocka_unit_test(every_fault_at_every_page_of_1),
		cmocka_unit_test(every_fault_at_every_page_of_2),
		cmocka_unit_test(every_fault_at_every_page_of_7),
		cmocka_unit_test(every_fault_at_every_page_of_64),
		cmocka_unit_test(
			a_busy_storm_past_the_bound_gives_up_with_ebusy),
		cmocka_unit_test(resume_from_a_progress_snapshot_and_more_done),
		cmocka_unit_test(
			a_failed_remove_probe_does_not_strand_an_accepted_page),
		cmocka_unit_test(
			resume_finds_out_a_page_its_report_calls_unaccepted),
		cmocka_unit_test(eproto_after_a_real_accept_is_found_out),
		cmocka_unit_test(tcs_create_through_the_flows),
		cmocka_unit_test(add_tcs_fixes_up_an_rwx_mapping),
		cmocka_unit_test(add_tcs_on_a_page_without_rw_is_eperm),
		cmocka_unit_test(
			restrict_then_write_faults_in_the_epcm_or_the_pte),
		cmocka_unit_test(
			restrict_on_a_tcs_is_einval_with_nothing_changed),
		cmocka_unit_test(grow_over_existing_pages_stops_at_the_accept),
		cmocka_unit_test(
			restrict_to_permissions_a_page_lacks_fails_at_the_accept),
		cmocka_unit_test(
			restrict_and_mprotect_beyond_the_maximum_is_eacces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
