/* SPDX-License-Identifier: MIT */
/*
 * sgx2-replay: a trace sgx2-trace(1) recorded, replayed on libsgx2-sim.
 * Private to the program.
 *
 *   load.c     the trace: lines, events, the processes that made them
 *   enclave.c  the enclaves: descriptors, address ranges, CREATE,
 *              ADD_PAGES, INIT, PROVISION, mmap/mprotect/munmap
 *   edmm.c     the EDMM ioctls, and what the enclave must have done
 *   report.c   what the replay says: inferences, divergences
 */
#ifndef SGX2_REPLAY_H
#define SGX2_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

#define PAGE 4096u

struct event {
	unsigned int line; /* in the file, from 1 */
	struct jobj o;
	const char *ev;
	uint64_t pid;
	uint64_t encl; /* the recorder's enclave number in pid; 0: none */
};

struct proc {
	uint64_t pid, ppid;
	const char *kernel; /* uname release */
	uint64_t cpu_sgx2;
};

struct trace {
	const char *path;
	struct event *ev;
	size_t n;
	struct proc *procs;
	size_t nprocs;
};

/* An address range of the trace and where the replay put it. */
struct rmap {
	uint64_t rec, len, rep;
};

/* One enclave of the trace, and its replay on the simulator. */
struct renc {
	struct renc *next;
	uint64_t pid, id;
	int fd; /* the simulator's; -1 when closed */
	/* The recorded SECS.BASE and SECS.SIZE (from its CREATE, found before
	 * the replay starts), and the replay's: the same offset within the
	 * size, inside a reservation of its own. */
	uint64_t rbase, rsize;
	uint64_t base, wsize;
	void *resv;
	size_t resv_len;
	struct rmap *maps; /* mappings outside the window */
	size_t nmaps, capmaps;
	unsigned int rfds; /* recorded descriptors open on it */
};

struct replay {
	struct trace *t;
	struct renc *encls;
	const struct event *cur;
	int verbose, quiet;
	int have_kernel;
	uint32_t kernel; /* --kernel */
	int diverged;
	unsigned int ioctls, mappings, entries, inferred;
	/* The last enclave entry of the process, and of the trace. */
	uint64_t entry_pid;
	unsigned int entry_line;
};

/* load.c */
int trace_load(const char *path, struct trace *t);
void trace_free(struct trace *t);
const struct proc *trace_proc(const struct trace *t, uint64_t pid);
/* The event's CREATE, if its enclave has one: in.secs.base and size. */
int trace_secs(const struct trace *t, uint64_t pid, uint64_t id, uint64_t *base,
	       uint64_t *size);

/* report.c */
struct answer {
	int64_t ret;
	int err; /* positive, 0 */
	int has_count, has_result;
	uint64_t count, result;
};

void say(struct replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void verbose(struct replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void inferred(struct replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The first divergence: what was called, what the trace says, what the
 * simulator said, and, with @page, the simulator's state of the page at
 * @offset of @e. */
void diverge(struct replay *r, const char *call, const struct answer *want,
	     const struct answer *got, const char *why, const struct renc *e,
	     int page, uint64_t offset);
/* "EFAULT" -> 14, "0" or NULL -> 0; -1 unknown. */
int errno_of_name(const char *name);
const char *errname(int err);
/* The recorded answer of @ev: ret, errno, out.count, out.result. */
struct answer recorded(const struct event *ev);
/* An answer, as text. */
void answer_text(const struct answer *a, char *buf, size_t n);
/* A page, as the simulator has it. */
void page_text(int fd, uint64_t offset, char *buf, size_t n);

/* enclave.c */
struct renc *renc_of(struct replay *r, const struct event *ev, int open);
int replay_open(struct replay *r, const struct event *ev);
void replay_close(struct replay *r, const struct event *ev);
int replay_create(struct replay *r, const struct event *ev);
int replay_add_pages(struct replay *r, const struct event *ev);
int replay_init(struct replay *r, const struct event *ev);
int replay_provision(struct replay *r, const struct event *ev);
int replay_map(struct replay *r, const struct event *ev);
int replay_read(struct replay *r, const struct event *ev);
void renc_free_all(struct replay *r);
/* The replay's address for the trace's [addr, addr + len); 0 if none. */
int translate(const struct renc *e, uint64_t addr, uint64_t len, uint64_t *out);

/* edmm.c */
int replay_edmm(struct replay *r, const struct event *ev);

#endif
