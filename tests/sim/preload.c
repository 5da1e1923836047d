// SPDX-License-Identifier: MIT
/*
 * An unmodified loader's view: this program is not linked with the
 * simulator. Run with LD_PRELOAD=libsgx2-sim.so.0 and SGX2_SIM_DEVICE=1,
 * its open("/dev/sgx_enclave") gets a simulated enclave and its raw
 * ioctl()/mmap()/mprotect() calls reach the simulator, and its stat() of
 * the device path, as the kernel selftests make, describes a character
 * device. The enclave side
 * is found with dlsym(), as a test harness without a link-time dependency
 * would. The SIGSTRUCT is signed as a signing tool would sign it, with the
 * examples' measure.c and sigstruct.c. With --expect-eagain,
 * SGX2_SIM_FAULTS must inject an EAGAIN at page 1 of the first
 * MODIFY_TYPES.
 *
 * Exit status: 0 when everything behaved as the kernel would, 1 if not.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "measure.h"
#include "sigstruct.h"

#define PAGE 4096ull
#define SIZE (16 * PAGE)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: %s failed (errno %d)\n",       \
				__FILE__, __LINE__, #cond, errno);             \
			exit(1);                                               \
		}                                                              \
	} while (0)

/* The simulator's enclave side, looked up at run time. */
struct run {
	uint64_t tcs;
	uint32_t function;
	uint16_t exception_vector;
	uint16_t exception_error_code;
	uint64_t exception_addr;
	uint64_t ret;
	uint64_t value;
	uint64_t done;
	uint64_t reserved[2];
};
typedef int (*eaccept_fn)(int, struct run *, uint64_t, uint64_t, uint64_t);

/* ADD_PAGES, not measured: only the EADD records go into @m. */
static void add(int fd, struct measure *m, uint64_t offset, uint64_t n,
		uint64_t flags, const void *src)
{
	struct sgx_secinfo si = { .flags = flags };
	struct sgx_enclave_add_pages a = { .src = (uintptr_t)src,
					   .offset = offset,
					   .length = n * PAGE,
					   .secinfo = (uintptr_t)&si };

	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a) == 0);
	CHECK(a.count == n * PAGE);
	for (uint64_t i = 0; i < n; i++)
		CHECK(measure_eadd(m, offset + i * PAGE, flags) == 0);
}

/* What a signing tool makes for the enclave measured in @m. */
static void sign(struct measure *m, const struct sgx_secs *secs,
		 struct sgx_sigstruct *ss)
{
	EVP_PKEY *key = sigstruct_keygen();
	uint8_t mrenclave[32];

	CHECK(key && measure_final(m, mrenclave) == 0);
	sigstruct_init(ss, mrenclave, secs->attributes, secs->xfrm,
		       sigstruct_date());
	CHECK(sigstruct_sign(ss, key) == 0);
	EVP_PKEY_free(key);
}

int main(int argc, char **argv)
{
	int expect_eagain = argc > 1 && !strcmp(argv[1], "--expect-eagain");
	static struct sgx_secs secs;
	static struct sgx_sigstruct sigstruct;
	struct sgx_enclave_create create = { .src = (uintptr_t)&secs };
	struct sgx_enclave_init init = { .sigstruct = (uintptr_t)&sigstruct };
	struct measure m;
	struct sgx_enclave_modify_types mt = { 0 };
	struct sgx_enclave_remove_pages rm = { 0 };
	struct sgx_enclave_restrict_permissions rp = { 0 };
	uint64_t area, base;
	struct run run = { 0 };
	eaccept_fn eaccept_range;
	struct stat st;
	void *src, *p;
	int fd, fds[2];

	fd = open("/dev/sgx_enclave", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0); /* fails unless the simulator is preloaded */
	CHECK(stat("/dev/sgx_enclave", &st) == 0);
	CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 10 &&
	      minor(st.st_rdev) == 125);
	CHECK(stat("/dev/null", &st) == 0 && major(st.st_rdev) == 1);

	/* The loader's reservation, CREATE, ADD_PAGES, INIT, mappings. */
	p = mmap(NULL, 2 * SIZE, PROT_NONE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	area = (uintptr_t)p;
	base = (area + SIZE - 1) & ~(SIZE - 1);
	if (base > area)
		CHECK(munmap(p, base - area) == 0);
	CHECK(munmap((void *)(base + SIZE), area + SIZE - base) == 0);
	secs.size = SIZE;
	secs.base = base;
	secs.ssa_frame_size = 1;
	secs.attributes = SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT;
	secs.xfrm = SGX_XFRM_LEGACY;
	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &create) == 0);
	CHECK(measure_ecreate(&m, secs.ssa_frame_size, secs.size) == 0);
	src = aligned_alloc(PAGE, 4 * PAGE);
	CHECK(src);
	memset(src, 0, 4 * PAGE);
	add(fd, &m, 0, 1, 0x100, src);		/* TCS */
	add(fd, &m, PAGE, 4, 0x200 | 0x3, src); /* REG RW */
	free(src);
	sign(&m, &secs, &sigstruct);
	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_INIT, &init) == 0);
	CHECK(mmap((void *)base, 5 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fd, 0) == (void *)base);

	/* The EDMM ioctls, raw. */
	mt.offset = PAGE;
	mt.length = 2 * PAGE;
	mt.page_type = 4; /* TRIM */
	if (expect_eagain) {
		CHECK(ioctl(fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt) == -1);
		CHECK(errno == EAGAIN && mt.count == PAGE);
		mt.offset += mt.count;
		mt.length -= mt.count;
		mt.count = 0;
	}
	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt) == 0);
	CHECK(mt.count == mt.length && mt.result == 0);

	rm.offset = PAGE;
	rm.length = 2 * PAGE;
	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm) == -1);
	CHECK(errno == EPERM && rm.count == 0); /* not accepted yet */

	eaccept_range = (eaccept_fn)(uintptr_t)dlsym(RTLD_DEFAULT,
						     "sgx2_sim_eaccept_range");
	CHECK(eaccept_range);
	run.tcs = base;
	CHECK(eaccept_range(fd, &run, base + PAGE, 2 * PAGE, 0x410) == 0);
	CHECK(run.ret == 0 && run.done == 2 * PAGE);
	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm) == 0);
	CHECK(rm.count == 2 * PAGE);

	rp.offset = 3 * PAGE;
	rp.length = PAGE;
	rp.permissions = 1;
	CHECK(ioctl(fd, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp) == 0);
	CHECK(rp.count == PAGE);

	/* mprotect() is held to vm_max_prot_bits (RW here). */
	CHECK(mprotect((void *)(base + 3 * PAGE), PAGE,
		       PROT_READ | PROT_WRITE | PROT_EXEC) == -1);
	CHECK(errno == EACCES);

	/* Other descriptors still reach the kernel. */
	CHECK(pipe(fds) == 0);
	CHECK(ioctl(fds[0], SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm) == -1);
	CHECK(errno == ENOTTY);
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);

	CHECK(munmap((void *)base, SIZE) == 0);
	CHECK(close(fd) == 0);
	printf("ok: raw ioctls reached the simulator through LD_PRELOAD\n");
	return 0;
}
