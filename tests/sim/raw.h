/* SPDX-License-Identifier: MIT */
/*
 * An enclave built with raw ioctls, as a loader builds it, and the
 * SIGSTRUCT a signing tool would make for it: what is created and added is
 * measured alongside by examples/measure.c and signed by
 * examples/sigstruct.c (OpenSSL), independently of the simulator's own
 * measurement, with a key made once per process.
 */
#ifndef SIM_TEST_RAW_H
#define SIM_TEST_RAW_H

#include "common.h"
#include "measure.h"
#include "sigstruct.h"

#define RAW_SIZE (16 * PAGE)

struct raw {
	int fd;
	uint64_t base;
	unsigned char *pages; /* 4 pages of source contents, 0x5a */
	unsigned char *tcs;   /* 4 valid TCS pages (NSSA 1), for TCS adds */
	struct sgx_secinfo secinfo;
	struct sgx_secs secs;	 /* what CREATE gets; the defaults are
				 ssa_frame_size 1, DEBUG|MODE64BIT, XFRM 3 */
	struct measure m;	 /* ECREATE and the pages added so far */
	struct sgx_sigstruct ss; /* what INIT gets: see raw_sign() */
};

/* cmocka setup/teardown: open, and the loader's PROT_NONE reservation of
 * twice RAW_SIZE, keeping the aligned half (not yet created). */
int raw_setup(void **state);
int raw_teardown(void **state);

/* The errno of an ioctl, or 0. */
int errno_of(int fd, unsigned long cmd, void *arg);

/* CREATE with r->secs; when it works, the ECREATE record. */
int raw_create(struct raw *r);
/* ADD_PAGES of @n pages of r->pages (r->tcs for a TCS) at @offset with
 * SECINFO @flags and ADD_PAGES @mflags; the pages added are recorded. *count gets the count
 * (if @count is not NULL). */
int raw_add(struct raw *r, uint64_t offset, uint64_t n, uint64_t flags,
	    uint64_t mflags, uint64_t *count);
/* Start the independent measurement again from the ECREATE record of
 * r->secs: to sign for an enclave other than the one built. */
void raw_remeasure(struct raw *r);
/* The records alone: EADD of @n pages at @offset, EEXTEND too with
 * @extend, of the contents at @src. */
void raw_record(struct raw *r, uint64_t offset, uint64_t n, uint64_t flags,
		int extend, const void *src);
/* Fill r->ss for what was recorded (sigstruct_init() with r->secs'
 * attributes and XFRM: all masks all ones, MISCSELECT 0) and sign it. The
 * measurement is finished then: call it once. */
void raw_sign(struct raw *r);
/* Sign r->ss again, as it is now (after a change to its header or body). */
void raw_resign(struct raw *r);
/* INIT with r->ss (signed first if raw_sign() was not called yet and
 * the enclave was created). */
int raw_init(struct raw *r);

/* The enclave's last EINIT code (struct sgx2_sim_info). */
uint32_t einit_code(int fd);

#endif /* SIM_TEST_RAW_H */
