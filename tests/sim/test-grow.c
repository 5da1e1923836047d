// SPDX-License-Identifier: MIT
/*
 * sgx2_grow() on the simulator: the pre-fault (read() of /dev/zero, which
 * the simulator models page by page), EPC exhaustion (an enclave's limit,
 * the machine's EPC, an injected allocation failure) and the kernel's two
 * unfixed EAUG races. After each call the report must say exactly what
 * the simulator's page states are, page by page; no signal may reach the
 * process from the pre-fault; and a retry must finish the job.
 *
 * The enclave side is played by sgx2_sim_eaccept_range(), one entry per
 * accept call (test-grow-native.c runs real enclave code).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "sgx2.h"

/* Pages in the enclave before any growth: the SECS and fx_new(1)'s 9. */
#define BUILT_PAGES 10u

static volatile sig_atomic_t signals;

static void count_signal(int sig)
{
	(void)sig;
	signals++;
}

/* Any SIGBUS or SIGSEGV from here on fails the test at its end. */
static void watch_signals(void)
{
	struct sigaction sa = { .sa_handler = count_signal };

	signals = 0;
	assert_int_equal(sigaction(SIGBUS, &sa, NULL), 0);
	assert_int_equal(sigaction(SIGSEGV, &sa, NULL), 0);
}

static void unwatch_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	assert_int_equal(signals, 0);
}

struct scene {
	struct fx *fx;
	struct sgx2_enclave *e;
	struct sgx2_callbacks cb;
	uint64_t free;	      /* offset of the free area */
	uint64_t limit;	      /* accept at most this many bytes per call */
	unsigned int entries; /* accept calls made */
};

static int64_t accept_in_enclave(void *arg, uint64_t addr, uint64_t len,
				 uint64_t secinfo)
{
	struct scene *sc = arg;
	/* No TCS: an exception abandons the entry, and the next can come. */
	struct sgx2_sim_run *run = run_on(sc->fx, 0);

	sc->entries++;
	if (len > sc->limit)
		len = sc->limit;
	assert_int_equal(
		sgx2_sim_eaccept_range(sc->fx->fd, run, addr, len, secinfo), 0);
	return (int64_t)run->done;
}

/* An enclave built as fx_new(1) with @free_pages of room after it. */
static struct scene *scene_new(uint64_t free_pages)
{
	struct sgx2_sim_segment segs[] = {
		{ .offset = TCS1_OFF,
		  .pages = 2,
		  .type = SGX2_SIM_PAGE_TYPE_TCS },
		{ .offset = TEXT_OFF,
		  .pages = 2,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_X },
		{ .offset = DATA_OFF,
		  .pages = 4,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W },
		{ .offset = HEAP_OFF,
		  .pages = 1,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W },
	};
	struct sgx2_sim_layout layout = { .segs = segs, .nsegs = 4 };
	struct scene *sc = calloc(1, sizeof(*sc));
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_true(sc && fx);
	fx->total = HEAP_OFF + PAGE;
	for (layout.size = 8 * PAGE;
	     layout.size < fx->total + free_pages * PAGE;)
		layout.size <<= 1;
	assert_int_equal(sgx2_sim_enclave_create(&layout, &fx->fd, &fx->base),
			 0);
	fx->size = layout.size;
	fx->tcs1 = fx->base + TCS1_OFF;
	fx->tcs2 = fx->base + TCS2_OFF;
	sc->fx = fx;
	sc->free = fx->total;
	sc->limit = UINT64_MAX;
	sc->cb = (struct sgx2_callbacks){ .accept = accept_in_enclave,
					  .arg = sc };
	assert_int_equal(sgx2_enclave_new(&sc->e, fx->fd, fx->base, fx->size),
			 0);
	return sc;
}

static void scene_free(struct scene *sc)
{
	sgx2_enclave_free(sc->e);
	fx_free(sc->fx);
	free(sc);
}

static void configure(struct scene *sc, uint32_t kernel, uint64_t limit,
		      uint32_t no_reclaim)
{
	struct sgx2_sim_config cfg;

	assert_int_equal(sgx2_sim_get_config(sc->fx->fd, &cfg), 0);
	cfg.kernel = kernel;
	cfg.epc_limit = limit;
	cfg.epc_no_reclaim = no_reclaim;
	assert_int_equal(sgx2_sim_configure(sc->fx->fd, &cfg), 0);
}

/* A growth report and the pages of [free, free + pages) agree. */
static void assert_grow_matches(struct scene *sc,
				const struct sgx2_flow_report *r,
				uint64_t pages, uint64_t stale_page)
{
	assert_true(r->accepted <= r->changed && r->changed <= r->mapped &&
		    r->mapped <= pages * PAGE);
	assert_int_equal((r->accepted | r->changed | r->mapped) % PAGE, 0);
	for (uint64_t i = 0; i < pages; i++) {
		struct sgx2_sim_page pg =
			page_at(sc->fx->fd, sc->free + i * PAGE);
		uint64_t at = i * PAGE;

		if (i == stale_page) {
			/* The documented exception: a PTE without a page. */
			assert_int_equal(pg.present, 0);
			assert_int_equal(pg.pte, 1);
			continue;
		}
		if (at < r->accepted) {
			assert_int_equal(pg.present, 1);
			assert_int_equal(pg.secinfo, 0x203); /* REG, RW */
		} else if (at < r->changed) {
			assert_int_equal(pg.present, 1);
			assert_int_equal(pg.secinfo, 0x20b); /* PENDING */
		} else {
			assert_int_equal(pg.present, 0);
		}
	}
}

/* -- fault-free growth ------------------------------------------------ */

static void grow_n(uint64_t n)
{
	struct scene *sc = scene_new(n);
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;

	watch_signals();
	sgx2_sim_reset_stats(sc->fx->fd);
	errno = 99;
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, n * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(errno, 99);
	assert_int_equal(r.mapped, n * PAGE);
	assert_int_equal(r.changed, n * PAGE);
	assert_int_equal(r.accepted, n * PAGE);
	assert_int_equal(r.callbacks, 1);
	assert_int_equal(r.ioctls, 0);
	assert_grow_matches(sc, &r, n, UINT64_MAX);
	st = stats_of(sc->fx->fd);
	assert_int_equal(st.eaug_pages, n);
	assert_int_equal(st.eaccept_pages, n);
	assert_int_equal(st.mmaps, 1);
	assert_int_equal(st.kernel_copies, 1); /* one read() */
	assert_int_equal(st.enclave_entries, 1);
	assert_int_equal(sc->entries, 1);
	unwatch_signals();
	scene_free(sc);
}

static void grow_1(void **state)
{
	(void)state;
	grow_n(1);
}

static void grow_64(void **state)
{
	(void)state;
	grow_n(64);
}

static void grow_4096(void **state)
{
	(void)state;
	grow_n(4096);
}

/* The EACCEPT-driven way, for comparison: the same pages, no read(). */
static void no_prefault_leaves_the_faults_to_eaccept(void **state)
{
	struct scene *sc = scene_new(8);
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;

	(void)state;
	sgx2_sim_reset_stats(sc->fx->fd);
	assert_int_equal(sgx2_grow(sc->e, sc->free, 8 * PAGE,
				   SGX2_FLOW_NO_PREFAULT, &sc->cb, NULL, &r),
			 0);
	assert_int_equal(r.changed, 8 * PAGE);
	assert_int_equal(r.accepted, 8 * PAGE);
	st = stats_of(sc->fx->fd);
	assert_int_equal(st.kernel_copies, 0);
	assert_int_equal(st.eaug_pages, 8);
	assert_grow_matches(sc, &r, 8, UINT64_MAX);
	scene_free(sc);
}

/* -- EPC exhaustion --------------------------------------------------- */

/*
 * The enclave may get @k more pages and nothing can be reclaimed: the
 * pre-fault stops at page k with EFAULT, no signal; the k pages are
 * accepted; a retry once there is room finishes.
 */
static void limit_stops_the_prefault(uint32_t kernel, uint64_t k)
{
	const uint64_t n = 16;
	struct scene *sc = scene_new(n);
	struct sgx2_flow_report r;

	watch_signals();
	configure(sc, kernel, (BUILT_PAGES + k) * PAGE, 1);
	sgx2_sim_reset_stats(sc->fx->fd);
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, n * PAGE, 0, &sc->cb, NULL, &r),
		-EFAULT);
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(r.error, -EFAULT);
	assert_int_equal(r.mapped, n * PAGE);
	assert_int_equal(r.changed, k * PAGE);
	assert_int_equal(r.accepted, k * PAGE);
	assert_int_equal(r.callbacks, k ? 1 : 0);
	assert_grow_matches(sc, &r, n, UINT64_MAX);
	/* A short count, then EFAULT at the page (none when k = 0). */
	assert_int_equal(stats_of(sc->fx->fd).kernel_copies, k ? 2 : 1);
	unwatch_signals();

	/* Room again: grow the rest. */
	configure(sc, kernel, 0, 1);
	assert_int_equal(sgx2_grow(sc->e, sc->free + r.accepted,
				   n * PAGE - r.accepted, 0, &sc->cb, NULL, &r),
			 0);
	r.offset = sc->free;
	r.accepted = r.changed = r.mapped = n * PAGE;
	assert_grow_matches(sc, &r, n, UINT64_MAX);
	scene_free(sc);
}

static void epc_limit_newest_kernel(void **state)
{
	(void)state;
	limit_stops_the_prefault(SGX2_SIM_KERNEL_NEWEST, 5);
	limit_stops_the_prefault(SGX2_SIM_KERNEL_NEWEST, 0);
}

static void epc_limit_6_0(void **state)
{
	(void)state;
	limit_stops_the_prefault(SGX2_SIM_KERNEL_6_0, 3);
}

/* With reclaim possible, the limit only costs swapping: growth works. */
static void epc_limit_with_reclaim_swaps(void **state)
{
	struct scene *sc = scene_new(16);
	struct sgx2_flow_report r;

	(void)state;
	configure(sc, 0, (BUILT_PAGES + 4) * PAGE, 0);
	sgx2_sim_reset_stats(sc->fx->fd);
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, 16 * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(stats_of(sc->fx->fd).epc_reclaimed, 12);
	assert_grow_matches(sc, &r, 16, UINT64_MAX);
	scene_free(sc);
}

/* The machine's EPC, shared by every enclave, full. */
static void machine_epc_full(void **state)
{
	struct sgx2_sim_config def, small;
	struct scene *sc = scene_new(16);
	struct sgx2_flow_report r;

	(void)state;
	assert_int_equal(sgx2_sim_get_default_config(&def), 0);
	small = def;
	small.epc_size = (BUILT_PAGES + 6) * PAGE; /* this enclave is alone */
	assert_int_equal(sgx2_sim_set_default_config(&small), 0);
	configure(sc, 0, 0, 1);
	watch_signals();
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, 16 * PAGE, 0, &sc->cb, NULL, &r),
		-EFAULT);
	unwatch_signals();
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(r.changed, 6 * PAGE);
	assert_int_equal(r.accepted, 6 * PAGE);
	assert_grow_matches(sc, &r, 16, UINT64_MAX);
	/* Removing two pages makes room for two. */
	assert_int_equal(sgx2_trim_and_remove(sc->e, sc->free, 2 * PAGE,
					      &sc->cb, NULL, NULL),
			 0);
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, 2 * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(sgx2_sim_set_default_config(&def), 0);
	scene_free(sc);
}

/*
 * An injected EAUG failure at page k, on the first release with EAUG and
 * on the newest: the copy stops there, EFAULT, with no signal. Twice: a
 * failure gone by the next read() is read past (see below).
 */
static void injected_eaug_failure(void **state)
{
	static const uint32_t kernels[] = { SGX2_SIM_KERNEL_6_0,
					    SGX2_SIM_KERNEL_NEWEST };

	(void)state;
	for (unsigned int i = 0; i < 2; i++) {
		struct scene *sc = scene_new(8);
		struct sgx2_flow_report r;
		struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_EAUG,
					    .offset = sc->free + 3 * PAGE,
					    .times = 2 };

		configure(sc, kernels[i], 0, 0);
		assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
		watch_signals();
		assert_int_equal(sgx2_grow(sc->e, sc->free, 8 * PAGE, 0,
					   &sc->cb, NULL, &r),
				 -EFAULT);
		unwatch_signals();
		assert_int_equal(r.step, SGX2_STEP_PREFAULT);
		assert_int_equal(r.changed, 3 * PAGE);
		assert_int_equal(r.accepted, 3 * PAGE);
		assert_grow_matches(sc, &r, 8, UINT64_MAX);
		assert_int_equal(stats_of(sc->fx->fd).faults_fired, 2);
		/* The rule is spent: the retry finishes. */
		assert_int_equal(sgx2_grow(sc->e, sc->free + r.accepted,
					   8 * PAGE - r.accepted, 0, &sc->cb,
					   NULL, &r),
				 0);
		assert_int_equal(r.accepted, 5 * PAGE);
		scene_free(sc);
	}
}

/* A failure that is gone by the next read(): the pre-fault reads past it. */
static void a_passing_failure_is_read_past(void **state)
{
	struct scene *sc = scene_new(8);
	struct sgx2_flow_report r;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_EAUG,
				    .offset = sc->free + 3 * PAGE };

	(void)state;
	assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
	sgx2_sim_reset_stats(sc->fx->fd);
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, 8 * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(stats_of(sc->fx->fd).kernel_copies, 2);
	assert_grow_matches(sc, &r, 8, UINT64_MAX);
	scene_free(sc);
}

/* Without the pre-fault, the same failure is the enclave's: its EACCEPT
 * takes an exception (#PF, the access's error code, no SGX bit). */
static void no_prefault_exhaustion_is_an_exception_in_the_enclave(void **state)
{
	struct scene *sc = scene_new(8);
	struct sgx2_flow_report r;

	(void)state;
	configure(sc, 0, (BUILT_PAGES + 2) * PAGE, 1);
	assert_int_equal(sgx2_grow(sc->e, sc->free, 8 * PAGE,
				   SGX2_FLOW_NO_PREFAULT, &sc->cb, NULL, &r),
			 -EIO);
	assert_int_equal(sc->fx->run.exception_vector, 14);
	assert_int_equal(sc->fx->run.exception_error_code & 0x8000, 0);
	assert_int_equal(sc->fx->run.exception_addr,
			 sc->fx->base + sc->free + 2 * PAGE);
	assert_int_equal(r.accepted, 2 * PAGE);
	assert_grow_matches(sc, &r, 8, UINT64_MAX);
	scene_free(sc);
}

/* -- the kernel's EAUG races ----------------------------------------- */

/*
 * Race 1: another thread's fault adds page k first; this one's fault ends
 * in SIGBUS in the kernel, a short count for the read(), which reads on
 * from there and finds the page: the grow succeeds, no signal, exact.
 */
static void eaug_race_is_read_past(void **state)
{
	struct scene *sc = scene_new(8);
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_EAUG_RACE,
				    .offset = sc->free + 4 * PAGE };

	(void)state;
	assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
	sgx2_sim_reset_stats(sc->fx->fd);
	watch_signals();
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, 8 * PAGE, 0, &sc->cb, NULL, &r), 0);
	unwatch_signals();
	st = stats_of(sc->fx->fd);
	assert_int_equal(st.faults_fired, 1);
	assert_int_equal(st.kernel_copies, 2);
	assert_int_equal(st.eaug_pages, 8); /* the winner added page 4 */
	assert_int_equal(r.changed, 8 * PAGE);
	assert_int_equal(r.accepted, 8 * PAGE);
	assert_grow_matches(sc, &r, 8, UINT64_MAX);
	scene_free(sc);
}

/* Race 1 where the enclave faults (no pre-fault): the loser's EACCEPT
 * takes the SIGBUS as an exception; accepting again works. */
static void eaug_race_in_the_enclave(void **state)
{
	struct scene *sc = scene_new(4);
	struct sgx2_flow_report r;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_EAUG_RACE,
				    .offset = sc->free + PAGE };

	(void)state;
	assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
	assert_int_equal(sgx2_grow(sc->e, sc->free, 4 * PAGE,
				   SGX2_FLOW_NO_PREFAULT, &sc->cb, NULL, &r),
			 -EIO);
	assert_int_equal(sc->fx->run.exception_vector, 14);
	assert_int_equal(r.accepted, PAGE);
	/* The winner's page is there, PENDING: the page the report says
	 * may be. */
	assert_int_equal(page_at(sc->fx->fd, sc->free + PAGE).secinfo, 0x20b);
	assert_int_equal(sgx2_grow(sc->e, sc->free + PAGE, 3 * PAGE,
				   SGX2_FLOW_NO_MMAP, &sc->cb, NULL, &r),
			 0);
	scene_free(sc);
}

/*
 * Race 2: a fault races REMOVE_PAGES on page k. The removal's report is
 * exact (the page is gone) but the address keeps a PTE: a pre-fault over
 * the caller's own mapping passes it without adding a page and EACCEPT
 * faults there; sgx2_grow()'s own mmap() drops the PTE and recovers.
 */
static void
remove_race_leaves_a_pte_until_the_range_is_mapped_again(void **state)
{
	const uint64_t n = 6, k = 2;
	struct scene *sc = scene_new(n);
	struct sgx2_flow_report r;
	struct sgx2_sim_page pg;
	struct sgx2_sim_run *run;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_REMOVE_RACE,
				    .offset = sc->free + k * PAGE };

	(void)state;
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, n * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
	assert_int_equal(sgx2_trim_and_remove(sc->e, sc->free, n * PAGE,
					      &sc->cb, NULL, &r),
			 0);
	assert_int_equal(r.removed, n * PAGE);
	for (uint64_t i = 0; i < n; i++) {
		pg = page_at(sc->fx->fd, sc->free + i * PAGE);
		assert_int_equal(pg.present, 0);
		assert_int_equal(pg.pte, i == k);
	}

	/* The enclave cannot get past it: an SGX-bit #PF, no EAUG. */
	run = run_on(sc->fx, 0);
	assert_int_equal(sgx2_sim_eaccept(sc->fx->fd, run,
					  sc->fx->base + sc->free + k * PAGE,
					  ACCEPT_AUG),
			 0);
	assert_int_equal(run->exception_vector, 14);
	assert_int_equal(run->exception_error_code & 0x8001, 0x8001);
	assert_int_equal(page_at(sc->fx->fd, sc->free + k * PAGE).present, 0);

	/* Over the caller's mapping: the documented exception. */
	watch_signals();
	assert_int_equal(sgx2_grow(sc->e, sc->free, n * PAGE, SGX2_FLOW_NO_MMAP,
				   &sc->cb, NULL, &r),
			 -EIO);
	unwatch_signals();
	assert_int_equal(r.step, SGX2_STEP_ACCEPT);
	assert_int_equal(r.changed, n * PAGE);
	assert_int_equal(r.accepted, k * PAGE);
	assert_grow_matches(sc, &r, n, k);

	/* REMOVE_PAGES has no page there to remove: it stays. */
	assert_int_equal(
		remove_pages(sc->fx->fd, sc->free + k * PAGE, PAGE).err,
		EFAULT);
	assert_int_equal(page_at(sc->fx->fd, sc->free + k * PAGE).pte, 1);

	/* The retry maps the range again, which drops the PTE. */
	assert_int_equal(sgx2_grow(sc->e, sc->free + k * PAGE, (n - k) * PAGE,
				   0, &sc->cb, NULL, &r),
			 0);
	r.offset = sc->free;
	r.accepted = r.changed = r.mapped = n * PAGE;
	assert_grow_matches(sc, &r, n, UINT64_MAX);
	scene_free(sc);
}

/* -- the read() model itself ------------------------------------------ */

/* A signal pending after page k: a short count, and the grow reads on. */
static void a_signal_is_a_short_count(void **state)
{
	struct scene *sc = scene_new(8);
	struct sgx2_flow_report r;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_COPY_SIGNAL,
				    .offset = sc->free + 2 * PAGE };
	int zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	void *at = (void *)(uintptr_t)(sc->fx->base + sc->free);

	(void)state;
	assert_true(zero >= 0);
	assert_true(mmap(at, 8 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, sc->fx->fd,
			 (off_t)sc->free) == at);
	assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
	assert_int_equal(read(zero, at, 8 * PAGE), 3 * PAGE);
	assert_int_equal(read(zero, (char *)at + 3 * PAGE, 5 * PAGE), 5 * PAGE);
	assert_int_equal(stats_of(sc->fx->fd).eaug_pages, 8);
	/* Added, not accepted: grow them (EACCEPT takes PENDING pages). */
	f.offset = sc->free + 5 * PAGE;
	assert_int_equal(sgx2_sim_inject(sc->fx->fd, &f), 0);
	assert_int_equal(
		sgx2_grow(sc->e, sc->free, 8 * PAGE, 0, &sc->cb, NULL, &r), 0);
	assert_int_equal(stats_of(sc->fx->fd).kernel_copies, 4);
	assert_grow_matches(sc, &r, 8, UINT64_MAX);
	close(zero);
	scene_free(sc);
}

/* What the read() model leaves to the system, and what it refuses. */
static void read_outside_enclaves_and_of_other_files(void **state)
{
	struct scene *sc = scene_new(4);
	void *at = (void *)(uintptr_t)(sc->fx->base + sc->free);
	int zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	int wronly = open("/dev/zero", O_WRONLY | O_CLOEXEC);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char buf[64];

	(void)state;
	assert_true(zero >= 0 && wronly >= 0 && null >= 0);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(read(zero, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(buf[0] | buf[63], 0);
	assert_true(mmap(at, 4 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, sc->fx->fd,
			 (off_t)sc->free) == at);
	errno = 0;
	assert_int_equal(read(wronly, at, PAGE), -1);
	assert_int_equal(errno, EBADF);
	/* Another file: the real call (into a normal buffer here: memcheck
	 * would rightly object to one the host cannot address). */
	assert_int_equal(read(null, buf, sizeof(buf)), 0);
	assert_int_equal(stats_of(sc->fx->fd).eaug_pages, 0);
	/* A PROT_READ mapping: the kernel's store is refused before the
	 * fault handler, so nothing is added: EFAULT. */
	assert_int_equal(mprotect(at, 4 * PAGE, PROT_READ), 0);
	errno = 0;
	assert_int_equal(read(zero, at, PAGE), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(stats_of(sc->fx->fd).eaug_pages, 0);
	close(zero);
	close(wronly);
	close(null);
	scene_free(sc);
}

/* With the caller's PROT_READ mapping, the pre-fault cannot add pages
 * (EFAULT, nothing changed); EACCEPT-driven growth still can. */
static void read_only_mapping_needs_no_prefault(void **state)
{
	struct scene *sc = scene_new(4);
	void *at = (void *)(uintptr_t)(sc->fx->base + sc->free);
	struct sgx2_flow_report r;

	(void)state;
	assert_true(mmap(at, 4 * PAGE, PROT_READ, MAP_SHARED | MAP_FIXED,
			 sc->fx->fd, (off_t)sc->free) == at);
	assert_int_equal(sgx2_grow(sc->e, sc->free, 4 * PAGE, SGX2_FLOW_NO_MMAP,
				   &sc->cb, NULL, &r),
			 -EFAULT);
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(r.changed, 0);
	assert_int_equal(r.callbacks, 0);
	assert_grow_matches(sc, &r, 4, UINT64_MAX);
	assert_int_equal(sgx2_grow(sc->e, sc->free, 4 * PAGE,
				   SGX2_FLOW_NO_MMAP | SGX2_FLOW_NO_PREFAULT,
				   &sc->cb, NULL, &r),
			 0);
	assert_grow_matches(sc, &r, 4, UINT64_MAX);
	scene_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grow_1),
		cmocka_unit_test(grow_64),
		cmocka_unit_test(grow_4096),
		cmocka_unit_test(no_prefault_leaves_the_faults_to_eaccept),
		cmocka_unit_test(epc_limit_newest_kernel),
		cmocka_unit_test(epc_limit_6_0),
		cmocka_unit_test(epc_limit_with_reclaim_swaps),
		cmocka_unit_test(machine_epc_full),
		cmocka_unit_test(injected_eaug_failure),
		cmocka_unit_test(a_passing_failure_is_read_past),
		cmocka_unit_test(
			no_prefault_exhaustion_is_an_exception_in_the_enclave),
		cmocka_unit_test(eaug_race_is_read_past),
		cmocka_unit_test(eaug_race_in_the_enclave),
		cmocka_unit_test(
			remove_race_leaves_a_pte_until_the_range_is_mapped_again),
		cmocka_unit_test(a_signal_is_a_short_count),
		cmocka_unit_test(read_outside_enclaves_and_of_other_files),
		cmocka_unit_test(read_only_mapping_needs_no_prefault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
