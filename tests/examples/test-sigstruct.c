// SPDX-License-Identifier: MIT
/*
 * The SIGSTRUCT the build signed verifies: the RSA signature over header
 * and body checks out with OpenSSL (EVP, against the key rebuilt from the
 * SIGSTRUCT's own modulus and against the build key), q1 and q2 satisfy
 * their defining equations (BN), and ENCLAVEHASH is the image's
 * MRENCLAVE. sigstruct_sign() also reproduces, byte for byte, a SIGSTRUCT
 * published as a test vector by another implementation
 * (lexe-app/lexe-public, sgxs-sign/src/lib.rs, test_vectors: a fixed
 * RSA-3072 key, MRENCLAVE 0x69 * 32, date 2024-03-04).
 *
 * Usage: test-sigstruct SIGSTRUCT KEY.pem ENCLAVE.elf KAT-KEY.hex KAT-SS.hex
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "image.h"
#include "measure.h"
#include "sigstruct.h"

static const char *arg_ss, *arg_key, *arg_elf, *arg_kat_key, *arg_kat_ss;
static struct sgx_sigstruct built;
static EVP_PKEY *build_key;

static BIGNUM *le_bn(const uint8_t *p, size_t n)
{
	BIGNUM *bn = BN_lebin2bn(p, (int)n, NULL);

	assert_non_null(bn);
	return bn;
}

/* RSA public key (n from the SIGSTRUCT, e = exponent) via OSSL_PARAM. */
static EVP_PKEY *public_key_of(const struct sgx_sigstruct *ss)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = le_bn(ss->modulus, sizeof(ss->modulus));
	BIGNUM *e = BN_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_PARAM *params;
	EVP_PKEY *key = NULL;

	assert_non_null(bld);
	assert_non_null(e);
	assert_non_null(ctx);
	assert_true(BN_set_word(e, ss->exponent));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e));
	params = OSSL_PARAM_BLD_to_param(bld);
	assert_non_null(params);
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(
		EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params), 1);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(e);
	BN_free(n);
	return key;
}

/* 1 when the signature verifies with @key (PKCS #1 v1.5, SHA-256). */
static int signature_ok(const struct sgx_sigstruct *ss, EVP_PKEY *key)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t sig[SGX_MODULUS_SIZE];
	int ok;

	assert_non_null(md);
	for (size_t i = 0; i < sizeof(sig); i++) /* stored little-endian */
		sig[i] = ss->signature[sizeof(sig) - 1 - i];
	assert_int_equal(
		EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), 1);
	assert_int_equal(EVP_DigestVerifyUpdate(md, &ss->header, 128), 1);
	assert_int_equal(EVP_DigestVerifyUpdate(md, &ss->body, 128), 1);
	ok = EVP_DigestVerifyFinal(md, sig, sizeof(sig)) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

/* q1 * m <= s^2 < (q1 + 1) * m, and likewise for q2 with s^3 - q1*s*m. */
static void check_q1_q2(const struct sgx_sigstruct *ss)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *m = le_bn(ss->modulus, SGX_MODULUS_SIZE);
	BIGNUM *s = le_bn(ss->signature, SGX_MODULUS_SIZE);
	BIGNUM *q1 = le_bn(ss->q1, SGX_MODULUS_SIZE);
	BIGNUM *q2 = le_bn(ss->q2, SGX_MODULUS_SIZE);
	BIGNUM *x = BN_new(), *lo = BN_new(), *hi = BN_new();

	assert_non_null(ctx);
	assert_true(x && lo && hi);
	/* x = s^2 */
	assert_true(BN_sqr(x, s, ctx));
	assert_true(BN_mul(lo, q1, m, ctx));
	assert_true(BN_add(hi, lo, m));
	assert_true(BN_cmp(lo, x) <= 0);
	assert_true(BN_cmp(x, hi) < 0);
	/* x = s^3 - q1 * s * m */
	assert_true(BN_mul(x, x, s, ctx));
	assert_true(BN_mul(lo, q1, s, ctx));
	assert_true(BN_mul(lo, lo, m, ctx));
	assert_true(BN_sub(x, x, lo));
	assert_true(BN_mul(lo, q2, m, ctx));
	assert_true(BN_add(hi, lo, m));
	assert_true(BN_cmp(lo, x) <= 0);
	assert_true(BN_cmp(x, hi) < 0);
	BN_free(hi);
	BN_free(lo);
	BN_free(x);
	BN_free(q2);
	BN_free(q1);
	BN_free(s);
	BN_free(m);
	BN_CTX_free(ctx);
}

static void read_exact(const char *path, void *out, size_t len)
{
	uint8_t *buf;
	size_t got;

	assert_int_equal(read_file(path, &buf, &got), 0);
	assert_int_equal(got, len);
	memcpy(out, buf, len);
	free(buf);
}

static int nibble(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits up to the first other character (the newline). */
static size_t read_hex(const char *path, uint8_t *out, size_t max)
{
	uint8_t *text;
	size_t len, n = 0;

	assert_int_equal(read_file(path, &text, &len), 0);
	for (size_t i = 0; i + 1 < len && n < max; i += 2) {
		int hi = nibble(text[i]), lo = nibble(text[i + 1]);

		if (hi < 0 || lo < 0)
			break;
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	free(text);
	return n;
}

static int setup(void **state)
{
	FILE *f;

	(void)state;
	read_exact(arg_ss, &built, sizeof(built));
	f = fopen(arg_key, "r");
	if (!f)
		return -1;
	build_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return build_key ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(build_key);
	return 0;
}

static void header_and_body(void **state)
{
	static const uint8_t h1[16] = SGX_SIGSTRUCT_HEADER1;
	static const uint8_t h2[16] = SGX_SIGSTRUCT_HEADER2;
	const uint8_t *raw = (const uint8_t *)&built;

	(void)state;
	assert_memory_equal(built.header.header1, h1, 16);
	assert_memory_equal(built.header.header2, h2, 16);
	assert_int_equal(built.header.vendor, 0);
	assert_int_equal(built.exponent, 3);
	assert_int_equal(built.body.attributes,
			 SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG);
	assert_int_equal(built.body.xfrm, SGX_XFRM_LEGACY);
	/* Reserved bytes are zero. */
	for (size_t i = 44; i < 128; i++)
		assert_int_equal(raw[i], 0);
	for (size_t i = 1028; i < 1040; i++)
		assert_int_equal(raw[i], 0);
}

static void signature_verifies(void **state)
{
	EVP_PKEY *pub = public_key_of(&built);
	BIGNUM *n = NULL, *m = le_bn(built.modulus, SGX_MODULUS_SIZE);

	(void)state;
	assert_true(signature_ok(&built, pub));
	assert_true(signature_ok(&built, build_key));
	/* The modulus is the build key's. */
	assert_true(
		EVP_PKEY_get_bn_param(build_key, OSSL_PKEY_PARAM_RSA_N, &n));
	assert_int_equal(BN_cmp(n, m), 0);
	BN_free(m);
	BN_free(n);
	EVP_PKEY_free(pub);
}

static void q1_q2_equations(void **state)
{
	(void)state;
	check_q1_q2(&built);
}

static void tampering_is_detected(void **state)
{
	struct sgx_sigstruct ss = built;
	EVP_PKEY *pub = public_key_of(&built);

	(void)state;
	ss.body.mrenclave[0] ^= 1;
	assert_false(signature_ok(&ss, pub));
	ss = built;
	ss.header.date ^= 1;
	assert_false(signature_ok(&ss, pub));
	ss = built;
	ss.signature[0] ^= 1;
	assert_false(signature_ok(&ss, pub));
	EVP_PKEY_free(pub);
}

static void enclavehash_is_the_image(void **state)
{
	struct image img;
	uint8_t mr[32];

	(void)state;
	assert_int_equal(image_load(&img, arg_elf), 0);
	assert_int_equal(measure_image(&img, mr), 0);
	image_free(&img);
	assert_memory_equal(mr, built.body.mrenclave, 32);
}

/* The published vector: same header and body in, same bytes out. */
static void external_vector(void **state)
{
	static const uint8_t h1[16] = SGX_SIGSTRUCT_HEADER1;
	static const uint8_t h2[16] = SGX_SIGSTRUCT_HEADER2;
	static uint8_t der[2048];
	struct sgx_sigstruct want, got;
	const uint8_t *p = der;
	size_t der_len;
	EVP_PKEY *key;

	(void)state;
	der_len = read_hex(arg_kat_key, der, sizeof(der));
	assert_int_equal(read_hex(arg_kat_ss, (uint8_t *)&want, sizeof(want)),
			 sizeof(want));
	key = d2i_AutoPrivateKey(NULL, &p, (long)der_len);
	assert_non_null(key);
	/* Our header constants are the vector's. */
	assert_memory_equal(want.header.header1, h1, 16);
	assert_memory_equal(want.header.header2, h2, 16);

	memset(&got, 0, sizeof(got));
	memcpy(&got.header, &want.header, sizeof(got.header));
	memcpy(&got.body, &want.body, sizeof(got.body));
	assert_int_equal(sigstruct_sign(&got, key), 0);
	assert_memory_equal(&got, &want, sizeof(got));

	/* and our verification agrees with it */
	assert_true(signature_ok(&want, key));
	check_q1_q2(&want);
	EVP_PKEY_free(key);
}

/* A fresh SIGSTRUCT from sigstruct_init() + sigstruct_sign(). */
static void init_and_sign(void **state)
{
	uint8_t mr[32];
	struct sgx_sigstruct ss;
	EVP_PKEY *pub;

	(void)state;
	for (int i = 0; i < 32; i++)
		mr[i] = (uint8_t)(0xA0 + i);
	sigstruct_init(&ss, mr, SGX_ATTR_MODE64BIT, SGX_XFRM_LEGACY,
		       0x20240304);
	assert_int_equal(ss.header.date, 0x20240304);
	assert_int_equal(ss.body.misc_mask, 0xFFFFFFFF);
	assert_int_equal(sigstruct_sign(&ss, build_key), 0);
	pub = public_key_of(&ss);
	assert_true(signature_ok(&ss, pub));
	check_q1_q2(&ss);
	assert_memory_equal(ss.body.mrenclave, mr, 32);
	EVP_PKEY_free(pub);
}

/* EINIT takes RSA-3072 with e = 3 only; anything else is refused. */
static void wrong_keys(void **state)
{
	struct sgx_sigstruct ss;
	EVP_PKEY *k2048 = EVP_RSA_gen(2048);
	EVP_PKEY *ec = EVP_EC_gen("P-256");

	(void)state;
	assert_non_null(k2048);
	assert_non_null(ec);
	sigstruct_init(&ss, built.body.mrenclave, SGX_ATTR_MODE64BIT,
		       SGX_XFRM_LEGACY, 0);
	assert_int_equal(sigstruct_sign(&ss, k2048), -EINVAL);
	assert_int_equal(sigstruct_sign(&ss, ec), -EINVAL);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(k2048);
}

static void date_is_bcd(void **state)
{
	uint32_t d;

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1709510400", 1); /* 2024-03-04 */
	d = sigstruct_date();
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(d, 0x20240304);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_and_body),
		cmocka_unit_test(signature_verifies),
		cmocka_unit_test(q1_q2_equations),
		cmocka_unit_test(tampering_is_detected),
		cmocka_unit_test(enclavehash_is_the_image),
		cmocka_unit_test(external_vector),
		cmocka_unit_test(init_and_sign),
		cmocka_unit_test(wrong_keys),
		cmocka_unit_test(date_is_bcd),
	};

	if (argc != 6) {
		fprintf(stderr,
			"usage: %s SIGSTRUCT KEY.pem ENCLAVE.elf KAT-KEY.hex "
			"KAT-SIGSTRUCT.hex\n",
			argv[0]);
		return 2;
	}
	arg_ss = argv[1];
	arg_key = argv[2];
	arg_elf = argv[3];
	arg_kat_key = argv[4];
	arg_kat_ss = argv[5];
	return cmocka_run_group_tests(tests, setup, teardown);
}
