// SPDX-License-Identifier: MIT
/* SGX return codes (Intel SDM Vol. 3D, table "Error codes"): names, advice. */
#include "internal.h"

struct sgx_code {
	uint16_t code;
	const char *name;
	const char *meaning;
};

static const struct sgx_code codes[] = {
	{ 0, "SGX_SUCCESS", "success" },
	{ 1, "SGX_INVALID_SIG_STRUCT",
	  "EINIT: the SIGSTRUCT is malformed; rebuild and re-sign it" },
	{ 2, "SGX_INVALID_ATTRIBUTE",
	  "EINIT/EGETKEY: attributes not allowed; check SECS and SIGSTRUCT "
	  "attributes" },
	{ 3, "SGX_BLKSTATE",
	  "EBLOCK: the page is already blocked; kernel-internal, report it" },
	{ 4, "SGX_INVALID_MEASUREMENT",
	  "EINIT: MRENCLAVE differs from the SIGSTRUCT; the pages added do not "
	  "match what was signed" },
	{ 5, "SGX_NOTBLOCKABLE",
	  "EBLOCK: the page type cannot be blocked; kernel-internal, report "
	  "it" },
	{ 6, "SGX_PG_INVLD",
	  "EBLOCK: the page is not valid; kernel-internal, report it" },
	{ 7, "SGX_EPC_PAGE_CONFLICT",
	  "another ENCLS is operating on the page (older name SGX_LOCKFAIL); "
	  "transient, retry" },
	{ 8, "SGX_INVALID_SIGNATURE",
	  "EINIT: the SIGSTRUCT signature does not verify; re-sign the "
	  "enclave" },
	{ 9, "SGX_MAC_COMPARE_FAIL",
	  "ELDB/ELDU: a swapped-out page failed its integrity check; "
	  "kernel-internal, report it" },
	{ 10, "SGX_PAGE_NOT_BLOCKED",
	  "EWB: the page was not blocked first; kernel-internal, report it" },
	{ 11, "SGX_NOT_TRACKED",
	  "EWB/EACCEPT: ETRACK has not completed for the change; EACCEPT again "
	  "after the ioctl has returned" },
	{ 12, "SGX_VA_SLOT_OCCUPIED",
	  "EWB: the version-array slot is in use; kernel-internal, report it" },
	{ 13, "SGX_CHILD_PRESENT",
	  "EWB/EREMOVE: the SECS still has child pages; remove the enclave's "
	  "pages first" },
	{ 14, "SGX_ENCLAVE_ACT",
	  "EREMOVE: logical processors are still executing in the enclave; "
	  "exit "
	  "all threads and retry" },
	{ 15, "SGX_ENTRYEPOCH_LOCKED",
	  "EBLOCK: the entry epoch is locked; kernel-internal, retry later" },
	{ 16, "SGX_INVALID_EINITTOKEN",
	  "EINIT: the EINITTOKEN is invalid; use a launch token valid for this "
	  "platform" },
	{ 17, "SGX_PREV_TRK_INCMPL",
	  "ETRACK: the previous tracking cycle has not completed; "
	  "kernel-internal, retry" },
	{ 18, "SGX_PG_IS_SECS",
	  "EBLOCK: the page is a SECS; kernel-internal, report it" },
	{ 19, "SGX_PAGE_ATTRIBUTES_MISMATCH",
	  "EACCEPT: the SECINFO flags do not match the page's EPCM entry; "
	  "accept with the flags of the step that changed it (e.g. 0x410 after "
	  "TRIM)" },
	{ 20, "SGX_PAGE_NOT_MODIFIABLE",
	  "EMODPR/EMODT: the page is PENDING or MODIFIED; EACCEPT it from "
	  "inside the enclave first, then retry" },
	{ 21, "SGX_PAGE_NOT_DEBUGGABLE",
	  "EDBGRD/EDBGWR: the page cannot be accessed for debug" },
	{ 29, "SGX_INSUFFICIENT_ENTROPY",
	  "EUPDATESVN: the CPU found too little entropy; Linux 6.19+ answers "
	  "EAGAIN to the first open() of the device: retry the open" },
	{ 31, "SGX_NO_UPDATE",
	  "EUPDATESVN: the SGX security version is already current; nothing "
	  "to do" },
	{ 32, "SGX_INVALID_CPUSVN",
	  "EGETKEY: the CPUSVN requested is beyond the platform's" },
	{ 64, "SGX_INVALID_ISVSVN",
	  "EGETKEY: the ISVSVN requested is beyond the enclave's" },
	{ 128, "SGX_UNMASKED_EVENT",
	  "EINIT: an interrupt arrived during EINIT; retry" },
	{ 256, "SGX_INVALID_KEYNAME",
	  "EGETKEY: the key name is not supported" },
};

static const struct sgx_code *lookup(uint64_t code)
{
	unsigned int i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

SGX2_EXPORT const char *sgx2_result_name(uint64_t code)
{
	const struct sgx_code *c = lookup(code);

	return c ? c->name : "SGX_UNKNOWN";
}

SGX2_EXPORT const char *sgx2_result_describe(uint64_t code)
{
	const struct sgx_code *c = lookup(code);

	return c ? c->meaning
		 : "not an SGX return code in the SDM's table; see the Intel "
		   "SDM";
}
