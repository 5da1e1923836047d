/* SPDX-License-Identifier: MIT */
/* Private to libsgx2: never installed. Cross-file symbols carry sgx2__. */
#ifndef SGX2_INTERNAL_H
#define SGX2_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "sgx2.h"

#define SGX2_EXPORT __attribute__((visibility("default")))

struct sgx2_enclave {
	int fd;
	uint64_t base;
	uint64_t size;	      /* 0: unknown */
	pthread_mutex_t lock; /* held around each ioctl() and the options */
	struct sgx2_options opts;
};

/* The three EDMM range ioctls. */
enum sgx2__op {
	SGX2__MODIFY_TYPES,
	SGX2__RESTRICT_PERMISSIONS,
	SGX2__REMOVE_PAGES,
};

/* State of one library call, shared by every ioctl it issues. */
struct sgx2__call {
	struct sgx2_enclave *encl;
	struct sgx2_options opts;
	struct timespec deadline; /* valid when opts.timeout_ns != 0 */
	uint32_t ioctls;
	uint32_t retries;
	uint64_t sgx_result; /* `result` of the last ioctl */
};

/* enclave.c */
int sgx2__options_check(const struct sgx2_options *opts);
int sgx2__call_begin(struct sgx2__call *call, struct sgx2_enclave *encl,
		     const struct sgx2_options *opts);

/* range.c */
int sgx2__range_check(const struct sgx2_enclave *encl, uint64_t offset,
		      uint64_t length);
int sgx2__perms_check(uint64_t perms);
int sgx2__run_range(struct sgx2__call *call, enum sgx2__op op, uint64_t offset,
		    uint64_t length, uint64_t arg, uint64_t *done);

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
		     const struct sgx2_options *opts);
int sgx2__flow_end(struct sgx2__flow *f, struct sgx2_flow_report *report);
int sgx2__flow_fail(struct sgx2__flow *f, int err, uint32_t step);
int sgx2__flow_next_chunk(struct sgx2__flow *f, uint64_t from, uint64_t *end);
int sgx2__flow_ioctl(struct sgx2__flow *f, enum sgx2__op op, uint64_t arg,
		     uint64_t *counter, uint64_t end);
int sgx2__flow_accept(struct sgx2__flow *f, uint64_t end, uint64_t secinfo);

/* ioctl.c: the only caller of ioctl(), and the only place that retries. */
int sgx2__submit(struct sgx2__call *call, enum sgx2__op op, uint64_t offset,
		 uint64_t length, uint64_t arg, uint64_t *done);
int sgx2__deadline_passed(const struct sgx2__call *call);
int sgx2__probe_ioctl(int fd);

#endif /* SGX2_INTERNAL_H */
