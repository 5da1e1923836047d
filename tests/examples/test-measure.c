// SPDX-License-Identifier: MIT
/*
 * examples/measure.c against MRENCLAVE known answers that mrenclave.py
 * computed with hashlib from the SDM's record definitions (mrenclave-kat.h,
 * generated at build time). The enclaves here are the ones kat_cases()
 * builds in the script.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "image.h"
#include "measure.h"
#include "mrenclave-kat.h"
#include "sgx-arch.h"

#define PAGE SGX_PAGE_SIZE

static void tcs_page(uint8_t page[PAGE], uint64_t ossa, uint64_t oentry)
{
	struct sgx_tcs tcs;

	memset(&tcs, 0, sizeof(tcs));
	tcs.ossa = ossa;
	tcs.nssa = 1;
	tcs.oentry = oentry;
	tcs.fslimit = 0xFFFFFFFF;
	tcs.gslimit = 0xFFFFFFFF;
	memcpy(page, &tcs, PAGE);
}

static void pattern_page(uint8_t page[PAGE])
{
	for (unsigned int i = 0; i < PAGE; i++)
		page[i] = (uint8_t)(i * 7 + 1);
}

static uint8_t tcs[PAGE], reg[PAGE];

static int setup(void **state)
{
	(void)state;
	tcs_page(tcs, 0x1000, 0x1000);
	pattern_page(reg);
	return 0;
}

static void ecreate_only(void **state)
{
	static const uint8_t want[32] = KAT_ECREATE_ONLY;
	uint8_t got[32];
	struct measure m;

	(void)state;
	assert_int_equal(measure_ecreate(&m, 1, 2 * PAGE), 0);
	assert_int_equal(measure_final(&m, got), 0);
	assert_memory_equal(got, want, 32);
}

static void tcs_and_reg(void **state)
{
	static const uint8_t want[32] = KAT_TCS_AND_REG;
	uint8_t got[32];
	struct measure m;

	(void)state;
	assert_int_equal(measure_ecreate(&m, 1, 2 * PAGE), 0);
	assert_int_equal(measure_page(&m, 0, SGX_SECINFO_TCS, tcs, 1), 0);
	assert_int_equal(
		measure_page(&m, PAGE,
			     SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W,
			     reg, 1),
		0);
	assert_int_equal(measure_final(&m, got), 0);
	assert_memory_equal(got, want, 32);
}

static void tcs_and_unmeasured_reg(void **state)
{
	static const uint8_t want[32] = KAT_TCS_AND_UNMEASURED_REG;
	uint8_t got[32];
	struct measure m;

	(void)state;
	assert_int_equal(measure_ecreate(&m, 1, 2 * PAGE), 0);
	assert_int_equal(measure_page(&m, 0, SGX_SECINFO_TCS, tcs, 1), 0);
	assert_int_equal(
		measure_page(&m, PAGE,
			     SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W,
			     reg, 0),
		0);
	assert_int_equal(measure_final(&m, got), 0);
	assert_memory_equal(got, want, 32);
}

static void rx_page_at_3(void **state)
{
	static const uint8_t want[32] = KAT_RX_PAGE_AT_3;
	uint8_t got[32];
	struct measure m;

	(void)state;
	assert_int_equal(measure_ecreate(&m, 2, 4 * PAGE), 0);
	assert_int_equal(
		measure_page(&m, 3 * PAGE,
			     SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X,
			     reg, 1),
		0);
	assert_int_equal(measure_final(&m, got), 0);
	assert_memory_equal(got, want, 32);
}

/* measure_image() adds the segments' pages in order with their SECINFO. */
static void image_two_pages(void **state)
{
	static const uint8_t want[32] = KAT_TCS_AND_REG;
	static uint8_t pages[2 * PAGE];
	struct image img;
	uint8_t got[32];

	(void)state;
	memcpy(pages, tcs, PAGE);
	memcpy(pages + PAGE, reg, PAGE);
	memset(&img, 0, sizeof(img));
	img.pages = pages;
	img.end = 2 * PAGE;
	img.encl_size = 2 * PAGE;
	img.ssa_frame_pages = 1;
	img.nr_segs = 2;
	img.segs[0] = (struct image_seg){ 0, PAGE, SGX_SECINFO_TCS, 0, pages };
	img.segs[1] = (struct image_seg){ PAGE, PAGE,
					  SGX_SECINFO_REG | SGX_SECINFO_R |
						  SGX_SECINFO_W,
					  0, pages + PAGE };
	assert_int_equal(measure_image(&img, got), 0);
	assert_memory_equal(got, want, 32);

	/* Any change to what is measured changes the answer. */
	img.segs[1].secinfo |= SGX_SECINFO_X;
	assert_int_equal(measure_image(&img, got), 0);
	assert_memory_not_equal(got, want, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ecreate_only),
		cmocka_unit_test(tcs_and_reg),
		cmocka_unit_test(tcs_and_unmeasured_reg),
		cmocka_unit_test(rx_page_at_3),
		cmocka_unit_test(image_two_pages),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
