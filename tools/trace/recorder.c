// SPDX-License-Identifier: MIT
/*
 * The recorder's start-up, its table of enclave descriptors, and the
 * interposed descriptor and mapping calls: open() of an SGX device,
 * dup(), close(), and mmap(), mprotect(), munmap() on enclave ranges; and
 * read() into an enclave range (libsgx2's pre-fault: /dev/zero read into
 * the range has the kernel add its pages).
 * (ioctl() is in ioctl.c, getauxval() and the vDSO in vdso.c.)
 *
 * An enclave descriptor is one opened from /dev/sgx_enclave (or the older
 * /dev/sgx/enclave link), or, failing that, one on which an SGX ioctl
 * number got an answer other than ENOTTY (ioctl.c adopts it): a loader
 * that got its descriptor another way is still traced. /dev/sgx_vepc
 * descriptors are kept too, for SGX_IOC_VEPC_REMOVE_ALL.
 *
 * Configuration, from sgx2-trace(1): SGX2_TRACE_OUTPUT (a file, appended
 * to; unset or empty: standard error) and SGX2_TRACE_FORMAT ("json" for
 * JSON Lines; anything else: text).
 */
/* This file defines mmap() and mmap64() both (see sim/device.c). */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <cpuid.h>

#include "recorder.h"
#include "sgx2-sim.h"

#define MAX_FD 65536
#define MAX_ENCL 256
#define MAX_MAPS 256
#define MAP_FILLING UINT32_MAX /* a maps[] entry being written */

struct rec_next rec__next;

static struct rec_encl encls[MAX_ENCL];
static uint16_t fd_slot[MAX_FD]; /* slot + 1; 0: not an SGX descriptor */
static uint32_t next_id = 1;
static int nlive; /* enclaves with a slot: the fast path tests it */

/* Mappings of an enclave descriptor, to know an munmap()/mprotect() of
 * them before CREATE has given the enclave its range. */
static struct {
	uint64_t start, end;
	uint32_t slot; /* + 1 */
} maps[MAX_MAPS];

/* What the first line of each process says (built at start-up). */
static char exe[256], kernel[65];
static unsigned int cpu_sgx; /* CPUID.(12H,0):EAX bits 0-1, 0 without */
/* The simulator's, when it is in the process. */
static int (*sim_get_config)(int, struct sgx2_sim_config *);
static int started; /* the first line is out */

#define LOAD(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

/* The next definition of @name; with a fallback to libc's. */
static void *next_sym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	return p ? p : dlsym(RTLD_DEFAULT, name);
}

void rec__resolve(void)
{
	rec__next.ioctl = next_sym("ioctl");
	rec__next.mmap = next_sym("mmap");
	rec__next.mprotect = next_sym("mprotect");
	rec__next.munmap = next_sym("munmap");
	rec__next.close = next_sym("close");
	rec__next.dup = next_sym("dup");
	rec__next.dup2 = next_sym("dup2");
	rec__next.dup3 = next_sym("dup3");
	rec__next.getauxval = next_sym("getauxval");
	rec__next.read = next_sym("read");
}

#define NEXT(f) (rec__next.f ? rec__next.f : (rec__resolve(), rec__next.f))

int rec__peek(void *dst, const void *src, size_t n)
{
	struct iovec local = { .iov_base = dst, .iov_len = n };
	struct iovec remote = { .iov_base = (void *)src, .iov_len = n };
	int saved_errno = errno;
	long got;

	got = syscall(SYS_process_vm_readv, syscall(SYS_getpid), &local, 1UL,
		      &remote, 1UL, 0UL);
	errno = saved_errno;
	return got == (long)n ? 0 : -EFAULT;
}

static void child_after_fork(void)
{
	STORE(&started, 0); /* a new process: its own first line */
}

static void open_output(void)
{
	const char *path = getenv("SGX2_TRACE_OUTPUT");
	const char *format = getenv("SGX2_TRACE_FORMAT");
	long fd;

	ev_json = format && !strcmp(format, "json");
	if (path && *path)
		fd = syscall(SYS_openat, AT_FDCWD, path,
			     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	else
		fd = syscall(SYS_fcntl, 2, F_DUPFD_CLOEXEC, 2);
	if (fd < 0)
		return; /* standard error itself, then */
	/* Out of the way of programs that count on low descriptors. */
	{
		long high = syscall(SYS_fcntl, (int)fd, F_DUPFD_CLOEXEC, 200);

		if (high >= 0) {
			syscall(SYS_close, (int)fd);
			fd = high;
		}
	}
	ev_fd = (int)fd;
}

static void describe_machine(void)
{
	unsigned int a, b, c, d;
	struct utsname u;
	long n;

	n = syscall(SYS_readlink, "/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if (!uname(&u)) {
		strncpy(kernel, u.release, sizeof(kernel) - 1);
		kernel[sizeof(kernel) - 1] = '\0';
	}
	/* The simulator, if it is in the process: it tells its enclaves. */
	sim_get_config = (int (*)(int, struct sgx2_sim_config *))dlsym(
		RTLD_DEFAULT, "sgx2_sim_get_config");
	/* The CPU's own answer (a simulator cannot change it). */
	if (__get_cpuid_max(0, NULL) >= 0x12) {
		__cpuid_count(7, 0, a, b, c, d);
		if (b & (1u << 2)) {
			__cpuid_count(0x12, 0, a, b, c, d);
			cpu_sgx = a & 3u;
		}
	}
}

__attribute__((constructor)) static void rec_init(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ev_t0 = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
	rec__resolve();
	open_output();
	describe_machine();
	rec__vdso_init();
	pthread_atfork(NULL, NULL, child_after_fork);
}

/* The process's first line: who recorded, on what, answered by whom. */
static void start_line(void)
{
	struct ev e;

	ev_begin(&e, "start", NULL);
	ev_str(&e, "tool", "sgx2-trace", 0, 1);
	ev_num(&e, "version", 1, EV_DEC);
	ev_num(&e, "ppid", (uint64_t)syscall(SYS_getppid), EV_DEC);
	ev_str(&e, "exe", exe, 0, 0);
	ev_str(&e, "kernel", kernel, 0, 0);
	ev_num(&e, "sim_loaded", sim_get_config != NULL, EV_DEC);
	ev_num(&e, "cpu_sgx1", cpu_sgx & 1, EV_DEC);
	ev_num(&e, "cpu_sgx2", (cpu_sgx >> 1) & 1, EV_DEC);
	ev_ret(&e, 0, 0, EV_DEC);
	ev_end(&e);
}

void rec__begin(struct ev *e, const char *name, const char *call)
{
	if (!__atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL))
		start_line();
	ev_begin(e, name, call);
}

void rec__encl_fields(struct ev *e, const struct rec_encl *encl)
{
	if (encl && !e->json)
		return;
	ev_num(e, "encl", encl ? LOAD(&encl->id) : 0, EV_DEC);
}

/* ------------------------------------------------------------------ */
/* The table                                                          */
/* ------------------------------------------------------------------ */

struct rec_encl *rec__encl_of_fd(int fd)
{
	unsigned int s;

	if (fd < 0 || fd >= MAX_FD)
		return NULL;
	s = LOAD(&fd_slot[fd]);
	return s ? &encls[s - 1] : NULL;
}

static void drop_maps(unsigned int slot)
{
	for (unsigned int i = 0; i < MAX_MAPS; i++)
		if (LOAD(&maps[i].slot) == slot + 1)
			STORE(&maps[i].slot, 0);
}

/* One descriptor fewer for @slot's enclave; the slot goes with the last. */
static void release(unsigned int slot)
{
	struct rec_encl *e = &encls[slot];

	if (__atomic_sub_fetch(&e->fds, 1, __ATOMIC_ACQ_REL))
		return;
	drop_maps(slot);
	STORE(&e->size, 0);
	STORE(&e->id, 0);
	__atomic_sub_fetch(&nlive, 1, __ATOMIC_ACQ_REL);
}

struct rec_encl *rec__adopt(int fd, int vepc)
{
	uint32_t id = __atomic_fetch_add(&next_id, 1, __ATOMIC_ACQ_REL);

	if (fd < 0 || fd >= MAX_FD)
		return NULL;
	for (unsigned int i = 0; i < MAX_ENCL; i++) {
		uint32_t free_id = 0;
		struct rec_encl *e = &encls[i];

		if (!__atomic_compare_exchange_n(&e->id, &free_id, id, 0,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			continue;
		STORE(&e->fds, 1);
		STORE(&e->base, 0);
		STORE(&e->size, 0);
		STORE(&e->vepc, vepc);
		__atomic_add_fetch(&nlive, 1, __ATOMIC_ACQ_REL);
		{
			unsigned int old = __atomic_exchange_n(
				&fd_slot[fd], (uint16_t)(i + 1),
				__ATOMIC_ACQ_REL);

			if (old)
				release(old - 1);
		}
		return e;
	}
	return NULL; /* more live enclaves than the table: not traced */
}

struct rec_encl *rec__encl_at(uint64_t addr)
{
	if (!LOAD(&nlive))
		return NULL;
	for (unsigned int i = 0; i < MAX_ENCL; i++) {
		struct rec_encl *e = &encls[i];
		uint64_t base = LOAD(&e->base), size = LOAD(&e->size);

		if (LOAD(&e->id) && size && addr - base < size)
			return e;
	}
	for (unsigned int i = 0; i < MAX_MAPS; i++) {
		uint32_t s = LOAD(&maps[i].slot);

		if (s && s != MAP_FILLING && addr >= LOAD(&maps[i].start) &&
		    addr < LOAD(&maps[i].end))
			return &encls[s - 1];
	}
	return NULL;
}

/* Whether [addr, addr + len) meets an enclave range or mapping. */
static struct rec_encl *encl_in(uint64_t addr, uint64_t len)
{
	if (!LOAD(&nlive))
		return NULL;
	for (unsigned int i = 0; i < MAX_ENCL; i++) {
		struct rec_encl *e = &encls[i];
		uint64_t base = LOAD(&e->base), size = LOAD(&e->size);

		if (LOAD(&e->id) && size && addr < base + size &&
		    base < addr + len)
			return e;
	}
	for (unsigned int i = 0; i < MAX_MAPS; i++) {
		uint32_t s = LOAD(&maps[i].slot);

		if (s && s != MAP_FILLING && addr < LOAD(&maps[i].end) &&
		    LOAD(&maps[i].start) < addr + len)
			return &encls[s - 1];
	}
	return NULL;
}

static void remember_map(struct rec_encl *e, uint64_t start, uint64_t len)
{
	uint32_t slot = (uint32_t)(e - encls) + 1;

	for (unsigned int i = 0; i < MAX_MAPS; i++) {
		uint32_t free_slot = 0;

		if (!__atomic_compare_exchange_n(
			    &maps[i].slot, &free_slot, MAP_FILLING, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		STORE(&maps[i].start, start);
		STORE(&maps[i].end, start + len);
		STORE(&maps[i].slot, slot);
		return;
	}
}

/* munmap(): mappings it covers whole are gone. */
static void forget_maps(uint64_t start, uint64_t len)
{
	for (unsigned int i = 0; i < MAX_MAPS; i++) {
		uint32_t s = LOAD(&maps[i].slot);

		if (s && s != MAP_FILLING && start <= LOAD(&maps[i].start) &&
		    LOAD(&maps[i].end) <= start + len)
			STORE(&maps[i].slot, 0);
	}
}

/* "encl N" into @buf (32 bytes); its length. */
static size_t encl_name(char *buf, const struct rec_encl *encl)
{
	memcpy(buf, "encl ", 5);
	return 5 + ev_u64_str(buf + 5, LOAD(&encl->id), 0);
}

void rec__where(struct ev *e, uint64_t addr)
{
	struct rec_encl *encl = rec__encl_at(addr);
	char buf[64];
	size_t k;

	if (e->json || !encl)
		return;
	k = encl_name(buf, encl);
	if (LOAD(&encl->size) && addr >= LOAD(&encl->base)) {
		buf[k++] = ' ';
		buf[k++] = '+';
		ev_u64_str(buf + k, addr - LOAD(&encl->base), 1);
	}
	ev_note(e, buf);
}

/* ------------------------------------------------------------------ */
/* Interposed: open(), dup(), close()                                 */
/* ------------------------------------------------------------------ */

/* 1: an enclave device, 2: /dev/sgx_vepc, 0: anything else. */
static int sgx_path(const char *path)
{
	if (!path)
		return 0;
	if (!strcmp(path, "/dev/sgx_enclave") ||
	    !strcmp(path, "/dev/sgx/enclave"))
		return 1;
	return !strcmp(path, "/dev/sgx_vepc") ? 2 : 0;
}

static const struct ev_name open_flags[] = {
	{ O_WRONLY, "O_WRONLY" },
	{ O_RDWR, "O_RDWR" },
	{ O_CLOEXEC, "O_CLOEXEC" },
	{ O_NONBLOCK, "O_NONBLOCK" },
};

/* Who answers for the enclave: the simulator says so, with the machine it
 * models for it (its kernel release, SGX2); else the kernel. */
static void answerer_fields(struct ev *e, int fd)
{
	struct sgx2_sim_config cfg;

	if (sim_get_config && !sim_get_config(fd, &cfg)) {
		ev_str(e, "answered_by", "libsgx2-sim", 0, 1);
		ev_num(e, "sim_kernel", cfg.kernel, EV_HEX);
		ev_num(e, "sim_sgx2", cfg.sgx2, EV_DEC);
	} else {
		ev_str(e, "answered_by", "kernel", 0, 1);
	}
}

static int traced_open(const char *sym, const char *path, int fd, int flags)
{
	int saved_errno = errno, kind = sgx_path(path);
	struct rec_encl *encl = NULL;
	struct ev e;

	if (!kind)
		return fd;
	if (fd >= 0)
		encl = rec__adopt(fd, kind == 2);
	rec__begin(&e, "open", sym);
	ev_str(&e, "path", path, 1, 0);
	ev_flags(&e, "flags", (uint64_t)flags, open_flags,
		 sizeof(open_flags) / sizeof(open_flags[0]));
	if (e.json && encl)
		rec__encl_fields(&e, encl);
	if (encl)
		answerer_fields(&e, fd);
	ev_ret(&e, fd, fd < 0 ? saved_errno : 0, EV_DEC);
	if (encl) {
		char note[32];

		encl_name(note, encl);
		ev_note(&e, kind == 2 ? "vepc" : note);
	}
	ev_end(&e);
	errno = saved_errno;
	return fd;
}

static int needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define OPEN_LIKE(sym, proto, call, dirfd_args)                                \
	REC_EXPORT int sym proto                                               \
	{                                                                      \
		static int(*next) dirfd_args;                                  \
		mode_t mode = 0;                                               \
		va_list ap;                                                    \
                                                                               \
		if (needs_mode(flags)) {                                       \
			va_start(ap, flags);                                   \
			mode = va_arg(ap, mode_t);                             \
			va_end(ap);                                            \
		}                                                              \
		if (!next)                                                     \
			next = (int(*) dirfd_args)next_sym(#sym);              \
		return traced_open(#sym, path, next call, flags);              \
	}

OPEN_LIKE(open, (const char *path, int flags, ...), (path, flags, mode),
	  (const char *, int, ...))
OPEN_LIKE(open64, (const char *path, int flags, ...), (path, flags, mode),
	  (const char *, int, ...))
OPEN_LIKE(openat, (int dirfd, const char *path, int flags, ...),
	  (dirfd, path, flags, mode), (int, const char *, int, ...))
OPEN_LIKE(openat64, (int dirfd, const char *path, int flags, ...),
	  (dirfd, path, flags, mode), (int, const char *, int, ...))

/* The _FORTIFY_SOURCE entry points (no mode). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

#define OPEN_2(sym, proto, call, types)                                        \
	REC_EXPORT int sym proto                                               \
	{                                                                      \
		static int(*next) types;                                       \
                                                                               \
		if (!next)                                                     \
			next = (int(*) types)next_sym(#sym);                   \
		return traced_open(#sym, path, next call, flags);              \
	}

OPEN_2(__open_2, (const char *path, int flags), (path, flags),
       (const char *, int))
OPEN_2(__open64_2, (const char *path, int flags), (path, flags),
       (const char *, int))
OPEN_2(__openat_2, (int dirfd, const char *path, int flags),
       (dirfd, path, flags), (int, const char *, int))
OPEN_2(__openat64_2, (int dirfd, const char *path, int flags),
       (dirfd, path, flags), (int, const char *, int))

/* @to now refers to @from's enclave too. */
static int traced_dup(const char *sym, int from, int to)
{
	int saved_errno = errno;
	unsigned int s;
	struct ev e;

	if (from < 0 || from >= MAX_FD)
		return to;
	s = LOAD(&fd_slot[from]);
	if (!s)
		return to;
	if (to >= 0 && to < MAX_FD && to != from) {
		unsigned int old;

		__atomic_add_fetch(&encls[s - 1].fds, 1, __ATOMIC_ACQ_REL);
		old = __atomic_exchange_n(&fd_slot[to], (uint16_t)s,
					  __ATOMIC_ACQ_REL);
		if (old)
			release(old - 1);
	}
	rec__begin(&e, "dup", sym);
	ev_pos(&e, "fd", (uint64_t)from);
	rec__encl_fields(&e, &encls[s - 1]);
	ev_ret(&e, to, to < 0 ? saved_errno : 0, EV_DEC);
	ev_end(&e);
	errno = saved_errno;
	return to;
}

REC_EXPORT int dup(int fd)
{
	return traced_dup("dup", fd, NEXT(dup)(fd));
}

REC_EXPORT int dup2(int fd, int to)
{
	return traced_dup("dup2", fd, NEXT(dup2)(fd, to));
}

REC_EXPORT int dup3(int fd, int to, int flags)
{
	return traced_dup("dup3", fd, NEXT(dup3)(fd, to, flags));
}

REC_EXPORT int close(int fd)
{
	struct rec_encl *encl = rec__encl_of_fd(fd);
	int ret, saved_errno;
	struct ev e;

	ret = NEXT(close)(fd);
	if (!encl)
		return ret;
	saved_errno = errno;
	if (!ret || saved_errno != EBADF) { /* the descriptor is gone */
		unsigned int s =
			__atomic_exchange_n(&fd_slot[fd], 0, __ATOMIC_ACQ_REL);

		rec__begin(&e, "close", NULL);
		ev_pos(&e, "fd", (uint64_t)fd);
		rec__encl_fields(&e, encl);
		ev_ret(&e, ret, ret ? saved_errno : 0, EV_DEC);
		ev_end(&e);
		if (s)
			release(s - 1);
	}
	errno = saved_errno;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Interposed: mmap(), mprotect(), munmap()                           */
/* ------------------------------------------------------------------ */

static const struct ev_name prots[] = {
	{ PROT_READ, "PROT_READ" },
	{ PROT_WRITE, "PROT_WRITE" },
	{ PROT_EXEC, "PROT_EXEC" },
};

static const struct ev_name map_flags[] = {
	{ MAP_SHARED, "MAP_SHARED" },
	{ MAP_PRIVATE, "MAP_PRIVATE" },
	{ MAP_FIXED, "MAP_FIXED" },
	{ MAP_ANONYMOUS, "MAP_ANONYMOUS" },
	{ MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" },
	{ MAP_NORESERVE, "MAP_NORESERVE" },
	{ MAP_POPULATE, "MAP_POPULATE" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void prot_field(struct ev *e, int prot)
{
	if (!prot && !e->json)
		ev_str(e, "prot", "PROT_NONE", 0, 1);
	else
		ev_flags(e, "prot", (uint64_t)prot, prots, N(prots));
}

static void *traced_mmap(void *addr, size_t len, int prot, int flags, int fd,
			 off_t off)
{
	struct rec_encl *encl = rec__encl_of_fd(fd);
	int saved_errno;
	void *ret;
	struct ev e;

	ret = NEXT(mmap)(addr, len, prot, flags, fd, off);
	if (!encl)
		return ret;
	saved_errno = errno;
	if (ret != MAP_FAILED && !LOAD(&encl->size))
		remember_map(encl, (uintptr_t)ret, len);
	rec__begin(&e, "mmap", NULL);
	ev_num(&e, "addr", (uintptr_t)addr, EV_HEX);
	ev_num(&e, "length", len, EV_HEX);
	prot_field(&e, prot);
	ev_flags(&e, "flags", (uint64_t)(unsigned int)flags, map_flags,
		 N(map_flags));
	ev_num(&e, "fd", (uint64_t)fd, EV_DEC);
	ev_num(&e, "offset", (uint64_t)off, EV_HEX);
	rec__encl_fields(&e, encl);
	ev_ret(&e, ret == MAP_FAILED ? -1 : (int64_t)(uintptr_t)ret,
	       ret == MAP_FAILED ? saved_errno : 0, EV_HEX);
	if (ret != MAP_FAILED)
		rec__where(&e, (uintptr_t)ret);
	ev_end(&e);
	errno = saved_errno;
	return ret;
}

REC_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	return traced_mmap(addr, len, prot, flags, fd, off);
}

REC_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			off64_t off)
{
	return traced_mmap(addr, len, prot, flags, fd, (off_t)off);
}

REC_EXPORT int mprotect(void *addr, size_t len, int prot)
{
	struct rec_encl *encl = encl_in((uintptr_t)addr, len);
	int ret = NEXT(mprotect)(addr, len, prot), saved_errno;
	struct ev e;

	if (!encl)
		return ret;
	saved_errno = errno;
	rec__begin(&e, "mprotect", NULL);
	ev_num(&e, "addr", (uintptr_t)addr, EV_HEX);
	ev_num(&e, "length", len, EV_HEX);
	prot_field(&e, prot);
	rec__encl_fields(&e, encl);
	ev_ret(&e, ret, ret ? saved_errno : 0, EV_DEC);
	rec__where(&e, (uintptr_t)addr);
	ev_end(&e);
	errno = saved_errno;
	return ret;
}

REC_EXPORT int munmap(void *addr, size_t len)
{
	struct rec_encl *encl = encl_in((uintptr_t)addr, len);
	int ret, saved_errno;
	struct ev e;

	/* Said before the call: afterwards the address may be anyone's. */
	if (encl) {
		rec__begin(&e, "munmap", NULL);
		ev_num(&e, "addr", (uintptr_t)addr, EV_HEX);
		ev_num(&e, "length", len, EV_HEX);
		rec__encl_fields(&e, encl);
	}
	ret = NEXT(munmap)(addr, len);
	if (!encl)
		return ret;
	saved_errno = errno;
	if (!ret)
		forget_maps((uintptr_t)addr, len);
	ev_ret(&e, ret, ret ? saved_errno : 0, EV_DEC);
	rec__where(&e, (uintptr_t)addr);
	ev_end(&e);
	errno = saved_errno;
	return ret;
}

/* read() into an enclave's range: the kernel's copy adds pages (EAUG). */
REC_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	struct rec_encl *encl = encl_in((uintptr_t)buf, len);
	char path[128];
	ssize_t ret;
	int saved_errno;
	long n;
	struct ev e;

	ret = NEXT(read)(fd, buf, len);
	if (!encl)
		return ret;
	saved_errno = errno;
	{
		char link[32] = "/proc/self/fd/";

		ev_u64_str(link + 14, (uint64_t)fd, 0);
		n = syscall(SYS_readlink, link, path, sizeof(path) - 1);
	}
	path[n > 0 ? n : 0] = '\0';
	rec__begin(&e, "read", NULL);
	ev_pos(&e, "fd", (uint64_t)fd);
	ev_num(&e, "addr", (uintptr_t)buf, EV_HEX);
	ev_num(&e, "length", len, EV_HEX);
	ev_str(&e, "path", path, 0, 0);
	rec__encl_fields(&e, encl);
	ev_ret(&e, ret, ret < 0 ? saved_errno : 0, EV_HEX);
	rec__where(&e, (uintptr_t)buf);
	ev_end(&e);
	errno = saved_errno;
	return ret;
}
