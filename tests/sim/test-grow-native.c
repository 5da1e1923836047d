// SPDX-License-Identifier: MIT
/*
 * sgx2_grow() with real enclave code: the examples' test enclave, loaded
 * and entered as on hardware (examples/host.h), its EACCEPT loop run
 * natively on the simulator, so that the enclave exits counted are real
 * exits of that code. With the pre-fault: 0 AEXs and 1 enclave entry for
 * N pages; EACCEPT-driven (SGX2_FLOW_NO_PREFAULT): one AEX per page. EPC
 * exhaustion: with the pre-fault an EFAULT and no exception; without, an
 * exception exit (#PF, vector 14) reported through the vDSO.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "host.h"
#include "sgx2-sim.h"
#include "sgx2.h"

#define PAGE 4096ull

struct scene {
	struct host *h;
	struct host_layout lay;
	struct sgx2_enclave *e;
	struct sgx2_callbacks cb;
	struct host_result last; /* of the last accept call */
};

static int64_t accept_in_enclave(void *arg, uint64_t addr, uint64_t len,
				 uint64_t secinfo)
{
	struct scene *sc = arg;
	int err =
		host_eaccept(sc->h, sc->lay.tcs_offset[0], addr - sc->lay.base,
			     len, secinfo, NULL, &sc->last);

	if (err)
		return err;
	if (sc->last.exit != HOST_DONE)
		return 0; /* an exception on the first page */
	return (int64_t)sc->last.done;
}

static int setup(void **state)
{
	struct scene *sc = calloc(1, sizeof(*sc));

	assert_non_null(sc);
	assert_int_equal(sgx2_sim_set_device(1), 0);
	assert_int_equal(
		host_open(&sc->h, ENCLAVE_ELF, ENCLAVE_SIGSTRUCT, &sc->lay), 0);
	assert_int_equal(sgx2_enclave_new(&sc->e, sc->lay.fd, sc->lay.base,
					  sc->lay.size),
			 0);
	sc->cb = (struct sgx2_callbacks){ .accept = accept_in_enclave,
					  .arg = sc };
	assert_int_equal(sgx2_sim_reset_stats(sc->lay.fd), 0);
	*state = sc;
	return 0;
}

static int teardown(void **state)
{
	struct scene *sc = *state;

	sgx2_enclave_free(sc->e);
	host_close(sc->h);
	free(sc);
	return 0;
}

static struct sgx2_sim_stats stats(const struct scene *sc)
{
	struct sgx2_sim_stats st;

	assert_int_equal(sgx2_sim_get_stats(sc->lay.fd, &st), 0);
	return st;
}

static void assert_pages(const struct scene *sc, uint64_t from, uint64_t n,
			 uint64_t secinfo, uint32_t present)
{
	for (uint64_t i = 0; i < n; i++) {
		struct sgx2_sim_page pg;

		assert_int_equal(
			sgx2_sim_page_state(sc->lay.fd, from + i * PAGE, &pg),
			0);
		assert_int_equal(pg.present, present);
		if (present)
			assert_int_equal(pg.secinfo, secinfo);
	}
}

static void prefault_grows_n_pages_with_no_exit(void **state)
{
	struct scene *sc = *state;
	const uint64_t n = 64, at = sc->lay.heap_offset;
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;

	assert_int_equal(sgx2_grow(sc->e, at, n * PAGE, 0, &sc->cb, NULL, &r),
			 0);
	assert_int_equal(r.accepted, n * PAGE);
	assert_int_equal(r.callbacks, 1);
	st = stats(sc);
	assert_int_equal(st.aex[14], 0);
	assert_int_equal(st.aex_interrupts, 0);
	assert_int_equal(st.enclave_entries, 1);
	assert_int_equal(st.enclu[2], 1); /* EENTER */
	assert_int_equal(st.enclu[3], 0); /* ERESUME */
	assert_int_equal(st.enclu[5], n); /* EACCEPT */
	assert_int_equal(st.eaug_pages, n);
	assert_int_equal(st.kernel_copies, 1);
	assert_pages(sc, at, n, 0x203, 1);
}

static void eaccept_driven_growth_exits_once_per_page(void **state)
{
	struct scene *sc = *state;
	const uint64_t n = 64, at = sc->lay.heap_offset;
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;

	assert_int_equal(sgx2_grow(sc->e, at, n * PAGE, SGX2_FLOW_NO_PREFAULT,
				   &sc->cb, NULL, &r),
			 0);
	st = stats(sc);
	assert_int_equal(st.aex[14], n);
	assert_int_equal(st.enclave_entries, 1 + n); /* EENTER, n ERESUMEs */
	assert_int_equal(st.kernel_copies, 0);
	assert_pages(sc, at, n, 0x203, 1);
}

/* The enclave's EPC charge now: its SECS and the pages it has. */
static uint64_t charged(const struct scene *sc)
{
	uint64_t n = 1;

	for (uint64_t off = 0; off < sc->lay.heap_offset; off += PAGE) {
		struct sgx2_sim_page pg;

		assert_int_equal(sgx2_sim_page_state(sc->lay.fd, off, &pg), 0);
		n += pg.present;
	}
	return n;
}

static void limit(const struct scene *sc, uint64_t pages)
{
	struct sgx2_sim_config cfg;

	assert_int_equal(sgx2_sim_get_config(sc->lay.fd, &cfg), 0);
	cfg.epc_limit = pages * PAGE;
	cfg.epc_no_reclaim = 1;
	assert_int_equal(sgx2_sim_configure(sc->lay.fd, &cfg), 0);
}

/* Room for 5 pages of 16: EFAULT from the pre-fault, no exception, the 5
 * accepted in one entry. */
static void exhaustion_with_prefault_is_an_error_not_an_exit(void **state)
{
	struct scene *sc = *state;
	const uint64_t at = sc->lay.heap_offset;
	struct sgx2_flow_report r;
	struct sgx2_sim_stats st;

	limit(sc, charged(sc) + 5);
	assert_int_equal(sgx2_grow(sc->e, at, 16 * PAGE, 0, &sc->cb, NULL, &r),
			 -EFAULT);
	assert_int_equal(r.step, SGX2_STEP_PREFAULT);
	assert_int_equal(r.changed, 5 * PAGE);
	assert_int_equal(r.accepted, 5 * PAGE);
	st = stats(sc);
	assert_int_equal(st.exceptions, 0);
	assert_int_equal(st.aex[14], 0);
	assert_int_equal(st.enclave_entries, 1);
	assert_pages(sc, at, 5, 0x203, 1);
	assert_pages(sc, at + 5 * PAGE, 11, 0, 0);
}

/* The same without the pre-fault: the sixth EACCEPT's fault cannot be
 * served, and the enclave exits with a #PF (no SGX bit) that the vDSO
 * reports. */
static void exhaustion_without_prefault_is_an_exception_exit(void **state)
{
	struct scene *sc = *state;
	const uint64_t at = sc->lay.heap_offset;
	struct sgx2_flow_report r;

	limit(sc, charged(sc) + 5);
	assert_int_equal(sgx2_grow(sc->e, at, 16 * PAGE, SGX2_FLOW_NO_PREFAULT,
				   &sc->cb, NULL, &r),
			 -EIO);
	assert_int_equal(sc->last.exit, HOST_EXCEPTION);
	assert_int_equal(sc->last.nr_ex, 1);
	assert_int_equal(sc->last.ex[0].vector, 14);
	assert_int_equal(sc->last.ex[0].error_code & 0x8000, 0);
	assert_int_equal(sc->last.ex[0].offset, at + 5 * PAGE);
	assert_int_equal(r.accepted, 0); /* the callback could not tell */
	assert_int_equal(stats(sc).aex[14], 6);
	assert_pages(sc, at, 5, 0x203, 1);
	assert_pages(sc, at + 5 * PAGE, 11, 0, 0);
}

/* The first EAUG race inside the enclave: the loser's EACCEPT exits with
 * the SIGBUS as a #PF; with the pre-fault the same race is read past. */
static void eaug_race_native(void **state)
{
	struct scene *sc = *state;
	const uint64_t at = sc->lay.heap_offset;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_EAUG_RACE,
				    .offset = at + 2 * PAGE };
	struct sgx2_flow_report r;

	assert_int_equal(sgx2_sim_inject(sc->lay.fd, &f), 0);
	assert_int_equal(sgx2_grow(sc->e, at, 8 * PAGE, 0, &sc->cb, NULL, &r),
			 0);
	assert_int_equal(stats(sc).aex[14], 0);
	assert_pages(sc, at, 8, 0x203, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			prefault_grows_n_pages_with_no_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(
			eaccept_driven_growth_exits_once_per_page, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			exhaustion_with_prefault_is_an_error_not_an_exit, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			exhaustion_without_prefault_is_an_exception_exit, setup,
			teardown),
		cmocka_unit_test_setup_teardown(eaug_race_native, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
