// SPDX-License-Identifier: MIT
/*
 * The host side of the test enclave: the loader builds it, the vDSO enters
 * it, and each op is one struct encl_op run to completion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "enclave/encl-ops.h"
#include "loader.h"

struct host {
	struct loader_enclave encl;
};

/* One op in progress: what the loader's fixup hook needs. */
struct call {
	struct host *h;
	const struct host_fixup *fixup;
	struct host_result *r;
};

static void record(struct host *h, struct host_result *r,
		   const struct loader_exit *exit)
{
	struct host_exception *ex = &r->ex[r->nr_ex++];

	ex->vector = exit->vector;
	ex->error_code = exit->error_code;
	ex->addr = exit->addr;
	ex->offset = exit->addr - h->encl.base;
}

/* After an AEX, inside the vDSO invocation: record it, ask the fixup. */
static bool on_exception(const struct loader_exit *exit, void *arg)
{
	struct call *c = arg;

	record(c->h, c->r, exit);
	return c->fixup && c->r->nr_ex < HOST_MAX_EXCEPTIONS &&
	       c->fixup->fn(c->h, &c->r->ex[c->r->nr_ex - 1], c->fixup->arg);
}

/*
 * Enter through @tcs with @op and stay until the enclave is done with it.
 * The op lives in this frame for the whole call, resumes included: the
 * enclave writes its answer back through the pointer it was entered with.
 */
static int call(struct host *h, uint64_t tcs, struct encl_op *op,
		const struct host_fixup *fixup, struct host_result *r)
{
	struct call c = { h, fixup, r };
	struct loader_exit exit;
	int err;

	memset(r, 0, sizeof(*r));
	op->status = ENCL_STATUS_UNSET;
	err = loader_enter(&h->encl, h->encl.base + tcs, op, on_exception, &c,
			   &exit);
	if (err)
		return err;
	switch (exit.function) {
	case SGX_ENCLU_EEXIT:
		r->exit = HOST_DONE;
		r->status = op->status;
		r->value = op->value;
		r->done = op->done;
		r->sgx_code = op->sgx_code;
		break;
	case SGX_ENCLU_EENTER:
		record(h, r, &exit);
		r->exit = HOST_ENTRY_FAULT;
		break;
	default:
		r->exit = HOST_EXCEPTION; /* recorded by on_exception() */
		break;
	}
	return 0;
}

int host_open(struct host **out, const char *elf, const char *sigstruct,
	      struct host_layout *layout)
{
	struct host *h = calloc(1, sizeof(*h));
	const struct image *img;
	int err;

	if (!h)
		return -ENOMEM;
	err = loader_prepare(&h->encl, elf, sigstruct);
	if (!err)
		err = loader_start(&h->encl);
	if (err) {
		loader_destroy(&h->encl);
		free(h);
		return err;
	}

	img = &h->encl.img;
	memset(layout, 0, sizeof(*layout));
	layout->fd = h->encl.fd;
	layout->base = h->encl.base;
	layout->size = h->encl.size;
	layout->heap_offset = img->end;
	layout->heap_size = h->encl.size - img->end;
	layout->scratch_offset = img->scratch;
	layout->nr_tcs =
		img->nr_tcs < HOST_MAX_TCS ? img->nr_tcs : HOST_MAX_TCS;
	for (unsigned int i = 0; i < layout->nr_tcs; i++)
		layout->tcs_offset[i] = img->tcs[i];
	layout->dyn_entry_offset = img->dyn_entry;
	*out = h;
	return 0;
}

void host_close(struct host *h)
{
	if (!h)
		return;
	loader_destroy(&h->encl);
	free(h);
}

static uint64_t addr(const struct host *h, uint64_t offset)
{
	return h->encl.base + offset;
}

int host_nop(struct host *h, uint64_t tcs, const struct host_fixup *fixup,
	     struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_NOP };

	return call(h, tcs, &op, fixup, r);
}

int host_put(struct host *h, uint64_t tcs, uint64_t value,
	     const struct host_fixup *fixup, struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_PUT, .value = value };

	return call(h, tcs, &op, fixup, r);
}

int host_get(struct host *h, uint64_t tcs, const struct host_fixup *fixup,
	     struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_GET };

	return call(h, tcs, &op, fixup, r);
}

int host_read(struct host *h, uint64_t tcs, uint64_t offset,
	      const struct host_fixup *fixup, struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_READ, .addr = addr(h, offset) };

	return call(h, tcs, &op, fixup, r);
}

int host_write(struct host *h, uint64_t tcs, uint64_t offset, uint64_t value,
	       const struct host_fixup *fixup, struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_WRITE,
			      .addr = addr(h, offset),
			      .value = value };

	return call(h, tcs, &op, fixup, r);
}

int host_eaccept(struct host *h, uint64_t tcs, uint64_t offset, uint64_t len,
		 uint64_t flags, const struct host_fixup *fixup,
		 struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_EACCEPT,
			      .addr = addr(h, offset),
			      .len = len,
			      .flags = flags };

	return call(h, tcs, &op, fixup, r);
}

int host_emodpe(struct host *h, uint64_t tcs, uint64_t offset, uint64_t flags,
		const struct host_fixup *fixup, struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_EMODPE,
			      .addr = addr(h, offset),
			      .flags = flags };

	return call(h, tcs, &op, fixup, r);
}

int host_init_tcs(struct host *h, uint64_t tcs, uint64_t page, uint64_t ssa,
		  uint64_t entry, const struct host_fixup *fixup,
		  struct host_result *r)
{
	struct encl_op op = { .type = ENCL_OP_INIT_TCS,
			      .addr = addr(h, page),
			      .ssa = ssa,
			      .entry = entry };

	return call(h, tcs, &op, fixup, r);
}
