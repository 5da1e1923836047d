// SPDX-License-Identifier: MIT
/*
 * sgx2-enclave-smoke [ENCLAVE.elf ENCLAVE.sigstruct]
 *
 * Loads the test enclave on SGX2 hardware and runs each of its ops once:
 * NOP and PUT/GET through every static TCS; WRITE/READ of a scratch page;
 * a heap range added by one EACCEPT entry; EPCM permissions restricted
 * (libsgx2), the resulting #PF, EMODPE from another TCS, ERESUME; a TCS
 * made at run time (INIT_TCS, libsgx2 MODIFY_TYPES, EACCEPT) and used;
 * its pages trimmed and removed (libsgx2).
 *
 * Exit status: 0 all passed; 1 a step failed; 77 (skipped) when this
 * machine cannot run enclaves, with the reason on stdout.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sgx2.h"

#include "backend.h"
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

/* A call that must finish (EEXIT) with ENCL_OK. */
static int done_ok(int err, const struct backend_result *r)
{
	return err == 0 && r->exit == BACKEND_DONE && r->status == ENCL_OK;
}

static void static_tcs(const struct backend_ops *ops, struct backend *b,
		       const struct backend_layout *l)
{
	struct backend_result r;
	int err;

	for (unsigned int i = 0; i < l->nr_tcs; i++) {
		uint64_t tcs = l->tcs_offset[i];

		err = ops->nop(b, tcs, &r);
		check(done_ok(err, &r), "NOP through TCS %u", i);
		err = ops->put(b, tcs, MAGIC + i, &r);
		check(done_ok(err, &r), "PUT through TCS %u", i);
		err = ops->get(b, tcs, &r);
		check(done_ok(err, &r) && r.value == MAGIC + i,
		      "GET through TCS %u: %#" PRIx64, i, r.value);
	}
	err = ops->write(b, l->tcs_offset[0], l->scratch_offset, ~MAGIC, &r);
	check(done_ok(err, &r), "WRITE scratch page through TCS 0");
	err = ops->read(b, l->tcs_offset[1], l->scratch_offset, &r);
	check(done_ok(err, &r) && r.value == ~MAGIC,
	      "READ scratch page through TCS 1: %#" PRIx64, r.value);
}

/* EACCEPT on pages of the free area adds them (EAUG on the #PF). */
static void heap_accept(const struct backend_ops *ops, struct backend *b,
			const struct backend_layout *l, uint64_t off,
			uint64_t len)
{
	struct backend_result r;
	int err;

	err = ops->eaccept(b, l->tcs_offset[0], off, len, SGX2_ACCEPT_AUG, &r);
	check(done_ok(err, &r) && r.done == len && r.sgx_code == 0,
	      "EACCEPT %" PRIu64 " new pages at %#" PRIx64
	      " in one entry: done %#" PRIx64 ", EAX %" PRIu64,
	      len / PAGE, off, r.done, r.sgx_code);
	err = ops->write(b, l->tcs_offset[0], off + len - 8, MAGIC, &r);
	check(done_ok(err, &r), "WRITE the last new page");
	err = ops->read(b, l->tcs_offset[1], off + len - 8, &r);
	check(done_ok(err, &r) && r.value == MAGIC, "READ it back");
}

/* Restrict the scratch page to R, fault on a write, EMODPE, resume. */
static void permissions(const struct backend_ops *ops, struct backend *b,
			const struct backend_layout *l, struct sgx2_enclave *h)
{
	uint64_t page = l->scratch_offset;
	struct sgx2_report rep;
	struct backend_result r;
	int err;

	err = sgx2_restrict_permissions(h, page, PAGE, SGX2_PERM_R, NULL, &rep);
	check(err == 0, "restrict scratch page to R: %s", strerror(-err));
	err = ops->eaccept(b, l->tcs_offset[0], page, PAGE,
			   SGX2_ACCEPT_RESTRICT(SGX2_PERM_R), &r);
	check(done_ok(err, &r) && r.sgx_code == 0,
	      "EACCEPT(R|REG|PR): EAX %" PRIu64, r.sgx_code);
	err = ops->write(b, l->tcs_offset[0], page, MAGIC, &r);
	check(err == 0 && r.exit == BACKEND_EXCEPTION && r.ex.vector == 14 &&
		      r.ex.error_code == 0x8007 && r.ex.offset == page,
	      "WRITE faults: vector %u, error code %#x, offset %#" PRIx64,
	      r.ex.vector, r.ex.error_code, r.ex.offset);
	if (r.exit != BACKEND_EXCEPTION)
		return;
	err = ops->emodpe(b, l->tcs_offset[1], page, SGX2_PERM_R | SGX2_PERM_W,
			  &r);
	check(done_ok(err, &r), "EMODPE(R|W) through TCS 1");
	err = ops->resume(b, l->tcs_offset[0], &r);
	check(done_ok(err, &r), "ERESUME TCS 0: the write completes");
	err = ops->read(b, l->tcs_offset[1], page, &r);
	check(done_ok(err, &r) && r.value == MAGIC, "READ: %#" PRIx64, r.value);
}

/* A thread made at run time: [stack][TCS][SSA] in the free area. */
static void dynamic_tcs(const struct backend_ops *ops, struct backend *b,
			const struct backend_layout *l, struct sgx2_enclave *h,
			uint64_t block)
{
	uint64_t tcs = block + PAGE, ssa = block + 2 * PAGE;
	struct sgx2_report rep;
	struct backend_result r;
	int err;

	heap_accept(ops, b, l, block, 3 * PAGE);
	err = ops->init_tcs(b, l->tcs_offset[0], tcs, ssa, l->dyn_entry_offset,
			    &r);
	check(done_ok(err, &r), "INIT_TCS at %#" PRIx64, tcs);
	err = sgx2_modify_types(h, tcs, PAGE, SGX2_PAGE_TYPE_TCS, NULL, &rep);
	check(err == 0, "MODIFY_TYPES to TCS: %s", strerror(-err));
	err = ops->eaccept(b, l->tcs_offset[0], tcs, PAGE, SGX2_ACCEPT_TCS, &r);
	check(done_ok(err, &r) && r.sgx_code == 0,
	      "EACCEPT(TCS|MODIFIED): EAX %" PRIu64, r.sgx_code);
	err = ops->put(b, tcs, MAGIC ^ tcs, &r);
	check(done_ok(err, &r), "PUT through the new TCS");
	err = ops->get(b, tcs, &r);
	check(done_ok(err, &r) && r.value == (MAGIC ^ tcs),
	      "GET through the new TCS");

	err = sgx2_modify_types(h, block, 3 * PAGE, SGX2_PAGE_TYPE_TRIM, NULL,
				&rep);
	check(err == 0, "MODIFY_TYPES to TRIM: %s", strerror(-err));
	err = ops->eaccept(b, l->tcs_offset[0], block, 3 * PAGE,
			   SGX2_ACCEPT_TRIM, &r);
	check(done_ok(err, &r) && r.done == 3 * PAGE,
	      "EACCEPT(TRIM|MODIFIED) of 3 pages in one entry");
	err = sgx2_remove_pages(h, block, 3 * PAGE, NULL, &rep);
	check(err == 0, "REMOVE_PAGES: %s", strerror(-err));
}

int main(int argc, char **argv)
{
	struct backend_params params = { ENCLAVE_ELF, ENCLAVE_SIGSTRUCT };
	const struct backend_ops *ops = &backend_hw;
	struct sgx2_enclave *h = NULL;
	struct backend_layout l;
	struct backend *b;
	int err;

	if (argc == 3) {
		params.elf = argv[1];
		params.sigstruct = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [ENCLAVE.elf ENCLAVE.sigstruct]\n",
			argv[0]);
		return 2;
	}
	err = need_sgx2();
	if (err)
		return err;

	err = ops->create(&b, &params, &l);
	check(err == 0, "load %s (%s backend): %s", params.elf, ops->name,
	      strerror(-err));
	if (err)
		return 1;
	printf("     base %#" PRIx64 " size %#" PRIx64 ", %u TCS, free area "
	       "%#" PRIx64 "+%#" PRIx64 "\n",
	       l.base, l.size, l.nr_tcs, l.heap_offset, l.heap_size);

	static_tcs(ops, b, &l);
	heap_accept(ops, b, &l, l.heap_offset, 4 * PAGE);
	err = sgx2_enclave_new(&h, l.fd, l.base, l.size);
	check(err == 0, "sgx2_enclave_new: %s", strerror(-err));
	if (!err) {
		permissions(ops, b, &l, h);
		dynamic_tcs(ops, b, &l, h, l.heap_offset + 4 * PAGE);
	}
	sgx2_enclave_free(h);
	ops->destroy(b);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
