// SPDX-License-Identifier: MIT
/* SGX return codes decode to the SDM's names and a meaning with an action;
 * flow steps to their names. */
#include "common.h"

static void every_sdm_code_has_its_name(void **state)
{
	static const struct {
		uint64_t code;
		const char *name;
	} sdm[] = {
		{ 0, "SGX_SUCCESS" },
		{ 1, "SGX_INVALID_SIG_STRUCT" },
		{ 2, "SGX_INVALID_ATTRIBUTE" },
		{ 3, "SGX_BLKSTATE" },
		{ 4, "SGX_INVALID_MEASUREMENT" },
		{ 5, "SGX_NOTBLOCKABLE" },
		{ 6, "SGX_PG_INVLD" },
		{ 7, "SGX_EPC_PAGE_CONFLICT" },
		{ 8, "SGX_INVALID_SIGNATURE" },
		{ 9, "SGX_MAC_COMPARE_FAIL" },
		{ 10, "SGX_PAGE_NOT_BLOCKED" },
		{ 11, "SGX_NOT_TRACKED" },
		{ 12, "SGX_VA_SLOT_OCCUPIED" },
		{ 13, "SGX_CHILD_PRESENT" },
		{ 14, "SGX_ENCLAVE_ACT" },
		{ 15, "SGX_ENTRYEPOCH_LOCKED" },
		{ 16, "SGX_INVALID_EINITTOKEN" },
		{ 17, "SGX_PREV_TRK_INCMPL" },
		{ 18, "SGX_PG_IS_SECS" },
		{ 19, "SGX_PAGE_ATTRIBUTES_MISMATCH" },
		{ 20, "SGX_PAGE_NOT_MODIFIABLE" },
		{ 21, "SGX_PAGE_NOT_DEBUGGABLE" },
		{ 29, "SGX_INSUFFICIENT_ENTROPY" },
		{ 31, "SGX_NO_UPDATE" },
		{ 32, "SGX_INVALID_CPUSVN" },
		{ 64, "SGX_INVALID_ISVSVN" },
		{ 128, "SGX_UNMASKED_EVENT" },
		{ 256, "SGX_INVALID_KEYNAME" },
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(sdm) / sizeof(sdm[0]); i++) {
		assert_string_equal(sgx2_result_name(sdm[i].code), sdm[i].name);
		assert_non_null(sgx2_result_describe(sdm[i].code));
	}
}

static void the_edmm_codes_say_what_to_do(void **state)
{
	(void)state;
	assert_non_null(strstr(sgx2_result_describe(SGX2_PAGE_NOT_MODIFIABLE),
			       "EACCEPT"));
	assert_non_null(
		strstr(sgx2_result_describe(SGX2_EPC_PAGE_CONFLICT), "retry"));
	assert_non_null(strstr(sgx2_result_describe(19), "flags"));
	/* EUPDATESVN at the first open() (Linux 6.19): EAGAIN, retry. */
	assert_non_null(strstr(sgx2_result_describe(29), "retry"));
}

static void unknown_codes_are_named_unknown_not_null(void **state)
{
	static const uint64_t unknown[] = { 22, 28, 33, 255, 257, UINT64_MAX };

	(void)state;
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]);
	     i++) {
		assert_string_equal(sgx2_result_name(unknown[i]),
				    "SGX_UNKNOWN");
		assert_non_null(sgx2_result_describe(unknown[i]));
	}
}

static void every_step_has_its_name(void **state)
{
	(void)state;
	assert_string_equal(sgx2_step_name(SGX2_STEP_NONE), "none");
	assert_string_equal(sgx2_step_name(SGX2_STEP_MODIFY), "modify");
	assert_string_equal(sgx2_step_name(SGX2_STEP_MAP), "map");
	assert_string_equal(sgx2_step_name(SGX2_STEP_ACCEPT), "accept");
	assert_string_equal(sgx2_step_name(SGX2_STEP_REMOVE), "remove");
	assert_string_equal(sgx2_step_name(SGX2_STEP_PROGRESS), "progress");
	assert_string_equal(sgx2_step_name(SGX2_STEP_PREFAULT), "prefault");
	assert_string_equal(sgx2_step_name(SGX2_STEP_PREFAULT + 1), "unknown");
	assert_string_equal(sgx2_step_name(~0u), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_sdm_code_has_its_name),
		cmocka_unit_test(the_edmm_codes_say_what_to_do),
		cmocka_unit_test(unknown_codes_are_named_unknown_not_null),
		cmocka_unit_test(every_step_has_its_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
