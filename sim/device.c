// SPDX-License-Identifier: MIT
/*
 * The device node and descriptor lifetime: open() of "/dev/sgx_enclave"
 * gives a simulated enclave when the device switch is on (SGX2_SIM_DEVICE=1
 * or sgx2_sim_set_device(1)), stat() of it describes the simulator's
 * device node, and close() of an enclave descriptor may end the enclave.
 * Every other path and descriptor goes to the system as is.
 */
/*
 * This file defines both open()/openat()/stat() and their 64-bit twins: the
 * headers must not rename one into the other, as they do with
 * _FILE_OFFSET_BITS=64 (which Meson sets). On x86-64 both take a 64-bit
 * offset anyway, and struct stat64 is struct stat.
 */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
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

/*
 * stat() of the device path. The node is the simulator's, whether or not a
 * real one exists: a character device with the misc major (10) and the
 * minor real machines usually give sgx_enclave (125; the kernel picks it
 * dynamically), mode 0666 (any user of the process can open it), owned by
 * root, in devtmpfs (device 0:5), its times those of the first stat().
 */
#define SIM_DEV_MAJOR 10u
#define SIM_DEV_MINOR 125u
#define SIM_DEV_FS_MAJOR 0u
#define SIM_DEV_FS_MINOR 5u
#define SIM_DEV_INO 125u
#define SIM_DEV_MODE (S_IFCHR | 0666)
#define SIM_STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)
#define SIM_STATX_FLAGS (SIM_STAT_FLAGS | AT_STATX_SYNC_TYPE)

static pthread_once_t node_once = PTHREAD_ONCE_INIT;
static struct timespec node_time;

static void node_time_init(void)
{
	int saved_errno = errno;

	clock_gettime(CLOCK_REALTIME, &node_time);
	errno = saved_errno;
}

/* Store @src at @dst as the kernel's copy_to_user() would: -1 EFAULT. */
static int put_user(void *dst, const void *src, size_t n)
{
	if (sim__copy_to_user((uintptr_t)dst, src, n)) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

static int device_stat(struct stat *buf, int flags)
{
	struct stat st;

	if (flags & ~SIM_STAT_FLAGS) {
		errno = EINVAL;
		return -1;
	}
	pthread_once(&node_once, node_time_init);
	memset(&st, 0, sizeof(st));
	st.st_dev = makedev(SIM_DEV_FS_MAJOR, SIM_DEV_FS_MINOR);
	st.st_ino = SIM_DEV_INO;
	st.st_mode = SIM_DEV_MODE;
	st.st_nlink = 1;
	st.st_rdev = makedev(SIM_DEV_MAJOR, SIM_DEV_MINOR);
	st.st_blksize = 4096;
	st.st_atim = st.st_mtim = st.st_ctim = node_time;
	return put_user(buf, &st, sizeof(st));
}

static int sys_fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
	if (is_device(path))
		return device_stat(buf, flags);
	return (int)syscall(SYS_newfstatat, dirfd, path, buf, flags);
}

SIM_EXPORT int stat(const char *path, struct stat *buf)
{
	return sys_fstatat(AT_FDCWD, path, buf, 0);
}

SIM_EXPORT int stat64(const char *path, struct stat64 *buf)
{
	return sys_fstatat(AT_FDCWD, path, (struct stat *)buf, 0);
}

SIM_EXPORT int lstat(const char *path, struct stat *buf)
{
	return sys_fstatat(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

SIM_EXPORT int lstat64(const char *path, struct stat64 *buf)
{
	return sys_fstatat(AT_FDCWD, path, (struct stat *)buf,
			   AT_SYMLINK_NOFOLLOW);
}

SIM_EXPORT int fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
	return sys_fstatat(dirfd, path, buf, flags);
}

SIM_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *buf,
			 int flags)
{
	return sys_fstatat(dirfd, path, (struct stat *)buf, flags);
}

/*
 * glibc before 2.33 compiled stat() into calls of these, with the struct
 * version first (0 kernel, 1 glibc: the same struct on x86-64); glibc 2.36
 * still exports them for such programs.
 */
int __xstat(int ver, const char *path, struct stat *buf);
int __xstat64(int ver, const char *path, struct stat64 *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __lxstat64(int ver, const char *path, struct stat64 *buf);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf,
	       int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf,
		 int flags);

static int xstat_at(int ver, int dirfd, const char *path, struct stat *buf,
		    int flags)
{
	if (ver != 0 && ver != 1) {
		errno = EINVAL;
		return -1;
	}
	return sys_fstatat(dirfd, path, buf, flags);
}

SIM_EXPORT int __xstat(int ver, const char *path, struct stat *buf)
{
	return xstat_at(ver, AT_FDCWD, path, buf, 0);
}

SIM_EXPORT int __xstat64(int ver, const char *path, struct stat64 *buf)
{
	return xstat_at(ver, AT_FDCWD, path, (struct stat *)buf, 0);
}

SIM_EXPORT int __lxstat(int ver, const char *path, struct stat *buf)
{
	return xstat_at(ver, AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

SIM_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *buf)
{
	return xstat_at(ver, AT_FDCWD, path, (struct stat *)buf,
			AT_SYMLINK_NOFOLLOW);
}

SIM_EXPORT int __fxstatat(int ver, int dirfd, const char *path,
			  struct stat *buf, int flags)
{
	return xstat_at(ver, dirfd, path, buf, flags);
}

SIM_EXPORT int __fxstatat64(int ver, int dirfd, const char *path,
			    struct stat64 *buf, int flags)
{
	return xstat_at(ver, dirfd, path, (struct stat *)buf, flags);
}

static void statx_time(struct statx_timestamp *t)
{
	t->tv_sec = node_time.tv_sec;
	t->tv_nsec = (uint32_t)node_time.tv_nsec;
}

SIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		     struct statx *buf)
{
	struct statx stx;

	if (!is_device(path))
		return (int)syscall(SYS_statx, dirfd, path, flags, mask, buf);
	if ((flags & ~SIM_STATX_FLAGS) ||
	    (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    (mask & STATX__RESERVED)) {
		errno = EINVAL;
		return -1;
	}
	pthread_once(&node_once, node_time_init);
	memset(&stx, 0, sizeof(stx));
	stx.stx_mask = STATX_BASIC_STATS;
	stx.stx_blksize = 4096;
	stx.stx_nlink = 1;
	stx.stx_mode = SIM_DEV_MODE;
	stx.stx_ino = SIM_DEV_INO;
	statx_time(&stx.stx_atime);
	statx_time(&stx.stx_mtime);
	statx_time(&stx.stx_ctime);
	stx.stx_rdev_major = SIM_DEV_MAJOR;
	stx.stx_rdev_minor = SIM_DEV_MINOR;
	stx.stx_dev_major = SIM_DEV_FS_MAJOR;
	stx.stx_dev_minor = SIM_DEV_FS_MINOR;
	return put_user(buf, &stx, sizeof(stx));
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
