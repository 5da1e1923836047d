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
	fprintf(stderr,
		"usage: sgx2-bench counts | cpu lib|flow|wrapper PAGES N"
		" | allocs PAGES N\n");
	return 2;
}
