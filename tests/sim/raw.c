// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "raw.h"

static EVP_PKEY *key(void)
{
	static EVP_PKEY *k;

	if (!k)
		k = sigstruct_keygen();
	assert_non_null(k);
	return k;
}

int raw_setup(void **state)
{
	struct raw *r = aligned_alloc(alignof(struct raw), sizeof(*r));
	uint64_t area;
	void *p;

	assert_non_null(r);
	memset(r, 0, sizeof(*r));
	r->fd = sgx2_sim_open(0);
	assert_true(r->fd >= 0);
	p = mmap(NULL, 2 * RAW_SIZE, PROT_NONE, MAP_SHARED, r->fd, 0);
	assert_ptr_not_equal(p, MAP_FAILED);
	area = (uintptr_t)p;
	r->base = (area + RAW_SIZE - 1) & ~(RAW_SIZE - 1);
	if (r->base > area)
		assert_int_equal(munmap(p, r->base - area), 0);
	assert_int_equal(
		munmap((void *)(r->base + RAW_SIZE), area + RAW_SIZE - r->base),
		0);
	r->pages = aligned_alloc(PAGE, 4 * PAGE);
	assert_non_null(r->pages);
	memset(r->pages, 0x5a, 4 * PAGE);
	/* EADD refuses a TCS whose reserved bytes are not zero. */
	r->tcs = aligned_alloc(PAGE, 4 * PAGE);
	assert_non_null(r->tcs);
	memset(r->tcs, 0, 4 * PAGE);
	for (unsigned int i = 0; i < 4; i++)
		r->tcs[i * PAGE + 28] = 1; /* NSSA */
	r->secs.size = RAW_SIZE;
	r->secs.base = r->base;
	r->secs.ssa_frame_size = 1;
	r->secs.attributes = SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT;
	r->secs.xfrm = SGX_XFRM_LEGACY;
	*state = r;
	return 0;
}

int raw_teardown(void **state)
{
	struct raw *r = *state;

	assert_int_equal(munmap((void *)r->base, RAW_SIZE), 0);
	assert_int_equal(close(r->fd), 0);
	measure_abort(&r->m);
	free(r->pages);
	free(r->tcs);
	free(r);
	return 0;
}

int errno_of(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

int raw_create(struct raw *r)
{
	struct sgx_enclave_create c = { .src = (uintptr_t)&r->secs };
	int err = errno_of(r->fd, SGX_IOC_ENCLAVE_CREATE, &c);

	if (!err)
		raw_remeasure(r);
	return err;
}

void raw_remeasure(struct raw *r)
{
	measure_abort(&r->m);
	assert_int_equal(
		measure_ecreate(&r->m, r->secs.ssa_frame_size, r->secs.size),
		0);
}

void raw_record(struct raw *r, uint64_t offset, uint64_t n, uint64_t flags,
		int extend, const void *src)
{
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(measure_page(&r->m, offset + i * PAGE, flags,
					      (const uint8_t *)src + i * PAGE,
					      extend),
				 0);
}

int raw_add(struct raw *r, uint64_t offset, uint64_t n, uint64_t flags,
	    uint64_t mflags, uint64_t *count)
{
	const unsigned char *src =
		((flags >> 8) & 0xff) == SGX2_SIM_PAGE_TYPE_TCS ? r->tcs
								: r->pages;
	struct sgx_enclave_add_pages a = { .src = (uintptr_t)src,
					   .offset = offset,
					   .length = n * PAGE,
					   .secinfo = (uintptr_t)&r->secinfo,
					   .flags = mflags };
	int err;

	r->secinfo.flags = flags;
	err = errno_of(r->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a);
	raw_record(r, offset, a.count / PAGE, flags,
		   !!(mflags & SGX_PAGE_MEASURE), src);
	if (count)
		*count = a.count;
	return err;
}

void raw_sign(struct raw *r)
{
	uint8_t mrenclave[32];

	assert_int_equal(measure_final(&r->m, mrenclave), 0);
	sigstruct_init(&r->ss, mrenclave, r->secs.attributes, r->secs.xfrm,
		       sigstruct_date());
	raw_resign(r);
}

void raw_resign(struct raw *r)
{
	assert_int_equal(sigstruct_sign(&r->ss, key()), 0);
}

int raw_init(struct raw *r)
{
	struct sgx_enclave_init in = { .sigstruct = (uintptr_t)&r->ss };

	if (!r->ss.exponent && r->m.md)
		raw_sign(r);
	return errno_of(r->fd, SGX_IOC_ENCLAVE_INIT, &in);
}

uint32_t einit_code(int fd)
{
	struct sgx2_sim_info info;

	assert_int_equal(sgx2_sim_get_info(fd, &info), 0);
	return info.einit_code;
}
