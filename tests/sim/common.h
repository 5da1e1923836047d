/* SPDX-License-Identifier: MIT */
/*
 * Shared by the simulator tests: an enclave shaped like the kernel
 * selftests' test enclave (two TCS pages at the base, code, data, heap),
 * built with sgx2_sim_enclave_create(), and short helpers for raw ioctls.
 */
#ifndef SIM_TEST_COMMON_H
#define SIM_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <asm/sgx.h>

#include "sgx2-sim.h"

#define PAGE 4096ull
#define MAGIC 0x1122334455667788ull
#define MAGIC2 0x8877665544332211ull

/* SECINFO flags the selftests EACCEPT with. */
#define ACCEPT_AUG 0x20bull	   /* R|W|REG|PENDING */
#define ACCEPT_TRIM 0x410ull	   /* TRIM|MODIFIED */
#define ACCEPT_TCS 0x110ull	   /* TCS|MODIFIED */
#define ACCEPT_RESTRICT_R 0x221ull /* R|REG|PR */

/* Offsets of the test enclave's segments. */
#define TCS1_OFF 0x0000ull
#define TCS2_OFF 0x1000ull
#define TEXT_OFF 0x2000ull /* 2 pages R|X */
#define DATA_OFF 0x4000ull /* 4 pages R|W; the selftests' "data" is the 2nd */
#define HEAP_OFF 0x8000ull /* heap pages R|W */

struct fx {
	int fd;
	uint64_t base;
	uint64_t size;
	uint64_t total;	    /* total_seg_size: end of the last segment */
	uint64_t heap_size; /* bytes */
	uint64_t tcs1, tcs2;
	uint64_t data_off; /* DATA_OFF + PAGE */
	uint64_t data;	   /* base + data_off */
	struct sgx2_sim_run run;
};

/* cmocka setup/teardown: a fresh enclave per test, heap of 4 pages. */
int fx_setup(void **state);
int fx_teardown(void **state);
/* The same with @heap_pages of heap. */
struct fx *fx_new(uint64_t heap_pages);
void fx_free(struct fx *fx);

/* One entry through TCS#1 (or @tcs); the run is left in fx->run. */
struct sgx2_sim_run *run_on(struct fx *fx, uint64_t tcs);
struct sgx2_sim_run *run1(struct fx *fx);

/* An entry through TCS#1 that must end with EEXIT. */
void put_ok(struct fx *fx, uint64_t addr, uint64_t value);
uint64_t get_ok(struct fx *fx, uint64_t addr);
void eaccept_ok(struct fx *fx, uint64_t addr, uint64_t secinfo);
/*
 * Fill the page at @addr with a TCS, as an enclave does before it makes
 * the page a TCS (EACCEPT checks the contents): OSSA @ossa, NSSA 1,
 * OENTRY the code segment, everything else 0.
 */
void tcs_init(struct fx *fx, uint64_t addr, uint64_t ossa);

/* The raw ioctls, selftest style: ret, and errno saved (0 on success). */
struct ioc {
	int ret;
	int err;
	uint64_t result;
	uint64_t count;
};
struct ioc modt(int fd, uint64_t offset, uint64_t length, uint64_t type);
struct ioc restrict_perms(int fd, uint64_t offset, uint64_t length,
			  uint64_t perms);
struct ioc remove_pages(int fd, uint64_t offset, uint64_t length);

/* The selftests' support probe: a zeroed struct must give EINVAL. */
void probe_edmm(int fd);

/* Model @kernel (SGX2_SIM_KERNEL_*) on a CPU with or without @sgx2. */
void set_config(int fd, uint32_t kernel, uint32_t sgx2);

/* The simulator's view of one page; asserts the call works. */
struct sgx2_sim_page page_at(int fd, uint64_t offset);
struct sgx2_sim_stats stats_of(int fd);

#endif /* SIM_TEST_COMMON_H */
