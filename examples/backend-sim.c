// SPDX-License-Identifier: MIT
/*
 * The simulator backend: the same enclave image, built by sgx2-sim instead
 * of /dev/sgx_enclave, and its ops run as the simulator's enclave-side
 * calls (one enclave entry each, as on hardware). The kernel side is
 * untouched: libsgx2's ioctl(), mmap() and mprotect() on this enclave's fd
 * reach the simulator by symbol interposition.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sgx2-sim.h>

#include "backend.h"
#include "enclave/encl-ops.h"
#include "image.h"

#define PAGE 4096u

struct backend {
	struct backend_common common; /* first: backend.c's part */
	int fd;
	uint64_t base;
	uint64_t size;
	struct image img;
	uint64_t kept; /* what PUT stores inside the enclave */
};

static int sim_run(struct backend *b, struct backend_call *c, int resume,
		   struct backend_result *r);

static int sim_create(struct backend **out, const struct backend_params *p,
		      struct backend_layout *layout)
{
	struct sgx2_sim_segment segs[IMAGE_MAX_SEGS] = { { 0 } };
	struct sgx2_sim_layout l = { 0 };
	struct backend *b = calloc(1, sizeof(*b));
	struct image *img;
	int err;

	if (!b)
		return -ENOMEM;
	img = &b->img;
	err = image_load(img, p->elf);
	if (err)
		goto fail;
	/* As the loader adds them: the first segment is the TCS pages. */
	for (unsigned int i = 0; i < img->nr_segs; i++) {
		segs[i].offset = img->segs[i].offset;
		segs[i].pages = img->segs[i].size / PAGE;
		segs[i].type =
			i ? SGX2_SIM_PAGE_TYPE_REG : SGX2_SIM_PAGE_TYPE_TCS;
		segs[i].perms = i ? (uint32_t)(img->segs[i].secinfo & 7) : 0;
		segs[i].src = img->segs[i].data;
	}
	l.size = img->encl_size;
	l.segs = segs;
	l.nsegs = img->nr_segs;
	err = sgx2_sim_enclave_create(&l, &b->fd, &b->base);
	if (err)
		goto fail;
	b->size = img->encl_size;
	/* The free area, as the loader maps it: no pages until touched. */
	if (mmap((void *)(uintptr_t)(b->base + img->end), b->size - img->end,
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, b->fd,
		 (off_t)img->end) == MAP_FAILED) {
		err = -errno;
		sgx2_sim_enclave_destroy(b->fd);
		goto fail;
	}
	backend_common_init(&b->common, b->base, sim_run);

	memset(layout, 0, sizeof(*layout));
	layout->fd = b->fd;
	layout->base = b->base;
	layout->size = b->size;
	layout->heap_offset = img->end;
	layout->heap_size = b->size - img->end;
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
fail:
	image_free(img);
	free(b);
	return err;
}

static void sim_destroy(struct backend *b)
{
	if (!b)
		return;
	sgx2_sim_enclave_destroy(b->fd);
	image_free(&b->img);
	backend_common_fini(&b->common);
	free(b);
}

/* The enclave's own argument checks (encl.c), before it touches memory. */
static uint64_t op_check(const struct backend *b, const struct encl_op *op)
{
	uint64_t len = op->type == ENCL_OP_EACCEPT ? op->len : 8;

	switch (op->type) {
	case ENCL_OP_NOP:
	case ENCL_OP_PUT:
	case ENCL_OP_GET:
		return ENCL_OK;
	case ENCL_OP_READ:
	case ENCL_OP_WRITE:
	case ENCL_OP_EACCEPT:
	case ENCL_OP_EMODPE:
	case ENCL_OP_INIT_TCS:
		break;
	default:
		return ENCL_EBADOP;
	}
	if (op->addr < b->base || op->addr - b->base >= b->size ||
	    len > b->size - (op->addr - b->base))
		return ENCL_ERANGE;
	if (op->type == ENCL_OP_READ || op->type == ENCL_OP_WRITE)
		return op->addr % 8 ? ENCL_EALIGN : ENCL_OK;
	if (op->addr % PAGE ||
	    (op->type == ENCL_OP_EACCEPT && (!op->len || op->len % PAGE)))
		return ENCL_EALIGN;
	if (op->type == ENCL_OP_INIT_TCS && op->entry &&
	    op->entry != b->img.dyn_entry)
		return ENCL_EINVAL;
	return ENCL_OK;
}

/* Fill a TCS page as encl.c does, once its first store (the entry that
 * the simulator checks like any enclave store) has gone through. */
static void fill_tcs(struct backend *b, const struct encl_op *op)
{
	uint8_t *tcs = (uint8_t *)(uintptr_t)op->addr;
	uint64_t entry = op->entry ? op->entry : b->img.dyn_entry;
	uint32_t nssa = 1, limit = 0xFFFFFFFFu;

	memset(tcs, 0, PAGE);
	memcpy(tcs + 16, &op->ssa, 8); /* OSSA */
	memcpy(tcs + 28, &nssa, 4);    /* NSSA */
	memcpy(tcs + 32, &entry, 8);   /* OENTRY */
	memcpy(tcs + 64, &limit, 4);   /* FSLIMIT */
	memcpy(tcs + 68, &limit, 4);   /* GSLIMIT */
}

/* Enter (or resume) through c->tcs and run the op; decode the exit. */
static int sim_run(struct backend *b, struct backend_call *c, int resume,
		   struct backend_result *r)
{
	struct sgx2_sim_run run = { .tcs = b->base + c->tcs };
	struct encl_op *op = &c->op;
	int err;

	if (resume) {
		err = sgx2_sim_eresume(b->fd, &run);
	} else if ((op->status = op_check(b, op)) != ENCL_OK) {
		err = sgx2_sim_enter(b->fd, &run);
	} else {
		switch (op->type) {
		case ENCL_OP_READ:
			err = sgx2_sim_read(b->fd, &run, op->addr);
			break;
		case ENCL_OP_WRITE:
			err = sgx2_sim_write(b->fd, &run, op->addr, op->value);
			break;
		case ENCL_OP_INIT_TCS:
			err = sgx2_sim_write(b->fd, &run, op->addr, 0);
			break;
		case ENCL_OP_EACCEPT:
			err = sgx2_sim_eaccept_range(b->fd, &run, op->addr,
						     op->len, op->flags);
			break;
		case ENCL_OP_EMODPE:
			err = sgx2_sim_emodpe(b->fd, &run, op->addr, op->flags);
			break;
		default:
			err = sgx2_sim_enter(b->fd, &run);
			break;
		}
	}
	if (err)
		return err;
	if (run.function == SGX2_SIM_EEXIT) {
		if (op->type == ENCL_OP_PUT && op->status == ENCL_OK)
			b->kept = op->value;
		if (op->type == ENCL_OP_GET)
			op->value = b->kept;
		if (op->type == ENCL_OP_READ)
			op->value = run.value;
		if (op->type == ENCL_OP_INIT_TCS && op->status == ENCL_OK)
			fill_tcs(b, op);
		if (op->type == ENCL_OP_EACCEPT) {
			op->done = run.done;
			op->sgx_code = run.ret;
		}
		r->exit = BACKEND_DONE;
		return 0;
	}
	r->exit = run.function == SGX2_SIM_EENTER ? BACKEND_ENTRY_FAULT
						  : BACKEND_EXCEPTION;
	r->ex.vector = run.exception_vector;
	r->ex.error_code = run.exception_error_code;
	r->ex.addr = run.exception_addr;
	r->ex.offset = run.exception_addr - b->base;
	r->done = run.done;
	return 0;
}

const struct backend_ops backend_sim = {
	.name = "sgx2-sim",
	.create = sim_create,
	.destroy = sim_destroy,
	BACKEND_COMMON_OPS,
};
