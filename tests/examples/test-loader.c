// SPDX-License-Identifier: MIT
/*
 * The loader's steps that need no SGX: reading and checking the enclave
 * and its SIGSTRUCT, the SECS it would hand to ECREATE, the aligned
 * address reservation, the vDSO symbol lookup, the assembly wrapper
 * around __vdso_sgx_enter_enclave and the user_handler protocol of
 * loader_enter() (against fake vDSO functions).
 * And the examples' signer tested for real: the enclave built through the
 * simulator's ioctls as loader_start() builds it (the SECS of
 * loader_secs(), every segment added with SGX_PAGE_MEASURE) initialises
 * with the SIGSTRUCT sgx2-sign made; the simulator's EINIT measures the
 * pages itself and verifies the signature (when it has libcrypto).
 *
 * Usage: test-loader ENCLAVE.elf ENCLAVE.sigstruct
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <asm/sgx.h>
#include <cmocka.h>
#include <sgx2-sim.h>

#include "loader.h"
#include "sgx2-sim.h"
#include "vdso.h"

static const char *arg_elf, *arg_ss;

/* fake-vdso.S */
extern uint64_t fake_seen[8];
int fake_vdso(unsigned long rdi, unsigned long rsi, unsigned long rdx,
	      unsigned int function, unsigned long r8, unsigned long r9,
	      struct sgx_enclave_run *run);
int probe_enter(void *fn, unsigned long rdi, unsigned int function,
		struct sgx_enclave_run *run, uint64_t regs[5]);

/* A copy of the SIGSTRUCT, changed by @edit, in a temporary file. */
static void write_temp(char *path, const void *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/test-loader-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void prepare_matches(void **state)
{
	struct loader_enclave encl;

	(void)state;
	assert_int_equal(loader_prepare(&encl, arg_elf, arg_ss), 0);
	assert_memory_equal(encl.mrenclave, encl.sigstruct.body.mrenclave, 32);
	assert_int_equal(encl.size, encl.img.encl_size);
	assert_int_equal(encl.fd, -1);
	loader_destroy(&encl);
	loader_destroy(NULL);
}

static void prepare_refuses(void **state)
{
	struct loader_enclave encl;
	struct sgx_sigstruct ss;
	char path[64];

	(void)state;
	assert_int_equal(loader_prepare(&encl, arg_elf, arg_ss), 0);
	ss = encl.sigstruct;
	loader_destroy(&encl);

	/* A SIGSTRUCT for another enclave. */
	ss.body.mrenclave[31] ^= 0x80;
	write_temp(path, &ss, sizeof(ss));
	assert_int_equal(loader_prepare(&encl, arg_elf, path), -EBADMSG);
	unlink(path);

	/* Not a SIGSTRUCT at all. */
	write_temp(path, &ss, 100);
	assert_int_equal(loader_prepare(&encl, arg_elf, path), -EINVAL);
	unlink(path);

	/* A 32-bit enclave's. */
	ss.body.mrenclave[31] ^= 0x80;
	ss.body.attributes &= ~(uint64_t)SGX_ATTR_MODE64BIT;
	write_temp(path, &ss, sizeof(ss));
	assert_int_equal(loader_prepare(&encl, arg_elf, path), -EINVAL);
	unlink(path);

	assert_int_equal(loader_prepare(&encl, "/nonexistent", arg_ss),
			 -ENOENT);
	assert_int_equal(loader_prepare(&encl, arg_elf, "/nonexistent"),
			 -ENOENT);
}

static void secs_fields(void **state)
{
	struct loader_enclave encl;
	struct sgx_secs *secs = aligned_alloc(4096, sizeof(*secs));
	const uint8_t *raw = (const uint8_t *)secs;

	(void)state;
	assert_non_null(secs);
	assert_int_equal(loader_prepare(&encl, arg_elf, arg_ss), 0);
	memset(secs, 0xAA, sizeof(*secs));
	loader_secs(&encl, 0x7f0000000000ull, secs);
	assert_int_equal(secs->size, encl.img.encl_size);
	assert_int_equal(secs->base, 0x7f0000000000ull);
	assert_int_equal(secs->base % secs->size, 0);
	assert_int_equal(secs->ssa_frame_size, encl.img.ssa_frame_pages);
	assert_int_equal(secs->miscselect, 0);
	assert_int_equal(secs->attributes, encl.sigstruct.body.attributes);
	assert_true(secs->attributes & SGX_ATTR_MODE64BIT);
	assert_false(secs->attributes & SGX_ATTR_INIT);
	assert_int_equal(secs->xfrm, SGX_XFRM_LEGACY);
	/* Everything else zero: reserved fields, MRENCLAVE, MRSIGNER, ... */
	for (size_t i = 64; i < sizeof(*secs); i++)
		assert_int_equal(raw[i], 0);
	for (size_t i = 24; i < 48; i++)
		assert_int_equal(raw[i], 0);
	loader_destroy(&encl);
	free(secs);
}

/*
 * Linux 6.19's first open may answer EAGAIN (EUPDATESVN short of
 * entropy): the loader tries again, LOADER_OPEN_TRIES times in all. The
 * simulator (which this test links) plays the device.
 */
static void open_device_retries_eagain(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(sgx2_sim_set_device(1), 0);
	assert_int_equal(sgx2_sim_inject_open(EAGAIN, LOADER_OPEN_TRIES - 1),
			 0);
	fd = loader_open_device();
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sgx2_sim_inject_open(EAGAIN, LOADER_OPEN_TRIES), 0);
	assert_int_equal(loader_open_device(), -EAGAIN);
	assert_int_equal(sgx2_sim_inject_open(EIO, 1), 0);
	assert_int_equal(loader_open_device(), -EIO); /* not retried */
	fd = loader_open_device();
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sgx2_sim_set_device(0), 0);
}

static void reserve_aligned(void **state)
{
	static const uint64_t sizes[] = { 1ull << 20, 1ull << 24, 1ull << 30 };
	unsigned char *vec = malloc((1ull << 30) / 4096);
	uint64_t base;

	(void)state;
	assert_non_null(vec);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(loader_reserve(sizes[i], &base), 0);
		assert_int_equal(base % sizes[i], 0);
		/* The whole range is mapped (mincore fails with ENOMEM on
		 * any hole), and so is nothing just around it. */
		assert_int_equal(
			mincore((void *)(uintptr_t)base, sizes[i], vec), 0);
		assert_int_equal(munmap((void *)(uintptr_t)base, sizes[i]), 0);
		assert_int_equal(mincore((void *)(uintptr_t)base, 4096, vec),
				 -1);
		assert_int_equal(errno, ENOMEM);
	}
	assert_int_equal(loader_reserve(3 << 20, &base), -EINVAL);
	assert_int_equal(loader_reserve(0, &base), -EINVAL);
	free(vec);
}

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static void vdso_lookup(void **state)
{
	clock_gettime_fn fn =
		(clock_gettime_fn)vdso_sym("__vdso_clock_gettime");
	struct timespec a, b, c;

	(void)state;
	if (!getauxval(AT_SYSINFO_EHDR))
		skip(); /* no vDSO, e.g. under valgrind */
	assert_non_null(fn);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	assert_int_equal(fn(CLOCK_MONOTONIC, &b), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &c), 0);
	assert_true(a.tv_sec < b.tv_sec ||
		    (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec));
	assert_true(b.tv_sec < c.tv_sec ||
		    (b.tv_sec == c.tv_sec && b.tv_nsec <= c.tv_nsec));
	assert_null(vdso_sym("__vdso_no_such_function"));
	assert_null(vdso_sym("LINUX_2.6")); /* the version, not a function */
	printf("     __vdso_sgx_enter_enclave: %s\n",
	       vdso_sym("__vdso_sgx_enter_enclave") ? "present" : "absent");
}

static unsigned int get_mxcsr(void)
{
	unsigned int v;

	asm volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static unsigned short get_fcw(void)
{
	unsigned short v;

	asm volatile("fnstcw %0" : "=m"(v));
	return v;
}

/* The wrapper passes the vDSO ABI and survives an exception exit. */
static void enter_wrapper(void **state)
{
	struct sgx_enclave_run run;
	unsigned int mxcsr = get_mxcsr();
	unsigned short fcw = get_fcw();
	uint64_t regs[5];
	int ret;

	(void)state;
	memset(&run, 0, sizeof(run));
	ret = probe_enter((void *)fake_vdso, 0xabcdef0123ul, SGX_ENCLU_ERESUME,
			  &run, regs);
	assert_int_equal(ret, 0x1234);
	assert_int_equal(fake_seen[0], 0xabcdef0123ul); /* rdi */
	assert_int_equal(fake_seen[1], 0);		/* rsi */
	assert_int_equal(fake_seen[2], 0);		/* rdx */
	assert_int_equal(fake_seen[3] & 0xffffffff, SGX_ENCLU_ERESUME);
	assert_int_equal(fake_seen[4], 0);		 /* r8 */
	assert_int_equal(fake_seen[5], 0);		 /* r9 */
	assert_int_equal(fake_seen[6], (uintptr_t)&run); /* 7th: run */
	assert_int_equal(fake_seen[7], 0); /* called with RSP 16-aligned */
	assert_int_equal(regs[0], 0x1111111111111111ull);
	assert_int_equal(regs[1], 0x1212121212121212ull);
	assert_int_equal(regs[2], 0x1313131313131313ull);
	assert_int_equal(regs[3], 0x1414141414141414ull);
	assert_int_equal(regs[4], 0x1515151515151515ull);
	assert_int_equal(get_mxcsr(), mxcsr);
	assert_int_equal(get_fcw(), fcw);
}

/*
 * A vDSO that reports an AEX the way the real one does: through
 * run->user_handler, with the exception in @run (and in RDI, RSI, RDX);
 * when the handler answers ERESUME, it "resumes" and reports the EEXIT to
 * the handler too, all within this one invocation.
 */
static unsigned int fake_resumes;

static int fake_aex(unsigned long rdi, unsigned long rsi, unsigned long rdx,
		    unsigned int function, unsigned long r8, unsigned long r9,
		    struct sgx_enclave_run *run)
{
	sgx_enclave_user_handler_t handler =
		(sgx_enclave_user_handler_t)(uintptr_t)run->user_handler;
	int ret;

	(void)rsi;
	(void)rdx;
	(void)r8;
	(void)r9;
	if (function != SGX_ENCLU_EENTER || run->tcs != 0x5000 ||
	    rdi != 0xabc || !handler)
		return -EINVAL;
	run->function = SGX_ENCLU_ERESUME;
	run->exception_vector = 14;
	run->exception_error_code = 0x8007;
	run->exception_addr = 0x7000;
	ret = handler(14, 0x8007, 0x7000, 0, 0, 0, run);
	if (ret != SGX_ENCLU_ERESUME)
		return ret;
	fake_resumes++;
	run->function = SGX_ENCLU_EEXIT;
	return handler(0, 0, 0, 0, 0, 0, run);
}

struct fixup_seen {
	bool resume; /* the answer to give */
	unsigned int calls;
	struct loader_exit exit;
};

static bool fixup(const struct loader_exit *exit, void *arg)
{
	struct fixup_seen *seen = arg;

	seen->calls++;
	seen->exit = *exit;
	return seen->resume;
}

static void assert_exception(const struct loader_exit *exit)
{
	assert_int_equal(exit->function, SGX_ENCLU_ERESUME);
	assert_int_equal(exit->vector, 14);
	assert_int_equal(exit->error_code, 0x8007);
	assert_int_equal(exit->addr, 0x7000);
}

/* loader_enter() decodes struct sgx_enclave_run and resumes on request. */
static void enter_fixup(void **state)
{
	struct loader_enclave encl = { .vdso_enter = (void *)fake_aex };
	struct fixup_seen seen = { .resume = true };
	void *arg = (void *)0xabc;
	struct loader_exit exit;

	(void)state;
	/* The fixup is shown the exception and resumes: EEXIT in the end. */
	fake_resumes = 0;
	assert_int_equal(loader_enter(&encl, 0x5000, arg, fixup, &seen, &exit),
			 0);
	assert_int_equal(seen.calls, 1);
	assert_exception(&seen.exit);
	assert_int_equal(fake_resumes, 1);
	assert_int_equal(exit.function, SGX_ENCLU_EEXIT);

	/* It gives up: the call returns with the exception. */
	seen = (struct fixup_seen){ .resume = false };
	assert_int_equal(loader_enter(&encl, 0x5000, arg, fixup, &seen, &exit),
			 0);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(fake_resumes, 1);
	assert_exception(&exit);

	/* No fixup: the same, without asking. */
	assert_int_equal(loader_enter(&encl, 0x5000, arg, NULL, NULL, &exit),
			 0);
	assert_int_equal(fake_resumes, 1);
	assert_exception(&exit);

	/* The vDSO's own refusal comes back as it is. */
	assert_int_equal(loader_enter(&encl, 0x6000, arg, fixup, &seen, &exit),
			 -EINVAL);
}

/*
 * CREATE, ADD_PAGES and INIT of @encl's image with @ss, on a new simulated
 * enclave: INIT's errno (0 on success), its EINIT code in *code.
 */
static int build(const struct loader_enclave *encl,
		 const struct sgx_sigstruct *ss, uint32_t *code)
{
	struct sgx_secs *secs = aligned_alloc(SGX_PAGE_SIZE, sizeof(*secs));
	struct sgx_enclave_create create = { .src = (uintptr_t)secs };
	struct sgx_enclave_init init = { .sigstruct = (uintptr_t)ss };
	struct sgx2_sim_info info;
	uint64_t base;
	int fd, err;

	assert_non_null(secs);
	fd = sgx2_sim_open(O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(loader_reserve(encl->size, &base), 0);
	loader_secs(encl, base, secs);
	assert_int_equal(ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &create), 0);
	for (unsigned int i = 0; i < encl->img.nr_segs; i++) {
		const struct image_seg *seg = &encl->img.segs[i];
		struct sgx_secinfo secinfo = { .flags = seg->secinfo };
		struct sgx_enclave_add_pages add = {
			.src = (uintptr_t)seg->data,
			.offset = seg->offset,
			.length = seg->size,
			.secinfo = (uintptr_t)&secinfo,
			.flags = SGX_PAGE_MEASURE,
		};

		assert_int_equal(ioctl(fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add), 0);
		assert_int_equal(add.count, seg->size);
	}
	err = ioctl(fd, SGX_IOC_ENCLAVE_INIT, &init) ? errno : 0;
	assert_int_equal(sgx2_sim_get_info(fd, &info), 0);
	assert_int_equal(info.initialized, !err);
	*code = info.einit_code;
	assert_int_equal(munmap((void *)(uintptr_t)base, encl->size), 0);
	assert_int_equal(close(fd), 0);
	free(secs);
	return err;
}

static int sim_setup(void **state)
{
	struct loader_enclave *encl = malloc(sizeof(*encl));

	*state = encl;
	return encl && !loader_prepare(encl, arg_elf, arg_ss) ? 0 : -1;
}

static int sim_teardown(void **state)
{
	loader_destroy(*state);
	free(*state);
	return 0;
}

static void signed_enclave_initialises(void **state)
{
	struct loader_enclave *encl = *state;
	uint32_t code = 99;

	assert_int_equal(build(encl, &encl->sigstruct, &code), 0);
	assert_int_equal(code, 0);
}

static void changed_page_gives_invalid_measurement(void **state)
{
	struct loader_enclave *encl = *state;
	uint32_t code;

	encl->img.pages[encl->img.end - 1] ^= 1;
	assert_int_equal(build(encl, &encl->sigstruct, &code), EPERM);
	assert_int_equal(code, 4);
	encl->img.pages[encl->img.end - 1] ^= 1;
}

static void tampered_signature_gives_invalid_signature(void **state)
{
	struct loader_enclave *encl = *state;
	struct sgx_sigstruct ss = encl->sigstruct;
	uint32_t code;

	if (!SGX2_SIM_LIBCRYPTO) {
		print_message("libsgx2-sim built without libcrypto: EINIT "
			      "checks no signature\n");
		skip();
	}
	ss.signature[SGX_MODULUS_SIZE / 2] ^= 0x01;
	assert_int_equal(build(encl, &ss, &code), EPERM);
	assert_int_equal(code, 8);
}

/* The SIGSTRUCT is for a debug enclave, a SECS without DEBUG does not
 * match it (loader_secs() copies the attributes of the SIGSTRUCT it is
 * given: a changed copy, while INIT gets the signed one). */
static void production_secs_gives_invalid_attribute(void **state)
{
	struct loader_enclave *encl = *state;
	struct sgx_sigstruct ss = encl->sigstruct;
	uint32_t code;

	assert_true(ss.body.attributes & SGX_ATTR_DEBUG);
	encl->sigstruct.body.attributes &= ~(uint64_t)SGX_ATTR_DEBUG;
	assert_int_equal(build(encl, &ss, &code), EPERM);
	assert_int_equal(code, 2);
	encl->sigstruct = ss;
}

#define SIM(f) cmocka_unit_test_setup_teardown(f, sim_setup, sim_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prepare_matches),
		cmocka_unit_test(prepare_refuses),
		cmocka_unit_test(secs_fields),
		cmocka_unit_test(reserve_aligned),
		cmocka_unit_test(open_device_retries_eagain),
		cmocka_unit_test(vdso_lookup),
		cmocka_unit_test(enter_wrapper),
		cmocka_unit_test(enter_fixup),
		SIM(signed_enclave_initialises),
		SIM(changed_page_gives_invalid_measurement),
		SIM(tampered_signature_gives_invalid_signature),
		SIM(production_secs_gives_invalid_attribute),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s ENCLAVE.elf ENCLAVE.sigstruct\n",
			argv[0]);
		return 2;
	}
	arg_elf = argv[1];
	arg_ss = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
