// SPDX-License-Identifier: MIT
/* The enclave handle and its options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

SGX2_EXPORT void sgx2_options_init(struct sgx2_options *opts)
{
	if (!opts)
		return;
	memset(opts, 0, sizeof(*opts));
	opts->max_retries = SGX2_DEFAULT_MAX_RETRIES;
	opts->backoff_min_us = SGX2_DEFAULT_BACKOFF_MIN_US;
	opts->backoff_max_us = SGX2_DEFAULT_BACKOFF_MAX_US;
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
	pthread_mutex_init(&encl->lock, NULL);
	sgx2_options_init(&encl->opts);
	*out = encl;
	return 0;
}

SGX2_EXPORT void sgx2_enclave_free(struct sgx2_enclave *encl)
{
	if (!encl)
		return;
	pthread_mutex_destroy(&encl->lock);
	free(encl);
}

SGX2_EXPORT int sgx2_enclave_set_options(struct sgx2_enclave *encl,
					 const struct sgx2_options *opts)
{
	struct sgx2_options copy;

	if (!encl)
		return -EINVAL;
	if (opts) {
		if (sgx2__options_check(opts))
			return -EINVAL;
		copy = *opts;
	} else {
		sgx2_options_init(&copy);
	}
	pthread_mutex_lock(&encl->lock);
	encl->opts = copy;
	pthread_mutex_unlock(&encl->lock);
	return 0;
}

/* Resolve the options of one call and start its deadline clock. */
int sgx2__call_begin(struct sgx2__call *call, struct sgx2_enclave *encl,
		     const struct sgx2_options *opts)
{
	memset(call, 0, sizeof(*call));
	call->encl = encl;
	if (!encl)
		return -EINVAL;
	if (opts) {
		if (sgx2__options_check(opts))
			return -EINVAL;
		call->opts = *opts;
	} else {
		pthread_mutex_lock(&encl->lock);
		call->opts = encl->opts;
		pthread_mutex_unlock(&encl->lock);
	}
	if (call->opts.timeout_ns) {
		uint64_t t = call->opts.timeout_ns;
		long ns;

		clock_gettime(CLOCK_MONOTONIC, &call->deadline);
		ns = call->deadline.tv_nsec + (long)(t % 1000000000u);
		call->deadline.tv_sec +=
			(time_t)(t / 1000000000u) + ns / 1000000000;
		call->deadline.tv_nsec = ns % 1000000000;
	}
	return 0;
}
