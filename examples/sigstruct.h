/* SPDX-License-Identifier: MIT */
/*
 * SIGSTRUCT: fill it in and sign it with an RSA-3072 key whose public
 * exponent is 3 (what EINIT accepts).
 */
#ifndef SIGSTRUCT_H
#define SIGSTRUCT_H

#include <stdint.h>

#include <openssl/evp.h>

#include "sgx-arch.h"

/**
 * sigstruct_init() - header and body of a SIGSTRUCT for our enclaves
 * @ss:         zeroed and filled in (no signature yet)
 * @mrenclave:  the ENCLAVEHASH
 * @attributes: SECS.ATTRIBUTES.FLAGS the enclave is created with
 *              (SGX_ATTR_MODE64BIT, optionally SGX_ATTR_DEBUG)
 * @xfrm:       SECS.ATTRIBUTES.XFRM
 * @date:       BCD 0xYYYYMMDD
 *
 * Vendor 0, MISCSELECT 0, ISVPRODID and ISVSVN 0. The masks are all ones:
 * EINIT accepts the enclave only with exactly these attributes, XFRM and
 * MISCSELECT.
 */
void sigstruct_init(struct sgx_sigstruct *ss, const uint8_t mrenclave[32],
		    uint64_t attributes, uint64_t xfrm, uint32_t date);

/**
 * sigstruct_sign() - sign header and body as they are
 * @ss:  its modulus, exponent, signature, q1 and q2 are filled in
 * @key: an RSA-3072 private key with public exponent 3
 *
 * The signature is RSASSA-PKCS1-v1_5 with SHA-256 over the 128 header
 * bytes followed by the 128 body bytes. q1 = floor(s^2 / m) and
 * q2 = floor((s^3 - q1 * s * m) / m) for signature s and modulus m. All
 * four numbers are stored little-endian.
 *
 * Return: 0; -EINVAL for another key type, size or exponent; -EIO when
 * libcrypto fails (its error queue says why).
 */
int sigstruct_sign(struct sgx_sigstruct *ss, EVP_PKEY *key);

/**
 * sigstruct_keygen() - a new RSA-3072 key with public exponent 3
 *
 * Return: the key, or NULL when libcrypto fails (its error queue says why).
 */
EVP_PKEY *sigstruct_keygen(void);

/** sigstruct_date() - today (or SOURCE_DATE_EPOCH) as BCD 0xYYYYMMDD */
uint32_t sigstruct_date(void);

#endif /* SIGSTRUCT_H */
