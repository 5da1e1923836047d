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

/* A trace destination (trace.c): immutable once published. */
struct sgx2__log {
	struct sgx2__log *next; /* retired, freed with the handle */
	sgx2_log_fn fn;		/* never NULL */
	void *data;
	unsigned int kinds; /* SGX2_LOG_*, never 0: no block means off */
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
	/* Tracing: NULL when off (the one branch an ioctl pays for it). */
	_Atomic(const struct sgx2__log *) log;
	struct sgx2__log *log_retired;
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
	uint64_t sgx_result;	     /* `result` of the last ioctl */
	const struct sgx2__log *log; /* the handle's, NULL: not tracing */
	uint64_t trace_ns;	     /* when tracing: the last trace point, */
	uint64_t slept_ns;	     /* and the backoff slept since */
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
	call->log = NULL;
	if (!encl || (opts && sgx2__options_check(opts)))
		return -EINVAL;
	call->log = atomic_load_explicit(&encl->log, memory_order_acquire);
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

/* trace.c: the flows' step lines (only when tracing). */
void sgx2__trace_flow_begin(struct sgx2__flow *f);
void sgx2__trace_flow_end(struct sgx2__flow *f);
void sgx2__trace_accept(struct sgx2__flow *f, uint64_t len, uint64_t secinfo,
			int64_t got);
void sgx2__trace_map(struct sgx2__flow *f, int map, uint64_t offset,
		     uint64_t len, int prot, int err);
void sgx2__trace_prefault(struct sgx2__flow *f, uint64_t offset, uint64_t len,
			  uint64_t done, int err);

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

/*
 * trace.c: the lines. Called only when call->log is set; each formats
 * into a stack buffer and hands the line to the handle's function.
 */
const struct sgx2__log *sgx2__log_env(void);
void sgx2__log_free(struct sgx2__log *retired);
uint64_t sgx2__trace_now(void);
void sgx2__trace(struct sgx2__call *call, unsigned int kind, uint64_t idle_ns,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *sgx2__trace_errname(int err);

/* One ioctl's trace line: what was asked, answered, and decided. */
enum sgx2__decision {
	SGX2__DONE,
	SGX2__FAIL,	    /* not transient */
	SGX2__EPROTO_COUNT, /* a count outside the range */
	SGX2__TIMEOUT,
	SGX2__GIVE_UP, /* max_retries in a row without progress */
	SGX2__RETRY_NOW,
	SGX2__RETRY_BACKOFF,
};

struct sgx2__trace_io {
	enum sgx2__op op;
	uint64_t offset, length, arg;
	int err;
	uint64_t count, result;
	enum sgx2__decision decision;
	unsigned int streak; /* retries in a row without progress */
};

/* Out of line and cold: off, the call path keeps nothing live for them. */
void sgx2__trace_ioctl(struct sgx2__call *call, const struct sgx2__trace_io *t)
	__attribute__((cold));
/* The start of a traced call's ioctls; a backoff's start (1), end (0). */
void sgx2__trace_begin(struct sgx2__call *call) __attribute__((cold));
void sgx2__trace_sleep(struct sgx2__call *call, int start)
	__attribute__((cold));

/* The trace test: predicted not taken, so that off costs that branch. */
#define SGX2__TRACING(call) __builtin_expect((call)->log != NULL, 0)

#endif /* SGX2_INTERNAL_H */
