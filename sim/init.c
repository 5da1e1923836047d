// SPDX-License-Identifier: MIT
/*
 * SGX_IOC_ENCLAVE_INIT: the kernel's checks and errnos in its order, then
 * the checks ENCLS[EINIT] makes, in the SDM's order, each failing with the
 * SGX code the CPU gives:
 *
 *   1  SGX_INVALID_SIG_STRUCT   HEADER, HEADER2, EXPONENT 3, reserved bytes
 *   8  SGX_INVALID_SIGNATURE    RSA-3072 over the header and body, with
 *                               the SIGSTRUCT's q1 and q2 (libcrypto only)
 *   4  SGX_INVALID_MEASUREMENT  ENCLAVEHASH is not the MRENCLAVE
 *   2  SGX_INVALID_ATTRIBUTE    ATTRIBUTES (flags and XFRM) or MISCSELECT
 *                               differ from the SIGSTRUCT's under its masks
 *
 * As in the kernel, an SGX code makes the ioctl fail with EPERM; the code
 * is kept for sgx2_sim_get_info(). There is no launch token: the kernel
 * passes none and sets IA32_SGXLEPUBKEYHASH to the enclave's MRSIGNER
 * before each EINIT, so the token and controlled-attribute checks always
 * pass. Not modelled: KSS fields, SGX_UNMASKED_EVENT (no interrupts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <asm/sgx.h>

#if SGX2_SIM_LIBCRYPTO
#include <openssl/bn.h>
#endif

#include "internal.h"

/* What the kernel lets an enclave have without /dev/sgx_provision, which
 * the model has not. */
#define KERNEL_ATTRIBUTES (SIM_ATTR_DEBUG | SIM_ATTR_MODE64BIT | SIM_ATTR_KSS)

/* HEADER and HEADER2: constants the SDM fixes. */
const unsigned char sim__ss_header[16] =
	"\x06\x00\x00\x00\xe1\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00";
const unsigned char sim__ss_header2[16] =
	"\x01\x01\x00\x00\x60\x00\x00\x00\x60\x00\x00\x00\x01\x00\x00\x00";

/* The SIGSTRUCT's reserved bytes: [start, end). */
static const struct {
	unsigned int start, end;
} reserved[] = { { 44, 128 }, { 908, 928 }, { 992, 1024 }, { 1028, 1040 } };

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

/*
 * sgx_ioc_enclave_init() and sgx_encl_init() before EINIT. The bits the
 * CPU offers are those of CPUID leaf 0x12, the simulator's answer: the
 * kernel refuses the others where the SIGSTRUCT's masks have a 1.
 */
static int kernel_checks(const struct sim_encl *e, const unsigned char *ss)
{
	uint32_t vendor = u32_at(ss + SIM_SS_VENDOR);
	struct sim_cpu_bits cpu;

	if (vendor != 0x0000 && vendor != 0x8086)
		return -EINVAL;
	if (e->attributes & ~KERNEL_ATTRIBUTES)
		return -EACCES;
	cpu = sim__cpu_bits();
	if (u64_at(ss + SIM_SS_ATTRIBUTES) & u64_at(ss + SIM_SS_ATTRMASK) &
	    ~cpu.attributes)
		return -EINVAL;
	if (u32_at(ss + SIM_SS_MISCSELECT) & u32_at(ss + SIM_SS_MISCMASK) &
	    ~cpu.miscselect)
		return -EINVAL;
	if (u64_at(ss + SIM_SS_ATTRIBUTES + 8) &
	    u64_at(ss + SIM_SS_ATTRMASK + 8) & ~cpu.xfrm)
		return -EINVAL;
	return 0;
}

/* The VENDOR field is checked too, but the kernel has refused any other
 * value already. */
static int header_ok(const unsigned char *ss)
{
	if (memcmp(ss + SIM_SS_HEADER, sim__ss_header, 16) ||
	    memcmp(ss + SIM_SS_HEADER2, sim__ss_header2, 16) ||
	    u32_at(ss + SIM_SS_EXPONENT) != 3)
		return 0;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		for (unsigned int b = reserved[i].start; b < reserved[i].end;
		     b++)
			if (ss[b])
				return 0;
	return 1;
}

#if SGX2_SIM_LIBCRYPTO
/* The DER prefix of a SHA-256 DigestInfo (PKCS #1 v2.2, section 9.2). */
static const unsigned char sha256_info[19] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

/* EMSA-PKCS1-v1_5 of SHA-256(header | body), big-endian: 00 01, 0xff
 * padding, 00, the DigestInfo. */
static void encoded_digest(const unsigned char *ss,
			   unsigned char em[SIM_KEY_SIZE])
{
	size_t ps = SIM_KEY_SIZE - 3 - sizeof(sha256_info) - SIM_SHA256_SIZE;
	struct sim_sha256 h;

	em[0] = 0;
	em[1] = 1;
	memset(em + 2, 0xff, ps);
	em[2 + ps] = 0;
	memcpy(em + 3 + ps, sha256_info, sizeof(sha256_info));
	sim__sha256_init(&h);
	sim__sha256_update(&h, ss, 128);
	sim__sha256_update(&h, ss + SIM_SS_BODY, 128);
	sim__sha256_digest(&h, em + SIM_KEY_SIZE - SIM_SHA256_SIZE);
}

/*
 * The signature s under the modulus m and exponent 3, the way the CPU
 * takes it: with the SIGSTRUCT's quotients, s^2 = q1 m + r1 and
 * s r1 = q2 m + r2 with 0 <= r1, r2 < m, so r2 = s^3 mod m, which must be
 * the encoded digest. A q1 or q2 that is not that quotient fails as a
 * wrong signature does.
 *
 * Return: 1 (verified), 0 (not), or -ENOMEM.
 */
static int signature_ok(const unsigned char *ss)
{
	unsigned char want[SIM_KEY_SIZE], got[SIM_KEY_SIZE];
	BIGNUM *m, *s, *q1, *q2, *t, *q, *r;
	BN_CTX *ctx = BN_CTX_new();
	int ret = -ENOMEM, q1_ok;

	if (!ctx)
		return -ENOMEM;
	BN_CTX_start(ctx);
	m = BN_CTX_get(ctx);
	s = BN_CTX_get(ctx);
	q1 = BN_CTX_get(ctx);
	q2 = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	q = BN_CTX_get(ctx);
	r = BN_CTX_get(ctx);
	if (!r || !BN_lebin2bn(ss + SIM_SS_MODULUS, SIM_KEY_SIZE, m) ||
	    !BN_lebin2bn(ss + SIM_SS_SIGNATURE, SIM_KEY_SIZE, s) ||
	    !BN_lebin2bn(ss + SIM_SS_Q1, SIM_KEY_SIZE, q1) ||
	    !BN_lebin2bn(ss + SIM_SS_Q2, SIM_KEY_SIZE, q2))
		goto out;
	if (BN_cmp(s, m) >= 0) { /* also any s for a zero modulus */
		ret = 0;
		goto out;
	}
	if (!BN_sqr(t, s, ctx) || !BN_div(q, r, t, m, ctx))
		goto out;
	q1_ok = !BN_cmp(q, q1);
	if (!BN_mul(t, s, r, ctx) || !BN_div(q, r, t, m, ctx) ||
	    BN_bn2binpad(r, got, SIM_KEY_SIZE) < 0)
		goto out;
	encoded_digest(ss, want);
	ret = q1_ok && !BN_cmp(q, q2) && !memcmp(got, want, SIM_KEY_SIZE);
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return ret;
}
#endif

/*
 * ENCLS[EINIT] with the enclave lock held: the SGX code, or -ENOMEM with
 * nothing done. On success MRSIGNER is set, as EINIT commits it.
 */
static int einit(struct sim_encl *e, const unsigned char *ss)
{
	uint64_t amask = u64_at(ss + SIM_SS_ATTRMASK),
		 xmask = u64_at(ss + SIM_SS_ATTRMASK + 8);
	uint8_t mrenclave[SIM_SHA256_SIZE];
	struct sim_sha256 h;

	if (!header_ok(ss))
		return SIM_INVALID_SIG_STRUCT;
#if SGX2_SIM_LIBCRYPTO
	if (!e->measured_only) {
		int ok = signature_ok(ss);

		if (ok <= 0)
			return ok < 0 ? ok : (int)SIM_INVALID_SIGNATURE;
	}
#endif
	sim__sha256_digest(&e->mrenclave, mrenclave);
	if (memcmp(ss + SIM_SS_ENCLAVEHASH, mrenclave, sizeof(mrenclave)))
		return SIM_INVALID_MEASUREMENT;
	if (((e->attributes ^ u64_at(ss + SIM_SS_ATTRIBUTES)) & amask) ||
	    ((e->xfrm ^ u64_at(ss + SIM_SS_ATTRIBUTES + 8)) & xmask) ||
	    ((e->miscselect ^ u32_at(ss + SIM_SS_MISCSELECT)) &
	     u32_at(ss + SIM_SS_MISCMASK)))
		return SIM_INVALID_ATTRIBUTE;
	sim__sha256_init(&h);
	sim__sha256_update(&h, ss + SIM_SS_MODULUS, SIM_KEY_SIZE);
	sim__sha256_digest(&h, e->mrsigner);
	return 0;
}

long sim__ioc_init(struct sim_encl *e, void *arg)
{
	struct sgx_enclave_init in;
	unsigned char *ss;
	long ret;

	if (!e->created || e->initialized)
		return -EINVAL;
	if (sim__copy_from_user(&in, (uintptr_t)arg, sizeof(in)))
		return -EFAULT;
	ss = malloc(SIM_SS_SIZE);
	if (!ss)
		return -ENOMEM;
	if (sim__copy_from_user(ss, in.sigstruct, SIM_SS_SIZE)) {
		free(ss);
		return -EFAULT;
	}
	ret = kernel_checks(e, ss);
	if (!ret) {
		pthread_mutex_lock(&e->lock);
		ret = einit(e, ss);
		if (ret >= 0) {
			e->einit_code = (uint32_t)ret;
			e->initialized = !ret;
			ret = ret ? -EPERM : 0;
		}
		pthread_mutex_unlock(&e->lock);
	}
	free(ss);
	return ret;
}

SIM_EXPORT int
sgx2_sim_skip_signature(int fd, uint8_t mrenclave[SGX2_SIM_MRENCLAVE_SIZE])
{
	struct sim_encl *e;
	int err = sim__lookup(fd, &e);

	if (err)
		return err;
	pthread_mutex_lock(&e->lock);
	if (!e->created || e->initialized) {
		err = -EINVAL;
	} else {
		e->measured_only = 1;
		if (mrenclave)
			sim__sha256_digest(&e->mrenclave, mrenclave);
	}
	pthread_mutex_unlock(&e->lock);
	sim__put(e);
	return err;
}
