// SPDX-License-Identifier: MIT
/*
 * The enclaves of a trace, rebuilt on the simulator.
 *
 * Each (process, enclave number) of the trace gets a simulated enclave
 * (sgx2_sim_open()), configured as the machine that answered: the
 * simulator's own kernel release and SGX2 when it answered the recording,
 * else the release the recording's kernel had (the newest modelled at or
 * below it) and its CPU's SGX2 bit. A process that forked keeps its
 * parent's enclaves.
 *
 * Addresses: the enclave's recorded range is known before the replay
 * starts (its CREATE), so each enclave gets a PROT_NONE reservation of its
 * own and a base at the same offset within the enclave size as the
 * recorded one; an address in [base - size, base + 2 size) of the trace
 * maps to the same place around the replay's base, so that mappings made
 * before CREATE land where they did. Mappings elsewhere are placed where
 * the system puts them and remembered.
 *
 * CREATE, ADD_PAGES and INIT are replayed with the recorded fields; the
 * pages hold zeros (a trace has no contents), so INIT's SIGSTRUCT, built
 * from the recorded public fields, carries the simulator's measurement and
 * no signature, which sgx2_sim_skip_signature() lets EINIT accept, when
 * the recorded INIT succeeded; when it failed, the SIGSTRUCT carries the
 * recorded ENCLAVEHASH and no signature, and fails as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <asm/sgx.h>
#include <sgx2-sim.h>

#include "replay.h"

#define MAX_WINDOW (1ull << 40) /* the simulator's largest enclave */

/* The newest modelled release at or below @release ("6.1.0-18-amd64"). */
static uint32_t kernel_of_release(const char *release)
{
	unsigned int major = 0, minor = 0;

	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return SGX2_SIM_KERNEL_NEWEST;
	if (major < 6)
		return SGX2_SIM_KERNEL_5_X;
	if (major > 6 || minor >= 19)
		return SGX2_SIM_KERNEL_6_19;
	if (minor >= 14)
		return SGX2_SIM_KERNEL_6_14;
	if (minor >= 6)
		return SGX2_SIM_KERNEL_6_6;
	return minor >= 1 ? SGX2_SIM_KERNEL_6_1 : SGX2_SIM_KERNEL_6_0;
}

static void configure(struct replay *r, struct renc *e, const struct event *ev)
{
	const char *who = ev ? j_str(&ev->o, "answered_by") : NULL;
	const struct proc *p = trace_proc(r->t, e->pid);
	struct sgx2_sim_config cfg;
	uint64_t v;

	if (sgx2_sim_get_config(e->fd, &cfg))
		return;
	if (who && !strcmp(who, "libsgx2-sim")) {
		if (j_u64(&ev->o, "sim_kernel", &v))
			cfg.kernel = (uint32_t)v;
		if (j_u64(&ev->o, "sim_sgx2", &v))
			cfg.sgx2 = (uint32_t)v;
	} else if (who && p) {
		cfg.kernel = kernel_of_release(p->kernel);
		cfg.sgx2 = p->cpu_sgx2 ? 1 : 0;
	}
	if (r->have_kernel)
		cfg.kernel = r->kernel;
	if (sgx2_sim_configure(e->fd, &cfg))
		say(r,
		    "warning: the simulator does not model kernel 0x%x: "
		    "its default instead",
		    cfg.kernel);
}

/* The reservation around the replay's base, from the recorded CREATE. */
static void reserve(struct replay *r, struct renc *e)
{
	uint64_t w = 2 * PAGE, start;
	void *p;

	if (!trace_secs(r->t, e->pid, e->id, &e->rbase, &e->rsize))
		return;
	while (w < e->rsize && w < MAX_WINDOW)
		w <<= 1;
	p = mmap(NULL, (size_t)(6 * w), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		say(r,
		    "warning: no address space for the enclave's range "
		    "(%llu bytes): its addresses are not replayed",
		    (unsigned long long)(6 * w));
		e->rsize = 0;
		return;
	}
	e->resv = p;
	e->resv_len = (size_t)(6 * w);
	e->wsize = w;
	start = (uint64_t)(uintptr_t)p + w;
	e->base = ((start + w - 1) & ~(w - 1)) + (e->rbase & (w - 1));
}

static struct renc *find(struct replay *r, uint64_t pid, uint64_t id)
{
	for (struct renc *e = r->encls; e; e = e->next)
		if (e->pid == pid && e->id == id)
			return e;
	return NULL;
}

struct renc *renc_of(struct replay *r, const struct event *ev, int open)
{
	const struct proc *p;
	struct renc *e;
	uint64_t pid = ev->pid;
	int fd;

	if (!ev->encl)
		return NULL;
	e = find(r, pid, ev->encl);
	/* A child's enclave may be its parent's. */
	for (p = trace_proc(r->t, pid); !e && p && p->ppid;
	     p = trace_proc(r->t, p->ppid))
		e = find(r, p->ppid, ev->encl);
	if (e || !open)
		return e;
	fd = sgx2_sim_open(O_CLOEXEC);
	if (fd < 0) {
		say(r, "sgx2_sim_open: %s", strerror(-fd));
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		close(fd);
		return NULL;
	}
	e->pid = pid;
	e->id = ev->encl;
	e->fd = fd;
	e->next = r->encls;
	r->encls = e;
	configure(r, e, strcmp(ev->ev, "open") ? NULL : ev);
	reserve(r, e);
	return e;
}

void renc_free_all(struct replay *r)
{
	while (r->encls) {
		struct renc *e = r->encls;

		r->encls = e->next;
		if (e->fd >= 0)
			close(e->fd);
		if (e->resv)
			munmap(e->resv, e->resv_len);
		free(e->maps);
		free(e);
	}
}

int translate(const struct renc *e, uint64_t addr, uint64_t len, uint64_t *out)
{
	if (e->wsize && addr + e->wsize >= e->rbase &&
	    addr + len <= e->rbase + 2 * e->wsize && addr + len >= addr) {
		*out = addr - e->rbase + e->base;
		return 1;
	}
	for (size_t i = 0; i < e->nmaps; i++) {
		const struct rmap *m = &e->maps[i];

		if (addr >= m->rec && addr + len <= m->rec + m->len) {
			*out = m->rep + (addr - m->rec);
			return 1;
		}
	}
	return 0;
}

/* The answer of the call just made: ret (or -1) and errno. */
static struct answer now(long ret)
{
	struct answer a = { .ret = ret };

	if (ret < 0) {
		a.ret = -1;
		a.err = errno;
	}
	return a;
}

/* The same outcome: the sign of ret (or ret itself) and the errno. */
static int check(struct replay *r, const char *call, const struct answer *want,
		 const struct answer *got, int exact, const char *why)
{
	if ((want->ret < 0) == (got->ret < 0) &&
	    (!exact || want->ret == got->ret) &&
	    (want->ret >= 0 || want->err == got->err) &&
	    (!want->has_count || want->count == got->count))
		return 0;
	diverge(r, call, want, got, why, NULL, 0, 0);
	return -1;
}

int replay_open(struct replay *r, const struct event *ev)
{
	const char *path = j_str(&ev->o, "path");
	int64_t ret = -1;
	struct renc *e;

	j_s64(&ev->o, "ret", &ret);
	if (path && strstr(path, "sgx_vepc")) {
		verbose(r, "open of %s: vEPC, not replayed", path);
		return 0;
	}
	if (ret < 0) {
		verbose(r, "open of %s failed when recorded: nothing to replay",
			path ? path : "?");
		return 0;
	}
	e = renc_of(r, ev, 1);
	if (!e)
		return -1;
	e->rfds++; /* one recorded descriptor (see replay_close()) */
	return 0;
}

void replay_close(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 0);

	/* The enclave lives while a recorded descriptor does. */
	if (!strcmp(ev->ev, "dup")) {
		int64_t ret = -1;

		if (e && j_s64(&ev->o, "ret", &ret) && ret >= 0)
			e->rfds++;
		return;
	}
	if (e && e->rfds && !--e->rfds && e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
}

static void *page_buffer(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int replay_create(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 1);
	struct sgx_enclave_create c = { 0 };
	struct answer want = recorded(ev), got;
	uint64_t v, base;
	unsigned char *secs;
	uint32_t v32;

	if (!e)
		return -1;
	secs = page_buffer(PAGE);
	if (!secs)
		return -1;
	if (j_u64(&ev->o, "in.secs.size", &v)) {
		memcpy(secs, &v, 8);
		j_u64(&ev->o, "in.secs.base", &base);
		base = base - e->rbase + e->base;
		memcpy(secs + 8, &base, 8);
		if (j_u64(&ev->o, "in.secs.ssa_frame_size", &v)) {
			v32 = (uint32_t)v;
			memcpy(secs + 16, &v32, 4);
		}
		if (j_u64(&ev->o, "in.secs.miscselect", &v)) {
			v32 = (uint32_t)v;
			memcpy(secs + 20, &v32, 4);
		}
		if (j_u64(&ev->o, "in.secs.attributes", &v))
			memcpy(secs + 48, &v, 8);
		if (j_u64(&ev->o, "in.secs.xfrm", &v))
			memcpy(secs + 56, &v, 8);
		c.src = (uintptr_t)secs;
	}
	r->ioctls++;
	got = now(ioctl(e->fd, SGX_IOC_ENCLAVE_CREATE, &c));
	munmap(secs, PAGE);
	verbose(r, "CREATE at 0x%llx (recorded 0x%llx)",
		(unsigned long long)e->base, (unsigned long long)e->rbase);
	return check(r, "SGX_IOC_ENCLAVE_CREATE", &want, &got, 1, NULL);
}

int replay_add_pages(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 1);
	struct answer want = recorded(ev), got;
	struct sgx_enclave_add_pages a = { 0 };
	uint64_t src = 0, secinfo_flags, v[4] = { 0 };
	unsigned char *buf = NULL;
	static uint64_t secinfo[8] __attribute__((aligned(64)));
	size_t buf_len = 0;
	char call[160];

	if (!e)
		return -1;
	j_u64(&ev->o, "in.src", &src);
	j_u64(&ev->o, "in.offset", &v[0]);
	j_u64(&ev->o, "in.length", &v[1]);
	j_u64(&ev->o, "in.flags", &v[2]);
	j_u64(&ev->o, "in.count", &v[3]);
	a.offset = v[0];
	a.length = v[1];
	a.flags = v[2];
	a.count = v[3];
	snprintf(call, sizeof(call),
		 "SGX_IOC_ENCLAVE_ADD_PAGES offset 0x%llx length 0x%llx",
		 (unsigned long long)a.offset, (unsigned long long)a.length);
	if (want.ret < 0 && want.err == EINTR) {
		say(r,
		    "note: %s: interrupted by a signal before any page "
		    "when recorded; not replayed",
		    call);
		return 0;
	}
	/* A signal stops ADD_PAGES early with 0 and a short count: the
	 * simulator has no signals, so it adds what the kernel added. */
	if (want.ret == 0 && want.has_count && want.count < a.length) {
		say(r,
		    "note: %s: the recorded kernel stopped at 0x%llx (a "
		    "signal): that much is replayed",
		    call, (unsigned long long)want.count);
		a.length = want.count;
		if (!a.length)
			return 0;
	}
	if (a.length && a.length <= MAX_WINDOW) {
		buf_len = (size_t)a.length + PAGE;
		buf = page_buffer(buf_len);
		if (!buf)
			return -1;
		a.src = (uintptr_t)buf + (src & (PAGE - 1));
	} else {
		a.src = src;
	}
	if (j_u64(&ev->o, "in.secinfo_flags", &secinfo_flags)) {
		memset(secinfo, 0, sizeof(secinfo));
		secinfo[0] = secinfo_flags;
		a.secinfo = (uintptr_t)secinfo;
	}
	r->ioctls++;
	got = now(ioctl(e->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &a));
	got.has_count = 1;
	got.count = a.count;
	if (buf)
		munmap(buf, buf_len);
	if (!want.has_count)
		got.has_count = 0;
	return check(r, call, &want, &got, 1, NULL);
}

/* The SIGSTRUCT's constant HEADER and HEADER2 (SDM). */
static const unsigned char ss_header[16] =
	"\x06\x00\x00\x00\xe1\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00";
static const unsigned char ss_header2[16] =
	"\x01\x01\x00\x00\x60\x00\x00\x00\x60\x00\x00\x00\x01\x00\x00\x00";

static void put(unsigned char *ss, const struct event *ev, const char *key,
		size_t at, size_t n)
{
	uint64_t v;

	if (j_u64(&ev->o, key, &v))
		memcpy(ss + at, &v, n);
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int b;

		if (!s || sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (unsigned char)b;
	}
	return 0;
}

int replay_init(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 1);
	struct answer want = recorded(ev), got;
	struct sgx_enclave_init in = { 0 };
	uint8_t mr[SGX2_SIM_MRENCLAVE_SIZE];
	unsigned char *ss;
	int err;

	if (!e)
		return -1;
	ss = page_buffer(PAGE);
	if (!ss)
		return -1;
	if (jget(&ev->o, "in.sig.mrenclave")) {
		memcpy(ss, ss_header, 16);
		memcpy(ss + 24, ss_header2, 16);
		put(ss, ev, "in.sig.vendor", 16, 4);
		put(ss, ev, "in.sig.date", 20, 4);
		put(ss, ev, "in.sig.exponent", 512, 4);
		put(ss, ev, "in.sig.miscselect", 900, 4);
		put(ss, ev, "in.sig.miscmask", 904, 4);
		put(ss, ev, "in.sig.attributes", 928, 8);
		put(ss, ev, "in.sig.xfrm", 936, 8);
		put(ss, ev, "in.sig.attributemask", 944, 8);
		put(ss, ev, "in.sig.xfrmmask", 952, 8);
		put(ss, ev, "in.sig.isvprodid", 1024, 2);
		put(ss, ev, "in.sig.isvsvn", 1026, 2);
		if (want.ret == 0) {
			/* The pages are not the recorded ones: the
			 * simulator's measurement of them, unsigned. */
			err = sgx2_sim_skip_signature(e->fd, mr);
			if (!err)
				memcpy(ss + 960, mr, sizeof(mr));
		} else {
			unhex(j_str(&ev->o, "in.sig.mrenclave"), ss + 960, 32);
		}
		in.sigstruct = (uintptr_t)ss;
	}
	r->ioctls++;
	got = now(ioctl(e->fd, SGX_IOC_ENCLAVE_INIT, &in));
	munmap(ss, PAGE);
	return check(r, "SGX_IOC_ENCLAVE_INIT", &want, &got, 1,
		     want.ret ? NULL
			      : "(the pages are zeros and the SIGSTRUCT "
				"unsigned; its other checks are the CPU's)");
}

int replay_provision(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 1);
	struct answer want = recorded(ev), got;
	struct sgx_enclave_provision p = { .fd = (uint64_t)-1 };

	if (!e)
		return -1;
	r->ioctls++;
	got = now(ioctl(e->fd, SGX_IOC_ENCLAVE_PROVISION, &p));
	return check(r, "SGX_IOC_ENCLAVE_PROVISION", &want, &got, 1,
		     "(libsgx2-sim has no /dev/sgx_provision: it refuses "
		     "every descriptor)");
}

static void remember(struct renc *e, uint64_t rec, uint64_t len, uint64_t rep)
{
	if (e->nmaps == e->capmaps) {
		size_t cap = e->capmaps ? 2 * e->capmaps : 8;
		struct rmap *m = realloc(e->maps, cap * sizeof(*m));

		if (!m)
			return;
		e->maps = m;
		e->capmaps = cap;
	}
	e->maps[e->nmaps++] = (struct rmap){ rec, len, rep };
}

static int in_window(const struct renc *e, uint64_t at, uint64_t len)
{
	uint64_t lo = (uint64_t)(uintptr_t)e->resv;

	return e->resv && at >= lo && at + len <= lo + e->resv_len;
}

static int replay_mmap(struct replay *r, struct renc *e, const struct event *ev)
{
	uint64_t addr = 0, len = 0, prot = 0, flags = 0, off = 0, to;
	struct answer want = recorded(ev), got;
	char call[96];
	int placed;
	void *p;

	j_u64(&ev->o, "addr", &addr);
	j_u64(&ev->o, "length", &len);
	j_u64(&ev->o, "prot", &prot);
	j_u64(&ev->o, "flags", &flags);
	j_u64(&ev->o, "offset", &off);
	flags &= ~(uint64_t)MAP_FIXED_NOREPLACE; /* the window is ours */
	placed = translate(e, want.ret != -1 ? (uint64_t)want.ret : addr, len,
			   &to) &&
		 in_window(e, to, len);
	if (placed && (want.ret != -1 || addr)) {
		p = mmap((void *)(uintptr_t)to, len, (int)prot,
			 (int)(flags | MAP_FIXED), e->fd, (off_t)off);
	} else {
		placed = 0;
		p = mmap(NULL, len, (int)prot,
			 (int)(flags & ~(uint64_t)MAP_FIXED), e->fd,
			 (off_t)off);
	}
	got = now(p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED && !placed && want.ret != -1)
		remember(e, (uint64_t)want.ret, len, (uint64_t)(uintptr_t)p);
	snprintf(call, sizeof(call), "mmap of 0x%llx bytes at 0x%llx%s",
		 (unsigned long long)len,
		 (unsigned long long)(want.ret != -1 ? (uint64_t)want.ret
						     : addr),
		 placed ? " (the enclave's range)" : "");
	want.ret = want.ret == -1 ? -1 : 0;
	return check(r, call, &want, &got, 0, NULL);
}

int replay_map(struct replay *r, const struct event *ev)
{
	struct renc *e = renc_of(r, ev, 0);
	uint64_t addr = 0, len = 0, prot = 0, to;
	struct answer want = recorded(ev), got;
	char call[96];

	if (!e) {
		verbose(r, "%s of no known enclave: not replayed", ev->ev);
		return 0;
	}
	r->mappings++;
	if (!strcmp(ev->ev, "mmap"))
		return replay_mmap(r, e, ev);
	j_u64(&ev->o, "addr", &addr);
	j_u64(&ev->o, "length", &len);
	j_u64(&ev->o, "prot", &prot);
	if (!translate(e, addr, len, &to)) {
		verbose(r, "%s of 0x%llx: not where the replay can place it",
			ev->ev, (unsigned long long)addr);
		return 0;
	}
	snprintf(call, sizeof(call), "%s of +0x%llx, 0x%llx bytes", ev->ev,
		 (unsigned long long)(addr - e->rbase),
		 (unsigned long long)len);
	if (!strcmp(ev->ev, "mprotect")) {
		got = now(mprotect((void *)(uintptr_t)to, len, (int)prot));
		return check(r, call, &want, &got, 1, NULL);
	}
	got = now(munmap((void *)(uintptr_t)to, len));
	/* Keep the hole ours: nothing of the replay's may land there. */
	if (!got.ret && in_window(e, to, len))
		mmap((void *)(uintptr_t)to, len, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		     -1, 0);
	return check(r, call, &want, &got, 1, NULL);
}

/* read() of /dev/zero into the enclave (libsgx2's pre-fault): the kernel
 * adds the pages it reaches; the simulator models the same copy. */
int replay_read(struct replay *r, const struct event *ev)
{
	static int zero_fd = -1;
	struct renc *e = renc_of(r, ev, 0);
	const char *path = j_str(&ev->o, "path");
	struct answer want = recorded(ev), got;
	uint64_t addr = 0, len = 0, to;
	char call[96];

	if (!e || !path || strcmp(path, "/dev/zero")) {
		verbose(r, "read() from %s: not replayed", path ? path : "?");
		return 0;
	}
	j_u64(&ev->o, "addr", &addr);
	j_u64(&ev->o, "length", &len);
	if (!translate(e, addr, len, &to)) {
		verbose(r,
			"read() into 0x%llx: not where the replay can place "
			"it",
			(unsigned long long)addr);
		return 0;
	}
	if (zero_fd < 0)
		zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	r->mappings++;
	snprintf(call, sizeof(call),
		 "read() of /dev/zero into +0x%llx, "
		 "0x%llx bytes",
		 (unsigned long long)(addr - e->rbase),
		 (unsigned long long)len);
	got = now(read(zero_fd, (void *)(uintptr_t)to, len));
	return check(r, call, &want, &got, 1, NULL);
}
