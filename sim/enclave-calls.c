// SPDX-License-Identifier: MIT
/*
 * Inside the enclave, by API: what code running in it would do, one entry
 * per call, with the outcome reported as the vDSO reports it. The rules
 * are the model's (epcm.c), the same ones native enclave code meets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* The model's exception, as the vDSO reports it in @run. */
static int report(struct sgx2_sim_run *run, const struct sim_exc *x)
{
	run->exception_vector = x->vector;
	run->exception_error_code = x->error_code;
	run->exception_addr = x->addr;
	return 1;
}

static int data_access(struct sim_encl *e, uint64_t addr, int write,
		       uint64_t *value, struct sgx2_sim_run *run)
{
	struct sim_page *p;
	struct sim_exc x;

	if (sim__access(e, addr, write ? SIM_ACC_WRITE : SIM_ACC_READ, &p, &x))
		return report(run, &x);
	if (write)
		memcpy(e->data + (addr - e->base), value, sizeof(*value));
	else
		memcpy(value, e->data + (addr - e->base), sizeof(*value));
	return 0;
}

/* Run @op (from where it got to): 0 when it completed, 1 on exception. */
static int execute(struct sim_encl *e, struct sim_op *op,
		   struct sgx2_sim_run *run)
{
	struct sim_exc x;

	switch (op->kind) {
	case SIM_OP_NOP:
		return 0;
	case SIM_OP_READ:
		return data_access(e, op->addr, 0, &run->value, run);
	case SIM_OP_WRITE:
		return data_access(e, op->addr, 1, &op->arg, run);
	case SIM_OP_EMODPE:
		if (sim__emodpe(e, op->addr, op->arg, &x))
			return report(run, &x);
		return 0;
	case SIM_OP_EACCEPT:
		while (op->addr < op->end) {
			if (sim__eaccept(e, op->addr, op->arg, &run->ret, &x))
				return report(run, &x);
			if (run->ret)
				return 0;
			op->addr += SIM_PAGE;
			op->done += SIM_PAGE;
		}
		return 0;
	}
	return 0;
}

static struct sim_tcs *tcs_find(struct sim_encl *e, uint64_t addr)
{
	size_t i;

	for (i = 0; i < e->ntcs; i++)
		if (e->tcs[i].addr == addr)
			return &e->tcs[i];
	return NULL;
}

/* The TCS at @addr is no longer interrupted (resumed, changed, removed). */
void sim__tcs_forget(struct sim_encl *e, uint64_t addr)
{
	struct sim_tcs *t = tcs_find(e, addr);

	if (!t)
		return;
	*t = e->tcs[--e->ntcs];
}

void sim__tcs_free(struct sim_encl *e)
{
	free(e->tcs);
	e->tcs = NULL;
	e->ntcs = e->cap_tcs = 0;
}

static int tcs_interrupt(struct sim_encl *e, uint64_t addr,
			 const struct sim_op *op)
{
	struct sim_tcs *t = tcs_find(e, addr);

	if (!t) {
		if (e->ntcs == e->cap_tcs) {
			size_t cap = e->cap_tcs ? e->cap_tcs * 2 : 4;

			t = realloc(e->tcs, cap * sizeof(*t));
			if (!t)
				return -ENOMEM;
			e->tcs = t;
			e->cap_tcs = cap;
		}
		t = &e->tcs[e->ntcs++];
		t->addr = addr;
	}
	t->op = *op;
	return 0;
}

/* EENTER's checks of the enclave and the TCS: 0, or 1 with an exception. */
static int eenter(struct sim_encl *e, struct sgx2_sim_run *run)
{
	struct sim_page *p;
	struct sim_exc x;

	/* Not initialised; CSSA == NSSA; a thread running natively in it. */
	if (!e->initialized ||
	    (run->tcs && (tcs_find(e, run->tcs) || sim__tcs_busy(e, run->tcs))))
		return report(run, &(struct sim_exc){ .vector = SIM_VEC_GP });
	if (!run->tcs)
		return 0;
	if (sim__translate(e, run->tcs, SIM_ACC_READ, &p, &x))
		return report(run, &x);
	if (p->epcm_type != SIM_PT_TCS ||
	    (p->epcm_state & (SIM_PENDING | SIM_MODIFIED))) {
		sim__epcm_fault(&x, run->tcs, SIM_ACC_READ);
		return report(run, &x);
	}
	return 0;
}

static int in_range(const struct sim_encl *e, uint64_t addr, uint64_t len)
{
	return addr - e->base < e->size && len <= e->size - (addr - e->base);
}

static int run_op(int fd, struct sgx2_sim_run *run, struct sim_op *op,
		  int resume)
{
	struct sim_encl *e;
	struct sim_tcs *t;
	uint64_t tcs;
	int err, exc;

	if (!run || run->reserved[0] || run->reserved[1])
		return -EINVAL;
	err = sim__lookup(fd, &e);
	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	tcs = run->tcs;
	err = -EINVAL;
	if (!e->created)
		goto out;
	if (tcs && ((tcs & (SIM_PAGE - 1)) || !in_range(e, tcs, SIM_PAGE)))
		goto out;
	/* The pages touched must be in the enclave; a misaligned EACCEPT
	 * address is the instruction's #GP, checked when it runs. */
	if (op && op->kind != SIM_OP_NOP &&
	    !(op->kind == SIM_OP_EACCEPT
		      ? in_range(e, op->addr & ~(uint64_t)(SIM_PAGE - 1),
				 op->end - op->addr)
		      : in_range(e, op->addr, 1)))
		goto out;
	t = resume ? tcs_find(e, tcs) : NULL;
	if (resume && (!tcs || !t))
		goto out;
	err = 0;

	memset(run, 0, sizeof(*run));
	run->tcs = tcs;
	if (resume) {
		struct sim_op saved = t->op;

		run->function = SGX2_SIM_ERESUME;
		e->stats.enclave_entries++;
		exc = execute(e, &saved, run);
		if (exc)
			t->op = saved;
		else
			sim__tcs_forget(e, tcs);
		op = &saved;
		run->done = saved.done;
	} else {
		run->function = SGX2_SIM_EENTER;
		if (eenter(e, run)) {
			e->stats.exceptions++;
			goto out;
		}
		run->function = SGX2_SIM_ERESUME;
		e->stats.enclave_entries++;
		exc = execute(e, op, run);
		if (exc && tcs && tcs_interrupt(e, tcs, op))
			err = -ENOMEM;
		run->done = op->done;
	}
	if (exc)
		e->stats.exceptions++;
	else
		run->function = SGX2_SIM_EEXIT;
out:
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return err;
}

SIM_EXPORT int sgx2_sim_enter(int fd, struct sgx2_sim_run *run)
{
	struct sim_op op = { .kind = SIM_OP_NOP };

	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_eresume(int fd, struct sgx2_sim_run *run)
{
	return run_op(fd, run, NULL, 1);
}

SIM_EXPORT int sgx2_sim_read(int fd, struct sgx2_sim_run *run, uint64_t addr)
{
	struct sim_op op = { .kind = SIM_OP_READ, .addr = addr };

	if ((addr & (SIM_PAGE - 1)) > SIM_PAGE - sizeof(uint64_t))
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_write(int fd, struct sgx2_sim_run *run, uint64_t addr,
			      uint64_t value)
{
	struct sim_op op = { .kind = SIM_OP_WRITE, .addr = addr, .arg = value };

	if ((addr & (SIM_PAGE - 1)) > SIM_PAGE - sizeof(uint64_t))
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_eaccept(int fd, struct sgx2_sim_run *run, uint64_t addr,
				uint64_t secinfo)
{
	struct sim_op op = { .kind = SIM_OP_EACCEPT,
			     .addr = addr,
			     .end = addr + SIM_PAGE,
			     .arg = secinfo };

	if (addr + SIM_PAGE < addr)
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_eaccept_range(int fd, struct sgx2_sim_run *run,
				      uint64_t addr, uint64_t length,
				      uint64_t secinfo)
{
	struct sim_op op = { .kind = SIM_OP_EACCEPT,
			     .addr = addr,
			     .end = addr + length,
			     .arg = secinfo };

	if (!length || (length & (SIM_PAGE - 1)) || addr + length < addr)
		return -EINVAL;
	return run_op(fd, run, &op, 0);
}

SIM_EXPORT int sgx2_sim_emodpe(int fd, struct sgx2_sim_run *run, uint64_t addr,
			       uint64_t secinfo)
{
	struct sim_op op = { .kind = SIM_OP_EMODPE,
			     .addr = addr,
			     .arg = secinfo };

	return run_op(fd, run, &op, 0);
}
