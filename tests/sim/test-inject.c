// SPDX-License-Identifier: MIT
/*
 * Fault injection (deterministic, per enclave) and the counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "common.h"

/* The counters' index names are the uapi's ioctl numbers. */
#define NR_IS(name, cmd) _Static_assert(name == ((cmd)&0xff), #name)
NR_IS(SGX2_SIM_NR_CREATE, SGX_IOC_ENCLAVE_CREATE);
NR_IS(SGX2_SIM_NR_ADD_PAGES, SGX_IOC_ENCLAVE_ADD_PAGES);
NR_IS(SGX2_SIM_NR_INIT, SGX_IOC_ENCLAVE_INIT);
NR_IS(SGX2_SIM_NR_PROVISION, SGX_IOC_ENCLAVE_PROVISION);
NR_IS(SGX2_SIM_NR_VEPC_REMOVE_ALL, SGX_IOC_VEPC_REMOVE_ALL);
NR_IS(SGX2_SIM_NR_RESTRICT, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS);
NR_IS(SGX2_SIM_NR_MODIFY, SGX_IOC_ENCLAVE_MODIFY_TYPES);
NR_IS(SGX2_SIM_NR_REMOVE, SGX_IOC_ENCLAVE_REMOVE_PAGES);
_Static_assert(SGX2_SIM_ENCLU_EENTER == SGX2_SIM_EENTER &&
		       SGX2_SIM_ENCLU_ERESUME == SGX2_SIM_ERESUME &&
		       SGX2_SIM_ENCLU_EEXIT == SGX2_SIM_EEXIT,
	       "run.function values are ENCLU leaves");

#define R SGX2_SIM_SECINFO_R
#define TRIM SGX2_SIM_PAGE_TYPE_TRIM
#define TCS SGX2_SIM_PAGE_TYPE_TCS

static void inject(int fd, const char *script)
{
	assert_int_equal(sgx2_sim_inject_script(fd, script), 0);
}

static void trim_accepted(struct fx *fx, uint64_t off, uint64_t n)
{
	uint64_t a;

	assert_int_equal(modt(fx->fd, off, n * PAGE, TRIM).ret, 0);
	for (a = fx->base + off; a < fx->base + off + n * PAGE; a += PAGE)
		eaccept_ok(fx, a, ACCEPT_TRIM);
}

static void errno_rule_fires_at_its_page_of_the_nth_call(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=errno,ioctl=modify,nth=2,page=1,error=EAGAIN");
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).ret, 0);
	r = modt(fx->fd, HEAP_OFF + PAGE, 3 * PAGE, TRIM);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
	r = modt(fx->fd, HEAP_OFF + 2 * PAGE, 2 * PAGE, TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(stats_of(fx->fd).faults_fired, 1);
}

static void rule_is_spent_when_its_call_stops_earlier(void **state)
{
	struct fx *fx = *state;

	inject(fx->fd, "kind=errno,ioctl=modify,page=3,error=EFAULT");
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).ret, 0);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
	assert_int_equal(modt(fx->fd, HEAP_OFF + PAGE, 3 * PAGE, TRIM).ret, 0);
	assert_int_equal(stats_of(fx->fd).faults_fired, 0);
}

static void other_ioctls_do_not_count_towards_nth(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=errno,ioctl=remove,error=EBUSY");
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).ret, 0);
	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 1);
	eaccept_ok(fx, fx->base + HEAP_OFF, ACCEPT_TRIM);
	r = remove_pages(fx->fd, HEAP_OFF, PAGE);
	assert_int_equal(r.err, EBUSY);
	assert_int_equal(r.count, 0);
}

static void any_ioctl_rule_counts_every_edmm_call(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=errno,ioctl=any,nth=2,error=EAGAIN");
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).ret, 0);
	r = restrict_perms(fx->fd, fx->data_off, PAGE, R);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.count, 0);
}

static void encls_code_sets_result_and_changes_nothing(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=encls,ioctl=modify,page=1,code=7");
	r = modt(fx->fd, HEAP_OFF, 2 * PAGE, TCS);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 7);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).type,
			 SGX2_SIM_PAGE_TYPE_REG);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).max_prot,
			 PROT_READ | PROT_WRITE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).modified, 0);
}

static void encls_code_in_the_remove_probe_gives_eperm(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	trim_accepted(fx, HEAP_OFF, 1);
	inject(fx->fd, "kind=encls,ioctl=remove,code=7");
	r = remove_pages(fx->fd, HEAP_OFF, PAGE);
	assert_int_equal(r.err, EPERM);
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF, PAGE).ret, 0);
}

static void etrack_failure_in_restrict_keeps_the_restriction(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=etrack,ioctl=restrict");
	r = restrict_perms(fx->fd, fx->data_off, PAGE, R);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).pr, 1);
	assert_int_equal(page_at(fx->fd, fx->data_off).epcm_perms, R);
}

static void under_reclaim_counts_down_its_loads(void **state)
{
	struct fx *fx = *state;
	int i;

	inject(fx->fd, "kind=under-reclaim,offset=0x8000,times=2");
	for (i = 0; i < 2; i++)
		assert_int_equal(restrict_perms(fx->fd, HEAP_OFF, PAGE, R).err,
				 EAGAIN);
	assert_int_equal(restrict_perms(fx->fd, HEAP_OFF, PAGE, R).ret, 0);
}

static void busy_rule_for_one_ioctl_leaves_others_alone(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_remove_pages p = { .offset = HEAP_OFF,
					      .length = PAGE,
					      .count = 99 };

	inject(fx->fd, "kind=busy,ioctl=remove,times=2");
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).ret, 0);
	eaccept_ok(fx, fx->base + HEAP_OFF, ACCEPT_TRIM);
	assert_int_equal(ioctl(fx->fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &p), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(p.count, 99); /* nothing read, nothing written */
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF, PAGE).err, EBUSY);
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF, PAGE).ret, 0);
	assert_int_equal(stats_of(fx->fd).busy, 2);
}

static void not_tracked_rule_makes_eaccept_return_11(void **state)
{
	struct fx *fx = *state;

	inject(fx->fd, "kind=not-tracked,offset=0x5000");
	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	assert_int_equal(
		sgx2_sim_eaccept(fx->fd, run1(fx), fx->data, ACCEPT_TRIM), 0);
	assert_int_equal(fx->run.ret, 11);
	assert_int_equal(page_at(fx->fd, fx->data_off).modified, 1);
	eaccept_ok(fx, fx->data, ACCEPT_TRIM); /* tracked by now */
}

/*
 * An EAUG that fails (no EPC page and nothing to reclaim, or ENCLS[EAUG]
 * failing) is SIGBUS on every release with EAUG, 6.0 to the newest: the
 * vDSO reports it as the #PF of the access (read, not present: 0x4), no
 * SGX bit; nothing is added. Once the rule is spent, ERESUME re-runs the
 * EACCEPT and the fault adds the page.
 */
static void eaug_rule_gives_sigbus_on_every_release(void **state)
{
	static const uint32_t kernels[] = { SGX2_SIM_KERNEL_6_0,
					    SGX2_SIM_KERNEL_6_1,
					    SGX2_SIM_KERNEL_6_6,
					    SGX2_SIM_KERNEL_NEWEST };
	struct fx *fx = *state;

	for (unsigned int i = 0; i < 4; i++) {
		uint64_t off = fx->total + 2 * i * PAGE;
		uint64_t addr = fx->base + off;

		assert_ptr_not_equal(mmap((void *)addr, 2 * PAGE,
					  PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_FIXED, fx->fd, 0),
				     MAP_FAILED);
		set_config(fx->fd, kernels[i], 1);
		sgx2_sim_reset_stats(fx->fd);
		inject(fx->fd, "kind=eaug,offset=any,times=2");
		assert_int_equal(
			sgx2_sim_eaccept(fx->fd, run1(fx), addr, ACCEPT_AUG),
			0);
		assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
		assert_int_equal(fx->run.exception_vector, 14);
		assert_int_equal(fx->run.exception_error_code, 0x4);
		assert_int_equal(fx->run.exception_addr, addr);
		assert_int_equal(page_at(fx->fd, off).present, 0);
		/* A write: the write's error code. */
		assert_int_equal(
			sgx2_sim_write(fx->fd, run_on(fx, 0), addr + PAGE, 1),
			0);
		assert_int_equal(fx->run.exception_error_code, 0x6);
		assert_int_equal(stats_of(fx->fd).eaug_pages, 0);
		assert_int_equal(stats_of(fx->fd).faults_fired, 2);
		/* Spent: ERESUME re-runs the EACCEPT, and the page is added. */
		assert_int_equal(sgx2_sim_eresume(fx->fd, run1(fx)), 0);
		assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
		assert_int_equal(fx->run.ret, 0);
		assert_int_equal(page_at(fx->fd, off).present, 1);
	}
}

/* A rule for one page is spent only by a fault on that page. */
static void eaug_rule_is_kept_for_its_page(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total;

	assert_ptr_not_equal(mmap((void *)addr, PAGE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_FIXED, fx->fd, 0),
			     MAP_FAILED);
	inject(fx->fd, "kind=eaug,offset=0"); /* another page */
	eaccept_ok(fx, addr, ACCEPT_AUG);
	assert_int_equal(stats_of(fx->fd).faults_fired, 0);
	assert_int_equal(stats_of(fx->fd).eaug_pages, 1);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 1);
}

static void script_arms_the_same_rules_as_structs(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_ERRNO,
				    .ioctl = SGX2_SIM_IOCTL_MODIFY,
				    .page = 1,
				    .error = EAGAIN };
	struct ioc a, b;

	assert_int_equal(sgx2_sim_inject(fx->fd, &f), 0);
	a = modt(fx->fd, HEAP_OFF, 2 * PAGE, TRIM);
	inject(fx->fd, " kind = errno , ioctl = 6, page = 0x1 ,error=EAGAIN\n");
	b = modt(fx->fd, HEAP_OFF + PAGE, 2 * PAGE, TRIM);
	assert_int_equal(a.err, EAGAIN);
	assert_int_equal(b.err, EAGAIN);
	assert_int_equal(a.count, b.count);
}

static void script_with_an_error_arms_nothing(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sgx2_sim_inject_script(
				 fx->fd, "kind=busy; kind=errno,error=ENOENT"),
			 -EINVAL);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
	assert_int_equal(sgx2_sim_inject_script(fx->fd, "kind=busy;kind=busy"),
			 0);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 2);
	assert_int_equal(sgx2_sim_clear_faults(fx->fd), 0);
	assert_int_equal(sgx2_sim_armed_faults(fx->fd), 0);
}

/* ---- counters ---- */

static void ioctls_are_counted_by_number(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_stats st;

	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).ret, 0);
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TRIM).err, EINVAL);
	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF, PAGE).err, EPERM);
	assert_int_equal(ioctl(fx->fd, _IO(SGX_MAGIC, 0x42)), -1);
	st = stats_of(fx->fd);
	assert_int_equal(st.ioctls[SGX2_SIM_NR_MODIFY], 2);
	assert_int_equal(st.ioctls[SGX2_SIM_NR_RESTRICT], 1);
	assert_int_equal(st.ioctls[SGX2_SIM_NR_REMOVE], 1);
	assert_int_equal(st.ioctls[SGX2_SIM_NR_CREATE] +
				 st.ioctls[SGX2_SIM_NR_ADD_PAGES] +
				 st.ioctls[SGX2_SIM_NR_INIT],
			 0);
	assert_int_equal(st.ioctls_unknown, 1);
	assert_int_equal(st.pages_modified, 1);
	assert_int_equal(st.pages_restricted, 1);
	assert_int_equal(st.pages_removed, 0);
}

/* Resuming from count after EAGAIN submits no page twice... */
static void resuming_from_count_submits_no_page_twice(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=errno,ioctl=modify,page=2,error=EAGAIN");
	r = modt(fx->fd, HEAP_OFF, 4 * PAGE, TRIM);
	assert_int_equal(r.count, 2 * PAGE);
	r = modt(fx->fd, HEAP_OFF + r.count, 4 * PAGE - r.count, TRIM);
	assert_int_equal(r.ret, 0);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
	assert_int_equal(stats_of(fx->fd).pages_modified, 4);
}

/* ...restarting from the offset does. */
static void restarting_from_offset_counts_resubmitted_pages(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=errno,ioctl=restrict,page=2,error=EAGAIN");
	r = restrict_perms(fx->fd, HEAP_OFF, 4 * PAGE, R);
	assert_int_equal(r.count, 2 * PAGE);
	r = restrict_perms(fx->fd, HEAP_OFF, 4 * PAGE, R);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 2);
}

/* A removed page reached again by REMOVE_PAGES is a resubmission too. */
static void removing_a_removed_page_counts_as_resubmitted(void **state)
{
	struct fx *fx = *state;

	trim_accepted(fx, HEAP_OFF, 1);
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF, PAGE).ret, 0);
	assert_int_equal(remove_pages(fx->fd, HEAP_OFF, PAGE).err, EFAULT);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 1);
}

/* A new change to the page makes the same request new work again. */
static void emodpe_between_restrictions_is_not_resubmission(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	eaccept_ok(fx, fx->data, ACCEPT_RESTRICT_R);
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run1(fx), fx->data,
					 R | SGX2_SIM_SECINFO_W),
			 0);
	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(stats_of(fx->fd).pages_resubmitted, 0);
}

static void entries_exceptions_and_eaccepts_are_counted(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_stats st;

	assert_int_equal(modt(fx->fd, HEAP_OFF, 2 * PAGE, TRIM).ret, 0);
	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, run1(fx),
						fx->base + HEAP_OFF, 2 * PAGE,
						ACCEPT_TRIM),
			 0);
	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), fx->base + HEAP_OFF),
			 0);
	assert_int_equal(sgx2_sim_enter(fx->fd, run1(fx)), 0); /* #GP */
	st = stats_of(fx->fd);
	assert_int_equal(st.eaccept_pages, 2);
	assert_int_equal(st.enclave_entries, 2);
	assert_int_equal(st.exceptions, 2);
	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);
	st = stats_of(fx->fd);
	assert_int_equal(st.eaccept_pages + st.enclave_entries + st.exceptions,
			 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(errno_rule_fires_at_its_page_of_the_nth_call),
		T(rule_is_spent_when_its_call_stops_earlier),
		T(other_ioctls_do_not_count_towards_nth),
		T(any_ioctl_rule_counts_every_edmm_call),
		T(encls_code_sets_result_and_changes_nothing),
		T(encls_code_in_the_remove_probe_gives_eperm),
		T(etrack_failure_in_restrict_keeps_the_restriction),
		T(under_reclaim_counts_down_its_loads),
		T(busy_rule_for_one_ioctl_leaves_others_alone),
		T(not_tracked_rule_makes_eaccept_return_11),
		T(eaug_rule_gives_sigbus_on_every_release),
		T(eaug_rule_is_kept_for_its_page),
		T(script_arms_the_same_rules_as_structs),
		T(script_with_an_error_arms_nothing),
		T(ioctls_are_counted_by_number),
		T(resuming_from_count_submits_no_page_twice),
		T(restarting_from_offset_counts_resubmitted_pages),
		T(removing_a_removed_page_counts_as_resubmitted),
		T(emodpe_between_restrictions_is_not_resubmission),
		T(entries_exceptions_and_eaccepts_are_counted),
	};

	return cmocka_run_group_tests_name("fault injection and counters",
					   tests, NULL, NULL);
}
