// SPDX-License-Identifier: MIT
/*
 * The model beyond the selftests: the EPCM state machine (spec §7), the
 * kernel's page bookkeeping (type, vm_max_prot_bits), dynamic addition
 * (§8), entering through a TCS, the mmap()/mprotect() rules, and the
 * kernel/CPU modes.
 *
 * "spec §N" is section N of doc/kernel-behaviour.md.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "common.h"

#define R SGX2_SIM_SECINFO_R
#define W SGX2_SIM_SECINFO_W
#define X SGX2_SIM_SECINFO_X
#define REG SGX2_SIM_PAGE_TYPE_REG
#define TRIM SGX2_SIM_PAGE_TYPE_TRIM
#define TCS SGX2_SIM_PAGE_TYPE_TCS
#define RW (PROT_READ | PROT_WRITE)
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Map [base + total, + n pages) with @prot: addresses without pages. */
static uint64_t map_free(struct fx *fx, uint64_t n, int prot)
{
	uint64_t addr = fx->base + fx->total;

	assert_ptr_not_equal(mmap((void *)addr, n * PAGE, prot,
				  MAP_SHARED | MAP_FIXED, fx->fd, 0),
			     MAP_FAILED);
	return addr;
}

static void expect_fault(struct fx *fx, unsigned int function,
			 unsigned int vector, unsigned int ec, uint64_t addr)
{
	assert_int_equal(fx->run.function, function);
	assert_int_equal(fx->run.exception_vector, vector);
	assert_int_equal(fx->run.exception_error_code, ec);
	assert_int_equal(fx->run.exception_addr, addr);
}

/* ---- EPCM and kernel page state ---- */

static void emodt_clears_permissions_and_sets_modified(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_page pg;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	pg = page_at(fx->fd, fx->data_off);
	assert_int_equal(pg.type, TRIM);
	assert_int_equal(pg.epcm_type, TRIM);
	assert_int_equal(pg.epcm_perms, 0);
	assert_int_equal(pg.modified, 1);
	assert_int_equal(pg.secinfo, ACCEPT_TRIM);
}

static void reg_to_tcs_limits_max_prot_to_read_write(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);

	eaccept_ok(fx, addr, ACCEPT_AUG);
	assert_int_equal(page_at(fx->fd, fx->total).max_prot, RWX);
	assert_int_equal(modt(fx->fd, fx->total, PAGE, TCS).ret, 0);
	assert_int_equal(page_at(fx->fd, fx->total).max_prot, RW);
	assert_int_equal(page_at(fx->fd, fx->total).secinfo, ACCEPT_TCS);
}

static void tcs_to_trim_is_allowed(void **state)
{
	struct fx *fx = *state;
	struct ioc r = modt(fx->fd, TCS2_OFF, PAGE, TRIM);

	assert_int_equal(r.ret, 0);
	assert_int_equal(r.count, PAGE);
	assert_int_equal(page_at(fx->fd, TCS2_OFF).type, TRIM);
}

static void trim_twice_gives_einval(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	r = modt(fx->fd, fx->data_off, PAGE, TRIM);
	assert_int_equal(r.err, EINVAL);
	assert_int_equal(r.count, 0);
}

/* Kernel type TCS, EPCM MODIFIED: the CPU refuses, not the kernel. */
static void trim_of_unaccepted_tcs_gives_result_20(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TCS).ret, 0);
	r = modt(fx->fd, HEAP_OFF, PAGE, TRIM);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 20);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).type, TCS);
}

static void restrict_of_pending_page_gives_result_20(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);
	struct ioc r;

	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), addr), 0);
	r = restrict_perms(fx->fd, fx->total, PAGE, R);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 20);
	assert_int_equal(r.count, 0);
}

static void restrict_of_trim_page_gives_einval(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).err,
			 EINVAL);
}

static void restrict_sets_pr_until_accepted(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).pr, 1);
	assert_int_equal(page_at(fx->fd, fx->data_off).secinfo,
			 ACCEPT_RESTRICT_R);
	eaccept_ok(fx, fx->data, ACCEPT_RESTRICT_R);
	assert_int_equal(page_at(fx->fd, fx->data_off).pr, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).epcm_perms, R);
	/* vm_max_prot_bits and the mapping are the caller's business. */
	assert_int_equal(page_at(fx->fd, fx->data_off).max_prot, RW);
}

/*
 * SDM EMODT: PR <- 0, MODIFIED <- 1, R/W/X <- 0, PT <- the new type. A page
 * restricted but not yet accepted (PR set) is trimmed or made a TCS
 * without PR, and accepted with TRIM|MODIFIED (TCS|MODIFIED) alone.
 */
static void emodt_of_restricted_page_clears_pr(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_page pg;

	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).pr, 1);
	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	pg = page_at(fx->fd, fx->data_off);
	assert_int_equal(pg.epcm_type, TRIM);
	assert_int_equal(pg.modified, 1);
	assert_int_equal(pg.pr, 0);
	assert_int_equal(pg.secinfo, ACCEPT_TRIM);
	eaccept_ok(fx, fx->data, ACCEPT_TRIM);
	assert_int_equal(remove_pages(fx->fd, fx->data_off, PAGE).ret, 0);

	/* The same for a TCS: RW kept by the restriction, PR set. */
	tcs_init(fx, fx->base + HEAP_OFF, DATA_OFF);
	assert_int_equal(restrict_perms(fx->fd, HEAP_OFF, PAGE, R | W).ret, 0);
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TCS).ret, 0);
	pg = page_at(fx->fd, HEAP_OFF);
	assert_int_equal(pg.pr, 0);
	assert_int_equal(pg.secinfo, ACCEPT_TCS);
	eaccept_ok(fx, fx->base + HEAP_OFF, ACCEPT_TCS);
}

/*
 * SDM EMODPR checks PENDING/MODIFIED (SGX_PAGE_NOT_MODIFIABLE) before the
 * page type (#PF). After an ETRACK failure during MODIFY_TYPES the EPCM
 * is TRIM and MODIFIED while the kernel still tracks REG: RESTRICT passes
 * the kernel's check and EMODPR answers 20.
 */
static void restrict_of_trimmed_unaccepted_page_gives_result_20(void **st)
{
	struct fx *fx = *st;
	struct ioc r;

	assert_int_equal(
		sgx2_sim_inject_script(fx->fd, "kind=etrack,ioctl=modify"), 0);
	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).err, EFAULT);
	assert_int_equal(page_at(fx->fd, fx->data_off).type, REG);
	assert_int_equal(page_at(fx->fd, fx->data_off).secinfo, ACCEPT_TRIM);
	r = restrict_perms(fx->fd, fx->data_off, PAGE, R);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 20);
	assert_int_equal(r.count, 0);
	/* Accepted, the TRIM page is no PT_REG: EMODPR's #PF, no result. */
	eaccept_ok(fx, fx->data, ACCEPT_TRIM);
	r = restrict_perms(fx->fd, fx->data_off, PAGE, R);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 0);
}

/*
 * SDM EMODT: a PT_TCS page may only become PT_TRIM; TCS to TCS is a #PF
 * (checked before MODIFIED), which the kernel turns into EFAULT with no
 * result. Reachable when an ETRACK failure left the kernel type REG.
 */
static void emodt_of_tcs_to_tcs_faults(void **state)
{
	struct fx *fx = *state;
	struct ioc r;

	tcs_init(fx, fx->base + HEAP_OFF, DATA_OFF);
	assert_int_equal(
		sgx2_sim_inject_script(fx->fd, "kind=etrack,ioctl=modify"), 0);
	assert_int_equal(modt(fx->fd, HEAP_OFF, PAGE, TCS).err, EFAULT);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).type, REG);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).epcm_type, TCS);
	r = modt(fx->fd, HEAP_OFF, PAGE, TCS); /* MODIFIED: still the #PF */
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 0);
	assert_int_equal(r.count, 0);
	eaccept_ok(fx, fx->base + HEAP_OFF, ACCEPT_TCS);
	r = modt(fx->fd, HEAP_OFF, PAGE, TCS);
	assert_int_equal(r.err, EFAULT);
	assert_int_equal(r.result, 0);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).secinfo, TCS << 8);
	assert_int_equal(page_at(fx->fd, HEAP_OFF).max_prot, RW);
}

static void eaccept_with_other_flags_gives_19(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	assert_int_equal(
		sgx2_sim_eaccept(fx->fd, run1(fx), fx->data, ACCEPT_TCS), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.ret, 19);
	assert_int_equal(page_at(fx->fd, fx->data_off).modified, 1);
}

static void eaccept_twice_gives_19(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	eaccept_ok(fx, fx->data, ACCEPT_TRIM);
	assert_int_equal(
		sgx2_sim_eaccept(fx->fd, run1(fx), fx->data, ACCEPT_TRIM), 0);
	assert_int_equal(fx->run.ret, 19);
	assert_int_equal(stats_of(fx->fd).eaccept_failed, 1);
}

/* EACCEPT on @addr through no TCS: the run is left in fx->run. */
static struct sgx2_sim_run *accept0(struct fx *fx, uint64_t addr,
				    uint64_t secinfo)
{
	assert_int_equal(sgx2_sim_eaccept(fx->fd, run_on(fx, 0), addr, secinfo),
			 0);
	return &fx->run;
}

/*
 * SDM EACCEPT: #GP for reserved SECINFO bits (6, 7, 16-63), a misaligned
 * target, and any PT/PR/PENDING/MODIFIED combination other than REG with
 * PR or PENDING and without MODIFIED, or TCS/TRIM with MODIFIED alone.
 */
static void malformed_eaccept_raises_gp(void **state)
{
	struct fx *fx = *state;
	const uint64_t bad[] = {
		ACCEPT_TRIM | 0x40, /* a reserved bit */
		ACCEPT_TRIM | 1ull << 20,
		0x410 & ~0x10ull,   /* TRIM without MODIFIED */
		ACCEPT_TRIM | 0x20, /* TRIM with PR (0x430) */
		ACCEPT_TRIM | 0x08, /* TRIM with PENDING */
		ACCEPT_TCS | 0x20,  /* TCS with PR */
		0x210 | R | W,	    /* REG with MODIFIED */
		0x230 | R,	    /* REG with MODIFIED and PR */
		REG << 8 | R | W,   /* REG with neither PR nor PENDING */
		0x300 | R | 0x20,   /* page type 3 (VA) */
		SGX2_SIM_SECINFO_TYPE(5) | 0x10, /* nor 5 (SS_FIRST) */
	};
	unsigned int i;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
			accept0(fx, fx->data, bad[i])->exception_vector, 13);
	assert_int_equal(
		accept0(fx, fx->data + 8, ACCEPT_TRIM)->exception_vector, 13);
	assert_int_equal(page_at(fx->fd, fx->data_off).modified, 1);
	/* Misaligned in the enclave's last page too: #GP, not a bad call. */
	assert_int_equal(accept0(fx, fx->base + fx->size - PAGE + 8, ACCEPT_AUG)
				 ->exception_vector,
			 13);
	/*
	 * EACCEPT has no W-without-R check (EACCEPTCOPY and EMODPR do): a
	 * well-formed REG request that matches no page is 19, not #GP. (This
	 * test once pinned #GP.)
	 */
	assert_int_equal(accept0(fx, fx->data, REG << 8 | W | 0x8)->ret, 19);
	assert_int_equal(fx->run.exception_vector, 0);
}

/*
 * SDM EACCEPT compares PT, R/W/X, PENDING and MODIFIED with the EPCM, not
 * PR: PR in SECINFO only makes a REG request well formed.
 */
static void eaccept_does_not_compare_pr(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);

	/* An added page (PENDING) accepted with PR set as well. */
	assert_int_equal(accept0(fx, addr, ACCEPT_AUG | 0x20)->ret, 0);
	assert_int_equal(page_at(fx->fd, fx->total).secinfo, REG << 8 | R | W);
	/* A page with nothing to accept: PR makes it well formed, and 0. */
	assert_int_equal(accept0(fx, fx->data, REG << 8 | R | W | 0x20)->ret,
			 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).secinfo,
			 REG << 8 | R | W);
	/* A restricted page is not PENDING: PR|PENDING mismatches. */
	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(accept0(fx, fx->data, ACCEPT_RESTRICT_R | 0x8)->ret,
			 19);
	eaccept_ok(fx, fx->data, ACCEPT_RESTRICT_R);
}

/*
 * SDM EACCEPT reaches its target (#PF) before it checks the request's
 * combination (#GP): a malformed EACCEPT on an unbacked address in an
 * accessible mapping gets the page added (EAUG), then #GP.
 */
static void malformed_eaccept_of_unbacked_address_adds_page_first(void **st)
{
	struct fx *fx = *st;
	uint64_t addr = map_free(fx, 1, RW);

	assert_int_equal(accept0(fx, addr, TRIM << 8)->exception_vector, 13);
	assert_int_equal(page_at(fx->fd, fx->total).secinfo, ACCEPT_AUG);
	/* Reserved bits come before the target: nothing added there. */
	assert_int_equal(
		accept0(fx, addr + PAGE, ACCEPT_AUG | 0x80)->exception_vector,
		13);
	assert_int_equal(page_at(fx->fd, fx->total + PAGE).present, 0);
}

/* ---- dynamic addition (EAUG on fault) ---- */

static void eaccept_without_mapping_raises_pf_4(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total + 4 * PAGE;

	assert_int_equal(munmap((void *)addr, PAGE), 0);
	assert_int_equal(sgx2_sim_eaccept(fx->fd, run1(fx), addr, ACCEPT_AUG),
			 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x4, addr);
	assert_int_equal(page_at(fx->fd, fx->total + 4 * PAGE).present, 0);
}

/* A PROT_NONE mapping is a guard: nothing is added behind it. */
static void prot_none_mapping_keeps_address_unbacked(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total; /* mapped PROT_NONE at load */

	assert_int_equal(sgx2_sim_eaccept(fx->fd, run1(fx), addr, ACCEPT_AUG),
			 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x4, addr);
	assert_int_equal(page_at(fx->fd, fx->total).present, 0);
	assert_int_equal(stats_of(fx->fd).eaug_pages, 0);
}

static void read_of_unbacked_address_adds_page_and_faults(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);
	struct sgx2_sim_page pg;

	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), addr), 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x8005, addr);
	pg = page_at(fx->fd, fx->total);
	assert_int_equal(pg.present, 1);
	assert_int_equal(pg.type, REG);
	assert_int_equal(pg.max_prot, RWX);
	assert_int_equal(pg.epcm_perms, R | W);
	assert_int_equal(pg.pending, 1);
	assert_int_equal(pg.secinfo, ACCEPT_AUG);
	assert_int_equal(stats_of(fx->fd).eaug_pages, 1);
}

static void write_to_pending_page_faults_8007(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);

	assert_int_equal(sgx2_sim_read(fx->fd, run_on(fx, 0), addr), 0);
	assert_int_equal(sgx2_sim_write(fx->fd, run_on(fx, 0), addr, 1), 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x8007, addr);
}

static void removed_page_is_added_again_on_access(void **state)
{
	struct fx *fx = *state;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	eaccept_ok(fx, fx->data, ACCEPT_TRIM);
	assert_int_equal(remove_pages(fx->fd, fx->data_off, PAGE).ret, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).present, 0);

	eaccept_ok(fx, fx->data, ACCEPT_AUG);
	assert_int_equal(page_at(fx->fd, fx->data_off).max_prot, RWX);
	assert_int_equal(get_ok(fx, fx->data), 0); /* a fresh, zeroed page */
}

/* ---- EMODPE ---- */

static void emodpe_extends_epcm_permissions_only(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sgx2_sim_emodpe(fx->fd, run1(fx), fx->data, R | W | X),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(page_at(fx->fd, fx->data_off).epcm_perms, R | W | X);
	assert_int_equal(page_at(fx->fd, fx->data_off).max_prot, RW);
}

static void emodpe_on_pending_page_faults_with_sgx_bit(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);

	assert_int_equal(sgx2_sim_read(fx->fd, run_on(fx, 0), addr), 0);
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run_on(fx, 0), addr, R | W),
			 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x8005, addr);
}

/*
 * SDM EMODPE: #GP for reserved SECINFO bits only (PENDING, MODIFIED, PR
 * and the type are ignored), checked after the target is reached; and W
 * without R only when the page has no R either.
 */
static void malformed_emodpe_raises_gp(void **state)
{
	struct fx *fx = *state;
	uint64_t text = fx->base + TEXT_OFF, addr = map_free(fx, 1, RW);

	assert_int_equal(
		sgx2_sim_emodpe(fx->fd, run_on(fx, 0), fx->data, R | 0x40), 0);
	assert_int_equal(fx->run.exception_vector, 13);
	/* After the target: an unbacked address is added first. */
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run_on(fx, 0), addr, 1 << 16),
			 0);
	assert_int_equal(fx->run.exception_vector, 13);
	assert_int_equal(page_at(fx->fd, fx->total).pending, 1);
	/* The state bits are no request of EMODPE's (this test once pinned
	 * #GP for R|PENDING). */
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run_on(fx, 0), fx->data,
					 R | SGX2_SIM_SECINFO_PENDING),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(page_at(fx->fd, fx->data_off).secinfo,
			 REG << 8 | R | W);
	/* W alone on a page with R: no #GP (this test once pinned one). */
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run_on(fx, 0), fx->data, W),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	/* W alone on a page without R (text restricted to X): #GP. */
	assert_int_equal(restrict_perms(fx->fd, TEXT_OFF, PAGE, X).ret, 0);
	eaccept_ok(fx, text, REG << 8 | X | 0x20);
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run_on(fx, 0), text, W), 0);
	assert_int_equal(fx->run.exception_vector, 13);
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run_on(fx, 0), text, R | W),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(page_at(fx->fd, TEXT_OFF).epcm_perms, R | W | X);
}

/* SDM EMODPE checks PENDING and MODIFIED, not PR. */
static void emodpe_is_allowed_on_a_restricted_page(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(restrict_perms(fx->fd, fx->data_off, PAGE, R).ret, 0);
	assert_int_equal(sgx2_sim_emodpe(fx->fd, run1(fx), fx->data, R | W), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(page_at(fx->fd, fx->data_off).secinfo,
			 REG << 8 | R | W | 0x20);
	eaccept_ok(fx, fx->data, REG << 8 | R | W | 0x20);
}

/* ---- EACCEPT over a range in one entry ---- */

static void eaccept_range_stops_at_first_refused_page(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_stats st;

	assert_int_equal(modt(fx->fd, HEAP_OFF, 4 * PAGE, TRIM).ret, 0);
	eaccept_ok(fx, fx->base + HEAP_OFF + 2 * PAGE, ACCEPT_TRIM);
	assert_int_equal(sgx2_sim_reset_stats(fx->fd), 0);

	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, run1(fx),
						fx->base + HEAP_OFF, 4 * PAGE,
						ACCEPT_TRIM),
			 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.ret, 19);
	assert_int_equal(fx->run.done, 2 * PAGE);
	assert_int_equal(page_at(fx->fd, HEAP_OFF + 3 * PAGE).modified, 1);
	st = stats_of(fx->fd);
	assert_int_equal(st.enclave_entries, 1);
	assert_int_equal(st.eaccept_pages, 2);
}

static void eaccept_range_resumes_after_a_fault(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total;

	/* Two mapped pages, then the PROT_NONE rest of the enclave. */
	map_free(fx, 2, RW);
	assert_int_equal(sgx2_sim_eaccept_range(fx->fd, run1(fx), addr,
						3 * PAGE, ACCEPT_AUG),
			 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x4, addr + 2 * PAGE);
	assert_int_equal(fx->run.done, 2 * PAGE);

	assert_int_equal(mprotect((void *)(addr + 2 * PAGE), PAGE, RW), 0);
	assert_int_equal(sgx2_sim_eresume(fx->fd, run1(fx)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.done, 3 * PAGE);
	assert_int_equal(page_at(fx->fd, fx->total + 2 * PAGE).pending, 0);
}

/* ---- entering through a TCS ---- */

static void entry_through_tcs_runs(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, fx->tcs2)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(stats_of(fx->fd).enclave_entries, 1);
}

static void entry_through_regular_page_faults_on_eenter(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, fx->data)), 0);
	expect_fault(fx, SGX2_SIM_EENTER, 14, 0x8005, fx->data);
	assert_int_equal(stats_of(fx->fd).enclave_entries, 0);
}

static void entry_through_unaccepted_tcs_faults_on_eenter(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);

	eaccept_ok(fx, addr, ACCEPT_AUG);
	tcs_init(fx, addr, DATA_OFF);
	assert_int_equal(modt(fx->fd, fx->total, PAGE, TCS).ret, 0);
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, addr)), 0);
	expect_fault(fx, SGX2_SIM_EENTER, 14, 0x8005, addr);
	eaccept_ok(fx, addr, ACCEPT_TCS);
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, addr)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
}

static void entry_through_interrupted_tcs_raises_gp(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(modt(fx->fd, fx->data_off, PAGE, TRIM).ret, 0);
	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), fx->data), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_ERESUME);
	assert_int_equal(sgx2_sim_enter(fx->fd, run1(fx)), 0);
	/* A #GP has no address: the kernel's vDSO fixup reports 0. */
	expect_fault(fx, SGX2_SIM_EENTER, 13, 0, 0);
	/* Another TCS is free. */
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, fx->tcs2)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
}

/*
 * A TCS in an RWX mapping exceeds its max prot (RW): after the PTE zap the
 * fault handler refuses to map it again (SIGBUS, reported as #PF), so
 * neither EACCEPT nor EENTER reaches it until the mapping is made RW.
 */
static void rwx_mapping_over_new_tcs_cannot_reach_it(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RWX);

	eaccept_ok(fx, addr, ACCEPT_AUG);
	tcs_init(fx, addr, DATA_OFF);
	assert_int_equal(modt(fx->fd, fx->total, PAGE, TCS).ret, 0);
	assert_int_equal(page_at(fx->fd, fx->total).pte, 0); /* zapped */
	assert_int_equal(
		sgx2_sim_eaccept(fx->fd, run_on(fx, 0), addr, ACCEPT_TCS), 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x4, addr);
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, addr)), 0);
	expect_fault(fx, SGX2_SIM_EENTER, 14, 0x4, addr);

	/* What gramine does: mprotect the new TCS to RW. */
	assert_int_equal(mprotect((void *)addr, PAGE, RW), 0);
	eaccept_ok(fx, addr, ACCEPT_TCS);
	assert_int_equal(sgx2_sim_enter(fx->fd, run_on(fx, addr)), 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
}

/* ---- mmap() and mprotect() ---- */

static void private_mapping_gives_einval(void **state)
{
	struct fx *fx = *state;

	assert_ptr_equal(mmap((void *)fx->data, PAGE, PROT_READ,
			      MAP_PRIVATE | MAP_FIXED, fx->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EINVAL);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fx->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EINVAL);
}

static void mapping_outside_enclave_after_init_gives_eacces(void **state)
{
	struct fx *fx = *state;

	assert_ptr_equal(mmap((void *)(fx->base + fx->size - PAGE), 2 * PAGE,
			      PROT_READ, MAP_SHARED | MAP_FIXED, fx->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_ptr_equal(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fx->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EACCES);
}

static void mapping_beyond_max_prot_gives_eacces(void **state)
{
	struct fx *fx = *state;

	assert_ptr_equal(mmap((void *)fx->data, PAGE, RWX,
			      MAP_SHARED | MAP_FIXED, fx->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EACCES);
	assert_ptr_equal(mmap((void *)(fx->base + TEXT_OFF), PAGE, RW,
			      MAP_SHARED | MAP_FIXED, fx->fd, 0),
			 MAP_FAILED);
	assert_int_equal(errno, EACCES);
	/* The old mapping is still there. */
	put_ok(fx, fx->data, MAGIC);
}

static void unbacked_addresses_impose_no_limit(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = fx->base + fx->total;

	assert_ptr_equal(mmap((void *)addr, fx->size - fx->total, RWX,
			      MAP_SHARED | MAP_FIXED, fx->fd, 0),
			 (void *)addr);
}

static void mprotect_beyond_max_prot_gives_eacces(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mprotect((void *)fx->data, PAGE, RWX), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(mprotect((void *)(fx->base + DATA_OFF), 4 * PAGE, RWX),
			 -1);
	put_ok(fx, fx->data, MAGIC); /* unchanged: still writable */
}

static void mprotect_within_max_prot_changes_the_mapping(void **state)
{
	struct fx *fx = *state;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(mprotect((void *)fx->data, PAGE, PROT_READ), 0);
	assert_int_equal(sgx2_sim_write(fx->fd, run_on(fx, 0), fx->data, 1), 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x7, fx->data);
	assert_int_equal(get_ok(fx, fx->data), MAGIC);
}

static void tcs_page_refuses_executable_mapping(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RW);

	eaccept_ok(fx, addr, ACCEPT_AUG);
	assert_int_equal(mprotect((void *)addr, PAGE, RWX), 0);
	assert_int_equal(modt(fx->fd, fx->total, PAGE, TCS).ret, 0);
	assert_int_equal(mprotect((void *)addr, PAGE, RWX), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(mprotect((void *)addr, PAGE, RW), 0);
}

/* The file offset is ignored; the bytes are the enclave page's. */
static void mapping_shows_the_enclave_page_whatever_the_offset(void **state)
{
	struct fx *fx = *state;

	put_ok(fx, fx->data, MAGIC);
	assert_ptr_equal(mmap((void *)fx->data, PAGE, PROT_READ,
			      MAP_SHARED | MAP_FIXED, fx->fd, 7 * PAGE),
			 (void *)fx->data);
	assert_int_equal(*(volatile uint64_t *)fx->data, MAGIC);
}

static void unmapped_page_faults_without_pte(void **state)
{
	struct fx *fx = *state;

	put_ok(fx, fx->data, MAGIC);
	assert_int_equal(munmap((void *)fx->data, PAGE), 0);
	assert_int_equal(sgx2_sim_write(fx->fd, run_on(fx, 0), fx->data, 1), 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x6, fx->data);
}

/* ---- modes ---- */

static void without_sgx2_nothing_is_added_and_eaccept_raises_gp(void **st)
{
	struct fx *fx = *st;
	uint64_t addr = map_free(fx, 1, RW);

	set_config(fx->fd, SGX2_SIM_KERNEL_NEWEST, 0);
	assert_int_equal(sgx2_sim_write(fx->fd, run1(fx), addr, MAGIC), 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x6, addr);
	assert_int_equal(sgx2_sim_eaccept(fx->fd, run_on(fx, fx->tcs2), addr,
					  ACCEPT_AUG),
			 0);
	assert_int_equal(fx->run.exception_vector, 13);
	assert_int_equal(page_at(fx->fd, fx->total).present, 0);
}

/* The selftests' "no EAUG" skip condition: a kernel before v6.0. */
static void old_kernel_eaccept_on_unbacked_address_faults_4(void **state)
{
	struct fx *fx = *state;
	uint64_t addr = map_free(fx, 1, RWX);

	set_config(fx->fd, SGX2_SIM_KERNEL_5_X, 1);
	assert_int_equal(sgx2_sim_eaccept(fx->fd, run1(fx), addr, ACCEPT_AUG),
			 0);
	expect_fault(fx, SGX2_SIM_ERESUME, 14, 0x4, addr);
}

/* ---- the benchmark mode ---- */

/* The null driver keeps the checks before the page loop, then reports
 * every page done without touching one. */
static void null_driver_answers_at_once_and_changes_nothing(void **state)
{
	struct fx *fx = *state;
	struct sgx2_sim_config cfg;
	struct ioc i;

	sgx2_sim_config_init(&cfg);
	cfg.null_driver = 2;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), -EINVAL);
	cfg.null_driver = 1;
	assert_int_equal(sgx2_sim_configure(fx->fd, &cfg), 0);

	i = remove_pages(fx->fd, fx->data_off, 2 * PAGE); /* REG: EPERM */
	assert_int_equal(i.ret, 0);
	assert_int_equal(i.count, 2 * PAGE);
	assert_int_equal(page_at(fx->fd, fx->data_off).present, 1);
	i = modt(fx->fd, fx->data_off, PAGE, TRIM);
	assert_int_equal(i.ret, 0);
	assert_int_equal(page_at(fx->fd, fx->data_off).type,
			 SGX2_SIM_PAGE_TYPE_REG);
	i = remove_pages(fx->fd, fx->data_off + 1, PAGE); /* still checked */
	assert_int_equal(i.ret, -1);
	assert_int_equal(i.err, EINVAL);
	assert_int_equal(stats_of(fx->fd).pages_removed, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(emodt_clears_permissions_and_sets_modified),
		T(null_driver_answers_at_once_and_changes_nothing),
		T(reg_to_tcs_limits_max_prot_to_read_write),
		T(tcs_to_trim_is_allowed),
		T(trim_twice_gives_einval),
		T(trim_of_unaccepted_tcs_gives_result_20),
		T(restrict_of_pending_page_gives_result_20),
		T(restrict_of_trim_page_gives_einval),
		T(restrict_sets_pr_until_accepted),
		T(emodt_of_restricted_page_clears_pr),
		T(restrict_of_trimmed_unaccepted_page_gives_result_20),
		T(emodt_of_tcs_to_tcs_faults),
		T(eaccept_with_other_flags_gives_19),
		T(eaccept_twice_gives_19),
		T(malformed_eaccept_raises_gp),
		T(eaccept_does_not_compare_pr),
		T(malformed_eaccept_of_unbacked_address_adds_page_first),
		T(eaccept_without_mapping_raises_pf_4),
		T(prot_none_mapping_keeps_address_unbacked),
		T(read_of_unbacked_address_adds_page_and_faults),
		T(write_to_pending_page_faults_8007),
		T(removed_page_is_added_again_on_access),
		T(emodpe_extends_epcm_permissions_only),
		T(emodpe_on_pending_page_faults_with_sgx_bit),
		T(malformed_emodpe_raises_gp),
		T(emodpe_is_allowed_on_a_restricted_page),
		T(eaccept_range_stops_at_first_refused_page),
		T(eaccept_range_resumes_after_a_fault),
		T(entry_through_tcs_runs),
		T(entry_through_regular_page_faults_on_eenter),
		T(entry_through_unaccepted_tcs_faults_on_eenter),
		T(entry_through_interrupted_tcs_raises_gp),
		T(rwx_mapping_over_new_tcs_cannot_reach_it),
		T(private_mapping_gives_einval),
		T(mapping_outside_enclave_after_init_gives_eacces),
		T(mapping_beyond_max_prot_gives_eacces),
		T(unbacked_addresses_impose_no_limit),
		T(mprotect_beyond_max_prot_gives_eacces),
		T(mprotect_within_max_prot_changes_the_mapping),
		T(tcs_page_refuses_executable_mapping),
		T(mapping_shows_the_enclave_page_whatever_the_offset),
		T(unmapped_page_faults_without_pte),
		T(without_sgx2_nothing_is_added_and_eaccept_raises_gp),
		T(old_kernel_eaccept_on_unbacked_address_faults_4),
	};

	return cmocka_run_group_tests_name("EPCM and kernel model", tests, NULL,
					   NULL);
}
