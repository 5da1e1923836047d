// SPDX-License-Identifier: MIT
/*
 * The choke point: the library's only ioctl() call, and every retry
 * decision. One attempt zeroes `count` and `result` (the kernel refuses
 * non-zero ones), issues the ioctl under the handle's lock and reads back
 * how far the kernel got; sgx2__submit() resumes from there.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>

#include <asm/sgx.h>

#include "internal.h"

static int sys_ioctl(int fd, unsigned long cmd, void *arg)
{
	int saved_errno = errno;
	int err = 0;

	if (ioctl(fd, cmd, arg) < 0)
		err = -errno;
	errno = saved_errno;
	return err;
}

struct attempt {
	int err;
	uint64_t count;
	uint64_t result;
};

static struct attempt attempt(struct sgx2_enclave *encl, enum sgx2__op op,
			      uint64_t offset, uint64_t length, uint64_t arg)
{
	struct attempt a = { 0 };

	/*
	 * The structs are zeroed here, so an answer the kernel did not write
	 * back (a busy enclave, a pre-loop check) reads as count 0.
	 */
	sgx2__lock(&encl->lock);
	switch (op) {
	case SGX2__MODIFY_TYPES: {
		struct sgx_enclave_modify_types p = { .offset = offset,
						      .length = length,
						      .page_type = arg };

		a.err = sys_ioctl(encl->fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, &p);
		a.count = p.count;
		a.result = p.result;
		break;
	}
	case SGX2__RESTRICT_PERMISSIONS: {
		struct sgx_enclave_restrict_permissions p = {
			.offset = offset, .length = length, .permissions = arg
		};

		a.err = sys_ioctl(encl->fd,
				  SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &p);
		a.count = p.count;
		a.result = p.result;
		break;
	}
	case SGX2__REMOVE_PAGES: {
		struct sgx_enclave_remove_pages p = { .offset = offset,
						      .length = length };

		a.err = sys_ioctl(encl->fd, SGX_IOC_ENCLAVE_REMOVE_PAGES, &p);
		a.count = p.count;
		break;
	}
	}
	sgx2__unlock(&encl->lock);
	return a;
}

/*
 * Worth another try from where the kernel stopped: a page under reclaim
 * (EAGAIN; EBUSY in REMOVE_PAGES), an ioctl in flight on the enclave from
 * elsewhere (EBUSY, struct not written back), a signal (EINTR: not today,
 * but proposed), another ENCLS on the page (EFAULT + SGX_EPC_PAGE_CONFLICT).
 */
static int transient(int err, uint64_t result)
{
	return err == -EAGAIN || err == -EBUSY || err == -EINTR ||
	       (err == -EFAULT && result == SGX2_EPC_PAGE_CONFLICT);
}

static int64_t ns_until(const struct timespec *t)
{
	struct timespec now;
	int64_t s;

	clock_gettime(CLOCK_MONOTONIC, &now);
	s = (int64_t)(t->tv_sec - now.tv_sec);
	if (s > INT64_MAX / 1000000000 - 1)
		return INT64_MAX; /* centuries away: never */
	return s * 1000000000 + (t->tv_nsec - now.tv_nsec);
}

int sgx2__deadline_passed(const struct sgx2__call *call)
{
	return call->opts->timeout_ns && ns_until(&call->deadline) <= 0;
}

/* Sleep before retry number @streak in a row; -ETIMEDOUT past the deadline. */
static int backoff(const struct sgx2__call *call, unsigned int streak)
{
	uint64_t us = call->opts->backoff_min_us;
	int saved_errno = errno;
	struct timespec wake;

	if (!us) {
		sched_yield();
		return sgx2__deadline_passed(call) ? -ETIMEDOUT : 0;
	}
	while (--streak && us < call->opts->backoff_max_us)
		us <<= 1;
	if (us > call->opts->backoff_max_us)
		us = call->opts->backoff_max_us;
	clock_gettime(CLOCK_MONOTONIC, &wake);
	wake.tv_nsec += (long)(us % 1000000) * 1000;
	wake.tv_sec += (time_t)(us / 1000000) + wake.tv_nsec / 1000000000;
	wake.tv_nsec %= 1000000000;
	/* No point sleeping past the deadline only to give up then. */
	if (call->opts->timeout_ns &&
	    (wake.tv_sec > call->deadline.tv_sec ||
	     (wake.tv_sec == call->deadline.tv_sec &&
	      wake.tv_nsec >= call->deadline.tv_nsec)))
		return -ETIMEDOUT;
	/*
	 * Until one absolute time: a relative sleep restarted after each
	 * signal with the time left gets the timer slack added every time,
	 * so that signals every few tens of microseconds (an interval timer
	 * without SA_RESTART) would keep it from ever ending.
	 */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL) ==
	       EINTR)
		;
	errno = saved_errno;
	return 0;
}

/*
 * The trace points, each the one branch an ioctl pays when tracing is off.
 * The attempt was at [offset + at, offset + length); its answer is @err,
 * @count and call->sgx_result; the backoff it slept is in the call.
 */
static __attribute__((noinline, cold)) void
trace(struct sgx2__call *call, enum sgx2__op op, uint64_t offset,
      uint64_t length, uint64_t at, uint64_t arg, int err, uint64_t count,
      enum sgx2__decision d, unsigned int streak)
{
	const struct sgx2__trace_io t = {
		op,    offset + at,	 length - at, arg,   err,
		count, call->sgx_result, d,	      streak
	};

	sgx2__trace_ioctl(call, &t);
}

#define TRACE(d, at, count)                                                    \
	do {                                                                   \
		if (SGX2__TRACING(call))                                       \
			trace(call, op, offset, length, at, arg, a.err, count, \
			      d, streak);                                      \
	} while (0)

int sgx2__submit(struct sgx2__call *call, enum sgx2__op op, uint64_t offset,
		 uint64_t length, uint64_t arg, uint64_t *done)
{
	unsigned int streak = 0; /* retries in a row without progress */
	uint64_t got = 0;
	struct attempt a;
	int err;

	if (SGX2__TRACING(call))
		sgx2__trace_begin(call);
	for (;;) {
		a = attempt(call->encl, op, offset + got, length - got, arg);
		call->ioctls++;
		call->sgx_result = a.result;

		/* Never trust a count we cannot place inside the range. */
		if (a.count > length - got || a.count % SGX2_PAGE_SIZE) {
			err = -EPROTO;
			TRACE(SGX2__EPROTO_COUNT, got, a.count);
			break;
		}
		got += a.count;

		err = a.err;
		if (err && !transient(err, a.result)) {
			TRACE(SGX2__FAIL, got - a.count, a.count);
			break;
		}
		/* Nothing left to retry, whatever the errno said. */
		if (got == length) {
			err = 0;
			TRACE(SGX2__DONE, got - a.count, a.count);
			break;
		}
		/* 0 with a short count is progress (an early return). */
		if (!err)
			err = -EAGAIN;
		if (a.count) {
			streak = 0; /* progress: go on at once */
			if (sgx2__deadline_passed(call)) {
				err = -ETIMEDOUT;
				TRACE(SGX2__TIMEOUT, got - a.count, a.count);
				break;
			}
		} else {
			if (++streak > call->opts->max_retries) {
				TRACE(SGX2__GIVE_UP, got - a.count, a.count);
				break;
			}
			/* The sleep is traced as it was, not as planned. */
			if (SGX2__TRACING(call))
				sgx2__trace_sleep(call, 1);
			if (backoff(call, streak)) {
				err = -ETIMEDOUT;
				TRACE(SGX2__TIMEOUT, got - a.count, a.count);
				break;
			}
			if (SGX2__TRACING(call))
				sgx2__trace_sleep(call, 0);
		}
		if (a.err)
			call->retries++;
		TRACE(a.count ? SGX2__RETRY_NOW : SGX2__RETRY_BACKOFF,
		      got - a.count, a.count);
	}
	*done = got;
	return err;
}

/*
 * REMOVE_PAGES where one answer can mean two things the kernel does not
 * tell apart, so it is asked again, from where the kernel stopped, before
 * it is believed:
 *
 * - on pages the enclave is believed to have accepted, EPERM: a page not
 *   accepted after all, or the EMODPR probe failing on an accepted one
 *   (SGX_EPC_PAGE_CONFLICT, say). Asked again at most AMBIGUOUS_RETRIES
 *   times in a row without progress, and no more than max_retries.
 * - on a page that may be absent, EFAULT: no page, or one the kernel
 *   failed to load. Asked again once, whatever max_retries (it is a
 *   question about the page, not a retry the caller may have turned off).
 *
 * Each time after the backoff.
 */
#define AMBIGUOUS_RETRIES 3u

static int ask_remove(struct sgx2__call *call, uint64_t offset, uint64_t length,
		      int ambiguous, unsigned int bound, uint64_t *done)
{
	unsigned int streak = 0;
	uint64_t got = 0, sub;
	int err;

	for (;;) {
		err = sgx2__submit(call, SGX2__REMOVE_PAGES, offset + got,
				   length - got, 0, &sub);
		got += sub;
		if (err != ambiguous || got == length)
			break;
		if (sub) {
			streak = 0;
			if (sgx2__deadline_passed(call)) {
				err = -ETIMEDOUT;
				break;
			}
		} else {
			if (++streak > bound)
				break;
			if (backoff(call, streak)) {
				err = -ETIMEDOUT;
				break;
			}
		}
		call->retries++;
	}
	*done = got;
	return err;
}

int sgx2__remove_accepted(struct sgx2__call *call, uint64_t offset,
			  uint64_t length, uint64_t *done)
{
	unsigned int bound = call->opts->max_retries < AMBIGUOUS_RETRIES
				     ? call->opts->max_retries
				     : AMBIGUOUS_RETRIES;

	return ask_remove(call, offset, length, -EPERM, bound, done);
}

int sgx2__remove_absent(struct sgx2__call *call, uint64_t offset,
			uint64_t length, uint64_t *done)
{
	return ask_remove(call, offset, length, -EFAULT, 1, done);
}

/*
 * open() of the device: a descriptor or -errno. From Linux 6.19 the first
 * open while the system has no other SGX user runs EUPDATESVN, which
 * answers EAGAIN when the CPU is short of entropy and is safe to retry:
 * with the default bound and backoff, as EBUSY.
 */
int sgx2__open_device(void)
{
	struct sgx2__call call = { .opts = &sgx2__default_options };
	unsigned int streak = 0;
	int saved_errno = errno;
	int fd;

	while ((fd = open(SGX2_DEVICE_PATH, O_RDWR | O_CLOEXEC)) < 0 &&
	       errno == EAGAIN && ++streak <= call.opts->max_retries)
		backoff(&call, streak);
	if (fd < 0)
		fd = -errno;
	errno = saved_errno;
	return fd;
}

/*
 * The probe's questions, which change nothing: a zero-length REMOVE_PAGES
 * (what the driver has), and SGX_IOC_ENCLAVE_PROVISION naming a file
 * number that is never open (the kernel reads it as an unsigned int),
 * which every SGX driver since Linux 5.11 refuses with EINVAL and other
 * files with ENOTTY. EBUSY (another ioctl on the enclave) and EINTR are
 * asked again with the default bound and backoff.
 */
static int probe(int fd, unsigned long cmd)
{
	struct sgx2__call call = { .opts = &sgx2__default_options,
				   .log = sgx2__log_env() };
	struct sgx2_enclave traced; /* only its fd, for the trace */
	unsigned int streak = 0;
	int err;

	if (SGX2__TRACING(&call)) {
		traced.fd = fd;
		call.encl = &traced;
		sgx2__trace_begin(&call);
	}
	for (;;) {
		union {
			struct sgx_enclave_remove_pages remove;
			struct sgx_enclave_provision provision;
		} p;

		memset(&p, 0, sizeof(p));
		if (cmd == SGX_IOC_ENCLAVE_PROVISION)
			p.provision.fd = UINT32_MAX;
		err = sys_ioctl(fd, cmd, &p);
		if (SGX2__TRACING(&call))
			sgx2__trace(&call, SGX2_LOG_IOCTL, 0, "probe: %s -> %s",
				    cmd == SGX_IOC_ENCLAVE_PROVISION
					    ? "PROVISION fd=4294967295"
					    : "REMOVE_PAGES offset=0 length=0",
				    sgx2__trace_errname(err));
		if ((err != -EBUSY && err != -EINTR) ||
		    ++streak > call.opts->max_retries)
			return err;
		backoff(&call, streak);
	}
}

int sgx2__probe_ioctl(int fd)
{
	return probe(fd, SGX_IOC_ENCLAVE_REMOVE_PAGES);
}

int sgx2__probe_enclave(int fd)
{
	return probe(fd, SGX_IOC_ENCLAVE_PROVISION);
}
