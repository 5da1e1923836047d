// SPDX-License-Identifier: MIT
/*
 * sgx2-keygen OUT.pem - make the enclave signing key: RSA-3072 with public
 * exponent 3 (EINIT accepts no other), written as an unencrypted PKCS #8
 * PEM file readable only by its owner. Run by the build; the key signs
 * test enclaves only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "sigstruct.h"

int main(int argc, char **argv)
{
	EVP_PKEY *key;
	FILE *f;
	int fd, ok;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: %s OUT.pem\nWrite a new RSA-3072 enclave "
		       "signing key (e = 3), PKCS #8 PEM, mode 0600.\n",
		       argv[0]);
		return 0;
	}
	/* An option is not a file name: never write a key to "--foo". */
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: %s OUT.pem\n", argv[0]);
		return 2;
	}
	key = sigstruct_keygen();
	if (!key) {
		fprintf(stderr, "sgx2-keygen: RSA key generation failed\n");
		ERR_print_errors_fp(stderr);
		return 1;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror(argv[1]);
		if (fd >= 0)
			close(fd);
		EVP_PKEY_free(key);
		return 1;
	}
	fchmod(fd, 0600);
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	ok = (fclose(f) == 0) && ok;
	EVP_PKEY_free(key);
	if (!ok) {
		fprintf(stderr, "sgx2-keygen: writing %s failed\n", argv[1]);
		ERR_print_errors_fp(stderr);
		unlink(argv[1]);
		return 1;
	}
	return 0;
}
