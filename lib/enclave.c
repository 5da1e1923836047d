// SPDX-License-Identifier: MIT
/* The enclave handle and its options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

const struct sgx2_options sgx2__default_options = {
	.max_retries = SGX2_DEFAULT_MAX_RETRIES,
	.backoff_min_us = SGX2_DEFAULT_BACKOFF_MIN_US,
	.backoff_max_us = SGX2_DEFAULT_BACKOFF_MAX_US,
};

SGX2_EXPORT void sgx2_options_init(struct sgx2_options *opts)
{
	if (opts)
		*opts = sgx2__default_options;
}

int sgx2__options_check(const struct sgx2_options *opts)
{
	unsigned int i;

	if (opts->reserved0 || opts->chunk_bytes % SGX2_PAGE_SIZE ||
	    opts->backoff_min_us > opts->backoff_max_us)
		return -EINVAL;
	for (i = 0; i < sizeof(opts->reserved) / sizeof(opts->reserved[0]); i++)
		if (opts->reserved[i])
			return -EINVAL;
	return 0;
}

SGX2_EXPORT int sgx2_enclave_new(struct sgx2_enclave **out, int fd,
				 uint64_t base, uint64_t size)
{
	struct sgx2_enclave *encl;
	int saved_errno = errno;

	if (!out || base % SGX2_PAGE_SIZE || size % SGX2_PAGE_SIZE)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;
	if (base + size < base)
		return -EOVERFLOW;

	encl = calloc(1, sizeof(*encl));
	if (!encl) {
		errno = saved_errno;
		return -ENOMEM;
	}
	encl->fd = fd;
	encl->base = base;
	encl->size = size;
	atomic_init(&encl->lock, 0);
	atomic_init(&encl->opts, &sgx2__default_options);
	atomic_init(&encl->log, sgx2__log_env());
	atomic_init(&encl->zero_fd, -1);
	*out = encl;
	return 0;
}

SGX2_EXPORT void sgx2_enclave_free(struct sgx2_enclave *encl)
{
	int saved_errno = errno;

	if (!encl)
		return;
	if (atomic_load(&encl->zero_fd) >= 0)
		close(atomic_load(&encl->zero_fd));
	errno = saved_errno;
	while (encl->retired) {
		struct sgx2__options_block *b = encl->retired;

		encl->retired = b->next;
		free(b);
	}
	sgx2__log_free(encl->log_retired);
	free(encl);
}

SGX2_EXPORT int sgx2_enclave_set_options(struct sgx2_enclave *encl,
					 const struct sgx2_options *opts)
{
	const struct sgx2_options *publish = &sgx2__default_options;
	struct sgx2__options_block *b = NULL;
	int saved_errno = errno;

	if (!encl || (opts && sgx2__options_check(opts)))
		return -EINVAL;
	if (opts) {
		b = malloc(sizeof(*b));
		if (!b) {
			errno = saved_errno;
			return -ENOMEM;
		}
		b->opts = *opts;
		publish = &b->opts;
	}
	sgx2__lock(&encl->lock);
	if (b) {
		b->next = encl->retired;
		encl->retired = b;
	}
	atomic_store_explicit(&encl->opts, publish, memory_order_release);
	sgx2__unlock(&encl->lock);
	return 0;
}

/* The deadline of a call with a timeout: now + timeout_ns. */
void sgx2__deadline_start(struct sgx2__call *call)
{
	uint64_t t = call->opts->timeout_ns;
	long ns;

	clock_gettime(CLOCK_MONOTONIC, &call->deadline);
	ns = call->deadline.tv_nsec + (long)(t % 1000000000u);
	call->deadline.tv_sec += (time_t)(t / 1000000000u) + ns / 1000000000;
	call->deadline.tv_nsec = ns % 1000000000;
}
