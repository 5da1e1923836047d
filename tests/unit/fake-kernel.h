/* SPDX-License-Identifier: MIT */
/*
 * A scripted kernel at the ioctl() boundary. Test binaries link the
 * library's static archive with -Wl,--wrap=ioctl (and a few more), so the
 * library's own ioctl() calls land here; the library itself is unchanged.
 */
#ifndef FAKE_KERNEL_H
#define FAKE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE 4096u
#define FK_FD 42
#define FK_MAX 4096

/* What the library submitted. `count_in`/`result_in` are the values on entry. */
struct fk_call {
	unsigned int seq; /* position among all recorded events */
	int fd;
	unsigned long cmd;
	uint64_t offset;
	uint64_t length;
	uint64_t arg; /* page_type or permissions; 0 for REMOVE_PAGES */
	uint64_t result_in;
	uint64_t count_in;
	uint64_t count_out; /* what the answer left in `count` */
};

/* How the kernel answers one ioctl. */
struct fk_answer {
	int err;	 /* 0 or a positive errno */
	uint64_t count;	 /* bytes written back to `count` */
	uint64_t result; /* SGX code written back to `result` */
	bool unwritten;	 /* struct not copied back (busy bit, pre-checks) */
};

/* An mmap() or mprotect() of the library's. */
struct fk_map {
	unsigned int seq;
	int is_mmap;
	uint64_t addr;
	uint64_t length;
	int prot;
	int flags; /* mmap only */
	int fd;	   /* mmap only */
	uint64_t file_offset;
};

/* A read() of the library's: the pre-fault, /dev/zero into the range. */
struct fk_read {
	unsigned int seq;
	uint64_t addr;
	uint64_t length;
};

extern unsigned int fk_seq; /* events so far; tests may take numbers too */
extern struct fk_read fk_reads[FK_MAX];
extern unsigned int fk_nreads;
extern struct fk_map fk_maps[FK_MAX];
extern unsigned int fk_nmaps;
extern struct fk_call fk_calls[FK_MAX];
extern unsigned int fk_ncalls;
extern uint64_t fk_sleeps_us[FK_MAX]; /* clock_nanosleep() lengths */
extern unsigned int fk_nsleeps;
extern unsigned int fk_yields;
extern unsigned int fk_max_in_flight; /* most ioctls seen at once */

/* Forget calls and answers; unscripted ioctls then succeed in full. */
void fk_reset(void);
/* Queue answers, consumed in order by the next ioctls. */
void fk_answer(int err, uint64_t count, uint64_t result);
void fk_answer_unwritten(int err);
/* Answer every unscripted ioctl with this instead of success. */
void fk_answer_always(int err, uint64_t count, uint64_t result);
/* Make each ioctl take this long (for overlap tests). */
void fk_set_delay_us(unsigned int us);
/* Make the next mmap()/mprotect() fail with this errno (0: succeed). */
void fk_map_fails(int err);
/*
 * Queue read() answers, consumed in order: @ret bytes (capped at the
 * length asked), or -1 with @err. Unscripted reads return the length
 * asked: every page reached, nothing written (nothing is mapped).
 */
void fk_read_answer(long ret, int err);
/* Script open() of the device: 0 = pass to libc, else fail with errno. */
void fk_open_fails(int err);
/* The next @times opens fail with @err, then they pass. */
void fk_open_fails_times(int err, unsigned int times);
extern unsigned int fk_nopens; /* opens of any path */

#endif
