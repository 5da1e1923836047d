// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness over the public API: arbitrary ranges, options, kernel
 * answers (errno, count, result, written back or not) and accept-callback
 * answers. After every call it checks what must hold whatever the kernel
 * says: no ioctl outside the range asked for or for a page already done,
 * report counters within the range and ordered, a bounded number of
 * ioctls, callback ranges inside the range. Any violation aborts.
 *
 * Built with clang -fsanitize=fuzzer (meson -Dfuzz=true); otherwise linked
 * with a small driver that replays files, so the suite runs the corpus.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/sgx.h>

#include "../unit/fake-kernel.h"
#include "input.h"
#include "sgx2.h"

#define BASE 0x7f0000000000ull
#define MAX_PAGES 64u

/* What the library submitted, for the report of a violation. */
static void dump_ioctls(void)
{
	static const char *const names[] = { "restrict", "modify", "remove" };

	for (unsigned int i = 0; i < fk_ncalls && i < FK_MAX; i++) {
		const struct fk_call *c = &fk_calls[i];
		unsigned int kind = (unsigned int)(c->cmd & 0xff) - 5;

		fprintf(stderr,
			"  ioctl %u: %s offset %#llx length %#llx -> "
			"count %#llx\n",
			i, kind < 3 ? names[kind] : "?",
			(unsigned long long)c->offset,
			(unsigned long long)c->length,
			(unsigned long long)c->count_out);
	}
}

static void fail(int line)
{
	fprintf(stderr, "fuzz-api.c:%d: invariant violated\n", line);
	dump_ioctls();
	abort();
}

#define check(ok) ((ok) ? (void)0 : fail(__LINE__))

/* The accept callback: answers from the input, ranges checked. */
static struct input *accept_in;
static uint64_t want_lo, want_hi;

static int64_t accept_cb(void *arg, uint64_t addr, uint64_t len,
			 uint64_t secinfo)
{
	uint64_t pick = take(accept_in, 1);

	(void)arg;
	(void)secinfo;
	check(len && addr >= want_lo && addr + len <= want_hi &&
	      addr + len > addr);
	switch (pick & 7) {
	case 0: /* a page-aligned prefix */
		return (int64_t)(len / PAGE * (take(accept_in, 1) % 8) / 8 *
				 PAGE);
	case 1: /* an errno */
		return -(int64_t)(take(accept_in, 1) % 140);
	case 2: /* anything at all */
		return (int64_t)take(accept_in, 8);
	default:
		return (int64_t)len;
	}
}

static const int errnos[] = { 0,      EAGAIN, EBUSY,  EINTR,  EFAULT,
			      EINVAL, EPERM,  ENODEV, ENOTTY, ENOMEM };

static void script_kernel(struct input *in)
{
	unsigned int n = (unsigned int)take(in, 1) % 64;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t e = take(in, 1), c = take(in, 1), r = take(in, 1);
		int err = errnos[e % (sizeof(errnos) / sizeof(errnos[0]))];

		if (e & 0x80)
			fk_answer_unwritten(err ? err : EBUSY);
		else
			fk_answer(err,
				  (c & 0x80 ? c : c % 16) * PAGE +
					  (c & 0x40 ? 1 : 0),
				  r % 4 == 1   ? SGX2_EPC_PAGE_CONFLICT
				  : r % 4 == 2 ? SGX2_PAGE_NOT_MODIFIABLE
				  : r % 4 == 3 ? r
					       : 0);
	}
}

/*
 * Ioctls stay inside [lo, hi), go out with count and result zeroed, and
 * never cover a page that an earlier ioctl of the same kind reported done.
 */
static void check_ioctls(uint64_t lo, uint64_t hi)
{
	uint64_t frontier[3] = { lo, lo, lo };

	for (unsigned int i = 0; i < fk_ncalls && i < FK_MAX; i++) {
		const struct fk_call *c = &fk_calls[i];
		unsigned int kind = (unsigned int)(c->cmd & 0xff) - 5;

		check(kind < 3);
		check(c->count_in == 0 && c->result_in == 0);
		check(c->length && c->offset >= lo && c->offset <= hi &&
		      c->length <= hi - c->offset);
		check(c->offset >= frontier[kind]);
		if (c->count_out <= c->length)
			frontier[kind] = c->offset + c->count_out;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct sgx2_enclave *e;
	struct sgx2_options o;
	struct sgx2_report r;
	struct sgx2_flow_report fr, given;
	struct sgx2_callbacks cb = { .accept = accept_cb };
	uint64_t op = take(&in, 1);
	uint64_t off = take(&in, 1) * PAGE, len = take(&in, 1) * PAGE;
	uint64_t arg = take(&in, 1), pages;
	unsigned int bound;
	int err;

	if (take(&in, 1) & 1) /* odd sizes and offsets, now and then */
		off += take(&in, 1), len += take(&in, 1);
	fk_reset();
	accept_in = &in;
	sgx2_options_init(&o);
	o.chunk_bytes = (take(&in, 1) % 8) * PAGE;
	o.max_retries = (uint32_t)take(&in, 1) % 6;
	o.backoff_min_us = (uint32_t)take(&in, 1) % 3;
	o.backoff_max_us = 4;
	script_kernel(&in);

	check(!sgx2_enclave_new(&e, FK_FD, BASE, 512 * (uint64_t)PAGE));
	want_lo = BASE + off;
	want_hi = BASE + off + len;
	pages = len / PAGE;
	memset(&r, 0, sizeof(r));
	memset(&fr, 0, sizeof(fr));

	switch (op % 8) {
	case 0:
		err = sgx2_modify_types(e, off, len, arg % 6, &o, &r);
		break;
	case 1:
		err = sgx2_restrict_permissions(e, off, len, arg % 9, &o, &r);
		break;
	case 2:
		err = sgx2_remove_pages(e, off, len, &o, &r);
		break;
	case 3:
		err = sgx2_trim_and_remove(e, off, len, &cb, &o, &fr);
		break;
	case 4:
		fr = (struct sgx2_flow_report){ .offset = off, .length = len };
		fr.changed = (arg % 4) * PAGE;
		fr.accepted = (arg / 4 % 4) * PAGE;
		fr.removed = (arg / 16 % 4) * PAGE;
		given = fr;
		err = sgx2_trim_and_remove_resume(e, &cb, &o, &fr);
		/* Refused input: the caller's counters are left alone. */
		if (!fk_ncalls && err == -EINVAL && !fr.callbacks) {
			check(fr.changed == given.changed &&
			      fr.accepted == given.accepted &&
			      fr.removed == given.removed);
			sgx2_enclave_free(e);
			return 0;
		}
		break;
	case 5:
		err = sgx2_add_tcs(e, off, len, &cb, &o, &fr);
		break;
	case 6:
		err = sgx2_restrict_and_accept(e, off, len, arg % 9, arg & 8,
					       &cb, &o, &fr);
		break;
	default:
		err = sgx2_grow(e, off, len, SGX2_FLOW_NO_MMAP, &cb, &o, &fr);
		break;
	}

	check_ioctls(off, off + len);
	check(err <= 0);
	/* Worst case: per page, a progress ioctl after a spent streak, plus
	 * a per-page recovery in the flows; 3 ioctl steps per flow. */
	bound = (unsigned int)((2 * pages + 2) * (o.max_retries + 1u) * 4);
	check(fk_ncalls <= bound);
	if (op % 8 < 3) {
		check(r.error == err && r.ioctls == fk_ncalls);
		check(r.done <= r.length && r.done % PAGE == 0);
		check(err || r.done == len);
	} else {
		check(fr.error == err && fr.ioctls == fk_ncalls);
		check(fr.changed <= len && fr.accepted <= len &&
		      fr.removed <= len && fr.mapped <= len);
		check((fr.changed | fr.accepted | fr.removed | fr.mapped) %
			      PAGE ==
		      0);
		if (op % 8 == 3 || op % 8 == 4)
			check(fr.removed <= fr.accepted &&
			      fr.accepted <= fr.changed);
		check(err || op % 8 == 7 || fr.accepted == len);
	}
	sgx2_enclave_free(e);
	return 0;
}
