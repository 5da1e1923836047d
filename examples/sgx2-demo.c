// SPDX-License-Identifier: MIT
/*
 * sgx2-demo: the SGX2 page life cycle through libsgx2, on a real enclave.
 *
 *   1. grow     add pages at run time (EAUG through EACCEPT) and use them
 *   2. thread   turn a grown page into a TCS and enter through it
 *   3. shrink   trim and remove pages; a later access re-adds a fresh one
 *   4. restrict drop write permission and watch the enclave's write fault
 *
 * On SGX2 hardware it runs on /dev/sgx_enclave; without SGX2 it runs the
 * same enclave image in the simulator and says so; when neither can
 * serve, it exits 77 naming what is missing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgx2.h>

#include "backend.h"

#define PAGE 4096u
#define MAGIC 0x5347583264656d6full /* "SGX2demo" */

static const struct backend_ops *ops;
static struct backend *encl;
static struct backend_layout lay;

/* The EACCEPT callback: the enclave accepts the whole range in one entry. */
static int64_t accept_in_enclave(void *arg, uint64_t addr, uint64_t len,
				 uint64_t secinfo)
{
	struct backend_result r;
	int err;

	(void)arg;
	err = ops->eaccept(encl, lay.tcs_offset[0], addr - lay.base, len,
			   secinfo, &r);
	if (err)
		return err;
	if (r.exit != BACKEND_DONE) {
		printf("  EACCEPT at +%#" PRIx64 ": exception %u, error %#x\n",
		       r.ex.offset, r.ex.vector, r.ex.error_code);
		return r.exit == BACKEND_EXCEPTION ? (int64_t)r.done : -EFAULT;
	}
	if (r.sgx_code)
		printf("  EACCEPT stopped: %s\n", sgx2_result_name(r.sgx_code));
	return (int64_t)r.done;
}

static const struct sgx2_callbacks cb = { .accept = accept_in_enclave };

static void print_report(const char *what, int err,
			 const struct sgx2_flow_report *r)
{
	static const char *const steps[] = { "-",      "kernel", "mapping",
					     "accept", "remove", "progress" };

	printf("  %s: %s\n", what, err ? strerror(-err) : "ok");
	printf("    range +%#" PRIx64 " %" PRIu64 " pages: changed %" PRIu64
	       ", mapped %" PRIu64 ", accepted %" PRIu64 ", removed %" PRIu64
	       " pages\n",
	       r->offset, r->length / PAGE, r->changed / PAGE, r->mapped / PAGE,
	       r->accepted / PAGE, r->removed / PAGE);
	printf("    cost: %u ioctls, %u retries, %u enclave entries", r->ioctls,
	       r->retries, r->callbacks);
	if (err)
		printf("; stopped at the %s step", steps[r->step % 6]);
	if (r->sgx_result)
		printf("; %s: %s", sgx2_result_name(r->sgx_result),
		       sgx2_result_describe(r->sgx_result));
	printf("\n");
}

/* Run one enclave op that must complete; print what came back. */
static int must(const char *what, int err, const struct backend_result *r)
{
	if (err) {
		printf("  %s: %s\n", what, strerror(-err));
		return -1;
	}
	if (r->exit != BACKEND_DONE) {
		printf("  %s: exception %u, error code %#x at +%#" PRIx64 "\n",
		       what, r->ex.vector, r->ex.error_code, r->ex.offset);
		return -1;
	}
	return 0;
}

static int grow(struct sgx2_enclave *e, uint64_t heap)
{
	struct sgx2_flow_report rep;
	struct backend_result r;
	int err;

	printf("\n1. grow: add 4 pages at +%#" PRIx64 " (EAUG on EACCEPT)\n",
	       heap);
	err = sgx2_grow(e, heap, 4 * PAGE, 0, &cb, NULL, &rep);
	print_report("sgx2_grow", err, &rep);
	if (err)
		return err;
	if (must("write",
		 ops->write(encl, lay.tcs_offset[0], heap + 3 * PAGE, MAGIC,
			    &r),
		 &r) ||
	    must("read",
		 ops->read(encl, lay.tcs_offset[1], heap + 3 * PAGE, &r), &r))
		return -1;
	printf("  the enclave wrote and read back %#" PRIx64 " on a new page\n",
	       r.value);
	return r.value == MAGIC ? 0 : -1;
}

static int add_thread(struct sgx2_enclave *e, uint64_t heap)
{
	uint64_t tcs = heap + PAGE, ssa = heap + 2 * PAGE;
	struct sgx2_flow_report rep;
	struct backend_result r;
	int err;

	printf("\n2. thread: make +%#" PRIx64 " a TCS (stack below, SSA above)"
	       "\n",
	       tcs);
	if (must("init TCS",
		 ops->init_tcs(encl, lay.tcs_offset[0], tcs, ssa, 0, &r), &r))
		return -1;
	err = sgx2_add_tcs(e, tcs, PAGE, &cb, NULL, &rep);
	print_report("sgx2_add_tcs", err, &rep);
	if (err)
		return err;
	if (must("put", ops->put(encl, tcs, MAGIC + 1, &r), &r) ||
	    must("get", ops->get(encl, tcs, &r), &r))
		return -1;
	printf("  entered through the new TCS: put/get %#" PRIx64 "\n",
	       r.value);
	return r.value == MAGIC + 1 ? 0 : -1;
}

static int shrink(struct sgx2_enclave *e, uint64_t heap)
{
	uint64_t last = heap + 3 * PAGE;
	struct sgx2_flow_report rep;
	struct backend_result r;
	int err;

	printf("\n3. shrink: trim and remove the 4 pages (the new TCS too)\n");
	err = sgx2_trim_and_remove(e, heap, 4 * PAGE, &cb, NULL, &rep);
	print_report("sgx2_trim_and_remove", err, &rep);
	if (err)
		return err;

	/* The read adds a fresh, PENDING page and faults on it. */
	err = ops->read(encl, lay.tcs_offset[1], last, &r);
	if (err || r.exit != BACKEND_EXCEPTION) {
		printf("  a read of the removed page did not fault\n");
		return -1;
	}
	printf("  reading +%#" PRIx64 " faults (vector %u, error %#x): the"
	       " kernel added a fresh PENDING page\n",
	       last, r.ex.vector, r.ex.error_code);
	if (must("EACCEPT",
		 ops->eaccept(encl, lay.tcs_offset[0], last, PAGE,
			      SGX2_ACCEPT_AUG, &r),
		 &r) ||
	    must("resume", ops->resume(encl, lay.tcs_offset[1], &r), &r))
		return -1;
	printf("  accepted from the other TCS, resumed: the read gives "
	       "%#" PRIx64 " (was %#llx)\n",
	       r.value, MAGIC);
	return r.value == 0 ? 0 : -1;
}

static int restrict_write(struct sgx2_enclave *e)
{
	uint64_t page = lay.scratch_offset;
	struct sgx2_flow_report rep;
	struct backend_result r;
	int err;

	printf("\n4. restrict: make scratch page +%#" PRIx64 " read-only\n",
	       page);
	if (must("write", ops->write(encl, lay.tcs_offset[0], page, MAGIC, &r),
		 &r))
		return -1;
	err = sgx2_restrict_and_accept(e, page, PAGE, SGX2_PERM_R, 0, &cb, NULL,
				       &rep);
	print_report("sgx2_restrict_and_accept", err, &rep);
	if (err)
		return err;
	err = ops->write(encl, lay.tcs_offset[1], page, MAGIC + 2, &r);
	if (err || r.exit != BACKEND_EXCEPTION) {
		printf("  the write to a read-only page did not fault\n");
		return -1;
	}
	printf("  the enclave's write faults: vector %u, error %#x (EPCM"
	       " denies W)\n",
	       r.ex.vector, r.ex.error_code);
	if (must("EMODPE",
		 ops->emodpe(encl, lay.tcs_offset[0], page,
			     SGX2_PERM_R | SGX2_PERM_W, &r),
		 &r) ||
	    must("resume", ops->resume(encl, lay.tcs_offset[1], &r), &r) ||
	    must("read", ops->read(encl, lay.tcs_offset[0], page, &r), &r))
		return -1;
	printf("  EMODPE(RW) inside, resumed: the write went through, read"
	       " %#" PRIx64 "\n",
	       r.value);
	return r.value == MAGIC + 2 ? 0 : -1;
}

int main(void)
{
	const struct backend_params params = { .elf = ENCLAVE_ELF,
					       .sigstruct = ENCLAVE_SIGSTRUCT };
	struct sgx2_enclave *e;
	unsigned int caps;
	int err = sgx2_probe(-1, &caps);

	if (!err) {
		ops = &backend_hw;
		err = ops->create(&encl, &params, &lay);
		if (err)
			printf("SGX2 is here, but loading the enclave failed: "
			       "%s;"
			       " trying the simulator\n",
			       strerror(-err));
	} else {
		printf("no SGX2 here (%s: %s)\n",
		       err == -ENOTTY	? "the kernel lacks the EDMM ioctls"
		       : err == -ENODEV ? "the CPU lacks SGX2"
					: SGX2_DEVICE_PATH,
		       strerror(-err));
	}
	if (err) {
		ops = &backend_sim;
		err = ops->create(&encl, &params, &lay);
		if (err) {
			printf("SKIP: neither SGX2 nor the simulator can run "
			       "the"
			       " enclave (simulator: %s)\n",
			       strerror(-err));
			return 77;
		}
	}
	printf("backend: %s%s; enclave at %#" PRIx64 ", %" PRIu64 " KiB\n",
	       ops->name,
	       ops == &backend_sim ? " (the simulator, no SGX hardware)" : "",
	       lay.base, lay.size / 1024);

	err = sgx2_enclave_new(&e, lay.fd, lay.base, lay.size);
	if (!err)
		err = grow(e, lay.heap_offset);
	if (!err)
		err = add_thread(e, lay.heap_offset);
	if (!err)
		err = shrink(e, lay.heap_offset);
	if (!err)
		err = restrict_write(e);
	printf("\n%s\n", err ? "FAILED"
			     : "done: the whole SGX2 page life"
			       " cycle ran through libsgx2");
	sgx2_enclave_free(e);
	ops->destroy(encl);
	return err ? 1 : 0;
}
