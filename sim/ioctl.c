// SPDX-License-Identifier: MIT
/*
 * ioctl() on an enclave descriptor: the driver's sgx_ioctl(). The busy bit
 * (SGX_ENCL_IOCTL) is tested and set before the command is even decoded,
 * so a second ioctl on the same enclave while one is in flight gets EBUSY
 * with nothing read or written back, whatever its command. Unknown
 * commands get ENOTTY (the kernel's -ENOIOCTLCMD). Descriptors that are
 * not simulated enclaves go to the real system call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include <asm/sgx.h>

#include "internal.h"

/*
 * sgx_validate_offset_length(); the u64 wrap check arrived in v6.1 (on
 * v6.0 a wrapping range passes and the loop finds no page: EFAULT).
 */
int sim__validate_offset_length(const struct sim_encl *e, uint64_t offset,
				uint64_t length)
{
	if (offset & (SIM_PAGE - 1))
		return -EINVAL;
	if (!length || (length & (SIM_PAGE - 1)))
		return -EINVAL;
	if (sim__kernel(&e->icfg) >= SGX2_SIM_KERNEL_6_1 &&
	    offset + length < offset)
		return -EINVAL;
	if (offset + length - SIM_PAGE >= e->size)
		return -EINVAL;
	return 0;
}

/* The ioctl number for the counters, or -1 for an unknown command. */
static int known_nr(unsigned long cmd)
{
	switch (cmd) {
	case SGX_IOC_ENCLAVE_CREATE:
	case SGX_IOC_ENCLAVE_ADD_PAGES:
	case SGX_IOC_ENCLAVE_INIT:
	case SGX_IOC_ENCLAVE_PROVISION:
	case SGX_IOC_VEPC_REMOVE_ALL:
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS:
	case SGX_IOC_ENCLAVE_MODIFY_TYPES:
	case SGX_IOC_ENCLAVE_REMOVE_PAGES:
		return (int)(cmd & 0xff);
	}
	return -1;
}

static long edmm(struct sim_encl *e, unsigned long cmd, void *arg)
{
	unsigned int nr = (unsigned int)(cmd & 0xff);
	long ret;

	/* A kernel before v6.0 does not know these commands. */
	if (sim__kernel(&e->icfg) < SGX2_SIM_KERNEL_6_0)
		return -ENOTTY;
	pthread_mutex_lock(&e->lock);
	sim__rules_start(e, nr);
	pthread_mutex_unlock(&e->lock);
	switch (cmd) {
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS:
		ret = sim__ioc_restrict(e, arg);
		break;
	case SGX_IOC_ENCLAVE_MODIFY_TYPES:
		ret = sim__ioc_modify(e, arg);
		break;
	default:
		ret = sim__ioc_remove(e, arg);
		break;
	}
	pthread_mutex_lock(&e->lock);
	sim__rules_end(e);
	pthread_mutex_unlock(&e->lock);
	return ret;
}

long sim__ioctl(struct sim_encl *e, int fd, unsigned long cmd, void *arg)
{
	int nr = known_nr(cmd), forced;
	long ret;

	pthread_mutex_lock(&e->lock);
	if (nr >= 0)
		e->stats.ioctls[nr]++;
	else
		e->stats.ioctls_unknown++;
	pthread_mutex_unlock(&e->lock);

	if (atomic_flag_test_and_set(&e->busy)) {
		pthread_mutex_lock(&e->lock);
		e->stats.busy++;
		pthread_mutex_unlock(&e->lock);
		return -EBUSY;
	}
	pthread_mutex_lock(&e->lock);
	e->icfg = e->cfg; /* ioctls are serialised by the busy bit */
	forced = sim__rule_busy(e, cmd);
	if (forced) {
		e->stats.busy++;
		e->stats.faults_fired++;
	}
	pthread_mutex_unlock(&e->lock);
	if (forced) {
		atomic_flag_clear(&e->busy);
		return -EBUSY;
	}

	switch (cmd) {
	case SGX_IOC_ENCLAVE_CREATE:
		ret = sim__ioc_create(e, fd, arg);
		break;
	case SGX_IOC_ENCLAVE_ADD_PAGES:
		ret = sim__ioc_add_pages(e, arg);
		break;
	case SGX_IOC_ENCLAVE_INIT:
		ret = sim__ioc_init(e, arg);
		break;
	case SGX_IOC_ENCLAVE_PROVISION:
		ret = sim__ioc_provision(e, arg);
		break;
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS:
	case SGX_IOC_ENCLAVE_MODIFY_TYPES:
	case SGX_IOC_ENCLAVE_REMOVE_PAGES:
		ret = edmm(e, cmd, arg);
		break;
	default:
		/* SGX_IOC_VEPC_REMOVE_ALL belongs to /dev/sgx_vepc. */
		ret = -ENOTTY;
		break;
	}
	atomic_flag_clear(&e->busy);
	return ret;
}

SIM_EXPORT int ioctl(int fd, unsigned long cmd, ...)
{
	struct sim_encl *e;
	va_list ap;
	void *arg;
	long ret;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!atomic_load(&sim__nencl) || sim__lookup(fd, &e))
		return sim__sys_ioctl(fd, cmd, arg);
	ret = sim__ioctl(e, fd, cmd, arg);
	sim__put(e);
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}
