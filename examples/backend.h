/* SPDX-License-Identifier: MIT */
/*
 * What a demo needs from "an enclave", wherever it runs: on SGX2 hardware
 * (backend-hw.c: the loader and the vDSO) or in the simulator
 * (backend-sim.c: sgx2-sim).
 * A backend is a table of plain functions; a demo picks one at run time.
 *
 * Conventions:
 *  - Offsets are relative to the enclave base, as in libsgx2 and the
 *    kernel ABI: TCSs, pages, SSA and entry points are named by offset.
 *    Only backend_exception.addr is a linear address (what the CPU
 *    reported); .offset is the same address relative to the base.
 *  - Functions return 0 when the enclave was entered and came back (the
 *    result says how), or a negative errno when no call was made.
 *  - After an exception inside the enclave (BACKEND_EXCEPTION) the TCS
 *    stays mid-call: resume() it (after fixing the cause, e.g. with
 *    EACCEPT from another TCS) to finish the operation; any other call
 *    through it gives -EBUSY until then.
 *  - Calls through different TCSs may run in different threads at once.
 */
#ifndef BACKEND_H
#define BACKEND_H

#include <pthread.h>
#include <stdint.h>

#include "enclave/encl-ops.h"

#define BACKEND_MAX_TCS 8

/* Where things are in the enclave. Filled in by create(). */
struct backend_layout {
	int fd;			 /* the enclave's fd, for sgx2_enclave_new() */
	uint64_t base;		 /* SECS.BASE, a linear address */
	uint64_t size;		 /* SECS.SIZE */
	uint64_t heap_offset;	 /* the free area: mapped, no pages until */
	uint64_t heap_size;	 /* touched or EACCEPTed (EAUG) */
	uint64_t scratch_offset; /* RW pages added at build time that */
	uint64_t scratch_size;	 /* nothing else uses */
	unsigned int nr_tcs;	 /* static TCSs */
	uint64_t tcs_offset[BACKEND_MAX_TCS];
	uint64_t dyn_entry_offset; /* OENTRY for TCSs made with init_tcs() */
	uint32_t ssa_frame_pages;  /* SECS.SSAFRAMESIZE */
};

/* Where the files of the enclave are. A backend may ignore them. */
struct backend_params {
	const char *elf;       /* the enclave image */
	const char *sigstruct; /* its SIGSTRUCT */
};

enum backend_exit {
	BACKEND_DONE = 0,	/* the op finished (EEXIT): status and outs */
	BACKEND_EXCEPTION = 1,	/* an exception inside: resume() the TCS */
	BACKEND_ENTRY_FAULT = 2 /* EENTER itself faulted (e.g. the TCS is
				 * not a TCS yet): nothing to resume */
};

struct backend_exception {
	uint16_t vector;     /* 14 (#PF), 13 (#GP), ... */
	uint16_t error_code; /* #PF: 0x8000 = SGX (EPCM) bit, 0x4 user, 0x2
			      * write, 0x1 present */
	uint64_t addr;	     /* linear address reported (#PF) */
	uint64_t offset;     /* addr - base */
};

struct backend_result {
	enum backend_exit exit;
	struct backend_exception ex; /* exit != BACKEND_DONE */
	uint64_t status;	     /* ENCL_OK or ENCL_E* (encl-ops.h) */
	uint64_t value;		     /* get(), read() */
	uint64_t done;		     /* eaccept(): bytes accepted */
	uint64_t sgx_code;	     /* eaccept(): EAX of the page that
				      * stopped it (0: all accepted) */
};

struct backend; /* one enclave; private to the backend */

struct backend_ops {
	const char *name;

	/* Build and initialise the enclave; fill *layout. */
	int (*create)(struct backend **out, const struct backend_params *p,
		      struct backend_layout *layout);
	/* Tear it down; NULL is accepted. */
	void (*destroy)(struct backend *b);

	/* The enclave's ops (encl-ops.h), through the TCS at @tcs. */
	int (*nop)(struct backend *b, uint64_t tcs, struct backend_result *r);
	int (*put)(struct backend *b, uint64_t tcs, uint64_t value,
		   struct backend_result *r);
	int (*get)(struct backend *b, uint64_t tcs, struct backend_result *r);
	int (*read)(struct backend *b, uint64_t tcs, uint64_t offset,
		    struct backend_result *r);
	int (*write)(struct backend *b, uint64_t tcs, uint64_t offset,
		     uint64_t value, struct backend_result *r);
	/* EACCEPT every page of [offset, offset + len) with SECINFO @flags
	 * in one enclave entry, stopping at the first non-zero EAX. */
	int (*eaccept)(struct backend *b, uint64_t tcs, uint64_t offset,
		       uint64_t len, uint64_t flags, struct backend_result *r);
	/* EMODPE the page at @offset: add the permissions in @flags. */
	int (*emodpe)(struct backend *b, uint64_t tcs, uint64_t offset,
		      uint64_t flags, struct backend_result *r);
	/* Fill the (accepted, RW) page at @page with a TCS: OSSA = @ssa,
	 * NSSA = 1, OENTRY = @entry (0 or layout.dyn_entry_offset). Its
	 * thread block must be [stack page][TCS page @page][SSA @ssa]. */
	int (*init_tcs)(struct backend *b, uint64_t tcs, uint64_t page,
			uint64_t ssa, uint64_t entry, struct backend_result *r);
	/* Resume the TCS after BACKEND_EXCEPTION; the result is that of the
	 * interrupted op (or another exception). -ENOENT if none waits. */
	int (*resume)(struct backend *b, uint64_t tcs,
		      struct backend_result *r);
};

/* backend-hw.c: /dev/sgx_enclave and the vDSO. */
extern const struct backend_ops backend_hw;
/* backend-sim.c: the same image in sgx2-sim (link libsgx2-sim). */
extern const struct backend_ops backend_sim;

/* ---- For backends: what backend.c does once for both ---- */

#define BACKEND_MAX_CALLS 64

/*
 * The op a TCS is running. It stays at one address from EENTER to the
 * final EEXIT, across exceptions and ERESUMEs, because the enclave writes
 * its answer back through the pointer it was entered with.
 */
struct backend_call {
	uint64_t tcs; /* offset; valid while busy */
	int busy;
	struct encl_op op;
};

/*
 * The first member of each backend's struct backend. @run enters through
 * c->tcs with c->op (or resumes it), and sets r->exit and r->ex; on
 * BACKEND_DONE, c->op holds the enclave's answer. backend.c keeps the
 * slot of an interrupted op for resume() and releases the others.
 */
struct backend_common {
	uint64_t base;
	int (*run)(struct backend *b, struct backend_call *c, int resume,
		   struct backend_result *r);
	pthread_mutex_t lock; /* guards calls[].busy and .tcs */
	struct backend_call calls[BACKEND_MAX_CALLS];
};

void backend_common_init(struct backend_common *c, uint64_t base,
			 int (*run)(struct backend *, struct backend_call *,
				    int, struct backend_result *));
void backend_common_fini(struct backend_common *c);

int backend_nop(struct backend *b, uint64_t tcs, struct backend_result *r);
int backend_put(struct backend *b, uint64_t tcs, uint64_t value,
		struct backend_result *r);
int backend_get(struct backend *b, uint64_t tcs, struct backend_result *r);
int backend_read(struct backend *b, uint64_t tcs, uint64_t offset,
		 struct backend_result *r);
int backend_write(struct backend *b, uint64_t tcs, uint64_t offset,
		  uint64_t value, struct backend_result *r);
int backend_eaccept(struct backend *b, uint64_t tcs, uint64_t offset,
		    uint64_t len, uint64_t flags, struct backend_result *r);
int backend_emodpe(struct backend *b, uint64_t tcs, uint64_t offset,
		   uint64_t flags, struct backend_result *r);
int backend_init_tcs(struct backend *b, uint64_t tcs, uint64_t page,
		     uint64_t ssa, uint64_t entry, struct backend_result *r);
int backend_resume(struct backend *b, uint64_t tcs, struct backend_result *r);

/* The ops every backend takes from backend.c, in its ops table. */
#define BACKEND_COMMON_OPS                                                     \
	.nop = backend_nop, .put = backend_put, .get = backend_get,            \
	.read = backend_read, .write = backend_write,                          \
	.eaccept = backend_eaccept, .emodpe = backend_emodpe,                  \
	.init_tcs = backend_init_tcs, .resume = backend_resume

#endif /* BACKEND_H */
