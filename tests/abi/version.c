// SPDX-License-Identifier: MIT
/*
 * The version: the header's macros and the library's functions agree with
 * each other and with the project's version (PROJECT_VERSION, from Meson).
 */
#include <stdio.h>
#include <string.h>
#include <sgx2.h>

#if !SGX2_VERSION_AT_LEAST(0, 1) || SGX2_VERSION_AT_LEAST(0, 2) ||             \
	SGX2_VERSION_AT_LEAST(1, 0) || !SGX2_VERSION_AT_LEAST(0, 0)
#error "SGX2_VERSION_AT_LEAST disagrees with version 0.1"
#endif

int main(void)
{
	char want[64];

	snprintf(want, sizeof(want), "%d.%d.%d", sgx2_major_version(),
		 sgx2_minor_version(), sgx2_patch_version());
	printf("library %s, header %d.%d.%d, project %s\n", want,
	       SGX2_VERSION_MAJOR, SGX2_VERSION_MINOR, SGX2_VERSION_PATCH,
	       PROJECT_VERSION);
	return sgx2_major_version() == SGX2_VERSION_MAJOR &&
			       sgx2_minor_version() == SGX2_VERSION_MINOR &&
			       sgx2_patch_version() == SGX2_VERSION_PATCH &&
			       !strcmp(want, PROJECT_VERSION)
		       ? 0
		       : 1;
}
