// SPDX-License-Identifier: MIT
/*
 * The interposed ioctl(): every command of <asm/sgx.h> on an enclave (or
 * vEPC) descriptor, decoded with what it reads (the SECS, the SECINFO, the
 * SIGSTRUCT's public fields) before the call and what it writes back after
 * it. Never a page's contents: a trace holds no enclave data. Everything
 * else goes to the next ioctl() untouched and unseen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <asm/sgx.h>

#include "recorder.h"
#include "sgx2.h"
#include "sha256.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	unsigned long cmd;
	const char *name; /* the macro, as strace would show it */
	const char *op;	  /* the JSON "op" */
} cmds[] = {
	{ SGX_IOC_ENCLAVE_CREATE, "SGX_IOC_ENCLAVE_CREATE", "CREATE" },
	{ SGX_IOC_ENCLAVE_ADD_PAGES, "SGX_IOC_ENCLAVE_ADD_PAGES", "ADD_PAGES" },
	{ SGX_IOC_ENCLAVE_INIT, "SGX_IOC_ENCLAVE_INIT", "INIT" },
	{ SGX_IOC_ENCLAVE_PROVISION, "SGX_IOC_ENCLAVE_PROVISION", "PROVISION" },
	{ SGX_IOC_VEPC_REMOVE_ALL, "SGX_IOC_VEPC_REMOVE_ALL",
	  "VEPC_REMOVE_ALL" },
	{ SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS,
	  "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", "RESTRICT_PERMISSIONS" },
	{ SGX_IOC_ENCLAVE_MODIFY_TYPES, "SGX_IOC_ENCLAVE_MODIFY_TYPES",
	  "MODIFY_TYPES" },
	{ SGX_IOC_ENCLAVE_REMOVE_PAGES, "SGX_IOC_ENCLAVE_REMOVE_PAGES",
	  "REMOVE_PAGES" },
};

int rec__is_sgx_cmd(unsigned long cmd)
{
	for (size_t i = 0; i < N(cmds); i++)
		if (cmds[i].cmd == cmd)
			return 1;
	return 0;
}

/* SECS.ATTRIBUTES.FLAGS (SDM). */
static const struct ev_name attr_names[] = {
	{ 0x1, "INIT" },	   { 0x2, "DEBUG" },
	{ 0x4, "MODE64BIT" },	   { 0x10, "PROVISIONKEY" },
	{ 0x20, "EINITTOKENKEY" }, { 0x40, "CET" },
	{ 0x80, "KSS" },	   { 0x400, "AEXNOTIFY" },
};

static const struct ev_name secinfo_names[] = {
	{ 0x100, "TCS" },     { 0x200, "REG" }, { 0x1, "R" },
	{ 0x2, "W" },	      { 0x4, "X" },	{ 0x8, "PENDING" },
	{ 0x10, "MODIFIED" }, { 0x20, "PR" },
};

static const struct ev_name perm_names[] = {
	{ 0x1, "R" },
	{ 0x2, "W" },
	{ 0x4, "X" },
};

static const struct ev_name type_names[] = {
	{ SGX2_PAGE_TYPE_TCS, "TCS" },
	{ SGX2_PAGE_TYPE_REG, "REG" },
	{ SGX2_PAGE_TYPE_TRIM, "TRIM" },
};

static const struct ev_name add_flags[] = {
	{ SGX_PAGE_MEASURE, "SGX_PAGE_MEASURE" },
};

static uint64_t u64_at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* What the call reads through its pointers, read before the call. */
struct inputs {
	int have; /* 1: read */
	unsigned char data[1808];
};

#define SECS_BYTES 64
#define SECINFO_BYTES 64
#define SIGSTRUCT_BYTES 1808

static void secs_fields(struct ev *e, const struct inputs *in)
{
	const unsigned char *s = in->data;

	ev_group(e, "secs", EV_SUB);
	ev_num(e, "size", u64_at(s), EV_HEX);
	ev_num(e, "base", u64_at(s + 8), EV_HEX);
	ev_num(e, "ssa_frame_size", u32_at(s + 16), EV_DEC);
	ev_num(e, "miscselect", u32_at(s + 20), EV_HEX);
	ev_flags(e, "attributes", u64_at(s + 48), attr_names, N(attr_names));
	ev_num(e, "xfrm", u64_at(s + 56), EV_HEX);
	ev_group_end(e);
}

/* The SIGSTRUCT's public fields (its header, vendor, masks, hash). */
static void sigstruct_fields(struct ev *e, const struct inputs *in)
{
	const unsigned char *s = in->data;
	uint8_t mrsigner[SIM_SHA256_SIZE];
	struct sim_sha256 h;

	sim__sha256_init(&h);
	sim__sha256_update(&h, s + 128, 384); /* the modulus */
	sim__sha256_digest(&h, mrsigner);
	ev_group(e, "sig", EV_SUB);
	ev_num(e, "vendor", u32_at(s + 16), EV_HEX);
	ev_num(e, "date", u32_at(s + 20), EV_HEX);
	ev_num(e, "exponent", u32_at(s + 512), EV_DEC);
	ev_num(e, "miscselect", u32_at(s + 900), EV_HEX);
	ev_num(e, "miscmask", u32_at(s + 904), EV_HEX);
	ev_flags(e, "attributes", u64_at(s + 928), attr_names, N(attr_names));
	ev_num(e, "xfrm", u64_at(s + 936), EV_HEX);
	ev_num(e, "attributemask", u64_at(s + 944), EV_HEX);
	ev_num(e, "xfrmmask", u64_at(s + 952), EV_HEX);
	ev_num(e, "isvprodid", s[1024] | (unsigned int)s[1025] << 8, EV_DEC);
	ev_num(e, "isvsvn", s[1026] | (unsigned int)s[1027] << 8, EV_DEC);
	ev_hexbytes(e, "mrenclave", s + 960, 32);
	ev_hexbytes(e, "mrsigner", mrsigner, sizeof(mrsigner));
	ev_group_end(e);
}

/* The fields of the struct before (@in) or after (out) the call. */
static void struct_fields(struct ev *e, unsigned long cmd, const uint64_t *a,
			  const struct inputs *in, int out)
{
	switch (cmd) {
	case SGX_IOC_ENCLAVE_CREATE:
		ev_num(e, "src", a[0], EV_HEX);
		if (in->have)
			secs_fields(e, in);
		break;
	case SGX_IOC_ENCLAVE_ADD_PAGES:
		if (out) {
			ev_num(e, "count", a[5], EV_HEX);
			break;
		}
		ev_num(e, "src", a[0], EV_HEX);
		ev_num(e, "offset", a[1], EV_HEX);
		ev_num(e, "length", a[2], EV_HEX);
		ev_num(e, "secinfo", a[3], EV_HEX);
		if (in->have)
			ev_flags(e, "secinfo_flags", u64_at(in->data),
				 secinfo_names, N(secinfo_names));
		ev_flags(e, "flags", a[4], add_flags, N(add_flags));
		ev_num(e, "count", a[5], EV_HEX);
		break;
	case SGX_IOC_ENCLAVE_INIT:
		ev_num(e, "sigstruct", a[0], EV_HEX);
		if (in->have)
			sigstruct_fields(e, in);
		break;
	case SGX_IOC_ENCLAVE_PROVISION:
		ev_num(e, "fd", a[0], EV_DEC);
		break;
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS:
	case SGX_IOC_ENCLAVE_MODIFY_TYPES:
		if (!out) {
			ev_num(e, "offset", a[0], EV_HEX);
			ev_num(e, "length", a[1], EV_HEX);
			if (cmd == SGX_IOC_ENCLAVE_MODIFY_TYPES)
				ev_enum(e, "page_type", a[2], type_names,
					N(type_names));
			else
				ev_flags(e, "permissions", a[2], perm_names,
					 N(perm_names));
		}
		ev_code(e, "result", a[3], sgx2_result_name(a[3]));
		ev_num(e, "count", a[4], EV_HEX);
		break;
	case SGX_IOC_ENCLAVE_REMOVE_PAGES:
		if (!out) {
			ev_num(e, "offset", a[0], EV_HEX);
			ev_num(e, "length", a[1], EV_HEX);
		}
		ev_num(e, "count", a[2], EV_HEX);
		break;
	}
}

/* The address and size of what @cmd reads through its struct's pointer. */
static size_t pointed(unsigned long cmd, const uint64_t *a, uint64_t *addr)
{
	switch (cmd) {
	case SGX_IOC_ENCLAVE_CREATE:
		*addr = a[0];
		return SECS_BYTES;
	case SGX_IOC_ENCLAVE_ADD_PAGES:
		*addr = a[3];
		return SECINFO_BYTES;
	case SGX_IOC_ENCLAVE_INIT:
		*addr = a[0];
		return SIGSTRUCT_BYTES;
	}
	return 0;
}

static void emit(struct rec_encl *encl, int fd, unsigned long cmd,
		 const char *name, const char *op, const uint64_t *in,
		 const uint64_t *out, int readable, const struct inputs *ptr,
		 void *arg, int ret, int err)
{
	struct ev e;

	rec__begin(&e, "ioctl", NULL);
	ev_pos(&e, "fd", (uint64_t)fd);
	if (name && !e.json)
		ev_str(&e, "cmd", name, 1, 1);
	else
		ev_num(&e, "cmd", cmd, EV_HEX);
	if (e.json) {
		ev_str(&e, "op", op, 0, 1);
		rec__encl_fields(&e, encl);
	}
	if (!readable) {
		ev_num(&e, "arg", (uintptr_t)arg, EV_HEX);
	} else if (_IOC_SIZE(cmd)) {
		ev_group(&e, "in", EV_IN);
		struct_fields(&e, cmd, in, ptr, 0);
		ev_group_end(&e);
		if (_IOC_DIR(cmd) & _IOC_READ) {
			ev_group(&e, "out", EV_OUT);
			struct_fields(&e, cmd, out, ptr, 1);
			ev_group_end(&e);
		}
	}
	ev_ret(&e, ret, ret < 0 ? err : 0, EV_DEC);
	if (encl) {
		char note[48] = "encl ";

		ev_u64_str(note + 5, encl->id, 0);
		if (cmd == SGX_IOC_ENCLAVE_CREATE && !ret) {
			size_t k = strlen(note);

			memcpy(note + k, " at ", 4);
			ev_u64_str(note + k + 4, encl->base, 1);
		}
		ev_note(&e, note);
	}
	ev_end(&e);
}

int rec__sgx_ioctl(struct rec_encl *encl, int fd, unsigned long cmd, void *arg)
{
	const char *name = NULL, *op = "UNKNOWN";
	uint64_t in[6] = { 0 }, out[6] = { 0 }, addr = 0;
	size_t size = _IOC_SIZE(cmd), psize;
	struct inputs ptr = { 0 };
	int readable = 1, ret, err;

	for (size_t i = 0; i < N(cmds); i++)
		if (cmds[i].cmd == cmd) {
			name = cmds[i].name;
			op = cmds[i].op;
		}
	if (size > sizeof(in) || (size && rec__peek(in, arg, size)))
		readable = 0;
	psize = readable && name ? pointed(cmd, in, &addr) : 0;
	if (psize)
		ptr.have = !rec__peek(ptr.data, (const void *)(uintptr_t)addr,
				      psize);

	ret = rec__next.ioctl(fd, cmd, arg);
	err = errno;

	if (!encl) {
		/* Not opened from the device path: believe the answer. */
		if (ret < 0 && err == ENOTTY)
			return ret;
		encl = rec__adopt(fd, cmd == SGX_IOC_VEPC_REMOVE_ALL);
	}
	if (readable && size && (_IOC_DIR(cmd) & _IOC_READ))
		readable = !rec__peek(out, arg, size);
	if (encl && cmd == SGX_IOC_ENCLAVE_CREATE && !ret && ptr.have) {
		__atomic_store_n(&encl->base, u64_at(ptr.data + 8),
				 __ATOMIC_RELEASE);
		__atomic_store_n(&encl->size, u64_at(ptr.data),
				 __ATOMIC_RELEASE);
	}
	emit(encl, fd, cmd, name, op, in, out, readable, &ptr, arg, ret, err);
	errno = err;
	return ret;
}

REC_EXPORT int ioctl(int fd, unsigned long cmd, ...)
{
	struct rec_encl *encl;
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!rec__next.ioctl)
		rec__resolve();
	if (_IOC_TYPE(cmd) != SGX_MAGIC)
		return rec__next.ioctl(fd, cmd, arg);
	encl = rec__encl_of_fd(fd);
	if (!encl && !rec__is_sgx_cmd(cmd))
		return rec__next.ioctl(fd, cmd, arg);
	return rec__sgx_ioctl(encl, fd, cmd, arg);
}
