// SPDX-License-Identifier: MIT
/*
 * The kernel's copies into enclave memory on the process's behalf: read()
 * of /dev/zero into an enclave mapping, which is how libsgx2 has the
 * kernel add pages without an enclave exit (lib/prefault.c).
 *
 * On Linux, /dev/zero's read (drivers/char/mem.c, read_zero()) clears the
 * buffer a page-sized chunk at a time with clear_user(). A store that
 * faults on an enclave mapping goes to the driver's fault handler like
 * any other (sgx_vma_fault() does not look at the mode), so a missing page
 * is added (EAUG); the store itself reaches the EPC page from outside the
 * enclave, the abort page, and is dropped. When the handler cannot add
 * the page, the fault taken in kernel mode ends in the uaccess fixup: the
 * read returns the bytes cleared before it, or -1 EFAULT when there are
 * none, and no signal is sent. Between chunks a pending signal ends it
 * with the bytes so far. One read() moves at most MAX_RW_COUNT bytes
 * (INT_MAX rounded down to a page: 2 GiB - 4 KiB).
 *
 * The simulator's host mapping of an absent or PENDING page is PROT_NONE
 * (protect.c), so the real system call would fail with EFAULT there: the
 * copy is modelled instead, page by page through the model's fault
 * handler (epcm.c), never writing the page contents. Bytes outside every
 * enclave are cleared for real (as copy_to_user would), and read() of any
 * other file, or into memory no enclave has, is the real system call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

#define MAX_RW_COUNT (0x7fffffffull & ~(SIM_PAGE - 1))

static ssize_t sys_read(int fd, void *buf, size_t n)
{
	return syscall(SYS_read, fd, buf, n);
}

/* Is @fd /dev/zero, the memory device 1:5? */
static int is_dev_zero(int fd)
{
	int saved_errno = errno;
	struct stat st;
	int yes;

	yes = !fstat(fd, &st) && S_ISCHR(st.st_mode) &&
	      st.st_rdev == makedev(1, 5);
	errno = saved_errno;
	return yes;
}

/*
 * clear_user() of [addr, addr + len), at most a page: the bytes not
 * cleared (0 when all were); *@signal when a signal is injected there.
 */
static size_t clear_user(uint64_t addr, size_t len, int *signal)
{
	static const unsigned char zeros[SIM_PAGE];
	uint64_t end = addr + len, next;
	struct sim_encl *e;
	int err;

	while (addr < end) {
		next = (addr | (SIM_PAGE - 1)) + 1;
		if (next > end)
			next = end;
		e = sim__encl_at(addr);
		if (!e) {
			if (sim__copy_to_user(addr, zeros, next - addr))
				return end - addr;
			addr = next;
			continue;
		}
		pthread_mutex_lock(&e->lock);
		err = sim__kernel_write(e, addr & ~(SIM_PAGE - 1));
		if (!err) {
			sim__prot_sync(e, addr & ~(SIM_PAGE - 1),
				       (addr & ~(SIM_PAGE - 1)) + SIM_PAGE);
			if (sim__rule_copy_signal(e, (addr & ~(SIM_PAGE - 1)) -
							     e->base)) {
				e->stats.faults_fired++;
				*signal = 1;
			}
		}
		pthread_mutex_unlock(&e->lock);
		sim__put(e);
		if (err)
			return end - addr;
		addr = next;
	}
	return 0;
}

/* read_zero(), with clear_user() through the model. */
static ssize_t zero_read(uint64_t buf, size_t count)
{
	size_t cleared = 0, chunk, left;
	int signal = 0;

	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	while (count) {
		chunk = count < SIM_PAGE ? count : SIM_PAGE;
		left = clear_user(buf + cleared, chunk, &signal);
		if (left) {
			cleared += chunk - left;
			if (!cleared) {
				errno = EFAULT;
				return -1;
			}
			break;
		}
		cleared += chunk;
		count -= chunk;
		if (signal)
			break;
	}
	return (ssize_t)cleared;
}

SIM_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	uint64_t start = (uintptr_t)buf, end = start + n;
	struct sim_encl *e;
	ssize_t ret;

	if (!n || !atomic_load(&sim__nencl) || end < start)
		return sys_read(fd, buf, n);
	e = sim__encl_in(start, end);
	if (!e)
		return sys_read(fd, buf, n);
	if (!is_dev_zero(fd)) {
		sim__put(e);
		return sys_read(fd, buf, n);
	}
	/* Opened for reading, as vfs_read() checks first. */
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY) {
		sim__put(e);
		errno = EBADF;
		return -1;
	}
	pthread_mutex_lock(&e->lock);
	e->stats.kernel_copies++;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	ret = zero_read(start, n);
	return ret;
}
