// SPDX-License-Identifier: MIT
/*
 * sgx2-enclave-smoke [ENCLAVE.elf ENCLAVE.sigstruct]
 *
 * Loads the test enclave on SGX2 hardware and runs each of its ops once:
 * NOP and PUT/GET through every static TCS; WRITE/READ of a scratch page;
 * a heap range added by one EACCEPT entry; EPCM permissions restricted
 * (libsgx2), the resulting #PF fixed from the vDSO's handler by EMODPE
 * through another TCS and resumed; a TCS made at run time (INIT_TCS,
 * libsgx2 MODIFY_TYPES, EACCEPT), used, and left interrupted by an
 * exception nobody fixes; its pages trimmed and removed (libsgx2).
 *
 * The same binary runs on the simulator, attached from outside:
 * SGX2_SIM_DEVICE=1 LD_PRELOAD=libsgx2-sim.so.0 sgx2-enclave-smoke
 *
 * Exit status: 0 all passed; 1 a step failed; 77 (skipped) when this
 * machine cannot run enclaves, with the reason on stdout.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sgx2.h"

#include "host.h"
#include "enclave/encl-ops.h"
#include "vdso.h"

#define PAGE SGX2_PAGE_SIZE
#define MAGIC 0x5347583245584d50ull /* "SGX2EXMP" */

#ifndef ENCLAVE_ELF
#define ENCLAVE_ELF "sgx2-test-enclave.elf"
#endif
#ifndef ENCLAVE_SIGSTRUCT
#define ENCLAVE_SIGSTRUCT "sgx2-test-enclave.sigstruct"
#endif

static int failures;

__attribute__((format(printf, 2, 3))) static void check(int ok, const char *fmt,
							...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

__attribute__((format(printf, 1, 2))) static int skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 77;
}

/* 0, or 77 with the reason: what this machine lacks. */
static int need_sgx2(void)
{
	unsigned int caps = 0;
	/* Opens the device itself, retrying 6.19's EAGAIN (EUPDATESVN). */
	int err = sgx2_probe(-1, &caps);

	if (err == -ENOENT)
		return skip(
			"no %s: no SGX in this CPU or firmware, or a kernel "
			"without CONFIG_X86_SGX",
			SGX2_DEVICE_PATH);
	/* No driver refuses open() so; the simulator does when it is
	 * misconfigured (its line on stderr says how): not a skip. */
	if (!(caps & SGX2_CAP_DEVICE) && err == -EINVAL) {
		printf("FAIL: %s refused to open: %s\n", SGX2_DEVICE_PATH,
		       strerror(-err));
		return 1;
	}
	if (!(caps & SGX2_CAP_DEVICE))
		return skip("cannot open %s: %s", SGX2_DEVICE_PATH,
			    strerror(-err));
	if (err == -ENOTTY)
		return skip("the kernel lacks the SGX2 (EDMM) ioctls (Linux "
			    "before 6.0)");
	if (err == -ENODEV)
		return skip("the CPU lacks SGX2 (EDMM): CPUID.(EAX=12H,ECX=0)"
			    ":EAX[1] is %s",
			    caps & SGX2_CAP_CPUID_SGX2 ? "set" : "clear");
	if (err)
		return skip("sgx2_probe: %s", strerror(-err));
	if (!vdso_sym("__vdso_sgx_enter_enclave"))
		return skip("the vDSO has no __vdso_sgx_enter_enclave");
	return 0;
}

/* A call that must finish (EEXIT) with ENCL_OK, no exception taken. */
static int done_ok(int err, const struct host_result *r)
{
	return err == 0 && r->exit == HOST_DONE && r->status == ENCL_OK &&
	       r->nr_ex == 0;
}

static void static_tcs(struct host *h, const struct host_layout *l)
{
	struct host_result r;
	int err;

	for (unsigned int i = 0; i < l->nr_tcs; i++) {
		uint64_t tcs = l->tcs_offset[i];

		err = host_nop(h, tcs, NULL, &r);
		check(done_ok(err, &r), "NOP through TCS %u", i);
		err = host_put(h, tcs, MAGIC + i, NULL, &r);
		check(done_ok(err, &r), "PUT through TCS %u", i);
		err = host_get(h, tcs, NULL, &r);
		check(done_ok(err, &r) && r.value == MAGIC + i,
		      "GET through TCS %u: %#" PRIx64, i, r.value);
	}
	err = host_write(h, l->tcs_offset[0], l->scratch_offset, ~MAGIC, NULL,
			 &r);
	check(done_ok(err, &r), "WRITE scratch page through TCS 0");
	err = host_read(h, l->tcs_offset[1], l->scratch_offset, NULL, &r);
	check(done_ok(err, &r) && r.value == ~MAGIC,
	      "READ scratch page through TCS 1: %#" PRIx64, r.value);
}

/* EACCEPT on pages of the free area adds them (EAUG on the #PF). */
static void heap_accept(struct host *h, const struct host_layout *l,
			uint64_t off, uint64_t len)
{
	struct host_result r;
	int err;

	err = host_eaccept(h, l->tcs_offset[0], off, len, SGX2_ACCEPT_AUG, NULL,
			   &r);
	check(done_ok(err, &r) && r.done == len && r.sgx_code == 0,
	      "EACCEPT %" PRIu64 " new pages at %#" PRIx64
	      " in one entry: done %#" PRIx64 ", EAX %" PRIu64,
	      len / PAGE, off, r.done, r.sgx_code);
	err = host_write(h, l->tcs_offset[0], off + len - 8, MAGIC, NULL, &r);
	check(done_ok(err, &r), "WRITE the last new page");
	err = host_read(h, l->tcs_offset[1], off + len - 8, NULL, &r);
	check(done_ok(err, &r) && r.value == MAGIC, "READ it back");
}

/* The write fault on the read-only page, seen from the vDSO's handler. */
struct write_fault {
	const struct host_layout *l;
	uint64_t page;
};

/* Check the fault, EMODPE(R|W) through TCS 1, resume TCS 0's write. */
static bool emodpe_fixup(struct host *h, const struct host_exception *ex,
			 void *arg)
{
	const struct write_fault *w = arg;
	struct host_result r;
	int err, ok;

	ok = ex->vector == 14 && ex->error_code == 0x8007 &&
	     ex->offset == w->page;
	check(ok, "WRITE faults: vector %u, error code %#x, offset %#" PRIx64,
	      ex->vector, ex->error_code, ex->offset);
	if (!ok)
		return false;
	err = host_emodpe(h, w->l->tcs_offset[1], w->page,
			  SGX2_PERM_R | SGX2_PERM_W, NULL, &r);
	check(done_ok(err, &r), "EMODPE(R|W) through TCS 1, from the fault "
				"handler");
	return done_ok(err, &r);
}

/* Restrict the scratch page to R, fault on a write, EMODPE, resume. */
static void permissions(struct host *h, const struct host_layout *l,
			struct sgx2_enclave *e)
{
	struct write_fault w = { l, l->scratch_offset };
	const struct host_fixup fixup = { emodpe_fixup, &w };
	struct sgx2_report rep;
	struct host_result r;
	int err;

	err = sgx2_restrict_permissions(e, w.page, PAGE, SGX2_PERM_R, NULL,
					&rep);
	check(err == 0, "restrict scratch page to R: %s", strerror(-err));
	err = host_eaccept(h, l->tcs_offset[0], w.page, PAGE,
			   SGX2_ACCEPT_RESTRICT(SGX2_PERM_R), NULL, &r);
	check(done_ok(err, &r) && r.sgx_code == 0,
	      "EACCEPT(R|REG|PR): EAX %" PRIu64, r.sgx_code);
	err = host_write(h, l->tcs_offset[0], w.page, MAGIC, &fixup, &r);
	check(err == 0 && r.exit == HOST_DONE && r.status == ENCL_OK &&
		      r.nr_ex == 1,
	      "ERESUME TCS 0 in the same vDSO call: the write completes "
	      "(%u exception(s))",
	      r.nr_ex);
	err = host_read(h, l->tcs_offset[1], w.page, NULL, &r);
	check(done_ok(err, &r) && r.value == MAGIC, "READ: %#" PRIx64, r.value);
}

/* A thread made at run time: [stack][TCS][SSA] in the free area. */
static void dynamic_tcs(struct host *h, const struct host_layout *l,
			struct sgx2_enclave *e, uint64_t block)
{
	uint64_t tcs = block + PAGE, ssa = block + 2 * PAGE;
	struct sgx2_report rep;
	struct host_result r;
	int err;

	heap_accept(h, l, block, 3 * PAGE);
	err = host_init_tcs(h, l->tcs_offset[0], tcs, ssa, l->dyn_entry_offset,
			    NULL, &r);
	check(done_ok(err, &r), "INIT_TCS at %#" PRIx64, tcs);
	err = sgx2_modify_types(e, tcs, PAGE, SGX2_PAGE_TYPE_TCS, NULL, &rep);
	check(err == 0, "MODIFY_TYPES to TCS: %s", strerror(-err));
	err = host_eaccept(h, l->tcs_offset[0], tcs, PAGE, SGX2_ACCEPT_TCS,
			   NULL, &r);
	check(done_ok(err, &r) && r.sgx_code == 0,
	      "EACCEPT(TCS|MODIFIED): EAX %" PRIu64, r.sgx_code);
	err = host_put(h, tcs, MAGIC ^ tcs, NULL, &r);
	check(done_ok(err, &r), "PUT through the new TCS");
	err = host_get(h, tcs, NULL, &r);
	check(done_ok(err, &r) && r.value == (MAGIC ^ tcs),
	      "GET through the new TCS");

	/* An exception nobody fixes leaves the TCS interrupted for good. */
	err = host_write(h, tcs, tcs, MAGIC, NULL, &r);
	check(err == 0 && r.exit == HOST_EXCEPTION && r.nr_ex == 1 &&
		      r.ex[0].vector == 14 && r.ex[0].offset == tcs,
	      "WRITE to the TCS page through itself, no fixup: vector %u, "
	      "error code %#x, offset %#" PRIx64,
	      r.ex[0].vector, r.ex[0].error_code, r.ex[0].offset);
	err = host_nop(h, tcs, NULL, &r);
	check(err == 0 && r.exit == HOST_ENTRY_FAULT && r.ex[0].vector == 13,
	      "NOP through the interrupted TCS (NSSA 1): EENTER faults, "
	      "vector %u",
	      r.ex[0].vector);

	err = sgx2_modify_types(e, block, 3 * PAGE, SGX2_PAGE_TYPE_TRIM, NULL,
				&rep);
	check(err == 0, "MODIFY_TYPES to TRIM: %s", strerror(-err));
	err = host_eaccept(h, l->tcs_offset[0], block, 3 * PAGE,
			   SGX2_ACCEPT_TRIM, NULL, &r);
	check(done_ok(err, &r) && r.done == 3 * PAGE,
	      "EACCEPT(TRIM|MODIFIED) of 3 pages in one entry");
	err = sgx2_remove_pages(e, block, 3 * PAGE, NULL, &rep);
	check(err == 0, "REMOVE_PAGES: %s", strerror(-err));
}

int main(int argc, char **argv)
{
	const char *elf = ENCLAVE_ELF, *sigstruct = ENCLAVE_SIGSTRUCT;
	struct sgx2_enclave *e = NULL;
	struct host_layout l;
	struct host *h;
	int err;

	if (argc == 3) {
		elf = argv[1];
		sigstruct = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [ENCLAVE.elf ENCLAVE.sigstruct]\n",
			argv[0]);
		return 2;
	}
	err = need_sgx2();
	if (err)
		return err;

	err = host_open(&h, elf, sigstruct, &l);
	check(err == 0, "load %s: %s", elf, strerror(-err));
	if (err)
		return 1;
	printf("     base %#" PRIx64 " size %#" PRIx64 ", %u TCS, free area "
	       "%#" PRIx64 "+%#" PRIx64 "\n",
	       l.base, l.size, l.nr_tcs, l.heap_offset, l.heap_size);

	static_tcs(h, &l);
	heap_accept(h, &l, l.heap_offset, 4 * PAGE);
	err = sgx2_enclave_new(&e, l.fd, l.base, l.size);
	check(err == 0, "sgx2_enclave_new: %s", strerror(-err));
	if (!err) {
		permissions(h, &l, e);
		dynamic_tcs(h, &l, e, l.heap_offset + 4 * PAGE);
	}
	sgx2_enclave_free(e);
	host_close(h);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
