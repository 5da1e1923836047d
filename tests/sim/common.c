// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common.h"

struct fx *fx_new(uint64_t heap_pages)
{
	struct sgx2_sim_segment segs[] = {
		{ .offset = TCS1_OFF,
		  .pages = 2,
		  .type = SGX2_SIM_PAGE_TYPE_TCS },
		{ .offset = TEXT_OFF,
		  .pages = 2,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_X },
		{ .offset = DATA_OFF,
		  .pages = 4,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W },
		{ .offset = HEAP_OFF,
		  .pages = heap_pages,
		  .type = SGX2_SIM_PAGE_TYPE_REG,
		  .perms = SGX2_SIM_SECINFO_R | SGX2_SIM_SECINFO_W },
	};
	struct sgx2_sim_layout layout = { .segs = segs, .nsegs = 4 };
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->total = HEAP_OFF + heap_pages * PAGE;
	/* Room after the segments for the augment and tcs_create tests. */
	for (layout.size = 8 * PAGE; layout.size < fx->total + 8 * PAGE;)
		layout.size <<= 1;
	assert_int_equal(sgx2_sim_enclave_create(&layout, &fx->fd, &fx->base),
			 0);
	fx->size = layout.size;
	fx->heap_size = heap_pages * PAGE;
	fx->tcs1 = fx->base + TCS1_OFF;
	fx->tcs2 = fx->base + TCS2_OFF;
	fx->data_off = DATA_OFF + PAGE;
	fx->data = fx->base + fx->data_off;
	return fx;
}

void fx_free(struct fx *fx)
{
	if (!fx)
		return;
	assert_int_equal(sgx2_sim_enclave_destroy(fx->fd), 0);
	free(fx);
}

int fx_setup(void **state)
{
	*state = fx_new(4);
	return 0;
}

int fx_teardown(void **state)
{
	fx_free(*state);
	return 0;
}

struct sgx2_sim_run *run_on(struct fx *fx, uint64_t tcs)
{
	memset(&fx->run, 0, sizeof(fx->run));
	fx->run.tcs = tcs;
	return &fx->run;
}

struct sgx2_sim_run *run1(struct fx *fx)
{
	return run_on(fx, fx->tcs1);
}

void put_ok(struct fx *fx, uint64_t addr, uint64_t value)
{
	assert_int_equal(sgx2_sim_write(fx->fd, run1(fx), addr, value), 0);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
}

uint64_t get_ok(struct fx *fx, uint64_t addr)
{
	assert_int_equal(sgx2_sim_read(fx->fd, run1(fx), addr), 0);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	return fx->run.value;
}

void eaccept_ok(struct fx *fx, uint64_t addr, uint64_t secinfo)
{
	assert_int_equal(sgx2_sim_eaccept(fx->fd, run1(fx), addr, secinfo), 0);
	assert_int_equal(fx->run.exception_vector, 0);
	assert_int_equal(fx->run.function, SGX2_SIM_EEXIT);
	assert_int_equal(fx->run.ret, 0);
}

void tcs_init(struct fx *fx, uint64_t addr, uint64_t ossa)
{
	put_ok(fx, addr + 16, ossa);	   /* OSSA */
	put_ok(fx, addr + 24, 1ull << 32); /* CSSA 0, NSSA 1 */
	put_ok(fx, addr + 32, TEXT_OFF);   /* OENTRY */
}

static struct ioc finish(int ret, uint64_t result, uint64_t count)
{
	struct ioc r = { .ret = ret,
			 .err = ret == -1 ? errno : 0,
			 .result = result,
			 .count = count };

	return r;
}

struct ioc modt(int fd, uint64_t offset, uint64_t length, uint64_t type)
{
	struct sgx_enclave_modify_types p = { .offset = offset,
					      .length = length,
					      .page_type = type };
	int ret = ioctl(fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, &p);

	return finish(ret, p.result, p.count);
}

struct ioc restrict_perms(int fd, uint64_t offset, uint64_t length,
			  uint64_t perms)
{
	struct sgx_enclave_restrict_permissions p = { .offset = offset,
						      .length = length,
						      .permissions = perms };
	int ret = ioctl(fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &p);

	return finish(ret, p.result, p.count);
}

struct ioc remove_pages(int fd, uint64_t offset, uint64_t length)
{
	struct sgx_enclave_remove_pages p = { .offset = offset,
					      .length = length };
	int ret = ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &p);

	return finish(ret, 0, p.count);
}

void probe_edmm(int fd)
{
	struct sgx_enclave_remove_pages p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &p), -1);
	assert_int_equal(errno, EINVAL);
}

struct sgx2_sim_page page_at(int fd, uint64_t offset)
{
	struct sgx2_sim_page pg;

	assert_int_equal(sgx2_sim_page_state(fd, offset, &pg), 0);
	return pg;
}

struct sgx2_sim_stats stats_of(int fd)
{
	struct sgx2_sim_stats st;

	assert_int_equal(sgx2_sim_get_stats(fd, &st), 0);
	return st;
}

void set_config(int fd, uint32_t kernel, uint32_t sgx2)
{
	struct sgx2_sim_config cfg;

	sgx2_sim_config_init(&cfg);
	cfg.kernel = kernel;
	cfg.sgx2 = sgx2;
	assert_int_equal(sgx2_sim_configure(fd, &cfg), 0);
}
