// SPDX-License-Identifier: MIT
/*
 * sgx2-demo: the SGX2 page life cycle through libsgx2, on a real enclave.
 *
 *   1. grow     add pages at run time and use them: the kernel adds them on
 *               a host touch (the pre-fault), one entry accepts them all
 *   2. thread   turn a grown page into a TCS and enter through it
 *   3. shrink   trim and remove pages; a later access re-adds a fresh one
 *   4. restrict drop write permission and watch the enclave's write fault
 *
 * One path: the loader builds the enclave through /dev/sgx_enclave and the
 * vDSO enters it. On SGX2 hardware that is the kernel's; without SGX2 the
 * simulator's device redirect is turned on, and the same loader, vDSO
 * entry (the simulator's stand-in) and enclave code run on the simulator,
 * which the demo says. The simulator is linked in, so it can always
 * serve: when it refuses (a bad SGX2_SIM_FAULTS, say, which it explains on
 * stderr), that is a failure, exit 1, not a skip.
 *
 * The faults of steps 3 and 4 are fixed up while they are reported: the
 * fixup runs from the vDSO's handler, inside the call that took the
 * fault, and the enclave resumes from there (host.h says why).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgx2-sim.h>
#include <sgx2.h>

#include "enclave/encl-ops.h"
#include "host.h"

#define PAGE 4096u
#define MAGIC 0x5347583264656d6full /* "SGX2demo" */

static struct host *encl;
static struct host_layout lay;
static int on_sim;

/* Run one enclave op that must complete; print what came back. */
static int must(const char *what, int err, const struct host_result *r)
{
	static const char *const how[] = { "done", "an exception was not fixed",
					   "EENTER faulted" };

	if (err) {
		printf("  %s: %s\n", what, strerror(-err));
		return -1;
	}
	if (r->exit == HOST_DONE && r->status == ENCL_OK)
		return 0;
	printf("  %s: %s, status %" PRIu64, what, how[r->exit], r->status);
	for (unsigned int i = 0; i < r->nr_ex; i++)
		printf("; exception %u, error code %#x at +%#" PRIx64,
		       r->ex[i].vector, r->ex[i].error_code, r->ex[i].offset);
	printf("\n");
	return -1;
}

/* The EACCEPT callback: the enclave accepts the whole range in one entry. */
static int64_t accept_in_enclave(void *arg, uint64_t addr, uint64_t len,
				 uint64_t secinfo)
{
	struct host_result r;
	int err;

	(void)arg;
	err = host_eaccept(encl, lay.tcs_offset[0], addr - lay.base, len,
			   secinfo, NULL, &r);
	if (must("EACCEPT", err, &r))
		return err ? err : -EFAULT;
	if (r.sgx_code)
		printf("  EACCEPT stopped: %s\n", sgx2_result_name(r.sgx_code));
	return (int64_t)r.done;
}

static const struct sgx2_callbacks cb = { .accept = accept_in_enclave };

/* @changed_as: what `changed` counts in this flow (sgx2_flow_report(3)). */
static void print_report(const char *what, const char *changed_as, int err,
			 const struct sgx2_flow_report *r)
{
	printf("  %s: %s\n", what, err ? strerror(-err) : "ok");
	printf("    range +%#" PRIx64 " %" PRIu64
	       " pages: changed (%s) %" PRIu64 ", mapped %" PRIu64
	       ", accepted %" PRIu64 ", removed %" PRIu64 " pages\n",
	       r->offset, r->length / PAGE, changed_as, r->changed / PAGE,
	       r->mapped / PAGE, r->accepted / PAGE, r->removed / PAGE);
	printf("    cost: %u ioctls, %u retries, %u enclave entries", r->ioctls,
	       r->retries, r->callbacks);
	if (err)
		printf("; stopped at the %s step", sgx2_step_name(r->step));
	if (r->sgx_result)
		printf("; %s: %s", sgx2_result_name(r->sgx_result),
		       sgx2_result_describe(r->sgx_result));
	printf("\n");
}

/*
 * A fault to fix from the vDSO's handler, through the other TCS: the page
 * it must be on, and the op that fixes it (EACCEPT or EMODPE).
 */
struct fault_fix {
	const char *why;
	uint64_t page;
	uint64_t tcs;
	int (*fix)(struct host *h, const struct fault_fix *f,
		   struct host_result *r);
};

static int accept_page(struct host *h, const struct fault_fix *f,
		       struct host_result *r)
{
	return host_eaccept(h, f->tcs, f->page, PAGE, SGX2_ACCEPT_AUG, NULL, r);
}

static int allow_write(struct host *h, const struct fault_fix *f,
		       struct host_result *r)
{
	return host_emodpe(h, f->tcs, f->page, SGX2_PERM_R | SGX2_PERM_W, NULL,
			   r);
}

static bool fixup(struct host *h, const struct host_exception *ex, void *arg)
{
	const struct fault_fix *f = arg;
	struct host_result r;

	printf("  the enclave faults: vector %u, error %#x at +%#" PRIx64
	       " (%s)\n",
	       ex->vector, ex->error_code, ex->offset, f->why);
	if (ex->vector != 14 || ex->offset != f->page)
		return false;
	if (must("fixing it from the fault handler", f->fix(h, f, &r), &r))
		return false;
	return r.sgx_code == 0; /* EACCEPT's answer; EMODPE has none */
}

static int grow(struct sgx2_enclave *e, uint64_t heap)
{
	struct sgx2_flow_report rep;
	struct host_result r;
	int err;

	struct sgx2_sim_stats st;

	printf("\n1. grow: add 4 pages at +%#" PRIx64
	       "; the kernel adds them on"
	       " a read() of /dev/zero into the range (the pre-fault), then the"
	       " enclave accepts them in one entry\n",
	       heap);
	if (on_sim)
		sgx2_sim_reset_stats(lay.fd);
	err = sgx2_grow(e, heap, 4 * PAGE, 0, &cb, NULL, &rep);
	print_report("sgx2_grow", "added", err, &rep);
	if (err)
		return err;
	if (on_sim && !sgx2_sim_get_stats(lay.fd, &st))
		printf("    simulator: %" PRIu64 " pages added, %" PRIu64
		       " read() into the enclave, %" PRIu64
		       " enclave entries, %" PRIu64
		       " enclave exits for a page fault\n",
		       st.eaug_pages, st.kernel_copies, st.enclave_entries,
		       st.aex[SGX2_SIM_VECTOR_PF]);
	if (must("write",
		 host_write(encl, lay.tcs_offset[0], heap + 3 * PAGE, MAGIC,
			    NULL, &r),
		 &r) ||
	    must("read",
		 host_read(encl, lay.tcs_offset[1], heap + 3 * PAGE, NULL, &r),
		 &r))
		return -1;
	printf("  the enclave wrote and read back %#" PRIx64 " on a new page\n",
	       r.value);
	return r.value == MAGIC ? 0 : -1;
}

static int add_thread(struct sgx2_enclave *e, uint64_t heap)
{
	uint64_t tcs = heap + PAGE, ssa = heap + 2 * PAGE;
	struct sgx2_flow_report rep;
	struct host_result r;
	int err;

	printf("\n2. thread: make +%#" PRIx64 " a TCS (stack below, SSA above)"
	       "\n",
	       tcs);
	if (must("init TCS",
		 host_init_tcs(encl, lay.tcs_offset[0], tcs, ssa, 0, NULL, &r),
		 &r))
		return -1;
	err = sgx2_add_tcs(e, tcs, PAGE, &cb, NULL, &rep);
	print_report("sgx2_add_tcs", "made TCS", err, &rep);
	if (err)
		return err;
	if (must("put", host_put(encl, tcs, MAGIC + 1, NULL, &r), &r) ||
	    must("get", host_get(encl, tcs, NULL, &r), &r))
		return -1;
	printf("  entered through the new TCS: put/get %#" PRIx64 "\n",
	       r.value);
	return r.value == MAGIC + 1 ? 0 : -1;
}

static int shrink(struct sgx2_enclave *e, uint64_t heap)
{
	const struct fault_fix f = {
		.why = "the kernel added a fresh PENDING page",
		.page = heap + 3 * PAGE,
		.tcs = lay.tcs_offset[0],
		.fix = accept_page,
	};
	const struct host_fixup fx = { fixup, (void *)&f };
	struct sgx2_flow_report rep;
	struct host_result r;
	int err;

	printf("\n3. shrink: trim and remove the 4 pages (the new TCS too)\n");
	err = sgx2_trim_and_remove(e, heap, 4 * PAGE, &cb, NULL, &rep);
	print_report("sgx2_trim_and_remove", "trimmed", err, &rep);
	if (err)
		return err;

	printf("  reading +%#" PRIx64 " again\n", f.page);
	if (must("read", host_read(encl, lay.tcs_offset[1], f.page, &fx, &r),
		 &r))
		return -1;
	if (r.nr_ex != 1) {
		printf("  a read of the removed page did not fault\n");
		return -1;
	}
	printf("  accepted from the other TCS in the handler, resumed: the "
	       "read gives %#" PRIx64 " (was %#llx)\n",
	       r.value, MAGIC);
	return r.value == 0 ? 0 : -1;
}

static int restrict_write(struct sgx2_enclave *e)
{
	const struct fault_fix f = {
		.why = "the EPCM denies W",
		.page = lay.scratch_offset,
		.tcs = lay.tcs_offset[0],
		.fix = allow_write,
	};
	const struct host_fixup fx = { fixup, (void *)&f };
	struct sgx2_flow_report rep;
	struct host_result r;
	int err;

	printf("\n4. restrict: make scratch page +%#" PRIx64 " read-only\n",
	       f.page);
	if (must("write",
		 host_write(encl, lay.tcs_offset[0], f.page, MAGIC, NULL, &r),
		 &r))
		return -1;
	err = sgx2_restrict_and_accept(e, f.page, PAGE, SGX2_PERM_R, 0, &cb,
				       NULL, &rep);
	print_report("sgx2_restrict_and_accept", "restricted", err, &rep);
	if (err)
		return err;
	if (must("write",
		 host_write(encl, lay.tcs_offset[1], f.page, MAGIC + 2, &fx,
			    &r),
		 &r))
		return -1;
	if (r.nr_ex != 1) {
		printf("  the write to a read-only page did not fault\n");
		return -1;
	}
	if (must("read", host_read(encl, lay.tcs_offset[0], f.page, NULL, &r),
		 &r))
		return -1;
	printf("  EMODPE(RW) from the handler, resumed: the write went through,"
	       " read %#" PRIx64 "\n",
	       r.value);
	return r.value == MAGIC + 2 ? 0 : -1;
}

/* Why sgx2_probe() said no, in words. */
static const char *why_no_sgx2(int err)
{
	return err == -ENOTTY	? "the kernel lacks the EDMM ioctls"
	       : err == -ENODEV ? "the CPU lacks SGX2"
				: SGX2_DEVICE_PATH;
}

/* The enclave on SGX2 hardware: 0, or -errno and why not on stdout. */
static int open_on_hardware(void)
{
	unsigned int caps;
	int err = sgx2_probe(-1, &caps);

	if (err) {
		printf("no SGX2 here (%s: %s)\n", why_no_sgx2(err),
		       strerror(-err));
		return err;
	}
	err = host_open(&encl, ENCLAVE_ELF, ENCLAVE_SIGSTRUCT, &lay);
	if (err)
		printf("SGX2 is here, but loading the enclave failed: %s\n",
		       strerror(-err));
	return err;
}

int main(void)
{
	struct sgx2_enclave *e;
	int sim = 0, err;

	if (open_on_hardware()) {
		/* The same loader and vDSO entry, answered by the simulator. */
		sim = on_sim = 1;
		sgx2_sim_set_device(1);
		err = host_open(&encl, ENCLAVE_ELF, ENCLAVE_SIGSTRUCT, &lay);
		if (err) {
			printf("FAIL: the simulator refused the enclave: %s "
			       "(a line from sgx2-sim on stderr says why when "
			       "it is its configuration)\n",
			       strerror(-err));
			return 1;
		}
		/* SGX2_SIM_KERNEL=5.19 or SGX2_SIM_SGX2=0: nothing to show. */
		err = sgx2_probe(lay.fd, NULL);
		if (err) {
			printf("SKIP: the simulator is set up as a machine "
			       "without EDMM (%s: %s)\n",
			       why_no_sgx2(err), strerror(-err));
			host_close(encl);
			return 77;
		}
	}
	printf("%s; enclave at %#" PRIx64 ", %" PRIu64 " KiB\n",
	       sim ? "on the simulator (libsgx2-sim: its /dev/sgx_enclave and "
		     "vDSO stand-in, the enclave's code run natively)"
		   : "on SGX2 hardware (/dev/sgx_enclave and the kernel's "
		     "vDSO)",
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
	host_close(encl);
	return err ? 1 : 0;
}
