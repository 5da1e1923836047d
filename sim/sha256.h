/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), streaming: the hash MRENCLAVE and MRSIGNER are made
 * of. The simulator's own, so that the measurement needs no crypto library.
 * Private to libsgx2-sim; standalone, so that a unit test can build it.
 */
#ifndef SGX2_SIM_SHA256_H
#define SGX2_SIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SIM_SHA256_SIZE 32

struct sim_sha256 {
	uint32_t h[8];	   /* the chaining state */
	uint64_t len;	   /* bytes hashed so far */
	uint8_t block[64]; /* the first len % 64 bytes of a partial block */
};

void sim__sha256_init(struct sim_sha256 *s);
void sim__sha256_update(struct sim_sha256 *s, const void *data, size_t n);
/* The digest of what was hashed so far; @s itself is left as it was. */
void sim__sha256_digest(const struct sim_sha256 *s,
			uint8_t out[SIM_SHA256_SIZE]);

#endif /* SGX2_SIM_SHA256_H */
