// SPDX-License-Identifier: MIT
/*
 * sgx2-bench: what libsgx2 costs, counted on the simulator, against the
 * patterns other users of the SGX2 ioctls follow (../shared/spec/peers.md),
 * each reimplemented here in a few lines and measured in the same run.
 * Everything counted is deterministic: ioctls, enclave entries, pages
 * submitted twice, heap allocations; instructions come from callgrind
 * (bench/run drives that part). No wall-clock figure is a result.
 *
 *   sgx2-bench counts           the tables of ioctls and enclave entries
 *   sgx2-bench cpu WHAT PAGES N N calls of WHAT (lib, flow, wrapper) on
 *                               the null driver, inside bench_loop()
 *   sgx2-bench allocs PAGES N   heap allocations per call, lib vs wrapper
 *   sgx2-bench grow             growth: AEXs per page, system calls, enclave
 *                               entries, with real enclave code run
 *                               natively on the simulator
 *   sgx2-bench grow-hw          the same growth timed on SGX2 hardware;
 *                               exits 77 with the reason where there is none
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <asm/sgx.h>
#include <sgx2-sim.h>
#include <sgx2.h>

#ifdef SGX2_BENCH_ENCLAVE
#include <time.h>

#include "host.h"
#endif

#define PAGE 4096ull

/* -- an enclave of N heap pages in the simulator ------------------------ */

struct bench_encl {
	int fd;
	uint64_t base, size;
	struct sgx2_enclave *h;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "sgx2-bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

static struct bench_encl encl_new(uint64_t pages, int null_driver,
				  uint64_t delay_ns)
{
	/* The null driver needs no pages, only a size that holds them. */
	struct sgx2_sim_segment seg = { .offset = 0,
					.pages = null_driver ? 1 : pages,
					.type = SGX2_SIM_PAGE_TYPE_REG,
					.perms = SGX2_SIM_SECINFO_R |
						 SGX2_SIM_SECINFO_W };
	struct sgx2_sim_layout l = { .segs = &seg, .nsegs = 1 };
	struct sgx2_sim_config cfg;
	struct bench_encl b;
	int err;

	for (l.size = 2 * PAGE; l.size < pages * PAGE;)
		l.size <<= 1;
	err = sgx2_sim_enclave_create(&l, &b.fd, &b.base);
	if (err)
		die("sgx2_sim_enclave_create", err);
	b.size = l.size;
	sgx2_sim_config_init(&cfg);
	cfg.null_driver = (uint32_t)null_driver;
	cfg.page_delay_ns = delay_ns;
	err = sgx2_sim_configure(b.fd, &cfg);
	if (!err)
		err = sgx2_enclave_new(&b.h, b.fd, b.base, b.size);
	if (err)
		die("setup", err);
	sgx2_sim_reset_stats(b.fd);
	return b;
}

static void encl_free(struct bench_encl *b)
{
	sgx2_enclave_free(b->h);
	sgx2_sim_enclave_destroy(b->fd);
}

struct cost {
	uint64_t ioctls, entries, resubmitted, removed;
};

static struct cost cost_of(const struct bench_encl *b)
{
	struct sgx2_sim_stats st;

	sgx2_sim_get_stats(b->fd, &st);
	return (struct cost){ st.ioctls[5] + st.ioctls[6] + st.ioctls[7],
			      st.enclave_entries, st.pages_resubmitted,
			      st.pages_removed };
}

/* EACCEPT a range in one enclave entry (no TCS needed in the model). */
static int64_t accept_range(void *arg, uint64_t addr, uint64_t len,
			    uint64_t secinfo)
{
	struct bench_encl *b = arg;
	struct sgx2_sim_run run = { 0 };

	if (sgx2_sim_eaccept_range(b->fd, &run, addr, len, secinfo))
		return -EIO;
	return (int64_t)run.done;
}

/* -- the peers' patterns, a few lines each ------------------------------ */

/* Raw ioctls, resubmitting the rest after a short count. */
static int raw(int fd, unsigned long cmd, uint64_t off, uint64_t len,
	       uint64_t arg, uint64_t *count)
{
	struct sgx_enclave_modify_types m = { off, len, arg, 0, 0 };
	struct sgx_enclave_remove_pages r = { off, len, 0 };
	int ret;

	if (cmd == SGX_IOC_ENCLAVE_REMOVE_PAGES) {
		ret = ioctl(fd, cmd, &r);
		*count = r.count;
	} else {
		ret = ioctl(fd, cmd, &m);
		*count = m.count;
	}
	return ret ? -errno : 0;
}

/* Gramine and the PSW: whole range, resume from count, retry EAGAIN,
 * EBUSY (and EINTR) at once, with no bound and no backoff. */
static void unbounded_loop(int fd, unsigned long cmd, uint64_t off,
			   uint64_t len, uint64_t arg)
{
	uint64_t done = 0, c;
	int err;

	while (done < len) {
		err = raw(fd, cmd, off + done, len - done, arg, &c);
		done += c;
		if (err && err != -EAGAIN && err != -EBUSY && err != -EINTR)
			return;
	}
}

static void remove_unbounded(struct bench_encl *b, uint64_t len)
{
	unbounded_loop(b->fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, 0, len,
		       SGX2_PAGE_TYPE_TRIM);
	accept_range(b, b->base, len, SGX2_ACCEPT_TRIM);
	unbounded_loop(b->fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, 0, len, 0);
}

/* The kernel selftests: one EACCEPT entry per page. */
static void remove_selftest(struct bench_encl *b, uint64_t len)
{
	uint64_t c;

	raw(b->fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, 0, len, SGX2_PAGE_TYPE_TRIM,
	    &c);
	for (uint64_t o = 0; o < len; o += PAGE)
		accept_range(b, b->base + o, PAGE, SGX2_ACCEPT_TRIM);
	raw(b->fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, 0, len, 0, &c);
}

/* Intel PSW before 2.18: an ioctl per page (and an EACCEPT per page). */
static void remove_per_page(struct bench_encl *b, uint64_t len)
{
	uint64_t c;

	for (uint64_t o = 0; o < len; o += PAGE) {
		raw(b->fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, o, PAGE,
		    SGX2_PAGE_TYPE_TRIM, &c);
		accept_range(b, b->base + o, PAGE, SGX2_ACCEPT_TRIM);
		raw(b->fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, o, PAGE, 0, &c);
	}
}

static int remove_libsgx2(struct bench_encl *b, uint64_t len,
			  const struct sgx2_options *o)
{
	struct sgx2_callbacks cb = { .accept = accept_range, .arg = b };

	return sgx2_trim_and_remove(b->h, 0, len, &cb, o, NULL);
}

/* -- counts ----------------------------------------------------------- */

static void row(const char *who, uint64_t pages, struct cost c, int ok)
{
	printf("| %-34s | %9" PRIu64 " | %9" PRIu64 " | %9" PRIu64
	       " | %7" PRIu64 " | %-3s |\n",
	       who, pages, c.ioctls, c.entries, c.resubmitted,
	       ok ? "yes" : "NO");
}

static void table_removal(void)
{
	static const uint64_t sizes[] = { 1, 64, 4096, 65536, 1048576 };

	printf("\n### Removing N fault-free pages: ioctls and enclave entries"
	       "\n\n");
	printf("| pattern                            |         N |    ioctls |"
	       "   entries | resubm. | ok  |\n");
	printf("|---|---:|---:|---:|---:|---|\n");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t n = sizes[i], len = n * PAGE;
		struct bench_encl b;
		struct cost c;
		int err;

		b = encl_new(n, 0, 0);
		err = remove_libsgx2(&b, len, NULL);
		c = cost_of(&b);
		row("libsgx2 sgx2_trim_and_remove", n, c,
		    !err && c.ioctls == 2 && c.entries == 1 && c.removed == n);
		encl_free(&b);

		b = encl_new(n, 0, 0);
		remove_unbounded(&b, len);
		c = cost_of(&b);
		row("unbounded retry loop (Gramine, PSW)", n, c,
		    c.removed == n);
		encl_free(&b);

		b = encl_new(n, 0, 0);
		remove_selftest(&b, len);
		c = cost_of(&b);
		row("EACCEPT entry per page (selftests)", n, c, c.removed == n);
		encl_free(&b);

		b = encl_new(n, 0, 0);
		remove_per_page(&b, len);
		c = cost_of(&b);
		row("ioctl per page (PSW < 2.18)", n, c, c.removed == n);
		encl_free(&b);
	}
}

/* k pages under reclaim (EAGAIN once each): exactly k more ioctls. */
static void table_eagain(void)
{
	static const unsigned int ks[] = { 0, 1, 8, 64 };
	const uint64_t n = 4096;

	printf("\n### Injected EAGAIN (pages under reclaim), N = %" PRIu64
	       "\n\n",
	       n);
	printf("| k EAGAINs | libsgx2 ioctls | extra | resubmitted |"
	       " unbounded-loop ioctls | ok  |\n");
	printf("|---:|---:|---:|---:|---:|---|\n");
	for (unsigned int i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		struct bench_encl b = encl_new(n, 0, 0), u = encl_new(n, 0, 0);
		struct sgx2_sim_fault f = {
			.kind = SGX2_SIM_FAULT_UNDER_RECLAIM
		};
		struct sgx2_options o;
		struct cost c, cu;
		int err;

		sgx2_options_init(&o);
		o.backoff_min_us = 0;
		for (unsigned int j = 0; j < ks[i]; j++) {
			f.offset = (j * 61 + 17) % n * PAGE;
			sgx2_sim_inject(b.fd, &f);
			sgx2_sim_inject(u.fd, &f);
		}
		err = remove_libsgx2(&b, n * PAGE, &o);
		remove_unbounded(&u, n * PAGE);
		c = cost_of(&b);
		cu = cost_of(&u);
		printf("| %9u | %14" PRIu64 " | %5" PRIu64 " | %11" PRIu64
		       " | %21" PRIu64 " | %-3s |\n",
		       ks[i], c.ioctls, c.ioctls - 2, c.resubmitted, cu.ioctls,
		       !err && c.ioctls == 2 + ks[i] && !c.resubmitted &&
				       c.removed == n
			       ? "yes"
			       : "NO");
		encl_free(&b);
		encl_free(&u);
	}
}

/* Another user holds the enclave busy for T attempts: bounded vs spin. */
static void table_busy(void)
{
	static const unsigned int ts[] = { 8, 1000 };

	printf("\n### An ioctl in flight elsewhere (busy bit) for T attempts,"
	       " N = 64\n\n");
	printf("| T | libsgx2 ioctls | libsgx2 result | unbounded-loop ioctls |"
	       "\n|---:|---:|---|---:|\n");
	for (unsigned int i = 0; i < 2; i++) {
		struct bench_encl b = encl_new(64, 0, 0),
				  u = encl_new(64, 0, 0);
		struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_BUSY,
					    .ioctl = SGX2_SIM_IOCTL_MODIFY,
					    .times = ts[i] };
		struct sgx2_options o;
		int err;

		sgx2_options_init(&o);
		o.backoff_max_us = 100; /* keep the run short */
		sgx2_sim_inject(b.fd, &f);
		sgx2_sim_inject(u.fd, &f);
		err = remove_libsgx2(&b, 64 * PAGE, &o);
		remove_unbounded(&u, 64 * PAGE);
		printf("| %u | %" PRIu64 " | %s | %" PRIu64 " |\n", ts[i],
		       cost_of(&b).ioctls,
		       err ? "-EBUSY after 32 backed-off retries, report exact"
			   : "done",
		       cost_of(&u).ioctls);
		encl_free(&b);
		encl_free(&u);
	}
}

/* -- contention: 8 threads, disjoint ranges, one enclave --------------- */

#define THREADS 8
#define PER_THREAD 64

struct worker {
	struct bench_encl *b;
	struct sgx2_enclave *h; /* this thread's handle */
	unsigned int index;
	int mode; /* 0: libsgx2, 1: spin on EBUSY */
	int err;
};

static void spin_on_ebusy(int fd, unsigned long cmd, uint64_t off, uint64_t len,
			  uint64_t arg)
{
	unbounded_loop(fd, cmd, off, len, arg);
}

static void *work(void *p)
{
	struct worker *w = p;
	uint64_t off = w->index * PER_THREAD * PAGE, len = PER_THREAD * PAGE;
	struct sgx2_callbacks cb = { .accept = accept_range, .arg = w->b };

	if (w->mode == 1) {
		spin_on_ebusy(w->b->fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, off, len,
			      SGX2_PAGE_TYPE_TRIM);
		accept_range(w->b, w->b->base + off, len, SGX2_ACCEPT_TRIM);
		spin_on_ebusy(w->b->fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, off, len,
			      0);
	} else {
		w->err = sgx2_trim_and_remove(w->h, off, len, &cb, NULL, NULL);
	}
	return NULL;
}

static struct cost contend(int mode, int shared, unsigned int *failed)
{
	struct bench_encl b = encl_new(THREADS * PER_THREAD, 0, 20000);
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct cost c;

	*failed = 0;
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){
			.b = &b, .h = b.h, .index = i, .mode = mode
		};
		if (!shared && sgx2_enclave_new(&w[i].h, b.fd, b.base, b.size))
			die("sgx2_enclave_new", -ENOMEM);
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		*failed += w[i].err != 0;
		if (!shared)
			sgx2_enclave_free(w[i].h);
	}
	c = cost_of(&b);
	if (c.removed != THREADS * PER_THREAD)
		*failed += 1;
	encl_free(&b);
	return c;
}

static void table_contention(void)
{
	const uint64_t min = 2 * THREADS;
	struct cost c;
	unsigned int failed;

	printf("\n### Contention: %d threads, disjoint %d-page ranges, one"
	       " enclave, 20 us per page in the driver\n\n",
	       THREADS, PER_THREAD);
	printf("| pattern | ioctls | x minimum (%" PRIu64 ") | failed calls |"
	       "\n|---|---:|---:|---:|\n",
	       min);
	/* The first row is exact; the other two depend on how the threads
	 * interleave, so they change from run to run. */
	c = contend(0, 1, &failed);
	printf("| libsgx2, one shared handle | %" PRIu64 " | %.2f | %u |\n",
	       c.ioctls, (double)c.ioctls / (double)min, failed);
	c = contend(0, 0, &failed);
	printf("| libsgx2, a handle per thread (kernel EBUSY, backoff) | "
	       "%" PRIu64 " | %.2f | %u |\n",
	       c.ioctls, (double)c.ioctls / (double)min, failed);
	c = contend(1, 1, &failed);
	printf("| spin on EBUSY (Gramine, PSW)* | %" PRIu64 " | %.2f | %u |\n",
	       c.ioctls, (double)c.ioctls / (double)min, failed);
}

/* -- CPU and heap: the measured loops ---------------------------------- */

/* A minimal hand-written single-ioctl wrapper: the floor. */
static int wrapper_remove(int fd, uint64_t off, uint64_t len)
{
	struct sgx_enclave_remove_pages p = { off, len, 0 };

	return ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &p) ? -errno : 0;
}

static int64_t accept_all(void *arg, uint64_t addr, uint64_t len,
			  uint64_t secinfo)
{
	(void)arg;
	(void)addr;
	(void)secinfo;
	return (int64_t)len;
}

/* Only what runs in here is counted (callgrind --toggle-collect). */
__attribute__((noinline)) int bench_loop(int what, struct bench_encl *b,
					 uint64_t len, unsigned long n);
__attribute__((noinline)) int bench_loop(int what, struct bench_encl *b,
					 uint64_t len, unsigned long n)
{
	struct sgx2_callbacks cb = { .accept = accept_all };
	int err = 0;

	for (unsigned long i = 0; i < n; i++) {
		if (what == 0)
			err |= sgx2_remove_pages(b->h, 0, len, NULL, NULL);
		else if (what == 1)
			err |= sgx2_trim_and_remove(b->h, 0, len, &cb, NULL,
						    NULL);
		else
			err |= wrapper_remove(b->fd, 0, len);
	}
	return err;
}

/* Heap allocations, counted while `counting` is set. */
static volatile int counting;
static unsigned long allocations;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

void *malloc(size_t n)
{
	allocations += counting;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	allocations += counting;
	return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	allocations += counting;
	return __libc_realloc(p, n);
}

void *aligned_alloc(size_t a, size_t n)
{
	allocations += counting;
	return __libc_memalign(a, n);
}

int posix_memalign(void **p, size_t a, size_t n)
{
	allocations += counting;
	*p = __libc_memalign(a, n);
	return *p ? 0 : ENOMEM;
}

#ifdef SGX2_BENCH_ENCLAVE
/* -- growth with real enclave code (examples/host.h) -------------------- */

struct grow_encl {
	struct host *h;
	struct host_layout lay;
	struct sgx2_enclave *e;
	int hw;
};

static struct grow_encl grow_open(int hw)
{
	struct grow_encl g = { .hw = hw };
	int err;

	if (!hw)
		sgx2_sim_set_device(1);
	err = host_open(&g.h, ENCLAVE_ELF, ENCLAVE_SIGSTRUCT, &g.lay);
	if (!err)
		err = sgx2_enclave_new(&g.e, g.lay.fd, g.lay.base, g.lay.size);
	if (err)
		die("loading the test enclave", err);
	if (!hw)
		sgx2_sim_reset_stats(g.lay.fd);
	return g;
}

static void grow_close(struct grow_encl *g)
{
	sgx2_enclave_free(g->e);
	host_close(g->h);
}

/* The accept callback: the enclave's EACCEPT loop, one entry. */
static int64_t grow_accept(void *arg, uint64_t addr, uint64_t len,
			   uint64_t secinfo)
{
	struct grow_encl *g = arg;
	struct host_result r;
	int err = host_eaccept(g->h, g->lay.tcs_offset[0], addr - g->lay.base,
			       len, secinfo, NULL, &r);

	if (err)
		return err;
	return r.exit == HOST_DONE ? (int64_t)r.done : -EIO;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/*
 * Grow @n pages of the heap: 0 libsgx2 (pre-fault), 1 EACCEPT-driven as
 * Gramine and Intel's EMM do it (the range mapped at load, the enclave's
 * EACCEPT faults on each page, the kernel adds it, the enclave resumes).
 * Returns the nanoseconds it took; 0 when it failed.
 */
static uint64_t grow_once(struct grow_encl *g, int how, uint64_t n)
{
	struct sgx2_callbacks cb = { .accept = grow_accept, .arg = g };
	uint64_t at = g->lay.heap_offset, t0 = now_ns(), t;
	struct host_result r;
	int ok;

	if (how == 0) {
		ok = !sgx2_grow(g->e, at, n * PAGE, 0, &cb, NULL, NULL);
	} else {
		ok = !host_eaccept(g->h, g->lay.tcs_offset[0], at, n * PAGE,
				   SGX2_ACCEPT_AUG, NULL, &r) &&
		     r.exit == HOST_DONE && r.done == n * PAGE;
	}
	t = now_ns() - t0;
	return ok ? (t ? t : 1) : 0;
}

static void table_grow(void)
{
	static const uint64_t sizes[] = { 1, 64, 4096, 65536 };
	static const char *const who[] = {
		"libsgx2 sgx2_grow (pre-fault)",
		"EACCEPT-driven (Gramine, Intel EMM)",
	};

	printf("\n### Growing N pages: enclave exits, system calls, entries"
	       "\n\n");
	printf("Real enclave code (the examples' test enclave, its EACCEPT "
	       "loop in one entry) run natively on the simulator; counts from "
	       "its counters. The time is the simulator's, not a hardware "
	       "figure.\n\n");
	printf("| pattern | N | AEX | AEX per page | system calls | enclave "
	       "entries | simulator ns per page | ok |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int how = 0; how < 2; how++) {
			struct grow_encl g = grow_open(0);
			struct sgx2_sim_stats st;
			uint64_t ns = grow_once(&g, how, sizes[i]), sys;

			sgx2_sim_get_stats(g.lay.fd, &st);
			sys = st.mmaps + st.kernel_copies + st.ioctls[5] +
			      st.ioctls[6] + st.ioctls[7];
			printf("| %s | %" PRIu64 " | %" PRIu64
			       " | %.2f | %" PRIu64 " | %" PRIu64
			       " | %.0f | %s |\n",
			       who[how], sizes[i], st.aex[14],
			       (double)st.aex[14] / (double)sizes[i], sys,
			       st.enclave_entries,
			       (double)ns / (double)sizes[i],
			       ns && st.eaug_pages == sizes[i] &&
					       (how ? st.aex[14] == sizes[i]
						    : !st.aex[14] &&
								st.enclave_entries ==
									1)
				       ? "yes"
				       : "NO");
			grow_close(&g);
		}
	}
}

/* On SGX2 hardware: the same two ways, timed, median of 5. */
static int table_grow_hw(void)
{
	static const uint64_t sizes[] = { 1, 64, 4096, 65536 };
	unsigned int caps = 0;
	int err = sgx2_probe(-1, &caps);

	if (err) {
		printf("SKIP: no SGX2 machine here (%s): this mode times "
		       "growth "
		       "on /dev/sgx_enclave only\n",
		       err == -ENOTTY	? "the kernel lacks the EDMM ioctls"
		       : err == -ENODEV ? "the CPU lacks SGX2"
					: strerror(-err));
		return 77;
	}
	printf("\n### Growing N pages on SGX2 hardware: ns per page (median "
	       "of 5)\n\n| N | libsgx2 sgx2_grow (pre-fault) | "
	       "EACCEPT-driven | ratio |\n|---:|---:|---:|---:|\n");
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t t[2][5];

		for (int how = 0; how < 2; how++) {
			for (int k = 0; k < 5; k++) {
				struct grow_encl g = grow_open(1);

				t[how][k] = grow_once(&g, how, sizes[i]);
				grow_close(&g);
			}
			for (int a = 0; a < 5; a++) /* sort: 5 values */
				for (int b = a + 1; b < 5; b++)
					if (t[how][b] < t[how][a]) {
						uint64_t x = t[how][a];

						t[how][a] = t[how][b];
						t[how][b] = x;
					}
		}
		printf("| %" PRIu64 " | %.0f | %.0f | %.2f |\n", sizes[i],
		       (double)t[0][2] / (double)sizes[i],
		       (double)t[1][2] / (double)sizes[i],
		       (double)t[1][2] / (double)(t[0][2] ? t[0][2] : 1));
	}
	return 0;
}
#endif

static int what_of(const char *s)
{
	return !strcmp(s, "lib") ? 0 : !strcmp(s, "flow") ? 1 : 2;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "counts")) {
		table_removal();
		table_eagain();
		table_busy();
		table_contention();
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "cpu")) {
		uint64_t pages = strtoull(argv[3], NULL, 0);
		struct bench_encl b = encl_new(pages, 1, 0);
		int err;

		err = bench_loop(what_of(argv[2]), &b, pages * PAGE,
				 strtoul(argv[4], NULL, 0));
		encl_free(&b);
		return err ? 1 : 0;
	}
	if (argc == 4 && !strcmp(argv[1], "allocs")) {
		uint64_t len = strtoull(argv[2], NULL, 0) * PAGE;
		unsigned long n = strtoul(argv[3], NULL, 0), got[3];
		struct bench_encl b = encl_new(len / PAGE, 1, 0);

		for (int w = 0; w < 3; w++) {
			bench_loop(w, &b, len, 1); /* warm up */
			allocations = 0;
			counting = 1;
			bench_loop(w, &b, len, n);
			counting = 0;
			got[w] = allocations;
		}
		/* The control: one options block, so the counter counts. */
		{
			struct sgx2_options o;

			sgx2_options_init(&o);
			allocations = 0;
			counting = 1;
			sgx2_enclave_set_options(b.h, &o);
			counting = 0;
		}
		printf("%lu %lu %lu %lu\n", got[0], got[1], got[2],
		       allocations);
		encl_free(&b);
		return got[0] || got[1] || allocations != 1;
	}
#ifdef SGX2_BENCH_ENCLAVE
	if (argc == 2 && !strcmp(argv[1], "grow")) {
		table_grow();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "grow-hw"))
		return table_grow_hw();
#endif
	fprintf(stderr,
		"usage: sgx2-bench counts | cpu lib|flow|wrapper PAGES N"
		" | allocs PAGES N | grow | grow-hw\n");
	return 2;
}
