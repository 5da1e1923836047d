// SPDX-License-Identifier: MIT
/*
 * The errno table of the three EDMM ioctls (spec §6), row by row, with raw
 * ioctls. Whether the struct is written back is observed directly: the
 * same call with the struct on a read-only page fails with EFAULT exactly
 * when the driver tries to write it back.
 *
 * "spec §N" is section N of doc/kernel-behaviour.md.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

#define MODT SGX_IOC_ENCLAVE_MODIFY_TYPES
#define RESTRICT SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS
#define REMOVE SGX_IOC_ENCLAVE_REMOVE_PAGES

#define R SGX2_SIM_SECINFO_R
#define W SGX2_SIM_SECINFO_W
#define TRIM SGX2_SIM_PAGE_TYPE_TRIM
#define TCS SGX2_SIM_PAGE_TYPE_TCS

/* errno of @cmd with a copy of @arg on a read-only page (0: success). */
static int errno_readonly(int fd, unsigned long cmd, const void *arg, size_t n)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret, err;

	assert_ptr_not_equal(p, MAP_FAILED);
	memcpy(p, arg, n);
	assert_int_equal(mprotect(p, PAGE, PROT_READ), 0);
	ret = ioctl(fd, cmd, p);
	err = ret ? errno : 0;
	assert_int_equal(munmap(p, PAGE), 0);
	return err;
}

/* errno of @cmd on @arg (0: success). */
static int errno_of(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static void inject(int fd, const char *script)
{
	assert_int_equal(sgx2_sim_inject_script(fd, script), 0);
}

/* Row: EBUSY, concurrent ioctl (here: the busy bit forced). */
static void busy_enclave_gives_ebusy_without_write_back(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off,
					      .length = PAGE,
					      .page_type = TRIM,
					      .count = 77 };

	inject(fx->fd, "kind=busy");
	assert_int_equal(errno_of(fx->fd, MODT, &p), EBUSY);
	assert_int_equal(p.count, 77);
	inject(fx->fd, "kind=busy");
	p.count = 0;
	assert_int_equal(errno_readonly(fx->fd, MODT, &p, sizeof(p)), EBUSY);
	assert_int_equal(page_at(fx->fd, fx->data_off).type,
			 SGX2_SIM_PAGE_TYPE_REG);
	assert_int_equal(stats_of(fx->fd).busy, 2);
}

/* Row: ENOTTY, a kernel without the EDMM ioctls (before v6.0). */
static void kernel_without_edmm_ioctls_gives_enotty(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_restrict_permissions rp = { .count = 77 };
	struct sgx_enclave_modify_types mp = { .count = 77 };
	struct sgx_enclave_remove_pages dp = { .count = 77 };

	set_config(fx->fd, SGX2_SIM_KERNEL_5_X, 1);
	assert_int_equal(errno_of(fx->fd, RESTRICT, &rp), ENOTTY);
	assert_int_equal(errno_of(fx->fd, MODT, &mp), ENOTTY);
	assert_int_equal(errno_of(fx->fd, REMOVE, &dp), ENOTTY);
	assert_int_equal(rp.count + mp.count + dp.count, 3 * 77);
}

/* Row: ENODEV, no SGX2; checked before the struct is read at all. */
static void cpu_without_sgx2_gives_enodev_before_reading(void **state)
{
	struct fx *fx = *state;

	set_config(fx->fd, SGX2_SIM_KERNEL_NEWEST, 0);
	assert_int_equal(errno_of(fx->fd, RESTRICT, NULL), ENODEV);
	assert_int_equal(errno_of(fx->fd, MODT, NULL), ENODEV);
	assert_int_equal(errno_of(fx->fd, REMOVE, NULL), ENODEV);
}

/* Row: EINVAL, not initialised; also before the struct is read. */
static void uninitialised_enclave_gives_einval_before_reading(void **state)
{
	int fd = sgx2_sim_open(0);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(errno_of(fd, RESTRICT, NULL), EINVAL);
	assert_int_equal(errno_of(fd, MODT, NULL), EINVAL);
	assert_int_equal(errno_of(fd, REMOVE, NULL), EINVAL);
	assert_int_equal(close(fd), 0);
}

static void expect_einval_unwritten(int fd, struct sgx_enclave_modify_types *p)
{
	assert_int_equal(errno_of(fd, MODT, p), EINVAL);
	assert_int_equal(errno_readonly(fd, MODT, p, sizeof(*p)), EINVAL);
}

/* Rows: EINVAL, bad offset/length. */
static void misaligned_offset_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off + 8,
					      .length = PAGE,
					      .page_type = TRIM };

	expect_einval_unwritten(fx->fd, &p);
}

static void zero_length_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off,
					      .page_type = TRIM };

	expect_einval_unwritten(fx->fd, &p);
}

static void misaligned_length_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off,
					      .length = PAGE + 1,
					      .page_type = TRIM };

	expect_einval_unwritten(fx->fd, &p);
}

static void range_past_enclave_size_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->size - PAGE,
					      .length = 2 * PAGE,
					      .page_type = TRIM };

	expect_einval_unwritten(fx->fd, &p);
}

static void wrapping_range_gives_einval_since_6_1(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = ~0ull - PAGE + 1,
					      .length = 2 * PAGE,
					      .page_type = TRIM };

	expect_einval_unwritten(fx->fd, &p);
}

/* v6.0 lacked the wrap check: the loop starts and finds no page. */
static void wrapping_range_finds_no_page_on_6_0(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = ~0ull - PAGE + 1,
					      .length = 2 * PAGE,
					      .page_type = TRIM };

	set_config(fx->fd, SGX2_SIM_KERNEL_6_0, 1);
	assert_int_equal(errno_of(fx->fd, MODT, &p), EFAULT);
	assert_int_equal(p.count, 0);
	assert_int_equal(p.result, 0);
}

/* Rows: EINVAL, bad permissions / page_type bits. */
static void restrict_bits_beyond_rwx_give_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_restrict_permissions p = { .offset = fx->data_off,
						      .length = PAGE,
						      .permissions = R | 0x8 };

	assert_int_equal(errno_of(fx->fd, RESTRICT, &p), EINVAL);
	assert_int_equal(errno_readonly(fx->fd, RESTRICT, &p, sizeof(p)),
			 EINVAL);
	assert_int_equal(page_at(fx->fd, fx->data_off).pr, 0);
}

static void restrict_write_without_read_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_restrict_permissions p = { .offset = fx->data_off,
						      .length = PAGE,
						      .permissions = W };

	assert_int_equal(errno_of(fx->fd, RESTRICT, &p), EINVAL);
	assert_int_equal(errno_readonly(fx->fd, RESTRICT, &p, sizeof(p)),
			 EINVAL);
}

/* Everything else passes the kernel's checks, even no permission at all. */
static void restrict_to_no_permissions_is_accepted(void **state)
{
	struct fx *fx = *state;
	struct ioc r = restrict_perms(fx->fd, fx->data_off, PAGE, 0);

	assert_int_equal(r.ret, 0);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, fx->data_off).epcm_perms, 0);
}

static void modify_page_type_beyond_8_bits_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off,
					      .length = PAGE,
					      .page_type = 0x100 | TRIM };

	expect_einval_unwritten(fx->fd, &p);
}

/* Rows: EINVAL, result/count non-zero on input. */
static void result_or_count_nonzero_on_input_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types mp = { .offset = fx->data_off,
					       .length = PAGE,
					       .page_type = TRIM,
					       .result = 1 };
	struct sgx_enclave_restrict_permissions rp = { .offset = fx->data_off,
						       .length = PAGE,
						       .permissions = R,
						       .count = PAGE };
	struct sgx_enclave_remove_pages dp = { .offset = fx->data_off,
					       .length = PAGE,
					       .count = PAGE };

	expect_einval_unwritten(fx->fd, &mp);
	mp.result = 0;
	mp.count = PAGE;
	expect_einval_unwritten(fx->fd, &mp);
	assert_int_equal(errno_readonly(fx->fd, RESTRICT, &rp, sizeof(rp)),
			 EINVAL);
	assert_int_equal(errno_readonly(fx->fd, REMOVE, &dp, sizeof(dp)),
			 EINVAL);
	assert_int_equal(page_at(fx->fd, fx->data_off).type,
			 SGX2_SIM_PAGE_TYPE_REG);
}

/* Row: EFAULT, copy_from_user fails before any page work. */
static void unreadable_struct_gives_efault_and_changes_nothing(void **state)
{
	struct fx *fx = *state;
	void *p =
		mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(errno_of(fx->fd, MODT, p), EFAULT);
	assert_int_equal(errno_of(fx->fd, RESTRICT, NULL), EFAULT);
	assert_int_equal(errno_of(fx->fd, REMOVE, (void *)8), EFAULT);
	assert_int_equal(munmap(p, PAGE), 0);
	assert_int_equal(stats_of(fx->fd).pages_modified, 0);
}

/* Row: EFAULT, copy_to_user fails after the loop: the work is done. */
static void unwritable_struct_gives_efault_after_the_work(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off,
					      .length = PAGE,
					      .page_type = TRIM };

	assert_int_equal(errno_readonly(fx->fd, MODT, &p, sizeof(p)), EFAULT);
	assert_int_equal(page_at(fx->fd, fx->data_off).type, TRIM);
	assert_int_equal(page_at(fx->fd, fx->data_off).modified, 1);
}

/* Row: EINVAL, MODIFY_TYPES to a type other than TCS/TRIM: written back. */
static void modify_to_reg_gives_einval_written_back(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = fx->data_off,
					      .length = PAGE,
					      .page_type =
						      SGX2_SIM_PAGE_TYPE_REG };

	assert_int_equal(errno_of(fx->fd, MODT, &p), EINVAL);
	assert_int_equal(p.count, 0);
	assert_int_equal(p.result, 0);
	assert_int_equal(errno_readonly(fx->fd, MODT, &p, sizeof(p)), EFAULT);
	assert_int_equal(stats_of(fx->fd).pages_modified, 0);
}

/* Make the heap page @i a TCS the enclave has accepted. */
static void heap_to_tcs(struct fx *fx, uint64_t i)
{
	struct ioc r;

	tcs_init(fx, fx->base + HEAP_OFF + i * PAGE, DATA_OFF);
	r = modt(fx->fd, HEAP_OFF + i * PAGE, PAGE, TCS);
	assert_int_equal(r.ret, 0);
	eaccept_ok(fx, fx->base + HEAP_OFF + i * PAGE, ACCEPT_TCS);
}

/* Make heap pages [i, i + n) TRIM, accepted when @accept. */
static void heap_to_trim(struct fx *fx, uint64_t i, uint64_t n, int accept)
{
	struct ioc r = modt(fx->fd, HEAP_OFF + i * PAGE, n * PAGE, TRIM);
	uint64_t k;

	assert_int_equal(r.ret, 0);
	for (k = i; accept && k < i + n; k++)
		eaccept_ok(fx, fx->base + HEAP_OFF + k * PAGE, ACCEPT_TRIM);
}

/* Row: EINVAL per page, RESTRICT on a non-REG page; count = bytes done. */
static void restrict_reaching_tcs_page_gives_einval_with_count(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	heap_to_tcs(fx, 1);
	r = restrict_perms(fx->fd, HEAP_OFF, 3 * PAGE, R);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EINVAL);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(r.result, 0);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).pr, 1); /* no rollback */
	assert_int_equal(page_at(fx->fd, HEAP_OFF + 2 * PAGE).pr, 0);
}

/* Row: EINVAL per page, an illegal MODIFY_TYPES transition (TRIM->TCS). */
static void modify_reaching_trim_page_gives_einval_with_count(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	heap_to_trim(fx, 1, 1, 1);
	r = modt(fx->fd, HEAP_OFF, 3 * PAGE, TCS);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EINVAL);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).type, TCS);
}

/* Row: EPERM per page, REG->TCS without R and W in vm_max_prot_bits. */
static void modify_code_page_to_tcs_gives_eperm(void **state)
{
	struct fx *fx = *state;
	struct sgx_enclave_modify_types p = { .offset = TEXT_OFF,
					      .length = PAGE,
					      .page_type = TCS };

	assert_int_equal(errno_of(fx->fd, MODT, &p), EPERM);
	assert_int_equal(p.count, 0);
	assert_int_equal(errno_readonly(fx->fd, MODT, &p, sizeof(p)), EFAULT);
	assert_int_equal(page_at(fx->fd, TEXT_OFF).type,
			 SGX2_SIM_PAGE_TYPE_REG);
}

/* Row: EPERM per page, REMOVE on a page that is not TRIM. */
static void remove_reaching_reg_page_gives_eperm_with_count(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	heap_to_trim(fx, 0, 1, 1);
	r = remove_pages(fx->fd, HEAP_OFF, 2 * PAGE);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EPERM);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).present, 0);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).present, 1);
}

/* Row: EPERM per page, REMOVE of a TRIM page not yet accepted. */
static void remove_reaching_unaccepted_page_gives_eperm_with_count(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	heap_to_trim(fx, 0, 2, 0);
	eaccept_ok(fx, fx->base + HEAP_OFF, ACCEPT_TRIM);
	r = remove_pages(fx->fd, HEAP_OFF, 2 * PAGE);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EPERM);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).modified, 1);
}

/* Row: EAGAIN per page, a page being reclaimed (all three ioctls). */
static void page_under_reclaim_gives_eagain_with_count(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_fault f = { .kind = SGX2_SIM_FAULT_UNDER_RECLAIM,
				    .offset = HEAP_OFF + PAGE,
				    .times = 3 };
	struct ioc r;

	assert_int_equal(sgx2_sim_inject(fx->fd, &f), 0);
	r = restrict_perms(fx->fd, HEAP_OFF, 2 * PAGE, R);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.count, PAGE);
	r = modt(fx->fd, HEAP_OFF + PAGE, PAGE, TRIM);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.count, 0);
	r = remove_pages(fx->fd, HEAP_OFF + PAGE, PAGE);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.count, 0);
	r = modt(fx->fd, HEAP_OFF + PAGE, PAGE, TRIM); /* reclaim is over */
	assert_int_equal(r.ret, 0);
}

/* Row: EAGAIN per page, MODIFY REG->TCS losing the page to the reclaimer. */
static void reg_to_tcs_reclaimer_race_gives_eagain(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=reclaim-race,ioctl=modify,page=1");
	r = modt(fx->fd, HEAP_OFF, 2 * PAGE, TCS);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.count, PAGE);
	/* vm_max_prot_bits restored on the page it failed at. */
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).max_prot,
			 PROT_READ | PROT_WRITE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).type,
			 SGX2_SIM_PAGE_TYPE_REG);
}

/* Row: EBUSY per page, REMOVE losing the page to the reclaimer. */
static void remove_reclaimer_race_gives_ebusy_with_count(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	heap_to_trim(fx, 0, 2, 1);
	inject(fx->fd, "kind=reclaim-race,ioctl=remove,page=1");
	r = remove_pages(fx->fd, HEAP_OFF, 2 * PAGE);
	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EBUSY);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + PAGE).present, 1);
}

/* Row: EFAULT per page, no enclave page at an offset. */
static void range_reaching_unbacked_page_gives_efault_with_count(void **state)
{
	struct fx *fx = *state;
	struct ioc r = modt(fx->fd, fx->total - PAGE, 2 * PAGE, TRIM);

	assert_int_equal(r.ret, -1);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(r.result, 0);
}

/* Row: EFAULT per page, an ENCLS fault: result untouched. */
static void encls_fault_gives_efault_without_result(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	inject(fx->fd, "kind=encls-fault,ioctl=restrict,page=1");
	r = restrict_perms(fx->fd, HEAP_OFF, 2 * PAGE, R);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(r.result, 0);
}

/* Row: EFAULT per page with the SGX code in result (a PENDING page). */
static void pending_page_gives_efault_with_result_20(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total;
	struct ioc r;

	assert_ptr_not_equal(mmap((void *)addr, PAGE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_FIXED, fx->fd, 0),
			     MAP_FAILED);
	/* A write adds the page (EAUG) and faults: it stays PENDING. */
	assert_int_equal(sgx2_sim_write(fx->fd, run_on(fx, 0), addr, 1), 0);
	assert_int_equal(fx->run.exception_error_code, 0x8007);

	r = modt(fx->fd, fx->total - PAGE, 2 * PAGE, TRIM);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 20);
	assert_int_equal(r.count, PAGE);
}

/* Row: EFAULT per page, ETRACK failed after EMODT took effect. */
static void etrack_failure_gives_efault_after_emodt(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_page pg;
	struct ioc r;

	inject(fx->fd, "kind=etrack,ioctl=modify");
	r = modt(fx->fd, HEAP_OFF, PAGE, TRIM);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, 0);
	pg = page_at(fx->fd, HEAP_OFF);
	assert_int_equal(pg.epcm_type, TRIM);
	assert_int_equal(pg.modified, 1);
	assert_int_equal(pg.type, SGX2_SIM_PAGE_TYPE_REG); /* not updated */
}

/* Row: 0, every page processed, count = length. */
static void success_gives_count_equal_to_length(void **state)
{
	struct fx *fx = *state;
	struct ioc r = modt(fx->fd, HEAP_OFF, 4 * PAGE, TRIM);

	assert_int_equal(r.ret, 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, 4 * PAGE);
	r = restrict_perms(fx->fd, fx->data_off, PAGE, R);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.count, PAGE);
}

/* §2: an unknown command is ENOTTY, after the busy bit. */
static void unknown_command_gives_enotty(void **state)
{
	struct fx *fx = *state;
	uint64_t arg[8] = { 0 };

	assert_int_equal(errno_of(fx->fd, _IOWR(SGX_MAGIC, 0x08, arg), arg),
			 ENOTTY);
	/* The right number with the wrong size is another command. */
	assert_int_equal(
		errno_of(fx->fd, _IOWR(SGX_MAGIC, 0x06, uint64_t), arg),
		ENOTTY);
	inject(fx->fd, "kind=busy");
	assert_int_equal(errno_of(fx->fd, _IOWR(SGX_MAGIC, 0x08, arg), arg),
			 EBUSY);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(busy_enclave_gives_ebusy_without_write_back),
		T(kernel_without_edmm_ioctls_gives_enotty),
		T(cpu_without_sgx2_gives_enodev_before_reading),
		cmocka_unit_test(
			uninitialised_enclave_gives_einval_before_reading),
		T(misaligned_offset_gives_einval),
		T(zero_length_gives_einval),
		T(misaligned_length_gives_einval),
		T(range_past_enclave_size_gives_einval),
		T(wrapping_range_gives_einval_since_6_1),
		T(wrapping_range_finds_no_page_on_6_0),
		T(restrict_bits_beyond_rwx_give_einval),
		T(restrict_write_without_read_gives_einval),
		T(restrict_to_no_permissions_is_accepted),
		T(modify_page_type_beyond_8_bits_gives_einval),
		T(result_or_count_nonzero_on_input_gives_einval),
		T(unreadable_struct_gives_efault_and_changes_nothing),
		T(unwritable_struct_gives_efault_after_the_work),
		T(modify_to_reg_gives_einval_written_back),
		T(restrict_reaching_tcs_page_gives_einval_with_count),
		T(modify_reaching_trim_page_gives_einval_with_count),
		T(modify_code_page_to_tcs_gives_eperm),
		T(remove_reaching_reg_page_gives_eperm_with_count),
		T(remove_reaching_unaccepted_page_gives_eperm_with_count),
		T(page_under_reclaim_gives_eagain_with_count),
		T(reg_to_tcs_reclaimer_race_gives_eagain),
		T(remove_reclaimer_race_gives_ebusy_with_count),
		T(range_reaching_unbacked_page_gives_efault_with_count),
		T(encls_fault_gives_efault_without_result),
		T(pending_page_gives_efault_with_result_20),
		T(etrack_failure_gives_efault_after_emodt),
		T(success_gives_count_equal_to_length),
		T(unknown_command_gives_enotty),
	};

	return cmocka_run_group_tests_name("spec §6 errno table", tests, NULL,
					   NULL);
}
