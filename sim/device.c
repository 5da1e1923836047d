// SPDX-License-Identifier: MIT
/*
 * The device node and descriptor lifetime: open() of "/dev/sgx_enclave"
 * gives a simulated enclave when the device switch is on (SGX2_SIM_DEVICE=1
 * or sgx2_sim_set_device(1)), and close() of an enclave descriptor may end
 * the enclave. Every other path and descriptor goes to the system as is.
 */
/*
 * This file defines both open()/openat() and its 64-bit twin: the headers must
 * not rename one into the other, as they do with _FILE_OFFSET_BITS=64
 * (which Meson sets). On x86-64 both take a 64-bit offset anyway.
 */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define SIM_DEVICE_PATH "/dev/sgx_enclave"

static int is_device(const char *path)
{
	return path && !strcmp(path, SIM_DEVICE_PATH) && sim__device_enabled();
}

static int open_device(int flags)
{
	int fd = sgx2_sim_open(flags & O_CLOEXEC);

	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

static int needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

static int sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (is_device(path))
		return open_device(flags);
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

SIM_EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (needs_mode(flags)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return sys_openat(AT_FDCWD, path, flags, mode);
}

SIM_EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (needs_mode(flags)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return sys_openat(AT_FDCWD, path, flags, mode);
}

SIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (needs_mode(flags)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return sys_openat(dirfd, path, flags, mode);
}

SIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (needs_mode(flags)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return sys_openat(dirfd, path, flags, mode);
}

/* The _FORTIFY_SOURCE entry points (no mode: O_CREAT is not allowed). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

SIM_EXPORT int __open_2(const char *path, int flags)
{
	return sys_openat(AT_FDCWD, path, flags, 0);
}

SIM_EXPORT int __open64_2(const char *path, int flags)
{
	return sys_openat(AT_FDCWD, path, flags, 0);
}

SIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return sys_openat(dirfd, path, flags, 0);
}

SIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return sys_openat(dirfd, path, flags, 0);
}

int sim__close(int fd)
{
	struct sim_encl *e = NULL;
	int saved_errno, ret;

	if (fd >= 0 && atomic_load(&sim__nencl) && sim__lookup(fd, &e))
		e = NULL;
	ret = sim__sys_close(fd);
	if (e) {
		saved_errno = errno;
		pthread_mutex_lock(&sim__registry_lock);
		sim__maybe_destroy_locked(e);
		pthread_mutex_unlock(&sim__registry_lock);
		sim__put(e);
		errno = saved_errno;
	}
	return ret;
}

SIM_EXPORT int close(int fd)
{
	return sim__close(fd);
}
