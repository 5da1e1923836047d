// SPDX-License-Identifier: MIT
/*
 * The handle's lock, which serialises ioctls: a three-state futex mutex
 * (0 free, 1 held, 2 held with waiters). Uncontended it is one atomic
 * instruction each way, where pthread_mutex_lock/unlock cost some sixty
 * instructions per ioctl (bench/); contended, waiters sleep in the
 * kernel, since the holder may be in an ioctl for milliseconds.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static void futex(atomic_int *word, int op, int val)
{
	int saved_errno = errno;

	syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
	errno = saved_errno;
}

void sgx2__lock_slow(atomic_int *lock)
{
	int c = atomic_exchange_explicit(lock, 2, memory_order_acquire);

	while (c) {
		futex(lock, FUTEX_WAIT, 2);
		c = atomic_exchange_explicit(lock, 2, memory_order_acquire);
	}
}

void sgx2__unlock_slow(atomic_int *lock)
{
	atomic_store_explicit(lock, 0, memory_order_release);
	futex(lock, FUTEX_WAKE, 1);
}
