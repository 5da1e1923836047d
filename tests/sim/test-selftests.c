// SPDX-License-Identifier: MIT
/*
 * The kernel's EDMM selftests (tools/testing/selftests/sgx/main.c, spec
 * §12), ported scenario by scenario onto the simulator: the same raw
 * ioctls in the same order, the same asserted ret, errno, count, result
 * and exception vector, error code and address. What the test enclave's
 * code does is done with the simulator's enclave-side calls: an ENCL_CALL
 * through TCS #1 or #2 is one sgx2_sim_* call with run.tcs set.
 *
 * "spec §N" is section N of doc/kernel-behaviour.md.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"

/* 1. A heap of many pages trimmed, accepted and removed in one call each. */
static void unclobbered_vdso_oversubscribed_remove(void **state)
{
	struct fx *fx = fx_new(512); /* scaled: 2 MiB of heap, not all EPC */
	struct ioc r;
	uint64_t off;

	(void)state;
	probe_edmm(fx->fd);
	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(get_ok(fx, fx->data), MAGIC);

	r = modt(fx->fd, HEAP_OFF, fx->heap_size, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, fx->heap_size);

	for (off = HEAP_OFF; off < HEAP_OFF + fx->heap_size; off += PAGE) {
		assert_int_equal(sgx2_sim_eaccept(fx->fd, run1(fx),
						  fx->base + off, ACCEPT_TRIM),
				 0);
		assert_int_equal(fx->run.exception_vector, 0);
		assert_int_equal(fx->run.ret, 0);
		assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	}

	r = remove_pages(fx->fd, HEAP_OFF, fx->heap_size);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.count, fx->heap_size);
	fx_free(fx);
}

/* 2. RESTRICT_PERMISSIONS on a TCS page is refused. */
static void tcs_permissions(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	probe_edmm(fx->fd);
	r = restrict_perms(fx->fd, TCS1_OFF, PAGE, SGX2_SIM_SECINFO_R);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EINVAL);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, 0);
}

/* 3. EPCM permissions restricted, then extended again from inside. */
static void epcm_permissions(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(get_ok(fx, fx->data), MAGIC);

	r = restrict_perms(fx->fd, fx->data_off, PAGE, SGX2_SIM_SECINFO_R);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, PAGE);

	eaccept_ok(fx, fx->data, ACCEPT_RESTRICT_R);

	/* The write now faults on the EPCM, not on the page tables. */
	assert_int_equal(sgx2_sim_write(fx->fd, run1(fx), fx->data, MAGIC2), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x8007);
	assert_int_equal(fx->run.exception_addr, fx->data);

	/* From TCS #2, EMODPE gives W back... */
	assert_int_equal(
		sgx2_sim_emodpe(fx->fd, run_on(fx, fx->tcs2), fx->data,
				SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W),
		0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.exception_vector, 0);

	/* ...so resuming TCS #1 completes the write. */
	assert_int_equal(sgx2_sim_eresume(fx->fd, run1(fx)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(get_ok(fx, fx->data), MAGIC2);
}

/* 4. A write to a new mapping adds a PENDING page and faults on it. */
static void augment(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total;
	void *p;

	p = mmap((void *)addr, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_SHARED | MAP_FIXED, fx->fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);

	assert_int_equal(sgx2_sim_write(fx->fd, run1(fx), addr, MAGIC), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_addr, addr);
	/* 0x6 would mean no EAUG support: the selftest skips there. */
	assert_int_equal(fx->run.exception_error_code, 0x8007);

	assert_int_equal(sgx2_sim_eaccept(fx->fd, run_on(fx, fx->tcs2), addr,
					  ACCEPT_AUG),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(fx->run.ret, 0);

	assert_int_equal(sgx2_sim_eresume(fx->fd, run1(fx)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(get_ok(fx, addr), MAGIC);
	assert_int_equal(munmap(p, PAGE), 0);
}

/* 5. EACCEPT on an unbacked address adds the page and accepts it. */
static void augment_via_eaccept(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total;
	void *p;

	p = mmap((void *)addr, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_SHARED | MAP_FIXED, fx->fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);

	assert_int_equal(sgx2_sim_eaccept(fx->fd, run1(fx), addr, ACCEPT_AUG),
			 0);
	/* vector 14 with error code 4 would mean no EAUG: a skip. */
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(fx->run.exception_error_code, 0);
	assert_int_equal(fx->run.exception_addr, 0);
	assert_int_equal(fx->run.ret, 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);

	put_ok(fx, addr, MAGIC);
	assert_int_equal(get_ok(fx, addr), MAGIC);
	assert_int_equal(munmap(p, PAGE), 0);
}

/* 6. A new TCS from added pages, used, then trimmed and removed. */
static void tcs_create(void **state)
{
	struct fx *fx = *state;
	uint64_t stack = fx->base + fx->total, tcs = stack + PAGE,
		 ssa = stack + 2 * PAGE, a;
	struct ioc r;
	void *p;

	probe_edmm(fx->fd);
	p = mmap((void *)stack, 3 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fx->fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	for (a = stack; a < stack + 3 * PAGE; a += PAGE)
		eaccept_ok(fx, a, ACCEPT_AUG);

	/*
	 * INIT_TCS_PAGE: OSSA, NSSA = 1, OENTRY, FS/GS limits, rest 0. The
	 * limits are the u32s at 64 and 68 (struct sgx_tcs); from 72 on the
	 * TCS is reserved, and EACCEPT of a TCS with reserved bytes set is a
	 * #GP (SDM), which the simulator does not model.
	 */
	put_ok(fx, tcs + 16, fx->total + 2 * PAGE);
	put_ok(fx, tcs + 24, 1ull << 32);
	put_ok(fx, tcs + 32, TEXT_OFF);
	put_ok(fx, tcs + 64, ~0ull); /* FSLIMIT, GSLIMIT */

	r = modt(fx->fd, fx->total + PAGE, PAGE, SGX2_SIM_PAGE_TYPE_TCS);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, PAGE);

	eaccept_ok(fx, tcs, ACCEPT_TCS);

	/* Run through the new TCS. */
	assert_int_equal(
		sgx2_sim_write(fx->fd, run_on(fx, tcs), fx->data, MAGIC), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(sgx2_sim_read(fx->fd, run_on(fx, tcs), fx->data), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.value, MAGIC);

	r = modt(fx->fd, fx->total, 3 * PAGE, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, 3 * PAGE);

	eaccept_ok(fx, stack, ACCEPT_TRIM);
	eaccept_ok(fx, tcs, ACCEPT_TRIM);
	eaccept_ok(fx, ssa, ACCEPT_TRIM);

	r = remove_pages(fx->fd, fx->total, 3 * PAGE);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.count, 3 * PAGE);

	/* The old TCS address is a fresh page again. */
	eaccept_ok(fx, tcs, ACCEPT_AUG);
	put_ok(fx, tcs, MAGIC);
	assert_int_equal(get_ok(fx, tcs), MAGIC);
	assert_int_equal(munmap(p, 3 * PAGE), 0);
}

/* 7. REMOVE_PAGES without the enclave's EACCEPT is refused. */
static void remove_added_page_no_eaccept(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(get_ok(fx, fx->data), MAGIC);

	r = modt(fx->fd, fx->data_off, PAGE, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, PAGE);

	r = remove_pages(fx->fd, fx->data_off, PAGE);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EPERM);
	assert_int_equal(r.count, 0);
}

/* 8. A trimmed page cannot be read. */
static void remove_added_page_invalid_access(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(get_ok(fx, fx->data), MAGIC);

	r = modt(fx->fd, fx->data_off, PAGE, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, PAGE);

	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), fx->data), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x8005);
	assert_int_equal(fx->run.exception_addr, fx->data);
}

/* 9. Nor once the enclave has accepted the TRIM. */
static void remove_added_page_invalid_access_after_eaccept(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(get_ok(fx, fx->data), MAGIC);

	r = modt(fx->fd, fx->data_off, PAGE, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, PAGE);

	eaccept_ok(fx, fx->data, ACCEPT_TRIM);

	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), fx->data), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x8005);
	assert_int_equal(fx->run.exception_addr, fx->data);
}

/* 10. A page never touched after INIT is trimmed and removed. */
static void remove_untouched_page(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	probe_edmm(fx->fd);
	r = modt(fx->fd, fx->data_off, PAGE, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, PAGE);

	eaccept_ok(fx, fx->data, ACCEPT_TRIM);

	r = remove_pages(fx->fd, fx->data_off, PAGE);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.count, PAGE);
}

/* pte_permissions: a PTE-only denial has no SGX bit. */
static void pte_permissions(void **state)
{
	struct fx *fx = *state;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(mprotect((void *)fx->data, PAGE, PROT_READ), 0);

	assert_int_equal(sgx2_sim_write(fx->fd, run1(fx), fx->data, MAGIC2), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
	assert_int_equal(fx->run.exception_vector, 14);
	assert_int_equal(fx->run.exception_error_code, 0x7);
	assert_int_equal(fx->run.exception_addr, fx->data);

	assert_int_equal(
		mprotect((void *)fx->data, PAGE, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(sgx2_sim_eresume(fx->fd, run1(fx)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(get_ok(fx, fx->data), MAGIC2);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unclobbered_vdso_oversubscribed_remove),
		T(tcs_permissions),
		T(epcm_permissions),
		T(augment),
		T(augment_via_eaccept),
		T(tcs_create),
		T(remove_added_page_no_eaccept),
		T(remove_added_page_invalid_access),
		T(remove_added_page_invalid_access_after_eaccept),
		T(remove_untouched_page),
		T(pte_permissions),
	};

	return cmocka_run_group_tests_name("sgx selftests on the simulator",
					   tests, NULL, NULL);
}
