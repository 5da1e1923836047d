// SPDX-License-Identifier: MIT
/*
 * Concurrency under faults: THREADS threads share one handle on one
 * simulated enclave, each owning a disjoint range, and run ROUNDS of
 * trim-and-remove / grow with faults armed for the whole enclave (pages
 * under reclaim, a busy enclave, EPC page conflicts) and an enclave that
 * sometimes accepts only part of a range. Each thread's last removal is
 * left as it stopped; at the end the simulator's EPCM must be exactly
 * what the union of the reports says, and no page was submitted twice.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "common.h"
#include "sgx2.h"

#define THREADS 8
#define ROUNDS 12
#define PAGES 16 /* per thread */

struct worker {
	struct fx *fx;
	struct sgx2_enclave *h;
	unsigned int index;
	uint32_t rng;
	struct sgx2_flow_report last;
	int failed;
};

static uint32_t next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

struct accept_arg {
	struct worker *w;
	uint64_t limit; /* bytes the enclave accepts this call */
};

static int64_t accept_cb(void *arg, uint64_t addr, uint64_t len,
			 uint64_t secinfo)
{
	struct accept_arg *a = arg;
	struct sgx2_sim_run run = { 0 };

	if (len > a->limit)
		len = a->limit;
	if (!len)
		return 0;
	if (sgx2_sim_eaccept_range(a->w->fx->fd, &run, addr, len, secinfo))
		return -EIO;
	return (int64_t)run.done;
}

static void *work(void *p)
{
	struct worker *w = p;
	uint64_t off = HEAP_OFF + w->index * PAGES * PAGE, len = PAGES * PAGE;
	struct accept_arg a = { .w = w, .limit = UINT64_MAX };
	struct sgx2_callbacks cb = { .accept = accept_cb, .arg = &a };
	struct sgx2_flow_report r;
	struct sgx2_options o;

	sgx2_options_init(&o);
	o.backoff_min_us = 1;
	o.backoff_max_us = 50;
	o.max_retries = 200; /* the faults are many, all transient */
	for (unsigned int round = 0; round < ROUNDS; round++) {
		int last = round == ROUNDS - 1;

		/* Now and then the enclave accepts only part of the range. */
		a.limit = next(&w->rng) % 3 ? UINT64_MAX
					    : next(&w->rng) % PAGES * PAGE;
		if (sgx2_trim_and_remove(w->h, off, len, &cb, &o, &r)) {
			if (last)
				break; /* leave it as it stopped */
			a.limit = UINT64_MAX;
			if (sgx2_trim_and_remove_resume(w->h, &cb, &o, &r)) {
				w->failed = 1;
				break;
			}
		}
		if (last)
			break;
		a.limit = UINT64_MAX;
		if (sgx2_grow(w->h, off, len, SGX2_FLOW_NO_MMAP, &cb, &o, &r)) {
			w->failed = 1;
			break;
		}
	}
	w->last = r;
	return NULL;
}

static void arm_faults(int fd, uint32_t *rng)
{
	char rule[128];

	for (int i = 0; i < 64; i++) {
		snprintf(rule, sizeof(rule),
			 "kind=under-reclaim,offset=%#llx,"
			 "times=%u",
			 (unsigned long long)(HEAP_OFF +
					      next(rng) % (THREADS * PAGES) *
						      PAGE),
			 1 + next(rng) % 3);
		assert_int_equal(sgx2_sim_inject_script(fd, rule), 0);
	}
	for (int i = 1; i <= 24; i++) {
		snprintf(rule, sizeof(rule),
			 "kind=encls,ioctl=modify,nth=%d,page=%u,code=7", 3 * i,
			 next(rng) % 4);
		assert_int_equal(sgx2_sim_inject_script(fd, rule), 0);
		assert_int_equal(sgx2_sim_inject_script(fd,
							"kind=busy,ioctl=any"
							",times=2"),
				 0);
	}
}

static void threads_with_faults_end_as_their_reports_say(void **state)
{
	struct fx *fx = fx_new(THREADS * PAGES);
	struct sgx2_sim_config cfg;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct sgx2_enclave *h;
	uint32_t rng = 0x5eed;

	(void)state;
	sgx2_sim_config_init(&cfg);
	cfg.page_delay_ns = 2000; /* so that calls really overlap */
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), 0);
	assert_int_equal(sgx2_enclave_new(&h, fx->fd, fx->base, fx->size), 0);
	arm_faults(fx->fd, &rng);

	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .fx = fx,
					.h = h,
					.index = i,
					.rng = 0x9e3779b9u * (i + 1) };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);

	for (unsigned int i = 0; i < THREADS; i++) {
		const struct sgx2_flow_report *r = &w[i].last;

		assert_int_equal(w[i].failed, 0);
		assert_true(r->removed <= r->accepted &&
			    r->accepted <= r->changed);
		for (uint64_t pg = 0; pg < PAGES; pg++) {
			uint64_t at = pg * PAGE;
			struct sgx2_sim_page s =
				page_at(fx->fd, r->offset + at);

			if (at < r->removed) {
				assert_int_equal(s.present, 0);
			} else if (at < r->changed) {
				assert_int_equal(s.present, 1);
				assert_int_equal(s.type,
						 SGX2_SIM_PAGE_TYPE_TRIM);
				assert_int_equal(s.modified, at >= r->accepted);
			} else {
				assert_int_equal(s.present, 1);
				assert_int_equal(s.type,
						 SGX2_SIM_PAGE_TYPE_REG);
				assert_int_equal(s.modified | s.pending, 0);
			}
		}
	}
	{
		struct sgx2_sim_stats st = stats_of(fx->fd);
		unsigned int partial = 0;

		for (unsigned int i = 0; i < THREADS; i++)
			partial += w[i].last.removed < PAGES * PAGE;
		print_message(
			"ioctls %llu, busy %llu, faults fired %llu, "
			"entries %llu, threads left part-way %u\n",
			(unsigned long long)(st.ioctls[SGX2_SIM_NR_RESTRICT] +
					     st.ioctls[SGX2_SIM_NR_MODIFY] +
					     st.ioctls[SGX2_SIM_NR_REMOVE]),
			(unsigned long long)st.busy,
			(unsigned long long)st.faults_fired,
			(unsigned long long)st.enclave_entries, partial);
		assert_int_equal(st.pages_resubmitted, 0);
		assert_true(st.faults_fired > 0);
	}
	sgx2_enclave_free(h);
	fx_free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads_with_faults_end_as_their_reports_say),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
