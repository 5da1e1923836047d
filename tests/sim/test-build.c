// SPDX-License-Identifier: MIT
/*
 * Building an enclave with raw ioctls, as a loader does (spec §10):
 * CREATE, ADD_PAGES, INIT and their checks, and what holds before INIT.
 *
 * "spec §N" is section N of doc/kernel-behaviour.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "raw.h"

#define SIZE RAW_SIZE
#define R SGX2_SIM_SECINFO_R
#define W SGX2_SIM_SECINFO_W
#define X SGX2_SIM_SECINFO_X
#define SECINFO_REG (SGX2_SIM_PAGE_TYPE_REG << 8)
#define SECINFO_TCS (SGX2_SIM_PAGE_TYPE_TCS << 8)

/* ADD_PAGES, measured, of @n source pages at @offset. */
static int add(struct raw *r, uint64_t offset, uint64_t n, uint64_t flags,
	       uint64_t *count)
{
	return raw_add(r, offset, n, flags, SGX_PAGE_MEASURE, count);
}

/* TCS at 0, two RW pages at 0x1000: created, added, initialised. */
static void build_small(struct raw *r)
{
	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, 0, 1, SECINFO_TCS, NULL), 0);
	assert_int_equal(add(r, PAGE, 2, SECINFO_REG | R | W, NULL), 0);
	assert_int_equal(raw_init(r), 0);
}

static void loader_flow_builds_a_working_enclave(void **state)
{
	struct raw *r = *state;
	struct sgx2_sim_run run = { .tcs = 0 };
	struct sgx2_sim_info info;
	struct ioc io;

	build_small(r);
	assert_int_equal(sgx2_sim_get_info(r->fd, &info), 0);
	assert_int_equal(info.base, r->base);
	assert_int_equal(info.size, SIZE);
	assert_int_equal(info.initialized, 1);
	assert_ptr_equal(mmap((void *)r->base, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED, r->fd, 0),
			 (void *)r->base);
	assert_ptr_equal(mmap((void *)(r->base + PAGE), 2 * PAGE,
			      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			      r->fd, 0),
			 (void *)(r->base + PAGE));

	/* The pages hold what ADD_PAGES copied in. */
	run.tcs = r->base;
	assert_int_equal(sgx2_sim_read(r->fd, &run, r->base + PAGE), 0);
	assert_int_equal(run.function, SGX2_SIM_EEXIT);
	assert_int_equal(run.value, 0x5a5a5a5a5a5a5a5aull);

	/* And the EDMM ioctls work on it. */
	io = modt(r->fd, 2 * PAGE, PAGE, SGX2_SIM_PAGE_TYPE_TRIM);
	assert_int_equal(io.ret, 0);
	assert_int_equal(
		sgx2_sim_eaccept(r->fd, &run, r->base + 2 * PAGE, ACCEPT_TRIM),
		0);
	assert_int_equal(run.ret, 0);
	io = remove_pages(r->fd, 2 * PAGE, PAGE);
	assert_int_equal(io.ret, 0);
	assert_int_equal(io.count, PAGE);
}

static void added_pages_take_max_prot_from_secinfo(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, 0, 1, SECINFO_TCS, NULL), 0);
	assert_int_equal(add(r, PAGE, 1, SECINFO_REG | R | X, NULL), 0);
	assert_int_equal(page_at(r->fd, 0).max_prot, PROT_READ | PROT_WRITE);
	assert_int_equal(page_at(r->fd, 0).epcm_perms, 0);
	assert_int_equal(page_at(r->fd, 0).epcm_type, SGX2_SIM_PAGE_TYPE_TCS);
	assert_int_equal(page_at(r->fd, PAGE).max_prot, PROT_READ | PROT_EXEC);
	assert_int_equal(page_at(r->fd, PAGE).epcm_perms, R | X);
}

static void create_twice_gives_einval(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(raw_create(r), EINVAL);
}

/*
 * v6.14 (x86/urgent, March 2025) checks is_power_of_2(SECS.SIZE) before
 * ECREATE: EINVAL. Before, ECREATE itself refused the size: EIO.
 */
static void create_size_not_power_of_two_gives_einval(void **state)
{
	struct raw *r = *state;

	r->secs.size = 3 * PAGE;
	assert_int_equal(raw_create(r), EINVAL);
	r->secs.size = 0;
	assert_int_equal(raw_create(r), EINVAL);
	set_config(r->fd, SGX2_SIM_KERNEL_6_14, 1);
	assert_int_equal(raw_create(r), EINVAL);
	set_config(r->fd, SGX2_SIM_KERNEL_6_1, 1);
	assert_int_equal(raw_create(r), EIO);
	r->secs.size = 3 * PAGE;
	assert_int_equal(raw_create(r), EIO);
}

static void create_base_not_aligned_to_size_gives_eio(void **state)
{
	struct raw *r = *state;

	r->secs.base = r->base + PAGE;
	assert_int_equal(raw_create(r), EIO);
}

/* ECREATE's #GP for SSAFRAMESIZE 0 and for an XFRM without x87 or SSE;
 * a 32-bit enclave, which ECREATE takes, is outside the model. Each is
 * EIO, and the enclave can still be created. */
static void create_with_secs_ecreate_refuses_gives_eio(void **state)
{
	struct raw *r = *state;

	r->secs.ssa_frame_size = 0;
	assert_int_equal(raw_create(r), EIO);
	r->secs.ssa_frame_size = 1;
	r->secs.attributes = SGX_ATTR_DEBUG;
	assert_int_equal(raw_create(r), EIO);
	r->secs.attributes = SGX_ATTR_MODE64BIT;
	r->secs.xfrm = 0x1;
	assert_int_equal(raw_create(r), EIO);
	r->secs.xfrm = 0x6;
	assert_int_equal(raw_create(r), EIO);
	r->secs.xfrm = SGX_XFRM_LEGACY;
	assert_int_equal(raw_create(r), 0);
}

/*
 * ECREATE's #GP for ATTRIBUTES, XFRM or MISCSELECT bits the CPU does not
 * offer (CPUID leaf 0x12, the simulator's answer): EIO each, and the
 * enclave can still be created. What it offers ECREATE takes: PROVISIONKEY
 * goes through (the kernel refuses it at INIT, without /dev/sgx_provision).
 */
static void create_with_bits_the_cpu_lacks_gives_eio(void **state)
{
	struct raw *r = *state;
	uint32_t lo, hi;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	r->secs.attributes = SGX_ATTR_MODE64BIT | SGX_ATTR_KSS;
	assert_int_equal(raw_create(r), EIO);
	r->secs.attributes = SGX_ATTR_MODE64BIT | SGX_ATTR_ASYNC_EXIT_NOTIFY;
	assert_int_equal(raw_create(r), EIO);
	r->secs.attributes = SGX_ATTR_MODE64BIT | SGX_ATTR_INIT;
	assert_int_equal(raw_create(r), EIO);
	r->secs.attributes = SGX_ATTR_MODE64BIT;
	r->secs.xfrm = SGX_XFRM_LEGACY | (1ull << 63); /* never in XCR0 */
	assert_int_equal(raw_create(r), EIO);
	r->secs.xfrm = ((uint64_t)hi << 32 | lo) | SGX_XFRM_LEGACY;
	r->secs.miscselect = 2; /* CPINFO: the CPU offers EXINFO only */
	assert_int_equal(raw_create(r), EIO);
	r->secs.miscselect = 1;
	r->secs.attributes = SGX_ATTR_MODE64BIT | SGX_ATTR_PROVISIONKEY;
	assert_int_equal(raw_create(r), 0);
}

/*
 * ECREATE's #GP for an SSA frame smaller than the XSAVE area of XFRM (the
 * non-compacted size CPUID leaf 0xD gives for XCR0's components) plus
 * MISC (EXINFO, 16 bytes) plus GPRSGX (184): one page with all of XCR0
 * fits only where that sum does (AVX-512 does; AMX's tile data does not).
 */
static void create_with_ssa_frame_too_small_gives_eio(void **state)
{
	struct raw *r = *state;
	uint32_t lo, hi, a, b, c, d;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	__asm__ __volatile__("cpuid"
			     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			     : "0"(0xd), "2"(0));
	r->secs.xfrm = (uint64_t)hi << 32 | lo;
	r->secs.miscselect = 1;
	r->secs.ssa_frame_size = 1;
	assert_int_equal(raw_create(r), b + 16 + 184 <= 4096 ? 0 : EIO);
}

static void create_with_unreadable_secs_gives_efault(void **state)
{
	struct raw *r = *state;
	struct sgx_enclave_create c = { .src = 8 };

	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_CREATE, NULL), EFAULT);
	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_CREATE, &c), EFAULT);
	assert_int_equal(raw_create(r), 0); /* nothing was created */
}

static void add_before_create_gives_einval(void **state)
{
	struct raw *r = *state;

	assert_int_equal(add(r, 0, 1, SECINFO_TCS, NULL), EINVAL);
}

static void add_after_init_gives_einval(void **state)
{
	struct raw *r = *state;

	build_small(r);
	assert_int_equal(add(r, 3 * PAGE, 1, SECINFO_REG | R, NULL), EINVAL);
}

static void add_with_misaligned_source_gives_einval(void **state)
{
	struct raw *r = *state;
	struct sgx_enclave_add_pages a = { .src = (uintptr_t)r->pages + 64,
					   .length = PAGE,
					   .secinfo = (uintptr_t)&r->secinfo };

	assert_int_equal(raw_create(r), 0);
	r->secinfo.flags = SECINFO_REG | R;
	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a),
			 EINVAL);
}

static void add_outside_enclave_gives_einval(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, SIZE - PAGE, 2, SECINFO_REG | R, NULL), EINVAL);
	assert_int_equal(add(r, 8, 1, SECINFO_REG | R, NULL), EINVAL);
}

static void add_with_invalid_secinfo_gives_einval(void **state)
{
	struct raw *r = *state;
	const uint64_t bad[] = {
		(SGX2_SIM_PAGE_TYPE_TRIM << 8) | R, /* type not REG/TCS */
		SECINFO_REG | W,		    /* W without R */
		SECINFO_TCS | R,		    /* TCS with a permission */
		SECINFO_REG | R | SGX2_SIM_SECINFO_PENDING, /* reserved */
	};
	unsigned int i;

	assert_int_equal(raw_create(r), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(add(r, 0, 1, bad[i], NULL), EINVAL);
	r->secinfo.reserved[55] = 1;
	assert_int_equal(add(r, 0, 1, SECINFO_REG | R, NULL), EINVAL);
	assert_int_equal(page_at(r->fd, 0).present, 0);
}

static void add_with_unreadable_secinfo_gives_efault(void **state)
{
	struct raw *r = *state;
	struct sgx_enclave_add_pages a = { .src = (uintptr_t)r->pages,
					   .length = PAGE,
					   .secinfo = 64 };

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a),
			 EFAULT);
	assert_int_equal(a.count, 0);
}

static void add_over_existing_page_gives_ebusy_with_count(void **state)
{
	struct raw *r = *state;
	uint64_t count = 0;

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, 2 * PAGE, 1, SECINFO_REG | R, NULL), 0);
	assert_int_equal(add(r, PAGE, 3, SECINFO_REG | R, &count), EBUSY);
	assert_int_equal(count, PAGE);
	assert_int_equal(page_at(r->fd, PAGE).present, 1);
	assert_int_equal(page_at(r->fd, 3 * PAGE).present, 0);
}

static void add_from_unreadable_source_gives_efault_with_count(void **state)
{
	struct raw *r = *state;
	uint64_t count = 0;

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(mprotect(r->pages + 2 * PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(add(r, 0, 3, SECINFO_REG | R, &count), EFAULT);
	assert_int_equal(count, 2 * PAGE);
	assert_int_equal(
		mprotect(r->pages + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE), 0);
}

/* EADD of a TCS whose reserved bytes are not zero is #GP: EIO, no page. */
static void add_of_tcs_with_reserved_bytes_gives_eio(void **state)
{
	struct raw *r = *state;
	uint64_t count = 1;

	assert_int_equal(raw_create(r), 0);
	r->tcs[PAGE - 1] = 1;
	assert_int_equal(
		raw_add(r, 0, 1, SECINFO_TCS, SGX_PAGE_MEASURE, &count), EIO);
	assert_int_equal(count, 0);
	assert_int_equal(page_at(r->fd, 0).present, 0);
}

/*
 * EADD clears a TCS's STATE, CSSA, AEP and FLAGS.DBGOPTIN before the
 * page is measured: added with them set, the enclave initialises with
 * the SIGSTRUCT made for the TCS without them.
 */
static void add_of_tcs_clears_its_run_state_before_measuring(void **state)
{
	struct raw *r = *state;
	unsigned char clean[PAGE];

	memcpy(clean, r->tcs, PAGE);
	r->tcs[0] = 1;	/* STATE */
	r->tcs[8] = 1;	/* FLAGS.DBGOPTIN */
	r->tcs[24] = 1; /* CSSA */
	r->tcs[40] = 1; /* AEP */
	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, 0, 1, SECINFO_TCS, NULL), 0);
	assert_int_equal(add(r, PAGE, 2, SECINFO_REG | R | W, NULL), 0);
	raw_remeasure(r);
	raw_record(r, 0, 1, SECINFO_TCS, 1, clean);
	raw_record(r, PAGE, 2, SECINFO_REG | R | W, 1, r->pages);
	assert_int_equal(raw_init(r), 0);
	assert_int_equal(einit_code(r->fd), 0);
}

static void init_twice_gives_einval(void **state)
{
	struct raw *r = *state;

	build_small(r);
	assert_int_equal(raw_init(r), EINVAL);
}

static void init_before_create_gives_einval(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_init(r), EINVAL);
}

static void init_with_foreign_vendor_gives_einval(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_create(r), 0);
	raw_sign(r);
	r->ss.header.vendor = 0x1234;
	assert_int_equal(raw_init(r), EINVAL);
	r->ss.header.vendor = 0x8086;
	raw_resign(r);
	assert_int_equal(raw_init(r), 0);
}

static void init_with_unreadable_sigstruct_gives_efault(void **state)
{
	struct raw *r = *state;
	struct sgx_enclave_init in = { .sigstruct = 4096 };

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_INIT, &in), EFAULT);
	assert_int_equal(raw_init(r), 0);
}

static void entry_before_init_raises_gp(void **state)
{
	struct raw *r = *state;
	struct sgx2_sim_run run = { .tcs = 0 };

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, 0, 1, SECINFO_TCS, NULL), 0);
	assert_int_equal(sgx2_sim_enter(r->fd, &run), 0);
	assert_int_equal(run.function, SGX2_SIM_EENTER);
	assert_int_equal(run.exception_vector, 13);
}

static void edmm_before_init_gives_einval(void **state)
{
	struct raw *r = *state;

	assert_int_equal(raw_create(r), 0);
	assert_int_equal(add(r, 0, 2, SECINFO_REG | R | W, NULL), 0);
	assert_int_equal(modt(r->fd, 0, PAGE, SGX2_SIM_PAGE_TYPE_TRIM).err,
			 EINVAL);
	assert_int_equal(remove_pages(r->fd, 0, PAGE).err, EINVAL);
	assert_int_equal(restrict_perms(r->fd, 0, PAGE, R).err, EINVAL);
}

/* Before INIT a mapping may reach past the enclave, and nothing is added. */
static void mappings_reach_past_the_range_until_init(void **state)
{
	struct raw *r = *state;
	void *p = mmap(NULL, 2 * SIZE, PROT_READ, MAP_SHARED, r->fd, 0);

	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(munmap(p, 2 * SIZE), 0);
	assert_int_equal(raw_create(r), 0);
	p = mmap(NULL, 2 * SIZE, PROT_READ, MAP_SHARED, r->fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(munmap(p, 2 * SIZE), 0);
	assert_int_equal(raw_init(r), 0);
	assert_ptr_equal(mmap(NULL, 2 * SIZE, PROT_READ, MAP_SHARED, r->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EACCES);
}

static void provision_gives_einval_and_vepc_command_enotty(void **state)
{
	struct raw *r = *state;
	struct sgx_enclave_provision p = { .fd = 0 };

	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_PROVISION, &p),
			 EINVAL);
	assert_int_equal(errno_of(r->fd, SGX_IOC_ENCLAVE_PROVISION, NULL),
			 EFAULT);
	assert_int_equal(errno_of(r->fd, SGX_IOC_VEPC_REMOVE_ALL, NULL),
			 ENOTTY);
}

#define T(f) cmocka_unit_test_setup_teardown(f, raw_setup, raw_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(loader_flow_builds_a_working_enclave),
		T(added_pages_take_max_prot_from_secinfo),
		T(create_twice_gives_einval),
		T(create_size_not_power_of_two_gives_einval),
		T(create_base_not_aligned_to_size_gives_eio),
		T(create_with_secs_ecreate_refuses_gives_eio),
		T(create_with_bits_the_cpu_lacks_gives_eio),
		T(create_with_ssa_frame_too_small_gives_eio),
		T(create_with_unreadable_secs_gives_efault),
		T(add_before_create_gives_einval),
		T(add_after_init_gives_einval),
		T(add_with_misaligned_source_gives_einval),
		T(add_outside_enclave_gives_einval),
		T(add_with_invalid_secinfo_gives_einval),
		T(add_with_unreadable_secinfo_gives_efault),
		T(add_over_existing_page_gives_ebusy_with_count),
		T(add_from_unreadable_source_gives_efault_with_count),
		T(add_of_tcs_with_reserved_bytes_gives_eio),
		T(add_of_tcs_clears_its_run_state_before_measuring),
		T(init_twice_gives_einval),
		T(init_before_create_gives_einval),
		T(init_with_foreign_vendor_gives_einval),
		T(init_with_unreadable_sigstruct_gives_efault),
		T(entry_before_init_raises_gp),
		T(edmm_before_init_gives_einval),
		T(mappings_reach_past_the_range_until_init),
		T(provision_gives_einval_and_vepc_command_enotty),
	};

	return cmocka_run_group_tests_name("CREATE, ADD_PAGES, INIT", tests,
					   NULL, NULL);
}
