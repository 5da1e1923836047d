// SPDX-License-Identifier: MIT
/*
 * The enclaves of this process, and their lifetime. An enclave is found by
 * the identity (device, inode) of its memfd, so dup()ed and inherited
 * descriptors reach it too. Like the kernel's, an enclave lives while a
 * descriptor or a mapping of it remains: closing a descriptor scans
 * /proc/self/fd for others, unmapping the last range checks again.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

pthread_mutex_t sim__registry_lock = PTHREAD_MUTEX_INITIALIZER;
atomic_uint sim__nencl;
static struct sim_encl *enclaves;
static uint64_t next_id = 1;

struct sim_encl *sim__find_locked(dev_t dev, ino_t ino)
{
	struct sim_encl *e;

	for (e = enclaves; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e;
	return NULL;
}

struct sim_encl *sim__first_locked(void)
{
	return enclaves;
}

int sim__lookup(int fd, struct sim_encl **out)
{
	struct sim_encl *e;
	dev_t dev;
	ino_t ino;
	int err;

	err = sim__fstat_id(fd, &dev, &ino);
	if (err)
		return err;
	pthread_mutex_lock(&sim__registry_lock);
	e = sim__find_locked(dev, ino);
	if (e)
		e->refs++;
	pthread_mutex_unlock(&sim__registry_lock);
	if (!e)
		return -ENOTTY;
	*out = e;
	return 0;
}

/* The first enclave whose range meets [start, end), with a reference. */
struct sim_encl *sim__encl_in(uint64_t start, uint64_t end)
{
	struct sim_encl *e;

	pthread_mutex_lock(&sim__registry_lock);
	for (e = enclaves; e; e = e->next)
		if (e->created && start < e->base + e->size && end > e->base)
			break;
	if (e)
		e->refs++;
	pthread_mutex_unlock(&sim__registry_lock);
	return e;
}

/* The enclave whose range holds @addr, with a reference; or NULL. */
struct sim_encl *sim__encl_at(uint64_t addr)
{
	struct sim_encl *e;

	pthread_mutex_lock(&sim__registry_lock);
	for (e = enclaves; e; e = e->next)
		if (e->created && addr - e->base < e->size)
			break;
	if (e)
		e->refs++;
	pthread_mutex_unlock(&sim__registry_lock);
	return e;
}

static void encl_free(struct sim_encl *e)
{
	sim__epc_uncharge(e, e->epc_pages);
	sim__pages_free(e);
	sim__vmas_free(e);
	sim__tcs_free(e);
	sim__rules_free(e);
	if (e->data)
		sim__sys_munmap(e->data, e->size);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

void sim__put(struct sim_encl *e)
{
	int last;

	pthread_mutex_lock(&sim__registry_lock);
	last = !--e->refs && e->dead;
	pthread_mutex_unlock(&sim__registry_lock);
	if (last)
		encl_free(e);
}

static void memfd_name(char *buf, size_t n, uint64_t id)
{
	snprintf(buf, n, "sgx2-sim-%" PRIu64, id);
}

/*
 * Whether a descriptor of @e is still open. When /proc cannot be read,
 * assume so: the enclave then lives until the process ends.
 */
int sim__fd_alive(const struct sim_encl *e)
{
	char want[96], name[32], path[300], target[128];
	int saved_errno = errno;
	struct dirent *d;
	size_t wlen;
	ssize_t len;
	DIR *dir;
	int alive = 0;

	memfd_name(name, sizeof(name), e->id);
	snprintf(want, sizeof(want), "/memfd:%s ", name);
	wlen = strlen(want);
	dir = opendir("/proc/self/fd");
	if (!dir) {
		errno = saved_errno;
		return 1;
	}
	while (!alive && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		alive = !strncmp(target, want, wlen);
	}
	closedir(dir);
	errno = saved_errno;
	return alive;
}

/* Called with the registry lock held; @e's lock must not be held. */
void sim__maybe_destroy_locked(struct sim_encl *e)
{
	struct sim_encl **pp;
	size_t nvmas;

	if (e->dead)
		return;
	pthread_mutex_lock(&e->lock);
	nvmas = e->nvmas;
	pthread_mutex_unlock(&e->lock);
	if (nvmas || sim__fd_alive(e))
		return;
	for (pp = &enclaves; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	e->dead = 1;
	atomic_fetch_sub(&sim__nencl, 1);
	if (!e->refs)
		encl_free(e);
}

SIM_EXPORT int sgx2_sim_open(int flags)
{
	struct sgx2_sim_fault *rules = NULL;
	struct sgx2_sim_config cfg;
	int saved_errno = errno;
	const char *script;
	struct sim_encl *e;
	size_t nrules = 0, i;
	char name[64];
	uint64_t id;
	int fd, err;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (sim__env_open_faults()) {
		fprintf(stderr, "sgx2-sim: SGX2_SIM_OPEN_FAULTS: invalid\n");
		errno = saved_errno;
		return -EINVAL;
	}
	/*
	 * 6.19's sgx_open() runs EUPDATESVN when the system has no other SGX
	 * user, before anything else; here, when no enclave is alive.
	 */
	sim__default_config(&cfg);
	if (sim__kernel(&cfg) >= SGX2_SIM_KERNEL_6_19 &&
	    !atomic_load(&sim__nencl)) {
		err = sim__open_fault();
		if (err)
			return err;
	}
	/* Enclave code may run from now on (native.c). */
	sim__signals_init();
	script = sim__env_faults();
	if (script && *script) {
		err = sim__parse_script(script, &rules, &nrules);
		if (err) {
			/* A test harness misconfigured: say so, once per open. */
			fprintf(stderr, "sgx2-sim: SGX2_SIM_FAULTS: invalid\n");
			errno = saved_errno;
			return err;
		}
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(rules);
		errno = saved_errno;
		return -ENOMEM;
	}
	pthread_mutex_lock(&sim__registry_lock);
	id = next_id++;
	pthread_mutex_unlock(&sim__registry_lock);
	memfd_name(name, sizeof(name), id);
	fd = memfd_create(name, (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	e->id = id;
	err = sim__fstat_id(fd, &e->dev, &e->ino);
	if (err)
		goto fail_fd;
	atomic_flag_clear(&e->busy);
	pthread_mutex_init(&e->lock, NULL);
	e->cfg = cfg;
	for (i = 0; i < nrules; i++) {
		err = sim__inject_locked(e, &rules[i]);
		if (err) {
			sim__rules_free(e);
			pthread_mutex_destroy(&e->lock);
			goto fail_fd;
		}
	}
	free(rules);

	pthread_mutex_lock(&sim__registry_lock);
	e->next = enclaves;
	enclaves = e;
	atomic_fetch_add(&sim__nencl, 1);
	pthread_mutex_unlock(&sim__registry_lock);
	errno = saved_errno;
	return fd;

fail_fd:
	sim__sys_close(fd);
fail:
	free(rules);
	free(e);
	errno = saved_errno;
	return err;
}

SIM_EXPORT int sgx2_sim_configure(int fd, const struct sgx2_sim_config *cfg)
{
	struct sim_encl *e;
	int err;

	if (!cfg || sim__config_check(cfg))
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	e->cfg = *cfg;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return 0;
}

SIM_EXPORT int sgx2_sim_get_config(int fd, struct sgx2_sim_config *cfg)
{
	struct sim_encl *e;
	int err;

	if (!cfg)
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	*cfg = e->cfg;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return 0;
}

SIM_EXPORT int sgx2_sim_get_info(int fd, struct sgx2_sim_info *info)
{
	struct sim_encl *e;
	int err;

	if (!info)
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&e->lock);
	info->base = e->base;
	info->size = e->size;
	info->created = (uint32_t)e->created;
	info->initialized = (uint32_t)e->initialized;
	info->einit_code = e->einit_code;
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return 0;
}
