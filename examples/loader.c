// SPDX-License-Identifier: MIT
/* The enclave loader: files, SECS, ioctls, mappings, vDSO entry. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "loader.h"
#include "measure.h"
#include "vdso.h"

#define DEVICE "/dev/sgx_enclave"

static int fail(const char *step, int err)
{
	fprintf(stderr, "loader: %s: %s\n", step, strerror(-err));
	return err;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

int loader_prepare(struct loader_enclave *encl, const char *elf_path,
		   const char *sigstruct_path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	memset(encl, 0, sizeof(*encl));
	encl->fd = -1;
	err = image_load(&encl->img, elf_path);
	if (err)
		return err;
	encl->size = encl->img.encl_size;

	err = read_file(sigstruct_path, &buf, &len);
	if (err) {
		fprintf(stderr, "loader: %s: %s\n", sigstruct_path,
			strerror(-err));
		goto out;
	}
	if (len != sizeof(encl->sigstruct)) {
		fprintf(stderr, "loader: %s: %zu bytes, not a SIGSTRUCT\n",
			sigstruct_path, len);
		err = -EINVAL;
		goto out;
	}
	memcpy(&encl->sigstruct, buf, len);
	if (!(encl->sigstruct.body.attributes & SGX_ATTR_MODE64BIT)) {
		fprintf(stderr, "loader: the SIGSTRUCT is not for a 64-bit "
				"enclave\n");
		err = -EINVAL;
		goto out;
	}

	err = measure_image(&encl->img, encl->mrenclave);
	if (err) {
		fail("measuring the image", err);
		goto out;
	}
	if (memcmp(encl->mrenclave, encl->sigstruct.body.mrenclave, 32)) {
		char want[65], got[65];

		hex(want, encl->sigstruct.body.mrenclave, 32);
		hex(got, encl->mrenclave, 32);
		fprintf(stderr,
			"loader: %s does not match %s (re-sign it)\n"
			"  SIGSTRUCT ENCLAVEHASH %s\n  image MRENCLAVE      "
			"%s\n",
			sigstruct_path, elf_path, want, got);
		err = -EBADMSG;
	}
out:
	free(buf);
	if (err)
		image_free(&encl->img);
	return err;
}

void loader_secs(const struct loader_enclave *encl, uint64_t base,
		 struct sgx_secs *secs)
{
	memset(secs, 0, sizeof(*secs));
	secs->size = encl->img.encl_size;
	secs->base = base;
	secs->ssa_frame_size = encl->img.ssa_frame_pages;
	secs->miscselect = encl->sigstruct.body.miscselect;
	secs->attributes = encl->sigstruct.body.attributes;
	secs->xfrm = encl->sigstruct.body.xfrm;
}

int loader_reserve(uint64_t size, uint64_t *base)
{
	uint64_t start, aligned;
	void *p;

	if (size == 0 || (size & (size - 1)) || size > (UINT64_MAX >> 2))
		return -EINVAL;
	/* Twice the size always contains a naturally aligned block. */
	p = mmap(NULL, 2 * size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	start = (uint64_t)(uintptr_t)p;
	aligned = (start + size - 1) & ~(size - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (start + 2 * size > aligned + size)
		munmap((void *)(uintptr_t)(aligned + size),
		       start + 2 * size - (aligned + size));
	*base = aligned;
	return 0;
}

/* SGX_IOC_ENCLAVE_ADD_PAGES for one segment, resuming after a short count
 * (the driver stops early when a signal is pending). */
static int add_segment(const struct loader_enclave *encl,
		       const struct image_seg *seg)
{
	struct sgx_secinfo secinfo = { .flags = seg->secinfo };
	uint64_t done = 0;
	int stalls = 0;

	while (done < seg->size) {
		struct sgx_enclave_add_pages add = {
			.src = (uint64_t)(uintptr_t)(seg->data + done),
			.offset = seg->offset + done,
			.length = seg->size - done,
			.secinfo = (uint64_t)(uintptr_t)&secinfo,
			.flags = SGX_PAGE_MEASURE,
		};
		int ret = ioctl(encl->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add);

		if (ret < 0 && errno != EINTR)
			return -errno;
		if (add.count == 0 && ++stalls > 100)
			return -EAGAIN;
		done += add.count;
	}
	return 0;
}

/*
 * Linux 6.19 runs EUPDATESVN at the first open of the device while the
 * system has no other SGX user; short of entropy it answers EAGAIN, which
 * is safe to retry: LOADER_OPEN_TRIES tries, 1 ms apart and doubling.
 */
int loader_open_device(void)
{
	struct timespec pause = { .tv_nsec = 1000000 };
	int fd, tries = 1;

	while ((fd = open(DEVICE, O_RDWR | O_CLOEXEC)) < 0 && errno == EAGAIN &&
	       tries++ < LOADER_OPEN_TRIES) {
		nanosleep(&pause, NULL);
		pause.tv_nsec *= 2;
	}
	return fd < 0 ? -errno : fd;
}

static int map_enclave(const struct loader_enclave *encl)
{
	const struct image *img = &encl->img;

	for (unsigned int i = 0; i < img->nr_segs; i++) {
		const struct image_seg *seg = &img->segs[i];

		if (mmap((void *)(uintptr_t)(encl->base + seg->offset),
			 seg->size, seg->prot, MAP_SHARED | MAP_FIXED, encl->fd,
			 (off_t)seg->offset) == MAP_FAILED)
			return -errno;
	}
	/* The free area: no pages yet; the first touch or EACCEPT adds one. */
	if (img->end < encl->size &&
	    mmap((void *)(uintptr_t)(encl->base + img->end),
		 encl->size - img->end, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, encl->fd,
		 (off_t)img->end) == MAP_FAILED)
		return -errno;
	return 0;
}

int loader_start(struct loader_enclave *encl)
{
	struct sgx_secs *secs = NULL;
	int err;

	encl->vdso_enter = vdso_sym("__vdso_sgx_enter_enclave");
	if (!encl->vdso_enter)
		return fail("the vDSO has no __vdso_sgx_enter_enclave "
			    "(kernel without SGX support?)",
			    -ENOSYS);

	encl->fd = loader_open_device();
	if (encl->fd < 0)
		return fail("open " DEVICE, encl->fd);

	err = loader_reserve(encl->size, &encl->base);
	if (err) {
		encl->base = 0;
		return fail("reserving the address range", err);
	}

	/* ECREATE. The SECS must be page aligned; the kernel copies it. */
	secs = aligned_alloc(SGX_PAGE_SIZE, sizeof(*secs));
	if (!secs)
		return fail("SECS", -ENOMEM);
	loader_secs(encl, encl->base, secs);
	{
		struct sgx_enclave_create create = {
			.src = (uint64_t)(uintptr_t)secs,
		};

		err = ioctl(encl->fd, SGX_IOC_ENCLAVE_CREATE, &create) ? -errno
								       : 0;
	}
	free(secs);
	if (err)
		return fail("SGX_IOC_ENCLAVE_CREATE", err);

	/* EADD + EEXTEND, in the order measure_image() used. */
	for (unsigned int i = 0; i < encl->img.nr_segs; i++) {
		err = add_segment(encl, &encl->img.segs[i]);
		if (err)
			return fail("SGX_IOC_ENCLAVE_ADD_PAGES", err);
	}

	{
		struct sgx_enclave_init init = {
			.sigstruct = (uint64_t)(uintptr_t)&encl->sigstruct,
		};

		if (ioctl(encl->fd, SGX_IOC_ENCLAVE_INIT, &init))
			return fail("SGX_IOC_ENCLAVE_INIT (EPERM means EINIT "
				    "refused the SIGSTRUCT or the attributes; "
				    "its SGX code goes to the kernel log only)",
				    -errno);
	}

	err = map_enclave(encl);
	if (err)
		return fail("mapping the enclave", err);
	return 0;
}

/* What loader_enter() gives its user_handler, through run->user_data. */
struct enter_ctx {
	loader_fixup_fn fixup;
	void *arg;
	struct loader_exit *exit;
};

/*
 * run->user_handler (sgx_enclave_user_handler_t). The vDSO calls it on
 * every way out of the enclave, on its own stack frame, with the registers
 * as the enclave or the AEX left them; only @run is read, which holds the
 * exception after an AEX. Returning ERESUME makes the vDSO execute it next,
 * from the frame whose RSP and RBP the enclave's SSA frame recorded.
 */
static int exit_handler(long rdi, long rsi, long rdx, long rsp, long r8,
			long r9, struct sgx_enclave_run *run)
{
	struct enter_ctx *ctx = (struct enter_ctx *)(uintptr_t)run->user_data;

	(void)rdi;
	(void)rsi;
	(void)rdx;
	(void)rsp;
	(void)r8;
	(void)r9;
	ctx->exit->function = run->function;
	ctx->exit->vector = run->exception_vector;
	ctx->exit->error_code = run->exception_error_code;
	ctx->exit->addr = run->exception_addr;
	if (run->function == SGX_ENCLU_ERESUME && ctx->fixup &&
	    ctx->fixup(ctx->exit, ctx->arg))
		return SGX_ENCLU_ERESUME;
	return 0;
}

int loader_enter(const struct loader_enclave *encl, uint64_t tcs, void *arg,
		 loader_fixup_fn fixup, void *fixup_arg,
		 struct loader_exit *exit)
{
	const sgx_enclave_user_handler_t handler = exit_handler;
	struct enter_ctx ctx = { fixup, fixup_arg, exit };
	/* The vDSO insists that the reserved bytes are zero. */
	struct sgx_enclave_run run;

	memset(&run, 0, sizeof(run));
	run.tcs = tcs;
	run.user_handler = (uint64_t)(uintptr_t)handler;
	run.user_data = (uint64_t)(uintptr_t)&ctx;
	return loader_enter_vdso(encl->vdso_enter, (unsigned long)arg,
				 SGX_ENCLU_EENTER, &run);
}

void loader_destroy(struct loader_enclave *encl)
{
	if (!encl)
		return;
	if (encl->base)
		munmap((void *)(uintptr_t)encl->base, encl->size);
	if (encl->fd >= 0)
		close(encl->fd);
	image_free(&encl->img);
	encl->base = 0;
	encl->fd = -1;
}
