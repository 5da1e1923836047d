// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "fake-kernel.h"

unsigned int fk_seq;
struct fk_read fk_reads[FK_MAX];
unsigned int fk_nreads;
static struct {
	long ret;
	int err;
} read_answers[FK_MAX];
static unsigned int nread_answers, next_read_answer;
struct fk_map fk_maps[FK_MAX];
unsigned int fk_nmaps;
struct fk_call fk_calls[FK_MAX];
unsigned int fk_ncalls;
uint64_t fk_sleeps_us[FK_MAX];
unsigned int fk_nsleeps;
unsigned int fk_yields;
unsigned int fk_max_in_flight;

static struct fk_answer answers[FK_MAX];
static unsigned int nanswers, next_answer;
static struct fk_answer always;
static bool have_always;
static unsigned int delay_us, in_flight;
static int open_err, map_err;
static unsigned int open_fails_left; /* UINT_MAX: every open fails */
unsigned int fk_nopens;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

void fk_reset(void)
{
	fk_ncalls = nanswers = next_answer = fk_nsleeps = fk_yields = 0;
	fk_seq = fk_nmaps = fk_nreads = 0;
	nread_answers = next_read_answer = 0;
	map_err = 0;
	fk_max_in_flight = in_flight = delay_us = 0;
	have_always = false;
	open_err = 0;
	open_fails_left = fk_nopens = 0;
}

void fk_answer(int err, uint64_t count, uint64_t result)
{
	answers[nanswers++] = (struct fk_answer){ err, count, result, false };
}

void fk_answer_unwritten(int err)
{
	answers[nanswers++] = (struct fk_answer){ err, 0, 0, true };
}

void fk_answer_always(int err, uint64_t count, uint64_t result)
{
	always = (struct fk_answer){ err, count, result, false };
	have_always = true;
}

void fk_set_delay_us(unsigned int us)
{
	delay_us = us;
}

void fk_read_answer(long ret, int err)
{
	read_answers[nread_answers].ret = ret;
	read_answers[nread_answers++].err = err;
}

void fk_map_fails(int err)
{
	map_err = err;
}

void fk_open_fails(int err)
{
	open_err = err;
	open_fails_left = UINT_MAX;
}

void fk_open_fails_times(int err, unsigned int times)
{
	open_err = err;
	open_fails_left = times;
}

/* The three EDMM structs share offset, length at the front. */
struct range_head {
	uint64_t offset;
	uint64_t length;
};

int __wrap_ioctl(int fd, unsigned long cmd, ...);
int __wrap_ioctl(int fd, unsigned long cmd, ...)
{
	struct fk_answer a;
	struct fk_call *c;
	__u64 *result = NULL, *count, unused_count = 0;
	void *arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);

	pthread_mutex_lock(&mu);
	if (++in_flight > fk_max_in_flight)
		fk_max_in_flight = in_flight;
	c = &fk_calls[fk_ncalls < FK_MAX ? fk_ncalls++ : FK_MAX - 1];
	memset(c, 0, sizeof(*c));
	c->seq = fk_seq++;
	c->fd = fd;
	c->cmd = cmd;
	if (cmd == SGX_IOC_ENCLAVE_PROVISION) {
		/* The probe's: only the file number, kept in arg. */
		c->arg = ((struct sgx_enclave_provision *)arg)->fd;
		count = &unused_count;
		goto answer;
	}
	c->offset = ((struct range_head *)arg)->offset;
	c->length = ((struct range_head *)arg)->length;
	switch (cmd) {
	case SGX_IOC_ENCLAVE_MODIFY_TYPES: {
		struct sgx_enclave_modify_types *p = arg;

		c->arg = p->page_type;
		result = &p->result;
		count = &p->count;
		break;
	}
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS: {
		struct sgx_enclave_restrict_permissions *p = arg;

		c->arg = p->permissions;
		result = &p->result;
		count = &p->count;
		break;
	}
	case SGX_IOC_ENCLAVE_REMOVE_PAGES:
		count = &((struct sgx_enclave_remove_pages *)arg)->count;
		break;
	default:
		abort(); /* the library issued an ioctl it has no business with */
	}
	c->count_in = *count;
	c->result_in = result ? *result : 0;
answer:
	if (next_answer < nanswers)
		a = answers[next_answer++];
	else if (have_always)
		a = always;
	else
		a = (struct fk_answer){ 0, c->length, 0, false };
	pthread_mutex_unlock(&mu);

	if (delay_us)
		usleep(delay_us);

	pthread_mutex_lock(&mu);
	in_flight--;
	pthread_mutex_unlock(&mu);

	c->count_out = a.unwritten ? 0 : a.count;
	if (!a.unwritten) {
		*count = a.count;
		if (result)
			*result = a.result;
	}
	if (a.err) {
		errno = a.err;
		return -1;
	}
	return 0;
}

/*
 * The clock as the library last read it, per thread, so that a sleep
 * until an absolute time is recorded as the length the library meant.
 */
static __thread struct timespec last_read;

int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	int ret = __real_clock_gettime(clk, ts);

	if (!ret)
		last_read = *ts;
	return ret;
}

int __wrap_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
			   struct timespec *rem);
int __wrap_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
			   struct timespec *rem)
{
	int64_t ns = (int64_t)req->tv_sec * 1000000000 + req->tv_nsec;

	(void)clk;
	(void)rem;
	if (flags & TIMER_ABSTIME)
		ns -= (int64_t)last_read.tv_sec * 1000000000 +
		      last_read.tv_nsec;
	pthread_mutex_lock(&mu);
	if (fk_nsleeps < FK_MAX)
		fk_sleeps_us[fk_nsleeps++] = (uint64_t)(ns / 1000);
	pthread_mutex_unlock(&mu);
	return 0; /* sleeping is not what these tests measure */
}

int __wrap_sched_yield(void);
int __wrap_sched_yield(void)
{
	fk_yields++;
	return 0;
}

int __real_open64(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...)
{
	fk_nopens++;
	if (open_err && open_fails_left) {
		if (open_fails_left != UINT_MAX)
			open_fails_left--;
		errno = open_err;
		return -1;
	}
	/* Any real descriptor will do: the scripted ioctl() ignores it. */
	if (!strcmp(path, "/dev/sgx_enclave"))
		return __real_open64("/dev/null", O_RDWR | O_CLOEXEC);
	return __real_open64(path, flags);
}

/* The flows' mapping calls: recorded, never applied (nothing is mapped). */
static int map_answer(void)
{
	int err = map_err;

	map_err = 0;
	if (err)
		errno = err;
	return err;
}

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	fk_maps[fk_nmaps++] = (struct fk_map){
		.seq = fk_seq++,
		.is_mmap = 1,
		.addr = (uintptr_t)addr,
		.length = len,
		.prot = prot,
		.flags = flags,
		.fd = fd,
		.file_offset = (uint64_t)off,
	};
	return map_answer() ? MAP_FAILED : addr;
}

int __wrap_mprotect(void *addr, size_t len, int prot);
int __wrap_mprotect(void *addr, size_t len, int prot)
{
	fk_maps[fk_nmaps++] = (struct fk_map){
		.seq = fk_seq++,
		.addr = (uintptr_t)addr,
		.length = len,
		.prot = prot,
	};
	return map_answer() ? -1 : 0;
}

/* The pre-fault's read() of /dev/zero: recorded, never applied. */
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	long ret = (long)n;

	(void)fd;
	fk_reads[fk_nreads++ % FK_MAX] = (struct fk_read){
		.seq = fk_seq++,
		.addr = (uintptr_t)buf,
		.length = n,
	};
	if (next_read_answer < nread_answers) {
		ret = read_answers[next_read_answer].ret;
		if (ret < 0)
			errno = read_answers[next_read_answer].err;
		else if ((size_t)ret > n)
			ret = (long)n;
		next_read_answer++;
	}
	return ret;
}
