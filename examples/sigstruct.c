// SPDX-License-Identifier: MIT
/* Fill in and sign a SIGSTRUCT with libcrypto's EVP and BN APIs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "sigstruct.h"

void sigstruct_init(struct sgx_sigstruct *ss, const uint8_t mrenclave[32],
		    uint64_t attributes, uint64_t xfrm, uint32_t date)
{
	static const uint8_t header1[16] = SGX_SIGSTRUCT_HEADER1;
	static const uint8_t header2[16] = SGX_SIGSTRUCT_HEADER2;

	memset(ss, 0, sizeof(*ss));
	memcpy(ss->header.header1, header1, sizeof(header1));
	memcpy(ss->header.header2, header2, sizeof(header2));
	ss->header.vendor = 0;
	ss->header.date = date;
	ss->body.miscselect = 0;
	ss->body.misc_mask = 0xFFFFFFFF;
	ss->body.attributes = attributes;
	ss->body.xfrm = xfrm;
	ss->body.attributes_mask = ~0ull;
	ss->body.xfrm_mask = ~0ull;
	memcpy(ss->body.mrenclave, mrenclave, 32);
}

uint32_t sigstruct_date(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;
	uint32_t ymd, bcd = 0;

	gmtime_r(&now, &tm);
	ymd = (uint32_t)(tm.tm_year + 1900) * 10000 +
	      (uint32_t)(tm.tm_mon + 1) * 100 + (uint32_t)tm.tm_mday;
	for (int shift = 0; shift < 32; shift += 4, ymd /= 10)
		bcd |= (ymd % 10) << shift;
	return bcd;
}

/* Big-endian bytes (libcrypto) to little-endian (SGX), in place. */
static void reverse(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

/* q1 = floor(s^2 / m), q2 = floor((s^3 - q1 * s * m) / m). */
static int q1_q2(struct sgx_sigstruct *ss, const BIGNUM *m, const BIGNUM *s)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *s2, *s3, *q1, *q2, *t;
	int ok = 0;

	if (!ctx)
		return -ENOMEM;
	BN_CTX_start(ctx);
	s2 = BN_CTX_get(ctx);
	s3 = BN_CTX_get(ctx);
	q1 = BN_CTX_get(ctx);
	q2 = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	if (t && BN_mul(s2, s, s, ctx) && BN_div(q1, NULL, s2, m, ctx) &&
	    BN_mul(s3, s2, s, ctx) && BN_mul(t, q1, s, ctx) &&
	    BN_mul(t, t, m, ctx) && BN_sub(t, s3, t) &&
	    BN_div(q2, NULL, t, m, ctx) &&
	    BN_bn2lebinpad(q1, ss->q1, SGX_MODULUS_SIZE) > 0 &&
	    BN_bn2lebinpad(q2, ss->q2, SGX_MODULUS_SIZE) > 0)
		ok = 1;
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

static int rsa_sign(struct sgx_sigstruct *ss, EVP_PKEY *key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t len = SGX_MODULUS_SIZE;
	int ok;

	if (!md)
		return -ENOMEM;
	/* Default RSA padding for signing: PKCS #1 v1.5. */
	ok = EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestSignUpdate(md, &ss->header, sizeof(ss->header)) == 1 &&
	     EVP_DigestSignUpdate(md, &ss->body, sizeof(ss->body)) == 1 &&
	     EVP_DigestSignFinal(md, ss->signature, &len) == 1 &&
	     len == SGX_MODULUS_SIZE;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -EIO;
}

int sigstruct_sign(struct sgx_sigstruct *ss, EVP_PKEY *key)
{
	BIGNUM *m = NULL, *e = NULL, *s = NULL;
	int err = -EINVAL;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(key) != 8 * SGX_MODULUS_SIZE ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &m) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) ||
	    !BN_is_word(e, 3))
		goto out;

	err = -EIO;
	if (BN_bn2lebinpad(m, ss->modulus, SGX_MODULUS_SIZE) < 0)
		goto out;
	ss->exponent = 3;
	err = rsa_sign(ss, key);
	if (err)
		goto out;
	/* signature holds big-endian s: read it, then store it reversed. */
	s = BN_bin2bn(ss->signature, SGX_MODULUS_SIZE, NULL);
	if (!s)
		goto out;
	reverse(ss->signature, SGX_MODULUS_SIZE);
	err = q1_q2(ss, m, s);
out:
	BN_free(s);
	BN_free(e);
	BN_free(m);
	return err;
}

EVP_PKEY *sigstruct_keygen(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;
	BIGNUM *e = BN_new();

	if (ctx && e && BN_set_word(e, 3) && EVP_PKEY_keygen_init(ctx) > 0 &&
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 8 * SGX_MODULUS_SIZE) > 0 &&
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) > 0)
		EVP_PKEY_generate(ctx, &key);
	BN_free(e);
	EVP_PKEY_CTX_free(ctx);
	return key;
}
