// SPDX-License-Identifier: MIT
/* The library's version, as it was built (the header's macros are the
 * version a program was compiled against). */
#include "internal.h"

SGX2_EXPORT int sgx2_major_version(void)
{
	return SGX2_VERSION_MAJOR;
}

SGX2_EXPORT int sgx2_minor_version(void)
{
	return SGX2_VERSION_MINOR;
}

SGX2_EXPORT int sgx2_patch_version(void)
{
	return SGX2_VERSION_PATCH;
}
