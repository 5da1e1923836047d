/* SPDX-License-Identifier: MIT */
/*
 * The test enclave's calling convention, shared by the enclave and the
 * host. The host puts a struct encl_op in its own (untrusted) memory and
 * enters the enclave with RDI = its address. The enclave copies it in,
 * checks it, does the operation, and copies it back out before EEXIT.
 *
 * Addresses in an op are linear addresses (what the enclave sees); ssa and
 * entry are offsets from the enclave base, as the TCS stores them.
 */
#ifndef ENCL_OPS_H
#define ENCL_OPS_H

#include <stdint.h>

enum encl_op_type {
	ENCL_OP_NOP = 0,      /* nothing: proves entry and exit work */
	ENCL_OP_PUT = 1,      /* in: value. The enclave keeps it. */
	ENCL_OP_GET = 2,      /* out: value, the last PUT */
	ENCL_OP_READ = 3,     /* in: addr (8-aligned, inside). out: value */
	ENCL_OP_WRITE = 4,    /* in: addr (8-aligned, inside), value */
	ENCL_OP_EACCEPT = 5,  /* in: addr, len (pages), flags. out: done,
			       * sgx_code. EACCEPT page by page, stopping at
			       * the first non-zero EAX. */
	ENCL_OP_EMODPE = 6,   /* in: addr (a page), flags (R/W/X to add) */
	ENCL_OP_INIT_TCS = 7, /* in: addr (a RW page), ssa, entry. Fills in a
			       * TCS: OSSA = ssa, NSSA = 1, OENTRY = entry,
			       * FS/GS limits 0xFFFFFFFF, the rest 0. */
	ENCL_OP_MAX
};

enum encl_status {
	ENCL_OK = 0,
	ENCL_EBADOP = 1, /* unknown type */
	ENCL_ERANGE = 2, /* an address or range outside the enclave */
	ENCL_EALIGN = 3, /* misaligned address or length */
	ENCL_EINVAL = 4, /* bad argument (e.g. INIT_TCS entry) */
	ENCL_STATUS_UNSET = 0xFFFFFFFFFFFFFFFFull, /* the host's initial value:
						    * the op did not finish */
};

/* One layout for every op; fields an op does not name are ignored. */
struct encl_op {
	uint64_t type;	   /* in: ENCL_OP_* */
	uint64_t status;   /* out: ENCL_OK or ENCL_E* */
	uint64_t addr;	   /* in */
	uint64_t len;	   /* in: EACCEPT bytes, a multiple of 4096 */
	uint64_t flags;	   /* in: SECINFO flags for EACCEPT / EMODPE */
	uint64_t value;	   /* in: PUT, WRITE; out: GET, READ */
	uint64_t ssa;	   /* in: INIT_TCS OSSA (offset) */
	uint64_t entry;	   /* in: INIT_TCS OENTRY (offset); 0: encl_dyn_entry */
	uint64_t done;	   /* out: EACCEPT bytes accepted from addr */
	uint64_t sgx_code; /* out: EACCEPT EAX of the page that stopped the
			    * loop; 0 when the whole range was accepted */
};

#endif /* ENCL_OPS_H */
