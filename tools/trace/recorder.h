/* SPDX-License-Identifier: MIT */
/*
 * The sgx2-trace recorder: a library preloaded into an unmodified program
 * (LD_PRELOAD, set by sgx2-trace(1)) that records what the program asks
 * the SGX driver and what it answers. It interposes the libc symbols
 * below and forwards each call to the next definition (dlsym(RTLD_NEXT)):
 * libc's, which makes the system call, or the simulator's when
 * libsgx2-sim comes after the recorder in the lookup order.
 *
 * Private to the recorder. Everything an interposed call runs is
 * async-signal-safe (atomics, no locks, no allocation), as a signal
 * handler may close() or munmap().
 */
#ifndef SGX2_TRACE_RECORDER_H
#define SGX2_TRACE_RECORDER_H

#include <stdint.h>
#include <sys/types.h>

#include "event.h"

#define REC_EXPORT __attribute__((visibility("default")))

/* An enclave this process has a descriptor of. */
struct rec_encl {
	uint32_t id;   /* 1, 2, ...: "encl" in the trace; 0: free slot */
	uint32_t fds;  /* descriptors that refer to it */
	uint64_t base; /* SECS.BASE, SECS.SIZE: after a CREATE that worked */
	uint64_t size;
	int vepc; /* /dev/sgx_vepc, not an enclave */
};

/* The next definitions of the interposed symbols. */
struct rec_next {
	int (*ioctl)(int, unsigned long, void *);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*mprotect)(void *, size_t, int);
	int (*munmap)(void *, size_t);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	unsigned long (*getauxval)(unsigned long);
	ssize_t (*read)(int, void *, size_t);
};

extern struct rec_next rec__next;

/* Resolve the next definitions (at start-up, or at an earlier first use). */
void rec__resolve(void);

/* The enclave of a descriptor: its slot, or NULL. */
struct rec_encl *rec__encl_of_fd(int fd);
/* Make @fd an enclave descriptor (a new enclave); its slot, or NULL. */
struct rec_encl *rec__adopt(int fd, int vepc);
/* The enclave whose range holds @addr, or NULL. */
struct rec_encl *rec__encl_at(uint64_t addr);

/* A line's start, with the process's first line before it; and the
 * enclave a descriptor or an address belongs to, as fields. */
void rec__begin(struct ev *e, const char *name, const char *call);
void rec__encl_fields(struct ev *e, const struct rec_encl *encl);
/* Text: " <encl N +0xOFF>" for an address inside an enclave. */
void rec__where(struct ev *e, uint64_t addr);

/* ioctl.c: decode one SGX ioctl on an enclave descriptor. */
int rec__sgx_ioctl(struct rec_encl *encl, int fd, unsigned long cmd, void *arg);
int rec__is_sgx_cmd(unsigned long cmd);
/* A read of the caller's memory that cannot fault: 0 or -EFAULT. */
int rec__peek(void *dst, const void *src, size_t n);

/* vdso.c: the state saved around the hooks (vdso-wrap.S). */
void rec__vdso_init(void);
extern uint32_t rec__use_xsave, rec__xsave_size;
extern uint64_t rec__xsave_mask;

#endif
