// SPDX-License-Identifier: MIT
/* The hardware backend: the loader builds the enclave, the vDSO enters it. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "enclave/encl-ops.h"
#include "loader.h"

/*
 * The op a TCS is running. It stays at the same address from EENTER to
 * the final EEXIT, across exceptions and ERESUMEs, because the enclave
 * writes its answer back to the pointer it was entered with.
 */
struct hw_call {
	uint64_t tcs; /* offset; valid while busy */
	int busy;
	struct encl_op op;
};

#define HW_MAX_CALLS 64

struct backend {
	struct loader_enclave encl;
	pthread_mutex_t lock; /* guards calls[].busy and .tcs */
	struct hw_call calls[HW_MAX_CALLS];
};

static int hw_create(struct backend **out, const struct backend_params *p,
		     struct backend_layout *layout)
{
	struct backend *b = calloc(1, sizeof(*b));
	const struct image *img;
	int err;

	if (!b)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	err = loader_prepare(&b->encl, p->elf, p->sigstruct);
	if (!err)
		err = loader_start(&b->encl);
	if (err) {
		loader_destroy(&b->encl);
		pthread_mutex_destroy(&b->lock);
		free(b);
		return err;
	}

	img = &b->encl.img;
	memset(layout, 0, sizeof(*layout));
	layout->fd = b->encl.fd;
	layout->base = b->encl.base;
	layout->size = b->encl.size;
	layout->heap_offset = img->end;
	layout->heap_size = b->encl.size - img->end;
	layout->scratch_offset = img->scratch;
	layout->scratch_size = img->scratch_size;
	layout->nr_tcs =
		img->nr_tcs < BACKEND_MAX_TCS ? img->nr_tcs : BACKEND_MAX_TCS;
	for (unsigned int i = 0; i < layout->nr_tcs; i++)
		layout->tcs_offset[i] = img->tcs[i];
	layout->dyn_entry_offset = img->dyn_entry;
	layout->ssa_frame_pages = img->ssa_frame_pages;
	*out = b;
	return 0;
}

static void hw_destroy(struct backend *b)
{
	if (!b)
		return;
	loader_destroy(&b->encl);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/* The call slot of @tcs: a new one (@resume 0) or the waiting one. */
static struct hw_call *slot_get(struct backend *b, uint64_t tcs, int resume,
				int *err)
{
	struct hw_call *found = NULL, *free_slot = NULL;

	pthread_mutex_lock(&b->lock);
	for (unsigned int i = 0; i < HW_MAX_CALLS; i++) {
		if (b->calls[i].busy && b->calls[i].tcs == tcs)
			found = &b->calls[i];
		else if (!b->calls[i].busy && !free_slot)
			free_slot = &b->calls[i];
	}
	if (resume) {
		*err = found ? 0 : -ENOENT;
	} else if (found) {
		*err = -EBUSY; /* mid-call: resume() it first */
		found = NULL;
	} else if (free_slot) {
		free_slot->busy = 1;
		free_slot->tcs = tcs;
		found = free_slot;
		*err = 0;
	} else {
		*err = -EAGAIN;
	}
	pthread_mutex_unlock(&b->lock);
	return found;
}

static void slot_put(struct backend *b, struct hw_call *c)
{
	pthread_mutex_lock(&b->lock);
	c->busy = 0;
	pthread_mutex_unlock(&b->lock);
}

/* Enter (or resume) and decode how the enclave came back. */
static int run(struct backend *b, struct hw_call *c, unsigned int function,
	       struct backend_result *r)
{
	struct loader_exit exit;
	int err;

	memset(r, 0, sizeof(*r));
	err = loader_enter(&b->encl, b->encl.base + c->tcs, function, &c->op,
			   &exit);
	if (err) {
		slot_put(b, c);
		return err;
	}
	if (exit.function == SGX_ENCLU_EEXIT) {
		r->exit = BACKEND_DONE;
		r->status = c->op.status;
		r->value = c->op.value;
		r->done = c->op.done;
		r->sgx_code = c->op.sgx_code;
		slot_put(b, c);
		return 0;
	}
	r->ex.vector = exit.vector;
	r->ex.error_code = exit.error_code;
	r->ex.addr = exit.addr;
	r->ex.offset = exit.addr - b->encl.base;
	if (exit.function == SGX_ENCLU_EENTER) {
		/* EENTER faulted: the enclave never ran. */
		r->exit = BACKEND_ENTRY_FAULT;
		slot_put(b, c);
	} else {
		r->exit = BACKEND_EXCEPTION; /* keep the slot for resume() */
	}
	return 0;
}

static int call(struct backend *b, uint64_t tcs, const struct encl_op *op,
		struct backend_result *r)
{
	struct hw_call *c;
	int err;

	c = slot_get(b, tcs, 0, &err);
	if (!c)
		return err;
	c->op = *op;
	c->op.status = ENCL_STATUS_UNSET;
	return run(b, c, SGX_ENCLU_EENTER, r);
}

static int hw_resume(struct backend *b, uint64_t tcs, struct backend_result *r)
{
	struct hw_call *c;
	int err;

	c = slot_get(b, tcs, 1, &err);
	if (!c)
		return err;
	return run(b, c, SGX_ENCLU_ERESUME, r);
}

static uint64_t addr(const struct backend *b, uint64_t offset)
{
	return b->encl.base + offset;
}

static int hw_nop(struct backend *b, uint64_t tcs, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_NOP };

	return call(b, tcs, &op, r);
}

static int hw_put(struct backend *b, uint64_t tcs, uint64_t value,
		  struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_PUT, .value = value };

	return call(b, tcs, &op, r);
}

static int hw_get(struct backend *b, uint64_t tcs, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_GET };

	return call(b, tcs, &op, r);
}

static int hw_read(struct backend *b, uint64_t tcs, uint64_t offset,
		   struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_READ, .addr = addr(b, offset) };

	return call(b, tcs, &op, r);
}

static int hw_write(struct backend *b, uint64_t tcs, uint64_t offset,
		    uint64_t value, struct backend_result *r)
{
	struct encl_op op = {
		.type = ENCL_OP_WRITE,
		.addr = addr(b, offset),
		.value = value,
	};

	return call(b, tcs, &op, r);
}

static int hw_eaccept(struct backend *b, uint64_t tcs, uint64_t offset,
		      uint64_t len, uint64_t flags, struct backend_result *r)
{
	struct encl_op op = {
		.type = ENCL_OP_EACCEPT,
		.addr = addr(b, offset),
		.len = len,
		.flags = flags,
	};

	return call(b, tcs, &op, r);
}

static int hw_emodpe(struct backend *b, uint64_t tcs, uint64_t offset,
		     uint64_t flags, struct backend_result *r)
{
	struct encl_op op = {
		.type = ENCL_OP_EMODPE,
		.addr = addr(b, offset),
		.flags = flags,
	};

	return call(b, tcs, &op, r);
}

static int hw_init_tcs(struct backend *b, uint64_t tcs, uint64_t page,
		       uint64_t ssa, uint64_t entry, struct backend_result *r)
{
	struct encl_op op = {
		.type = ENCL_OP_INIT_TCS,
		.addr = addr(b, page),
		.ssa = ssa,
		.entry = entry,
	};

	return call(b, tcs, &op, r);
}

const struct backend_ops backend_hw = {
	.name = "hardware",
	.create = hw_create,
	.destroy = hw_destroy,
	.nop = hw_nop,
	.put = hw_put,
	.get = hw_get,
	.read = hw_read,
	.write = hw_write,
	.eaccept = hw_eaccept,
	.emodpe = hw_emodpe,
	.init_tcs = hw_init_tcs,
	.resume = hw_resume,
};
