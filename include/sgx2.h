/* SPDX-License-Identifier: MIT */
/*
 * libsgx2 - the Linux SGX2 (EDMM) enclave page ioctls, done right.
 *
 * Wraps SGX_IOC_ENCLAVE_MODIFY_TYPES, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS
 * and SGX_IOC_ENCLAVE_REMOVE_PAGES of /dev/sgx_enclave (Linux 6.0+): splits
 * ranges, resumes from the kernel's partial-progress `count`, retries the
 * transient failures with a bound and backoff, and decodes the SGX `result`.
 *
 * Error convention: every function that returns int returns 0 on success or
 * a negative errno value, and never touches errno. Offsets are relative to
 * the enclave base (SECS.BASE), as in the kernel ABI; lengths are bytes and
 * multiples of SGX2_PAGE_SIZE.
 *
 * Link with -lsgx2 (pkg-config: libsgx2).
 */
#ifndef SGX2_H
#define SGX2_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Version                                                            */
/* ------------------------------------------------------------------ */

/* The version of this header (the library's: sgx2_major_version()). */
#define SGX2_VERSION_MAJOR 0
#define SGX2_VERSION_MINOR 1
#define SGX2_VERSION_PATCH 0

/* Non-zero when this header is version @major.@minor or later. */
#define SGX2_VERSION_AT_LEAST(major, minor)                                    \
	(SGX2_VERSION_MAJOR > (major) ||                                       \
	 (SGX2_VERSION_MAJOR == (major) && SGX2_VERSION_MINOR >= (minor)))

/**
 * sgx2_major_version() - the major version of the library in use
 *
 * With sgx2_minor_version() and sgx2_patch_version(): the version of the
 * libsgx2 the program runs with, which may be newer than the header it
 * was built with (SGX2_VERSION_*).
 *
 * Return: the major version, e.g. 0 for 0.1.0.
 */
int sgx2_major_version(void);

/**
 * sgx2_minor_version() - the minor version of the library in use
 *
 * Return: the minor version, e.g. 1 for 0.1.0.
 */
int sgx2_minor_version(void);

/**
 * sgx2_patch_version() - the patch version of the library in use
 *
 * Return: the patch version, e.g. 0 for 0.1.0.
 */
int sgx2_patch_version(void);

/* ------------------------------------------------------------------ */
/* Constants: page size, page types, SECINFO flags                    */
/* ------------------------------------------------------------------ */

#define SGX2_PAGE_SIZE 4096u

/* EPC page types (SECINFO bits 15:8). MODIFY_TYPES accepts TCS and TRIM. */
#define SGX2_PAGE_TYPE_TCS 1u
#define SGX2_PAGE_TYPE_REG 2u
#define SGX2_PAGE_TYPE_TRIM 4u

/* Page permissions (SECINFO bits 2:0). */
#define SGX2_PERM_R 0x1u
#define SGX2_PERM_W 0x2u
#define SGX2_PERM_X 0x4u

/* SECINFO state bits that EACCEPT must name (SDM; not in the uapi). */
#define SGX2_SECINFO_PENDING 0x08u
#define SGX2_SECINFO_MODIFIED 0x10u
#define SGX2_SECINFO_PR 0x20u
#define SGX2_SECINFO_TYPE(t) ((uint64_t)(t) << 8)

/* The SECINFO flags the enclave's EACCEPT needs after each step. */
#define SGX2_ACCEPT_TRIM /* 0x410 */                                           \
	(SGX2_SECINFO_TYPE(SGX2_PAGE_TYPE_TRIM) | SGX2_SECINFO_MODIFIED)
#define SGX2_ACCEPT_TCS /* 0x110 */                                            \
	(SGX2_SECINFO_TYPE(SGX2_PAGE_TYPE_TCS) | SGX2_SECINFO_MODIFIED)
#define SGX2_ACCEPT_AUG /* 0x20B: a page EAUGed on fault */                    \
	(SGX2_SECINFO_TYPE(SGX2_PAGE_TYPE_REG) | SGX2_SECINFO_PENDING |        \
	 SGX2_PERM_R | SGX2_PERM_W)
#define SGX2_ACCEPT_RESTRICT(perms) /* e.g. 0x221 for R */                     \
	(SGX2_SECINFO_TYPE(SGX2_PAGE_TYPE_REG) | SGX2_SECINFO_PR |             \
	 ((uint64_t)(perms)&0x7u))

/* ------------------------------------------------------------------ */
/* The enclave handle                                                 */
/* ------------------------------------------------------------------ */

/*
 * One handle per enclave, shared by all threads: the library issues one
 * ioctl at a time per handle (calls may interleave between ioctls), so its
 * own callers never make each other see EBUSY. Opaque; create it after
 * SGX_IOC_ENCLAVE_INIT.
 */
struct sgx2_enclave;

/**
 * sgx2_enclave_new() - make a handle for an initialised enclave
 * @out:  where the new handle is stored (left untouched on error)
 * @fd:   the enclave's file descriptor (from open("/dev/sgx_enclave")); the
 *        handle borrows it and never closes it
 * @base: the enclave base address, SECS.BASE (page aligned); the flows
 *        hand the EACCEPT callback addresses base + offset
 * @size: the enclave size, SECS.SIZE (a multiple of the page size), or 0
 *        when unknown; when known, ranges past it are refused up front
 *
 * Return: 0; -EINVAL for NULL @out or a misaligned @base or @size; -EBADF
 * for a negative @fd; -EOVERFLOW when @base + @size wraps; -ENOMEM.
 */
int sgx2_enclave_new(struct sgx2_enclave **out, int fd, uint64_t base,
		     uint64_t size);

/**
 * sgx2_enclave_free() - release a handle (NULL is accepted)
 * @encl: the handle; no call on it may be in progress, in any thread, or
 *        start afterwards: a flow whose callback is running is a call in
 *        progress, so a callback must not free its flow's handle
 *
 * The enclave file descriptor stays open: it belongs to the caller.
 */
void sgx2_enclave_free(struct sgx2_enclave *encl);

/* ------------------------------------------------------------------ */
/* Options: chunking, retries, backoff, deadline                      */
/* ------------------------------------------------------------------ */

#define SGX2_DEFAULT_MAX_RETRIES 32u
#define SGX2_DEFAULT_BACKOFF_MIN_US 50u
#define SGX2_DEFAULT_BACKOFF_MAX_US 10000u

/*
 * A transient failure (EAGAIN, EBUSY, EINTR, or EFAULT with the SGX code
 * SGX_EPC_PAGE_CONFLICT) is retried from where the kernel stopped. A retry
 * that follows progress is issued at once; each further retry in a row
 * without progress sleeps first, backoff_min_us doubling up to
 * backoff_max_us. After max_retries retries in a row without progress the
 * call gives up with the last transient errno. When sgx2_trim_and_remove()
 * and its resume remove pages the enclave has accepted, EPERM is retried
 * too, at most 3 times in a row: REMOVE_PAGES also answers it when its
 * probe of an accepted page fails.
 */
struct sgx2_options {
	uint64_t chunk_bytes;	 /* max bytes per ioctl; 0: whole range */
	uint32_t max_retries;	 /* retries in a row without progress */
	uint32_t backoff_min_us; /* first sleep; 0: sched_yield() instead */
	uint32_t backoff_max_us; /* cap of the doubling sleep */
	uint32_t reserved0;	 /* must be 0 */
	uint64_t timeout_ns;	 /* whole call, CLOCK_MONOTONIC; 0: none */
	uint64_t reserved[4];	 /* must be 0 */
};

/**
 * sgx2_options_init() - fill @opts with the defaults
 * @opts: the options to fill
 *
 * Defaults: whole range per ioctl, SGX2_DEFAULT_MAX_RETRIES, backoff from
 * SGX2_DEFAULT_BACKOFF_MIN_US to SGX2_DEFAULT_BACKOFF_MAX_US, no deadline.
 * Start from this and change fields, so that fields added later keep
 * their defaults.
 */
void sgx2_options_init(struct sgx2_options *opts);

/**
 * sgx2_enclave_set_options() - set the options used when a call passes NULL
 * @encl: the handle
 * @opts: the new options, copied; NULL restores the defaults
 *
 * Calls read these options without a lock, so each copy is kept until
 * sgx2_enclave_free(): set options once or rarely; per-call options (read
 * during the call, so keep them unchanged until it returns) suit changes.
 *
 * Return: 0; -EINVAL for a NULL @encl, non-zero reserved fields, a
 * @chunk_bytes that is not a multiple of the page size, or
 * backoff_min_us > backoff_max_us; -ENOMEM. Nothing is changed on error.
 */
int sgx2_enclave_set_options(struct sgx2_enclave *encl,
			     const struct sgx2_options *opts);

/* ------------------------------------------------------------------ */
/* Tracing: what the library asked the kernel, and what it answered   */
/* ------------------------------------------------------------------ */

/* Kinds of trace lines (bits of @kinds). */
#define SGX2_LOG_IOCTL 0x1u /* one line per ioctl: answer, decision, time */
#define SGX2_LOG_STEP 0x2u  /* one line per flow step: begin, mapping, */
			    /* accept callback, end */
#define SGX2_LOG_ALL (SGX2_LOG_IOCTL | SGX2_LOG_STEP)

/*
 * Receives one trace line: @kind is SGX2_LOG_IOCTL or SGX2_LOG_STEP, @line
 * is NUL-terminated, has no newline and is valid only during the call. It
 * runs on the thread that made the library call, with no library lock
 * held; it may change errno (the library restores it).
 */
typedef void (*sgx2_log_fn)(void *data, unsigned int kind, const char *line);

/**
 * sgx2_enclave_set_log_fn() - trace a handle's ioctls and flow steps
 * @encl:  the handle
 * @fn:    called with each line; NULL: the default, which writes the line
 *         and a newline to standard error with one write(2)
 * @data:  passed to @fn
 * @kinds: the SGX2_LOG_* bits to trace; 0 turns tracing off
 *
 * Tracing is off unless asked for, and then costs one branch per ioctl.
 * A new handle starts as the environment variable LIBSGX2_TRACE says
 * when sgx2_enclave_new() makes it: unset, empty or "0", off; "ioctl",
 * SGX2_LOG_IOCTL; any other value ("1"), SGX2_LOG_ALL; to standard error.
 * This call replaces that, for this handle, for good: each line goes to
 * one place. sgx2_probe() has no handle and follows the variable. Calls
 * read the setting without a lock, so each one is kept until
 * sgx2_enclave_free(): set it once or rarely.
 *
 * Return: 0; -EINVAL for a NULL @encl or unknown bits in @kinds; -ENOMEM
 * (nothing is changed on error).
 */
int sgx2_enclave_set_log_fn(struct sgx2_enclave *encl, sgx2_log_fn fn,
			    void *data, unsigned int kinds);

/* ------------------------------------------------------------------ */
/* The report: what a call did, page-exact                            */
/* ------------------------------------------------------------------ */

/*
 * Filled on every return, success or not, when the caller passes one.
 * Pages [offset, offset + done) reached the new state; pages from
 * offset + done on were not changed by this call. Two exceptions: -EPROTO,
 * the driver answered outside its ABI and the pages of that last ioctl,
 * from offset + done, are in an unknown state; and -EFAULT without an SGX
 * code from MODIFY_TYPES or RESTRICT_PERMISSIONS, which the kernel also
 * returns when its ETRACK fails after EMODT/EMODPR changed the page at
 * offset + done (it then does not count that page).
 */
struct sgx2_report {
	uint64_t offset;     /* start of the range asked for */
	uint64_t length;     /* bytes asked for */
	uint64_t done;	     /* bytes from offset in the new state */
	uint64_t sgx_result; /* SGX return code of the failing page, or 0 */
	int32_t error;	     /* the call's return value */
	uint32_t ioctls;     /* ioctl() calls issued */
	uint32_t retries;    /* transient failures retried */
	uint32_t reserved;
};

/* ------------------------------------------------------------------ */
/* The three EDMM range operations                                    */
/* ------------------------------------------------------------------ */

/*
 * Common to all three. @opts may be NULL (the handle's options); @report
 * may be NULL. Checked before any ioctl is issued, with nothing changed:
 * -EINVAL for a NULL @encl, bad options, an @offset or @length that is not
 * page aligned, or a zero @length; -EOVERFLOW when @offset + @length wraps,
 * or base + @offset + @length passes 2^64 (only possible with a size of
 * 0); -ERANGE when the range runs past a known enclave size.
 *
 * After that, the errno the kernel gave for the page where the call
 * stopped, once retries are spent where the failure is transient:
 * -EINVAL (enclave not initialised, or a page of the wrong type for the
 * operation), -EPERM (MODIFY_TYPES, REMOVE_PAGES), -EFAULT (no page at an
 * offset, a page the kernel could not load, an ENCLS fault, or an SGX code
 * in report->sgx_result), -ENODEV (no SGX2 CPU), -ENOTTY (kernel without
 * the EDMM ioctls, or not an enclave fd), -EBADF (the fd was closed),
 * -EAGAIN/-EBUSY/-EINTR (retries spent; -EAGAIN also when the kernel kept
 * returning success with nothing done), -ETIMEDOUT (deadline passed),
 * -EPROTO (driver answered outside its ABI).
 */

/**
 * sgx2_modify_types() - change the page type (SGX_IOC_ENCLAVE_MODIFY_TYPES)
 * @encl:      the enclave
 * @offset:    first page, relative to the enclave base
 * @length:    bytes
 * @page_type: SGX2_PAGE_TYPE_TCS (REG pages only) or SGX2_PAGE_TYPE_TRIM
 * @opts:      options, or NULL
 * @report:    the report, or NULL
 *
 * Each changed page must then be accepted from inside the enclave with
 * EACCEPT(SGX2_ACCEPT_TCS or SGX2_ACCEPT_TRIM); it is inaccessible until
 * then. TRIM cannot be undone. A page that is PENDING or MODIFIED gives
 * -EFAULT with SGX_PAGE_NOT_MODIFIABLE (20): EACCEPT it first.
 *
 * Return: 0 or a negative errno (above); -EINVAL for another @page_type.
 * -EPERM: REG to TCS on a page whose maximum protection lacks R or W.
 */
int sgx2_modify_types(struct sgx2_enclave *encl, uint64_t offset,
		      uint64_t length, uint64_t page_type,
		      const struct sgx2_options *opts,
		      struct sgx2_report *report);

/**
 * sgx2_restrict_permissions() - restrict EPCM permissions
 * (SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS)
 * @encl:   the enclave
 * @offset: first page, relative to the enclave base
 * @length: bytes
 * @perms:  the permissions to keep, SGX2_PERM_* (W needs R)
 * @opts:   options, or NULL
 * @report: the report, or NULL
 *
 * Only REG pages; each must then be accepted with
 * EACCEPT(SGX2_ACCEPT_RESTRICT(perms)). Page tables are not changed.
 *
 * Return: 0 or a negative errno (above); -EINVAL for bits beyond R|W|X or
 * W without R, and for a TCS or TRIM page in the range.
 */
int sgx2_restrict_permissions(struct sgx2_enclave *encl, uint64_t offset,
			      uint64_t length, uint64_t perms,
			      const struct sgx2_options *opts,
			      struct sgx2_report *report);

/**
 * sgx2_remove_pages() - remove trimmed, accepted pages
 * (SGX_IOC_ENCLAVE_REMOVE_PAGES)
 * @encl:   the enclave
 * @offset: first page, relative to the enclave base
 * @length: bytes
 * @opts:   options, or NULL
 * @report: the report, or NULL
 *
 * A later access through a mapping adds a fresh page (EAUG).
 *
 * Return: 0 or a negative errno (above); -EPERM for a page that is not
 * TRIM, or TRIM but not yet accepted by the enclave.
 */
int sgx2_remove_pages(struct sgx2_enclave *encl, uint64_t offset,
		      uint64_t length, const struct sgx2_options *opts,
		      struct sgx2_report *report);

/* ------------------------------------------------------------------ */
/* Flows: the kernel step, EACCEPT inside the enclave, the follow-up  */
/* ------------------------------------------------------------------ */

struct sgx2_flow_report;

/*
 * What a flow needs from its caller. @accept runs ENCLU[EACCEPT] inside the
 * enclave on every page of [addr, addr + length), in order, with
 * SECINFO.FLAGS = @secinfo, in as few enclave entries as it can (one is
 * best). It returns the bytes accepted: @length, or fewer when EACCEPT
 * refused the page at addr + that many (report the count even then); or a
 * negative errno when it could not run at all and accepted nothing. The
 * flows only ever pass ranges inside the one they were asked for.
 *
 * @progress, optional, is called after each chunk (see chunk_bytes) the
 * flow completed, the last one included, with the report so far;
 * returning non-zero cancels the flow before the next chunk (-ECANCELED;
 * ignored after the last). Both get @arg. No library lock is held while
 * either runs: they may call libsgx2, on the same handle too, except
 * sgx2_enclave_free() of that handle (the flow running them is a call in
 * progress on it).
 */
struct sgx2_callbacks {
	int64_t (*accept)(void *arg, uint64_t addr, uint64_t length,
			  uint64_t secinfo);
	int (*progress)(void *arg, const struct sgx2_flow_report *sofar);
	void *arg;
	void *reserved[2]; /* must be NULL */
};

/* Where a flow stopped (report->step). */
#define SGX2_STEP_NONE 0u     /* it did not stop: success, or bad input */
#define SGX2_STEP_MODIFY 1u   /* MODIFY_TYPES or RESTRICT_PERMISSIONS */
#define SGX2_STEP_MAP 2u      /* mmap() or mprotect() of the range */
#define SGX2_STEP_ACCEPT 3u   /* the accept callback */
#define SGX2_STEP_REMOVE 4u   /* REMOVE_PAGES */
#define SGX2_STEP_PROGRESS 5u /* cancelled, or the deadline between chunks */
#define SGX2_STEP_PREFAULT 6u /* grow: the host touch that adds the pages */

/**
 * sgx2_step_name() - the name of a flow step, for messages
 * @step: SGX2_STEP_*, e.g. report->step
 *
 * Return: a static string, the SGX2_STEP_* name in lower case: "none",
 * "modify", "map", "accept", "remove", "progress", "prefault"; "unknown"
 * for another value. Never NULL.
 */
const char *sgx2_step_name(unsigned int step);

/*
 * A flow's report: byte counts from offset, each a prefix of the range, so
 * that every page is in exactly one state. For sgx2_trim_and_remove(),
 * with removed <= accepted <= changed:
 *   [offset, +removed)           removed: no page (a later access EAUGs)
 *   [+removed, +accepted)        TRIM and accepted, not yet removed
 *   [+accepted, +changed)        TRIM, not accepted: inaccessible
 *   [+changed, +length)          not touched by the flow (but see
 *                                sgx2_trim_and_remove(3): after an answer
 *                                it cannot resolve, TRIM pages of unknown
 *                                acceptance, for a resume)
 * sgx2_add_tcs(): changed = TCS (MODIFIED), mapped (<= changed) = mprotected
 * RW, accepted (<= mapped) = accepted, a usable TCS.
 * sgx2_restrict_and_accept(): changed = restricted (PR set), accepted
 * (<= changed), mapped (<= accepted) = mprotected, with SGX2_FLOW_MPROTECT.
 * sgx2_grow(), with accepted <= changed <= mapped:
 *   [offset, +accepted)          added and accepted: usable
 *   [+accepted, +changed)        added by the kernel (PENDING), not
 *                                accepted: accept them, or grow again
 *   [+changed, +mapped)          mapped by the flow (or the caller), no page
 *   [+mapped, +length)           not touched by the flow
 * (With SGX2_FLOW_NO_PREFAULT, changed = accepted and the page at
 * +accepted, when the flow stopped there, may be PENDING; with
 * SGX2_FLOW_NO_MMAP, a page in [+accepted, +changed) may instead have
 * none, where the kernel's REMOVE_PAGES race left a PTE without a page:
 * see sgx2_grow(3).)
 */
struct sgx2_flow_report {
	uint64_t offset;     /* start of the range asked for */
	uint64_t length;     /* bytes asked for */
	uint64_t changed;    /* through the kernel step */
	uint64_t mapped;     /* mapping adjusted (mmap/mprotect) */
	uint64_t accepted;   /* accepted by the enclave */
	uint64_t removed;    /* removed (sgx2_trim_and_remove) */
	uint64_t sgx_result; /* SGX code of the failing ioctl, or 0 */
	int32_t error;	     /* the return value; the first failure */
	uint32_t step;	     /* SGX2_STEP_*: where the first failure was */
	uint32_t ioctls;     /* ioctl() calls issued */
	uint32_t retries;    /* transient failures retried */
	uint32_t callbacks;  /* accept callback invocations */
	uint32_t reserved;
};

/*
 * Common to the flows: @cb and @cb->accept are required; @opts may be NULL;
 * @report may be NULL except for sgx2_trim_and_remove_resume(). Bad input
 * gets -EINVAL, -EOVERFLOW or -ERANGE as for the range operations, with no
 * ioctl, mapping change or callback. A flow proceeds chunk by chunk (the
 * whole range at once by default), and within a chunk runs every step on
 * what the previous step completed, so that after a failure it has still
 * finished what it could. Errors: those of the range operations and of
 * mmap()/mprotect(); the accept callback's negative errno; -EIO when it
 * accepted only part of a range; -EPROTO when it returned a count outside
 * the range or not page aligned (nothing it said is believed: accepted is
 * not advanced, except by sgx2_trim_and_remove(), which asks REMOVE_PAGES
 * which of those pages were accepted); -ECANCELED from @progress. The
 * deadline (timeout_ns) stops new work; after a failure, the steps that
 * finish what was already trimmed still run, so they may pass it.
 */

/**
 * sgx2_trim_and_remove() - remove enclave pages: TRIM, EACCEPT, REMOVE
 * @encl:   the enclave
 * @offset: first page, relative to the enclave base
 * @length: bytes
 * @cb:     the accept callback (called with SGX2_ACCEPT_TRIM), progress
 * @opts:   options, or NULL
 * @report: the report, or NULL
 *
 * Makes the pages TRIM (REG or TCS pages), has the enclave accept them,
 * and removes them: 2 ioctls and 1 callback when nothing fails. TRIM cannot
 * be undone, so on a failure at any step the flow still accepts and removes
 * what it has trimmed, where it can, before it returns. A page the enclave
 * has not accepted stays TRIM and inaccessible until it is; finish with
 * sgx2_trim_and_remove_resume().
 *
 * Return: 0 or a negative errno; report->step says which step failed.
 */
int sgx2_trim_and_remove(struct sgx2_enclave *encl, uint64_t offset,
			 uint64_t length, const struct sgx2_callbacks *cb,
			 const struct sgx2_options *opts,
			 struct sgx2_flow_report *report);

/**
 * sgx2_trim_and_remove_resume() - finish a removal that stopped part-way
 * @encl:   the enclave
 * @cb:     the accept callback, progress
 * @opts:   options, or NULL
 * @report: in: a report this library filled for the range: the one the
 *          stopped call returned, or the last one @progress was shown
 *          before a crash, or offset and length with zero counters when
 *          nothing is known; out: the new report, counters cumulative over
 *          the range (left as they were when the input is refused)
 *
 * Continues from the counters: removes what was accepted, accepts what was
 * trimmed, trims the rest. Past `changed` the pages may have gone further
 * than the report says (a progress snapshot lags by the chunk in flight;
 * zero counters know nothing): there, pages the kernel reports as already
 * TRIM are checked and finished one by one, and pages it reports as absent
 * (EFAULT without an SGX code, from MODIFY_TYPES and then twice from
 * REMOVE_PAGES; the kernel gives the same answer for a page it fails to
 * reload from swap) count as removed. No single refusal decides a TRIM
 * page's state: where REMOVE_PAGES answers EPERM (not accepted, or its
 * probe failed) and EACCEPT then refuses the page (accepted already),
 * REMOVE_PAGES is asked again; a page neither takes is left past
 * `changed`, and the flow stops there with -EIO. The cost of that
 * recovery is bounded by chunk_bytes. Below `changed` the counters must
 * be exact, as the library's own reports are; a page there that EACCEPT
 * refuses is asked about with REMOVE_PAGES too, so a report that calls an
 * accepted page unaccepted still finishes. A page that is PENDING or
 * MODIFIED for another reason stops the flow with -EFAULT and
 * SGX_PAGE_NOT_MODIFIABLE.
 *
 * Return: 0 once the whole range is removed, or a negative errno; -EINVAL
 * also for counters out of order, beyond length or not page aligned.
 */
int sgx2_trim_and_remove_resume(struct sgx2_enclave *encl,
				const struct sgx2_callbacks *cb,
				const struct sgx2_options *opts,
				struct sgx2_flow_report *report);

/**
 * sgx2_add_tcs() - turn REG pages into TCS pages (add enclave threads)
 * @encl:   the enclave
 * @offset: first page, relative to the enclave base
 * @length: bytes
 * @cb:     the accept callback (called with SGX2_ACCEPT_TCS), progress
 * @opts:   options, or NULL
 * @report: the report, or NULL
 *
 * The pages must already hold a TCS image, written by the enclave. After
 * MODIFY_TYPES the kernel caps the pages' protection at RW, so the flow
 * mprotect()s them to PROT_READ|PROT_WRITE before the enclave accepts them
 * (an RWX mapping would fault). The enclave must be mapped at its base in
 * this process.
 *
 * Return: 0 or a negative errno; -EPERM when a page's maximum protection
 * lacks R or W (e.g. it was added without them).
 */
int sgx2_add_tcs(struct sgx2_enclave *encl, uint64_t offset, uint64_t length,
		 const struct sgx2_callbacks *cb,
		 const struct sgx2_options *opts,
		 struct sgx2_flow_report *report);

/* Flags of sgx2_restrict_and_accept() and sgx2_grow(). */
#define SGX2_FLOW_MPROTECT 0x1u	   /* restrict: mprotect() to the new perms */
#define SGX2_FLOW_NO_MMAP 0x2u	   /* grow: the range is already mapped */
#define SGX2_FLOW_NO_PREFAULT 0x4u /* grow: EACCEPT's faults add the pages */

/**
 * sgx2_restrict_and_accept() - restrict permissions and have them accepted
 * @encl:   the enclave
 * @offset: first page, relative to the enclave base
 * @length: bytes
 * @perms:  the permissions to keep, SGX2_PERM_* (W needs R)
 * @flags:  0 or SGX2_FLOW_MPROTECT, to mprotect() the accepted pages to
 *          @perms as well (the kernel leaves page tables alone)
 * @cb:     the accept callback (called with SGX2_ACCEPT_RESTRICT(perms))
 * @opts:   options, or NULL
 * @report: the report, or NULL
 *
 * Return: 0 or a negative errno; -EINVAL for bad @perms or @flags, or a
 * TCS or TRIM page; -EIO at SGX2_STEP_ACCEPT for @perms with a permission
 * a page lacks (EMODPR keeps only those it has, so EACCEPT with @perms
 * refuses the page, which stays restricted to them, PR set); -EACCES from
 * mprotect(), with SGX2_FLOW_MPROTECT, when the kernel's maximum
 * protection of a page lacks one of @perms that its EPCM has (added with
 * EMODPE), or the enclave fd is not open for writing and @perms has W.
 */
int sgx2_restrict_and_accept(struct sgx2_enclave *encl, uint64_t offset,
			     uint64_t length, uint64_t perms,
			     unsigned int flags,
			     const struct sgx2_callbacks *cb,
			     const struct sgx2_options *opts,
			     struct sgx2_flow_report *report);

/**
 * sgx2_grow() - add pages to an initialised enclave (EAUG), then have the
 * enclave accept them
 * @encl:   the enclave
 * @offset: first page, relative to the enclave base; the range must have
 *          no pages yet
 * @length: bytes
 * @flags:  0, or SGX2_FLOW_NO_MMAP when the range is already mapped
 *          MAP_SHARED from the enclave fd (PROT_READ|PROT_WRITE: the
 *          pre-fault writes), and/or SGX2_FLOW_NO_PREFAULT
 * @cb:     the accept callback (called with SGX2_ACCEPT_AUG), progress
 * @opts:   options, or NULL
 * @report: the report, or NULL
 *
 * Maps the range PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED from the
 * enclave fd; pre-faults it from the host, a read() of /dev/zero into it,
 * on which the kernel's fault handler adds each page (EAUG: PENDING, RW)
 * and drops the writes; then hands what was added to the accept callback
 * in one call: its EACCEPTs do not fault, so the enclave does not exit
 * once per page. A page the kernel cannot add ends the pre-fault with
 * -EFAULT (SGX2_STEP_PREFAULT), never a signal; the pages before it are
 * still accepted. With SGX2_FLOW_NO_PREFAULT the enclave's EACCEPTs fault
 * instead, and the kernel adds each page then: one enclave exit per page,
 * and SIGBUS in the enclave's thread where it cannot. No ioctl. The handle
 * keeps a descriptor of /dev/zero from the first pre-fault until
 * sgx2_enclave_free().
 *
 * Return: 0 or a negative errno; mmap()'s errno (EACCES: outside the
 * enclave, or over pages whose maximum protection lacks RW); -EFAULT at
 * SGX2_STEP_PREFAULT (see sgx2_grow(3)); open()'s errno for /dev/zero.
 */
int sgx2_grow(struct sgx2_enclave *encl, uint64_t offset, uint64_t length,
	      unsigned int flags, const struct sgx2_callbacks *cb,
	      const struct sgx2_options *opts, struct sgx2_flow_report *report);

/* ------------------------------------------------------------------ */
/* Capability probe                                                   */
/* ------------------------------------------------------------------ */

#define SGX2_DEVICE_PATH "/dev/sgx_enclave"

#define SGX2_CAP_DEVICE 0x01u	   /* an enclave fd was at hand */
#define SGX2_CAP_EDMM_IOCTLS 0x02u /* the kernel knows the EDMM ioctls */
#define SGX2_CAP_SGX2 0x04u	   /* the driver accepts them: SGX2 CPU */
#define SGX2_CAP_CPUID_SGX1 0x08u  /* CPUID.(EAX=12H,ECX=0):EAX[0] */
#define SGX2_CAP_CPUID_SGX2 0x10u  /* CPUID.(EAX=12H,ECX=0):EAX[1] */

/**
 * sgx2_probe() - tell whether the EDMM ioctls can be used
 * @fd:   an enclave fd to ask (initialised or not), or -1 to open
 *        SGX2_DEVICE_PATH for the question and close it again (an
 *        EAGAIN from open(), EUPDATESVN short of entropy on Linux 6.19,
 *        is retried with the default bound and backoff)
 * @caps: where the SGX2_CAP_* bits found are stored, or NULL
 *
 * Asks the driver with one zero-length SGX_IOC_ENCLAVE_REMOVE_PAGES, which
 * changes nothing, and reads CPUID leaf 0x12 where the CPU has SGX. When
 * that gives ENOTTY on a given @fd, an SGX_IOC_ENCLAVE_PROVISION naming no
 * open file (EINVAL from any SGX driver, ENOTTY elsewhere) tells whether
 * @fd is an enclave at all: SGX2_CAP_DEVICE is set only when it is, or
 * when the probe opened the device itself.
 *
 * Return: 0 when the EDMM ioctls work; -ENOENT (or the error of open(),
 * -EAGAIN once the retries are spent) without an SGX device; -ENOTTY on
 * a kernel without the EDMM ioctls (before 6.0), or an @fd that is not an
 * enclave; -ENODEV on a CPU without SGX2. An @fd of another driver that answers EINVAL would pass: hand it
 * only enclave fds.
 */
int sgx2_probe(int fd, unsigned int *caps);

/* ------------------------------------------------------------------ */
/* SGX return codes (the kernel's `result`)                           */
/* ------------------------------------------------------------------ */

#define SGX2_EPC_PAGE_CONFLICT 7u    /* another ENCLS on the page: retry */
#define SGX2_PAGE_NOT_MODIFIABLE 20u /* PENDING or MODIFIED: EACCEPT first */

/**
 * sgx2_result_name() - the SDM name of an SGX return code
 * @code: the code, e.g. report->sgx_result
 *
 * Return: a static string such as "SGX_PAGE_NOT_MODIFIABLE"; "SGX_SUCCESS"
 * for 0; "SGX_UNKNOWN" for a code not in the SDM's table. Never NULL.
 */
const char *sgx2_result_name(uint64_t code);

/**
 * sgx2_result_describe() - what an SGX return code means and what to do
 * @code: the code
 *
 * Return: a static one-line sentence, never NULL.
 */
const char *sgx2_result_describe(uint64_t code);

#ifdef __cplusplus
}
#endif

#endif /* SGX2_H */
