/* SPDX-License-Identifier: MIT */
/*
 * The host side of the test enclave: load it (loader.c) and call its ops
 * (enclave/encl-ops.h) through __vdso_sgx_enter_enclave. One path: on SGX2
 * hardware the kernel's driver and vDSO serve it; on the simulator
 * (libsgx2-sim with its device redirect on) the simulator's driver model
 * and vDSO stand-in do, and the same enclave code runs natively.
 *
 * Conventions:
 *  - Offsets are relative to the enclave base, as in libsgx2 and the
 *    kernel ABI: TCSs, pages, SSA and entry points are named by offset.
 *    Only host_exception.addr is a linear address (what the CPU
 *    reported); .offset is the same address relative to the base.
 *  - Each op is one call that runs to completion: it returns 0 when the
 *    enclave was entered (the result says how it ended), or a negative
 *    errno when no call was made.
 *  - An exception inside the enclave (an AEX) is handed, from the vDSO's
 *    user_handler, to the call's fixup: it may fix the cause (an EACCEPT
 *    or EMODPE through another TCS, say: a nested call on the same
 *    thread) and ask to resume, and the vDSO then executes ERESUME from
 *    the same invocation. Resuming anywhere else is unsound: the outside
 *    RSP and RBP that an AEX restores, and the host RSP this enclave goes
 *    back to at EEXIT, are those of the EENTER, which ERESUME does not
 *    rewrite: they belong to the vDSO call that entered (loader.h).
 *  - Without a fixup, or when it gives up, the call returns HOST_EXCEPTION
 *    and the TCS stays interrupted (CSSA = 1). With NSSA = 1, as all this
 *    enclave's TCSs have, it can never be entered again (EENTER then
 *    faults, #GP), exactly as on hardware.
 *  - Calls through different TCSs may run in different threads at once.
 */
#ifndef HOST_H
#define HOST_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_MAX_TCS 8
/* Exceptions recorded per call; a call is never resumed after the last. */
#define HOST_MAX_EXCEPTIONS 4

struct host; /* one enclave */

/* Where things are in the enclave. Filled in by host_open(). */
struct host_layout {
	int fd;			 /* the enclave's fd, for sgx2_enclave_new() */
	uint64_t base;		 /* SECS.BASE, a linear address */
	uint64_t size;		 /* SECS.SIZE */
	uint64_t heap_offset;	 /* the free area: mapped, no pages until */
	uint64_t heap_size;	 /* touched or EACCEPTed (EAUG) */
	uint64_t scratch_offset; /* RW pages added at build time that
				  * nothing else uses */
	unsigned int nr_tcs;	 /* static TCSs */
	uint64_t tcs_offset[HOST_MAX_TCS];
	uint64_t dyn_entry_offset; /* OENTRY for TCSs made by host_init_tcs() */
};

enum host_exit {
	HOST_DONE = 0,	     /* the op finished (EEXIT): status and outs */
	HOST_EXCEPTION = 1,  /* an exception not resumed: the TCS stays
			      * interrupted */
	HOST_ENTRY_FAULT = 2 /* EENTER itself faulted (e.g. the TCS is not a
			      * TCS yet, or is interrupted): nothing ran */
};

struct host_exception {
	uint16_t vector;     /* 14 (#PF), 13 (#GP), ... */
	uint16_t error_code; /* #PF: 0x8000 = SGX (EPCM) bit, 0x4 user, 0x2
			      * write, 0x1 present */
	uint64_t addr;	     /* linear address reported (#PF) */
	uint64_t offset;     /* addr - base */
};

struct host_result {
	enum host_exit exit;
	unsigned int nr_ex; /* exceptions taken, resumed or not */
	struct host_exception ex[HOST_MAX_EXCEPTIONS]; /* in order; unless
							* HOST_DONE, the last
							* one ended the call */
	uint64_t status;   /* ENCL_OK or ENCL_E* (encl-ops.h) */
	uint64_t value;	   /* host_get(), host_read() */
	uint64_t done;	   /* host_eaccept(): bytes accepted */
	uint64_t sgx_code; /* host_eaccept(): EAX of the page that stopped it
			    * (0: all accepted) */
};

/**
 * struct host_fixup - what a call does about an exception inside the enclave
 * @fn:  called with the exception just taken (also in the result), while
 *       the TCS of the call is interrupted; it may make host_* calls
 *       through other TCSs. It runs on the vDSO's path with the state the
 *       AEX left (loader_fixup_fn). Return true to resume the enclave
 *       (ERESUME), false to end the call with HOST_EXCEPTION.
 * @arg: passed to @fn
 */
struct host_fixup {
	bool (*fn)(struct host *h, const struct host_exception *ex, void *arg);
	void *arg;
};

/*
 * Build and initialise the enclave from @elf and its @sigstruct (made by
 * sgx2-sign) on /dev/sgx_enclave, whatever answers there; fill *@layout.
 */
int host_open(struct host **out, const char *elf, const char *sigstruct,
	      struct host_layout *layout);
/* Tear it down; NULL is accepted. */
void host_close(struct host *h);

/*
 * The enclave's ops (encl-ops.h), through the TCS at @tcs. @fixup may be
 * NULL: an exception then ends the call.
 */
int host_nop(struct host *h, uint64_t tcs, const struct host_fixup *fixup,
	     struct host_result *r);
int host_put(struct host *h, uint64_t tcs, uint64_t value,
	     const struct host_fixup *fixup, struct host_result *r);
int host_get(struct host *h, uint64_t tcs, const struct host_fixup *fixup,
	     struct host_result *r);
int host_read(struct host *h, uint64_t tcs, uint64_t offset,
	      const struct host_fixup *fixup, struct host_result *r);
int host_write(struct host *h, uint64_t tcs, uint64_t offset, uint64_t value,
	       const struct host_fixup *fixup, struct host_result *r);
/* EACCEPT every page of [offset, offset + len) with SECINFO @flags in one
 * enclave entry, stopping at the first non-zero EAX. */
int host_eaccept(struct host *h, uint64_t tcs, uint64_t offset, uint64_t len,
		 uint64_t flags, const struct host_fixup *fixup,
		 struct host_result *r);
/* EMODPE the page at @offset: add the permissions in @flags. */
int host_emodpe(struct host *h, uint64_t tcs, uint64_t offset, uint64_t flags,
		const struct host_fixup *fixup, struct host_result *r);
/* Fill the (accepted, RW) page at @page with a TCS: OSSA = @ssa, NSSA = 1,
 * OENTRY = @entry (0 or layout.dyn_entry_offset). Its thread block must be
 * [stack page][TCS page @page][SSA @ssa]. */
int host_init_tcs(struct host *h, uint64_t tcs, uint64_t page, uint64_t ssa,
		  uint64_t entry, const struct host_fixup *fixup,
		  struct host_result *r);

#endif /* HOST_H */
