// SPDX-License-Identifier: MIT
/*
 * The simulator's SHA-256 (sim/sha256.c, built into this test): the FIPS
 * 180-2 example digests, and OpenSSL's digest for every length across
 * the padding boundaries, hashed whole and in pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "sha256.h"

static void digest_of(const void *data, size_t n, uint8_t out[32])
{
	struct sim_sha256 s;

	sim__sha256_init(&s);
	sim__sha256_update(&s, data, n);
	sim__sha256_digest(&s, out);
}

static void hex32(const char *hex, uint8_t out[32])
{
	for (unsigned int i = 0; i < 32; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };

		out[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
}

static void fips_examples(void **state)
{
	static const struct {
		const char *msg;
		const char *digest;
	} kat[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		      "7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410f"
			 "f61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db"
		  "06c1" },
	};
	uint8_t got[32], want[32];

	(void)state;
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		digest_of(kat[i].msg, strlen(kat[i].msg), got);
		hex32(kat[i].digest, want);
		assert_memory_equal(got, want, 32);
	}
}

/* A million 'a's, in pieces of 1000: many whole and partial blocks. */
static void million_a(void **state)
{
	struct sim_sha256 s;
	uint8_t got[32], want[32];
	char a[1000];

	(void)state;
	memset(a, 'a', sizeof(a));
	sim__sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sim__sha256_update(&s, a, sizeof(a));
	sim__sha256_digest(&s, got);
	hex32("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd"
	      "0",
	      want);
	assert_memory_equal(got, want, 32);
}

static void every_length_matches_openssl(void **state)
{
	uint8_t msg[300], whole[32], pieces[32], ref[32];
	struct sim_sha256 s;

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(msg); n++) {
		digest_of(msg, n, whole);
		sim__sha256_init(&s);
		for (size_t i = 0; i < n; i += 1 + i % 7)
			sim__sha256_update(&s, msg + i,
					   n - i < 1 + i % 7 ? n - i
							     : 1 + i % 7);
		sim__sha256_digest(&s, pieces);
		SHA256(msg, n, ref);
		assert_memory_equal(whole, ref, 32);
		assert_memory_equal(pieces, ref, 32);
	}
}

/* A digest leaves the state as it was: hashing can go on after it. */
static void digest_does_not_end_the_stream(void **state)
{
	static const char msg[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t mid[32], end[32], ref[32];
	struct sim_sha256 s;

	(void)state;
	sim__sha256_init(&s);
	sim__sha256_update(&s, msg, 10);
	sim__sha256_digest(&s, mid);
	sim__sha256_update(&s, msg + 10, sizeof(msg) - 11);
	sim__sha256_digest(&s, end);
	SHA256((const uint8_t *)msg, 10, ref);
	assert_memory_equal(mid, ref, 32);
	SHA256((const uint8_t *)msg, sizeof(msg) - 1, ref);
	assert_memory_equal(end, ref, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_examples),
		cmocka_unit_test(million_a),
		cmocka_unit_test(every_length_matches_openssl),
		cmocka_unit_test(digest_does_not_end_the_stream),
	};

	return cmocka_run_group_tests_name("SHA-256", tests, NULL, NULL);
}
