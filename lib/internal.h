/* SPDX-License-Identifier: MIT */
/* Private to libsgx2: never installed. Cross-file symbols carry sgx2__. */
#ifndef SGX2_INTERNAL_H
#define SGX2_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "sgx2.h"

#define SGX2_EXPORT __attribute__((visibility("default")))

/* Options a handle has used: immutable once published, freed with it. */
struct sgx2__options_block {
	struct sgx2__options_block *next;
	struct sgx2_options opts;
};

struct sgx2_enclave {
	int fd;
	uint64_t base;
	uint64_t size;	 /* 0: unknown */
	atomic_int lock; /* held around each ioctl(): lock.c */
	/* Calls read the options without a lock: set_options publishes a
	 * new immutable block and keeps the old ones until the handle goes. */
	_Atomic(const struct sgx2_options *) opts;
	struct sgx2__options_block *retired;
	atomic_int zero_fd; /* /dev/zero for the pre-fault, or -1: prefault.c */
};

extern const struct sgx2_options sgx2__default_options;

/* lock.c: the fast paths inline, the sleeping ones out of line. */
void sgx2__lock_slow(atomic_int *lock);
void sgx2__unlock_slow(atomic_int *lock);

static inline void sgx2__lock(atomic_int *lock)
{
	int free = 0;

	if (!atomic_compare_exchange_strong_explicit(
		    lock, &free, 1, memory_order_acquire, memory_order_relaxed))
		sgx2__lock_slow(lock);
}

static inline void sgx2__unlock(atomic_int *lock)
{
	if (atomic_fetch_sub_explicit(lock, 1, memory_order_release) != 1)
		sgx2__unlock_slow(lock);
}

/* The three EDMM range ioctls. */
enum sgx2__op {
	SGX2__MODIFY_TYPES,
	SGX2__RESTRICT_PERMISSIONS,
	SGX2__REMOVE_PAGES,
};

/* State of one library call, shared by every ioctl it issues. */
struct sgx2__call {
	struct sgx2_enclave *encl;
	const struct sgx2_options *opts; /* the caller's, or the handle's */
	struct timespec deadline;	 /* valid when opts.timeout_ns != 0 */
	uint32_t ioctls;
	uint32_t retries;
	uint64_t sgx_result; /* `result` of the last ioctl */
};

/* enclave.c */
int sgx2__options_check(const struct sgx2_options *opts);
void sgx2__deadline_start(struct sgx2__call *call);

/* Resolve the options of one call (inline: it is on every call's path). */
static inline int sgx2__call_begin(struct sgx2__call *call,
				   struct sgx2_enclave *encl,
				   const struct sgx2_options *opts)
{
	call->encl = encl;
	call->ioctls = call->retries = 0;
	call->sgx_result = 0;
	call->opts = &sgx2__default_options;
	if (!encl || (opts && sgx2__options_check(opts)))
		return -EINVAL;
	call->opts =
		opts ? opts
		     : atomic_load_explicit(&encl->opts, memory_order_acquire);
	if (call->opts->timeout_ns)
		sgx2__deadline_start(call);
	return 0;
}

/* range.c */
int sgx2__range_check(const struct sgx2_enclave *encl, uint64_t offset,
		      uint64_t length);
int sgx2__perms_check(uint64_t perms);

/* flow.c: one flow in progress; the report is its state. */
struct sgx2__flow {
	struct sgx2__call call;
	const struct sgx2_callbacks *cb;
	struct sgx2_flow_report r;
	unsigned int chunks; /* chunks started */
	int saved_errno;
};

int sgx2__flow_begin(struct sgx2__flow *f, struct sgx2_enclave *encl,
		     uint64_t offset, uint64_t length,
		     const struct sgx2_callbacks *cb,
		     const struct sgx2_options *opts, int args_ok);
int sgx2__flow_end(struct sgx2__flow *f, struct sgx2_flow_report *report);
int sgx2__flow_fail(struct sgx2__flow *f, int err, uint32_t step);
int sgx2__flow_chunk(struct sgx2__flow *f, uint64_t from, uint64_t *end);
int sgx2__flow_ioctl(struct sgx2__flow *f, enum sgx2__op op, uint64_t arg,
		     uint64_t *counter, uint64_t end);
int sgx2__flow_try_accept(struct sgx2__flow *f, uint64_t end, uint64_t secinfo);
int sgx2__flow_accept(struct sgx2__flow *f, uint64_t end, uint64_t secinfo);

/* prefault.c: the host touch that has the kernel add pages (EAUG). */
int sgx2__zero_fd(struct sgx2_enclave *encl);
int sgx2__prefault(int zero_fd, uint64_t addr, uint64_t length, uint64_t *done);

/* ioctl.c: the only caller of ioctl(), and the only place that retries. */
int sgx2__submit(struct sgx2__call *call, enum sgx2__op op, uint64_t offset,
		 uint64_t length, uint64_t arg, uint64_t *done);
int sgx2__remove_accepted(struct sgx2__call *call, uint64_t offset,
			  uint64_t length, uint64_t *done);
int sgx2__remove_absent(struct sgx2__call *call, uint64_t offset,
			uint64_t length, uint64_t *done);
int sgx2__deadline_passed(const struct sgx2__call *call);
int sgx2__probe_ioctl(int fd);
int sgx2__probe_enclave(int fd);
int sgx2__open_device(void);

#endif /* SGX2_INTERNAL_H */
