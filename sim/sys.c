// SPDX-License-Identifier: MIT
/*
 * The real system calls. The simulator interposes the libc symbols ioctl,
 * mmap, mprotect, munmap, close and open, so it must never call them
 * itself: everything here goes through syscall(2). copy_from_user() and
 * copy_to_user() are modelled with process_vm_readv/writev on our own
 * process, which fail with EFAULT on an unmapped or protected address
 * instead of crashing, as the kernel's user copies do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

void *sim__sys_mmap(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

int sim__sys_munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

int sim__sys_mprotect(void *addr, size_t len, int prot)
{
	return (int)syscall(SYS_mprotect, addr, len, prot);
}

int sim__sys_ioctl(int fd, unsigned long cmd, void *arg)
{
	return (int)syscall(SYS_ioctl, fd, cmd, arg);
}

int sim__sys_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

/* The identity of the file behind @fd; -errno, errno preserved. */
int sim__fstat_id(int fd, dev_t *dev, ino_t *ino)
{
	int saved_errno = errno;
	struct stat st;

	if (fd < 0)
		return -EBADF;
	if (fstat(fd, &st)) {
		int err = -errno;

		errno = saved_errno;
		return err;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int sim__copy_from_user(void *dst, uint64_t src, size_t n)
{
	struct iovec local = { .iov_base = dst, .iov_len = n };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)src,
				.iov_len = n };
	int saved_errno = errno;
	ssize_t got;

	got = syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL,
		      0UL);
	errno = saved_errno;
	return got == (ssize_t)n ? 0 : -EFAULT;
}

int sim__copy_to_user(uint64_t dst, const void *src, size_t n)
{
	struct iovec local = { .iov_base = (void *)src, .iov_len = n };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)dst,
				.iov_len = n };
	int saved_errno = errno;
	ssize_t put;

	put = syscall(SYS_process_vm_writev, getpid(), &local, 1UL, &remote,
		      1UL, 0UL);
	errno = saved_errno;
	if (put != (ssize_t)n)
		return -EFAULT;
	/*
	 * Written, so writable: store it again the ordinary way, so that
	 * memory checkers (valgrind) see the bytes become defined.
	 */
	memcpy((void *)(uintptr_t)dst, src, n);
	return 0;
}

void sim__delay(uint64_t ns)
{
	struct timespec t;

	if (!ns)
		return;
	/* Until one absolute time, however many signals come: restarting
	 * a relative sleep adds the timer slack each time, without end. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += (long)(ns % 1000000000u);
	t.tv_sec += (time_t)(ns / 1000000000u) + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) ==
	       EINTR)
		;
}
