// SPDX-License-Identifier: MIT
/*
 * The test enclave's dispatcher. Freestanding: no libc, no TLS, no FPU/SSE
 * (built with -mgeneral-regs-only), no stack protector (FS points at the
 * enclave base, not at a TCB).
 */
#include <stddef.h>
#include <stdint.h>

#include "../sgx-arch.h"
#include "encl-ops.h"
#include "layout.h"

/*
 * Every symbol is inside the enclave. Saying so for declarations too keeps
 * the compiler from loading addresses from a GOT, which the static link at
 * 0 would turn into absolute offsets (see test-enclave-layout).
 */
#pragma GCC visibility push(hidden)

/* The compiler may emit calls to these for struct copies and zeroing. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void encl_body(struct encl_op *host_op);

extern char __encl_base[];    /* entry.S: offset 0 */
extern char encl_dyn_entry[]; /* entry.S */

static uint64_t encl_buffer; /* ENCL_OP_PUT / ENCL_OP_GET */

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

static uint64_t encl_base(void)
{
	return (uint64_t)(uintptr_t)__encl_base;
}

/* [addr, addr + len) lies inside the enclave (no wrap-around). */
static int inside(uint64_t addr, uint64_t len)
{
	uint64_t off = addr - encl_base();

	return addr >= encl_base() && len <= ENCL_SIZE &&
	       off <= ENCL_SIZE - len;
}

/* ENCLU with RAX = leaf, RBX = &secinfo, RCX = page; returns RAX. */
static uint64_t enclu(uint64_t leaf, const struct sgx_secinfo *secinfo,
		      uint64_t page)
{
	uint64_t rax = leaf;

	asm volatile(".byte 0x0f, 0x01, 0xd7"
		     : "+a"(rax)
		     : "b"(secinfo), "c"(page)
		     : "cc", "memory");
	return rax;
}

static uint64_t do_eaccept(struct encl_op *op)
{
	struct sgx_secinfo secinfo;
	uint64_t code = 0;
	uint64_t done;

	if (op->addr % ENCL_PAGE || op->len % ENCL_PAGE)
		return ENCL_EALIGN;
	if (!inside(op->addr, op->len))
		return ENCL_ERANGE;
	memset(&secinfo, 0, sizeof(secinfo));
	secinfo.flags = op->flags;
	for (done = 0; done < op->len; done += ENCL_PAGE) {
		code = enclu(SGX_ENCLU_EACCEPT, &secinfo, op->addr + done);
		if (code)
			break;
	}
	op->done = done;
	op->sgx_code = code;
	return ENCL_OK;
}

static uint64_t do_emodpe(struct encl_op *op)
{
	struct sgx_secinfo secinfo;

	if (op->addr % ENCL_PAGE)
		return ENCL_EALIGN;
	if (!inside(op->addr, ENCL_PAGE))
		return ENCL_ERANGE;
	memset(&secinfo, 0, sizeof(secinfo));
	secinfo.flags = op->flags;
	enclu(SGX_ENCLU_EMODPE, &secinfo, op->addr);
	return ENCL_OK;
}

static uint64_t do_init_tcs(struct encl_op *op)
{
	uint64_t dyn_entry = (uint64_t)(uintptr_t)encl_dyn_entry - encl_base();
	struct sgx_tcs *tcs = (struct sgx_tcs *)(uintptr_t)op->addr;

	if (op->addr % ENCL_PAGE || op->ssa % ENCL_PAGE)
		return ENCL_EALIGN;
	if (!inside(op->addr, ENCL_PAGE) ||
	    !inside(encl_base() + op->ssa, ENCL_PAGE))
		return ENCL_ERANGE;
	/* Only the dynamic entry knows where such a thread's stack is. */
	if (op->entry != 0 && op->entry != dyn_entry)
		return ENCL_EINVAL;
	memset(tcs, 0, sizeof(*tcs));
	tcs->ossa = op->ssa;
	tcs->nssa = 1;
	tcs->oentry = dyn_entry;
	tcs->fslimit = 0xFFFFFFFF;
	tcs->gslimit = 0xFFFFFFFF;
	return ENCL_OK;
}

static uint64_t dispatch(struct encl_op *op)
{
	switch (op->type) {
	case ENCL_OP_NOP:
		return ENCL_OK;
	case ENCL_OP_PUT:
		encl_buffer = op->value;
		return ENCL_OK;
	case ENCL_OP_GET:
		op->value = encl_buffer;
		return ENCL_OK;
	case ENCL_OP_READ:
	case ENCL_OP_WRITE:
		if (op->addr % sizeof(uint64_t))
			return ENCL_EALIGN;
		if (!inside(op->addr, sizeof(uint64_t)))
			return ENCL_ERANGE;
		if (op->type == ENCL_OP_READ)
			op->value = *(volatile uint64_t *)(uintptr_t)op->addr;
		else
			*(volatile uint64_t *)(uintptr_t)op->addr = op->value;
		return ENCL_OK;
	case ENCL_OP_EACCEPT:
		return do_eaccept(op);
	case ENCL_OP_EMODPE:
		return do_emodpe(op);
	case ENCL_OP_INIT_TCS:
		return do_init_tcs(op);
	default:
		return ENCL_EBADOP;
	}
}

/*
 * Called by entry.S with the host's pointer. The op is copied in before it
 * is looked at and copied out at the end, so the host cannot change it
 * half-way. An op that overlaps the enclave is refused without an answer.
 */
void encl_body(struct encl_op *host_op)
{
	struct encl_op op;
	uint64_t addr = (uint64_t)(uintptr_t)host_op;

	if (addr + sizeof(op) < addr ||
	    (addr < encl_base() + ENCL_SIZE && addr + sizeof(op) > encl_base()))
		return;
	memcpy(&op, host_op, sizeof(op));
	op.status = dispatch(&op);
	memcpy(host_op, &op, sizeof(op));
}
