// SPDX-License-Identifier: MIT
/*
 * Range arithmetic: validation before any ioctl, splitting into chunks,
 * and the report. The three public range operations live here.
 */
#include <errno.h>

#include "internal.h"

int sgx2__range_check(const struct sgx2_enclave *encl, uint64_t offset,
		      uint64_t length)
{
	if (offset % SGX2_PAGE_SIZE || length % SGX2_PAGE_SIZE || !length)
		return -EINVAL;
	/* The range's end, as an offset and as an address (the flows hand
	 * the callback base + offset; with the size unknown, nothing else
	 * keeps that inside the address space). */
	if (offset + length < offset ||
	    encl->base + offset + length <= encl->base)
		return -EOVERFLOW;
	if (encl->size && offset + length > encl->size)
		return -ERANGE;
	return 0;
}

/* Chunk by chunk; sgx2__submit() resumes and retries within each. */
static int run_range(struct sgx2__call *call, enum sgx2__op op, uint64_t offset,
		     uint64_t length, uint64_t arg, uint64_t *done)
{
	uint64_t chunk = call->opts->chunk_bytes;
	uint64_t n, sub, got = 0;
	int err = 0;

	while (got < length) {
		if (got && sgx2__deadline_passed(call)) {
			err = -ETIMEDOUT;
			break;
		}
		n = length - got;
		if (chunk && n > chunk)
			n = chunk;
		err = sgx2__submit(call, op, offset + got, n, arg, &sub);
		got += sub;
		if (err)
			break;
	}
	*done = got;
	return err;
}

/* The kernel refuses these too, but only after its own checks. */
int sgx2__perms_check(uint64_t perms)
{
	if (perms & ~(uint64_t)(SGX2_PERM_R | SGX2_PERM_W | SGX2_PERM_X))
		return -EINVAL;
	return (perms & SGX2_PERM_W) && !(perms & SGX2_PERM_R) ? -EINVAL : 0;
}

static int arg_check(enum sgx2__op op, uint64_t arg)
{
	switch (op) {
	case SGX2__MODIFY_TYPES:
		return arg == SGX2_PAGE_TYPE_TCS || arg == SGX2_PAGE_TYPE_TRIM
			       ? 0
			       : -EINVAL;
	case SGX2__RESTRICT_PERMISSIONS:
		return sgx2__perms_check(arg);
	case SGX2__REMOVE_PAGES:
		return 0;
	}
	return -EINVAL;
}

/* Inlined into each operation: one call layer less per ioctl. */
static inline __attribute__((always_inline)) int
range_op(struct sgx2_enclave *encl, enum sgx2__op op, uint64_t offset,
	 uint64_t length, uint64_t arg, const struct sgx2_options *opts,
	 struct sgx2_report *report)
{
	struct sgx2__call call;
	uint64_t done = 0;
	int err;

	err = sgx2__call_begin(&call, encl, opts);
	if (!err)
		err = sgx2__range_check(encl, offset, length);
	if (!err)
		err = arg_check(op, arg);
	if (!err)
		err = run_range(&call, op, offset, length, arg, &done);

	if (report) {
		*report = (struct sgx2_report){
			.offset = offset,
			.length = length,
			.done = done,
			.sgx_result = err ? call.sgx_result : 0,
			.error = err,
			.ioctls = call.ioctls,
			.retries = call.retries,
		};
	}
	return err;
}

SGX2_EXPORT int sgx2_modify_types(struct sgx2_enclave *encl, uint64_t offset,
				  uint64_t length, uint64_t page_type,
				  const struct sgx2_options *opts,
				  struct sgx2_report *report)
{
	return range_op(encl, SGX2__MODIFY_TYPES, offset, length, page_type,
			opts, report);
}

SGX2_EXPORT int sgx2_restrict_permissions(struct sgx2_enclave *encl,
					  uint64_t offset, uint64_t length,
					  uint64_t perms,
					  const struct sgx2_options *opts,
					  struct sgx2_report *report)
{
	return range_op(encl, SGX2__RESTRICT_PERMISSIONS, offset, length, perms,
			opts, report);
}

SGX2_EXPORT int sgx2_remove_pages(struct sgx2_enclave *encl, uint64_t offset,
				  uint64_t length,
				  const struct sgx2_options *opts,
				  struct sgx2_report *report)
{
	return range_op(encl, SGX2__REMOVE_PAGES, offset, length, 0, opts,
			report);
}
