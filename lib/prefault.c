// SPDX-License-Identifier: MIT
/*
 * The pre-fault: have the kernel add an enclave range's pages (EAUG) from
 * the host, so that the enclave's EACCEPT then finds them and does not
 * fault, and the enclave does not exit (AEX) and re-enter (ERESUME) once
 * per page.
 *
 * The kernel facts it rests on (Linux 6.0 to 6.19):
 *
 *  - The driver's fault handler, sgx_vma_fault(), adds a missing page in
 *    ELRANGE for any fault on the enclave's mapping, whatever the mode:
 *    a store by the kernel copying into the range on the process's behalf
 *    goes through it like the enclave's own EACCEPT.
 *  - The call is read() of /dev/zero into the range: read_zero()
 *    (drivers/char/mem.c) clears the buffer with clear_user(), one page
 *    at a time, so each page takes one fault and nothing else: no data to
 *    produce (as getrandom() would), no page cache (as a file would). The
 *    stores reach EPC from outside the enclave, the abort page, and are
 *    dropped: the enclave sees nothing of them. madvise(MADV_POPULATE_*),
 *    MAP_POPULATE and process_vm_*() go through get_user_pages(), which
 *    refuses the driver's VM_IO|VM_PFNMAP mapping, so they cannot.
 *  - It cannot raise SIGBUS: when the handler cannot add the page (no EPC
 *    page and nothing to reclaim, metadata allocation failure, losing the
 *    race with another thread's EAUG of the same address, an enclave not
 *    initialised, a CPU without SGX2), a fault taken in kernel mode ends
 *    in the uaccess fixup, both for VM_FAULT_SIGBUS and VM_FAULT_OOM:
 *    clear_user() stops there and read() returns the bytes before the
 *    page, or -1 EFAULT when there are none. So does a mapping without
 *    PROT_WRITE (the store is refused before the handler runs), which
 *    sgx2_grow() avoids by mapping the range read-write.
 *  - Per call: at most MAX_RW_COUNT bytes (INT_MAX rounded down to a page:
 *    2 GiB - 4 KiB, 524,287 pages). read_zero() also stops after a chunk
 *    when a signal is pending, with the bytes done so far (never EINTR:
 *    it checks only after a page).
 *
 * So a short count means, page by page: every page before it was reached
 * (added, or already there); the page at it was not, for a signal or for a
 * page the kernel could not add. The loop reads again from there: a
 * signal, or a race lost to a thread that has added the page since, then
 * goes on; a page that cannot be added answers EFAULT at once, and that is
 * where the pre-fault stops. An address that has a PTE but no page (the
 * second EAUG race, REMOVE_PAGES against a fault) does not fault at all:
 * it is reached, and nothing is added there; mmap() over the range, which
 * sgx2_grow() does, drops such a PTE first.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"

#define MAX_RW_COUNT 0x7ffff000ull /* INT_MAX & PAGE_MASK */

/* The handle's /dev/zero descriptor, opened once; or -errno. */
int sgx2__zero_fd(struct sgx2_enclave *encl)
{
	int fd = atomic_load_explicit(&encl->zero_fd, memory_order_acquire);
	int saved_errno = errno, none = -1;

	if (fd >= 0)
		return fd;
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		errno = saved_errno;
		return fd;
	}
	/* Two first calls at once: one descriptor is kept. */
	if (!atomic_compare_exchange_strong(&encl->zero_fd, &none, fd)) {
		close(fd);
		fd = none;
	}
	errno = saved_errno;
	return fd;
}

int sgx2__prefault(int zero_fd, uint64_t addr, uint64_t length, uint64_t *done)
{
	int saved_errno = errno, err = 0;
	unsigned int eintr = 0;
	uint64_t got = 0, n;
	ssize_t r;

	while (got < length) {
		n = length - got < MAX_RW_COUNT ? length - got : MAX_RW_COUNT;
		r = read(zero_fd, (void *)(uintptr_t)(addr + got), (size_t)n);
		if (r > 0) {
			got += (uint64_t)r; /* short: try again from there */
			eintr = 0;
			continue;
		}
		err = r ? -errno : -EIO; /* 0: /dev/zero never says so */
		/* Not from read_zero(); a seccomp or LSM hook might. */
		if (err == -EINTR && ++eintr <= SGX2_DEFAULT_MAX_RETRIES)
			continue;
		break;
	}
	errno = saved_errno;
	/* Bytes, not pages, from the kernel; a page begun was reached. */
	*done = (got + SGX2_PAGE_SIZE - 1) & ~(uint64_t)(SGX2_PAGE_SIZE - 1);
	if (*done > length)
		*done = length;
	return got < length ? err : 0;
}
