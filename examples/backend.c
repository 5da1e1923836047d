// SPDX-License-Identifier: MIT
/*
 * What both backends share: the table of ops in progress per TCS, and the
 * ops themselves, each an encl_op handed to the backend's run().
 */
#include <errno.h>
#include <string.h>

#include "backend.h"

/* Every struct backend starts with its struct backend_common. */
static struct backend_common *common(struct backend *b)
{
	return (struct backend_common *)(void *)b;
}

void backend_common_init(struct backend_common *c, uint64_t base,
			 int (*run)(struct backend *, struct backend_call *,
				    int, struct backend_result *))
{
	memset(c, 0, sizeof(*c));
	c->base = base;
	c->run = run;
	pthread_mutex_init(&c->lock, NULL);
}

void backend_common_fini(struct backend_common *c)
{
	pthread_mutex_destroy(&c->lock);
}

/* The call slot of @tcs: a new one (@resume 0) or the waiting one. */
static struct backend_call *slot_get(struct backend_common *c, uint64_t tcs,
				     int resume, int *err)
{
	struct backend_call *found = NULL, *free_slot = NULL;

	pthread_mutex_lock(&c->lock);
	for (unsigned int i = 0; i < BACKEND_MAX_CALLS; i++) {
		if (c->calls[i].busy && c->calls[i].tcs == tcs)
			found = &c->calls[i];
		else if (!c->calls[i].busy && !free_slot)
			free_slot = &c->calls[i];
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
	pthread_mutex_unlock(&c->lock);
	return found;
}

/* Run the op in @slot; keep the slot only while an exception waits. */
static int run(struct backend *b, struct backend_call *slot, int resume,
	       struct backend_result *r)
{
	struct backend_common *c = common(b);
	int err;

	memset(r, 0, sizeof(*r));
	err = c->run(b, slot, resume, r);
	if (!err && r->exit == BACKEND_DONE) {
		r->status = slot->op.status;
		r->value = slot->op.value;
		r->done = slot->op.done;
		r->sgx_code = slot->op.sgx_code;
	}
	if (err || r->exit != BACKEND_EXCEPTION) {
		pthread_mutex_lock(&c->lock);
		slot->busy = 0;
		pthread_mutex_unlock(&c->lock);
	}
	return err;
}

static int call(struct backend *b, uint64_t tcs, const struct encl_op *op,
		struct backend_result *r)
{
	struct backend_call *slot;
	int err;

	slot = slot_get(common(b), tcs, 0, &err);
	if (!slot)
		return err;
	slot->op = *op;
	slot->op.status = ENCL_STATUS_UNSET;
	return run(b, slot, 0, r);
}

int backend_resume(struct backend *b, uint64_t tcs, struct backend_result *r)
{
	struct backend_call *slot;
	int err;

	slot = slot_get(common(b), tcs, 1, &err);
	if (!slot)
		return err;
	return run(b, slot, 1, r);
}

static uint64_t addr(struct backend *b, uint64_t offset)
{
	return common(b)->base + offset;
}

int backend_nop(struct backend *b, uint64_t tcs, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_NOP };

	return call(b, tcs, &op, r);
}

int backend_put(struct backend *b, uint64_t tcs, uint64_t value,
		struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_PUT, .value = value };

	return call(b, tcs, &op, r);
}

int backend_get(struct backend *b, uint64_t tcs, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_GET };

	return call(b, tcs, &op, r);
}

int backend_read(struct backend *b, uint64_t tcs, uint64_t offset,
		 struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_READ, .addr = addr(b, offset) };

	return call(b, tcs, &op, r);
}

int backend_write(struct backend *b, uint64_t tcs, uint64_t offset,
		  uint64_t value, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_WRITE,
			      .addr = addr(b, offset),
			      .value = value };

	return call(b, tcs, &op, r);
}

int backend_eaccept(struct backend *b, uint64_t tcs, uint64_t offset,
		    uint64_t len, uint64_t flags, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_EACCEPT,
			      .addr = addr(b, offset),
			      .len = len,
			      .flags = flags };

	return call(b, tcs, &op, r);
}

int backend_emodpe(struct backend *b, uint64_t tcs, uint64_t offset,
		   uint64_t flags, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_EMODPE,
			      .addr = addr(b, offset),
			      .flags = flags };

	return call(b, tcs, &op, r);
}

int backend_init_tcs(struct backend *b, uint64_t tcs, uint64_t page,
		     uint64_t ssa, uint64_t entry, struct backend_result *r)
{
	struct encl_op op = { .type = ENCL_OP_INIT_TCS,
			      .addr = addr(b, page),
			      .ssa = ssa,
			      .entry = entry };

	return call(b, tcs, &op, r);
}
