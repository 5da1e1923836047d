/* SPDX-License-Identifier: MIT */
/*
 * MRENCLAVE, computed the way the CPU does while the enclave is built
 * (SDM Vol. 3D, ECREATE / EADD / EEXTEND / EINIT): SHA-256 over a sequence
 * of 64-byte records, finished at EINIT.
 *
 *   ECREATE  "ECREATE\0" | SSAFRAMESIZE u32 | SIZE u64 | 44 zero bytes
 *   EADD     "EADD\0\0\0\0" | offset u64 | the first 48 bytes of SECINFO
 *   EEXTEND  "EEXTEND\0" | offset u64 | 48 zero bytes, then the 256 bytes
 *            of the chunk at that offset (one record per 256-byte chunk)
 *
 * Integers are little-endian; offsets are relative to the enclave base.
 */
#ifndef MEASURE_H
#define MEASURE_H

#include <stdint.h>

#include "image.h"

struct measure {
	void *md; /* EVP_MD_CTX */
};

int measure_ecreate(struct measure *m, uint32_t ssa_frame_pages, uint64_t size);
int measure_eadd(struct measure *m, uint64_t offset, uint64_t secinfo_flags);
int measure_eextend(struct measure *m, uint64_t offset,
		    const uint8_t chunk[256]);

/**
 * measure_page() - EADD a page, then EEXTEND its 16 chunks if @extend
 * (what SGX_IOC_ENCLAVE_ADD_PAGES does with SGX_PAGE_MEASURE)
 */
int measure_page(struct measure *m, uint64_t offset, uint64_t secinfo_flags,
		 const uint8_t page[4096], int extend);

/** measure_final() - the MRENCLAVE; frees the context (also on error) */
int measure_final(struct measure *m, uint8_t mrenclave[32]);

/** measure_abort() - free the context of an unfinished measurement */
void measure_abort(struct measure *m);

/**
 * measure_image() - the MRENCLAVE of an image under the rules of image.h
 *
 * Return: 0 or -ENOMEM / -EIO (libcrypto failure).
 */
int measure_image(const struct image *img, uint8_t mrenclave[32]);

#endif /* MEASURE_H */
