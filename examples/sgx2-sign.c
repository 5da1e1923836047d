// SPDX-License-Identifier: MIT
/*
 * sgx2-sign [--debug] KEY.pem ENCLAVE.elf OUT.sigstruct
 *
 * Measures the enclave image the way the loader will build it (image.h,
 * measure.h), and writes its SIGSTRUCT signed with KEY. --debug signs it
 * for a debug enclave (SECS.ATTRIBUTES.DEBUG), which a debugger can read.
 * Prints the MRENCLAVE.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "image.h"
#include "measure.h"
#include "sigstruct.h"

static EVP_PKEY *read_key(const char *path)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *key;

	if (!f) {
		perror(path);
		return NULL;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!key) {
		fprintf(stderr, "sgx2-sign: %s: not a PEM private key\n", path);
		ERR_print_errors_fp(stderr);
	}
	return key;
}

static int write_all(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f) {
		perror(path);
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok) {
		fprintf(stderr, "sgx2-sign: writing %s failed\n", path);
		remove(path);
	}
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint64_t attributes = SGX_ATTR_MODE64BIT;
	struct sgx_sigstruct ss;
	uint8_t mrenclave[32];
	struct image img;
	EVP_PKEY *key;
	int arg = 1, err;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s [--debug] KEY.pem ENCLAVE.elf "
		       "OUT.sigstruct\nMeasure ENCLAVE.elf and write its "
		       "SIGSTRUCT signed with KEY.\n",
		       argv[0]);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--debug") == 0) {
		attributes |= SGX_ATTR_DEBUG;
		arg++;
	}
	if (argc - arg != 3) {
		fprintf(stderr,
			"usage: %s [--debug] KEY.pem ENCLAVE.elf "
			"OUT.sigstruct\n",
			argv[0]);
		return 2;
	}
	key = read_key(argv[arg]);
	if (!key)
		return 1;
	err = image_load(&img, argv[arg + 1]);
	if (!err) {
		err = measure_image(&img, mrenclave);
		image_free(&img);
	}
	if (!err) {
		sigstruct_init(&ss, mrenclave, attributes, SGX_XFRM_LEGACY,
			       sigstruct_date());
		err = sigstruct_sign(&ss, key);
		if (err) {
			fprintf(stderr, "sgx2-sign: signing failed\n");
			ERR_print_errors_fp(stderr);
		}
	}
	EVP_PKEY_free(key);
	if (err || write_all(argv[arg + 2], &ss, sizeof(ss)))
		return 1;
	printf("MRENCLAVE ");
	for (int i = 0; i < 32; i++)
		printf("%02x", mrenclave[i]);
	printf("\n");
	return 0;
}
