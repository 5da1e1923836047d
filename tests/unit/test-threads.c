// SPDX-License-Identifier: MIT
/* Calls on one handle from several threads never overlap in the kernel. */
#include <pthread.h>

#include "common.h"

#define THREADS 8
#define CALLS 20

struct worker {
	struct sgx2_enclave *e;
	unsigned int index;
	int failures;
};

static void *work(void *p)
{
	struct worker *w = p;

	for (unsigned int i = 0; i < CALLS; i++) {
		uint64_t off = (uint64_t)(w->index * CALLS + i) * PAGE;

		if (sgx2_remove_pages(w->e, off % (ENCL_SIZE - PAGE), PAGE,
				      NULL, NULL))
			w->failures++;
	}
	return NULL;
}

static void one_handle_serialises_its_callers(void **state)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];

	fk_set_delay_us(200); /* long enough for callers to collide */
	for (unsigned int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .e = *state, .index = i };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(fk_ncalls, THREADS * CALLS);
	assert_int_equal(fk_max_in_flight, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(one_handle_serialises_its_callers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
