// SPDX-License-Identifier: MIT
/* The hardware backend: the loader builds the enclave, the vDSO enters it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "loader.h"

struct backend {
	struct backend_common common; /* first: backend.c's part */
	struct loader_enclave encl;
};

/* EENTER (or ERESUME) through the vDSO and decode how it came back. */
static int hw_run(struct backend *b, struct backend_call *c, int resume,
		  struct backend_result *r)
{
	struct loader_exit exit;
	int err;

	err = loader_enter(&b->encl, b->encl.base + c->tcs,
			   resume ? SGX_ENCLU_ERESUME : SGX_ENCLU_EENTER,
			   &c->op, &exit);
	if (err)
		return err;
	if (exit.function == SGX_ENCLU_EEXIT) {
		r->exit = BACKEND_DONE;
		return 0;
	}
	r->ex.vector = exit.vector;
	r->ex.error_code = exit.error_code;
	r->ex.addr = exit.addr;
	r->ex.offset = exit.addr - b->encl.base;
	/* EENTER itself faulted: the enclave never ran, nothing to resume. */
	r->exit = exit.function == SGX_ENCLU_EENTER ? BACKEND_ENTRY_FAULT
						    : BACKEND_EXCEPTION;
	return 0;
}

static int hw_create(struct backend **out, const struct backend_params *p,
		     struct backend_layout *layout)
{
	struct backend *b = calloc(1, sizeof(*b));
	const struct image *img;
	int err;

	if (!b)
		return -ENOMEM;
	err = loader_prepare(&b->encl, p->elf, p->sigstruct);
	if (!err)
		err = loader_start(&b->encl);
	if (err) {
		loader_destroy(&b->encl);
		free(b);
		return err;
	}
	backend_common_init(&b->common, b->encl.base, hw_run);

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
	backend_common_fini(&b->common);
	free(b);
}

const struct backend_ops backend_hw = {
	.name = "hardware",
	.create = hw_create,
	.destroy = hw_destroy,
	BACKEND_COMMON_OPS,
};
